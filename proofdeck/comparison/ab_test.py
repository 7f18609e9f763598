"""A/B test sizing: how long must rule and model run side by side to tell their hit rates apart?

In the test, traffic is split in two arms of equal size: one arm acts on whom today's rule
flags, the other on the model's top picks, with the same share of examples acted on (the same
budget). What is compared is the hit rate, the share of actions that reach a positive. The
size comes from the standard two-proportion formula with the pooled variance under the null
hypothesis and no continuity correction (Fleiss, Levin & Paik, *Statistical Methods for Rates
and Proportions*, 3rd ed., 2003, section 4.2; the same formula as most online calculators)::

    n = (z_a * sqrt(2 * pbar * (1 - pbar)) + z_b * sqrt(p1 (1 - p1) + p2 (1 - p2)))^2 / (p1 - p2)^2

where pbar = (p1 + p2) / 2, z_a is the normal quantile for the significance (1 - alpha/2 when
two-sided) and z_b the one for the power. ``n`` counts actions per arm; the traffic per arm is
``n / share acted`` and, with a population per period, the test lasts ``2 * traffic / population``
periods when all traffic takes part, plus however long the outcomes take to show (a churner
cancels within 90 days, a chargeback arrives weeks later).

The test is powered for the hit rate, not for money: where positives differ in value (fraud
amounts are skewed), showing a difference in value won needs more traffic than this.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

from proofdeck.data.spec import Economics, Nouns
from proofdeck.decisions.outcomes import Outcome
from proofdeck.words.wording import TODAYS_RULE, Baseline, count, share

DEFAULT_ALPHA = 0.05
DEFAULT_POWER = 0.8


@dataclass(frozen=True)
class ABTestSize:
    """How big an A/B test of rule against model must be.

    Attributes
    ----------
    rule_rate, model_rate : the hit rates the test must tell apart (share of actions that reach
        a positive), today's rule's and the model's expected one at the same budget.
    alpha : significance: the chance of declaring a difference when there is none.
    power : the chance of detecting the difference if it is as large as expected.
    two_sided : whether a difference in either direction counts (the default, and the fair one:
        the test may also show the model to be worse).
    share_acted : share of the traffic each arm acts on (the budget).
    actions_per_arm : actions whose outcome must be observed in each arm (inf when the rates
        are equal: no test can separate them).
    examples_per_arm : traffic each arm needs to produce that many actions.
    periods : how many periods of all traffic the test takes (NaN without a population).
    period : the name of the period ("month").
    """

    rule_rate: float
    model_rate: float
    alpha: float
    power: float
    two_sided: bool
    share_acted: float
    actions_per_arm: float
    examples_per_arm: float
    periods: float
    period: str

    @property
    def detectable(self) -> bool:
        """False when the two rates are equal, so no test of any size can tell them apart."""
        return math.isfinite(self.actions_per_arm)

    @property
    def model_better(self) -> bool:
        return self.model_rate > self.rule_rate

    @property
    def total_examples(self) -> float:
        """Traffic in both arms together."""
        return 2 * self.examples_per_arm

    def sentence(self, nouns: Nouns | None = None, against: Baseline = TODAYS_RULE) -> str:
        """What the test needs, in plain words and the demo's nouns when given; ``against``
        names the other arm (today's rule, or a random pick when there is no rule)."""
        actions = nouns.actions if nouns else "actions"
        entities = nouns.entities if nouns else "examples"
        positives = nouns.positives if nouns else "positives"
        rates = f"{_rate(self.model_rate)} for the model against {_rate(self.rule_rate)} for {against.name}"
        if not self.detectable:
            return (
                f"The model and {against.name} are expected to reach {positives} equally often "
                f"({_rate(self.rule_rate)} of {actions}), so no A/B test of any size can tell "
                "them apart; there is nothing to test on this measure."
            )
        sides = "two-sided" if self.two_sided else "one-sided"
        confidence = f"at {_percent(self.alpha)} significance ({sides}) and {_percent(self.power)} power"
        size = (
            f"each arm needs about {count(self.actions_per_arm)} {actions}, that is "
            f"{count(self.examples_per_arm)} {entities} per arm and {count(self.total_examples)} "
            "in all"
        )
        duration = _duration(self.periods, self.period)
        if self.model_better:
            opening = f"To confirm that the model's {actions} reach {positives} more often ({rates})"
            return f"{opening} {confidence}, {size}{duration}."
        return (
            f"The model is expected to reach {positives} less often than {against.name} ({rates}): "
            f"a test {confidence} would need about {count(self.actions_per_arm)} {actions} per "
            f"arm ({count(self.total_examples)} {entities} in all{duration}) to show that it is "
            "worse, and none can show it better."
        )


def _rate(rate: float) -> str:
    """A hit rate as "6.1 in 100" (people read rare rates better per hundred than as %)."""
    return f"{rate * 100:.3g} in 100"


def _percent(value: float) -> str:
    """5%, 80%, 2.5%: a setting as people write it (no padding zeros)."""
    return f"{value * 100:.3g}%"


def _duration(periods: float, period: str) -> str:
    if not math.isfinite(periods):
        return ""
    wait = ", plus the time the outcomes take to show"
    if periods < 1:
        return f", under one {period} of traffic (about {share(periods)} of a {period}){wait}"
    plural = period if period.endswith("s") else f"{period}s"
    return f", about {periods:.1f} {plural} of traffic{wait}"


def _rate_value(name: str, rate: float) -> float:
    try:
        value = float(rate)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a share between 0 and 1, not {rate!r}") from None
    if not 0.0 <= value <= 1.0:  # also refuses NaN
        raise ValueError(f"{name} must be a share between 0 and 1, not {rate!r}")
    return value


def _z(probability: float) -> float:
    return NormalDist().inv_cdf(probability)


def ab_test_size(
    rule_rate: float,
    model_rate: float,
    share_acted: float = 1.0,
    per_period: float = 0.0,
    period: str = "period",
    alpha: float = DEFAULT_ALPHA,
    power: float = DEFAULT_POWER,
    two_sided: bool = True,
) -> ABTestSize:
    """Size an A/B test that compares two hit rates, with equal arms.

    Parameters
    ----------
    rule_rate, model_rate : hit rates between 0 and 1 (today's rule's and the model's).
    share_acted : share of the traffic each arm acts on, in (0, 1] (1 when every example in
        an arm is acted on).
    per_period : examples per period in all (0: no duration is given).
    period : the period's name, for the sentence.
    alpha : significance, in (0, 1); 0.05 by default.
    power : power, in (0, 1); 0.8 by default.
    two_sided : two-sided test (default) or one-sided in the direction of the model.

    Returns
    -------
    ABTestSize
        With ``actions_per_arm`` rounded up to a whole action, infinite when the rates are
        equal (or differ by less than about 1e-150, beyond any test). Rates of exactly 0 or 1 are allowed (the formula stays finite as long as the
        two rates differ).

    Raises
    ------
    ValueError
        For a rate outside [0, 1] or not a number, a share acted outside (0, 1], or a
        significance or power outside (0, 1).
    """
    p1, p2 = _rate_value("rule_rate", rule_rate), _rate_value("model_rate", model_rate)
    if not 0.0 < share_acted <= 1.0:
        raise ValueError(f"share_acted must be in (0, 1], not {share_acted!r}")
    for name, value in (("alpha", alpha), ("power", power)):
        if not 0.0 < value < 1.0:
            raise ValueError(f"{name} must be between 0 and 1, not {value!r}")
    if per_period < 0:
        raise ValueError(f"per_period must be 0 or more, not {per_period!r}")
    z_a = _z(1 - alpha / 2) if two_sided else _z(1 - alpha)
    z_b = _z(power)
    pbar = (p1 + p2) / 2
    spread = z_a * math.sqrt(2 * pbar * (1 - pbar)) + z_b * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    try:
        actions = (spread / abs(p1 - p2)) ** 2
    except (ZeroDivisionError, OverflowError):  # equal rates, or too close for any test
        actions = math.inf
    if math.isfinite(actions):
        # Round up, after a tiny tolerance so that 686.0000000001 from float error stays 686.
        actions = float(math.ceil(actions - 1e-9))
    examples = float(math.ceil(actions / share_acted - 1e-9)) if math.isfinite(actions) else math.inf
    periods = 2 * examples / per_period if per_period > 0 and math.isfinite(examples) else math.nan
    return ABTestSize(
        rule_rate=p1,
        model_rate=p2,
        alpha=alpha,
        power=power,
        two_sided=two_sided,
        share_acted=share_acted,
        actions_per_arm=actions,
        examples_per_arm=examples,
        periods=periods,
        period=period,
    )


def ab_test_for(
    rule: Outcome,
    model: Outcome,
    economics: Economics,
    alpha: float = DEFAULT_ALPHA,
    power: float = DEFAULT_POWER,
) -> ABTestSize:
    """Size the A/B test of the pages' same-budget comparison.

    Parameters
    ----------
    rule, model : outcomes of today's rule and of the model's top K at the rule's budget
        (e.g. ``SameBudget.rule`` and ``SameBudget.model``).
    economics : gives the population per period and the period's name.
    alpha, power : significance and power (defaults 0.05 two-sided and 0.8).

    Raises
    ------
    ValueError
        When the rule acts on nobody (there is no hit rate to compare), or as
        :func:`ab_test_size`.
    """
    if not rule.share_acted > 0 or not math.isfinite(rule.hit_rate) or not math.isfinite(model.hit_rate):
        raise ValueError("today's rule acts on nobody, so there is no hit rate to test against")
    return ab_test_size(
        rule.hit_rate,
        model.hit_rate,
        share_acted=rule.share_acted,
        per_period=economics.population,
        period=economics.period,
        alpha=alpha,
        power=power,
    )
