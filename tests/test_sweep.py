"""The threshold sweep: counts, rates and money at any threshold, checked against scikit-learn."""

import math

import numpy as np
import pytest
from conftest import examples
from hypothesis import example, given, settings
from hypothesis import strategies as st
from sklearn.metrics import confusion_matrix, precision_score, recall_score

from proofdeck.data.spec import Economics
from proofdeck.decisions.outcomes import outcome_of_flags
from proofdeck.decisions.sweep import ThresholdSweep

ECON = Economics(cost_per_action=40, value_per_won=600, win_rate=0.3, fixed_cost=5000, population=40000, period="quarter")
PER_EXAMPLE = Economics(cost_per_action=5, win_rate=0.9, cost_per_miss=20, value_column="amount", population=0)


@st.composite
def held_out(draw, min_size=1, max_size=60):
    n = draw(st.integers(min_size, max_size))
    # Few distinct scores on purpose: ties are where threshold code goes wrong.
    grid = draw(st.sampled_from([4, 10, 1000]))
    scores = np.array(draw(st.lists(st.integers(0, grid), min_size=n, max_size=n))) / grid
    labels = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    values = np.array(draw(st.lists(st.floats(0, 5000, allow_nan=False), min_size=n, max_size=n)))
    return scores, labels, values


thresholds = st.one_of(st.floats(-0.5, 1.5, allow_nan=False), st.sampled_from([0.0, 0.25, 0.5, 1.0]))
economics = st.sampled_from([ECON, PER_EXAMPLE, Economics(cost_per_action=1, value_per_won=10)])


@settings(max_examples=examples(300), deadline=None)
@given(held_out(), thresholds, economics)
def test_counts_match_confusion_matrix(data, threshold, econ):
    scores, labels, values = data
    sweep = ThresholdSweep(scores, labels, values)
    outcome = sweep.outcome_at(threshold, econ)
    predicted = scores >= threshold
    tn, fp, fn, tp = confusion_matrix(labels, predicted, labels=[False, True]).ravel()
    scale = econ.scale_for(len(scores))
    assert outcome.reached == pytest.approx(tp * scale)
    assert outcome.unneeded == pytest.approx(fp * scale)
    assert outcome.missed == pytest.approx(fn * scale)
    assert outcome.left_alone == pytest.approx(tn * scale)
    assert outcome.actions == pytest.approx((tp + fp) * scale)


@settings(max_examples=examples(300), deadline=None)
@given(held_out(), thresholds)
def test_hit_rate_and_coverage_are_precision_and_recall(data, threshold):
    scores, labels, values = data
    outcome = ThresholdSweep(scores, labels, values).outcome_at(threshold, ECON)
    predicted = scores >= threshold
    # Convention: with nothing acted on (or no positives) the rate is undefined: NaN, shown as a dash.
    precision = precision_score(labels, predicted, zero_division=np.nan)
    recall = recall_score(labels, predicted, zero_division=np.nan)
    assert outcome.hit_rate == pytest.approx(precision, nan_ok=True)
    assert outcome.coverage == pytest.approx(recall, nan_ok=True)
    if predicted.sum() == 0:
        assert math.isnan(outcome.hit_rate)
    if labels.sum() == 0:
        assert math.isnan(outcome.coverage)


@settings(max_examples=examples(300), deadline=None)
@given(held_out(), thresholds, economics)
def test_money_equals_the_direct_formula(data, threshold, econ):
    scores, labels, values = data
    outcome = ThresholdSweep(scores, labels, values).outcome_at(threshold, econ)
    acted = scores >= threshold
    scale = econ.scale_for(len(scores))
    worth = values if econ.value_column else np.full(len(values), econ.value_per_won)
    spend = econ.cost_per_action * acted.sum() * scale + (econ.fixed_cost if acted.any() else 0.0)
    value_won = econ.win_rate * worth[acted & labels].sum() * scale
    miss_cost = econ.cost_per_miss * (labels & ~acted).sum() * scale
    assert outcome.spend == pytest.approx(spend)
    assert outcome.value_won == pytest.approx(value_won)
    assert outcome.net_value == pytest.approx(value_won - spend - miss_cost)
    # The same figures as evaluating the flags directly.
    direct = outcome_of_flags(acted, labels, values, econ)
    assert direct.net_value == pytest.approx(outcome.net_value)


@settings(max_examples=examples(300), deadline=None)
@given(held_out(), st.floats(0, 100_000, allow_nan=False), economics)
def test_afford_n_actions_never_exceeds_n(data, limit, econ):
    scores, labels, values = data
    sweep = ThresholdSweep(scores, labels, values)
    count = sweep.count_for_actions(limit, econ)
    # "At most N" as pages count actions: whole actions, rounded as shown (below N + 0.5).
    assert sweep.outcome_at_count(count, econ).actions < math.floor(limit) + 0.5
    # ...and it is the most generous such setting: one more would exceed N.
    if count < sweep.size:
        assert sweep.outcome_at_count(count + 1, econ).actions >= math.floor(limit) + 0.5


@settings(max_examples=examples(300), deadline=None)
@given(held_out(), st.floats(0, 5_000_000, allow_nan=False), economics)
def test_spend_b_never_exceeds_b(data, budget, econ):
    scores, labels, values = data
    sweep = ThresholdSweep(scores, labels, values)
    count = sweep.count_for_spend(budget, econ)
    assert sweep.outcome_at_count(count, econ).spend <= budget
    if count < sweep.size:
        assert sweep.outcome_at_count(count + 1, econ).spend > budget


@settings(max_examples=examples(300), deadline=None)
@given(held_out(), st.floats(0, 1, allow_nan=False))
@example(data=(np.array([0.0, 0.0]), np.array([False, True]), np.array([0.0, 0.0])), wanted=2.7e-12)
@example(data=(np.arange(10) / 10, np.ones(10, dtype=bool), np.ones(10)), wanted=0.3)
def test_reach_x_percent_reaches_at_least_x(data, wanted):
    scores, labels, values = data
    sweep = ThresholdSweep(scores, labels, values)
    count = sweep.count_for_coverage(wanted)
    if labels.sum() == 0:
        assert count is None
        return
    assert sweep.outcome_at_count(count, ECON).coverage >= wanted
    # ...and it is the most selective such setting: one fewer falls short.
    if count > 0:
        assert sweep.outcome_at_count(count - 1, ECON).coverage < wanted


@settings(max_examples=examples(200), deadline=None)
@given(held_out(), st.integers(0, 60))
def test_flags_at_count_are_the_top_scores_like_top_k_flags(data, count):
    from proofdeck.comparison.compare import top_k_flags

    scores, labels, values = data
    sweep = ThresholdSweep(scores, labels, values)
    flags = sweep.flags_at_count(count)
    assert flags.sum() == min(count, scores.size)
    np.testing.assert_array_equal(flags, top_k_flags(scores, count))
    if 0 < count <= scores.size:
        assert scores[flags].min() == sweep.threshold_at_count(count) >= scores[~flags].max(initial=-1)
    # The outcome at a count is the outcome of exactly these flags.
    direct = outcome_of_flags(flags, labels, values, ECON)
    assert sweep.outcome_at_count(count, ECON).net_value == pytest.approx(direct.net_value)


def test_scaling_and_zero_actions():
    sweep = ThresholdSweep(np.array([0.9, 0.2, 0.6]), np.array([True, False, True]))
    nothing = sweep.outcome_at(2.0, ECON)
    assert nothing.actions == 0 and nothing.spend == 0 and math.isnan(nothing.roi)
    assert math.isnan(nothing.cost_per_won)
    everyone = sweep.outcome_at(0.0, ECON)
    assert everyone.actions == pytest.approx(40000)
    assert everyone.spend == pytest.approx(40 * 40000 + 5000)


def test_rejects_bad_input():
    with pytest.raises(ValueError):
        ThresholdSweep(np.array([0.1, np.nan]), np.array([True, False]))
    with pytest.raises(ValueError):
        ThresholdSweep(np.array([0.1]), np.array([True, False]))


def test_top_k_intervals_follow_skewed_money_and_stay_possible():
    from proofdeck.decisions.top_k_bootstrap import TopKBootstrap

    # A few huge values among many small ones: the interval must be lopsided, never below 0.
    rng = np.random.default_rng(7)
    scores = rng.random(4000)
    labels = rng.random(4000) < 0.02
    values = np.where(rng.random(4000) < 0.03, 50_000.0, 20.0)
    sweep = ThresholdSweep(scores, labels, values)
    econ = PER_EXAMPLE
    outcome = sweep.outcome_at_count(400, econ)
    found = TopKBootstrap(sweep.order, labels, values).intervals_at(
        400, econ, {"reached": outcome.reached, "value_won": outcome.value_won, "net_value": outcome.net_value})
    won = found["value_won"]
    assert won.low >= 0
    assert (won.high - won.estimate) > 1.3 * (won.estimate - won.low)


def test_top_k_sums_are_reproducible_and_exact_in_expectation():
    from proofdeck.decisions.top_k_bootstrap import TopKBootstrap

    labels = np.array([True, False] * 300)
    order = np.arange(600)
    boot = TopKBootstrap(order, labels, np.ones(600), resamples=4000, seed=5)
    again = TopKBootstrap(order, labels, np.ones(600), resamples=4000, seed=5)
    np.testing.assert_array_equal(boot.sums_at(333), again.sums_at(333))
    acted, reached, _, _ = boot.sums_at(300).mean(axis=0)
    assert acted == pytest.approx(300) and reached == pytest.approx(150, rel=0.02)
