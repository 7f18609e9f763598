"""The decision curve against independent references: a plain loop over rows and thresholds, a
tiny example worked by hand, the treat-all formula, every subset of a random pick, the app's own
money (outcome_of_flags) and a plain row-resampling bootstrap."""

from __future__ import annotations

import dataclasses
import doctest
import importlib
import itertools

import numpy as np
import pytest
from conftest import DEMOS, bundled, examples
from hypothesis import given, settings
from hypothesis import strategies as st

from proofdeck.data.spec import Economics
from proofdeck.decisions.decision_curve import (
    decision_curve,
    net_value_at_price,
    own_ratio,
    scores_are_probabilities,
    threshold_grid,
    value_of_hit,
)
from proofdeck.decisions.outcomes import outcome_of_flags
from proofdeck.decisions.random_pick import random_pick_weights
from proofdeck.words.decision_words import exchange_text


def reference_nb(labels, acted, pt) -> float:
    """Net benefit the slow way: walk every row, count hits and wasted actions."""
    tp = fp = 0
    for label, act in zip(labels, acted):
        if act:
            if label:
                tp += 1
            else:
                fp += 1
    n = len(labels)
    return tp / n - fp / n * pt / (1 - pt)


def reference_curves(scores, labels, flags, thresholds):
    """Model (score >= pt), rule (its flags) and act-on-all, one threshold at a time."""
    model, rule, every = [], [], []
    for pt in thresholds:
        model.append(reference_nb(labels, [score >= pt for score in scores], pt))
        rule.append(reference_nb(labels, flags, pt))
        every.append(reference_nb(labels, [True] * len(labels), pt))
    return np.array(model), np.array(rule), np.array(every)


def test_a_tiny_example_worked_by_hand():
    # Six rows; the rule flags rows 0, 3 and 4.
    #   score  0.9  0.7  0.6  0.4  0.2  0.1
    #   label  yes  no   yes  no   yes  no
    # At pt = 0.5 (a wasted action costs 0.5 / 0.5 = 1 hit): the model acts on 0.9, 0.7, 0.6:
    #   2 hits, 1 wasted -> 2/6 - 1/6 * 1 = 1/6.
    #   The rule: rows 0 (yes), 3 (no), 4 (yes): 2 hits, 1 wasted -> 1/6 as well.
    #   All: 3 hits, 3 wasted -> 3/6 - 3/6 = 0.
    # At pt = 0.2 (a wasted action costs 0.25 hit): the model acts on 5 rows: 3 hits, 2 wasted
    #   -> 3/6 - 2/6 * 0.25 = 5/12; the rule still 2/6 - 1/6 * 0.25 = 7/24; all 3/6 - 3/6 * 0.25 = 3/8.
    scores = np.array([0.9, 0.7, 0.6, 0.4, 0.2, 0.1])
    labels = np.array([1, 0, 1, 0, 1, 0], dtype=bool)
    flags = np.array([1, 0, 0, 1, 1, 0], dtype=bool)
    curve = decision_curve(scores, labels, flags, thresholds=np.array([0.2, 0.5]), resamples=20)
    np.testing.assert_allclose(curve.model, [5 / 12, 1 / 6])
    np.testing.assert_allclose(curve.rule, [7 / 24, 1 / 6])
    np.testing.assert_allclose(curve.act_all, [3 / 8, 0.0], atol=1e-12)


def test_net_benefit_matches_a_plain_loop_on_a_bundled_demo():
    sc = bundled("leads")
    grid = np.array([0.01, 0.05, 0.1, 0.2, 0.35, 0.5, 0.8])
    curve = decision_curve(sc.scores, sc.labels, sc.rule_flags, thresholds=grid, resamples=10)
    model, rule, every = reference_curves(sc.scores, sc.labels, sc.rule_flags, grid)
    np.testing.assert_allclose(curve.model, model, atol=1e-12)
    np.testing.assert_allclose(curve.rule, rule, atol=1e-12)
    np.testing.assert_allclose(curve.act_all, every, atol=1e-12)


def test_act_on_all_is_prevalence_minus_the_others_at_the_exchange_rate():
    rng = np.random.default_rng(3)
    labels = rng.random(500) < 0.3
    grid = np.linspace(0.05, 0.95, 19)
    curve = decision_curve(rng.random(500), labels, rng.random(500) < 0.5, thresholds=grid, resamples=10)
    p = labels.mean()
    np.testing.assert_allclose(curve.act_all, p - (1 - p) * grid / (1 - grid), atol=1e-12)


def test_a_random_picks_net_benefit_is_the_average_over_every_pick():
    # Seven rows, a random pick of 3: average the net benefit over all 35 possible picks.
    scores = np.array([0.9, 0.8, 0.5, 0.4, 0.3, 0.2, 0.1])  # the model's; a random pick ignores them
    labels = np.array([1, 1, 0, 1, 0, 0, 0], dtype=bool)
    grid = np.array([0.1, 0.3, 0.6])
    curve = decision_curve(scores, labels, random_pick_weights(7, 3), thresholds=grid, resamples=10)
    assert curve.rule_random
    for i, pt in enumerate(grid):
        picks = [reference_nb(labels, [row in chosen for row in range(7)], pt)
                 for chosen in itertools.combinations(range(7), 3)]
        assert curve.rule[i] == pytest.approx(np.mean(picks))


def test_the_churn_demos_own_ratio_worked_by_hand():
    # An offer costs $40; it keeps 30% of the churners it reaches, each worth $600: a reached
    # churner brings 0.3 x 600 = $180. Acting on someone with chance p of churning pays
    # p x 180 - 40 on average, positive above p = 40 / 180 = 2/9 = 22.2%: up to
    # (1 - 2/9) / (2/9) = 3.5 unneeded offers per churner reached (3.5 x $40 = $140 = $180 - $40).
    sc = bundled("churn")
    assert own_ratio(sc.spec.economics, sc.labels, sc.values) == pytest.approx(2 / 9)
    assert exchange_text(2 / 9, sc.spec.nouns) == "up to 3.5 unneeded retention offers per churner reached are acceptable"


def test_the_fraud_demos_own_ratio_uses_the_mean_amount_and_the_miss_fee():
    sc = bundled("fraud")
    amounts = [value for value, label in zip(sc.values, sc.labels) if label]
    hit = 0.85 * sum(amounts) / len(amounts) + 25  # win rate x mean amount + the chargeback fee avoided
    assert own_ratio(sc.spec.economics, sc.labels, sc.values) == pytest.approx(8 / hit)


def test_no_ratio_when_the_money_gives_none():
    labels, values = np.array([True, False]), np.ones(2)
    assert own_ratio(Economics(cost_per_action=0, value_per_won=100), labels, values) is None
    assert own_ratio(Economics(cost_per_action=100, value_per_won=100, win_rate=0.5), labels, values) is None


@pytest.mark.parametrize("demo", DEMOS)
def test_at_the_own_ratio_net_benefit_is_the_apps_net_value(demo):
    """NB x (hit - cost) x rows x scale is the net value against acting on none, as the app's
    outcome_of_flags counts it (its net value plus the fixed cost and the misses of doing nothing)."""
    sc = bundled(demo)
    econ = sc.spec.economics
    if econ.value_column:  # one exchange rate needs one worth per positive: the mean amount
        econ = dataclasses.replace(econ, value_column=None, value_per_won=float(sc.values[sc.labels].mean()))
    curve = decision_curve(sc.scores, sc.labels, sc.rule_flags, econ, sc.values)
    pt = curve.own_ratio
    assert pt in curve.thresholds  # the grid holds it exactly: no interpolation below
    hit = value_of_hit(econ, sc.labels, sc.values)
    scale = econ.scale_for(sc.labels.size)
    nothing = outcome_of_flags(np.zeros(sc.labels.size, dtype=bool), sc.labels, sc.values, econ).net_value
    for name, flags in (("model", sc.scores >= pt), ("rule", sc.rule_flags)):
        app = outcome_of_flags(flags, sc.labels, sc.values, econ)  # a random pick: its average
        gained = app.net_value + (econ.fixed_cost if np.any(flags) else 0.0) - nothing
        ours = net_value_at_price(np.array([curve.at(pt)[name]]), np.array([pt]), hit, sc.labels.size, econ)[0]
        assert ours == pytest.approx(gained, rel=1e-9), name
        assert ours == pytest.approx(curve.at(pt)[name] * (hit - econ.cost_per_action) * sc.labels.size * scale)


@pytest.mark.parametrize("demo", DEMOS)
def test_the_band_holds_the_estimate_on_every_demo(demo):
    sc = bundled(demo)
    curve = decision_curve(sc.scores, sc.labels, sc.rule_flags, sc.spec.economics, sc.values)
    assert np.all(curve.model_low <= curve.model + 1e-12) and np.all(curve.model <= curve.model_high + 1e-12)
    diff = curve.model - curve.rule
    assert np.all(curve.diff_low <= diff + 1e-12) and np.all(diff <= curve.diff_high + 1e-12)
    assert np.any(curve.model_high > curve.model_low)  # a band, not a line
    grid = curve.thresholds
    assert np.all(np.diff(grid) > 0) and grid[0] > 0 and grid[-1] < 1


def test_the_band_matches_a_plain_row_resampling_bootstrap():
    """The multinomial draw of cells is the row bootstrap in distribution: compare the band with
    resampling rows one index at a time (many resamples on both sides, seeded)."""
    rng = np.random.default_rng(11)
    n = 400
    labels = rng.random(n) < 0.25
    scores = np.clip(0.25 + 0.3 * (labels - 0.25) + rng.normal(0, 0.2, n), 0, 1)
    flags = rng.random(n) < 0.3
    grid = np.array([0.1, 0.25, 0.4])
    curve = decision_curve(scores, labels, flags, thresholds=grid, resamples=4000, seed=1)
    plain = []
    for _ in range(4000):
        rows = rng.integers(0, n, n)
        s, y = scores[rows], labels[rows]
        plain.append([np.sum(s[y] >= pt) / n - np.sum(s[~y] >= pt) / n * pt / (1 - pt) for pt in grid])
    low, high = np.percentile(plain, [2.5, 97.5], axis=0)
    np.testing.assert_allclose(curve.model_low, low, atol=0.006)
    np.testing.assert_allclose(curve.model_high, high, atol=0.006)


def test_the_band_is_seeded():
    sc = bundled("churn")
    first = decision_curve(sc.scores, sc.labels, sc.rule_flags, sc.spec.economics, sc.values)
    again = decision_curve(sc.scores, sc.labels, sc.rule_flags, sc.spec.economics, sc.values)
    np.testing.assert_array_equal(first.model_low, again.model_low)


@settings(max_examples=examples(150), deadline=None)
@given(
    rows=st.lists(st.tuples(st.floats(0, 1), st.booleans(), st.booleans()), min_size=1, max_size=30),
    grid=st.lists(st.floats(0.01, 0.99), min_size=1, max_size=6, unique=True),
)
def test_property_any_small_input_matches_the_plain_loop(rows, grid):
    scores = np.array([r[0] for r in rows])
    labels = np.array([r[1] for r in rows])
    flags = np.array([r[2] for r in rows])
    grid = np.sort(np.array(grid))
    curve = decision_curve(scores, labels, flags, thresholds=grid, resamples=30)
    model, rule, every = reference_curves(scores, labels, flags, grid)
    np.testing.assert_allclose(curve.model, model, atol=1e-9)
    np.testing.assert_allclose(curve.rule, rule, atol=1e-9)
    np.testing.assert_allclose(curve.act_all, every, atol=1e-9)
    assert np.all(curve.model_low <= curve.model_high)
    # Net benefit never exceeds the share of positives (a perfect policy reaches them all, wastes
    # nothing), nor a resample's share: at most 1.
    assert np.all(curve.model <= labels.mean() + 1e-12) and np.all(curve.model_high <= 1 + 1e-12)


def test_scores_that_are_not_probabilities_get_no_curve():
    assert not scores_are_probabilities(np.array([0.2, 1.5]))
    assert not scores_are_probabilities(np.array([0.2, np.nan]))
    assert scores_are_probabilities(np.array([0.0, 1.0]))
    with pytest.raises(ValueError, match="probabilities"):
        decision_curve(np.array([3.0, -1.0]), np.array([True, False]), np.array([True, False]))


def test_the_grid_reaches_below_a_rare_prevalence_and_holds_the_own_ratio():
    grid = threshold_grid(0.002, own=0.0237)
    assert grid[0] <= 0.002 / 2 and grid[-1] == pytest.approx(0.99)
    assert 0.0237 in grid
    assert np.sum(grid < 0.05) >= 20  # dense where a rare outcome's useful thresholds are


def test_own_scores_outside_zero_to_one_give_the_report_no_prices_chart():
    from proofdeck.sharing.report.charts import prices_chart

    sc = bundled("churn")
    assert prices_chart(sc, sc.spec.economics) is not None
    stretched = dataclasses.replace(sc, scores=sc.scores * 100, model=None)
    assert prices_chart(stretched, sc.spec.economics) is None


@pytest.mark.parametrize("name", ["proofdeck.decisions.decision_curve", "proofdeck.words.decision_words"])
def test_docstring_examples_run(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
