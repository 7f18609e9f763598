"""Tests written for mutants that survived the statistics tests (docs/mutation-testing.md).

Each one pins a behaviour with an expected value from an independent reference: a plain loop,
a worked example by hand, or a known truth. None takes more than a fraction of a second.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from proofdeck.comparison.compare import (
    HEAVY_TAIL_SHARE,
    cutoff_flags,
    expected_impact_text,
    heavy_tail_note,
    how_sure_sentence,
    interval_text,
    interval_verdict,
    money_concentration,
    range_words,
    same_budget,
    same_reach,
    verdict,
    verdict_sentence,
)
from proofdeck.comparison.gains import gains_curve, lift_at
from proofdeck.comparison.policies import POLICIES, agreement, combined_policies
from proofdeck.comparison.segments import COLUMNS, segment_table
from proofdeck.data.spec import Economics
from proofdeck.decisions.assumption_ranges import Range, assumption_ranges, sampled_economics
from proofdeck.decisions.best_setting import best_setting
from proofdeck.decisions.bootstrap import (
    Interval,
    _count_blocks,
    bootstrap_outcomes,
    interval,
    relative_change,
    resamples_for,
    studentized_interval,
)
from proofdeck.decisions.outcomes import (
    Outcome,
    Totals,
    as_flags,
    is_row_level,
    outcome_arrays,
    outcome_of_flags,
    policy_size,
    policy_weights,
)
from proofdeck.decisions.paired import difference_spread, first_draws, same_budget_draws
from proofdeck.decisions.random_pick import random_pick_weights
from proofdeck.decisions.slider_scale import slider_counts
from proofdeck.decisions.sweep import ThresholdSweep
from proofdeck.decisions.top_k_bootstrap import TopKBootstrap
from proofdeck.words.wording import RANDOM_PICK

CHURN_MONEY = Economics(cost_per_action=20, value_per_won=300, win_rate=0.4, population=10_000, period="quarter")
WORDS = {"action": "call", "won": "customer kept", "positives": "churners", "positive": "churner"}


# --- decisions/assumption_ranges.py: every money assumption's range -------------------------

def test_guessed_ranges_by_hand():
    """$20 a call (a fifth either way: 16 to 25), $300 a customer (a quarter: 225 to 375), a win
    rate of 40% (half again either way: 20% to 60%); a fixed cost and a miss cost of 0 stay 0
    and get no range."""
    assert assumption_ranges(CHURN_MONEY) == (
        Range("cost_per_action", 16.0, 20.0, 25.0, True),
        Range("value_per_won", 225.0, 300.0, 375.0, True),
        Range("win_rate", 0.2, 0.4, pytest.approx(0.6), True),
    )


def test_every_money_field_in_use_gets_a_range_in_a_fixed_order():
    econ = replace(CHURN_MONEY, fixed_cost=1000.0, cost_per_miss=50.0)
    found = assumption_ranges(econ)
    assert [item.field for item in found] == ["cost_per_action", "value_per_won", "win_rate", "fixed_cost",
                                              "cost_per_miss"]
    assert found[3] == Range("fixed_cost", 800.0, 1000.0, 1250.0, True)
    assert found[4] == Range("cost_per_miss", 25.0, 50.0, 75.0, True)


def test_a_value_column_takes_the_place_of_value_per_won():
    econ = replace(CHURN_MONEY, value_column="amount")
    assert [item.field for item in assumption_ranges(econ)] == ["cost_per_action", "win_rate"]


def test_a_stated_range_is_kept_and_not_marked_guessed():
    econ = replace(CHURN_MONEY, ranges=(("win_rate", 0.25, 0.45),))
    win = [item for item in assumption_ranges(econ) if item.field == "win_rate"]
    assert win == [Range("win_rate", 0.25, 0.4, 0.45, False)]


def test_a_stated_range_of_zero_width_at_zero_is_kept():
    """Someone stated the fixed cost is exactly 0: a range (fixed), not a guess to drop."""
    econ = replace(CHURN_MONEY, ranges=(("fixed_cost", 0.0, 0.0),))
    fixed = [item for item in assumption_ranges(econ) if item.field == "fixed_cost"]
    assert fixed == [Range("fixed_cost", 0.0, 0.0, 0.0, False)]
    assert fixed[0].fixed


def test_a_range_always_holds_its_assumed_figure_and_stays_possible():
    """A stated 50%-70% around an assumed 40% widens to 40%-70%; a guessed 80% +/- half is cut
    at 100% (no win rate above 1); a stated range above the assumed cost starts at it."""
    econ = replace(CHURN_MONEY, win_rate=0.4, ranges=(("win_rate", 0.5, 0.7), ("cost_per_action", 5.0, 10.0)))
    found = {item.field: item for item in assumption_ranges(econ)}
    assert (found["win_rate"].low, found["win_rate"].high) == (0.4, 0.7)
    assert (found["cost_per_action"].low, found["cost_per_action"].high) == (5.0, 20.0)
    high = {item.field: item for item in assumption_ranges(replace(CHURN_MONEY, win_rate=0.8))}
    assert (high["win_rate"].low, high["win_rate"].high) == (0.4, 1.0)


def test_a_range_is_fixed_only_when_its_ends_meet():
    assert Range("win_rate", 0.3, 0.3, 0.3, False).fixed
    assert not Range("win_rate", 0.3, 0.3, 0.31, False).fixed


def test_sampled_money_is_triangular_between_the_ends():
    """A triangular draw lies between its ends, its mean is (low + likely + high) / 3 and a
    share (likely - low) / (high - low) of it falls below the likely figure."""
    econ = sampled_economics(CHURN_MONEY, 40_000, seed=3)
    for field, low, likely, high in [("cost_per_action", 16, 20, 25), ("value_per_won", 225, 300, 375),
                                     ("win_rate", 0.2, 0.4, 0.6)]:
        draws = np.asarray(getattr(econ, field))
        assert draws.shape == (40_000,)
        assert draws.min() >= low and draws.max() <= high
        assert draws.mean() == pytest.approx((low + likely + high) / 3, rel=0.005)
        assert (draws < likely).mean() == pytest.approx((likely - low) / (high - low), abs=0.01)
    assert econ.fixed_cost == 0.0 and econ.cost_per_miss == 0.0  # no range: left as they were
    assert econ.population == CHURN_MONEY.population


def test_sampled_money_is_seeded():
    one, again, other = (sampled_economics(CHURN_MONEY, 50, seed=s) for s in (1, 1, 2))
    np.testing.assert_array_equal(one.win_rate, again.win_rate)
    assert not np.array_equal(one.win_rate, other.win_rate)
    # the default seed is 0
    np.testing.assert_array_equal(sampled_economics(CHURN_MONEY, 50).win_rate,
                                  sampled_economics(CHURN_MONEY, 50, seed=0).win_rate)


def test_a_fixed_range_is_not_drawn():
    econ = replace(CHURN_MONEY, ranges=(("win_rate", 0.4, 0.4),))
    assert sampled_economics(econ, 10).win_rate == 0.4


def test_range_words_by_hand():
    win, cost = Range("win_rate", 0.2, 0.4, 0.6, True), Range("cost_per_action", 16.0, 20.0, 25.0, True)
    assert range_words(win, WORDS) == "share of reached churners won 20% to 60%"
    assert range_words(cost, WORDS) == "cost per call $16 to $25"
    assert range_words(cost, WORDS, "€") == "cost per call €16 to €25"
    assert range_words(Range("value_per_won", 225.0, 300.0, 375.0, True), WORDS) == "value per customer kept $225 to $375"
    assert range_words(Range("fixed_cost", 800.0, 1000.0, 1250.0, True), WORDS) == "fixed cost $800 to $1,250"
    assert range_words(Range("cost_per_miss", 25.0, 50.0, 75.0, True), WORDS) == "cost per churner missed $25 to $75"


# --- decisions/paired.py: the spread a studentized interval divides by -------------------------

def reference_spread(gap, labels, values, econ, scale):
    """sqrt(n) x the (population) standard deviation of the per-example amount the difference
    sums: gap x (win rate x the example's worth + the miss cost), for positives; 0 otherwise."""
    amounts = []
    for g, positive, value in zip(gap, labels, values):
        worth = (value if econ.value_column else econ.value_per_won) if positive else 0.0
        amounts.append(scale * g * (econ.win_rate * worth + (econ.cost_per_miss if positive else 0.0)))
    return np.sqrt(len(amounts)) * np.std(amounts)


def spread_sums(gap, labels, values):
    """The five sums difference_spread reads, by a plain loop."""
    sums = [0.0] * 5
    for g, positive, value in zip(gap, labels, values):
        worth = value if positive else 0.0
        sums[0] += g * worth
        sums[1] += g * positive
        sums[2] += g * g * worth * worth
        sums[3] += g * g * worth
        sums[4] += g * g * positive
    return np.array(sums)


SPREAD_ECONOMIES = [
    Economics(value_per_won=300, win_rate=0.4, cost_per_miss=50),
    Economics(value_per_won=300, win_rate=0.4),
    Economics(value_column="amount", win_rate=0.7, cost_per_miss=20),
    Economics(value_column="amount", win_rate=0.3),
]


@pytest.mark.parametrize("econ", SPREAD_ECONOMIES, ids=["per won+miss", "per won", "column+miss", "column"])
def test_difference_spread_is_the_standard_deviation_of_the_per_example_amounts(econ):
    rng = np.random.default_rng(11)
    n = 30
    labels = rng.random(n) < 0.4
    values = rng.lognormal(3, 1, n)
    gaps = [rng.choice([-1.0, 0.0, 1.0, -0.25, 0.75], n) for _ in range(3)]
    scale = 2.5
    arguments = dict(examples=n, scale=scale, win_rate=econ.win_rate, cost_per_miss=econ.cost_per_miss,
                     value_column=bool(econ.value_column), value_per_won=econ.value_per_won)
    one = difference_spread(spread_sums(gaps[0], labels, values), **arguments)
    assert float(one) == pytest.approx(reference_spread(gaps[0], labels, values, econ, scale), rel=1e-9)
    many = difference_spread(np.array([spread_sums(g, labels, values) for g in gaps]), **arguments)
    expected = [reference_spread(g, labels, values, econ, scale) for g in gaps]
    np.testing.assert_allclose(many, expected, rtol=1e-9)


def test_difference_spread_is_zero_not_nan_when_every_amount_is_the_same():
    """All amounts equal: the variance is 0 (rounding may make it a hair negative: never NaN)."""
    # three amounts of 0.9 x 0.1: in floating point the variance comes out at -3.5e-18
    sums = spread_sums([1.0] * 3, [True] * 3, [0.1] * 3)
    found = difference_spread(sums, examples=3, scale=1.0, win_rate=0.9, cost_per_miss=0.0,
                              value_column=True, value_per_won=0.0)
    assert found == 0.0


def _held_out(n=60, seed=0, ties=False):
    rng = np.random.default_rng(seed)
    scores = (rng.integers(0, 3, n) / 2.0) if ties else rng.random(n)
    labels = rng.random(n) < 0.35
    values = rng.lognormal(3, 1, n)
    rule = rng.random(n) < 0.3
    return scores, rule, labels, values


def reference_gap(scores, rule_weights):
    """The held-out set's model picks (its top K, K the rule's size, ties by position) minus the rule."""
    k = int(round(float(np.sum(rule_weights))))
    ranked = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
    model = [0.0] * len(scores)
    for i in ranked[:k]:
        model[i] = 1.0
    return np.array(model) - np.asarray(rule_weights, dtype=float)


@pytest.mark.parametrize("ties", [False, True], ids=["distinct scores", "tied scores"])
def test_the_held_out_sets_own_spread_sums_by_a_plain_loop(ties):
    scores, rule, labels, values = _held_out(ties=ties)
    draws = same_budget_draws(scores, rule, labels, values, resamples=10)
    expected = spread_sums(reference_gap(scores, rule), labels, values)
    np.testing.assert_allclose(draws.sample_spread, expected, rtol=1e-9)


def test_a_random_picks_spread_sums_by_a_plain_loop():
    scores, _, labels, values = _held_out(seed=4)
    weights = random_pick_weights(60, 12)
    draws = same_budget_draws(scores, weights, labels, values, resamples=10)
    np.testing.assert_allclose(draws.sample_spread, spread_sums(reference_gap(scores, weights), labels, values),
                               rtol=1e-9)


def test_resampled_sums_average_to_the_held_out_sums():
    """Every example is drawn once per resample on average, so each resampled sum of a fixed
    per-example quantity averages to its held-out sum."""
    scores, rule, labels, values = _held_out(seed=2)
    draws = same_budget_draws(scores, rule, labels, values, resamples=6000, seed=5)
    positive_value = values[labels]
    expected = {
        "actions": rule.sum(), "positives": labels.sum(), "positive_value": positive_value.sum(),
        "rule_reached": (rule & labels).sum(), "rule_value": values[rule & labels].sum(),
    }
    for name, total in expected.items():
        found = getattr(draws, name)
        assert found.mean() == pytest.approx(total, rel=0.03), name
    own = spread_sums(reference_gap(scores, rule), labels, values)
    for column in range(5):
        assert draws.spread[:, column].mean() == pytest.approx(own[column], rel=0.05, abs=0.05 * abs(own).max())


def test_the_models_value_is_the_value_of_the_positives_it_reaches():
    """With every positive worth 5, the value each side reaches is 5 x the positives it reaches."""
    scores, rule, labels, _ = _held_out(seed=3)
    draws = same_budget_draws(scores, rule, labels, np.full(60, 5.0), resamples=300)
    np.testing.assert_allclose(draws.model_value, 5 * draws.model_reached)
    np.testing.assert_allclose(draws.rule_value, 5 * draws.rule_reached)
    np.testing.assert_allclose(draws.positive_value, 5 * draws.positives)


def test_the_default_seed_is_zero():
    """Pages and the report call without a seed and must show the same figures."""
    scores, rule, labels, values = _held_out(seed=1)
    one = same_budget_draws(scores, rule, labels, values, resamples=50)
    zero = same_budget_draws(scores, rule, labels, values, resamples=50, seed=0)
    np.testing.assert_array_equal(one.model_reached, zero.model_reached)


def test_first_draws_with_no_examples_drawn_one_by_one():
    """No examples: a budget of 0 (or within rounding of 0) sums to 0, any real budget cannot
    be filled."""
    empty, columns = np.zeros((3, 0)), np.zeros((0, 2))
    found = first_draws(empty, np.array([0.0, 1e-9, 0.0]), columns)
    assert found is not None and found.shape == (3, 2) and not found.any()
    assert first_draws(empty, np.array([0.0, 0.5, 0.0]), columns) is None


def test_first_draws_with_one_example():
    """One example worth 3, drawn twice and once: budgets 1.5 and 1 take 1.5 and 1 copies."""
    found = first_draws(np.array([[2.0], [1.0]]), np.array([1.5, 1.0]), np.array([[3.0]]))
    np.testing.assert_allclose(found, [[4.5], [3.0]])
    assert first_draws(np.array([[2.0], [1.0]]), np.array([1.5, 1.5]), np.array([[3.0]])) is None


def test_when_a_budget_goes_past_the_models_top_it_looks_twice_as_far(monkeypatch):
    """The top examples drawn one by one start at budget + 8 sqrt(budget) + 64 (20 flagged:
    120); when some resample's budget does not fit in them (forced here once), twice as many
    (240), and the result is still a budget-matched draw."""
    import proofdeck.decisions.paired as paired

    real, widths = paired.first_draws, []

    def short_once(counts, budget, columns):
        widths.append(counts.shape[1])
        return None if len(widths) == 1 else real(counts, budget, columns)

    monkeypatch.setattr(paired, "first_draws", short_once)
    rng = np.random.default_rng(8)
    n = 1000
    scores, labels = rng.random(n), rng.random(n) < 0.1
    rule = np.zeros(n, dtype=bool)
    rule[rng.choice(n, 20, replace=False)] = True
    draws = paired.same_budget_draws(scores, rule, labels, np.ones(n), resamples=300)
    assert widths[:2] == [120, 240] and len(widths) >= 2
    assert draws.resamples == 300
    assert np.all(draws.model_reached <= draws.actions + 1e-9)


# --- decisions/bootstrap.py ------------------------------------------------------------------

def test_resamples_for_by_hand():
    """2,000 up to 20,000 relevant rows (40 million cells), then 40 million / rows, never under 400."""
    assert [resamples_for(r) for r in (0, 1, 20_000, 20_001, 50_000, 100_000, 10**7)] == [
        2000, 2000, 2000, 1999, 800, 400, 400]
    assert isinstance(resamples_for(50_000), int)


def test_count_blocks_draw_n_with_replacement_in_chunks():
    blocks = list(_count_blocks(30, 7, seed=1, chunk=3))
    assert [block.shape for block in blocks] == [(3, 30), (3, 30), (1, 30)]
    assert all((block.sum(axis=1) == 30).all() for block in blocks)
    again = list(_count_blocks(30, 7, seed=1, chunk=3))
    assert all(np.array_equal(a, b) for a, b in zip(blocks, again))
    assert [b.shape for b in _count_blocks(30, 5, seed=0, relevant=0, chunk=2)] == [(2, 0), (2, 0), (1, 0)]


def test_count_blocks_on_the_relevant_rows_are_multinomial_counts():
    """Of n = 50 draws, those landing on the first 10 rows are binomial(50, 1/5): mean 10,
    variance 8; each of those rows is drawn once per resample on average, variance 1 - 1/50."""
    counts = np.vstack(list(_count_blocks(50, 20_000, seed=3, relevant=10)))
    assert counts.shape == (20_000, 10)
    landed = counts.sum(axis=1)
    assert landed.mean() == pytest.approx(10, rel=0.01)
    assert landed.var() == pytest.approx(8, rel=0.05)
    np.testing.assert_allclose(counts.mean(axis=0), 1.0, rtol=0.03)
    np.testing.assert_allclose(counts.var(axis=0), 1 - 1 / 50, rtol=0.06)


def test_bootstrap_outcomes_are_paired_multinomial_counts():
    """A policy reaching h of the n rows reaches binomial(n, h / n) in a resample (mean h,
    variance h (1 - h / n)); two policies share each resample, so their covariance is
    n (p_both - p_a p_b), p_both the share of rows both reach (a known truth of multinomial
    counts; independent resamples would give 0)."""
    rng = np.random.default_rng(2)
    n = 200
    labels = rng.random(n) < 0.3
    a = rng.random(n) < 0.4
    b = a.copy()
    b[:40] = ~b[:40]  # mostly the same rows as a
    econ = Economics(cost_per_action=1, value_per_won=10, win_rate=0.5)
    out = bootstrap_outcomes({"a": a, "b": b}, labels, np.ones(n), econ, resamples=20_000, seed=1)
    ha, hb, both = (a & labels).sum(), (b & labels).sum(), (a & b & labels).sum()
    ra, rb = out["a"]["reached"], out["b"]["reached"]
    assert ra.size == 20_000
    assert ra.mean() == pytest.approx(ha, rel=0.01) and rb.mean() == pytest.approx(hb, rel=0.01)
    assert ra.var() == pytest.approx(ha * (1 - ha / n), rel=0.05)
    assert np.cov(ra, rb)[0, 1] == pytest.approx(n * (both / n - (ha / n) * (hb / n)), rel=0.08)
    assert out["a"]["actions"].mean() == pytest.approx(a.sum(), rel=0.01)
    assert out["a"]["actions"].var() == pytest.approx(a.sum() * (1 - a.sum() / n), rel=0.05)


def test_bootstrap_outcomes_price_the_resampled_sums():
    """Every resample's figures follow the outcome formulas of its sums: with every row a
    positive worth 7 flagged by the policy, the positives and their value move together."""
    n = 40
    labels = np.arange(n) % 4 == 0
    flags = np.arange(n) < 20
    values = np.full(n, 7.0)
    econ = Economics(cost_per_action=2, value_column="amount", win_rate=0.5, cost_per_miss=3)
    out = bootstrap_outcomes({"rule": flags}, labels, values, econ, resamples=500, seed=4)["rule"]
    # value won = 0.5 x 7 x reached; spend = 2 x actions; miss cost = 3 x (positives - reached)
    np.testing.assert_allclose(out["value_won"], 3.5 * out["reached"])
    np.testing.assert_allclose(out["spend"], 2 * out["actions"])
    missed = out["missed"]
    np.testing.assert_allclose(out["net_value"], 3.5 * out["reached"] - 2 * out["actions"] - 3 * missed)
    np.testing.assert_allclose(out["missed_value"], 7 * missed)
    assert missed.mean() == pytest.approx(5, rel=0.05)  # 10 positives, 5 of them flagged
    assert out["reached"].std() > 0


def test_bootstrap_outcomes_default_resamples_and_seed():
    labels = np.arange(30) % 3 == 0
    flags = np.arange(30) < 12
    econ = Economics(cost_per_action=1, value_per_won=10, win_rate=0.5)
    default = bootstrap_outcomes({"rule": flags}, labels, np.ones(30), econ)["rule"]["reached"]
    seeded = bootstrap_outcomes({"rule": flags}, labels, np.ones(30), econ, resamples=2000, seed=0)["rule"]["reached"]
    np.testing.assert_array_equal(default, seeded)


def test_percentile_interval_by_hand():
    samples = np.arange(101, dtype=float)  # 0..100: the 2.5th percentile is 2.5, the 97.5th 97.5
    assert interval(50.0, samples) == Interval(50.0, 2.5, 97.5)
    with_gaps = np.concatenate([samples, [np.nan, np.inf, -np.inf]])
    assert interval(7.0, with_gaps) == Interval(7.0, 2.5, 97.5)
    empty = interval(3.0, np.array([np.nan, np.inf]))
    assert empty.estimate == 3.0 and np.isnan(empty.low) and np.isnan(empty.high)


def test_studentized_interval_where_it_cannot_studentize():
    samples = np.arange(101, dtype=float)
    for estimate, error in [(np.nan, 1.0), (50.0, np.inf), (50.0, np.nan)]:
        found = studentized_interval(estimate, error, samples, np.ones(101))
        assert np.isnan(found.low) and np.isnan(found.high)
    nothing = studentized_interval(5.0, 1.0, np.array([]), np.array([]))
    assert nothing.estimate == 5.0 and np.isnan(nothing.low)
    # a resample with a gap but no spread of its own: an infinite ratio, so the percentile interval
    zero_spread = studentized_interval(50.0, 2.0, samples, np.zeros(101))
    assert (zero_spread.low, zero_spread.high) == pytest.approx((2.5, 97.5))
    # no gap and no spread: a ratio of 0, not NaN; with all ratios 0 the interval is the estimate
    flat = studentized_interval(50.0, 2.0, np.full(10, 50.0), np.zeros(10))
    assert (flat.low, flat.high) == (50.0, 50.0)
    # every ratio NaN (no spread known): no interval
    unknown = studentized_interval(50.5, 2.0, samples, np.full(101, np.nan))
    assert np.isnan(unknown.low) and np.isnan(unknown.high)
    # a negative standard error is no standard error either: the percentile interval
    negative = studentized_interval(50.0, -1.0, samples, np.ones(101))
    assert (negative.low, negative.high) == pytest.approx((2.5, 97.5))


def test_studentized_interval_takes_the_95th_percentile_of_the_ratios():
    """Ratios 1..100 (errors 1, gaps 1..100): the 95th percentile taking the higher is 96 (numpy's
    'higher' rounds the position 94.05 up to index 95); the error 0.5 gives a half-width of 48."""
    gaps = np.arange(1, 101, dtype=float)
    found = studentized_interval(0.0, 0.5, gaps, np.ones(100))
    assert (found.estimate, found.low, found.high) == (0.0, -48.0, 48.0)
    divided = studentized_interval(0.0, 0.5, -gaps * 2, np.full(100, 2.0))  # gaps / errors are the same ratios
    assert (divided.low, divided.high) == (-48.0, 48.0)


def test_relative_change_by_hand():
    found = relative_change(np.array([15.0, 5.0, -5.0, 3.0]), np.array([10.0, 10.0, -10.0, 0.0]))
    np.testing.assert_allclose(found[:3], [0.5, -0.5, 0.5])
    assert np.isnan(found[3])
    np.testing.assert_allclose(relative_change(np.array([2.0, 4.0]), 2.0), [0.0, 1.0])


# --- decisions/top_k_bootstrap.py: the slider's intervals --------------------------------------

def _slider_data(n=300, seed=6):
    rng = np.random.default_rng(seed)
    scores = rng.random(n)
    labels = rng.random(n) < 0.1 + 0.4 * scores
    values = rng.lognormal(3, 1, n)
    order = np.argsort(-scores, kind="stable")
    return order, labels, values


def reference_slider_interval(boot, order, labels, values, count, econ, estimate, figure):
    """The slider's studentized interval for value won or net value, rebuilt from the resampled
    sums of the top ``count`` and of everyone (sums_at) with the standard error written out:
    sqrt(n) x the standard deviation of the per-example amounts (win rate x worth for a
    positive in the top; minus the miss cost for a positive left out)."""
    n = labels.size
    scale = econ.scale_for(n)
    win, miss = econ.win_rate, econ.cost_per_miss

    def worth(value):
        return value if econ.value_column else econ.value_per_won

    # the held-out set's own standard error, example by example
    amounts = []
    for rank, i in enumerate(order):
        if not labels[i]:
            amounts.append(0.0)
        elif rank < count:
            amounts.append(scale * win * worth(values[i]))
        else:
            amounts.append(-scale * miss if figure == "net_value" else 0.0)
    own = np.sqrt(n) * np.std(amounts)
    # each resample's figure and standard error, from its sums (held-out scale)
    top, everyone = boot.sums_at(count), boot.sums_at(n)
    if econ.value_column:
        top_worth, top_squares = top[:, 2], top[:, 3]
    else:
        top_worth, top_squares = econ.value_per_won * top[:, 1], econ.value_per_won**2 * top[:, 1]
    missed = everyone[:, 1] - top[:, 1]
    value_won = scale * win * top_worth
    if figure == "value_won":
        samples, linear, squares = value_won, value_won, scale**2 * win**2 * top_squares
    else:
        spend = econ.cost_per_action * top[:, 0] * scale + (econ.fixed_cost if count > 0 else 0.0)
        samples = value_won - spend - scale * miss * missed
        linear = scale * (win * top_worth - miss * missed)
        squares = scale**2 * (win**2 * top_squares + miss**2 * missed)
    errors = np.sqrt(n * np.clip(squares / n - (linear / n) ** 2, 0, None))
    found = studentized_interval(estimate, own, samples, errors)
    if figure == "value_won":
        found = Interval(found.estimate, max(found.low, 0.0), found.high)
    return found


SLIDER_ECONOMIES = [
    Economics(cost_per_action=20, value_per_won=300, win_rate=0.4, cost_per_miss=60, fixed_cost=500,
              population=3000, period="quarter"),
    Economics(cost_per_action=5, value_column="amount", win_rate=0.8, cost_per_miss=10),
]


@pytest.mark.parametrize("econ", SLIDER_ECONOMIES, ids=["value per won", "value column"])
@pytest.mark.parametrize("count", [0, 40, 150])
def test_the_sliders_money_intervals_against_a_written_out_studentized_interval(econ, count):
    order, labels, values = _slider_data()
    boot = TopKBootstrap(order, labels, values, resamples=400, seed=2)
    estimates = {"reached": 11.0, "value_won": 1234.0, "net_value": -56.0}
    found = boot.intervals_at(count, econ, estimates)
    for figure in ("value_won", "net_value"):
        expected = reference_slider_interval(boot, order, labels, values, count, econ, estimates[figure], figure)
        assert found[figure].estimate == expected.estimate
        assert (found[figure].low, found[figure].high) == pytest.approx((expected.low, expected.high), rel=1e-9,
                                                                        abs=1e-6)
    # reached: the percentile interval of the reached positives per period
    reached = boot.sums_at(count)[:, 1] * econ.scale_for(labels.size)
    assert found["reached"].estimate == 11.0
    assert (found["reached"].low, found["reached"].high) == pytest.approx(tuple(np.percentile(reached, [2.5, 97.5])))


def test_value_won_never_goes_below_zero():
    """One positive in the top 5, worth little: the studentized low end is negative, shown as 0."""
    labels = np.zeros(200, dtype=bool)
    labels[[2, 50, 51, 52, 120]] = True
    econ = Economics(cost_per_action=1, value_per_won=10, win_rate=0.5)
    boot = TopKBootstrap(np.arange(200), labels, np.ones(200), resamples=400)
    found = boot.intervals_at(5, econ, {"reached": 1.0, "value_won": 5.0, "net_value": 0.0}, figures=("value_won",))
    assert list(found) == ["value_won"] and found["value_won"].low == 0.0 and found["value_won"].high > 5.0


def test_a_count_of_zero_reaches_no_one_in_any_resample():
    order, labels, values = _slider_data()
    boot = TopKBootstrap(order, labels, values, resamples=300)
    econ = Economics(cost_per_action=1, value_per_won=10, win_rate=0.5)
    found = boot.intervals_at(0, econ, {"reached": 0.0, "value_won": 0.0, "net_value": 0.0}, figures=("reached",))
    assert (found["reached"].low, found["reached"].high) == (0.0, 0.0)
    assert (boot.intervals_at(-3, econ, {"reached": 0.0}, figures=("reached",))["reached"].high) == 0.0


def test_the_slider_resamples_count_every_positive_even_alone_in_its_block():
    """One positive among 200 examples (a block of 64 holding just it): everyone's positives
    average 1 per resample, and acting on everyone reaches it whenever it is drawn."""
    labels = np.zeros(200, dtype=bool)
    labels[70] = True
    boot = TopKBootstrap(np.arange(200), labels, np.full(200, 4.0), resamples=1000, seed=3)
    everyone = boot.sums_at(200)
    assert everyone[:, 1].mean() == pytest.approx(1.0, rel=0.1)
    np.testing.assert_allclose(everyone[:, 2], 4 * everyone[:, 1])
    np.testing.assert_allclose(everyone[:, 3], 16 * everyone[:, 1])


def test_outcomes_at_price_the_top_and_everyone():
    """Acting on the top k: reached is the resampled top's positives; missed is everyone's
    positives less those (each drawn example stands for n / draws held-out ones)."""
    order, labels, values = _slider_data()
    boot = TopKBootstrap(order, labels, values, resamples=300, seed=5)
    econ = Economics(cost_per_action=2, value_column="amount", win_rate=0.5, cost_per_miss=7, population=600)
    out = boot.outcomes_at(60, econ)
    top, everyone = boot.sums_at(60), boot.sums_at(300)
    np.testing.assert_allclose(out["actions"], 60 * 2.0)
    np.testing.assert_allclose(out["reached"], 2 * top[:, 1])
    np.testing.assert_allclose(out["missed"], 2 * (everyone[:, 1] - top[:, 1]), atol=1e-9)
    np.testing.assert_allclose(out["value_won"], 2 * 0.5 * top[:, 2])
    np.testing.assert_allclose(out["missed_value"], 2 * (everyone[:, 2] - top[:, 2]), atol=1e-6)
    assert out["missed"].mean() == pytest.approx(2 * (labels.sum() - labels[order[:60]].sum()), rel=0.05)


def test_an_empty_held_out_set_gives_empty_sums():
    boot = TopKBootstrap(np.array([], dtype=int), np.array([], dtype=bool), np.array([]), resamples=10)
    assert boot.sums_at(0).shape == (10, 4) and not boot.sums_at(5).any()


def test_the_slider_default_resamples_and_seed():
    """1,000 resamples unless spreading the positives' blocks would pass 30 million cells."""
    order, labels, values = _slider_data()
    default = TopKBootstrap(order, labels, values)
    assert default.resamples == 1000
    np.testing.assert_array_equal(default.sums_at(40), TopKBootstrap(order, labels, values, resamples=1000,
                                                                      seed=0).sums_at(40))


def test_an_interval_contains_its_ends():
    found = Interval(5.0, 2.0, 8.0)
    assert found.contains(2.0) and found.contains(8.0) and found.contains(5.0)
    assert not found.contains(1.99) and not found.contains(8.01)


def test_one_sample_is_an_interval_of_one_point():
    assert interval(1.0, np.array([5.0])) == Interval(1.0, 5.0, 5.0)
    # one resample 1 away with its own error 1: the ratio is 1, times the error 2
    assert studentized_interval(10.0, 2.0, np.array([11.0]), np.array([1.0])) == Interval(10.0, 8.0, 12.0)


def test_where_no_interval_can_be_had_the_estimate_still_stands():
    samples = np.arange(101, dtype=float)
    for found in (studentized_interval(50.0, np.inf, samples, np.ones(101)),
                  studentized_interval(50.5, 2.0, samples, np.full(101, np.nan))):
        assert found.estimate == 50.0 or found.estimate == 50.5
        assert isinstance(found.low, float) and np.isnan(found.low) and np.isnan(found.high)


def test_relative_change_broadcasts_either_side():
    np.testing.assert_allclose(relative_change(3.0, np.array([1.0, 2.0])), [2.0, 0.5])
    np.testing.assert_allclose(relative_change(np.array([3.0, 4.0]), 2.0), [0.5, 1.0])


# --- comparison/compare.py: the ask's ranges and the verdict -----------------------------------

def test_money_concentration_by_hand():
    """20 positives: the largest 5% is 1 of them (100 of 119); 21: ceil(1.05) = 2 (100 + 50 of
    170). Negatives' values do not count; no positive, or no money, gives None."""
    labels = np.array([True] * 20 + [False] * 5)
    values = np.array([100.0] + [1.0] * 19 + [1000.0] * 5)
    assert money_concentration(labels, values) == pytest.approx(100 / 119)
    labels21 = np.array([True] * 21)
    values21 = np.array([50.0, 100.0] + [1.0] * 19)
    assert money_concentration(labels21, values21) == pytest.approx(150 / 169)
    assert money_concentration(np.array([True, True]), np.array([3.0, 1.0])) == pytest.approx(0.75)
    assert money_concentration(np.zeros(4, dtype=bool), np.ones(4)) is None
    assert money_concentration(np.ones(3, dtype=bool), np.zeros(3)) is None
    assert money_concentration([1, 0, 1], [2.0, 9.0, 2.0]) == pytest.approx(0.5)  # 0/1 labels as yes/no


def test_interval_verdict_at_its_edges():
    assert interval_verdict(Interval(1.0, 0.001, 2.0)) == "better"
    assert interval_verdict(Interval(1.0, 0.0, 2.0)) == "unclear"
    assert interval_verdict(Interval(-1.0, -2.0, -0.001)) == "worse"
    assert interval_verdict(Interval(-1.0, -2.0, 0.0)) == "unclear"
    assert interval_verdict(Interval(0.0, float("nan"), float("nan"))) == "unclear"


def _comparison(**changes):
    scores, rule, labels, values = _held_out(n=120, seed=9)
    found = same_budget(scores, rule, labels, values, CHURN_MONEY, resamples=200)
    return replace(found, **changes)


def test_verdict_reads_the_figure_it_is_asked_about():
    both = _comparison(extra_net=Interval(5.0, 1.0, 9.0), extra_reached=Interval(-5.0, -9.0, -1.0))
    assert verdict(both) == "better" and verdict(both, "net_value") == "better"
    assert verdict(both, "reached") == "worse"
    with pytest.raises(ValueError, match="net_value"):
        verdict(both, "value_won")


def test_what_the_case_rests_on():
    clear, unclear = Interval(5.0, 1.0, 9.0), Interval(5.0, -1.0, 9.0)
    assert _comparison(extra_net=clear, combined_net=clear).rests_on == "data and money"
    assert _comparison(extra_net=clear, combined_net=unclear).rests_on == "money"
    assert _comparison(extra_net=unclear, combined_net=unclear).rests_on == "neither"
    assert _comparison(extra_net=unclear, combined_net=clear).rests_on == "neither"
    assert _comparison(extra_net=clear).clear and not _comparison(extra_net=unclear).clear


def test_heavy_tailed_only_above_the_share():
    assert HEAVY_TAIL_SHARE == 0.35
    assert _comparison(money_concentration=0.36).heavy_tailed
    assert not _comparison(money_concentration=0.35).heavy_tailed
    assert not _comparison(money_concentration=None).heavy_tailed


def test_expected_impact_text_by_hand():
    data, combined = Interval(30_000.0, 12_000.0, 40_000.0), Interval(30_000.0, -4_000.0, 60_000.0)
    guessed = (Range("win_rate", 0.2, 0.4, 0.6, True), Range("fixed_cost", 0.0, 0.0, 0.0, False))
    text = expected_impact_text(_comparison(extra_net=data, combined_net=combined, ranges=guessed), "$",
                                " per quarter", WORDS)
    assert text == (
        "the extra net value per quarter against today's rule at the same budget is between +$12k and +$40k "
        "from the held-out data at the assumed money (95% interval), and between -$4,000 and +$60k, so it could "
        "go either way with the money assumptions' guessed ranges (set them in Assumptions) counted too "
        "(share of reached churners won 20% to 60%). The case rests on the money assumptions: at the assumed "
        "figures the data are clear, but within their ranges it could go either way.")
    stated = (Range("win_rate", 0.2, 0.4, 0.6, False), Range("cost_per_action", 16.0, 20.0, 25.0, True))
    text = expected_impact_text(_comparison(extra_net=data, combined_net=data, ranges=stated), "€", "", WORDS)
    assert "with the money assumptions' stated ranges counted too" in text and "guessed" not in text
    assert text.startswith("the extra net value against today's rule at the same budget is between +€12k and +€40k "
                           "from the held-out data at the assumed money (95% interval), and between +€12k and +€40k ")
    assert text.endswith("counted too (share of reached churners won 20% to 60%; cost per call €16 to €25). The "
                         "case holds even with the money assumptions anywhere in their ranges.")
    unclear = Interval(1.0, -5.0, 5.0)
    text = expected_impact_text(_comparison(extra_net=unclear, combined_net=unclear, ranges=stated), "$", "", WORDS)
    assert text.endswith("The held-out data alone do not settle it.")
    fixed_only = (Range("win_rate", 0.4, 0.4, 0.4, False),)
    text = expected_impact_text(_comparison(extra_net=data, ranges=fixed_only), "$", " per quarter", WORDS)
    assert text == ("the extra net value per quarter against today's rule at the same budget is between +$12k "
                    "and +$40k (95% interval).")


def reference_combined_net(scores, rule, labels, values, econ, resamples, seed=0):
    """The ask's range with the money assumptions' ranges, written out resample by resample:
    resample b is priced with the b-th money draw; its studentized gap |resampled - held-out|
    / its own spread is put, with the b-th seeded sign, around the held-out difference priced
    the same way, times that difference's own standard error (sqrt(n) x the standard deviation
    of the per-example amounts); the 2.5th and 97.5th percentiles are the range."""
    draws = same_budget_draws(scores, rule, labels, values, resamples, seed)
    priced = sampled_economics(econ, draws.resamples, seed)
    n, scale = labels.size, econ.scale_for(labels.size)
    gap = reference_gap(scores, rule)
    signs = np.random.default_rng([seed, 23]).choice([-1.0, 1.0], size=draws.resamples)

    def drawn(field, b):
        return float(np.broadcast_to(getattr(priced, field), (draws.resamples,))[b])

    figures, resampled_all = [], []
    for b in range(draws.resamples):
        win, miss, per_won = drawn("win_rate", b), drawn("cost_per_miss", b), drawn("value_per_won", b)
        worth = [v if econ.value_column else per_won for v in values]
        amounts = [scale * g * (win * w + miss) if positive else 0.0 for g, positive, w in zip(gap, labels, worth)]
        held_out = sum(amounts)  # costs cancel: both act on as many
        if econ.value_column:
            extra_worth = draws.model_value[b] - draws.rule_value[b]
        else:
            extra_worth = per_won * (draws.model_reached[b] - draws.rule_reached[b])
        resampled = scale * (win * extra_worth + miss * (draws.model_reached[b] - draws.rule_reached[b]))
        own = np.sqrt(n) * np.std(amounts)
        error = difference_spread(draws.spread[b], examples=n, scale=scale, win_rate=win, cost_per_miss=miss,
                                  value_column=bool(econ.value_column), value_per_won=per_won)
        ratio = 0.0 if resampled == held_out else abs(resampled - held_out) / error
        figures.append(held_out + signs[b] * ratio * own)
        resampled_all.append(resampled)
    return np.percentile(figures, [2.5, 97.5])


RANGED = [
    replace(CHURN_MONEY, fixed_cost=500.0, cost_per_miss=40.0),
    Economics(cost_per_action=5, value_column="amount", win_rate=0.8, cost_per_miss=10,
              ranges=(("win_rate", 0.5, 0.9), ("cost_per_miss", 5.0, 30.0))),
]


def _swap_one_for_one(n=10):
    """The rule acts on one positive low in the ranking; the model's top one is another positive
    of the same worth: the held-out difference is 0, and a resample drawing neither shows 0
    with no spread of its own (a gap of 0 over a spread of 0: a ratio of 0)."""
    scores = np.linspace(1.0, 0.1, n)
    labels = np.zeros(n, dtype=bool)
    labels[[0, 5]] = True
    rule = np.zeros(n, dtype=bool)
    rule[5] = True
    return scores, rule, labels, np.full(n, 10.0)


@pytest.mark.parametrize(("econ", "data", "seed"), [
    (RANGED[0], "held out", 0), (RANGED[1], "held out", 3), (RANGED[0], "swap", 0),
    (Economics(cost_per_action=1, value_per_won=0.5, win_rate=0.1), "held out", 1),
], ids=["guessed ranges", "stated ranges, value column, seed 3", "one for one", "pennies"])
def test_the_asks_combined_range_against_a_written_out_monte_carlo(econ, data, seed):
    scores, rule, labels, values = _held_out(n=150, seed=12) if data == "held out" else _swap_one_for_one()
    found = same_budget(scores, rule, labels, values, econ, resamples=300, seed=seed)
    low, high = reference_combined_net(scores, rule, labels, values, econ, resamples=300, seed=seed)
    assert found.combined_net.estimate == found.extra_net.estimate
    assert (found.combined_net.low, found.combined_net.high) == pytest.approx((low, high), rel=1e-9)
    assert found.ranges == assumption_ranges(econ)
    # the money's ranges widen the data-only range
    assert found.combined_net.high - found.combined_net.low >= found.extra_net.high - found.extra_net.low


def test_the_combined_range_with_every_assumption_fixed_is_about_the_data_only_one():
    """Fixed money: the signed studentized gaps' 2.5th and 97.5th percentiles are about the
    95th of their sizes, so the two ranges nearly agree (a known consequence of the symmetric
    construction)."""
    fixed = replace(CHURN_MONEY, ranges=tuple((f, v, v) for f, v in [("cost_per_action", 20.0), ("value_per_won", 300.0),
                                                                     ("win_rate", 0.4)]))
    scores, rule, labels, values = _held_out(n=300, seed=13)
    found = same_budget(scores, rule, labels, values, fixed, resamples=2000)
    width = found.extra_net.high - found.extra_net.low
    assert found.combined_net.low == pytest.approx(found.extra_net.low, abs=0.1 * width)
    assert found.combined_net.high == pytest.approx(found.extra_net.high, abs=0.1 * width)


def test_the_combined_range_falls_back_to_percentiles_when_the_rule_is_the_models_own_top():
    """The rule flags exactly the model's top 30: no example differs, so there is no spread to
    studentize by; every resample then shows no difference, and the range is 0 to 0."""
    scores, _, labels, values = _held_out(n=150, seed=14)
    rule = np.zeros(150, dtype=bool)
    rule[np.argsort(-scores, kind="stable")[:30]] = True
    found = same_budget(scores, rule, labels, values, CHURN_MONEY, resamples=200)
    assert (found.combined_net.low, found.combined_net.high) == (0.0, 0.0)


# --- decisions/outcomes.py: every field of an outcome by hand ----------------------------------

def test_every_outcome_field_by_hand():
    """10 held-out examples, 4 positives worth 1,000 in all; 100 in the population (each held-out
    example stands for 10). Acting on 5 reaches 3 positives worth 600; $20 an action, $100 fixed,
    half won, $30 per positive missed. And acting on nobody."""
    econ = Economics(cost_per_action=20, win_rate=0.5, fixed_cost=100, cost_per_miss=30, value_column="amount",
                     population=100)
    out = outcome_arrays(np.array([5, 0]), np.array([3, 0]), np.array([600.0, 0.0]), Totals(10, 4, 1000.0), econ)
    expected = {
        "actions": [50, 0], "reached": [30, 0], "missed": [10, 40], "unneeded": [20, 0], "left_alone": [40, 60],
        "won": [15, 0], "spend": [1100, 0], "value_won": [3000, 0], "missed_value": [4000, 10_000],
        "missed_winnable": [2000, 5000], "miss_cost": [300, 1200], "net_value": [1600, -1200],
        "roi": [(3000 + 900 - 1100) / 1100, np.nan], "cost_per_won": [1100 / 15, np.nan],
        "value_to_cost": [3000 / 1100, np.nan], "share_acted": [0.5, 0.0], "hit_rate": [0.6, np.nan],
        "coverage": [0.75, 0.0],
    }
    assert set(out) == set(expected)
    for name, values in expected.items():
        np.testing.assert_allclose(out[name], values, err_msg=name)


def test_outcome_fields_with_a_value_per_won_and_no_positives():
    """Without a value column every positive is worth value_per_won (the values passed are
    ignored); with no positives, coverage has no denominator."""
    econ = Economics(cost_per_action=20, value_per_won=200, win_rate=0.5)
    out = outcome_arrays(np.array([5]), np.array([3]), np.array([99.0]), Totals(10, 4, 12345.0), econ)
    np.testing.assert_allclose([out["value_won"][0], out["missed_value"][0], out["missed_winnable"][0]],
                               [300, 200, 100])
    none = outcome_arrays(np.array([2]), np.array([0]), np.array([0.0]), Totals(10, 0, 0.0), econ)
    assert np.isnan(none["coverage"][0]) and none["hit_rate"][0] == 0.0 and np.isnan(none["cost_per_won"][0])


def test_totals_of_labels_and_values():
    assert Totals.of(np.array([1, 0, 1, 1]), np.array([2.0, 50.0, 3.0, 4.0])) == Totals(4, 3, 9.0)
    assert Totals.of(np.array([1, 0, 1, 1]), [2.0, 50.0, 3.0, 4.0]) == Totals(4, 3, 9.0)


def test_policy_weights_accept_flags_and_chances_only():
    found = policy_weights(np.array([True, False]))
    assert found.dtype == float and found.tolist() == [1.0, 0.0]
    assert policy_weights(np.array([0, 1, 0.25])).tolist() == [0.0, 1.0, 0.25]
    assert policy_weights(np.array([])).size == 0
    for bad in ([-0.1, 0.5], [0.5, 1.1], [np.nan, 0.5], [np.inf, 0.5]):
        with pytest.raises(ValueError, match=r"^a policy's weights must be numbers between 0 and 1 \(the chance"):
            policy_weights(np.array(bad))
    assert is_row_level(np.array([0, 1, 1.0])) and not is_row_level(np.array([0.0, 0.5]))
    assert as_flags(np.array([0.0, 1.0])).tolist() == [False, True]
    with pytest.raises(ValueError, match=r"^a random pick has no decision for any one example: only its expectation is used$"):
        as_flags(np.array([0.5, 0.5]))
    assert [policy_size(np.full(10, w)) for w in (0.3, 1 / 3, 0.36, 0.0)] == [3, 3, 4, 0]
    assert policy_size(np.array([True, True, False])) == 2


def test_a_random_picks_outcome_is_its_expectation():
    """A random pick of 4 of 10 (3 positives worth 10, 20, 30): it reaches 4 x 3 / 10 = 1.2
    positives worth 0.4 x 60 = 24 on average, and acts on 4."""
    labels = np.array([1, 1, 1, 0, 0, 0, 0, 0, 0, 0], dtype=bool)
    values = np.array([10.0, 20.0, 30.0] + [500.0] * 7)
    econ = Economics(cost_per_action=1, value_column="amount", win_rate=0.5)
    found = outcome_of_flags(np.full(10, 0.4), labels, values, econ)
    assert (found.actions, found.reached) == pytest.approx((4.0, 1.2))
    assert found.value_won == pytest.approx(0.5 * 24)
    assert found.missed_value == pytest.approx(60 - 24)
    flags = outcome_of_flags(np.array([1, 0, 1, 0, 0, 0, 0, 0, 0, 1]), labels, values, econ)  # 0/1 flags
    assert (flags.actions, flags.reached, flags.value_won) == (3.0, 2.0, 20.0)


def test_an_outcome_read_from_any_point_of_the_arrays():
    econ = Economics(cost_per_action=20, value_per_won=200, win_rate=0.5)
    arrays = outcome_arrays(np.array([0, 2, 4]), np.array([0, 2, 2]), np.zeros(3), Totals(10, 3, 0.0), econ)
    second = Outcome.from_arrays(arrays, index=1)
    assert (second.actions, second.spend, second.net_value) == (2.0, 40.0, 160.0)
    assert Outcome.from_arrays(arrays, 2).net_value == 120.0


def test_a_zero_guessed_figure_is_skipped_and_the_next_still_gets_its_range():
    econ = replace(CHURN_MONEY, fixed_cost=0.0, cost_per_miss=50.0)
    assert [item.field for item in assumption_ranges(econ)] == ["cost_per_action", "value_per_won", "win_rate",
                                                                "cost_per_miss"]


def test_a_fixed_range_does_not_stop_the_others_being_drawn():
    econ = replace(CHURN_MONEY, ranges=(("cost_per_action", 20.0, 20.0),))
    drawn = sampled_economics(econ, 30)
    assert drawn.cost_per_action == 20.0
    assert np.asarray(drawn.value_per_won).shape == (30,) and np.asarray(drawn.win_rate).shape == (30,)


@pytest.mark.parametrize("resamples", [1, 3])
def test_every_slider_count_acts_on_exactly_that_many_in_each_resample(resamples):
    """A plain walk over every count, with positives only among the top 64 (the other blocks'
    draws are never spread one by one): the count acted on is the count asked, and the
    positives reached never fall as the count grows."""
    labels = np.zeros(300, dtype=bool)
    labels[[0, 5, 9, 30]] = True
    boot = TopKBootstrap(np.arange(300), labels, np.ones(300), resamples=resamples, seed=4)
    previous = np.zeros(resamples)
    for count in range(301):
        sums = boot.sums_at(count)
        np.testing.assert_allclose(sums[:, 0], count, err_msg=str(count))
        assert np.all(sums[:, 1] >= previous - 1e-9)
        previous = sums[:, 1]


def test_the_sliders_value_won_on_everyone_all_positive_has_no_spread():
    """40 examples, all positive, all acted on: value won is 0.3 x $3 x 40 = $36 in every
    resample, and the interval is $36 to $36 (the standard error is 0; in floating point its
    variance comes out a hair below 0, which must not make it NaN)."""
    boot = TopKBootstrap(np.arange(40), np.ones(40, dtype=bool), np.ones(40), resamples=300)
    econ = Economics(cost_per_action=1, value_per_won=3.0, win_rate=0.3)
    found = boot.intervals_at(40, econ, {"reached": 40.0, "value_won": 36.0, "net_value": -4.0})["value_won"]
    assert (found.low, found.high) == pytest.approx((36.0, 36.0))


def test_interval_text_by_hand():
    assert interval_text(Interval(0.0, 12_000.0, 40_000.0), "money") == "between +$12k and +$40k"
    assert interval_text(Interval(0.0, -4_000.0, 21_000.0), "money", "€") == (
        "between -€4,000 and +€21k, so it could go either way")
    for half_known in (Interval(1.0, float("nan"), 5.0), Interval(1.0, 1.0, float("inf"))):
        assert interval_text(half_known, "money") == "too uncertain to estimate from these data"


def test_verdict_sentences_name_the_baseline():
    assert verdict_sentence("better") == "The model is better than today's rule, and the held-out data are clear about it."
    assert verdict_sentence("worse") == "Today's rule does better than the model on these data."
    assert verdict_sentence("unclear", RANDOM_PICK) == (
        "The held-out data do not show a clear difference between the model and a random pick.")


def test_how_sure_sentence_by_hand():
    light = _comparison(reached_change=Interval(0.4, 0.2, 0.6), extra_net=Interval(30_000.0, 12_000.0, 40_000.0),
                        money_concentration=None)
    assert how_sure_sentence("customers", "churners", light, "€", net_is_headline=True) == (
        "How sure: in 95% of redraws of the held-out customers, the model reaches 20% to 60% more churners than "
        "the rule, and its extra net value is between +€12k and +€40k.")
    heavy = replace(light, money_concentration=0.5)
    note = ("A few churners carry much of the money (the largest 5% of them, 50% of it), so the money's 95% ranges "
            "may be too narrow: a held-out sample says little about how often such large ones come.")
    assert heavy_tail_note(heavy, "churners") == note and heavy_tail_note(light, "churners") == ""
    assert how_sure_sentence("customers", "churners", heavy, "€", net_is_headline=False) == (
        "How sure: in 95% of redraws of the held-out customers, the model reaches 20% to 60% more churners than "
        "the rule, and its extra net value after every cost (+€30k) is between +€12k and +€40k. " + note)


def reference_extra_net(scores, rule, labels, values, econ, resamples, seed=0):
    """The data-only studentized interval, written out: the held-out difference +/- the 95th
    percentile (the higher value) of |resampled - held-out| / the resample's own spread, times
    the held-out difference's standard error (sqrt(n) x the standard deviation of the per-example
    amounts)."""
    draws = same_budget_draws(scores, rule, labels, values, resamples, seed)
    n, scale = labels.size, econ.scale_for(labels.size)
    worth = values if econ.value_column else np.full(n, econ.value_per_won)
    gap = reference_gap(scores, rule)
    amounts = [scale * g * (econ.win_rate * w + econ.cost_per_miss) if positive else 0.0
               for g, positive, w in zip(gap, labels, worth)]
    held_out, own = sum(amounts), np.sqrt(n) * np.std(amounts)
    ratios = []
    for b in range(draws.resamples):
        if econ.value_column:
            extra_worth = draws.model_value[b] - draws.rule_value[b]
        else:
            extra_worth = econ.value_per_won * (draws.model_reached[b] - draws.rule_reached[b])
        resampled = scale * (econ.win_rate * extra_worth + econ.cost_per_miss * (draws.model_reached[b]
                                                                                  - draws.rule_reached[b]))
        error = difference_spread(draws.spread[b], examples=n, scale=scale, win_rate=econ.win_rate,
                                  cost_per_miss=econ.cost_per_miss, value_column=bool(econ.value_column),
                                  value_per_won=econ.value_per_won)
        ratios.append(0.0 if resampled == held_out else abs(resampled - held_out) / error)
    half = np.percentile(ratios, 95, method="higher") * own
    return held_out - half, held_out + half


@pytest.mark.parametrize("econ", RANGED, ids=["value per won", "value column"])
def test_the_data_only_interval_against_a_written_out_studentized_one(econ):
    scores, rule, labels, values = _held_out(n=150, seed=15)
    found = same_budget(scores, rule, labels, values, econ, resamples=300, seed=4)
    low, high = reference_extra_net(scores, rule, labels, values, econ, resamples=300, seed=4)
    assert (found.extra_net.low, found.extra_net.high) == pytest.approx((low, high), rel=1e-9)
    assert found.extra_net.estimate == pytest.approx((low + high) / 2, rel=1e-9)
    assert found.resamples == 300
    if econ.value_column:
        assert found.money_concentration == money_concentration(labels, values)
        assert found.money_concentration is not None
    else:
        assert found.money_concentration is None


def test_money_concentration_of_one_positive_and_of_small_amounts():
    assert money_concentration(np.array([True, False]), np.array([7.0, 1.0])) == 1.0
    assert money_concentration(np.array([True, True]), np.array([0.6, 0.2])) == pytest.approx(0.75)


def test_same_reach_edges():
    """Rule: the first 4 of 10 (2 positives, worth 5 and 50). The model's top 3 hold both
    positives. With at most 0 actions the model cannot match, and no extra net value is claimed."""
    scores = np.array([0.1, 0.2, 0.3, 0.4, 0.9, 0.8, 0.7, 0.05, 0.04, 0.03])
    labels = np.array([1, 0, 0, 1, 1, 0, 1, 0, 0, 0], dtype=bool)
    values = np.array([5.0, 0, 0, 50.0, 7.0, 0, 11.0, 0, 0, 0])
    rule = np.array([1, 1, 1, 1, 0, 0, 0, 0, 0, 0], dtype=bool)
    econ = Economics(cost_per_action=1, value_column="amount", win_rate=1.0)
    found = same_reach(scores, rule, labels, values, econ)
    assert (found.model_count, found.matched) == (3, True)
    assert found.model.value_won == 18.0  # the model's two: 7 + 11, from the values given
    none = same_reach(scores, rule, labels, values, econ, max_count=0)
    assert (none.model_count, none.matched) == (0, False)
    assert np.isnan(none.extra_net) and np.isnan(none.actions_saved) and np.isnan(none.spend_saved)


def test_same_budget_uses_its_seed():
    scores, rule, labels, values = _held_out(n=150, seed=16)
    one = same_budget(scores, rule, labels, values, CHURN_MONEY, resamples=200, seed=1)
    other = same_budget(scores, rule, labels, values, CHURN_MONEY, resamples=200, seed=2)
    zero = same_budget(scores, rule, labels, values, CHURN_MONEY, resamples=200)
    assert one.extra_reached != other.extra_reached
    assert zero == same_budget(scores, rule, labels, values, CHURN_MONEY, resamples=200, seed=0)


# --- decisions/best_setting.py ------------------------------------------------------------------

def _best_setting_data(positives, negatives, seed=0):
    rng = np.random.default_rng(seed)
    labels = np.array([True] * positives + [False] * negatives)
    scores = rng.random(labels.size) + 0.5 * labels
    return scores, labels


BEST_ECON = Economics(cost_per_action=1, value_per_won=10, win_rate=1.0)


def test_best_setting_with_one_positive_has_nothing_to_fold():
    """One positive, scored highest, worth 10 at $1 an action: the best count is 1 (net 9) on
    all rows; with one positive there are no two folds to cross-fit on."""
    scores = np.array([0.9, 0.5, 0.4, 0.3])
    found = best_setting(scores, np.array([True, False, False, False]), np.ones(4), BEST_ECON)
    assert (found.count, found.share, found.in_sample_net, found.fold_shares) == (1, 0.25, 9.0, ())
    assert np.isnan(found.honest_net)


def test_best_setting_of_an_empty_held_out_set():
    found = best_setting(np.array([]), np.array([], dtype=bool), np.array([]), BEST_ECON)
    assert (found.count, found.share, found.fold_shares) == (0, 0.0, ())


def test_two_positives_make_two_folds_and_few_negatives_cap_them():
    scores, labels = _best_setting_data(2, 30)
    two = best_setting(scores, labels, np.ones(labels.size), BEST_ECON)
    assert len(two.fold_shares) == 2 and np.isfinite(two.honest_net)
    scores, labels = _best_setting_data(30, 3)
    three = best_setting(scores, labels, np.ones(labels.size), BEST_ECON)
    assert len(three.fold_shares) == 3


def test_best_setting_reads_0_1_labels_as_yes_and_no():
    scores, labels = _best_setting_data(12, 40, seed=3)
    as_bool = best_setting(scores, labels, np.ones(labels.size), BEST_ECON)
    as_int = best_setting(list(scores), labels.astype(int), list(np.ones(labels.size)), BEST_ECON)
    assert as_int == as_bool


def test_count_for_actions_on_a_population_half_the_held_out_set():
    """14 held-out examples for a population of 7: each stands for half an action, and a page
    rounds half up. At most 3 actions: 6 examples (3.0); 7 would show 3.5 as 4. At most 0.7: none
    (one shows 0.5 as 1). Unlimited: all 14."""
    sweep = ThresholdSweep(np.linspace(1, 0, 14), np.arange(14) % 2 == 0, np.ones(14))
    econ = Economics(population=7.0)
    assert [sweep.count_for_actions(limit, econ) for limit in (3, 3.9, 0.7, 4, np.inf, -np.inf, -1)] == [
        6, 6, 0, 8, 14, 0, 0]


def test_a_limit_of_no_actions_acts_on_no_one_even_when_one_would_show_as_none():
    """15 held-out examples for a population of 7: one example is 0.47 of an action, shown as 0;
    a limit of 0 still acts on no one."""
    sweep = ThresholdSweep(np.linspace(1, 0, 15), np.arange(15) % 2 == 0, np.ones(15))
    assert sweep.count_for_actions(0, Economics(population=7.0)) == 0
    assert sweep.count_for_actions(0.3, Economics(population=7.0)) == 1


def test_cutoff_flags_act_on_scores_at_or_above_the_cutoff():
    assert cutoff_flags([0.5, 0.4, 0.6], 0.5).tolist() == [True, False, True]


def test_count_for_coverage_against_its_definition_at_every_share_and_its_neighbours():
    """The fewest examples (best scores first) whose positives reached, over all positives, are
    at least the share, found by walking the ranking; at every share r / P and the floats just
    either side of it (where share x P rounds the wrong way), for P from 1 to 30."""
    for positives in range(1, 31):
        labels = np.array([i % 3 == 1 for i in range(3 * positives)])  # every third is a positive
        sweep = ThresholdSweep(np.linspace(1, 0, labels.size), labels, np.ones(labels.size))
        reached = [0]
        for label in labels:
            reached.append(reached[-1] + int(label))
        for r in range(positives + 1):
            for share in (r / positives, np.nextafter(r / positives, 2.0), np.nextafter(r / positives, -1.0)):
                share = float(share)
                if share > 1:
                    assert sweep.count_for_coverage(share) is None
                    continue
                expected = next(k for k in range(labels.size + 1) if reached[k] / positives >= share)
                assert sweep.count_for_coverage(share) == expected, (positives, r, share)


def test_count_for_spend_where_an_action_costs_under_a_dollar():
    """50 or 10 cents an action on 10 examples: the most k whose spend (cost x k, plus the fixed
    cost when k > 0, in the same floating point a page adds it up in) is within the budget, by
    a walk over k. At 10 cents, 3 actions add up to 0.30000000000000004: over a budget of 0.3."""
    sweep = ThresholdSweep(np.linspace(1, 0, 10), np.arange(10) % 2 == 0, np.ones(10))
    for cost in (0.5, 0.1):
        for fixed in (0.0, 1.0):
            econ = Economics(cost_per_action=cost, fixed_cost=fixed)
            for budget in (0.0, 0.3, 0.4, 1.2, 1.3, 3.0, 3.2, 4.9, 100.0, 0.1 - 1e-12, 1.1 - 1e-12):
                expected = max(k for k in range(11) if k == 0 or cost * k + fixed <= budget)
                assert sweep.count_for_spend(budget, econ) == expected, (cost, fixed, budget)


def test_slider_counts_by_hand():
    """20 examples, the rule acts on 4, 3 steps a part: [0, 4] in thirds (0, 1.33, 2.67, 4 rounded:
    0, 1, 3, 4), [4, 12] (4, 7, 9, 12) and [12, 20] (12, 15, 17, 20); whole numbers. With no
    anchor, even steps over everything."""
    found = slider_counts(20, 4, steps_per_part=3)
    assert found.tolist() == [0, 1, 3, 4, 7, 9, 12, 15, 17, 20] and found.dtype.kind == "i"
    even = slider_counts(5, 0)
    assert even.tolist() == [0, 1, 2, 3, 4, 5] and even.dtype.kind == "i"


# --- comparison/gains.py and policies.py -------------------------------------------------------

def test_gains_curve_of_no_examples_and_of_no_positives():
    empty = gains_curve(np.array([]), np.array([], dtype=bool))
    assert np.isnan(empty["perfect_share_acted"][1]) and empty["perfect_share_acted"][[0, 2]].tolist() == [0.0, 1.0]
    none = gains_curve(np.array([0.9, 0.1, 0.5, 0.3]), np.zeros(4, dtype=bool))
    assert none["perfect_share_reached"].shape == (3,) and np.isnan(none["perfect_share_reached"]).all()
    assert none["perfect_share_acted"].tolist() == [0.0, 0.0, 1.0]


def test_combined_policies_are_the_percentiles_of_their_seeded_bootstrap():
    scores, rule, labels, values = _held_out(n=120, seed=20)
    model = scores >= 0.7
    econ = Economics(cost_per_action=5, value_column="amount", win_rate=0.8, cost_per_miss=10)
    found = combined_policies(rule, model, labels, values, econ, resamples=200, seed=5)
    policies = {"rule": rule, "model": model, "rule OR model": rule | model, "rule AND model": rule & model}
    boot = bootstrap_outcomes(policies, labels, values, econ, 200, 5)
    assert list(found) == list(POLICIES)
    for name, flags in policies.items():
        expected = outcome_of_flags(flags, labels, values, econ)
        assert found[name].outcome == expected
        for figure, samples in (("reached", boot[name]["reached"]), ("net_value", boot[name]["net_value"])):
            got = getattr(found[name], figure)
            assert (got.low, got.high) == pytest.approx(tuple(np.percentile(samples, [2.5, 97.5])))
        extra = boot[name]["net_value"] - boot["rule"]["net_value"]
        assert (found[name].extra_net.low, found[name].extra_net.high) == pytest.approx(
            tuple(np.percentile(extra, [2.5, 97.5])))
    default = combined_policies(rule, model, labels, values, econ, resamples=200)
    assert default == combined_policies(rule, model, labels, values, econ, resamples=200, seed=0)
    assert default["model"].net_value != found["model"].net_value


def test_segment_table_has_exactly_its_columns_and_says_when_lengths_differ():
    scores, rule, labels, values = _held_out(n=60, seed=21)
    segments = np.array(["north", "south", "east"] * 20)
    table = segment_table(segments, scores, rule, labels, values, CHURN_MONEY)
    assert list(table.columns) == COLUMNS and list(table.index) == [0, 1, 2]
    with pytest.raises(ValueError, match=r"^segment values, scores, rule flags, labels and values must have the "
                                         r"same length$"):
        segment_table(segments[:-1], scores, rule, labels, values, CHURN_MONEY)


def test_lift_of_the_top_one():
    """10 examples, 2 positives, the top one of them: the top 1 reaches half the positives while
    acting on a tenth: a lift of 5. Acting on none has no lift."""
    scores = np.linspace(1, 0, 10)
    labels = np.zeros(10, dtype=bool)
    labels[[0, 6]] = True
    assert lift_at(scores, labels, 1) == pytest.approx(5.0)
    assert np.isnan(lift_at(scores, labels, 0))


def test_agreement_of_no_examples():
    table = agreement(np.array([], dtype=bool), np.array([], dtype=bool), np.array([], dtype=bool))
    assert table["examples"].tolist() == [0, 0, 0, 0]
    assert table["share_of_examples"].isna().all() and table["positive_rate"].isna().all()


def test_threshold_sweep_refuses_mismatched_or_nan_scores_in_words():
    with pytest.raises(ValueError, match=r"^scores, labels and values must be 1-d arrays of the same length$"):
        ThresholdSweep(np.ones(3), np.ones(2, dtype=bool))
    with pytest.raises(ValueError, match=r"^scores must not contain NaN$"):
        ThresholdSweep(np.array([0.5, np.nan]), np.ones(2, dtype=bool))


# --- the leak guard's statistical core (mutmut over upload/leakage.py) ------------------------

def test_a_two_valued_column_that_gives_the_outcome_away_has_a_held_out_auc_of_one():
    from proofdeck.upload.leakage import single_column_auc

    labels = np.array([True, False] * 50)
    train, test = np.arange(0, 60), np.arange(60, 100)
    assert single_column_auc(pd.Series(labels.astype(int)), labels, train, test) == 1.0


def test_held_out_rows_of_one_class_give_no_auc_but_a_half():
    from proofdeck.upload.leakage import single_column_auc

    labels = np.arange(100) % 4 == 0  # the even rows mixed, the odd rows (held out) all no
    values = pd.Series(np.arange(100, dtype=float))  # held-out rows spread over the bins
    assert single_column_auc(values, labels, np.arange(0, 100, 2), np.arange(1, 100, 2)) == 0.5


def test_the_weighted_auc_with_fractional_weights_below_one_pair():
    """One positive above one negative, each weighted 0.5: a quarter of a pair, won: AUC 1."""
    from proofdeck.upload.leakage import _WeightedAuc

    auc = _WeightedAuc(np.array([True, False]), np.array([0.9, 0.1]))
    assert auc.auc(np.array([0.5, 0.5])) == 1.0
    # 0/1 integer labels read as yes/no, not bit-flipped (~1 is -2: every row a negative)
    assert _WeightedAuc(np.array([1, 0]), np.array([0.9, 0.1])).auc(np.ones(2)) == 1.0
    assert np.isnan(_WeightedAuc(np.array([], dtype=bool), np.array([])).auc(np.ones((1, 0))))


def test_the_gap_bound_without_resamples_is_nan():
    from proofdeck.upload.leakage import auc_gap_low

    labels = np.array([True, False] * 10)
    assert np.isnan(auc_gap_low(labels, np.arange(20.0), np.zeros(20), resamples=0))


def test_the_gap_bound_on_a_large_file_uses_exactly_its_resamples():
    """On a large file the resamples are drawn in blocks (88 at a time for 45,000 rows); the
    bound must use each of the first ``resamples`` draws once: a plain loop with scikit-learn's
    weighted AUC on the same seeded draws."""
    from sklearn.metrics import roc_auc_score

    from proofdeck.upload.leakage import auc_gap_low

    rng = np.random.default_rng(3)
    n, resamples = 45_000, 100
    labels = rng.random(n) < 0.3
    better = labels + rng.normal(0, 1.0, n)
    worse = labels + rng.normal(0, 2.0, n)
    draws = np.random.default_rng(0)
    gaps = []
    for _ in range(resamples):
        weights = np.bincount(draws.integers(0, n, n), minlength=n)
        gaps.append(roc_auc_score(labels, better, sample_weight=weights)
                    - roc_auc_score(labels, worse, sample_weight=weights))
    assert auc_gap_low(labels, better, worse, resamples=resamples) == pytest.approx(np.quantile(gaps, 0.025))


def test_bins_of_a_column_missing_on_every_training_row_are_all_zero():
    from proofdeck.upload.leakage import _bins

    values = pd.Series([np.nan] * 6 + [1.0, 2.0, 3.0])
    codes = _bins(values, np.arange(6))
    assert codes.dtype == np.int64 and codes.tolist() == [0] * 9


def test_bins_read_true_false_and_nullable_numbers_like_plain_numbers():
    from proofdeck.upload.leakage import _bins

    train = np.arange(8)
    flags = pd.Series([True, False, True, True, False, False, True, False, True])
    assert _bins(flags, train).tolist() == _bins(flags.astype(float), train).tolist()
    nullable = pd.Series([1, 2, None, 4, 5, 6, 7, 8, 9], dtype="Int64")
    plain = pd.Series([1, 2, np.nan, 4, 5, 6, 7, 8, 9], dtype=float)
    assert _bins(nullable, train).tolist() == _bins(plain, train).tolist()
    assert _bins(nullable, train)[2] == 0  # missing
