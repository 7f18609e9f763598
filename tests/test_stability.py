"""Stability: the model's gain over the rule on disjoint test groups (repeated stratified K-fold)."""

import itertools
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from proofdeck.comparison.stability import (
    RepeatCounts,
    RepeatedFits,
    Spread,
    _train_positions,
    chance_bound,
    fold_plan,
    fold_splits,
    model_stability,
    repeated_fits,
    stability_of,
)
from proofdeck.data.datasets import build_dataset, read_csv
from proofdeck.data.spec import Economics, SpecError
from proofdeck.data.spec_files import load_spec
from proofdeck.decisions.bootstrap import Interval
from proofdeck.decisions.outcomes import Totals
from proofdeck.model.training import HoldoutSplit, holdout_split, train_model

ROOT = Path(__file__).resolve().parents[1]
CHURN = load_spec(ROOT / "demos" / "churn.toml")


@pytest.fixture(scope="module")
def spec():
    # The churn demo with a logistic regression: the same code path, fitted in a blink.
    return replace(CHURN, model=replace(CHURN.model, kind="logistic_regression"))


@pytest.fixture(scope="module")
def dataset(spec):
    frame = read_csv(spec.data_path).head(3000)
    return build_dataset(frame, spec.target_column, spec.positive_value, spec.id_column, spec.features)


@pytest.fixture(scope="module")
def fits(spec, dataset):
    return repeated_fits(spec, dataset, folds=4, rounds=2)


# --- the test groups ------------------------------------------------------------------------------


def test_within_a_round_the_test_groups_are_disjoint_and_test_every_row_once(dataset):
    labels = dataset.labels
    groups = fold_splits(labels, folds=5, rounds=2, seed=42)
    assert [(g.round, g.fold) for g in groups] == [(r, f) for r in range(2) for f in range(5)]
    for r in range(2):
        tests = [set(g.split.test.tolist()) for g in groups if g.round == r]
        assert all(not (a & b) for a, b in itertools.combinations(tests, 2))
        assert sorted(itertools.chain.from_iterable(tests)) == list(range(labels.size))
    for g in groups:
        train, test = set(g.split.train.tolist()), set(g.split.test.tolist())
        assert not (train & test) and len(train | test) == labels.size
        # Stratified: each group holds a fifth of the positives, to one.
        assert abs(labels[g.split.test].sum() - labels.sum() / 5) <= 1
    # The two rounds are cut differently.
    assert not np.array_equal(groups[0].split.test, groups[5].split.test)


def test_the_pages_own_split_and_model_are_not_among_them(spec, dataset, fits):
    page = holdout_split(dataset.labels, spec.model.test_size, spec.model.seed)
    groups = fold_splits(dataset.labels, folds=4, rounds=2, seed=spec.model.seed)
    assert all(not np.array_equal(g.split.test, page.test) for g in groups)
    # A group shares with the page's held-out rows only what chance gives (30% of them), not more.
    page_rows = set(page.test.tolist())
    for g in groups:
        assert len(page_rows & set(g.split.test.tolist())) / g.split.test.size < 0.36
    assert spec.model.seed not in [r.seed for r in fits.repeats]
    assert len({r.seed for r in fits.repeats}) == 8
    assert fits.heldout_rows == 900  # 30% of 3,000: what the page's interval was measured on


def test_rarer_class_bounds_the_folds():
    labels = np.array([True] * 3 + [False] * 20)
    assert {g.fold for g in fold_splits(labels, folds=5, rounds=1, seed=0)} == {0, 1, 2}
    with pytest.raises(ValueError, match="at least two"):
        fold_splits(np.array([True] + [False] * 20), folds=5, rounds=1, seed=0)


def test_fold_plan_keeps_the_fits_near_what_was_asked():
    assert fold_plan(10) == (5, 2)  # the default: ten fits, as many as before
    assert fold_plan(4) == (4, 1) and fold_plan(2) == (2, 1) and fold_plan(1) == (2, 1)
    with pytest.raises(ValueError):
        fold_plan(0)


# --- one group's counts by a plain loop --------------------------------------------------------


def test_one_groups_counts_match_a_plain_loop(spec, dataset, fits):
    index = 6  # round 1, fold 2
    group = fold_splits(dataset.labels, folds=4, rounds=2, seed=spec.model.seed)[index]
    counts = fits.repeats[index]
    assert (counts.round, counts.fold, counts.seed) == (1, 2, spec.model.seed + 1 + index)
    model = train_model(dataset, group.split, replace(spec.model, seed=counts.seed))
    frame = dataset.frame.iloc[group.split.test]
    scores = model.score(frame)
    rows = list(frame.itertuples(index=False))
    labels = [bool(v) for v in dataset.labels[group.split.test]]
    # Today's rule, read off the spec by hand: contract == "month-to-month" and tenure_months < 6.
    assert spec.rule.expression == 'contract == "month-to-month" and tenure_months < 6'
    rule = [row.contract == "month-to-month" and row.tenure_months < 6 for row in rows]
    k = 0
    for flag in rule:
        k += flag
    # The model's top k: highest score first, ties to the earlier row.
    order = sorted(range(len(rows)), key=lambda i: (-scores[i], i))
    model_flags = [False] * len(rows)
    for i in order[:k]:
        model_flags[i] = True
    rule_reached = model_reached = positives = 0
    for i in range(len(rows)):
        positives += labels[i]
        rule_reached += rule[i] and labels[i]
        model_reached += model_flags[i] and labels[i]
    assert counts.actions == k
    assert counts.rule_reached == rule_reached and counts.model_reached == model_reached
    assert counts.totals.examples == len(rows) == 750 and counts.totals.positives == positives
    assert counts.train_rows == 2250


def test_every_round_tests_every_row_once_in_the_counts(dataset, fits):
    for r in range(2):
        in_round = [c for c in fits.repeats if c.round == r]
        assert sum(c.totals.examples for c in in_round) == dataset.labels.size
        assert sum(c.totals.positives for c in in_round) == dataset.labels.sum()


# --- money and spread ------------------------------------------------------------------------


def test_counts_to_money_by_hand():
    # 100 examples in the group, 10 positives; both act on 10: the rule reaches 3, the model 6.
    # Scale 1,000 / 100 = 10. Value 100 per win, half of the reached are won, 5 per action,
    # 20 per missed positive.
    #   rule:  0.5 * 3 * 100 * 10 - 5 * 10 * 10 - 20 * 7 * 10 = 1,500 - 500 - 1,400 = -400
    #   model: 0.5 * 6 * 100 * 10 - 500 - 20 * 4 * 10          = 3,000 - 500 - 800   = 1,700
    counts = RepeatCounts(
        seed=1, totals=Totals(100, 10, 10.0), actions=10, rule_reached=3, model_reached=6,
        rule_value=3.0, model_value=6.0, train_rows=200,
    )
    fits = RepeatedFits(spec=CHURN, repeats=(counts,), max_train_rows=None, heldout_rows=150, folds=2)
    economics = Economics(cost_per_action=5, value_per_won=100, win_rate=0.5, cost_per_miss=20, population=1000)
    result = stability_of(fits, economics)
    assert result.rule_net[0] == pytest.approx(-400)
    assert result.model_net[0] == pytest.approx(1700)
    assert result.extra_net[0] == pytest.approx(2100)
    assert result.extra_reached[0] == pytest.approx(30)
    assert result.model_wins == 1 and np.isnan(result.net.sd)


def test_without_a_population_each_group_is_scaled_to_the_pages_held_out_rows():
    # 100 rows in the group, the page held out 300: 3 extra positives there count as 9.
    counts = RepeatCounts(seed=1, totals=Totals(100, 10, 10.0), actions=10, rule_reached=3, model_reached=6,
                          rule_value=3.0, model_value=6.0, train_rows=200)
    fits = RepeatedFits(spec=CHURN, repeats=(counts,), max_train_rows=None, heldout_rows=300, folds=2)
    result = stability_of(fits, Economics(value_per_won=10))
    assert result.extra_reached[0] == pytest.approx(9) and result.extra_net[0] == pytest.approx(90)
    assert "scaled to the page's 300 held-out customers" in result.summary and "per quarter" not in result.summary


def test_money_follows_the_assumptions_without_refitting(fits):
    # Same budget, so spend cancels: with only a value per won (all won, no miss cost), the
    # extra net value is that value times the extra positives reached, group by group.
    plain = Economics(value_per_won=100, population=fits.spec.economics.population)
    result = stability_of(fits, plain)
    np.testing.assert_allclose(result.extra_net, 100 * result.extra_reached)
    nothing = stability_of(fits, Economics(population=plain.population))
    np.testing.assert_allclose(nothing.extra_net, 0.0)


def test_spread_by_hand():
    spread = Spread.of(np.array([1.0, 2.0, 3.0, 10.0]))
    assert (spread.low, spread.high, spread.median) == (1.0, 10.0, 2.5)
    # mean 4; squares 9 + 4 + 1 + 36 = 50; 50 / 3 = 16.67; sd 4.08
    assert spread.sd == pytest.approx(np.sqrt(50 / 3)) and spread.df == 3
    assert np.isnan(Spread.of(np.array([5.0])).sd)
    # Pooled within rounds: round 0 is 1, 2, 3 (mean 2, squares 2), round 1 is 10, 14 (mean 12,
    # squares 8): sqrt(10 / (2 + 1)), the rounds' different means left out.
    pooled = Spread.of(np.array([1.0, 2.0, 3.0, 10.0, 14.0]), np.array([0, 0, 0, 1, 1]))
    assert pooled.sd == pytest.approx(np.sqrt(10 / 3)) and pooled.df == 3 and pooled.median == 3.0


def test_chance_bound_against_a_chi_square_table():
    # chi-square 97.5th percentiles from a printed table: 8 df 17.535, 3 df 9.348.
    assert chance_bound(8) == pytest.approx(np.sqrt(17.535 / 8), rel=1e-4)
    assert chance_bound(3) == pytest.approx(np.sqrt(9.348 / 3), rel=1e-4)
    assert chance_bound(0) == float("inf")


def test_disjoint_groups_vary_like_samples_drawn_with_replacement():
    # The rescaling's ground: with each row's contribution fixed (no training luck), the SD
    # pooled within rounds of disjoint groups of m rows is the SD of a sum of m draws with
    # replacement, the bootstrap's own measure, except that the groups are stratified: each
    # holds m x p positives, so the draw to compare with is one per class, sqrt(sum of m_c x
    # the class's variance). That is a little less than the unstratified draw's sqrt(m) x SD
    # (the positives' count no longer varies): one more reason the reading is one-sided.
    rng = np.random.default_rng(7)
    n, folds, rounds = 2000, 5, 300
    labels = rng.random(n) < 0.2
    x = labels * rng.lognormal(3.0, 1.0, n) * (rng.random(n) < 0.5)
    groups = fold_splits(labels, folds, rounds, seed=0)
    sums = np.array([x[g.split.test].sum() for g in groups])
    pooled = Spread.of(sums, np.array([g.round for g in groups])).sd
    stratified = np.sqrt(sum((labels == c).sum() / folds * x[labels == c].var() for c in (True, False)))
    assert pooled == pytest.approx(stratified, rel=0.05)
    assert pooled < np.sqrt(n / folds) * x.std()


def _extra_per_row(rows, scores, rule, labels):
    """Each row's part in (model's reached - rule's) on ``rows``, the model acting on its top K."""
    k = int(rule[rows].sum())
    top = sorted(rows, key=lambda i: (-scores[i], i))[:k]
    model = np.zeros(labels.size, dtype=bool)
    model[top] = True
    return (labels * (model.astype(float) - rule))[rows]


def test_fixed_scores_never_read_as_more_than_chance():
    # No training luck at all (one fixed score per row), light-tailed money: the groups' SD, set
    # beside a bootstrap of a 30% held-out split rescaled to a group's size, must not be read as
    # "more than chance" (it runs below 1, the bootstrap letting the number of actions vary).
    ratios = []
    for sim in range(60):
        rng = np.random.default_rng(sim)
        n, population = 1500, 10_000.0
        labels = rng.random(n) < 0.2
        scores = labels + rng.normal(0, 1, n)
        rule = np.where(labels, rng.random(n) < 0.4, rng.random(n) < 0.1)

        page = np.sort(rng.permutation(n)[: n * 3 // 10])
        per_row = _extra_per_row(page, scores, rule, labels) * population / page.size
        boot = [per_row[rng.integers(0, page.size, page.size)].sum() for _ in range(300)]
        groups = fold_splits(labels, 5, 2, seed=sim)
        figures = [_extra_per_row(g.split.test, scores, rule, labels).sum() * population / g.split.test.size for g in groups]
        sd = Spread.of(np.array(figures), np.array([g.round for g in groups])).sd
        ratios.append(sd / (np.std(boot, ddof=1) * np.sqrt(page.size / (n / 5))))
    assert max(ratios) < 2.0 and 0.5 < float(np.median(ratios)) < 1.1


# --- the words ----------------------------------------------------------------------------------


def _stability(extra_reached_per_group, heldout_rows=3000, rows=2000, rounds=(0, 0, 0, 1, 1, 1)):
    counts = tuple(
        RepeatCounts(seed=43 + i, totals=Totals(rows, 400, 400.0), actions=200, rule_reached=50,
                     model_reached=50 + m, rule_value=50.0, model_value=50.0 + m, train_rows=8000,
                     round=rounds[i], fold=i % 3)
        for i, m in enumerate(extra_reached_per_group)
    )
    fits = RepeatedFits(spec=CHURN, repeats=counts, max_train_rows=None, heldout_rows=heldout_rows, folds=3,
                        rounds=2)
    # $1 per extra positive reached, no scaling to a period: per the page's 3,000 rows, 1.5 each.
    return stability_of(fits, Economics(value_per_won=1, population=0))


def test_the_label_says_what_was_tested_and_how_it_was_scaled(fits):
    result = stability_of(fits)
    text = result.summary
    assert text.startswith("Tested again on 8 other test groups of about 750 customers, none of them this "
                           "page's held-out split: the data were cut into 4 parts twice over, and each part was "
                           "tested by a model trained on the other 3, so within a round every customer is "
                           "tested exactly once.")
    assert "scaled like the page's figures to 40,000 customers per quarter" in text
    assert "between the groups of a round" in text and "churners" in text
    assert f"beat the rule in {result.model_wins} of 8" in text
    assert "splits" not in text.replace("held-out split", "")
    caption = result.caption(Interval(0.0, -1.0, 1.0))
    assert "the extra net value, each group scaled up like the figures above, ranged from" in caption
    assert "per quarter, ahead of the rule in" in caption


def test_within_chance_is_read_as_no_sign_of_more():
    # Extra positives 10, 20, 30 | 10, 20, 30 -> extra net 15, 30, 45 (x 1.5): pooled SD 15.
    result = _stability([10, 20, 30, 10, 20, 30])
    assert result.net.sd == pytest.approx(15.0) and result.net.df == 4
    # A 95% interval 39.2 wide on 3,000 rows: SD 10; rescaled to 2,000 rows: 10 x sqrt(1.5) = 12.25.
    interval = Interval(30.0, 10.4, 49.6)
    assert result.chance_sd_for(interval) == pytest.approx(10 * np.sqrt(1.5))
    text = result.compared_with(interval)
    assert "groups of 2,000 customers" in text and "from 3,000 held-out customers, rescaled to 2,000" in text
    assert "about $12" in text and "within that" in text and "no sign" in text
    caption = result.caption(interval)
    assert caption.startswith("Tested again on 6 other test groups of about 2,000 customers (3 parts of the "
                              "data, twice over; none is this page's split): the extra net value, each group "
                              "scaled to the 3,000 held-out customers, ranged from +$15 to +$45, ahead of the rule "
                              "in 6 of 6.")
    assert "luck of the split and of the training on 2,000 customers, is within what chance" in caption
    assert "less than" not in text + caption


def test_a_clear_excess_is_read_as_training_luck():
    # Same pooled SD 15 against a chance SD of 1.225 x 5 = 6.12 (interval 19.6 wide): 2.4 times,
    # above both 2 and what chance allows for 4 df (1.66).
    result = _stability([10, 20, 30, 10, 20, 30])
    text = result.compared_with(Interval(30.0, 20.2, 39.8))
    assert "2.4 times that" in text and "depends on which rows the model trained on" in text
    assert "2.4 times what chance" in result.caption(Interval(30.0, 20.2, 39.8))
    # 1.8 times is within chance's allowance: not read as more.
    assert "within that" in result.compared_with(Interval(30.0, 30 - 15 / 1.8 / np.sqrt(1.5) * 1.96,
                                                          30 + 15 / 1.8 / np.sqrt(1.5) * 1.96))


def test_one_group_per_round_has_nothing_to_compare():
    result = _stability([10, 20], rounds=(0, 1))
    assert np.isnan(result.net.sd)
    assert "too few" in result.compared_with(Interval(0.0, -1.0, 1.0))
    assert result.caption(Interval(0.0, -1.0, 1.0)).endswith("ahead of the rule in 2 of 2.")


# --- cost bounds, defaults and errors ----------------------------------------------------------


def test_train_cap_keeps_every_positive_and_samples_the_rest():
    labels = np.array([True] * 5 + [False] * 95)
    split = HoldoutSplit(train=np.arange(60), test=np.arange(60, 100))
    cut = _train_positions(split, labels, cap=20, seed=0)
    assert cut.train.size == 20 and labels[cut.train].sum() == 5
    assert np.array_equal(cut.test, split.test)
    assert _train_positions(split, labels, cap=None, seed=0) is split
    assert _train_positions(split, labels, cap=500, seed=0) is split


def test_cap_applies_to_every_group(spec, dataset):
    capped = repeated_fits(spec, dataset, folds=2, rounds=1, max_train_rows=1000)
    assert [r.train_rows for r in capped.repeats] == [1000, 1000]
    assert [r.totals.examples for r in capped.repeats] == [1500, 1500]  # tests are never cut
    assert capped.max_train_rows == 1000


def test_model_stability_defaults_to_five_folds_twice_with_the_specs_money(spec, dataset):
    result = model_stability(spec, dataset=dataset)
    assert result.repeats == 10 and result.folds == 5 and result.round_count == 2
    assert result.economics == spec.economics and result.fold_rows == 600
    assert result.net.low <= result.net.median <= result.net.high and result.net.df == 8


def test_bad_rule_names_the_spec_field(spec, dataset):
    broken = replace(spec, rule=replace(spec.rule, expression="tenur < 6"))
    with pytest.raises(SpecError, match=r"\[rule\] expression: unknown column 'tenur'"):
        repeated_fits(broken, dataset, folds=2, rounds=1)


def test_at_least_one_round_of_two_folds(spec, dataset):
    with pytest.raises(ValueError, match="at least 1"):
        repeated_fits(spec, dataset, rounds=0)
    with pytest.raises(ValueError, match="at least 2"):
        repeated_fits(spec, dataset, folds=1)


def test_the_glossary_says_what_the_other_test_groups_are():
    from proofdeck.words.glossary import glossary

    entry = {e.phrase: e for e in glossary(CHURN.nouns, "cost per customer kept")}["other test groups"]
    assert "customers cut into 5 parts, twice over" in entry.meaning
    assert "no two groups share any" in entry.meaning and "none is the page's own held-out split" in entry.meaning
    assert entry.technical == "repeated stratified 5-fold cross-validation (2 repeats)"
