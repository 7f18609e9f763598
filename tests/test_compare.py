"""Rule vs model: every figure checked against answers worked out by hand.

The handmade held-out set has 12 examples, scores falling with the position, 5 positives and
a rule that flags 4. Money: an action costs 10, a reached positive is worth 100 and half of
them are won, so each reached positive adds 50 and each action costs 10 (no fixed cost, no
miss cost, no population: counts are held-out counts).

    pos  score  rule  label  segment
      0   0.95     .    yes  north
      1   0.90   yes    yes  north
      2   0.80     .      .  north
      3   0.70     .    yes  north
      4   0.60   yes      .  south
      5   0.50     .    yes  south
      6   0.40   yes    yes  south
      7   0.30     .      .  south
      8   0.20   yes      .  north
      9   0.15     .      .  north
     10   0.10     .      .  (missing)
     11   0.05     .      .  south

Rule: acts on {1, 4, 6, 8}, reaches {1, 6}: 2 positives, net 2 * 50 - 4 * 10 = 60.
Model's top 4: {0, 1, 2, 3}, reaches {0, 1, 3}: 3 positives, net 3 * 50 - 40 = 110.
Model at cut-off 0.55 (scores >= 0.55): {0, 1, 2, 3, 4}: 5 actions, 3 reached, net 100.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from conftest import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from proofdeck.charts.comparison import gains_figure, segment_figure, tornado_figure
from proofdeck.comparison.compare import (
    cutoff_flags,
    how_sure_sentence,
    interval_text,
    interval_verdict,
    same_budget,
    same_reach,
    top_k_flags,
    verdict,
)
from proofdeck.comparison.gains import gains_curve, gains_point, lift_at
from proofdeck.comparison.policies import POLICIES, agreement, cell_positions, combined_policies
from proofdeck.comparison.segments import segment_table
from proofdeck.comparison.sensitivity import TORNADO_FIELDS, HeadToHead, break_even, break_even_text, tornado
from proofdeck.data.spec import Economics, Nouns
from proofdeck.decisions.bootstrap import Interval
from proofdeck.decisions.outcomes import outcome_of_flags
from proofdeck.words.wording import money

SCORES = np.array([0.95, 0.90, 0.80, 0.70, 0.60, 0.50, 0.40, 0.30, 0.20, 0.15, 0.10, 0.05])
RULE = np.array([0, 1, 0, 0, 1, 0, 1, 0, 1, 0, 0, 0], dtype=bool)
LABELS = np.array([1, 1, 0, 1, 0, 1, 1, 0, 0, 0, 0, 0], dtype=bool)
VALUES = np.ones(12)
SEGMENTS = ["north", "north", "north", "north", "south", "south", "south", "south", "north", "north", None, "south"]
ECON = Economics(cost_per_action=10, value_per_won=100, win_rate=0.5)
CUTOFF = 0.55
NOUNS = Nouns(
    entity="customer", entities="customers", positive="churner", positives="churners",
    positive_meaning="will cancel", action="retention offer", actions="retention offers",
    act="send a retention offer to", score="churn risk", won="customer kept", won_plural="customers kept",
)


def replicate(times: int, scores=SCORES, rule=RULE, labels=LABELS, values=VALUES):
    """The same held-out set, ``times`` over (a bigger sample of the same population)."""
    return tuple(np.tile(array, times) for array in (scores, rule, labels, values))


# --- same budget ---------------------------------------------------------------------------


def test_same_budget_point_estimates():
    result = same_budget(SCORES, RULE, LABELS, VALUES, ECON, resamples=300, seed=1)
    assert (result.rule.actions, result.rule.reached, result.rule.net_value) == (4, 2, 60)
    assert (result.model.actions, result.model.reached, result.model.net_value) == (4, 3, 110)
    assert result.extra_reached.estimate == 1
    assert result.extra_net.estimate == 50
    assert result.reached_change.estimate == pytest.approx(0.5)  # 3 instead of 2


def test_bootstrap_intervals_contain_the_estimates():
    result = same_budget(SCORES, RULE, LABELS, VALUES, ECON, resamples=500, seed=3)
    for name in ("rule_reached", "model_reached", "extra_reached", "rule_net", "model_net", "extra_net"):
        iv = getattr(result, name)
        assert iv.low <= iv.high
        assert iv.contains(iv.estimate), name


def test_bootstrap_is_reproducible_with_its_seed():
    first = same_budget(SCORES, RULE, LABELS, VALUES, ECON, resamples=300, seed=7)
    again = same_budget(SCORES, RULE, LABELS, VALUES, ECON, resamples=300, seed=7)
    assert first == again
    policies = combined_policies(RULE, SCORES >= CUTOFF, LABELS, VALUES, ECON, resamples=300, seed=7)
    assert policies == combined_policies(RULE, SCORES >= CUTOFF, LABELS, VALUES, ECON, resamples=300, seed=7)


def test_intervals_narrow_as_the_held_out_set_grows():
    # A population of 12 puts both sizes on the same per-period scale, so only the
    # sampling noise differs: 4x the data should roughly halve the width.
    econ = replace(ECON, population=12)
    small = same_budget(SCORES, RULE, LABELS, VALUES, econ, resamples=800, seed=0)
    large = same_budget(*replicate(4), econ, resamples=800, seed=0)
    assert large.extra_net.estimate == pytest.approx(small.extra_net.estimate)
    for name in ("extra_net", "model_reached", "rule_net"):
        small_iv, large_iv = getattr(small, name), getattr(large, name)
        assert large_iv.high - large_iv.low < 0.75 * (small_iv.high - small_iv.low), name


def test_verdict_unclear_better_and_worse():
    # 12 examples and a difference of one positive: the interval of the difference spans 0.
    unclear = same_budget(SCORES, RULE, LABELS, VALUES, ECON, resamples=500, seed=0)
    assert unclear.extra_net.low < 0 < unclear.extra_net.high
    assert verdict(unclear) == "unclear"
    assert verdict(unclear, "reached") == "unclear"
    assert "either way" in interval_text(unclear.extra_net, "money")
    # The same pattern 40 times over is a clear win; reversed scores a clear loss.
    better = same_budget(*replicate(40), ECON, resamples=500, seed=0)
    assert verdict(better) == "better"
    assert "either way" not in interval_text(better.extra_net, "money")
    worse = same_budget(*replicate(40, scores=-SCORES), ECON, resamples=500, seed=0)
    assert verdict(worse) == "worse"
    with pytest.raises(ValueError):
        verdict(better, "coverage")


def test_interval_words_edge_cases():
    assert interval_verdict(Interval(1.0, float("nan"), float("nan"))) == "unclear"
    assert interval_verdict(Interval(0.0, 0.0, 0.0)) == "unclear"
    assert interval_text(Interval(1.0, float("nan"), float("nan")), "change") == (
        "too uncertain to estimate from these data"
    )
    assert interval_text(Interval(0.5, 0.2, 0.9), "change") == "between +20% and +90%"


# --- same reach ----------------------------------------------------------------------------


def test_same_reach_by_hand():
    # The rule reaches 2 positives; the model's top 2 ({0, 1}) already reach 2.
    result = same_reach(SCORES, RULE, LABELS, VALUES, ECON)
    assert (result.model_count, result.rule_count, result.target) == (2, 4, 2)
    assert result.matched and not result.model_needs_more and not result.rule_reaches_none
    assert result.model.reached == 2 and result.model.spend == 20 and result.model.net_value == 80
    assert result.actions_saved == 2 and result.spend_saved == 20 and result.extra_net == 20
    assert result.share_saved == pytest.approx(0.5)


def test_same_reach_keeps_the_fixed_cost_on_both_sides():
    result = same_reach(SCORES, RULE, LABELS, VALUES, replace(ECON, fixed_cost=100))
    assert (result.rule.spend, result.model.spend, result.spend_saved) == (140, 120, 20)


def test_same_reach_when_the_rule_reaches_nobody():
    rule = np.zeros(12, dtype=bool)
    rule[[2, 4]] = True  # two actions, both on non-positives
    result = same_reach(SCORES, rule, LABELS, VALUES, replace(ECON, fixed_cost=100))
    assert result.rule_reaches_none and result.model_count == 0
    # The model needs no action at all, so it also avoids the fixed cost.
    assert result.actions_saved == 2 and result.spend_saved == 120


def test_same_reach_when_the_model_needs_more_or_cannot_match():
    # Reversed scores put the non-positives first: 7 actions to reach 2 positives.
    worse = same_reach(-SCORES, RULE, LABELS, VALUES, ECON)
    assert worse.model_count == 7 and worse.model_needs_more and worse.actions_saved == -3
    capped = same_reach(SCORES, RULE, LABELS, VALUES, ECON, max_count=1)
    assert not capped.matched and capped.model_count == 1
    assert math.isnan(capped.actions_saved) and math.isnan(capped.spend_saved)
    assert math.isnan(capped.share_saved)


# --- gains and lift ------------------------------------------------------------------------


def test_gains_curve_and_lift_by_hand():
    curve = gains_curve(SCORES, LABELS)
    # Positives in score order: 1 1 0 1 0 1 1 0 0 0 0 0.
    reached = np.array([0, 1, 2, 2, 3, 3, 4, 5, 5, 5, 5, 5, 5]) / 5
    np.testing.assert_allclose(curve["share_acted"], np.arange(13) / 12)
    np.testing.assert_allclose(curve["share_reached"], reached)
    assert curve["cutoff"][0] == np.inf and curve["cutoff"][4] == pytest.approx(0.70)
    np.testing.assert_allclose(curve["perfect_share_acted"], [0, 5 / 12, 1])
    np.testing.assert_allclose(curve["perfect_share_reached"], [0, 1, 1])
    np.testing.assert_allclose(curve["random_share_acted"], [0, 1])
    assert lift_at(SCORES, LABELS, 4) == pytest.approx((3 / 5) / (4 / 12))  # 1.8
    assert lift_at(SCORES, LABELS, 2) == pytest.approx(2.4)
    assert lift_at(SCORES, LABELS, 12) == pytest.approx(1.0)
    assert math.isnan(lift_at(SCORES, LABELS, 0))
    assert gains_point(RULE, LABELS) == pytest.approx((4 / 12, 2 / 5))
    assert gains_point(cutoff_flags(SCORES, CUTOFF), LABELS) == pytest.approx((5 / 12, 3 / 5))


def test_gains_curve_takes_tied_scores_together():
    curve = gains_curve(np.array([0.5, 0.5, 0.2]), np.array([True, False, False]))
    np.testing.assert_allclose(curve["share_acted"], [0, 2 / 3, 1])
    np.testing.assert_allclose(curve["share_reached"], [0, 1, 1])


def test_gains_without_positives_is_undefined_not_an_error():
    curve = gains_curve(SCORES, np.zeros(12, dtype=bool))
    assert np.isnan(curve["share_reached"]).all()
    assert math.isnan(lift_at(SCORES, np.zeros(12, dtype=bool), 3))


# --- agreement -----------------------------------------------------------------------------


def test_agreement_cells_by_hand():
    model = cutoff_flags(SCORES, CUTOFF)  # {0, 1, 2, 3, 4}
    table = agreement(RULE, model, LABELS)
    expected = {
        (True, True): (2, 1, 1 / 2, [1, 4]),
        (True, False): (2, 1, 1 / 2, [6, 8]),
        (False, True): (3, 2, 2 / 3, [0, 2, 3]),
        (False, False): (5, 1, 1 / 5, [5, 7, 9, 10, 11]),
    }
    assert list(table.index) == list(expected)
    for (rule, mod), (rows, positives, rate, positions) in expected.items():
        row = table.loc[(rule, mod)]
        assert (row["examples"], row["positives"]) == (rows, positives)
        assert row["positive_rate"] == pytest.approx(rate)
        assert cell_positions(RULE, model, rule, mod).tolist() == positions
    assert table["examples"].sum() == 12
    assert table["examples"].unstack().shape == (2, 2)


def test_agreement_empty_cell_has_no_rate():
    table = agreement(RULE, RULE, LABELS)  # the model copies the rule
    assert table.loc[(True, False), "examples"] == 0
    assert math.isnan(table.loc[(True, False), "positive_rate"])


# --- rule and model together ---------------------------------------------------------------


def test_combined_policies_by_hand():
    model = cutoff_flags(SCORES, CUTOFF)
    result = combined_policies(RULE, model, LABELS, VALUES, ECON, resamples=400, seed=2)
    assert list(result) == list(POLICIES)
    # (actions, reached, net): OR = {0,1,2,3,4,6,8}, AND = {1, 4}.
    expected = {
        "rule": (4, 2, 60),
        "model": (5, 3, 100),
        "rule OR model": (7, 4, 4 * 50 - 70),
        "rule AND model": (2, 1, 50 - 20),
    }
    for name, (actions, reached, net) in expected.items():
        policy = result[name]
        assert policy.name == name
        assert (policy.outcome.actions, policy.outcome.reached, policy.outcome.net_value) == (actions, reached, net)
        assert policy.reached.contains(reached) and policy.net_value.contains(net)
        assert policy.extra_net.estimate == net - 60
    assert (result["rule"].extra_net.low, result["rule"].extra_net.high) == (0, 0)


# --- by segment ----------------------------------------------------------------------------


def test_segment_table_by_hand():
    table = segment_table(pd.Series(SEGMENTS, index=range(100, 112)), SCORES, RULE, LABELS, VALUES, ECON)
    assert table["segment"].tolist() == ["north", "south", "(missing)"]  # by size: 6, 5, 1
    north, south, missing = (table.iloc[i] for i in range(3))
    # Same overall budget: the rule's 4 actions {1, 4, 6, 8}; the model's top 4 {0, 1, 2, 3}.
    # North {0,1,2,3,8,9}: the rule acts on {1, 8} and reaches {1}; the model acts on all of
    # {0,1,2,3} and reaches {0, 1, 3}. Money: model 0.5*100*3 - 10*4 = 110, rule 50 - 20 = 30.
    assert (north["heldout"], north["positives"], north["rule_actions"], north["model_actions"]) == (6, 3, 2, 4)
    assert (north["rule_reached"], north["model_reached"], north["extra_reached"]) == (1, 3, 2)
    assert north["reached_change"] == pytest.approx(2.0) and north["extra_net"] == pytest.approx(80)
    # South {4,5,6,7,11}: the rule acts on {4, 6} and reaches {6}; the model acts on none here.
    assert (south["heldout"], south["positives"], south["rule_actions"], south["model_actions"]) == (5, 2, 2, 0)
    assert (south["rule_reached"], south["model_reached"], south["extra_reached"]) == (1, 0, -1)
    assert south["reached_change"] == pytest.approx(-1.0) and south["extra_net"] == pytest.approx(-30)
    # The missing one: nobody acted on, nothing reached, no relative change.
    assert (missing["heldout"], missing["rule_actions"], missing["model_reached"]) == (1, 0, 0)
    assert math.isnan(missing["reached_change"])
    # The segments add up to the whole comparison.
    assert table["rule_actions"].sum() == 4 and table["model_actions"].sum() == 4


def test_segment_table_scales_and_accepts_categoricals():
    segments = pd.Categorical(SEGMENTS, categories=["north", "south", "east"])
    table = segment_table(segments, SCORES, RULE, LABELS, VALUES, replace(ECON, population=24))
    assert "east" not in table["segment"].tolist()  # an unused category has no examples
    north = table.iloc[0]
    assert (north["heldout"], north["examples"], north["rule_reached"], north["extra_net"]) == (6, 12, 2, 160)


def test_segment_table_with_a_value_column():
    values = np.arange(1.0, 13.0)  # example i is worth i + 1
    econ = replace(ECON, value_column="amount")
    table = segment_table(SEGMENTS, SCORES, RULE, LABELS, values, econ)
    # North: the model reaches {0, 1, 3} (worth 1 + 2 + 4), the rule {1} (worth 2); half is
    # won; the model spends 2 more actions: 0.5 * (7 - 2) - 10 * 2 = -17.5.
    assert table.iloc[0]["extra_net"] == pytest.approx(-17.5)


def test_segment_money_matches_outcomes_of_the_same_flags():
    # Whatever outcomes.py does with values, a segment's extra net value is the difference
    # between acting on the model's and the rule's picks inside it (nobody elsewhere).
    values = np.arange(1.0, 13.0)
    econ = replace(ECON, cost_per_miss=3, fixed_cost=100, population=120)
    north = np.array([s == "north" for s in SEGMENTS])
    rule_north = RULE & north
    model_north = np.zeros(12, dtype=bool)
    model_north[[0, 1, 2, 3]] = True  # the model's overall top 4 all fall in north
    for case in (econ, replace(econ, value_column="amount")):
        table = segment_table(SEGMENTS, SCORES, RULE, LABELS, values, case)
        expected = (
            outcome_of_flags(model_north, LABELS, values, case).net_value
            - outcome_of_flags(rule_north, LABELS, values, case).net_value
        )
        assert table.iloc[0]["extra_net"] == pytest.approx(expected)


# --- break-even and sensitivity ------------------------------------------------------------


def assert_sign_flips(result, econ, scores=SCORES, rule=RULE, cutoff=CUTOFF):
    step = 1e-6 * max(1.0, abs(result.value))
    below = HeadToHead.at_cutoff(scores, rule, LABELS, VALUES, cutoff).net_difference(replace(econ, **{result.field: result.value - step}))
    above = HeadToHead.at_cutoff(scores, rule, LABELS, VALUES, cutoff).net_difference(replace(econ, **{result.field: result.value + step}))
    at = HeadToHead.at_cutoff(scores, rule, LABELS, VALUES, cutoff).net_difference(replace(econ, **{result.field: result.value}))
    assert at == pytest.approx(0, abs=1e-9)
    if result.model_wins == "above":
        assert below < 0 < above
    else:
        assert above < 0 < below


def test_net_difference_by_hand():
    # Model at 0.55: 5 actions, 3 reached; rule: 4 actions, 2 reached -> 50 - 10 = 40.
    assert HeadToHead.at_cutoff(SCORES, RULE, LABELS, VALUES, CUTOFF).net_difference(ECON) == pytest.approx(40)


@pytest.mark.parametrize(
    ("field", "value", "wins"),
    [
        ("cost_per_action", 50.0, "below"),  # 50 - c
        ("value_per_won", 20.0, "above"),  # 0.5 v - 10
        ("win_rate", 0.1, "above"),  # 100 w - 10
    ],
)
def test_break_even_values_by_hand(field, value, wins):
    result = break_even(HeadToHead.at_cutoff(SCORES, RULE, LABELS, VALUES, CUTOFF), field, ECON)
    assert result.value == pytest.approx(value)
    assert result.model_wins == wins
    assert result.base_difference == pytest.approx(40) and result.wins_at_base
    assert_sign_flips(result, ECON)


def test_break_even_always_and_never():
    # Miss cost: 40 + m, the model reaches one more positive, so it wins at any miss cost.
    assert break_even(HeadToHead.at_cutoff(SCORES, RULE, LABELS, VALUES, CUTOFF), "cost_per_miss", ECON).model_wins == "always"
    # Both act on someone, so the fixed cost cancels: flat at 40.
    flat = break_even(HeadToHead.at_cutoff(SCORES, RULE, LABELS, VALUES, CUTOFF), "fixed_cost", ECON)
    assert flat.model_wins == "always" and math.isnan(flat.value) and flat.slope == 0
    # Acting on all 12 at 40 each: 300 w - 320 only turns positive above w = 1.07, out of range.
    costly = replace(ECON, cost_per_action=40)
    never = break_even(HeadToHead.at_cutoff(SCORES, RULE, LABELS, VALUES, 0.0), "win_rate", costly)
    assert never.model_wins == "never" and never.value == pytest.approx(320 / 300)
    # Lowest scores first reach nobody with 5 actions: -100 - c, negative at every cost.
    lowest = break_even(HeadToHead.at_cutoff(-SCORES, RULE, LABELS, VALUES, -0.35), "cost_per_action", ECON)
    assert lowest.model_wins == "never"
    # Top 1 only: 1 reached instead of 2 but 3 fewer actions: 600 - 100 w at 200 per action.
    cheap = break_even(HeadToHead.at_cutoff(SCORES, RULE, LABELS, VALUES, 0.92), "win_rate", replace(ECON, cost_per_action=200))
    assert cheap.model_wins == "always" and cheap.value == pytest.approx(6.0)


def test_break_even_rejects_value_per_won_with_a_value_column():
    econ = replace(ECON, value_column="amount")
    with pytest.raises(ValueError, match="value column"):
        break_even(HeadToHead.at_cutoff(SCORES, RULE, LABELS, VALUES, CUTOFF), "value_per_won", econ)
    with pytest.raises(ValueError):
        break_even(HeadToHead.at_cutoff(SCORES, RULE, LABELS, VALUES, CUTOFF), "population", ECON)


def test_break_even_in_words():
    result = break_even(HeadToHead.at_cutoff(SCORES, RULE, LABELS, VALUES, CUTOFF), "cost_per_action", ECON)
    assert break_even_text(result, NOUNS) == (
        "the model beats the rule while the cost per retention offer is below $50 (now $10)"
    )
    rate = break_even(HeadToHead.at_cutoff(SCORES, RULE, LABELS, VALUES, CUTOFF), "win_rate", ECON)
    assert "above 10%" in break_even_text(rate, NOUNS)


def test_break_even_in_words_always_never_and_in_the_sessions_currency():
    result = break_even(HeadToHead.at_cutoff(SCORES, RULE, LABELS, VALUES, CUTOFF), "cost_per_action", ECON)
    assert break_even_text(result, NOUNS, "€") == (
        "the model beats the rule while the cost per retention offer is below €50 (now €10)")
    assert break_even_text(replace(result, model_wins="always"), NOUNS) == (
        "the model beats the rule whatever the cost per retention offer")
    assert break_even_text(replace(result, model_wins="never"), NOUNS, against="doing nothing") == (
        "the model does not beat doing nothing at any cost per retention offer")


def test_tornado_by_hand():
    # Win rate 0.8, miss cost 5, fixed cost 100 (both act, so it cancels):
    # difference = 100 * w * 1 - c * 1 + m * 1 = 80 - 10 + 5 = 75 at the base.
    econ = replace(ECON, win_rate=0.8, cost_per_miss=5, fixed_cost=100)
    table = tornado(HeadToHead.at_cutoff(SCORES, RULE, LABELS, VALUES, CUTOFF), econ)
    assert table["field"].tolist() == [
        "value_per_won", "win_rate", "cost_per_action", "cost_per_miss", "fixed_cost", "population"
    ]
    assert (table["base"] == 75).all()
    rows = table.set_index("field")
    assert (rows.loc["value_per_won", "at_low"], rows.loc["value_per_won", "at_high"]) == (35, 155)
    assert rows.loc["win_rate", "high_value"] == 1.0  # 1.6 capped
    assert (rows.loc["win_rate", "at_low"], rows.loc["win_rate", "at_high"]) == pytest.approx((35, 95))
    assert (rows.loc["cost_per_action", "at_low"], rows.loc["cost_per_action", "at_high"]) == (80, 65)
    assert (rows.loc["cost_per_miss", "at_low"], rows.loc["cost_per_miss", "at_high"]) == (72.5, 80)
    assert rows.loc["fixed_cost", "swing"] == 0 and rows.loc["population", "swing"] == 0
    assert table["swing"].tolist() == pytest.approx([120, 60, 15, 7.5, 0, 0])



def test_tornado_caps_a_raised_win_rate_at_1_keeps_its_columns_and_names_unknown_fields():
    econ = replace(ECON, win_rate=0.8, cost_per_miss=5, fixed_cost=100)
    contest = HeadToHead.at_cutoff(SCORES, RULE, LABELS, VALUES, CUTOFF)
    table = tornado(contest, econ, low=1.5, high=2.0)
    assert table.set_index("field").loc["win_rate", "low_value"] == 1.0  # 1.2 capped
    assert "index" not in table.columns and list(table.index) == list(range(len(table)))
    with pytest.raises(ValueError, match=r"^tornado fields must be among cost_per_action, value_per_won, win_rate, "
                                         r"fixed_cost, cost_per_miss, population, not 'period'$"):
        tornado(contest, econ, fields=("period",))

def test_tornado_skips_value_per_won_with_a_value_column():
    table = tornado(HeadToHead.at_cutoff(SCORES, RULE, LABELS, VALUES, CUTOFF), replace(ECON, value_column="amount"))
    assert "value_per_won" not in table["field"].tolist()
    assert set(table["field"]) == set(TORNADO_FIELDS) - {"value_per_won"}


# --- charts --------------------------------------------------------------------------------

JARGON = ("precision", "recall", "f1", "auc", "threshold")


def figure_words(figure) -> str:
    layout = figure.layout
    texts = [layout.title.text, layout.xaxis.title.text, layout.yaxis.title.text]
    texts += [trace.name for trace in figure.data]
    texts += [a.text for a in layout.annotations]
    return " ".join(t for t in texts if t).lower()


def test_figures_build_in_plain_words():
    curve = gains_curve(SCORES, LABELS)
    figures = [
        gains_figure(curve, gains_point(RULE, LABELS), gains_point(cutoff_flags(SCORES, CUTOFF), LABELS), NOUNS),
        tornado_figure(tornado(HeadToHead.at_cutoff(SCORES, RULE, LABELS, VALUES, CUTOFF), ECON), NOUNS, "$", " per quarter"),
        segment_figure(segment_table(SEGMENTS, SCORES, RULE, LABELS, VALUES, ECON), NOUNS, "Region"),
    ]
    for figure in figures:
        words = figure_words(figure)
        assert NOUNS.positives in words or NOUNS.entities in words or "rule" in words
        assert not any(term in words for term in JARGON), words
    assert len(figures[0].data) == 5  # perfect, random, model, rule, cut-off


# --- properties ----------------------------------------------------------------------------

held_out_rows = st.lists(
    st.tuples(st.floats(0, 1, allow_nan=False), st.booleans(), st.booleans()), min_size=1, max_size=30
)


def columns(rows):
    scores, rule, labels = (np.array(column) for column in zip(*rows, strict=True))
    return scores.astype(float), rule.astype(bool), labels.astype(bool)


@settings(max_examples=examples(60), deadline=None)
@given(held_out_rows, st.floats(0, 1, allow_nan=False))
def test_or_reaches_at_least_both_and_and_at_most_either(rows, cutoff):
    scores, rule, labels = columns(rows)
    model = cutoff_flags(scores, cutoff)
    result = combined_policies(rule, model, labels, np.ones(labels.size), ECON, resamples=20, seed=0)
    out = {name: policy.outcome for name, policy in result.items()}
    both = max(out["rule"].reached, out["model"].reached)
    either = min(out["rule"].reached, out["model"].reached)
    assert out["rule OR model"].reached >= both and out["rule AND model"].reached <= either
    assert out["rule OR model"].actions >= max(out["rule"].actions, out["model"].actions)
    assert out["rule AND model"].actions <= min(out["rule"].actions, out["model"].actions)


@settings(max_examples=examples(60), deadline=None)
@given(held_out_rows)
def test_same_reach_uses_no_more_actions_than_needed(rows):
    scores, rule, labels = columns(rows)
    result = same_reach(scores, rule, labels, np.ones(labels.size), ECON)
    target = int((rule & labels).sum())
    k = result.model_count
    assert result.matched and result.target == target
    assert (top_k_flags(scores, k) & labels).sum() >= target
    assert k == 0 or (top_k_flags(scores, k - 1) & labels).sum() < target


@settings(max_examples=examples(60), deadline=None)
@given(
    held_out_rows,
    st.floats(0, 1, allow_nan=False),
    st.sampled_from(["cost_per_action", "value_per_won", "win_rate", "cost_per_miss"]),
    st.floats(0, 100, allow_subnormal=False), st.floats(1, 1000), st.floats(0.05, 1),
    st.floats(0, 50, allow_subnormal=False),
)
def test_break_even_sign_flips_around_its_value(rows, cutoff, field, cost, value, win, miss):
    scores, rule, labels = columns(rows)
    econ = Economics(cost_per_action=cost, value_per_won=value, win_rate=win, cost_per_miss=miss)
    values = np.ones(labels.size)
    result = break_even(HeadToHead.at_cutoff(scores, rule, labels, values, cutoff), field, econ)
    base = HeadToHead.at_cutoff(scores, rule, labels, values, cutoff).net_difference(econ)
    assert result.base_difference == pytest.approx(base, abs=1e-6)
    if result.model_wins in ("above", "below"):
        step = 1e-3 * max(1.0, abs(result.value))
        low = HeadToHead.at_cutoff(scores, rule, labels, values, cutoff).net_difference(replace(econ, **{field: result.value - step}))
        high = HeadToHead.at_cutoff(scores, rule, labels, values, cutoff).net_difference(replace(econ, **{field: result.value + step}))
        assert (high > 0 > low) if result.model_wins == "above" else (low > 0 > high)


def test_how_sure_names_the_net_values_own_estimate_when_the_headline_is_another_figure():
    # Fraud's headline is losses prevented; a range of net value beside it must say whose it is.
    comparison = same_budget(np.array([0.9, 0.8, 0.2, 0.1]), np.array([True, False, True, False]),
                             np.array([True, True, False, False]), np.ones(4),
                             Economics(cost_per_action=1.0, value_per_won=10.0, win_rate=1.0), resamples=200)
    other = how_sure_sentence("payments", "frauds", comparison, "$", net_is_headline=False)
    assert f"its extra net value after every cost ({money(comparison.extra_net.estimate, signed=True)}) is" in other
    plain = how_sure_sentence("customers", "churners", comparison, "$", net_is_headline=True)
    assert "its extra net value is " in plain and plain.startswith("How sure: in 95% of redraws of the held-out customers")


def _head_to_head(model, rule, labels):
    flags = [np.array(x, dtype=bool) for x in (model, rule, labels)]
    return HeadToHead(*flags, np.ones(len(labels)))


@pytest.mark.parametrize(("model", "rule", "labels", "field", "econ", "wins", "value"), [
    # the same picks: no difference at any figure, and a tie is not a win
    ([1, 1, 0, 0], [1, 1, 0, 0], [1, 0, 1, 0], "cost_per_action", Economics(cost_per_action=3, value_per_won=5),
     "never", None),
    # one more positive at the same budget, worth 0.5 x 1: a fixed cost both pay never changes that
    ([1, 0, 0, 0], [0, 1, 0, 0], [1, 0, 0, 0], "fixed_cost",
     Economics(cost_per_action=3, value_per_won=1, win_rate=0.5, fixed_cost=7), "always", None),
    # ... and it is 0.5 v: the model wins for any value per won above 0 (at 0 it is a tie)
    ([1, 0, 0, 0], [0, 1, 0, 0], [1, 0, 0, 0], "value_per_won",
     Economics(cost_per_action=3, value_per_won=1, win_rate=0.5), "above", 0.0),
    # 2 more positives worth 5 for 1 more action at $10: 10 w - 10, a tie at w = 1: never a win
    ([1, 1, 0, 0], [0, 0, 1, 0], [1, 1, 0, 0], "win_rate", Economics(cost_per_action=10, value_per_won=5),
     "never", 1.0),
    # the other way round, 10 - 10 w: the model wins below 1
    ([0, 0, 1, 0], [1, 1, 0, 0], [1, 1, 0, 0], "win_rate", Economics(cost_per_action=10, value_per_won=5),
     "below", 1.0),
    # 2 more actions, no more positives: -2 c, a tie at c = 0: never a win
    ([1, 0, 1, 1], [1, 0, 0, 0], [1, 0, 0, 0], "cost_per_action", Economics(cost_per_action=4, value_per_won=5),
     "never", 0.0),
], ids=["same picks", "flat and ahead", "root at 0 above", "root at the top above", "root at the top below",
        "root at 0 below"])
def test_break_even_where_the_tie_falls_on_an_end(model, rule, labels, field, econ, wins, value):
    found = break_even(_head_to_head(model, rule, labels), field, econ)
    assert (found.field, found.model_wins) == (field, wins)
    if value is None:
        assert np.isnan(found.value) and found.slope == 0.0
    else:
        assert found.value == pytest.approx(value, abs=1e-12)


def test_break_even_names_what_it_cannot_vary():
    contest = _head_to_head([1, 0], [0, 1], [1, 0])
    with pytest.raises(ValueError, match=r"^break-even is available for value_per_won, win_rate, cost_per_action, "
                                         r"cost_per_miss, fixed_cost, not 'population'$"):
        break_even(contest, "population", ECON)
    with pytest.raises(ValueError, match=r"^value_per_won is not used when a value column gives each example's "
                                         r"value$"):
        break_even(contest, "value_per_won", replace(ECON, value_column="amount"))
    with pytest.raises(ValueError, match=r"^scores, rule flags, labels and values must have the same length$"):
        HeadToHead(np.array([True, False]), np.array([True]), np.array([True, False]), np.ones(2))
