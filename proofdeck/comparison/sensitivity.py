"""Break-even and sensitivity: how far can the money assumptions move before the answer changes?

The model is compared at a given cut-off with today's rule through the difference in net value
(model minus rule), which is linear in each assumption, so break-even points are solved exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from proofdeck.comparison.compare import cutoff_flags
from proofdeck.data.spec import Economics, Nouns
from proofdeck.decisions.outcomes import Totals, outcome_arrays, policy_weights
from proofdeck.words.wording import money, share

# --- break-even and sensitivity ------------------------------------------------------------

# Assumptions the difference (model minus rule) is linear in, with their valid ranges:
# (lowest, highest, lowest excluded). win_rate is a share in (0, 1]; money is >= 0.
BREAK_EVEN_RANGES: dict[str, tuple[float, float, bool]] = {
    "value_per_won": (0.0, float("inf"), False),
    "win_rate": (0.0, 1.0, True),
    "cost_per_action": (0.0, float("inf"), False),
    "cost_per_miss": (0.0, float("inf"), False),
    "fixed_cost": (0.0, float("inf"), False),
}
TORNADO_FIELDS = ("cost_per_action", "value_per_won", "win_rate", "fixed_cost", "cost_per_miss", "population")

# Plain names of the assumptions; fields in braces come from the demo's nouns.
ASSUMPTION_NAMES = {
    "cost_per_action": "cost per {action}",
    "value_per_won": "value of each {won}",
    "win_rate": "share of reached {positives} won",
    "fixed_cost": "fixed cost",
    "cost_per_miss": "cost of each missed {positive}",
    "population": "{entities} per {period}",
}


def assumption_name(field: str, nouns: Nouns, period: str = "period") -> str:
    """Plain name of an economics assumption in the demo's words, e.g. "cost per retention offer",
    "customers per quarter" (``period`` is the economics' own, as every page says it)."""
    return ASSUMPTION_NAMES[field].format(**vars(nouns), period=period)


class HeadToHead:
    """The model's decisions against today's rule's (or any other flags), on held-out data.

    Reduced to held-out counts once: every economics then costs one :func:`outcome_arrays`
    call, so break-even and tornado evaluate many assumptions without touching the examples.
    Pages pass the model at the rule's own budget, so a difference never comes from one side
    simply acting on fewer.
    """

    def __init__(self, model_flags, rule_flags, labels, values):
        # Either side may be weights (a random pick: its average), see policy_weights.
        rule_flags = policy_weights(rule_flags)
        labels = np.asarray(labels, dtype=bool)
        values = np.asarray(values, dtype=float)
        model_flags = policy_weights(model_flags)
        if not (model_flags.shape == rule_flags.shape == labels.shape == values.shape):
            raise ValueError("scores, rule flags, labels and values must have the same length")
        both = np.vstack([model_flags, rule_flags])
        self.actions = both.sum(axis=1)
        self.reached = (both * labels).sum(axis=1)
        self.value = (both * labels * values).sum(axis=1)
        self.totals = Totals.of(labels, values)

    @classmethod
    def at_cutoff(cls, scores, rule_flags, labels, values, cutoff: float) -> HeadToHead:
        """The model acting on every example scoring at or above ``cutoff``."""
        return cls(cutoff_flags(scores, cutoff), rule_flags, labels, values)

    def net_difference(self, economics: Economics) -> float:
        """The model's extra net value over the rule, per period (model minus rule).

        Positive means the model at this cut-off is worth more than today's rule under these
        assumptions. It is linear in each of value_per_won, win_rate, cost_per_action,
        cost_per_miss and fixed_cost (fixed cost only matters when exactly one of the two acts
        on nobody), which :func:`break_even` relies on.
        """
        net = outcome_arrays(self.actions, self.reached, self.value, self.totals, economics)["net_value"]
        return float(net[0] - net[1])


@dataclass(frozen=True)
class BreakEven:
    """Where the model stops (or starts) beating the rule as one assumption changes.

    Attributes
    ----------
    field : the Economics field varied, e.g. "cost_per_action".
    base : its current value.
    base_difference : model's extra net value over the rule at ``base``.
    value : the value at which the difference is zero (NaN when it never changes).
        It may lie outside the valid range; ``model_wins`` says what that means.
    model_wins : "above" (the model wins while the field is above ``value``), "below",
        "always" or "never" (over the whole valid range). "Wins" means strictly more net value.
    slope : change in the difference per unit of the field.
    """

    field: str
    base: float
    base_difference: float
    value: float
    model_wins: str
    slope: float

    @property
    def wins_at_base(self) -> bool:
        return self.base_difference > 0


def break_even(contest: HeadToHead, field: str, economics: Economics) -> BreakEven:
    """The value of one assumption at which the model (score >= cutoff) and the rule are worth the same.

    The difference in net value (model minus rule) is a straight line in each supported field,
    so two evaluations give it exactly; no search.

    Parameters
    ----------
    field : one of :data:`BREAK_EVEN_RANGES`: value_per_won, win_rate (valid in (0, 1]),
        cost_per_action, cost_per_miss, fixed_cost (money, valid from 0 up). Population is not
        supported: it only rescales the difference, except through the fixed cost.
    economics : the current assumptions; the others are held at their values.
    contest : the model at its cut-off against the rule (:class:`HeadToHead`).

    Raises
    ------
    ValueError
        For an unsupported field, and for value_per_won when ``economics.value_column`` is set:
        each example's own value is used then, so value_per_won has no effect (there is no
        value multiplier to vary).
    """
    if field not in BREAK_EVEN_RANGES:
        raise ValueError(f"break-even is available for {', '.join(BREAK_EVEN_RANGES)}, not {field!r}")
    if field == "value_per_won" and economics.value_column:
        raise ValueError("value_per_won is not used when a value column gives each example's value")
    base = float(getattr(economics, field))
    far = 1.0 if field == "win_rate" else max(base, 1.0)
    at_zero = contest.net_difference(replace(economics, **{field: 0.0}))
    at_far = contest.net_difference(replace(economics, **{field: far}))
    slope = (at_far - at_zero) / far
    base_difference = contest.net_difference(economics)
    low, high, low_open = BREAK_EVEN_RANGES[field]
    # A slope lost in rounding (e.g. a fixed cost both policies pay) counts as flat.
    if abs(at_far - at_zero) <= 1e-9 * max(abs(at_zero), abs(at_far), 1.0):
        wins = "always" if at_zero > 0 else "never"
        return BreakEven(field, base, base_difference, float("nan"), wins, 0.0)
    root = -at_zero / slope
    if slope > 0:  # the model wins above the root
        if root < low or (root == low and low_open):
            wins = "always"
        elif root >= high:
            wins = "never"
        else:
            wins = "above"
    else:  # the model wins below the root
        if root > high:
            wins = "always"
        elif root <= low:
            wins = "never"
        else:
            wins = "below"
    return BreakEven(field, base, base_difference, float(root), wins, float(slope))


def break_even_text(result: BreakEven, nouns: Nouns, currency: str = "$", against: str = "the rule") -> str:
    """The break-even in words, e.g. "the model beats the rule while the cost per retention
    offer is below $50 (now $40)"; ``against`` names the other side ("doing nothing")."""

    name = assumption_name(result.field, nouns)

    def shown(value: float) -> str:
        return share(value) if result.field == "win_rate" else money(value, currency)

    if result.model_wins == "always":
        return f"the model beats {against} whatever the {name}"
    if result.model_wins == "never":
        return f"the model does not beat {against} at any {name}"
    side = "above" if result.model_wins == "above" else "below"
    return f"the model beats {against} while the {name} is {side} {shown(result.value)} (now {shown(result.base)})"


def no_effect(table: pd.DataFrame) -> pd.DataFrame:
    """The rows of a :func:`tornado` table whose assumption moves nothing (no swing): a chart
    draws the others and names these in words, so no empty bar is left to puzzle over."""
    scale = max(float(table[["base", "at_low", "at_high"]].abs().to_numpy().max(initial=0.0)), 1.0)
    return table[table["swing"] <= 1e-9 * scale]


def no_effect_sentence(table: pd.DataFrame, nouns: Nouns, period: str, against: str = "the rule") -> str:
    """Why the assumptions in ``table`` (from :func:`no_effect`) move nothing, in words ("" when
    none): a cost both sides pay alike at the same budget, or a figure at 0, whose half and
    double are 0 too."""
    if table.empty:
        return ""
    alike, zero = [], []
    for field, value in zip(table["field"], table["base_value"], strict=True):
        name = assumption_name(field, nouns, period)
        if value == 0:
            zero.append(f"the {name}")
        else:
            alike.append(f"the {name}")
    parts = []
    if alike:
        parts.append(f"{_join(alike)} {'moves' if len(alike) == 1 else 'move'} the model and {against} alike, since "
                     f"both act on the same number of {nouns.entities}")
    if zero:
        parts.append(f"{_join(zero)} {'is' if len(zero) == 1 else 'are'} 0 here, and half or double 0 is still 0")
    return "No effect on the answer: " + "; ".join(parts) + "."


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def tornado(
    contest: HeadToHead,
    economics: Economics,
    fields: tuple[str, ...] = TORNADO_FIELDS,
    low: float = 0.5,
    high: float = 2.0,
) -> pd.DataFrame:
    """How much the model's extra net value over the rule moves when one assumption does.

    Each field is multiplied by ``low`` and by ``high`` (default: halved and doubled) with
    the others held at their base values. The win rate is capped at 1.0. value_per_won is
    left out when ``economics.value_column`` is set (each example's own value is used then,
    so it has no effect). A population of 0 means "no scaling" and stays 0.

    Parameters
    ----------
    contest : the model at its cut-off against the rule (:class:`HeadToHead`).
    economics : the base assumptions.
    fields : Economics fields to vary, from :data:`TORNADO_FIELDS`.
    low, high : the multipliers.

    Returns
    -------
    pandas.DataFrame
        One row per field, the widest swing first: ``field``, ``base_value``, ``low_value``,
        ``high_value`` (the assumption), ``base``, ``at_low``, ``at_high`` (the model's extra
        net value over the rule per period) and ``swing`` (``|at_high - at_low|``).
    """
    base = contest.net_difference(economics)
    rows = []
    for field in fields:
        if field not in TORNADO_FIELDS:
            raise ValueError(f"tornado fields must be among {', '.join(TORNADO_FIELDS)}, not {field!r}")
        if field == "value_per_won" and economics.value_column:
            continue
        value = float(getattr(economics, field))
        low_value, high_value = value * low, value * high
        if field == "win_rate":
            low_value, high_value = min(low_value, 1.0), min(high_value, 1.0)
        at_low = contest.net_difference(replace(economics, **{field: low_value}))
        at_high = contest.net_difference(replace(economics, **{field: high_value}))
        rows.append((field, value, low_value, high_value, base, at_low, at_high, abs(at_high - at_low)))
    columns = ["field", "base_value", "low_value", "high_value", "base", "at_low", "at_high", "swing"]
    table = pd.DataFrame(rows, columns=columns)
    return table.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)
