"""Every money and statistics function (but the bootstraps, the same-budget comparison, the
stability refits and the A/B test sizes) against a plain-loop reference written here.

No expected value below comes from the function under test or from the functions it is built
on (outcome_arrays, ThresholdSweep, ...): each reference walks the examples one by one, as a
reviewer with a spreadsheet would. Inputs are random and seeded (hypothesis where the space is
large), so a subtly wrong formula, a flipped comparison or an off-by-one fails here.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from conftest import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.model_selection import StratifiedKFold

from proofdeck.comparison.gains import gains_curve, gains_point, lift_at
from proofdeck.comparison.policies import POLICIES, agreement, cell_positions, combined_policies
from proofdeck.comparison.segments import MISSING_SEGMENT, segment_table
from proofdeck.comparison.sensitivity import HeadToHead, break_even, tornado
from proofdeck.data.spec import Economics
from proofdeck.decisions.best_setting import best_setting
from proofdeck.decisions.outcomes import Totals, outcome_arrays, outcome_of_flags
from proofdeck.decisions.random_pick import RandomPick, random_pick_weights
from proofdeck.decisions.slider_scale import position_share, slider_counts
from proofdeck.decisions.sweep import ThresholdSweep
from proofdeck.model.training import holdout_split
from proofdeck.upload.leakage import (
    AUC_LIMIT,
    _WeightedAuc,
    auc_gap_low,
    check_columns,
    find_leaks,
    single_column_auc,
    single_column_scores,
)

FIELDS = ("actions", "reached", "missed", "unneeded", "left_alone", "won", "spend", "value_won", "missed_value",
          "missed_winnable", "miss_cost", "net_value", "roi", "cost_per_won", "value_to_cost", "share_acted",
          "hit_rate", "coverage")
QUICK = settings(max_examples=examples(200), deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- the references ---------------------------------------------------------------------------------


def nan_div(top: float, bottom: float) -> float:
    return top / bottom if bottom != 0 else math.nan


def ref_outcome(weights, labels, values, econ: Economics) -> dict[str, float]:
    """Acting on each example with the chance in ``weights`` (1/0 for flags): every figure of
    the outcome, one example at a time."""
    n = len(labels)
    scale = econ.population / n if econ.population > 0 and n > 0 else 1.0
    actions = reached = positives = worth_reached = worth_all = negatives_left = 0.0
    for weight, label, value in zip(weights, labels, values, strict=True):
        weight = float(weight)
        actions += weight
        if label:
            worth = float(value) if econ.value_column else econ.value_per_won
            positives += 1
            reached += weight
            worth_reached += weight * worth
            worth_all += worth
        else:
            negatives_left += 1 - weight
    missed = positives - reached
    spend = econ.cost_per_action * actions * scale + (econ.fixed_cost if actions > 0 else 0.0)
    won = econ.win_rate * reached * scale
    value_won = econ.win_rate * worth_reached * scale
    miss_cost = econ.cost_per_miss * missed * scale
    net = value_won - spend - miss_cost
    doing_nothing = -econ.cost_per_miss * positives * scale  # no spend, every positive missed
    return {
        "actions": actions * scale, "reached": reached * scale, "missed": missed * scale,
        "unneeded": (actions - reached) * scale, "left_alone": negatives_left * scale, "won": won,
        "spend": spend, "value_won": value_won, "missed_value": (worth_all - worth_reached) * scale,
        "missed_winnable": econ.win_rate * (worth_all - worth_reached) * scale, "miss_cost": miss_cost,
        "net_value": net, "roi": nan_div(net - doing_nothing, spend), "cost_per_won": nan_div(spend, won),
        "value_to_cost": nan_div(value_won, spend), "share_acted": nan_div(actions, n),
        "hit_rate": nan_div(reached, actions), "coverage": nan_div(reached, positives),
    }


def ref_top(scores, k: int) -> list[bool]:
    """The k highest scores, ties broken by position (earlier first)."""
    order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
    chosen = set(order[: max(k, 0)])
    return [i in chosen for i in range(len(scores))]


def ref_net_at(scores, labels, values, k: int, econ: Economics) -> float:
    return ref_outcome(ref_top(scores, k), labels, values, econ)["net_value"]


def same(actual: float, expected: float, what: str = "") -> None:
    if isinstance(expected, float) and math.isnan(expected):
        assert math.isnan(actual), (what, actual)
    else:
        assert actual == pytest.approx(expected, rel=1e-9, abs=1e-6), what


def ref_pair_auc(labels, scores, weights=None) -> float:
    """AUC by counting every (positive, negative) pair: 1 when the positive scores higher, 1/2
    on a tie; weighted pairs count weight x weight."""
    weights = np.ones(len(labels)) if weights is None else weights
    wins = pairs = 0.0
    for i in range(len(labels)):
        if not labels[i] or not weights[i]:
            continue
        for j in range(len(labels)):
            if labels[j] or not weights[j]:
                continue
            pair = weights[i] * weights[j]
            pairs += pair
            wins += pair * (1.0 if scores[i] > scores[j] else 0.5 if scores[i] == scores[j] else 0.0)
    return wins / pairs if pairs else math.nan


# --- strategies ---------------------------------------------------------------------------------------

money = st.floats(0, 1000, allow_nan=False).map(lambda x: round(x, 2))
economics_st = st.builds(
    Economics,
    cost_per_action=money,
    value_per_won=money.map(lambda x: x * 10),
    win_rate=st.floats(0.01, 1.0).map(lambda x: round(x, 3)),
    fixed_cost=st.sampled_from([0.0, 0.0, 500.0, 5000.0]),
    cost_per_miss=st.sampled_from([0.0, 0.0, 25.0, 300.0]),
    population=st.sampled_from([0.0, 0.0, 1000.0, 40000.0, 600000.0]),
    value_column=st.sampled_from([None, None, "amount"]),
)


@st.composite
def heldout(draw, min_size: int = 1, max_size: int = 40, ties: bool = True):
    """Held-out arrays: scores (with ties when asked), labels, values."""
    n = draw(st.integers(min_size, max_size))
    level = st.integers(0, 6).map(lambda x: x / 6) if ties else st.floats(0, 1, allow_nan=False)
    scores = draw(st.lists(level, min_size=n, max_size=n))
    labels = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    values = draw(st.lists(st.floats(0, 5000, allow_nan=False).map(lambda x: round(x, 2)), min_size=n, max_size=n))
    return np.array(scores, dtype=float), np.array(labels, dtype=bool), np.array(values, dtype=float)


# --- outcomes -----------------------------------------------------------------------------------------


@QUICK
@given(data=heldout(), econ=economics_st, flag_seed=st.integers(0, 2**16))
def test_outcome_of_flags_is_the_loop_over_the_examples(data, econ, flag_seed):
    _, labels, values = data
    flags = np.random.default_rng(flag_seed).random(labels.size) < 0.4
    outcome = outcome_of_flags(flags, labels, values, econ)
    expected = ref_outcome(flags, labels, values, econ)
    for field in FIELDS:
        same(getattr(outcome, field), expected[field], field)


@QUICK
@given(data=heldout(min_size=2), econ=economics_st, picked=st.integers(0, 40))
def test_a_random_picks_weights_give_the_picks_average(data, econ, picked):
    _, labels, values = data
    picked = min(picked, labels.size)
    weights = random_pick_weights(labels.size, picked)
    assert list(weights) == [picked / labels.size] * labels.size
    outcome = outcome_of_flags(weights, labels, values, econ)
    expected = ref_outcome(weights, labels, values, econ)
    for field in FIELDS:
        same(getattr(outcome, field), expected[field], field)
    # The average over every possible pick of that size, by enumeration on a few rows.
    if labels.size <= 8:
        import itertools

        sums = [sum(labels[list(rows)]) for rows in itertools.combinations(range(labels.size), picked)]
        assert outcome.reached / (econ.scale_for(labels.size)) == pytest.approx(np.mean(sums))


def test_outcome_arrays_on_a_worked_example():
    # 10 held out, 3 positives worth 200 each, 1,000 a quarter (scale 100); acting on 4 reaching 2.
    econ = Economics(cost_per_action=20, value_per_won=200, win_rate=0.5, fixed_cost=1000, cost_per_miss=50,
                     population=1000)
    out = outcome_arrays(np.array([4]), np.array([2]), np.array([0.0]), Totals(10, 3, 0.0), econ)
    got = {k: float(v[0]) for k, v in out.items()}
    assert got["spend"] == 20 * 400 + 1000
    assert got["value_won"] == 0.5 * 200 * 200
    assert got["miss_cost"] == 50 * 100
    assert got["net_value"] == 20000 - 9000 - 5000
    assert got["roi"] == pytest.approx((20000 + 50 * 200 - 9000) / 9000)
    assert got["cost_per_won"] == 9000 / 100
    assert got["left_alone"] == (10 - 4 - 1) * 100 and got["unneeded"] == 200
    assert got["missed_value"] == 200 * 100 and got["missed_winnable"] == 0.5 * 200 * 100
    assert got["value_to_cost"] == pytest.approx(20000 / 9000)
    assert (got["share_acted"], got["hit_rate"], got["coverage"]) == (0.4, 0.5, pytest.approx(2 / 3))


# --- the sweep ----------------------------------------------------------------------------------------


@QUICK
@given(data=heldout(), econ=economics_st, k=st.integers(-3, 45))
def test_the_sweep_at_a_count_is_the_models_top_k(data, econ, k):
    scores, labels, values = data
    sweep = ThresholdSweep(scores, labels, values)
    clipped = min(max(k, 0), labels.size)
    top = ref_top(list(scores), clipped)
    assert list(sweep.flags_at_count(k)) == top
    outcome = sweep.outcome_at_count(k, econ)
    expected = ref_outcome(top, labels, values, econ)
    for field in FIELDS:
        same(getattr(outcome, field), expected[field], field)
    lowest = min((s for s, f in zip(scores, top, strict=True) if f), default=math.inf)
    assert sweep.threshold_at_count(k) == lowest


@QUICK
@given(data=heldout(), econ=economics_st, threshold=st.integers(-1, 7).map(lambda x: x / 6))
def test_the_sweep_at_a_threshold_acts_on_every_score_at_or_above_it(data, econ, threshold):
    scores, labels, values = data
    sweep = ThresholdSweep(scores, labels, values)
    flags = [s >= threshold for s in scores]
    assert sweep.count_at(threshold) == sum(flags)
    expected = ref_outcome(flags, labels, values, econ)
    outcome = sweep.outcome_at(threshold, econ)
    for field in FIELDS:
        same(getattr(outcome, field), expected[field], field)


@QUICK
@given(data=heldout(), econ=economics_st)
def test_the_curve_has_one_point_per_distinct_score_cut(data, econ):
    scores, labels, values = data
    curve = ThresholdSweep(scores, labels, values).curve(econ)
    cuts = [math.inf] + sorted(set(scores.tolist()), reverse=True)
    assert list(curve["threshold"]) == cuts
    for index, cut in enumerate(cuts):
        flags = [s >= cut for s in scores]
        assert curve["count"][index] == sum(flags)
        expected = ref_outcome(flags, labels, values, econ)
        for field in FIELDS:
            same(float(curve[field][index]), expected[field], field)


integer_economics = st.builds(
    Economics,
    cost_per_action=st.integers(0, 50).map(float),
    fixed_cost=st.sampled_from([0.0, 100.0]),
    population=st.sampled_from([0.0, 1.0]),  # replaced below by a whole multiple of the rows
)


@QUICK
@given(data=heldout(), econ=integer_economics, per_row=st.integers(1, 7), budget=st.integers(-50, 3000))
def test_count_for_spend_is_the_most_examples_within_the_budget(data, econ, per_row, budget):
    scores, labels, values = data
    if econ.population:
        econ = Economics(cost_per_action=econ.cost_per_action, fixed_cost=econ.fixed_cost,
                         population=float(per_row * labels.size))
    sweep = ThresholdSweep(scores, labels, values)
    allowed = [k for k in range(labels.size + 1) if ref_outcome(ref_top(list(scores), k), labels, values, econ)["spend"]
               <= budget]
    assert sweep.count_for_spend(float(budget), econ) == max(allowed, default=0)


@QUICK
@given(data=heldout(), population=st.sampled_from([0, 7, 100, 333, 40000]), limit=st.floats(-5, 50000))
def test_count_for_actions_is_the_most_examples_whose_shown_count_fits(data, population, limit):
    scores, labels, values = data
    econ = Economics(population=float(population))
    sweep = ThresholdSweep(scores, labels, values)
    scale = population / labels.size if population else 1.0
    # The count a page shows, rounded half up (918.5 is shown as 919). A limit of 0 or less acts
    # on no one, even where one held-out example scales to under half an action (shown as 0).
    allowed = [k for k in range(labels.size + 1) if math.floor(k * scale + 0.5) <= limit and (limit > 0 or k == 0)]
    assert sweep.count_for_actions(limit, econ) == max(allowed, default=0)


@QUICK
@given(data=heldout(), share=st.floats(0, 1.2))
def test_count_for_coverage_is_the_fewest_examples_reaching_the_share(data, share):
    scores, labels, values = data
    sweep = ThresholdSweep(scores, labels, values)
    positives = int(labels.sum())
    if positives == 0 or share > 1:
        assert sweep.count_for_coverage(share) is None
        return
    enough = [k for k in range(labels.size + 1)
              if sum(f and y for f, y in zip(ref_top(list(scores), k), labels, strict=True)) / positives >= share]
    assert sweep.count_for_coverage(share) == min(enough)


# --- the random pick ----------------------------------------------------------------------------------


@settings(max_examples=examples(150), deadline=None)
@given(n=st.integers(1, 40), data=st.data())
def test_the_random_pick_is_the_hypergeometric_law_enumerated(n, data):
    picked = data.draw(st.integers(0, n))
    positives = data.draw(st.integers(0, n))
    law = {x: Fraction(math.comb(positives, x) * math.comb(n - positives, picked - x), math.comb(n, picked))
           for x in range(0, min(picked, positives) + 1)}
    assert sum(law.values()) == 1
    mean = sum(x * p for x, p in law.items())
    var = sum(x * x * p for x, p in law.items()) - mean * mean
    pick = RandomPick(n, picked, positives)
    assert pick.mean == pytest.approx(float(mean))
    assert pick.sd == pytest.approx(math.sqrt(var), abs=1e-12)

    def quantile(q: Fraction) -> int:
        total = Fraction(0)
        for x in sorted(law):
            total += law[x]
            if total >= q:
                return x
        return max(law)

    assert pick.typical() == (quantile(Fraction(1, 40)), quantile(Fraction(39, 40)))


def test_an_empty_random_pick():
    assert random_pick_weights(0, 3).size == 0
    assert list(random_pick_weights(4, 9)) == [1.0] * 4 and list(random_pick_weights(4, -1)) == [0.0] * 4
    assert math.isnan(RandomPick(0, 0, 0).mean) and RandomPick(1, 1, 1).sd == 0.0


# --- the slider's positions -----------------------------------------------------------------------------


@settings(max_examples=examples(300), deadline=None)
@given(size=st.integers(0, 5000), anchor_share=st.floats(-0.1, 1.1), steps=st.integers(1, 120))
def test_slider_counts_spread_the_useful_range_over_a_third(size, anchor_share, steps):
    anchor = int(round(anchor_share * size))
    counts = slider_counts(size, anchor, steps)
    assert list(counts) == sorted(set(counts.tolist()))
    assert counts[0] == 0 and counts[-1] == size
    clipped = min(max(anchor, 0), size)
    assert clipped in counts
    if 0 < clipped < size:
        top = min(3 * clipped, size)
        assert top in counts
        middle = sum(1 for c in counts if clipped <= c <= top) - 1
        below = sum(1 for c in counts if c <= clipped) - 1
        above = sum(1 for c in counts if c >= top) - 1
        assert middle == min(steps, top - clipped)  # every step of the middle part is there
        assert below <= middle and above <= middle
        if top < size:
            assert position_share(counts, clipped, top) >= 1 / 3 - 1e-12
    else:
        assert len(counts) - 1 == min(size, 3 * steps) if size else list(counts) == [0]


@settings(max_examples=examples(200), deadline=None)
@given(counts=st.lists(st.integers(0, 100), min_size=0, max_size=30, unique=True), low=st.integers(-5, 105),
       high=st.integers(-5, 105))
def test_position_share_is_the_share_of_steps_between_two_counts(counts, low, high):
    counts = sorted(counts)
    inside = [i for i, c in enumerate(counts) if low <= c <= high]
    expected = 0.0 if len(counts) < 2 or not inside else (inside[-1] - inside[0]) / (len(counts) - 1)
    assert position_share(np.array(counts), low, high) == pytest.approx(expected)


# --- the best setting ------------------------------------------------------------------------------------

BEST_ECON = Economics(cost_per_action=40, value_per_won=600, win_rate=0.3, fixed_cost=5000, population=40000)


def ref_best_count(scores, labels, values, econ) -> tuple[int, float]:
    """The count of highest net value (fewest on ties), trying every count one by one (the
    scores here have no ties, so every count is a possible cut)."""
    nets = [ref_net_at(scores, labels, values, k, econ) for k in range(len(scores) + 1)]
    best = max(nets)
    return nets.index(best), best


def ref_cross_fit(scores, labels, values, econ, folds=5, seed=0) -> tuple[float, list[float]]:
    """Cross-fitting by hand: choose the best share on the other folds only, use it on the fold
    left out (rounded to its size), and average what it earns there."""
    earned, shares = [], []
    for choose, score_on in StratifiedKFold(folds, shuffle=True, random_state=seed).split(scores, labels):
        chosen, _ = ref_best_count(scores[choose], labels[choose], values[choose], econ)
        share = chosen / len(choose)
        k = round(share * len(score_on))
        earned.append(ref_net_at(scores[score_on], labels[score_on], values[score_on], k, econ))
        shares.append(share)
    return sum(earned) / len(earned), shares


@pytest.mark.parametrize("seed", range(4))
def test_best_setting_is_the_reference_cross_fit(seed):
    rng = np.random.default_rng(seed)
    n = 120
    scores = rng.random(n)
    labels = rng.random(n) < 0.1 + 0.5 * scores ** 2
    values = rng.lognormal(5, 1, n)
    econ = BEST_ECON if seed % 2 else Economics(cost_per_action=8, value_column="amount", win_rate=0.85,
                                                 cost_per_miss=25, population=600000)
    best = best_setting(scores, labels, values, econ)
    count, in_sample = ref_best_count(scores, labels, values, econ)
    honest, shares = ref_cross_fit(scores, labels, values, econ)
    assert best.count == count and best.share == count / n
    assert best.in_sample_net == pytest.approx(in_sample)
    assert best.honest_net == pytest.approx(honest)
    assert best.fold_shares == pytest.approx(tuple(shares))
    assert best.optimism == pytest.approx(in_sample - honest)


def test_best_setting_folds_fewer_when_a_class_is_rare():
    rng = np.random.default_rng(7)
    scores = rng.random(60)
    labels = np.zeros(60, dtype=bool)
    labels[[3, 20, 41]] = True  # three positives: three folds
    best = best_setting(scores, labels, np.ones(60), BEST_ECON)
    honest, shares = ref_cross_fit(scores, labels, np.ones(60), BEST_ECON, folds=3)
    assert len(best.fold_shares) == 3 and best.honest_net == pytest.approx(honest)
    one = best_setting(scores, labels & (np.arange(60) == 3), np.ones(60), BEST_ECON)
    assert math.isnan(one.honest_net) and one.fold_shares == ()


def test_the_honest_estimate_is_not_above_the_in_sample_maximum_on_average():
    gaps = []
    for seed in range(30):
        rng = np.random.default_rng(100 + seed)
        scores = rng.random(400)
        labels = rng.random(400) < 0.05 + 0.3 * scores
        best = best_setting(scores, labels, np.ones(400), BEST_ECON)
        gaps.append(best.in_sample_net - best.honest_net)
    assert np.mean(gaps) > 0


def test_on_noise_where_no_setting_pays_the_honest_estimate_is_not_positive_on_average():
    # Scores say nothing and a reached positive is worth less than the action costs
    # (0.2 x 0.3 x 600 = 36 < 40): the true worth of any setting but "nobody" is negative. The
    # in-sample maximum still finds lucky settings; the honest estimate must not, on average.
    econ = Economics(cost_per_action=40, value_per_won=600, win_rate=0.3, population=40000)
    honest, in_sample = [], []
    for seed in range(30):
        rng = np.random.default_rng(seed)
        scores = rng.random(300)
        labels = rng.random(300) < 0.2
        best = best_setting(scores, labels, np.ones(300), econ)
        honest.append(best.honest_net)
        in_sample.append(best.in_sample_net)
    assert np.mean(in_sample) > 10_000  # what the maximum of a noisy curve flatters by
    assert np.mean(honest) <= 0.25 * np.mean(in_sample)


# --- the leak guard: one column alone on held-out rows ------------------------------------------------------


def ref_category_scores(codes, labels, train, test) -> list[float]:
    """A category column's score for each test row: the train rows' outcome rate of its
    category, with one smoothing row at the train prior; categories seen fewer than 5 times in
    training (or never) share one rate, missing values another."""
    prior = sum(labels[i] for i in train) / len(train)
    counts: dict = {}
    for i in train:
        if codes[i] is not None:
            counts[codes[i]] = counts.get(codes[i], 0) + 1

    def group(value):
        if value is None:
            return "missing"
        return value if counts.get(value, 0) >= 5 else "rare"

    positives: dict = {}
    totals: dict = {}
    for i in train:
        g = group(codes[i])
        totals[g] = totals.get(g, 0) + 1
        positives[g] = positives.get(g, 0) + labels[i]
    return [(positives.get(group(codes[i]), 0) + prior) / (totals.get(group(codes[i]), 0) + 1) for i in test]


def ref_number_scores(numbers, labels, train, test) -> list[float]:
    """A number column's score: the same rate per bin, the bins cut at the train rows'
    2%, 4%, ..., 98% quantiles (equal cuts merged); missing values are their own bin."""
    fitted = sorted(numbers[i] for i in train if not math.isnan(numbers[i]))
    cuts = sorted(set(np.quantile(fitted, [q / 50 for q in range(1, 50)]).tolist()))

    def group(x):
        return "missing" if math.isnan(x) else sum(1 for c in cuts if c <= x)

    prior = sum(labels[i] for i in train) / len(train)
    positives: dict = {}
    totals: dict = {}
    for i in train:
        g = group(numbers[i])
        totals[g] = totals.get(g, 0) + 1
        positives[g] = positives.get(g, 0) + labels[i]
    return [(positives.get(group(numbers[i]), 0) + prior) / (totals.get(group(numbers[i]), 0) + 1) for i in test]


def split_rows(n: int, seed: int):
    rows = np.random.default_rng(seed).permutation(n)
    cut = int(n * 0.7)
    return np.sort(rows[:cut]), np.sort(rows[cut:])


@pytest.mark.parametrize("seed", range(3))
def test_a_category_columns_auc_is_fitted_on_train_rows_and_measured_on_test_rows(seed):
    # 40 categories with their own outcome rates (some rare, some missing): a column the
    # train rows fit well, and the test rows check.
    rng = np.random.default_rng(seed)
    n = 500
    category = rng.integers(0, 40, n)
    labels = rng.random(n) < (category % 7) / 10
    codes = [None if c == 0 else f"c{c}" for c in category]
    train, test = split_rows(n, seed)
    scores = single_column_scores(pd.Series(codes, dtype=object), labels, train, test)
    expected = ref_category_scores(codes, labels, train, test)
    assert scores == pytest.approx(expected)
    auc = single_column_auc(pd.Series(codes, dtype=object), labels, train, test)
    assert auc == pytest.approx(ref_pair_auc(labels[test], expected))
    # Not the AUC on the rows it was fitted on (that one flatters a column of many categories).
    fitted = ref_category_scores(codes, labels, train, train)
    assert abs(ref_pair_auc(labels[train], fitted) - auc) > 0.005


@pytest.mark.parametrize("seed", range(3))
def test_a_number_columns_auc_is_fitted_on_train_rows_and_measured_on_test_rows(seed):
    rng = np.random.default_rng(10 + seed)
    n = 600
    numbers = rng.normal(size=n)
    labels = rng.random(n) < 1 / (1 + np.exp(-numbers))
    numbers[rng.random(n) < 0.1] = np.nan  # a tenth missing
    train, test = split_rows(n, seed)
    expected = ref_number_scores(numbers, labels, train, test)
    assert single_column_scores(pd.Series(numbers), labels, train, test) == pytest.approx(expected)
    assert single_column_auc(pd.Series(numbers), labels, train, test) == pytest.approx(ref_pair_auc(labels[test], expected))


def test_a_memorisable_noise_column_is_near_a_half_held_out_and_high_on_its_own_rows():
    # 150 categories of random outcomes, 14 train rows each: on the rows it was fitted on the
    # column "predicts" well; on held-out rows it is chance. The guard must say chance.
    rng = np.random.default_rng(21)
    n = 3000
    labels = rng.random(n) < 0.3
    codes = pd.Series([f"id{i % 150}" for i in range(n)], dtype=object)
    train, test = split_rows(n, 1)
    held = single_column_auc(codes, labels, train, test)
    own = ref_pair_auc(labels[train][:600], ref_category_scores(list(codes), labels, train, train)[:600])
    assert abs(held - 0.5) < 0.04
    assert own > 0.6
    assert find_leaks(pd.DataFrame({"code": codes}), labels, ("code",)) == ()


@pytest.mark.parametrize("seed", range(5))
def test_a_pure_noise_numbers_leak_auc_is_near_a_half(seed):
    rng = np.random.default_rng(30 + seed)
    labels = rng.random(6000) < 0.25
    train, test = split_rows(6000, seed)
    assert abs(single_column_auc(pd.Series(rng.normal(size=6000)), labels, train, test) - 0.5) < 0.035


def test_a_true_leak_is_flagged_with_its_held_out_auc():
    rng = np.random.default_rng(40)
    n = 2000
    labels = rng.random(n) < 0.2
    # A refund amount: only positives have one (a few wrong), so it restates the outcome.
    refund_like = np.where(labels ^ (rng.random(n) < 0.01), rng.uniform(10, 500, n), np.nan)
    frame = pd.DataFrame({"settled": refund_like, "age": rng.normal(40, 10, n), "region": rng.choice(list("abcd"), n)})
    leaks = find_leaks(frame, labels, ("age", "settled", "region"))
    assert [leak.column for leak in leaks] == ["settled"] and not leaks[0].by_name
    split = holdout_split(labels, 0.3, 42)
    expected = ref_pair_auc(labels[split.test], ref_number_scores(refund_like, labels, split.train, split.test))
    assert expected >= AUC_LIMIT
    assert leaks[0].auc == pytest.approx(expected)
    assert "right for 99 of 100 pairs" in leaks[0].reason
    check = check_columns(frame, labels, ("age", "settled", "region"))
    assert check.flagged == {"settled"} and check.measured and check.rows == n


def test_a_column_just_under_the_limit_is_not_flagged_and_just_over_is():
    rng = np.random.default_rng(41)
    n = 4000
    labels = rng.random(n) < 0.3
    split = holdout_split(labels, 0.3, 42)
    found = {}
    for noise in (0.0, 0.02, 0.04, 0.06, 0.1):
        column = (labels ^ (rng.random(n) < noise)).astype(float) + rng.normal(0, 0.01, n)
        auc = ref_pair_auc(labels[split.test], ref_number_scores(column, labels, split.train, split.test))
        flagged = bool(find_leaks(pd.DataFrame({"x": column}), labels, ("x",)))
        found[noise] = (auc, flagged)
        assert flagged == (auc >= AUC_LIMIT), (noise, auc)
    assert any(f for _, f in found.values()) and not all(f for _, f in found.values())


def test_the_weighted_auc_counts_weighted_pairs():
    rng = np.random.default_rng(50)
    labels = rng.random(120) < 0.35
    scores = np.round(rng.normal(size=120) + labels, 1)
    weights = rng.integers(0, 4, size=(3, 120)).astype(float)
    got = _WeightedAuc(labels, scores).aucs(weights)
    for row, auc in zip(weights, got, strict=True):
        assert auc == pytest.approx(ref_pair_auc(labels, scores, row))
    assert math.isnan(_WeightedAuc(labels, scores).auc(np.where(labels, 0.0, 1.0)))


def test_the_cautious_gap_is_the_2_5th_percentile_of_paired_resampled_gaps():
    rng = np.random.default_rng(51)
    n = 80
    labels = rng.random(n) < 0.4
    better, worse = rng.normal(size=n) + 1.5 * labels, rng.normal(size=n) + 0.5 * labels
    draws = np.random.default_rng(3)
    gaps = []
    for _ in range(60):
        counts = np.zeros(n)
        for row in draws.integers(0, n, n):
            counts[row] += 1
        gaps.append(ref_pair_auc(labels, better, counts) - ref_pair_auc(labels, worse, counts))
    ordered = sorted(gaps)
    position = 0.025 * (len(ordered) - 1)  # numpy's default (linear) quantile
    low = ordered[int(position)] + (position - int(position)) * (ordered[int(position) + 1] - ordered[int(position)])
    assert auc_gap_low(labels, better, worse, resamples=60, seed=3) == pytest.approx(low)


# --- gains and lift -----------------------------------------------------------------------------------------


@QUICK
@given(data=heldout())
def test_the_gains_curve_is_every_cut_by_hand(data):
    scores, labels, _ = data
    curve = gains_curve(scores, labels)
    n, positives = labels.size, int(labels.sum())
    cuts = [math.inf] + sorted(set(scores.tolist()), reverse=True)
    assert list(curve["cutoff"]) == cuts
    for index, cut in enumerate(cuts):
        acted = sum(1 for s in scores if s >= cut)
        reached = sum(1 for s, y in zip(scores, labels, strict=True) if s >= cut and y)
        assert curve["share_acted"][index] == pytest.approx(acted / n)
        same(float(curve["share_reached"][index]), reached / positives if positives else math.nan)
    assert curve["perfect_share_acted"].tolist() == pytest.approx([0, positives / n, 1])
    if positives:
        assert curve["perfect_share_reached"].tolist() == [0, 1, 1]
    else:
        assert np.isnan(curve["perfect_share_reached"]).all()
    assert curve["random_share_acted"].tolist() == curve["random_share_reached"].tolist() == [0, 1]


@QUICK
@given(data=heldout(), k=st.integers(-2, 45), flag_seed=st.integers(0, 999))
def test_lift_and_a_gains_point_by_hand(data, k, flag_seed):
    scores, labels, _ = data
    n, positives = labels.size, int(labels.sum())
    kk = min(max(k, 0), n)
    top = ref_top(list(scores), kk)
    reached = sum(1 for f, y in zip(top, labels, strict=True) if f and y)
    expected = (reached / positives) / (kk / n) if kk and positives else math.nan
    same(lift_at(scores, labels, k), expected)
    flags = np.random.default_rng(flag_seed).random(n) < 0.3
    acted, hit = gains_point(flags, labels)
    assert acted == pytest.approx(flags.sum() / n)
    same(hit, sum(1 for f, y in zip(flags, labels, strict=True) if f and y) / positives if positives else math.nan)
    weights = random_pick_weights(n, kk)
    assert gains_point(weights, labels)[0] == pytest.approx(kk / n)
    same(gains_point(weights, labels)[1], kk / n if positives else math.nan)


# --- where rule and model agree; both together --------------------------------------------------------------


@QUICK
@given(data=heldout(), seed=st.integers(0, 999))
def test_the_agreement_table_counts_each_cell(data, seed):
    _, labels, _ = data
    rng = np.random.default_rng(seed)
    rule, model = rng.random(labels.size) < 0.3, rng.random(labels.size) < 0.3
    table = agreement(rule, model, labels)
    assert list(table.index) == [(True, True), (True, False), (False, True), (False, False)]
    for (r, m), row in table.iterrows():
        members = [i for i in range(labels.size) if rule[i] == r and model[i] == m]
        assert row["examples"] == len(members)
        assert row["positives"] == sum(labels[i] for i in members)
        same(row["positive_rate"], sum(labels[i] for i in members) / len(members) if members else math.nan)
        assert row["share_of_examples"] == pytest.approx(len(members) / labels.size)
        assert list(cell_positions(rule, model, r, m)) == members


@settings(max_examples=examples(40), deadline=None)
@given(data=heldout(min_size=5), econ=economics_st, seed=st.integers(0, 999))
def test_combined_policies_point_figures_by_hand(data, econ, seed):
    scores, labels, values = data
    rng = np.random.default_rng(seed)
    rule = rng.random(labels.size) < 0.3
    model = np.array(ref_top(list(scores), int(rule.sum())))
    results = combined_policies(rule, model, labels, values, econ, resamples=20)
    assert tuple(results) == POLICIES
    flags = {"rule": rule, "model": model, "rule OR model": rule | model, "rule AND model": rule & model}
    rule_net = ref_outcome(rule, labels, values, econ)["net_value"]
    for name, result in results.items():
        expected = ref_outcome(flags[name], labels, values, econ)
        for field in FIELDS:
            same(getattr(result.outcome, field), expected[field], (name, field))
        same(result.reached.estimate, expected["reached"])
        same(result.net_value.estimate, expected["net_value"])
        same(result.extra_net.estimate, expected["net_value"] - rule_net)


# --- per segment ---------------------------------------------------------------------------------------------


@settings(max_examples=examples(100), deadline=None)
@given(data=heldout(min_size=1), econ=economics_st, seed=st.integers(0, 999), random=st.booleans())
def test_the_segment_table_by_hand(data, econ, seed, random):
    scores, labels, values = data
    n = labels.size
    rng = np.random.default_rng(seed)
    segments = rng.choice(np.array(["north", "south", "east", None], dtype=object), n)
    rule = random_pick_weights(n, int(rng.integers(0, n + 1))) if random else rng.random(n) < 0.3
    k = int(round(float(np.sum(rule))))
    model = ref_top(list(scores), k)
    scale = econ.population / n if econ.population > 0 else 1.0
    table = segment_table(pd.Series(segments), scores, rule, labels, values, econ)
    names = [MISSING_SEGMENT if s is None else s for s in segments]
    expected = []
    for name in sorted(set(names)):
        rows = [i for i in range(n) if names[i] == name]

        def worth(i):
            return values[i] if econ.value_column else econ.value_per_won

        m_act = sum(1 for i in rows if model[i])
        r_act = sum(float(rule[i]) for i in rows)
        m_reach = sum(1 for i in rows if model[i] and labels[i])
        r_reach = sum(float(rule[i]) for i in rows if labels[i])
        m_worth = sum(worth(i) for i in rows if model[i] and labels[i])
        r_worth = sum(float(rule[i]) * worth(i) for i in rows if labels[i])
        # Within a segment: value won minus spend (no fixed cost), plus the misses avoided.
        extra_net = (econ.win_rate * (m_worth - r_worth) - econ.cost_per_action * (m_act - r_act)
                     + econ.cost_per_miss * (m_reach - r_reach)) * scale
        expected.append({
            "segment": name, "heldout": len(rows), "examples": len(rows) * scale,
            "positives": sum(labels[i] for i in rows) * scale, "rule_actions": r_act * scale,
            "model_actions": m_act * scale, "rule_reached": r_reach * scale, "model_reached": m_reach * scale,
            "extra_reached": (m_reach - r_reach) * scale,
            "reached_change": (m_reach - r_reach) / r_reach if r_reach else math.nan, "extra_net": extra_net,
        })
    expected.sort(key=lambda row: (-row["heldout"], row["segment"]))
    assert list(table["segment"]) == [row["segment"] for row in expected]
    for got, want in zip(table.to_dict("records"), expected, strict=True):
        for key, value in want.items():
            if isinstance(value, str):
                assert got[key] == value
            else:
                same(float(got[key]), float(value), (want["segment"], key))


# --- break-even and the tornado ---------------------------------------------------------------------------------

SENSITIVITY_FIELDS = ("value_per_won", "win_rate", "cost_per_action", "cost_per_miss", "fixed_cost")


def ref_difference(model, rule, labels, values, econ) -> float:
    return ref_outcome(model, labels, values, econ)["net_value"] - ref_outcome(rule, labels, values, econ)["net_value"]


def with_field(econ: Economics, field: str, value: float) -> Economics:
    from dataclasses import replace

    return replace(econ, **{field: value})


@st.composite
def contests(draw):
    scores, labels, values = draw(heldout(min_size=4, max_size=30))
    rng = np.random.default_rng(draw(st.integers(0, 9999)))
    rule = rng.random(labels.size) < draw(st.sampled_from([0.0, 0.3, 0.6]))
    budget = draw(st.sampled_from(["same", "more", "none"]))
    k = int(rule.sum()) if budget == "same" else min(labels.size, int(rule.sum()) + 3) if budget == "more" else 0
    return np.array(ref_top(list(scores), k)), rule, labels, values


@settings(max_examples=examples(150), deadline=None)
@given(contest=contests(), econ=economics_st, field=st.sampled_from(SENSITIVITY_FIELDS))
def test_break_even_is_where_a_brute_force_search_finds_the_difference_changes_sign(contest, econ, field):
    model, rule, labels, values = contest
    if field == "value_per_won" and econ.value_column:
        with pytest.raises(ValueError):
            break_even(HeadToHead(model, rule, labels, values), field, econ)
        return
    result = break_even(HeadToHead(model, rule, labels, values), field, econ)
    same(result.base_difference, ref_difference(model, rule, labels, values, econ))
    assert result.base == getattr(econ, field)

    def diff(x: float) -> float:
        return ref_difference(model, rule, labels, values, with_field(econ, field, x))

    # The valid range sampled on a grid (win rate in (0, 1], money from 0 up to far beyond).
    grid = [0.001 * i for i in range(1, 1001)] if field == "win_rate" else [0.0] + list(np.geomspace(0.01, 1e7, 400))
    wins = [diff(x) > 1e-6 for x in grid]
    loses = [diff(x) < -1e-6 for x in grid]
    if result.model_wins == "always":
        assert not any(loses)
    elif result.model_wins == "never":
        assert not any(wins)
    else:
        root = result.value
        if field != "win_rate" and root > grid[-1] / 10:  # the grid must reach past the root
            grid = grid + list(np.geomspace(grid[-1], 100 * root, 50))
        # ... and hold points just either side of it, however close to an end of the range it is.
        top = 1.0 if field == "win_rate" else math.inf
        grid = sorted(set(grid) | {x for x in (root / 2, root * 0.999, root * 1.001, root * 2) if 0 < x <= top})
        assert abs(diff(root)) <= 1e-6 * max(1.0, abs(diff(grid[0])), abs(diff(grid[-1])))
        above = [x for x in grid if x > root * (1 + 1e-6) + 1e-9]
        below = [x for x in grid if x < root * (1 - 1e-6) - 1e-9]
        ahead, behind = (above, below) if result.model_wins == "above" else (below, above)
        assert all(diff(x) > 0 for x in ahead[:50]) and all(diff(x) < 0 for x in behind[-50:])
        assert any(diff(x) > 0 for x in grid)
        # The model loses somewhere in range, unless the break-even is the range's own closed end
        # (a cost of 0: there they tie, and above it the model wins).
        assert any(diff(x) < 0 for x in grid) or root <= grid[0] + 1e-9
    if result.model_wins in ("above", "below"):
        # The slope is the change of the difference per unit of the field.
        assert result.slope == pytest.approx(diff(result.value + 1) - diff(result.value), rel=1e-6, abs=1e-6)


@settings(max_examples=examples(100), deadline=None)
@given(contest=contests(), econ=economics_st)
def test_the_tornado_halves_and_doubles_each_assumption_by_hand(contest, econ):
    model, rule, labels, values = contest
    table = tornado(HeadToHead(model, rule, labels, values), econ)
    base = ref_difference(model, rule, labels, values, econ)
    rows = []
    for field in ("cost_per_action", "value_per_won", "win_rate", "fixed_cost", "cost_per_miss", "population"):
        if field == "value_per_won" and econ.value_column:
            continue
        value = getattr(econ, field)
        low, high = value * 0.5, value * 2.0
        if field == "win_rate":
            low, high = min(low, 1.0), min(high, 1.0)
        at_low = ref_difference(model, rule, labels, values, with_field(econ, field, low))
        at_high = ref_difference(model, rule, labels, values, with_field(econ, field, high))
        rows.append((field, value, low, high, at_low, at_high, abs(at_high - at_low)))
    assert sorted(table["field"]) == sorted(row[0] for row in rows)
    swings = list(table["swing"])
    assert swings == sorted(swings, reverse=True)
    by_field = {row["field"]: row for row in table.to_dict("records")}
    for field, value, low, high, at_low, at_high, swing in rows:
        got = by_field[field]
        assert (got["base_value"], got["low_value"], got["high_value"]) == pytest.approx((value, low, high))
        same(got["base"], base)
        same(got["at_low"], at_low, field)
        same(got["at_high"], at_high, field)
        same(got["swing"], swing, field)


def test_find_leaks_reads_0_1_labels_as_yes_no_and_names_like_the_outcome():
    rng = np.random.default_rng(60)
    n = 1500
    labels = rng.random(n) < 0.2
    leak = labels.astype(float) + rng.normal(0, 0.01, n)
    frame = pd.DataFrame({"converted_date": rng.normal(size=n), "signal": leak, "noise": rng.normal(size=n)})
    as_bool = find_leaks(frame, labels, ("converted_date", "signal", "noise"), outcome_column="converted_60d")
    as_int = find_leaks(frame, labels.astype(int), ("converted_date", "signal", "noise"), outcome_column="converted_60d")
    assert as_int == as_bool
    assert [leak.column for leak in as_bool] == ["signal", "converted_date"]
    assert as_bool[1].by_name and "shares 'converted'" in as_bool[1].reason


def test_a_gap_whose_cautious_bound_is_zero_is_not_beyond_chance():
    from proofdeck.upload.leakage import Driver

    assert not Driver("x", alone=0.9, next_best=0.6, with_it=None, without=None, edge_low=0.0).far_above_others
    assert Driver("x", alone=0.9, next_best=0.6, with_it=None, without=None, edge_low=0.01).far_above_others
