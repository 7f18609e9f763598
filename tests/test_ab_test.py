"""A/B sizing: the normal formula checked by hand, against statsmodels and by simulation; the exact
test's power against a plain loop over scipy's Fisher test and by simulation; what each demo's
test can count."""

import math
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import binom, fisher_exact
from statsmodels.stats.proportion import power_proportions_2indep, samplesize_proportions_2indep_onetail

from proofdeck.comparison.ab_test import (
    EXACT,
    NORMAL,
    ab_test_for,
    ab_test_size,
    counted_rates,
    exact_power,
    normal_size,
)
from proofdeck.data.spec import CATCHES, CONVERTS, PREVENTS, Economics, Nouns
from proofdeck.decisions.outcomes import outcome_of_flags

NOUNS = Nouns(
    entity="transaction",
    entities="transactions",
    positive="fraud",
    positives="frauds",
    positive_meaning="is fraudulent",
    action="manual review",
    actions="manual reviews",
    act="manually review",
    score="fraud risk",
    won="fraud stopped",
    won_plural="frauds stopped",
)
CHURN = Nouns(
    entity="customer", entities="customers", positive="churner", positives="churners",
    positive_meaning="will cancel within 90 days", action="retention offer", actions="retention offers",
    act="send a retention offer to", score="churn risk", won="customer kept", won_plural="customers kept",
)
LEADS = Nouns(
    entity="lead", entities="leads", positive="buyer", positives="buyers",
    positive_meaning="will become a paying customer within 60 days", action="sales call", actions="sales calls",
    act="call", score="chance to buy", won="customer acquired", won_plural="customers acquired",
)


# --- references written independently of the package ----------------------------------------------


def fisher_power_by_loop(n: int, p1: float, p2: float, alternative: str = "two-sided") -> float:
    """Exact power of Fisher's test, table by table with scipy's own test: a plain double loop."""
    power = 0.0
    for a in range(n + 1):
        for b in range(n + 1):
            if fisher_exact([[a, n - a], [b, n - b]], alternative=alternative).pvalue <= 0.05:
                power += binom.pmf(a, n, p1) * binom.pmf(b, n, p2)
    return power


def fisher_power_against_zero(n: int, p: float) -> float:
    """The same when the first arm's rate is 0 (it always counts 0): one loop is enough."""
    return sum(binom.pmf(b, n, p) for b in range(n + 1) if fisher_exact([[0, n], [b, n - b]]).pvalue <= 0.05)


def simulated_fisher_power(n: int, p1: float, p2: float, runs: int, seed: int) -> float:
    """Share of simulated tests (two arms of n) that Fisher's test finds significant at 5%."""
    rng = np.random.default_rng(seed)
    rejected = 0
    for _ in range(runs):
        a, b = rng.binomial(n, p1), rng.binomial(n, p2)
        rejected += fisher_exact([[a, n - a], [b, n - b]]).pvalue <= 0.05
    return rejected / runs


# --- the normal formula ------------------------------------------------------------------------------


def test_ten_against_fifteen_percent_needs_686_per_arm():
    # The classic calculator case, by hand (Fleiss, pooled variance, no continuity correction):
    #   z_a = z(0.975) = 1.959964, z_b = z(0.80) = 0.841621
    #   pbar = 0.125, sqrt(2 * 0.125 * 0.875) = sqrt(0.21875) = 0.467707 -> z_a * it = 0.916689
    #   sqrt(0.10 * 0.90 + 0.15 * 0.85) = sqrt(0.2175) = 0.466369 -> z_b * it = 0.392506
    #   n = (0.916689 + 0.392506)^2 / 0.05^2 = 1.713992 / 0.0025 = 685.6 -> 686 per arm
    # (Chow, Shao & Wang's unpooled version gives 683; with Fleiss's continuity correction, 726.)
    size = ab_test_size(0.10, 0.15)
    assert size.per_arm == 686 and size.method == NORMAL  # 68.6 expected in the smallest cell: normal
    assert size.alpha == 0.05 and size.power == 0.8 and size.two_sided


# The demos' own counted rates are among them: churn offered 44.7 vs held back 63.8 in 100, churn
# after the offer 30.5 vs 44.7 (rule vs model), leads' customers acquired 14.6 vs 22.3.
STATSMODELS_CASES = [(0.10, 0.15), (0.30, 0.45), (0.50, 0.55), (0.029, 0.061), (0.0, 0.1),
                     (0.638474, 0.446932), (0.305307, 0.446932), (0.145556, 0.223333)]


@pytest.mark.parametrize(("rate_a", "rate_b"), STATSMODELS_CASES)
def test_normal_formula_agrees_with_statsmodels(rate_a, rate_b):
    # statsmodels' samplesize_proportions_2indep_onetail is the same formula (pooled variance under
    # the null, unpooled under the alternative), written independently: they agree to 1e-12.
    expected = samplesize_proportions_2indep_onetail(rate_b - rate_a, rate_a, 0.8, alpha=0.05,
                                                     alternative="two-sided")
    assert normal_size(rate_a, rate_b) == pytest.approx(expected, rel=1e-12)
    assert ab_test_size(rate_a, rate_b, method=NORMAL).per_arm == math.ceil(expected)
    # And statsmodels' own power function (which adds the far tail) gives the rounded-up size 80%
    # power and not much more (churn's 104.9997 rounds to 105; at 104 the far tail lifts it to 80.00006%).
    n = ab_test_size(rate_a, rate_b, method=NORMAL).per_arm
    power = power_proportions_2indep(rate_b - rate_a, rate_a, n, alternative="two-sided", return_results=False)
    below = power_proportions_2indep(rate_b - rate_a, rate_a, n - 1, alternative="two-sided", return_results=False)
    assert below < 0.8 + 1e-5 and 0.8 <= power + 1e-12 < 0.81


@pytest.mark.parametrize(("rate_a", "rate_b"), [(0.10, 0.15), (0.029, 0.061)])
def test_normal_size_gives_the_stated_power_in_simulated_tests(rate_a, rate_b):
    # Run 20,000 simulated A/B tests of the normal formula's size with the pooled two-proportion
    # z-test: about 80% of them must find the difference, and about 5% when there is none.
    n = int(ab_test_size(rate_a, rate_b, method=NORMAL).per_arm)
    rng = np.random.default_rng(7)
    z_crit = 1.959964

    def rejection_rate(p_a: float, p_b: float) -> float:
        a, b = rng.binomial(n, p_a, 20_000), rng.binomial(n, p_b, 20_000)
        pooled = (a + b) / (2 * n)
        z = (b - a) / n / np.sqrt(pooled * (1 - pooled) * 2 / n)
        return float(np.mean(np.abs(z) > z_crit))

    assert rejection_rate(rate_a, rate_b) == pytest.approx(0.80, abs=0.02)
    assert rejection_rate(rate_a, rate_a) == pytest.approx(0.05, abs=0.01)


# --- the exact test ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("n", "rate_a", "rate_b"), [(12, 0.2, 0.6), (15, 0.0, 0.3), (20, 0.05, 0.4), (10, 0.9, 0.5)])
def test_exact_power_is_fishers_test_table_by_table(n, rate_a, rate_b):
    assert exact_power(n, rate_a, rate_b) == pytest.approx(fisher_power_by_loop(n, rate_a, rate_b), abs=1e-12)
    assert exact_power(n, rate_b, rate_a) == pytest.approx(exact_power(n, rate_a, rate_b), abs=1e-15)


def test_one_sided_exact_power_is_fishers_one_sided_test():
    # scipy's "less": the first row's odds are lower, i.e. the first arm (the lower rate) has fewer.
    expected = fisher_power_by_loop(15, 0.1, 0.45, alternative="less")
    assert exact_power(15, 0.1, 0.45, two_sided=False) == pytest.approx(expected, abs=1e-12)
    assert expected > fisher_power_by_loop(15, 0.1, 0.45)


def test_exact_test_never_rejects_more_than_5_percent_when_there_is_no_difference():
    for n, rate in ((10, 0.3), (40, 0.05), (200, 0.01)):
        assert 0 < exact_power(n, rate, rate) <= 0.05


def test_a_rate_of_zero_against_ten_percent_is_sized_exactly():
    # The normal formula says 74 per arm, but the first arm can only ever count 0: Fisher's test
    # needs 78, the first size whose power (by scipy's test, one table at a time) reaches 80%.
    assert math.ceil(normal_size(0.0, 0.1)) == 74
    size = ab_test_size(0.0, 0.1)
    assert size.method == EXACT and size.per_arm == 78
    assert fisher_power_against_zero(77, 0.1) < 0.8 <= fisher_power_against_zero(78, 0.1)
    assert size.power_reached == pytest.approx(fisher_power_against_zero(78, 0.1), abs=1e-12)


def test_rates_of_zero_and_one_need_four_per_arm():
    # 0 of 3 against 3 of 3: Fisher's p = 2 / C(6, 3) = 0.1; 0 of 4 against 4 of 4: 2 / C(8, 4) =
    # 0.029, below 5%, and certain with rates of 0 and 1.
    size = ab_test_size(0.0, 1.0)
    assert size.method == EXACT and size.per_arm == 4 and size.power_reached == pytest.approx(1.0)


def test_leads_hold_back_size_is_the_first_with_80_percent_power_by_scipys_test():
    # Leads: the model's calls acquire 37.2 x 60% = 22.3 in 100; held back, none.
    size = ab_test_size(0.0, 0.22333333333333333)
    assert size.method == EXACT and size.per_arm == 34
    assert fisher_power_against_zero(33, 0.22333333333333333) < 0.8 <= fisher_power_against_zero(34, 0.22333333333333333)


@pytest.mark.parametrize(("rate_a", "rate_b"), [(0.061273, 0.009191), (0.0, 0.223333)])
def test_exact_size_gives_its_power_in_simulated_fisher_tests(rate_a, rate_b):
    # Fraud held back (6.13 in 100 get through) against reviewed (0.919 in 100), and leads: 3,000
    # simulated tests of that size run through scipy's Fisher test find the difference about as
    # often as the power says (Monte Carlo error about 0.7 points; allowed 2.5).
    size = ab_test_size(rate_a, rate_b)
    assert size.method == EXACT
    simulated = simulated_fisher_power(int(size.per_arm), rate_a, rate_b, runs=3000, seed=11)
    assert simulated == pytest.approx(size.power_reached, abs=0.025)
    assert simulated >= 0.8 - 0.025


def test_exact_is_used_only_where_few_outcomes_are_expected():
    assert ab_test_size(0.30, 0.45).method == NORMAL  # 163 per arm, 49 expected in the fewest cell
    assert ab_test_size(0.029, 0.061).method == EXACT  # 658 per arm, only 19 frauds in the rule's arm
    assert ab_test_size(0.971, 0.939).method == EXACT  # the same, counting the non-outcomes
    assert ab_test_size(0.029, 0.061, method=NORMAL).per_arm == 658


@pytest.mark.parametrize("target", [0.7, 0.8, 0.9])
def test_exact_size_grows_with_the_power_asked(target):
    smaller = ab_test_size(0.0, 0.2, power=target, method=EXACT)
    larger = ab_test_size(0.0, 0.2, power=target + 0.05, method=EXACT)
    assert smaller.per_arm <= larger.per_arm and smaller.power_reached >= target


# --- sentences, durations, refusals -------------------------------------------------------------------


def test_equal_rates_cannot_be_told_apart():
    size = ab_test_size(0.2, 0.2, share_acted=0.1, per_period=10_000, period="month")
    assert not size.detectable
    assert math.isinf(size.per_arm) and math.isinf(size.examples_per_arm)
    assert math.isnan(size.periods)


@pytest.mark.parametrize("rate", [0.0, 1.0])
def test_equal_rates_at_the_edges_cannot_be_told_apart(rate):
    assert not ab_test_size(rate, rate).detectable


def test_traffic_and_duration_follow_the_budget():
    # 686 per arm when each arm acts on 10% of its traffic: 6,860 per arm, 13,720 in all, which
    # at 1,000 a month is 13.72 months.
    size = ab_test_size(0.10, 0.15, share_acted=0.1, per_period=1000, period="month")
    assert size.examples_per_arm == 6860 and size.total_examples == 13720
    assert size.periods == pytest.approx(13.72)


def test_without_population_no_duration_is_claimed():
    assert math.isnan(ab_test_size(0.10, 0.15).periods)


def test_one_sided_needs_fewer():
    # One-sided uses z(0.95) = 1.644854 instead of 1.959964.
    assert ab_test_size(0.10, 0.15, two_sided=False).per_arm < 686


@pytest.mark.parametrize(
    "arguments",
    [
        {"rate_a": 1.2, "rate_b": 0.1},
        {"rate_a": -0.1, "rate_b": 0.1},
        {"rate_a": float("nan"), "rate_b": 0.1},
        {"rate_a": "a lot", "rate_b": 0.1},
        {"rate_a": 0.1, "rate_b": 0.2, "share_acted": 0.0},
        {"rate_a": 0.1, "rate_b": 0.2, "share_acted": 1.5},
        {"rate_a": 0.1, "rate_b": 0.2, "alpha": 0.0},
        {"rate_a": 0.1, "rate_b": 0.2, "power": 1.0},
        {"rate_a": 0.1, "rate_b": 0.2, "per_period": -5},
        {"rate_a": 0.1, "rate_b": 0.2, "method": "bayes"},
    ],
)
def test_impossible_inputs_are_refused(arguments):
    with pytest.raises(ValueError):
        ab_test_size(**arguments)


rates = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)


@settings(deadline=None)
@given(rates, rates)
def test_size_is_symmetric_and_finite_for_distinct_rates(p1, p2):
    size = ab_test_size(p1, p2)
    assert size.per_arm == ab_test_size(p2, p1).per_arm
    if p1 == p2:
        assert not size.detectable
    elif abs(p1 - p2) > 1e-100:  # closer rates overflow: no test could ever separate them
        assert size.detectable and size.per_arm >= 1


@given(rates, rates, st.floats(min_value=0.5, max_value=0.95), st.floats(min_value=0.01, max_value=0.1))
def test_more_power_or_less_risk_never_needs_fewer_by_the_normal_formula(p1, p2, power, alpha):
    # (Across the switch to the exact test the sizes come from two methods; each is checked alone.)
    def size(**changes):
        return ab_test_size(p1, p2, **({"power": power, "alpha": alpha, "method": NORMAL} | changes)).per_arm

    assert size(power=min(power + 0.04, 0.99)) >= size()
    assert size(alpha=alpha / 2) >= size()


# --- what each demo's test can count ------------------------------------------------------------------


def test_counted_rates_follow_what_the_action_does():
    # Hit rate 0.6, win rate 0.25: (held back, given the action, counted in rule vs model).
    assert counted_rates(0.6, 0.25, PREVENTS) == pytest.approx((0.6, 0.45, 0.45))  # churn seen after the offer
    assert counted_rates(0.6, 0.25, CATCHES) == pytest.approx((0.6, 0.45, 0.6))  # stopped or charged back
    assert counted_rates(0.6, 0.25, CONVERTS) == pytest.approx((0.0, 0.15, 0.15))  # only the won buy
    with pytest.raises(ValueError):
        counted_rates(0.6, 0.25, "cures")


def same_budget_outcomes(economics: Economics):
    # 100 held-out examples; both act on 10. The rule reaches 2 (hit rate 20%), the model 5 (50%).
    labels = np.zeros(100, dtype=bool)
    labels[[0, 1, 20, 21, 22, 23, 24]] = True
    rule_flags, model_flags = np.zeros(100, dtype=bool), np.zeros(100, dtype=bool)
    rule_flags[[0, 1] + list(range(2, 10))] = True
    model_flags[[20, 21, 22, 23, 24] + list(range(30, 35))] = True
    values = np.ones(100)
    return (outcome_of_flags(rule_flags, labels, values, economics),
            outcome_of_flags(model_flags, labels, values, economics))


@pytest.mark.parametrize(("effect", "hold_back", "versus"), [
    (PREVENTS, (0.5, 0.3), (0.12, 0.3)),  # churn: 50% held back, 50% x 60% offered; 20% x 60% vs 50% x 60%
    (CATCHES, (0.5, 0.3), (0.2, 0.5)),  # fraud: every fraud is seen in rule vs model
    (CONVERTS, (0.0, 0.2), (0.08, 0.2)),  # leads: 50% x 40% acquired when called, none held back
])
def test_both_tests_are_sized_on_what_can_be_counted(effect, hold_back, versus):
    economics = Economics(cost_per_action=1, value_per_won=10, win_rate=0.4, population=1000, period="month",
                          action_effect=effect)
    size = ab_test_for(*same_budget_outcomes(economics), economics)
    assert (size.rule_hit_rate, size.model_hit_rate, size.win_rate) == (0.2, 0.5, 0.4)
    assert (size.hold_back.rate_a, size.hold_back.rate_b) == pytest.approx(hold_back)
    assert (size.versus.rate_a, size.versus.rate_b) == pytest.approx(versus)
    for test, rates in ((size.hold_back, hold_back), (size.versus, versus)):
        assert test.per_arm == ab_test_size(*rates).per_arm
        assert test.share_acted == 0.1 and test.examples_per_arm == math.ceil(test.per_arm / 0.1 - 1e-9)
        assert test.periods == pytest.approx(2 * test.examples_per_arm / 1000)


def test_rule_that_acts_on_nobody_has_nothing_to_test():
    labels = np.array([True, False, False, False])
    economics = Economics(cost_per_action=1, value_per_won=10)
    nobody = outcome_of_flags(np.zeros(4, dtype=bool), labels, np.ones(4), economics)
    somebody = outcome_of_flags(np.array([True, False, False, False]), labels, np.ones(4), economics)
    with pytest.raises(ValueError, match="acts on nobody"):
        ab_test_for(nobody, somebody, economics)


def plan(effect: str, win_rate: float = 0.3):
    economics = Economics(cost_per_action=1, value_per_won=10, win_rate=win_rate, population=40_000,
                          period="quarter", action_effect=effect)
    return ab_test_for(*same_budget_outcomes(economics), economics)


def test_churn_sentences_say_offer_or_hold_back_and_what_is_counted():
    hold_back, versus = plan(PREVENTS).sentences(CHURN)
    assert hold_back.startswith("Retention offer or not, among the customers the model picks: give half of them "
                                "a retention offer and hold the other half back, then count the churners")
    # 50 in 100 held back; offered, 50 x 70% = 35 in 100.
    assert "wins 30% of the churners it reaches, as the money assumes, that is 35 in 100 against 50 in 100" in hold_back
    assert "At 5% significance (two-sided) and 80% power, each half needs about" in hold_back
    assert "churners seen after the retention offer, the only ones a test can see" in versus
    # After the offer: 50 x 70% = 35 in 100 for the model, 20 x 70% = 14 in 100 for the rule.
    assert "35 in 100 for the model against 14 in 100 for today's rule" in versus and "each arm needs about" in versus


def test_fraud_counts_what_gets_through_and_what_is_found():
    hold_back, versus = plan(CATCHES, 0.85).sentences(NOUNS)
    assert "count the frauds that get through in each half" in hold_back
    assert "7.5 in 100 against 50 in 100 for those held back" in hold_back
    assert "counting the frauds found, stopped by the manual review or showing later: 50 in 100" in versus


def test_leads_say_the_money_counts_nothing_without_a_call():
    size = plan(CONVERTS, 0.6)
    hold_back, versus = size.sentences(LEADS)
    assert "count the customers acquired in each half" in hold_back
    assert "30 in 100 against none for those held back (the money counts nothing from leads with no sales call" in hold_back
    assert size.hold_back.method == EXACT and "Sized with an exact test" in hold_back
    assert "counting the customers acquired, the only buyers a test can see" in versus


def test_short_test_is_given_as_a_share_of_a_period():
    size = plan(PREVENTS)
    # Hold back: arms of n picks, each from n / 0.1 customers; 40,000 a quarter.
    assert size.hold_back.periods == pytest.approx(2 * math.ceil(size.hold_back.per_arm / 0.1) / 40_000)
    assert "under one quarter of traffic (about" in size.sentence(CHURN)


def test_model_worse_than_rule_is_said_plainly():
    economics = Economics(cost_per_action=1, value_per_won=10, win_rate=0.3, action_effect=PREVENTS)
    rule, model = same_budget_outcomes(economics)
    text = ab_test_for(model, rule, economics).sentences(CHURN)[1]  # swapped: the "model" is worse
    assert "less often than today's rule" in text and "none can show it better" in text
    assert "of traffic" not in text  # no population, no duration


def test_an_action_that_wins_every_positive_leaves_nothing_to_count_after_it():
    size = plan(PREVENTS, 1.0)
    assert not size.versus.detectable and size.hold_back.detectable
    assert "no churners seen after the retention offer are left to count" in size.sentences(CHURN)[1]


def test_churn_sentences_in_full_with_their_numbers_worked_by_hand():
    """Both act on 10 of 100 held-out customers, 40,000 a quarter; the model's hit rate 50%, the
    rule's 20%, an offer wins 30%. Offer or hold back: 50 x 70% = 35 against 50 in 100; the normal
    formula (1.96 sqrt(2 x 0.425 x 0.575) + 0.8416 sqrt(0.5 x 0.5 + 0.35 x 0.65))^2 / 0.15^2 = 169.04
    gives 170 a half, 340 in all, picked from 340 / 10% = 3,400 customers, 8.5% of a quarter's
    40,000. Model or rule, counted after the offer: 35 against 14 in 100; the exact test needs 73
    offers an arm, 730 customers an arm, 1,460 in all (3.65% of a quarter, shown as 3.6%)."""
    size = plan(PREVENTS)
    hold_back, versus = size.sentences(CHURN)
    assert hold_back == (
        "Retention offer or not, among the customers the model picks: give half of them a retention offer and hold "
        "the other half back, then count the churners in each half. If a retention offer wins 30% of the churners it "
        "reaches, as the money assumes, that is 35 in 100 against 50 in 100 for those held back. At 5% significance "
        "(two-sided) and 80% power, each half needs about 170 customers, 340 in all, picked from 3,400 customers, "
        "under one quarter of traffic (about 8.5% of a quarter), plus the time the outcomes take to show.")
    assert versus == (
        "To confirm that the model's retention offers reach churners more often (counting the churners seen after "
        "the retention offer, the only ones a test can see: 35 in 100 for the model against 14 in 100 for today's "
        "rule) at 5% significance (two-sided) and 80% power, each arm needs about 73 retention offers, that is 730 "
        "customers per arm and 1,460 in all, under one quarter of traffic (about 3.6% of a quarter), plus the time "
        "the outcomes take to show. (Sized with an exact test: so few churners seen after the retention offer are "
        f"expected that the usual formula would misjudge it; it reaches {size.versus.power_reached:.1%} power.)")
    assert size.sentence(CHURN) == hold_back + " " + versus
    assert size.labelled(CHURN) == (("The test that settles the money", hold_back),
                                    ("Which picks better, the model or today's rule", versus))
    one_sided = replace(size, hold_back=replace(size.hold_back, two_sided=False))
    assert "At 5% significance (one-sided) and 80% power" in one_sided.sentences(CHURN)[0]


def test_without_a_population_the_sentences_claim_no_duration():
    economics = Economics(cost_per_action=1, value_per_won=10, win_rate=0.3, action_effect=PREVENTS)
    hold_back, versus = ab_test_for(*same_budget_outcomes(economics), economics).sentences(CHURN)
    assert hold_back.endswith("each half needs about 170 customers, 340 in all, picked from 3,400 customers.")
    assert "1,460 in all. (Sized with an exact test" in versus


def test_the_normal_sizes_power_is_the_textbook_formula():
    """Power of two arms of n at 5%: Phi((|p1 - p2| sqrt(n) - z sqrt(2 pbar (1 - pbar))) /
    sqrt(p1 (1 - p1) + p2 (1 - p2))), z = 1.959964 two-sided or 1.644854 one-sided (scipy's
    normal distribution, not the package's); 686 per arm for 10% against 15% gives 80%."""
    from scipy.stats import norm

    from proofdeck.comparison.ab_test import _normal_power

    def textbook(n, p1, p2, z):
        pbar = (p1 + p2) / 2
        return norm.cdf((abs(p1 - p2) * math.sqrt(n) - z * math.sqrt(2 * pbar * (1 - pbar)))
                        / math.sqrt(p1 * (1 - p1) + p2 * (1 - p2)))

    for n, p1, p2 in [(686, 0.10, 0.15), (120, 0.5, 0.35), (50, 0.3, 0.05)]:
        assert _normal_power(n, p1, p2, 0.05, True) == pytest.approx(textbook(n, p1, p2, norm.ppf(0.975)), abs=1e-9)
        assert _normal_power(n, p1, p2, 0.05, False) == pytest.approx(textbook(n, p1, p2, norm.ppf(0.95)), abs=1e-9)
    assert _normal_power(686, 0.10, 0.15, 0.05, True) == pytest.approx(0.80, abs=0.001)
    assert _normal_power(10, 0.0, 1.0, 0.05, True) == 1.0  # no spread at all: certain
    assert math.isnan(_normal_power(10, 0.0, 0.0, 0.05, True))
