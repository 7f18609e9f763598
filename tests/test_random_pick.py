"""Without a rule the baseline is a random pick, as its expectation: checked against plain loops.

Every expected value here comes from enumerating every possible pick (itertools.combinations)
or from the hypergeometric formula written out, never from the code under test.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from proofdeck.comparison.compare import same_reach
from proofdeck.comparison.gains import gains_point
from proofdeck.comparison.policies import agreement
from proofdeck.comparison.segments import segment_table
from proofdeck.comparison.sensitivity import HeadToHead
from proofdeck.data.spec import Economics
from proofdeck.decisions.bootstrap import bootstrap_outcomes
from proofdeck.decisions.outcomes import as_flags, outcome_of_flags, policy_size, policy_weights
from proofdeck.decisions.random_pick import RandomPick, random_pick_weights
from proofdeck.explanation.stories import pick_stories

# Eight examples, three positives worth 10, 40 and 70; a random pick of 3.
LABELS = np.array([1, 0, 0, 1, 0, 1, 0, 0], dtype=bool)
VALUES = np.array([10.0, 5.0, 5.0, 40.0, 5.0, 70.0, 5.0, 5.0])
N, K = LABELS.size, 3
VALUE_ECON = Economics(cost_per_action=1.0, win_rate=0.5, value_column="amount")  # value won = half the value


def every_pick(n: int = N, k: int = K):
    return [np.isin(np.arange(n), pick) for pick in itertools.combinations(range(n), k)]


def test_a_random_picks_expected_reach_and_value_are_the_average_over_every_pick():
    picks = every_pick()  # C(8, 3) = 56 equally likely picks
    reached = np.mean([(pick & LABELS).sum() for pick in picks])
    value = np.mean([VALUES[pick & LABELS].sum() for pick in picks])
    assert reached == pytest.approx(K * 3 / N)  # k * P / n = 3 * 3 / 8 = 1.125
    assert value == pytest.approx(K / N * (10 + 40 + 70))  # each positive is picked with chance 3 / 8: 45
    expected = outcome_of_flags(random_pick_weights(N, K), LABELS, VALUES, VALUE_ECON)
    assert expected.actions == pytest.approx(3)
    assert expected.reached == pytest.approx(reached)
    assert expected.value_won == pytest.approx(0.5 * value)
    assert expected.spend == pytest.approx(3 * 1.0)
    assert expected.net_value == pytest.approx(0.5 * value - 3)


def test_the_spread_of_one_pick_is_hypergeometric():
    reached = np.array([(pick & LABELS).sum() for pick in every_pick()])
    pick = RandomPick(examples=N, picked=K, positives=3)
    assert pick.mean == pytest.approx(reached.mean())
    assert pick.sd == pytest.approx(reached.std())  # every pick counted once: the population SD
    # The middle 95%: the smallest count with at least 2.5% of picks at or below it, and the
    # smallest with at least 97.5%. Counts of picks reaching 0..3: 10, 30, 15, 1 of 56.
    shares = np.cumsum(np.bincount(reached, minlength=4)) / reached.size
    assert pick.typical() == (int(np.argmax(shares >= 0.025)), int(np.argmax(shares >= 0.975)))
    assert pick.typical() == (0, 2)


def test_the_spread_matches_the_formula_at_a_realistic_size():
    # 1,000 of 10,000 held out, 934 positives: mean 93.4; variance 1000 * 0.0934 * 0.9066 * 9000 / 9999.
    pick = RandomPick(examples=10_000, picked=1_000, positives=934)
    assert pick.mean == pytest.approx(93.4)
    assert pick.sd == pytest.approx(math.sqrt(1000 * 0.0934 * 0.9066 * 9000 / 9999))
    low, high = pick.typical()
    assert low < 93.4 - 1.5 * pick.sd and high > 93.4 + 1.5 * pick.sd and high - low < 4.2 * pick.sd


def test_the_model_against_a_random_pick_is_paired_resample_by_resample():
    """A worked example: 10 examples, 2 positives, a pick of 2, and fixed flags on the model's top 2
    (the positives). In a resample with P_b positives drawn, those flags reach all P_b and a random
    pick of 2 of 10 reaches 2 * P_b / 10 on average."""
    labels = np.array([1, 1, 0, 0, 0, 0, 0, 0, 0, 0], dtype=bool)
    scores = np.linspace(1.0, 0.1, 10)
    values = np.ones(10)
    econ = Economics(cost_per_action=1.0, value_per_won=10.0)
    random = random_pick_weights(10, 2)
    boot = bootstrap_outcomes({"random": random, "model": scores >= 0.9}, labels, values, econ, resamples=20_000)
    drawn = boot["random"]["reached"] + boot["random"]["missed"]  # positives in each resample
    np.testing.assert_allclose(boot["random"]["reached"], 2 * drawn / 10)
    np.testing.assert_allclose(boot["model"]["reached"], drawn)
    np.testing.assert_allclose(boot["random"]["actions"], 2.0)  # a pick of 2 in every resample
    # The same-budget comparison gives the model the pick's budget in every resample instead:
    # tests/test_intervals.py checks it resample by resample on this example.


def test_same_reach_gains_and_segments_use_the_random_picks_average():
    scores = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2])
    random = random_pick_weights(N, K)
    econ = Economics(cost_per_action=1.0, value_per_won=10.0)
    reach = same_reach(scores, random, LABELS, VALUES, econ)
    assert reach.target == pytest.approx(1.125)  # 3 * 3 / 8
    # Scores fall with the position, so the model's top 1, 2, 3, 4 reach 1, 1, 1, 2 positives:
    # more than 1.125 needs its top 4.
    assert reach.model_count == 4 and reach.rule_count == 3
    assert gains_point(random, LABELS) == pytest.approx((3 / 8, 3 / 8))
    segments = np.array(["a", "a", "a", "a", "b", "b", "b", "b"])
    table = segment_table(segments, scores, random, LABELS, VALUES, econ).set_index("segment")
    # Each half holds 4 of 8: a random pick of 3 sends 1.5 to each; "a" holds 2 positives, "b" 1.
    assert table.loc["a", "rule_actions"] == pytest.approx(1.5)
    assert table.loc["a", "rule_reached"] == pytest.approx(3 / 8 * 2)
    assert table.loc["b", "rule_reached"] == pytest.approx(3 / 8 * 1)
    assert table["model_actions"].sum() == pytest.approx(3)
    contest = HeadToHead(scores >= 0.7, random, LABELS, VALUES)
    # Model: 3 actions, 1 reached (net 10 - 3 = 7); random: 3 actions, 1.125 reached (11.25 - 3).
    assert contest.net_difference(econ) == pytest.approx(7 - 8.25)


def test_weights_are_chances_and_have_no_decision_for_any_one_example():
    random = random_pick_weights(N, K)
    assert policy_size(random) == K
    np.testing.assert_array_equal(policy_weights(np.array([True, False])), [1.0, 0.0])
    with pytest.raises(ValueError, match="between 0 and 1"):
        policy_weights(np.array([0.5, 1.5]))
    with pytest.raises(ValueError, match="random pick"):
        as_flags(random)
    with pytest.raises(ValueError, match="random pick"):
        agreement(random, np.ones(N, dtype=bool), LABELS)
    with pytest.raises(ValueError, match="random pick"):
        pick_stories(LABELS, np.ones(N, dtype=bool), random)
