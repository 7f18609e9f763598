"""Rule versus model, fairly: at the same budget, with bootstrap uncertainty.

"Same budget" means the model acts on exactly as many examples as the rule flags (its top K
by score), so the two differ only in *whom* they pick. "Same reach" turns the question
round: how few actions does the model need to reach as many positives as the rule?

Related questions live beside this module: gains.py (better than random?), policies.py
(where rule and model agree, both together), segments.py (per segment) and sensitivity.py
(break-even and tornado). All money comes from :func:`proofdeck.decisions.outcomes.outcome_arrays`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from proofdeck.data.spec import Economics
from proofdeck.decisions.assumption_ranges import (
    ASSUMPTION_LABELS,
    Range,
    assumption_ranges,
    sampled_economics,
)
from proofdeck.decisions.bootstrap import (
    Interval,
    interval,
    relative_change,
    studentized_interval,
    studentized_ratios,
)
from proofdeck.decisions.outcomes import (
    Outcome,
    Totals,
    outcome_arrays,
    outcome_of_flags,
    policy_size,
    policy_weights,
)
from proofdeck.decisions.paired import SameBudgetDraws, difference_spread, same_budget_draws
from proofdeck.decisions.sweep import ThresholdSweep
from proofdeck.words.wording import TODAYS_RULE, Baseline, change_range_text, interval_words, money


def top_k_flags(scores: np.ndarray, k: int) -> np.ndarray:
    """Flags for the k highest scores (ties broken by position, deterministically)."""
    scores = np.asarray(scores, dtype=float)
    flags = np.zeros(scores.size, dtype=bool)
    flags[np.argsort(-scores, kind="stable")[: max(int(k), 0)]] = True
    return flags


def cutoff_flags(scores: np.ndarray, cutoff: float) -> np.ndarray:
    """Flags of the model at a score cut-off: act on every example scoring ``>= cutoff``.

    The same convention as :class:`~proofdeck.decisions.sweep.ThresholdSweep`, so a page's slider and
    this module always act on the same examples.
    """
    return np.asarray(scores, dtype=float) >= cutoff


# --- same budget ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SameBudget:
    """Rule and model acting on the same number of examples, with 95% intervals."""

    rule: Outcome
    model: Outcome
    rule_reached: Interval
    model_reached: Interval
    extra_reached: Interval
    reached_change: Interval  # relative: +0.46 means 46% more positives reached
    rule_net: Interval
    model_net: Interval
    extra_net: Interval
    resamples: int
    # The extra net value with the money assumptions' ranges counted too (Monte Carlo), and
    # those ranges (see decisions/assumption_ranges.py).
    combined_net: Interval
    ranges: tuple[Range, ...]
    # Share of the held-out positives' value carried by the largest 5% of them (None without a
    # value column): above HEAVY_TAIL_SHARE the money's ranges can come out too narrow.
    money_concentration: float | None = None
    # The other figures a demo may headline, each with its own 95% interval (a headline is
    # never shown beside another figure's range): the extra value won (the extra net value
    # with no miss costs, which is what it is at the same budget) and the change in the cost
    # per won (model minus rule, a percentile interval of the paired resamples).
    extra_value_won: Interval | None = None
    cost_per_won_change: Interval | None = None

    def headline_interval(self, figure: str) -> Interval:
        """The 95% interval of the figure a demo headlines ("net_value", "value_won" or
        "cost_per_won"): the extra net value, the extra value won, or the change in the cost
        per won."""
        found = {"net_value": self.extra_net, "value_won": self.extra_value_won,
                 "cost_per_won": self.cost_per_won_change}.get(figure)
        if found is None:
            raise ValueError(f"no interval for the headline figure {figure!r}")
        return found

    @property
    def heavy_tailed(self) -> bool:
        return self.money_concentration is not None and self.money_concentration > HEAVY_TAIL_SHARE

    @property
    def rests_on(self) -> str:
        """What the case rests on: "data and money" (clear even with the money assumptions
        anywhere in their ranges), "money" (clear at the assumed money only) or "neither"."""
        if self.combined_net.excludes_zero and self.extra_net.excludes_zero:
            return "data and money"
        return "money" if self.extra_net.excludes_zero else "neither"

    @property
    def clear(self) -> bool:
        """True when the data show a difference in net value (its interval excludes 0).

        Money is the question leadership asks, so the headline and the verdict both use it.
        """
        return self.extra_net.excludes_zero


def same_budget_points(scores: np.ndarray, rule_flags: np.ndarray, labels: np.ndarray, values: np.ndarray,
                       economics: Economics) -> tuple[Outcome, Outcome]:
    """The rule's and the model's top K outcomes (K = examples the rule flags), without the
    bootstrap: the figures :func:`same_budget` reports, available before its intervals."""
    return _points(np.asarray(rule_flags), scores, labels, values, economics)[:2]


def _points(rule_flags, scores, labels, values, economics) -> tuple[Outcome, Outcome, np.ndarray]:
    model_flags = top_k_flags(scores, policy_size(rule_flags))
    return (outcome_of_flags(rule_flags, labels, values, economics),
            outcome_of_flags(model_flags, labels, values, economics), model_flags)


def same_budget(
    scores: np.ndarray,
    rule_flags: np.ndarray,
    labels: np.ndarray,
    values: np.ndarray,
    economics: Economics,
    resamples: int | None = None,
    seed: int = 0,
) -> SameBudget:
    """Compare the rule with the model's top K (K = examples the rule flags).

    ``rule_flags`` may be a random pick's weights (k / n on every example): the baseline is
    then the random pick's average, in the data and in every resample, and the interval of
    the difference is paired, model minus that average on the same resample.
    """
    rule_flags = np.asarray(rule_flags)
    rule, model, model_flags = _points(rule_flags, scores, labels, values, economics)
    draws = same_budget_draws(scores, rule_flags, labels, values, resamples, seed)
    totals = Totals(examples=draws.examples, positives=draws.positives, positive_value=draws.positive_value)
    r = outcome_arrays(draws.actions, draws.rule_reached, draws.rule_value, totals, economics)
    m = outcome_arrays(draws.actions, draws.model_reached, draws.model_value, totals, economics)
    spread = functools.partial(
        difference_spread, examples=draws.examples, scale=economics.scale_for(draws.examples),
        win_rate=economics.win_rate, value_column=bool(economics.value_column),
        value_per_won=economics.value_per_won)
    extra_net = studentized_interval(model.net_value - rule.net_value,
                                     float(spread(draws.sample_spread, cost_per_miss=economics.cost_per_miss)),
                                     m["net_value"] - r["net_value"],
                                     spread(draws.spread, cost_per_miss=economics.cost_per_miss))
    # At the same budget both sides spend the same, so the extra value won is the extra net
    # value without miss costs: the same studentized interval, with the miss cost at 0.
    extra_value_won = studentized_interval(model.value_won - rule.value_won,
                                           float(spread(draws.sample_spread, cost_per_miss=0.0)),
                                           m["value_won"] - r["value_won"], spread(draws.spread, cost_per_miss=0.0))
    return SameBudget(
        rule=rule,
        model=model,
        rule_reached=interval(rule.reached, r["reached"]),
        model_reached=interval(model.reached, m["reached"]),
        extra_reached=interval(model.reached - rule.reached, m["reached"] - r["reached"]),
        reached_change=interval(
            float(relative_change(model.reached, rule.reached)),
            relative_change(m["reached"], r["reached"]),
        ),
        rule_net=interval(rule.net_value, r["net_value"]),
        model_net=interval(model.net_value, m["net_value"]),
        extra_net=extra_net,
        extra_value_won=extra_value_won,
        cost_per_won_change=interval(model.cost_per_won - rule.cost_per_won, m["cost_per_won"] - r["cost_per_won"]),
        resamples=draws.resamples,
        money_concentration=money_concentration(labels, values) if economics.value_column else None,
        combined_net=_combined_net(model.net_value - rule.net_value, rule_flags, model_flags, labels, values, draws, totals, economics, seed),
        ranges=assumption_ranges(economics),
    )


# Measured in coverage simulations (docs/statistics.md): with the fraud demo's own amounts the
# largest 5% of frauds carry 22-35% of the money and the intervals hold; with lognormal amounts
# capped only at a card limit they carry 31-61% and the intervals held the truth 92 times in 100.
HEAVY_TAIL_SHARE = 0.35
TOP_SHARE = 0.05


def money_concentration(labels: np.ndarray, values: np.ndarray) -> float | None:
    """Share of the positives' summed value carried by the largest 5% of them (at least one)."""
    worth = np.sort(np.asarray(values, dtype=float)[np.asarray(labels, dtype=bool)])[::-1]
    if worth.size == 0 or worth.sum() <= 0:
        return None
    largest = max(1, int(np.ceil(TOP_SHARE * worth.size)))
    return float(worth[:largest].sum() / worth.sum())


def heavy_tail_note(comparison: SameBudget, positives: str) -> str:
    """A plain warning when a few positives carry much of the money (else "")."""
    if not comparison.heavy_tailed:
        return ""
    return (f"A few {positives} carry much of the money (the largest 5% of them, "
            f"{comparison.money_concentration:.0%} of it), so the money's 95% ranges may be too narrow: "
            "a held-out sample says little about how often such large ones come.")


def range_words(item: Range, nouns_words: dict[str, str], currency: str = "$") -> str:
    """"win rate 15%-45%" style, for captions and the report."""
    label = ASSUMPTION_LABELS[item.field].format(**nouns_words)
    if item.field == "win_rate":
        return f"{label} {item.low:.0%} to {item.high:.0%}"
    return f"{label} {money(item.low, currency)} to {money(item.high, currency)}"


def expected_impact_text(comparison: SameBudget, currency: str, per: str, words: dict[str, str],
                         against: Baseline = TODAYS_RULE) -> str:
    """The ask's expected impact: the data-only range, the range with the money assumptions'
    ranges counted too, and which one the case rests on."""
    data = interval_text(comparison.extra_net, "money", currency)
    moving = [item for item in comparison.ranges if not item.fixed]
    if not moving:
        return f"the extra net value{per} against {against.name} at the same budget is {data} (95% interval)."
    guessed = all(item.guessed for item in moving)
    ranges = "; ".join(range_words(item, words, currency) for item in moving)
    source = "guessed ranges (set them in Assumptions)" if guessed else "stated ranges"
    rests = {
        "data and money": "The case holds even with the money assumptions anywhere in their ranges.",
        "money": ("The case rests on the money assumptions: at the assumed figures the data are clear, but "
                  "within their ranges it could go either way."),
        "neither": "The held-out data alone do not settle it.",
    }[comparison.rests_on]
    combined = interval_text(comparison.combined_net, "money", currency)
    return (f"the extra net value{per} against {against.name} at the same budget is {data} from the held-out "
            f"data at the assumed money (95% interval), and {combined} with the money assumptions' "
            f"{source} counted too ({ranges}). {rests}")


def _combined_net(at_assumed: float, rule_flags: np.ndarray, model_flags: np.ndarray, labels: np.ndarray,
                  values: np.ndarray, draws: SameBudgetDraws, totals: Totals, economics: Economics,
                  seed: int) -> Interval:
    """The 95% interval of the extra net value when both the held-out sample and the money
    assumptions may be off.

    Resample b is priced with money drawn from the assumptions' ranges. Its studentized gap
    |resample - estimate| / the resample's own spread (as in the data-only interval) is put, with
    a seeded random sign, around the held-out estimate priced the same way; the 2.5th and
    97.5th percentiles of those figures are the interval. With every range fixed it is exactly
    the data-only symmetric interval.
    """
    priced = sampled_economics(economics, draws.resamples, seed)
    labels, values = np.asarray(labels, dtype=bool), np.asarray(values, dtype=float)

    def own_net(flags: np.ndarray) -> np.ndarray:
        weights = policy_weights(flags)
        return outcome_arrays(weights.sum(), (weights * labels).sum(), (weights * labels * values).sum(),
                              Totals.of(labels, values), priced)["net_value"]

    estimate = np.broadcast_to(own_net(model_flags) - own_net(rule_flags), (draws.resamples,))
    resampled = (outcome_arrays(draws.actions, draws.model_reached, draws.model_value, totals, priced)["net_value"]
                 - outcome_arrays(draws.actions, draws.rule_reached, draws.rule_value, totals, priced)["net_value"])
    spread = functools.partial(
        difference_spread, examples=draws.examples, scale=economics.scale_for(draws.examples),
        win_rate=priced.win_rate, cost_per_miss=priced.cost_per_miss,
        value_column=bool(economics.value_column), value_per_won=priced.value_per_won)
    own_error, errors = spread(draws.sample_spread), spread(draws.spread)
    ratios = studentized_ratios(np.abs(resampled - estimate), errors)
    if not np.all(np.isfinite(ratios)) or np.any(own_error <= 0):
        return interval(at_assumed, resampled)
    signs = np.random.default_rng([seed, 23]).choice([-1.0, 1.0], size=draws.resamples)
    return interval(at_assumed, estimate + signs * ratios * own_error)


# The verdict in words, as every page and the report say it ("{baseline}" names what the
# model is compared with: today's rule, or a random pick).
_VERDICT_TEMPLATES = {
    "better": "The model is better than {baseline}, and the held-out data are clear about it.",
    "worse": "{Baseline} does better than the model on these data.",
    "unclear": "The held-out data do not show a clear difference between the model and {baseline}.",
}


def verdict_sentence(result: str, against: Baseline = TODAYS_RULE) -> str:
    """The verdict ("better", "worse", "unclear") in words, naming the baseline."""
    return _VERDICT_TEMPLATES[result].format(baseline=against.name, Baseline=against.title)


# The figures a same-budget table shows, rule against model.
SAME_BUDGET_FIGURES = ("actions", "reached", "unneeded", "spend", "value_won", "net_value", "cost_per_won")


def interval_verdict(difference: Interval) -> str:
    """"better" / "worse" when a 95% interval of (model minus rule) excludes zero, else "unclear".

    An interval that cannot be estimated (NaN ends) is "unclear" too.
    """
    if difference.low > 0:
        return "better"
    if difference.high < 0:
        return "worse"
    return "unclear"


def verdict(comparison: SameBudget, figure: str = "net_value") -> str:
    """Is the model better than the rule at the same budget, judged by a 95% interval?

    Parameters
    ----------
    comparison : the result of :func:`same_budget`.
    figure : ``"net_value"`` (default: the money question the page answers, and the basis of
        :attr:`SameBudget.clear`) or ``"reached"`` (positives reached). The two agree unless a
        value column makes some positives worth more than others, or every money assumption
        is 0 (then the net value difference is 0 and the verdict on it is "unclear").

    Returns
    -------
    str
        "better", "worse" or "unclear" (the interval of the difference includes zero, so
        the held-out data cannot tell).
    """
    if figure == "net_value":
        return interval_verdict(comparison.extra_net)
    if figure == "reached":
        return interval_verdict(comparison.extra_reached)
    raise ValueError(f"figure must be 'net_value' or 'reached', not {figure!r}")


def interval_text(difference: Interval, kind: str, currency: str = "$") -> str:
    """A 95% interval of a difference in words, saying so when it could go either way.

    ``wording.interval_words`` states the two ends; this adds what a reader needs for the
    "unclear" case and never prints "nan" (kind is "money", "count" or "change").

    Examples: "between +$12k and +$40k"; "between -$4k and +$21k, so it could go either way";
    "too uncertain to estimate from these data".
    """

    if not (np.isfinite(difference.low) and np.isfinite(difference.high)):
        return "too uncertain to estimate from these data"
    text = interval_words(difference.low, difference.high, kind, currency)
    if not difference.excludes_zero:
        text += ", so it could go either way"
    return text


def headline_range_text(comparison: SameBudget, figure: str, label: str, currency: str = "$") -> str:
    """The headline figure's own 95% interval in words, as a clause: "the gain in fraud losses
    prevented is between +$41k and +$90k", "the change in its cost per lead won is between
    -$520 and -$210" ("" for net value, which the how-sure sentence states anyway)."""
    if figure == "net_value":
        return ""
    found = interval_text(comparison.headline_interval(figure), "money", currency)
    if figure == "cost_per_won":
        return f"the change in its {label} is {found}"
    return f"the gain in {label} is {found}"


def how_sure_sentence(entities: str, positives: str, comparison: SameBudget, currency: str,
                      net_is_headline: bool, against: Baseline = TODAYS_RULE,
                      headline: tuple[str, str] | None = None) -> str:
    """The 95% sentence under every same-budget headline (the pitch, the report, the presentation).

    Where the headline is another figure (fraud losses prevented, a CAC), ``headline`` is its
    (figure, label): the sentence gives that figure's own interval first, then the net value's
    with its own estimate named, so no range is read as another figure's.
    """
    net = comparison.extra_net
    named = "its extra net value" if net_is_headline else (
        f"its extra net value after every cost ({money(net.estimate, currency, signed=True)})")
    own = "" if net_is_headline or headline is None else headline_range_text(comparison, *headline, currency) + ", "
    return (
        f"How sure: in 95% of redraws of the held-out {entities}, the model reaches "
        f"{change_range_text(comparison.reached_change.low, comparison.reached_change.high)} "
        f"{positives} than {against.the}, {own}and {named} is {interval_text(net, 'money', currency)}."
        + (" " + heavy_tail_note(comparison, positives) if comparison.heavy_tailed else "")
    )


# --- same reach ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SameReach:
    """The fewest model actions that reach at least as many positives as the rule.

    Counts and money are per period (scaled like :class:`~proofdeck.decisions.outcomes.Outcome`);
    ``model_count``, ``rule_count`` and ``target`` are held-out counts.

    Attributes
    ----------
    rule, model : outcomes of the rule and of the model's top ``model_count`` examples. When
        no match is possible (``matched`` is False) ``model`` is the model at its limit.
    model_count : held-out examples the model acts on (its top k by score).
    rule_count : held-out examples the rule acts on.
    target : held-out positives the rule reaches, which the model must match (a random
        pick's average, which may be fractional, when there is no rule).
    matched : False only when the model cannot reach ``target`` within ``max_count``.
    actions_saved, spend_saved : rule minus model (negative when the model needs more);
        NaN when not matched. Spend includes the fixed cost, which disappears when the model
        needs no action at all (the rule reaches no positives).
    extra_net : model's net value minus the rule's (NaN when not matched).
    """

    rule: Outcome
    model: Outcome
    model_count: int
    rule_count: int
    target: float
    matched: bool
    actions_saved: float
    spend_saved: float
    extra_net: float

    @property
    def rule_reaches_none(self) -> bool:
        """The rule reaches no positives, so there is nothing to match (the model needs 0)."""
        return self.target == 0

    @property
    def model_needs_more(self) -> bool:
        """The model needs more actions than the rule to reach as many positives."""
        return self.matched and self.model_count > self.rule_count

    @property
    def share_saved(self) -> float:
        """Actions saved as a share of the rule's actions (NaN when the rule acts on none)."""
        if not self.matched or self.rule.actions == 0:
            return float("nan")
        return self.actions_saved / self.rule.actions


def same_reach(
    scores: np.ndarray,
    rule_flags: np.ndarray,
    labels: np.ndarray,
    values: np.ndarray,
    economics: Economics,
    max_count: int | None = None,
) -> SameReach:
    """How few actions does the model need to reach as many positives as the rule?

    The model acts on its top k by score (ties broken by position, as in :func:`top_k_flags`)
    for the smallest k whose positives reached are at least the rule's.

    Parameters
    ----------
    scores, rule_flags, labels, values : held-out arrays of the same length.
    economics : unit economics for the money figures.
    max_count : most held-out examples the model may act on (default: all of them). Acting on
        everyone reaches every positive, so without a limit a match always exists; with one,
        ``matched`` is False when the model cannot reach the rule's positives within it.

    Returns
    -------
    SameReach
        When the rule reaches no positives, the model needs no action (``model_count`` 0) and
        the saving is the rule's whole workload and spend.
    """
    rule_flags = np.asarray(rule_flags)
    labels = np.asarray(labels, dtype=bool)
    sweep = ThresholdSweep(scores, labels, values)
    # A random pick's weights reach a fractional number on average (k * P / n): the model
    # must reach at least that many.
    reached = float((policy_weights(rule_flags) * labels).sum())
    target = int(round(reached)) if rule_flags.dtype == bool else reached
    limit = sweep.size if max_count is None else int(min(max(max_count, 0), sweep.size))
    # cum_reached[k] = positives among the top k; it never decreases, so bisect.
    needed = int(np.searchsorted(sweep.cum_reached, target, side="left"))
    matched = needed <= limit
    count = needed if matched else limit
    rule = outcome_of_flags(rule_flags, labels, values, economics)
    model = sweep.outcome_at_count(count, economics)
    nan = float("nan")
    return SameReach(
        rule=rule,
        model=model,
        model_count=count,
        rule_count=policy_size(rule_flags),
        target=target,
        matched=matched,
        actions_saved=rule.actions - model.actions if matched else nan,
        spend_saved=rule.spend - model.spend if matched else nan,
        extra_net=model.net_value - rule.net_value if matched else nan,
    )
