"""The pages' 95% intervals, pinned by references written here with plain loops.

- the paired comparison holds the same budget in every resample (the model takes as many as
  the rule does there), checked resample by resample on a worked example and, in
  distribution, against a plain-loop paired bootstrap;
- the slider's interval holds the number acted on fixed, against a plain-loop reference;
- a cost both sides pay does not move the interval of their difference;
- paired is narrower than unpaired where rule and model pick many of the same examples;
- the studentized interval on a worked example;
- the change in the cost per won against a percentile of its paired resamples worked by hand.

Coverage against a known truth is in test_interval_coverage.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from proofdeck.comparison.compare import same_budget, top_k_flags
from proofdeck.data.spec import Economics
from proofdeck.decisions.bootstrap import Interval, studentized_interval
from proofdeck.decisions.paired import first_draws, same_budget_draws
from proofdeck.decisions.random_pick import random_pick_weights
from proofdeck.decisions.sweep import ThresholdSweep
from proofdeck.decisions.top_k_bootstrap import TopKBootstrap

ECON = Economics(cost_per_action=20, value_per_won=300, win_rate=0.4, population=10_000, period="quarter")
AMOUNTS = Economics(cost_per_action=5, value_column="amount", win_rate=0.8, cost_per_miss=10)


def _data(n=600, seed=0):
    rng = np.random.default_rng(seed)
    scores = rng.random(n)
    labels = rng.random(n) < 0.1 + 0.5 * scores**2
    rule = (scores + rng.normal(0, 0.35, n)) > 0.9  # correlated with the score, worse
    values = rng.lognormal(3, 1, n)
    return scores, rule, labels, values


# --- plain-loop references -------------------------------------------------------------------

def reference_first_draws(counts_row, budget, column):
    """Walk the examples in order, taking whole copies until the budget is spent."""
    total, left = 0.0, budget
    for copies, value in zip(counts_row, column):
        take = min(copies, left)
        total += take * value
        left -= take
        if left <= 0:
            break
    return total


def score_rank(scores):
    """Each example's place in score order (0 the highest; ties by position)."""
    rank = np.empty(scores.size, dtype=int)
    rank[np.argsort(-scores, kind="stable")] = np.arange(scores.size)
    return rank


def reference_paired(scores, rule, labels, resamples, seed):
    """A plain paired bootstrap: draw n rows with replacement; the rule acts on its drawn
    flagged rows; the model on as many drawn rows, highest scores first (ties by position)."""
    rng, n, rank = np.random.default_rng(seed), scores.size, score_rank(scores)
    out = []
    for _ in range(resamples):
        rows = rng.integers(0, n, n)
        budget = int(rule[rows].sum())
        picked = rows[np.argsort(rank[rows], kind="stable")][:budget]
        out.append((budget, labels[rows][rule[rows]].sum(), labels[picked].sum()))
    return np.array(out, dtype=float)


def reference_top_k(scores, labels, count, resamples, seed):
    """Draw n rows with replacement and act on the first ``count`` of them by score."""
    rng, n, rank = np.random.default_rng(seed), scores.size, score_rank(scores)
    reached = []
    for _ in range(resamples):
        rows = rng.integers(0, n, n)
        picked = rows[np.argsort(rank[rows], kind="stable")][:count]
        reached.append(labels[picked].sum())
    return np.array(reached, dtype=float)


# --- the same budget in every resample --------------------------------------------------------

def test_first_draws_matches_a_plain_walk():
    rng = np.random.default_rng(4)
    counts = rng.poisson(1.0, size=(40, 25)).astype(float)
    columns = rng.random((25, 2))
    budgets = rng.uniform(0, counts.sum(axis=1))
    budgets[:5] = np.floor(budgets[:5])  # whole budgets too, and one of 0
    budgets[5] = 0
    found = first_draws(counts, budgets, columns)
    for row in range(40):
        for j in range(2):
            assert found[row, j] == pytest.approx(reference_first_draws(counts[row], budgets[row], columns[:, j]))


def test_first_draws_says_when_the_draws_do_not_fill_a_budget():
    assert first_draws(np.array([[1.0, 1.0]]), np.array([3.0]), np.ones((2, 1))) is None


def test_a_random_pick_and_the_model_share_the_budget_resample_by_resample():
    """10 examples, the first 2 positives and the model's top 2; a random pick of 2 of 10. In a
    resample with P_b positives drawn, the pick's budget is 2 and it reaches 2 P_b / 10 on
    average; the model acts on its first 2 draws, so it reaches min(2, P_b)."""
    labels = np.array([1, 1, 0, 0, 0, 0, 0, 0, 0, 0], dtype=bool)
    scores = np.linspace(1.0, 0.1, 10)
    draws = same_budget_draws(scores, random_pick_weights(10, 2), labels, np.ones(10), resamples=5000, seed=3)
    np.testing.assert_allclose(draws.actions, 2.0)
    np.testing.assert_allclose(draws.rule_reached, 0.2 * draws.positives)
    np.testing.assert_allclose(draws.model_reached, np.minimum(2, draws.positives))
    # P_b is binomial(10, 0.2); the extra reached min(2, P) - 0.2 P is 0 (P = 0, 10.7%), 0.8, 1.0,
    # 1.2, 1.4 or 1.6 (P = 2, 30.2%): its 2.5th percentile is 0 and its 97.5th 1.6.
    econ = Economics(cost_per_action=1.0, value_per_won=10.0)
    comparison = same_budget(scores, random_pick_weights(10, 2), labels, np.ones(10), econ, resamples=20_000)
    assert comparison.extra_reached.estimate == pytest.approx(1.6)
    assert (comparison.extra_reached.low, comparison.extra_reached.high) == pytest.approx((0.0, 1.6))


def test_the_paired_bootstrap_agrees_with_a_plain_loop():
    scores, rule, labels, values = _data()
    draws = same_budget_draws(scores, rule, labels, values, resamples=4000, seed=1)
    reference = reference_paired(scores, rule, labels, 4000, seed=2)
    ours = np.column_stack([draws.actions, draws.rule_reached, draws.model_reached])
    for column in range(3):
        assert ours[:, column].mean() == pytest.approx(reference[:, column].mean(), rel=0.02)
        assert ours[:, column].std() == pytest.approx(reference[:, column].std(), rel=0.08)
    extra, reference_extra = ours[:, 2] - ours[:, 1], reference[:, 2] - reference[:, 1]
    assert extra.std() == pytest.approx(reference_extra.std(), rel=0.08)
    for q in (2.5, 50, 97.5):
        assert np.percentile(extra, q) == pytest.approx(np.percentile(reference_extra, q), abs=0.25 * extra.std())


def test_the_model_never_acts_on_more_than_the_rules_budget():
    scores, rule, labels, values = _data(seed=5)
    draws = same_budget_draws(scores, rule, labels, values, resamples=500)
    assert np.all(draws.model_reached <= draws.actions + 1e-9)
    assert np.all(draws.rule_reached <= draws.actions + 1e-9)


@pytest.mark.parametrize("econ", [ECON, AMOUNTS], ids=["value per won", "value column"])
def test_a_cost_both_sides_pay_does_not_move_the_interval_of_their_difference(econ):
    scores, rule, labels, values = _data(seed=2)
    base = same_budget(scores, rule, labels, values, econ)
    from dataclasses import replace

    dearer = same_budget(scores, rule, labels, values,
                         replace(econ, cost_per_action=econ.cost_per_action * 2 + 3, fixed_cost=999.0))
    assert (dearer.extra_net.low, dearer.extra_net.high) == pytest.approx((base.extra_net.low, base.extra_net.high))
    assert dearer.model_net.estimate < base.model_net.estimate  # each side does pay more


def test_paired_is_narrower_than_unpaired_when_rule_and_model_pick_alike():
    scores, _, labels, values = _data(n=800, seed=7)
    rule = scores > 0.62  # nearly the model's own top: the two share most picks
    rule[np.flatnonzero(rule)[:10]] = False
    paired = same_budget(scores, rule, labels, values, ECON, resamples=2000)
    model = top_k_flags(scores, int(rule.sum()))
    rng = np.random.default_rng(0)
    n = scores.size
    unpaired = []
    for _ in range(2000):  # rule and model each on their own resample
        a, b = rng.integers(0, n, n), rng.integers(0, n, n)
        unpaired.append((labels[b] & model[b]).sum() - (labels[a] & rule[a]).sum())
    unpaired_width = np.subtract(*np.percentile(unpaired, [97.5, 2.5]))
    scale = ECON.scale_for(n)
    paired_width = (paired.extra_reached.high - paired.extra_reached.low) / scale
    assert paired_width < 0.6 * unpaired_width


# --- the slider: the count held fixed ---------------------------------------------------------

def test_the_slider_acts_on_the_same_number_in_every_resample():
    scores, _, labels, values = _data(seed=3)
    sweep = ThresholdSweep(scores, labels, values)
    boot = TopKBootstrap(sweep.order, labels, values, resamples=500, seed=1)
    for count in (0, 1, 63, 64, 65, 200, 600):
        np.testing.assert_allclose(boot.sums_at(count)[:, 0], count)


def test_the_slider_reach_agrees_with_a_plain_loop():
    scores, _, labels, values = _data(n=900, seed=8)
    sweep = ThresholdSweep(scores, labels, values)
    boot = TopKBootstrap(sweep.order, labels, values, resamples=3000, seed=1)
    for count in (90, 300):
        ours = boot.sums_at(count)[:, 1]
        reference = reference_top_k(scores, labels, count, 3000, seed=2)
        assert ours.mean() == pytest.approx(reference.mean(), rel=0.02)
        assert ours.std() == pytest.approx(reference.std(), rel=0.1)


def test_the_slider_reach_is_narrower_than_when_the_count_may_vary():
    """Letting the count vary (each row drawn independently) adds spread the slider does not have."""
    scores, _, labels, values = _data(n=900, seed=9)
    sweep = ThresholdSweep(scores, labels, values)
    boot = TopKBootstrap(sweep.order, labels, values, resamples=2000, seed=1)
    rng = np.random.default_rng(0)
    top = sweep.flags_at_count(300)
    varying = [(rng.poisson(1.0, scores.size) * (top & labels)).sum() for _ in range(2000)]
    assert boot.sums_at(300)[:, 1].std() < 0.9 * np.std(varying)


# --- the studentized interval ----------------------------------------------------------------

def test_studentized_interval_on_a_worked_example():
    """Estimate 10, its standard error 2. Twenty resamples at 10 +/- 1, 2, ..., each with its own
    error 1: the ratios |gap| / error are 1..10 (each twice); their 95th percentile (the 19th
    of 20, taking the higher) is 10, so the interval is 10 +/- 10 x 2."""
    gaps = np.repeat(np.arange(1, 11), 2).astype(float)
    samples = 10 + gaps * np.tile([1, -1], 10)
    found = studentized_interval(10.0, 2.0, samples, np.ones(20))
    assert found == Interval(10.0, -10.0, 30.0)


def test_studentized_interval_falls_back_to_the_percentile_without_a_spread():
    samples = np.arange(100, dtype=float)
    found = studentized_interval(50.0, 0.0, samples, np.ones(100))
    assert (found.low, found.high) == pytest.approx(tuple(np.percentile(samples, [2.5, 97.5])))


def test_the_pages_say_plainly_when_a_few_positives_carry_the_money():
    from proofdeck.comparison.compare import how_sure_sentence

    rng = np.random.default_rng(11)
    n = 20_000
    scores = rng.random(n)
    labels = rng.random(n) < 0.02 * (0.5 + scores)
    rule = scores + rng.normal(0, 0.3, n) > 1.0
    even = np.full(n, 100.0)
    # One positive in 20 is worth 200 times the others: the largest 5% carry about 91% of the money.
    lopsided = np.where(rng.random(n) < 0.05, 20_000.0, 100.0)
    for values, heavy in ((even, False), (lopsided, True)):
        comparison = same_budget(scores, rule, labels, values, AMOUNTS, resamples=300)
        largest = np.sort(values[labels])[::-1][: int(np.ceil(0.05 * labels.sum()))]
        assert comparison.money_concentration == pytest.approx(largest.sum() / values[labels].sum())
        assert comparison.heavy_tailed is heavy
        sentence = how_sure_sentence("payments", "frauds", comparison, "$", True)
        assert ("A few frauds carry much of the money" in sentence) is heavy
    assert same_budget(scores, rule, labels, even, ECON).money_concentration is None  # no value column


def test_money_ranges_are_studentized_and_counts_percentile():
    """Money ranges are symmetric about the estimate (estimate +/- q x its standard error, see
    docs/statistics.md); the percentile range of skewed money would not be."""
    scores, rule, labels, values = _data(n=3000, seed=12)
    comparison = same_budget(scores, rule, labels, values, AMOUNTS, resamples=500)
    net = comparison.extra_net
    assert net.high - net.estimate == pytest.approx(net.estimate - net.low)
    sweep = ThresholdSweep(scores, labels, values)
    outcome = sweep.outcome_at_count(400, AMOUNTS)
    found = TopKBootstrap(sweep.order, labels, values, resamples=500).intervals_at(
        400, AMOUNTS, {"reached": outcome.reached, "value_won": outcome.value_won, "net_value": outcome.net_value})
    for name in ("value_won", "net_value"):
        assert found[name].high - found[name].estimate == pytest.approx(found[name].estimate - found[name].low)


def test_the_cost_per_won_change_is_the_percentile_of_its_paired_resamples():
    """The change in the cost per won (a headline where a demo counts what each win costs) is
    the 2.5th and 97.5th percentiles of model minus rule in each paired resample, each side's
    spend over its wins worked out here row by row from the resample's raw counts."""
    scores, rule, labels, values = _data(seed=7)
    econ = Economics(cost_per_action=20, value_per_won=300, win_rate=0.4, fixed_cost=1_000,
                     population=10_000, period="quarter")
    draws = same_budget_draws(scores, rule, labels, values, resamples=700, seed=3)
    scale = 10_000 / scores.size
    changes = []
    for actions, rule_reached, model_reached in zip(draws.actions, draws.rule_reached, draws.model_reached):
        spend = 20 * actions * scale + (1_000 if actions > 0 else 0)  # the same for both: same budget
        if rule_reached > 0 and model_reached > 0:
            changes.append(spend / (0.4 * model_reached * scale) - spend / (0.4 * rule_reached * scale))
    found = same_budget(scores, rule, labels, values, econ, resamples=700, seed=3).cost_per_won_change
    assert (found.low, found.high) == pytest.approx(tuple(np.percentile(changes, [2.5, 97.5])))
    flagged = rule.sum() * scale
    model = top_k_flags(scores, int(rule.sum()))
    spend = 20 * flagged + 1_000
    assert found.estimate == pytest.approx(spend / (0.4 * labels[model].sum() * scale)
                                           - spend / (0.4 * labels[rule].sum() * scale))


def test_the_slider_copes_with_a_handful_of_held_out_examples():
    """With 4 held-out examples some redraws draw none at all: they act on none, and nothing breaks."""
    labels = np.array([True, False, True, False])
    boot = TopKBootstrap(np.arange(4), labels, np.ones(4), resamples=400, seed=0)
    sums = boot.sums_at(2)
    drew = boot.draws > 0
    assert not drew.all()  # the case this guards
    np.testing.assert_allclose(sums[drew, 0], 2.0)
    np.testing.assert_allclose(sums[~drew], 0.0)
