"""A/B test sizing: how big must a test be to see what the money assumes, on what it can count?

The pages' money rests on one assumption no backtest can check: that the action wins a share
``win_rate`` of the positives it reaches. Two tests are sized, both on what a test can actually
count once the action has been taken (a churner the offer keeps simply stays, so nobody sees
that they would have left):

1. **Action or not, among the model's picks** (the test that settles the money): the model picks
   as usual; half of its picks get the action, the other half are held back. What a test counts
   depends on what the action does to the outcome (``Economics.action_effect``, from the spec):

   ============  ==================================  =================  ===================
   effect        counted in each half                held back          given the action
   ============  ==================================  =================  ===================
   prevents      positives (churners)                h                  h (1 - w)
   catches       positives that get through (fraud   h                  h (1 - w)
                 charged back later)
   converts      won (customers acquired)            0 (the money       h w
                                                     counts nothing
                                                     without a call)
   ============  ==================================  =================  ===================

   with h the model's hit rate at the budget and w the win rate: the assumed win rate is the
   effect the test must see. Its unit is the model's picks (half of them get no action).

2. **Today's rule against the model, both acting** (which picks better): each arm acts on its
   own picks at the same budget, and counts among those acted on: the positives seen after the
   action, h (1 - w), when it prevents them; every positive, h, when it catches them (stopped in
   review or showing later); the won ones, h w, when it converts them. Its unit is actions.
   It shows whom each arm picks, not what the action changes (that is test 1).

Both compare two rates of a yes/no outcome in two arms of equal size, at significance ``alpha``
(two-sided by default) and power ``power``. Two methods, chosen by :func:`arms_needed`:

- **Normal formula** (the usual one): the two-proportion formula with the pooled variance under
  the null hypothesis and no continuity correction (Fleiss, Levin & Paik, *Statistical Methods
  for Rates and Proportions*, 3rd ed., 2003, section 4.2; the same as most online calculators
  and statsmodels' ``samplesize_proportions_2indep_onetail``)::

      n = (z_a * sqrt(2 * pbar * (1 - pbar)) + z_b * sqrt(p1 (1 - p1) + p2 (1 - p2)))^2 / (p1 - p2)^2

  where pbar = (p1 + p2) / 2, z_a is the normal quantile for the significance (1 - alpha/2
  when two-sided) and z_b the one for the power.
- **Fisher's exact test** when the normal formula's arms would expect fewer than
  :data:`FEW_EXPECTED` (30) outcomes, or non-outcomes, in either arm: there the normal
  approximation misjudges the power (a rate of 0 in the held-back half, fraud at a few in
  100). The power is computed exactly, summing the two binomial distributions over the tables
  that Fisher's test (two-sided: the p-value sums the tables no more likely than the one seen,
  as ``scipy.stats.fisher_exact`` does) rejects, and the size is the smallest number per arm
  whose power reaches the target, found by bisection. An exact test's power saw-tooths with
  the arm size (one more per arm can lose a point of power), so the power reached is kept
  (``power_reached``). Beyond :data:`EXACT_MAX_PER_ARM` per arm the normal formula is used.

The traffic per arm is ``n / share acted`` (the share of examples the rule, and the model at the
same budget, act on) and, with a population per period, the test lasts ``2 * traffic /
population`` periods when all traffic takes part, plus however long the outcomes take to show
(a churner cancels within 90 days, a chargeback arrives weeks later).

Both tests are powered on counts, not money: where positives differ in value (fraud amounts
are skewed), showing a difference in value won needs more traffic than this.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from functools import lru_cache
from statistics import NormalDist

import numpy as np

from proofdeck.data.spec import CATCHES, CONVERTS, PREVENTS, Economics, Nouns
from proofdeck.decisions.outcomes import Outcome
from proofdeck.words.wording import TODAYS_RULE, Baseline, a, count, share

DEFAULT_ALPHA = 0.05
DEFAULT_POWER = 0.8
NORMAL, EXACT = "normal", "exact"
FEW_EXPECTED = 30  # fewer expected outcomes (or non-outcomes) than this in an arm: Fisher's exact test
EXACT_MAX_PER_ARM = 1_000_000  # beyond it, the normal formula (the exact sums would take too long)
_TIE = 1 + 1e-7  # relative tolerance for "no more likely than" in Fisher's two-sided p-value (as R's)
_TAIL = 1e-15  # binomial tails below this are left out of the exact power (their total is negligible)


@dataclass(frozen=True)
class ArmsSize:
    """How big a test with two equal arms must be to tell two rates of a yes/no outcome apart.

    Attributes
    ----------
    rate_a, rate_b : the rates of the counted outcome the test must tell apart, in the first arm
        (today's rule's, or the held-back half) and the second (the model's, or the half given
        the action).
    alpha : significance: the chance of declaring a difference when there is none.
    power : the chance of detecting the difference if it is as large as expected (the target).
    two_sided : whether a difference in either direction counts (the default, and the fair one).
    share_acted : share of the traffic that enters the arms (the budget).
    per_arm : units whose outcome must be observed in each arm (inf when the rates are equal: no
        test can separate them).
    examples_per_arm : traffic each arm needs to produce that many units.
    periods : how many periods of all traffic the test takes (NaN without a population).
    period : the name of the period ("month").
    method : :data:`NORMAL` (the normal formula) or :data:`EXACT` (Fisher's exact test).
    power_reached : the power at ``per_arm``: the exact power for Fisher's test, the normal
        approximation's otherwise (NaN when not detectable).
    """

    rate_a: float
    rate_b: float
    alpha: float
    power: float
    two_sided: bool
    share_acted: float
    per_arm: float
    examples_per_arm: float
    periods: float
    period: str
    method: str
    power_reached: float

    @property
    def detectable(self) -> bool:
        """False when the two rates are equal, so no test of any size can tell them apart."""
        return math.isfinite(self.per_arm)

    @property
    def b_higher(self) -> bool:
        return self.rate_b > self.rate_a

    @property
    def total_examples(self) -> float:
        """Traffic in both arms together."""
        return 2 * self.examples_per_arm

    @property
    def exact(self) -> bool:
        return self.method == EXACT


@dataclass(frozen=True)
class ABTestSize:
    """The two tests the ask needs, sized at the rule's budget (see the module's docstring).

    Attributes
    ----------
    action_effect : what the action does to the outcome (``Economics.action_effect``).
    win_rate : the assumed share of reached positives the action wins: the effect to detect.
    rule_hit_rate, model_hit_rate : hit rates at the same budget (share of actions that reach
        a positive), today's rule's and the model's.
    hold_back : action or not among the model's picks: arm a is held back, arm b gets the
        action; units are the model's picks.
    versus : today's rule against the model, both acting: arm a is the rule's, arm b the
        model's; units are actions.
    """

    action_effect: str
    win_rate: float
    rule_hit_rate: float
    model_hit_rate: float
    hold_back: ArmsSize
    versus: ArmsSize

    def sentences(self, nouns: Nouns | None = None, against: Baseline = TODAYS_RULE) -> tuple[str, str]:
        """(the test that settles the money, the test against the other arm), in plain words and
        the demo's nouns when given; ``against`` names the other arm (today's rule, or a random
        pick when there is no rule)."""
        nouns = nouns or _PLAIN
        return self._hold_back_sentence(nouns), self._versus_sentence(nouns, against)

    def sentence(self, nouns: Nouns | None = None, against: Baseline = TODAYS_RULE) -> str:
        """Both tests in one paragraph."""
        return " ".join(self.sentences(nouns, against))

    def labelled(self, nouns: Nouns | None = None, against: Baseline = TODAYS_RULE) -> tuple[tuple[str, str], ...]:
        """((label, sentence), ...) for the two tests, as the pages and the report show them."""
        return tuple(zip(what_each_settles(against), self.sentences(nouns, against), strict=True))

    def short_labelled(self, nouns: Nouns | None = None,
                       against: Baseline = TODAYS_RULE) -> tuple[tuple[str, str], ...]:
        """((label, one short sentence), ...): the sizes alone, for a slide (the pitch and the
        report give the full sentences)."""
        nouns = nouns or _PLAIN
        hold, versus = self.hold_back, self.versus
        counted = _counted_in_hold_back(nouns, self.action_effect)
        if hold.detectable:
            first = (f"about {count(hold.per_arm)} {nouns.entities} per half, {count(2 * hold.per_arm)} in all"
                     f"{_short_duration(hold.periods, hold.period)}, counting the {counted}.")
        else:
            first = f"the model's picks hold no {nouns.positives} here, so no test can show an effect."
        versus_counted, _ = _counted_in_versus(nouns, self.action_effect)
        if versus.detectable:
            second = (f"about {count(versus.per_arm)} {nouns.actions} per arm"
                      f"{_short_duration(versus.periods, versus.period)}, counting the {versus_counted} "
                      f"for the model and for {against.name}.")
        else:
            second = "no test of this size or any can tell their picks apart on this measure."
        return tuple(zip(what_each_settles(against), (_cap(first), _cap(second)), strict=True))

    def _hold_back_sentence(self, nouns: Nouns) -> str:
        test, effect = self.hold_back, self.action_effect
        counted = _counted_in_hold_back(nouns, effect)
        opening = (
            f"{_cap(nouns.action)} or not, among the {nouns.entities} the model picks: give half of them "
            f"{a(nouns.action)} and hold the other half back, then count the {counted} in each half."
        )
        if not test.detectable:
            return (
                f"{opening} The model's picks hold no {nouns.positives} in the held-out data, so "
                f"{a(nouns.action)} has nothing to change there and no test of any size can show it."
            )
        held = "none" if test.rate_a == 0 else _rate(test.rate_a)
        assumption = (
            f"If {a(nouns.action)} wins {share(self.win_rate)} of the {nouns.positives} it reaches, as "
            f"the money assumes, that is {_rate(test.rate_b)} against {held} for those held back"
        )
        if effect == CONVERTS:
            assumption += (
                f" (the money counts nothing from {nouns.entities} with no {nouns.action}; if some of those "
                f"count as {nouns.won_plural} anyway, the test needs more)"
            )
        size = (
            f"{_confidence(test)}, each half needs about {count(test.per_arm)} {nouns.entities}, "
            f"{count(2 * test.per_arm)} in all, picked from {count(test.total_examples)} {nouns.entities}"
            f"{_duration(test.periods, test.period)}"
        )
        return f"{opening} {assumption}. {_cap(size)}.{_method(test, counted)}"

    def _versus_sentence(self, nouns: Nouns, against: Baseline) -> str:
        test, effect = self.versus, self.action_effect
        actions, positives = nouns.actions, nouns.positives
        counted, why = _counted_in_versus(nouns, effect)
        if not test.detectable and self.rule_hit_rate != self.model_hit_rate:
            return (
                f"With {a(nouns.action)} winning every {nouns.positive} it reaches, no {counted} are left "
                f"to count in either arm, so no test of {against.name} against the model can tell their "
                "picks apart this way; the test above is the one to run."
            )
        if not test.detectable:
            return (
                f"The model and {against.name} are expected to reach {positives} equally often "
                f"({_rate(self.rule_hit_rate)} of {actions}), so no A/B test of any size can tell "
                "them apart; there is nothing to test on this measure."
            )
        rates = f"{_rate(test.rate_b)} for the model against {_rate(test.rate_a)} for {against.name}"
        measure = f"counting the {counted}{why}: {rates}"
        if test.b_higher:
            return (
                f"To confirm that the model's {actions} reach {positives} more often ({measure}) "
                f"{_confidence(test)}, each arm needs about {count(test.per_arm)} {actions}, that is "
                f"{count(test.examples_per_arm)} {nouns.entities} per arm and {count(test.total_examples)} "
                f"in all{_duration(test.periods, test.period)}.{_method(test, counted)}"
            )
        return (
            f"The model is expected to reach {positives} less often than {against.name} ({measure}): "
            f"a test {_confidence(test)} would need about {count(test.per_arm)} {actions} per arm "
            f"({count(test.total_examples)} {nouns.entities} in all{_duration(test.periods, test.period)}) "
            f"to show that it is worse, and none can show it better.{_method(test, counted)}"
        )


def what_each_settles(against: Baseline = TODAYS_RULE) -> tuple[str, str]:
    """What each of the two tests settles, as a page's bold lead-in."""
    return "The test that settles the money", f"Which picks better, the model or {against.name}"


_PLAIN = Nouns(
    entity="example", entities="examples", positive="positive", positives="positives",
    positive_meaning="has the outcome", action="action", actions="actions", act="act on",
    score="score", won="positive won", won_plural="positives won",
)


def _counted_in_hold_back(nouns: Nouns, effect: str) -> str:
    if effect == CATCHES:
        return f"{nouns.positives} that get through"
    if effect == CONVERTS:
        return nouns.won_plural
    return nouns.positives


def _counted_in_versus(nouns: Nouns, effect: str) -> tuple[str, str]:
    """What the rule-vs-model test counts among those acted on, and why that and not more."""
    if effect == CATCHES:
        return f"{nouns.positives} found", f", stopped by the {nouns.action} or showing later"
    if effect == CONVERTS:
        return nouns.won_plural, f", the only {nouns.positives} a test can see"
    return f"{nouns.positives} seen after the {nouns.action}", ", the only ones a test can see"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _rate(rate: float) -> str:
    """A rate as "6.1 in 100" (people read rare rates better per hundred than as %)."""
    return f"{rate * 100:.3g} in 100"


def _percent(value: float) -> str:
    """5%, 80%, 2.5%: a setting as people write it (no padding zeros)."""
    return f"{value * 100:.3g}%"


def _confidence(test: ArmsSize) -> str:
    sides = "two-sided" if test.two_sided else "one-sided"
    return f"at {_percent(test.alpha)} significance ({sides}) and {_percent(test.power)} power"


def _method(test: ArmsSize, counted: str) -> str:
    if not test.exact:
        return ""
    return (
        f" (Sized with an exact test: so few {counted} are expected that the usual formula would "
        f"misjudge it; it reaches {_percent(round(test.power_reached, 3))} power.)"
    )


def _duration(periods: float, period: str) -> str:
    if not math.isfinite(periods):
        return ""
    wait = ", plus the time the outcomes take to show"
    if periods < 1:
        return f", under one {period} of traffic (about {share(periods)} of a {period}){wait}"
    plural = period if period.endswith("s") else f"{period}s"
    return f", about {periods:.1f} {plural} of traffic{wait}"


def _short_duration(periods: float, period: str) -> str:
    if not math.isfinite(periods):
        return ""
    if periods < 1:
        return f" (under one {period} of traffic)"
    plural = period if period.endswith("s") else f"{period}s"
    return f" (about {periods:.1f} {plural} of traffic)"


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


def normal_size(p1: float, p2: float, alpha: float = DEFAULT_ALPHA, power: float = DEFAULT_POWER,
                two_sided: bool = True) -> float:
    """Units per arm by the normal formula (Fleiss), not rounded; inf when the rates are equal
    (or differ by less than about 1e-150, beyond any test)."""
    z_a = _z(1 - alpha / 2) if two_sided else _z(1 - alpha)
    z_b = _z(power)
    pbar = (p1 + p2) / 2
    spread = z_a * math.sqrt(2 * pbar * (1 - pbar)) + z_b * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    try:
        return (spread / abs(p1 - p2)) ** 2
    except (ZeroDivisionError, OverflowError):  # equal rates, or too close for any test
        return math.inf


def _normal_power(n: float, p1: float, p2: float, alpha: float, two_sided: bool) -> float:
    """The normal formula's power at ``n`` per arm (the far tail left out, as in the formula)."""
    z_a = _z(1 - alpha / 2) if two_sided else _z(1 - alpha)
    pbar = (p1 + p2) / 2
    alternative = math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    if alternative == 0:
        return 1.0 if p1 != p2 else math.nan
    return NormalDist().cdf((abs(p1 - p2) * math.sqrt(n) - z_a * math.sqrt(2 * pbar * (1 - pbar))) / alternative)


def _binomial_support(n: int, p: float) -> tuple[int, int]:
    """The counts out of ``n`` that hold all but a negligible tail of the binomial."""
    from scipy.stats import binom

    with warnings.catch_warnings():  # scipy cannot bracket the quantile of a rate near 1e-308
        warnings.simplefilter("ignore", RuntimeWarning)
        low, high = binom.ppf(_TAIL, n, p), binom.isf(_TAIL, n, p)
    if not (math.isfinite(low) and math.isfinite(high)):
        return 0, n
    return max(int(low) - 1, 0), min(int(high) + 1, n)


def exact_power(n: int, p1: float, p2: float, alpha: float = DEFAULT_ALPHA, two_sided: bool = True) -> float:
    """Power of Fisher's exact test with ``n`` per arm when the true rates are ``p1`` and ``p2``.

    The sum, over every table of outcomes the two arms can give, of its chance (two binomials)
    where Fisher's test rejects at ``alpha``: two-sided, the p-value sums the tables of the same
    margin no more likely than the one seen (as ``scipy.stats.fisher_exact``); one-sided, the
    tail in the expected direction. Tables with a chance below about 1e-15 are left out.

    Examples
    --------
    >>> round(exact_power(20, 0.2, 0.6), 4)
    0.6502
    """
    from scipy.special import betaln
    from scipy.stats import binom

    n = int(n)
    if n < 1:
        return 0.0
    # Canonical order (the power is the same either way); rates below 1e-300 count as 0, which
    # scipy's binomial cannot take.
    low_rate, high_rate = sorted(0.0 if p < 1e-300 else p for p in (p1, p2))
    a0, a1 = _binomial_support(n, low_rate)
    b0, b1 = _binomial_support(n, high_rate)
    chance_a = binom.pmf(np.arange(a0, a1 + 1), n, low_rate)
    chance_b = binom.pmf(np.arange(b0, b1 + 1), n, high_rate)

    def log_choose(k: np.ndarray) -> np.ndarray:
        return -math.log(n + 1) - betaln(n - k + 1, k + 1)

    power = 0.0
    for total in range(a0 + b0, a1 + b1 + 1):
        x = np.arange(max(0, total - n), min(n, total) + 1)  # outcomes in the low arm
        log_null = log_choose(x) + log_choose(total - x)
        null = np.exp(log_null - log_null.max())
        null /= null.sum()  # the hypergeometric chance of each split of this margin
        if two_sided:
            ordered = np.sort(null)
            cumulative = np.cumsum(ordered)
            p_value = cumulative[np.searchsorted(ordered, null * _TIE, side="right") - 1]
        else:
            p_value = np.cumsum(null)  # few outcomes in the low arm: P(X <= x)
        rejected = x[(p_value <= alpha) & (x >= a0) & (x <= a1) & (total - x >= b0) & (total - x <= b1)]
        power += float(np.sum(chance_a[rejected - a0] * chance_b[total - rejected - b0]))
    return min(power, 1.0)


@lru_cache(maxsize=256)
def exact_size(p1: float, p2: float, alpha: float = DEFAULT_ALPHA, power: float = DEFAULT_POWER,
               two_sided: bool = True, start: int = 1) -> tuple[int, float]:
    """The arm size at which Fisher's exact test reaches ``power``, and the power it reaches.

    Doubling from ``start`` until the power is reached, then bisection: the result reaches the
    power and one fewer per arm does not (an exact test's power saw-tooths, so a smaller arm
    further down may happen to reach it too).
    """
    if p1 == p2:
        return 0, math.nan
    low, high = 0, max(int(start), 1)
    reached = exact_power(high, p1, p2, alpha, two_sided)
    while reached < power:
        low, high = high, high * 2
        if high > 4 * EXACT_MAX_PER_ARM:
            raise ValueError("the exact test would need more than four million per arm")
        reached = exact_power(high, p1, p2, alpha, two_sided)
    while high - low > 1:
        middle = (low + high) // 2
        at_middle = exact_power(middle, p1, p2, alpha, two_sided)
        if at_middle >= power:
            high, reached = middle, at_middle
        else:
            low = middle
    return high, reached


def arms_needed(p1: float, p2: float, alpha: float = DEFAULT_ALPHA, power: float = DEFAULT_POWER,
                two_sided: bool = True, method: str = "auto") -> tuple[float, str, float]:
    """(units per arm, method, power reached) to tell rates ``p1`` and ``p2`` apart.

    ``method="auto"`` uses the normal formula unless its arms would expect fewer than
    :data:`FEW_EXPECTED` outcomes or non-outcomes in either arm (and need no more than
    :data:`EXACT_MAX_PER_ARM`), then Fisher's exact test; ``"normal"`` or ``"exact"`` force one.
    """
    normal = normal_size(p1, p2, alpha, power, two_sided)
    if not math.isfinite(normal):
        return math.inf, NORMAL, math.nan
    # Round up, after a tiny tolerance so that 686.0000000001 from float error stays 686.
    rounded = float(max(math.ceil(normal - 1e-9), 1))
    fewest = rounded * min(p1, 1 - p1, p2, 1 - p2)
    if method == EXACT or (method == "auto" and fewest < FEW_EXPECTED and rounded <= EXACT_MAX_PER_ARM):
        per_arm, reached = exact_size(p1, p2, alpha, power, two_sided, start=max(int(rounded) // 2, 1))
        return float(per_arm), EXACT, reached
    return rounded, NORMAL, _normal_power(rounded, p1, p2, alpha, two_sided)


def ab_test_size(
    rate_a: float,
    rate_b: float,
    share_acted: float = 1.0,
    per_period: float = 0.0,
    period: str = "period",
    alpha: float = DEFAULT_ALPHA,
    power: float = DEFAULT_POWER,
    two_sided: bool = True,
    method: str = "auto",
) -> ArmsSize:
    """Size a test with two equal arms that compares two rates of a yes/no outcome.

    Parameters
    ----------
    rate_a, rate_b : the rates between 0 and 1 in each arm.
    share_acted : share of the traffic that enters the arms, in (0, 1] (1 when every example
        does).
    per_period : examples per period in all (0: no duration is given).
    period : the period's name, for the sentence.
    alpha : significance, in (0, 1); 0.05 by default.
    power : power, in (0, 1); 0.8 by default.
    two_sided : two-sided test (default) or one-sided in the expected direction.
    method : "auto" (default), "normal" or "exact" (see :func:`arms_needed`).

    Returns
    -------
    ArmsSize
        With ``per_arm`` a whole number, infinite when the rates are equal (or differ by less
        than about 1e-150, beyond any test). Rates of exactly 0 or 1 are allowed.

    Raises
    ------
    ValueError
        For a rate outside [0, 1] or not a number, a share acted outside (0, 1], a
        significance or power outside (0, 1), or an unknown method.
    """
    p1, p2 = _rate_value("rate_a", rate_a), _rate_value("rate_b", rate_b)
    if not 0.0 < share_acted <= 1.0:
        raise ValueError(f"share_acted must be in (0, 1], not {share_acted!r}")
    for name, value in (("alpha", alpha), ("power", power)):
        if not 0.0 < value < 1.0:
            raise ValueError(f"{name} must be between 0 and 1, not {value!r}")
    if per_period < 0:
        raise ValueError(f"per_period must be 0 or more, not {per_period!r}")
    if method not in ("auto", NORMAL, EXACT):
        raise ValueError(f"method must be auto, normal or exact, not {method!r}")
    per_arm, used, reached = arms_needed(p1, p2, alpha, power, two_sided, method)
    examples = float(math.ceil(per_arm / share_acted - 1e-9)) if math.isfinite(per_arm) else math.inf
    periods = 2 * examples / per_period if per_period > 0 and math.isfinite(examples) else math.nan
    return ArmsSize(
        rate_a=p1, rate_b=p2, alpha=alpha, power=power, two_sided=two_sided, share_acted=share_acted,
        per_arm=per_arm, examples_per_arm=examples, periods=periods, period=period, method=used,
        power_reached=reached,
    )


def counted_rates(hit_rate: float, win_rate: float, action_effect: str) -> tuple[float, float, float]:
    """What a test can count, per unit, for picks with this hit rate: (held back, given the
    action, counted among those acted on in the rule-vs-model test). See the module's table."""
    if action_effect == CONVERTS:
        return 0.0, hit_rate * win_rate, hit_rate * win_rate
    after = hit_rate * (1 - win_rate)
    if action_effect == CATCHES:
        return hit_rate, after, hit_rate
    if action_effect == PREVENTS:
        return hit_rate, after, after
    raise ValueError(f"unknown action effect {action_effect!r}")


def ab_test_for(
    rule: Outcome,
    model: Outcome,
    economics: Economics,
    alpha: float = DEFAULT_ALPHA,
    power: float = DEFAULT_POWER,
) -> ABTestSize:
    """Size both tests of the pages' same-budget comparison.

    Parameters
    ----------
    rule, model : outcomes of today's rule and of the model's top K at the rule's budget
        (e.g. ``SameBudget.rule`` and ``SameBudget.model``).
    economics : gives the win rate, what the action does to the outcome, the population per
        period and the period's name.
    alpha, power : significance and power (defaults 0.05 two-sided and 0.8).

    Raises
    ------
    ValueError
        When the rule acts on nobody (there is no hit rate to compare), or as
        :func:`ab_test_size`.
    """
    if not rule.share_acted > 0 or not math.isfinite(rule.hit_rate) or not math.isfinite(model.hit_rate):
        raise ValueError("today's rule acts on nobody, so there is no hit rate to test against")
    effect, win = economics.action_effect, economics.win_rate
    held, given, model_counted = counted_rates(model.hit_rate, win, effect)
    rule_counted = counted_rates(rule.hit_rate, win, effect)[2]
    common = {"per_period": economics.population, "period": economics.period, "alpha": alpha, "power": power}
    return ABTestSize(
        action_effect=effect,
        win_rate=win,
        rule_hit_rate=rule.hit_rate,
        model_hit_rate=model.hit_rate,
        # Among the model's picks (the same budget as the rule's: the same share of traffic).
        hold_back=ab_test_size(held, given, share_acted=model.share_acted or rule.share_acted, **common),
        versus=ab_test_size(rule_counted, model_counted, share_acted=rule.share_acted, **common),
    )
