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

    Returns
    -------
    One array per :class:`Outcome` field (counts and money per period). Spend is cost per
    action x actions, plus the fixed cost once anyone is acted on; value won is win rate x the
    worth of the reached positives; net value is value won - spend - cost per miss x missed;
    ROI is (value won + miss costs avoided - spend) / spend; cost per won (CAC) is spend / won.

    Examples
    --------
    Ten held-out customers, three of them churners. An offer costs $20, and keeps half of the
    churners it reaches, each worth $200. Acting on nobody, on 2 (both churners) and on 4 (2
    churners): spend is 0, 40, 80; value won 0.5 x 200 x reached = 0, 200, 200.

    >>> import numpy as np
    >>> from proofdeck.data.spec import Economics
    >>> economics = Economics(cost_per_action=20, value_per_won=200, win_rate=0.5)
    >>> totals = Totals(examples=10, positives=3, positive_value=0.0)
    >>> out = outcome_arrays(np.array([0, 2, 4]), np.array([0, 2, 2]), np.zeros(3), totals, economics)
    >>> out["spend"].tolist(), out["net_value"].tolist()
    ([0.0, 40.0, 80.0], [0.0, 160.0, 120.0])
    >>> out["roi"].tolist(), out["cost_per_won"].tolist()  # nothing spent, nothing won: no ratio
    ([nan, 4.0, 1.5], [nan, 40.0, 80.0])

    A churner missed costs $50 more: acting on 2 misses 1, so the net value is
    200 - 40 - 50 = 110, and ROI counts the 2 x 50 avoided: (200 + 100 - 40) / 40 = 6.5.

    >>> missing = Economics(cost_per_action=20, value_per_won=200, win_rate=0.5, cost_per_miss=50)
    >>> out = outcome_arrays(np.array([0, 2, 4]), np.array([0, 2, 2]), np.zeros(3), totals, missing)
    >>> out["net_value"].tolist(), out["roi"].tolist()
    ([-150.0, 110.0, 70.0], [nan, 6.5, 2.75])
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

    Examples
    --------
    Today's rule flags the first 4 of 10 held-out customers and reaches 2 of the 3 churners.
    An offer costs $20 and keeps half of the churners it reaches, each worth $200: spend
    4 x 20 = 80, 1 churner kept, value won 0.5 x 2 x 200 = 200, net value 200 - 80 = 120, ROI
    (200 - 80) / 80 = 150%, cost per kept churner 80 / 1 = 80.

    >>> import numpy as np
    >>> from proofdeck.data.spec import Economics
    >>> flags = np.array([1, 1, 1, 1, 0, 0, 0, 0, 0, 0], dtype=bool)
    >>> churned = np.array([1, 0, 1, 0, 1, 0, 0, 0, 0, 0], dtype=bool)
    >>> economics = Economics(cost_per_action=20, value_per_won=200, win_rate=0.5)
    >>> outcome = outcome_of_flags(flags, churned, np.ones(10), economics)
    >>> outcome.actions, outcome.reached, outcome.missed, outcome.won
    (4.0, 2.0, 1.0, 1.0)
    >>> outcome.spend, outcome.value_won, outcome.net_value, outcome.roi, outcome.cost_per_won
    (80.0, 200.0, 120.0, 1.5, 80.0)

    Per quarter for 1,000 customers (100 times the held-out 10), with a fixed cost of $1,000:
    spend 20 x 400 + 1,000 = 9,000, value won 20,000, 100 churners kept at 90 each.

    >>> quarter = Economics(cost_per_action=20, value_per_won=200, win_rate=0.5,
    ...                     fixed_cost=1000, population=1000, period="quarter")
    >>> outcome = outcome_of_flags(flags, churned, np.ones(10), quarter)
    >>> outcome.actions, outcome.spend, outcome.value_won, outcome.net_value
    (400.0, 9000.0, 20000.0, 11000.0)
    >>> outcome.won, outcome.cost_per_won, round(outcome.roi, 3)
    (100.0, 90.0, 1.222)
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
