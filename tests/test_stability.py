"""Stability: the model's gain over the rule, refitted on repeated splits and seeds."""

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from proofdeck.comparison.compare import same_budget
from proofdeck.comparison.stability import (
    RepeatCounts,
    RepeatedFits,
    Spread,
    _train_positions,
    model_stability,
    repeated_fits,
    stability_of,
)
from proofdeck.data.datasets import build_dataset, read_csv
from proofdeck.data.spec import Economics, SpecError
from proofdeck.data.spec_files import load_spec
from proofdeck.decisions.bootstrap import Interval
from proofdeck.decisions.outcomes import Totals
from proofdeck.model.scenario import build_scenario
from proofdeck.model.training import HoldoutSplit

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
    return repeated_fits(spec, dataset, repeats=4)


def test_first_repeat_is_the_scenario_the_pages_show(spec, dataset, fits):
    scenario = build_scenario(spec, dataset)
    pages = same_budget(scenario.scores, scenario.rule_flags, scenario.labels, scenario.values, spec.economics)
    first = stability_of(fits)
    assert first.seeds[0] == spec.model.seed
    assert first.extra_net[0] == pytest.approx(pages.extra_net.estimate)
    assert first.extra_reached[0] == pytest.approx(pages.model.reached - pages.rule.reached)
    assert first.rule_net[0] == pytest.approx(pages.rule.net_value)


def test_each_repeat_has_its_own_split_and_seed(spec, fits):
    assert [r.seed for r in fits.repeats] == [spec.model.seed + i for i in range(4)]
    # Different held-out rows each time, so the figures move (the point of the exercise).
    assert len({(r.rule_reached, r.model_reached) for r in fits.repeats}) > 1
    assert all(r.train_rows == 2100 for r in fits.repeats)  # 70% of 3,000: nothing cut


def test_counts_to_money_by_hand():
    # 100 held-out examples, 10 positives; both act on 10: the rule reaches 3, the model 6.
    # Scale 1,000 / 100 = 10. Value 100 per win, half of the reached are won, 5 per action,
    # 20 per missed positive.
    #   rule:  0.5 * 3 * 100 * 10 - 5 * 10 * 10 - 20 * 7 * 10 = 1,500 - 500 - 1,400 = -400
    #   model: 0.5 * 6 * 100 * 10 - 500 - 20 * 4 * 10          = 3,000 - 500 - 800   = 1,700
    counts = RepeatCounts(
        seed=1, totals=Totals(100, 10, 10.0), actions=10, rule_reached=3, model_reached=6,
        rule_value=3.0, model_value=6.0, train_rows=200,
    )
    fits = RepeatedFits(spec=CHURN, repeats=(counts,), max_train_rows=None)
    economics = Economics(cost_per_action=5, value_per_won=100, win_rate=0.5, cost_per_miss=20, population=1000)
    result = stability_of(fits, economics)
    assert result.rule_net[0] == pytest.approx(-400)
    assert result.model_net[0] == pytest.approx(1700)
    assert result.extra_net[0] == pytest.approx(2100)
    assert result.extra_reached[0] == pytest.approx(30)
    assert result.model_wins == 1 and np.isnan(result.net.sd)


def test_money_follows_the_assumptions_without_refitting(fits):
    # Same budget, so spend cancels: with only a value per won (all won, no miss cost), the
    # extra net value is that value times the extra positives reached, repeat by repeat.
    plain = Economics(value_per_won=100, population=fits.spec.economics.population)
    result = stability_of(fits, plain)
    np.testing.assert_allclose(result.extra_net, 100 * result.extra_reached)
    nothing = stability_of(fits, Economics(population=plain.population))
    np.testing.assert_allclose(nothing.extra_net, 0.0)


def test_spread_by_hand():
    spread = Spread.of(np.array([1.0, 2.0, 3.0, 10.0]))
    assert (spread.low, spread.high, spread.median) == (1.0, 10.0, 2.5)
    # mean 4; squares 9 + 4 + 1 + 36 = 50; 50 / 3 = 16.67; sd 4.08
    assert spread.sd == pytest.approx(np.sqrt(50 / 3))
    assert np.isnan(Spread.of(np.array([5.0])).sd)


def test_summary_says_range_middle_swing_and_wins(fits):
    result = stability_of(fits)
    text = result.summary
    assert text.startswith("Trained and tested again on 4 different splits of the data")
    assert "per quarter" in text and "churners" in text
    assert f"beat the rule in {result.model_wins} of 4" in text


@pytest.mark.parametrize(
    ("width", "words"),
    [(39_200, "less than"), (3_920, "about as much as"), (392, "more than")],
    ids=["bootstrap sd 10,000", "bootstrap sd 1,000", "bootstrap sd 100"],
)
def test_spread_is_set_beside_the_bootstrap_interval(width, words):
    # Repeats with SD 1,000 against 95% intervals whose width is 3.92 x 10,000, 1,000 and 100.
    counts = [
        RepeatCounts(seed=s, totals=Totals(100, 10, 10.0), actions=10, rule_reached=3, model_reached=m,
                     rule_value=3.0, model_value=float(m), train_rows=200)
        for s, m in enumerate([5, 6, 7])
    ]
    fits = RepeatedFits(spec=CHURN, repeats=tuple(counts), max_train_rows=None)
    # value 1,000 per reached positive, no scaling: extra net 2,000 / 3,000 / 4,000 -> SD 1,000.
    result = stability_of(fits, Economics(value_per_won=1000))
    assert result.net.sd == pytest.approx(1000)
    text = result.compared_with(Interval(0.0, 0.0, width))
    assert words in text and "Across 3 refits" in text and "$1,000 (standard deviation)" in text
    assert "too few" in stability_of(replace(fits, repeats=fits.repeats[:1]), Economics()).compared_with(
        Interval(0.0, -1.0, 1.0)
    )


def test_train_cap_keeps_every_positive_and_samples_the_rest():
    labels = np.array([True] * 5 + [False] * 95)
    split = HoldoutSplit(train=np.arange(60), test=np.arange(60, 100))
    cut = _train_positions(split, labels, cap=20, seed=0)
    assert cut.train.size == 20 and labels[cut.train].sum() == 5
    assert np.array_equal(cut.test, split.test)
    assert _train_positions(split, labels, cap=None, seed=0) is split
    assert _train_positions(split, labels, cap=500, seed=0) is split


def test_cap_applies_to_every_repeat(spec, dataset):
    capped = repeated_fits(spec, dataset, repeats=2, max_train_rows=1000)
    assert [r.train_rows for r in capped.repeats] == [1000, 1000]
    assert capped.max_train_rows == 1000


def test_model_stability_defaults_to_ten_repeats_of_the_specs_money(spec, dataset):
    result = model_stability(spec, dataset=dataset)
    assert result.repeats == 10 and result.economics == spec.economics
    assert result.net.low <= result.net.median <= result.net.high


def test_bad_rule_names_the_spec_field(spec, dataset):
    broken = replace(spec, rule=replace(spec.rule, expression="tenur < 6"))
    with pytest.raises(SpecError, match=r"\[rule\] expression: unknown column 'tenur'"):
        repeated_fits(broken, dataset, repeats=1)


def test_at_least_one_repeat(spec, dataset):
    with pytest.raises(ValueError, match="at least 1"):
        repeated_fits(spec, dataset, repeats=0)
