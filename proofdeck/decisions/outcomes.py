"""Business outcomes of acting on some examples: counts and money, per period.

One formula serves every caller: :func:`outcome_arrays` works on numpy arrays of raw held-out
counts (one entry per operating point), and :class:`Outcome` is a single point of it. Counts
and money are scaled from the held-out sample to the spec's population and period.

Conventions for empty denominators: hit rate is NaN when nothing is acted on, coverage is NaN
when there are no positives, ROI and value-to-cost are NaN when nothing is spent, cost per won
is NaN when nothing is won. Pages show NaN as "—".
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from proofdeck.data.spec import Economics


@dataclass(frozen=True)
class Totals:
    """Held-out totals every operating point shares."""

    examples: int
    positives: int
    positive_value: float  # sum of the per-example value over positives

    @classmethod
    def of(cls, labels: np.ndarray, values: np.ndarray) -> Totals:
        labels = np.asarray(labels, dtype=bool)
        return cls(int(labels.size), int(labels.sum()), float(np.asarray(values)[labels].sum()))


@dataclass(frozen=True)
class Outcome:
    """What one policy does, per period, in business terms.

    Counts are scaled to the population (so they may be fractional); shares are not scaled.
    """

    actions: float
    reached: float
    missed: float
    unneeded: float
    left_alone: float
    won: float
    spend: float
    value_won: float
    missed_value: float
    missed_winnable: float
    miss_cost: float
    net_value: float
    roi: float
    cost_per_won: float
    value_to_cost: float
    share_acted: float
    hit_rate: float
    coverage: float

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray], index: int = 0) -> Outcome:
        return cls(**{f.name: float(np.asarray(arrays[f.name]).reshape(-1)[index]) for f in fields(cls)})


def _ratio(top: np.ndarray, bottom: np.ndarray) -> np.ndarray:
    top, bottom = np.broadcast_arrays(np.asarray(top, dtype=float), np.asarray(bottom, dtype=float))
    out = np.full(top.shape, np.nan)
    np.divide(top, bottom, out=out, where=bottom != 0)
    return out


def outcome_arrays(
    actions: np.ndarray,
    reached: np.ndarray,
    value_reached: np.ndarray,
    totals: Totals,
    economics: Economics,
) -> dict[str, np.ndarray]:
    """Business outcomes for arrays of raw held-out counts.

    Parameters
    ----------
    actions : examples acted on, per operating point (held-out count).
    reached : positives among them.
    value_reached : sum of the per-example value over the reached positives (used only
        when the economics name a value column).
    totals : held-out totals.
    economics : the unit economics (and the population used for scaling).
    """
    actions = np.asarray(actions, dtype=float)
    reached = np.asarray(reached, dtype=float)
    value_reached = np.asarray(value_reached, dtype=float)
    scale = economics.scale_for(totals.examples)
    # Per-example values count only with a value column; otherwise each positive is worth
    # value_per_won, whatever values were passed.
    if economics.value_column:
        worth_reached, worth_all = value_reached, totals.positive_value
    else:
        worth_reached = reached * economics.value_per_won
        worth_all = totals.positives * economics.value_per_won
    missed_raw = totals.positives - reached
    won = economics.win_rate * reached * scale
    spend = economics.cost_per_action * actions * scale + np.where(actions > 0, economics.fixed_cost, 0.0)
    value_won = economics.win_rate * worth_reached * scale
    miss_cost = economics.cost_per_miss * missed_raw * scale
    # ROI counts the miss costs avoided too, so it is the gain over doing nothing per unit spent.
    avoided = economics.cost_per_miss * reached * scale
    return {
        "actions": actions * scale,
        "reached": reached * scale,
        "missed": missed_raw * scale,
        "unneeded": (actions - reached) * scale,
        "left_alone": (totals.examples - actions - missed_raw) * scale,
        "won": won,
        "spend": spend,
        "value_won": value_won,
        "missed_value": (worth_all - worth_reached) * scale,
        # What the action would have won from the missed positives: the same basis as value
        # won, so the two can stand side by side ("$922k kept; $669k more if reached").
        "missed_winnable": economics.win_rate * (worth_all - worth_reached) * scale,
        "miss_cost": miss_cost,
        "net_value": value_won - spend - miss_cost,
        "roi": _ratio(value_won + avoided - spend, spend),
        "cost_per_won": _ratio(spend, won),
        "value_to_cost": _ratio(value_won, spend),
        "share_acted": _ratio(actions, np.float64(totals.examples)),
        "hit_rate": _ratio(reached, actions),
        "coverage": _ratio(reached, np.float64(totals.positives)),
    }


def policy_weights(policy: np.ndarray) -> np.ndarray:
    """A policy as the chance it acts on each example, between 0 and 1.

    Today's rule is flags (True acts, False does not: weights 1 and 0). A random pick of k of
    n examples is the weight k / n on every example: a sum over those weights is exactly what
    a random pick reaches on average, so no single seeded draw stands in for the baseline.

    Raises
    ------
    ValueError
        For weights that are not finite numbers between 0 and 1.
    """
    weights = np.asarray(policy)
    if weights.dtype == bool:
        return weights.astype(float)
    weights = weights.astype(float)
    if weights.size and not (np.isfinite(weights).all() and weights.min() >= 0 and weights.max() <= 1):
        raise ValueError("a policy's weights must be numbers between 0 and 1 (the chance of acting on each example)")
    return weights


def is_row_level(policy: np.ndarray) -> bool:
    """True when the policy says yes or no for every example (a rule's flags), False for a
    random pick's weights (a chance, which says nothing about any one example)."""
    weights = policy_weights(policy)
    return bool(np.isin(weights, (0.0, 1.0)).all())


def as_flags(policy: np.ndarray) -> np.ndarray:
    """The policy as one yes or no per example.

    Raises
    ------
    ValueError
        For a random pick's weights: which examples one random pick acts on is chance, so
        showing them as the baseline's decisions would present one draw as the baseline.
    """
    if not is_row_level(policy):
        raise ValueError("a random pick has no decision for any one example: only its expectation is used")
    return policy_weights(policy).astype(bool)


def policy_size(policy: np.ndarray) -> int:
    """How many examples the policy acts on (for a random pick, the size of the pick)."""
    return int(round(float(policy_weights(policy).sum())))


def outcome_of_flags(
    flags: np.ndarray, labels: np.ndarray, values: np.ndarray, economics: Economics
) -> Outcome:
    """Outcome of acting on exactly the flagged examples (e.g. today's rule).

    ``flags`` may also be weights (see :func:`policy_weights`): the outcome is then the
    expected one, e.g. a random pick of k of n reaching k * P / n of the P positives.
    """
    labels = np.asarray(labels, dtype=bool)
    if not is_row_level(flags):
        weights = policy_weights(flags)
        worth = weights * labels
        return Outcome.from_arrays(outcome_arrays(
            np.array([weights.sum()]), np.array([worth.sum()]),
            np.array([(worth * np.asarray(values, dtype=float)).sum()]), Totals.of(labels, values), economics,
        ))
    flags = np.asarray(flags, dtype=bool)
    hits = flags & labels
    arrays = outcome_arrays(
        np.array([flags.sum()]),
        np.array([hits.sum()]),
        np.array([np.asarray(values, dtype=float)[hits].sum()]),
        Totals.of(labels, values),
        economics,
    )
    return Outcome.from_arrays(arrays)
