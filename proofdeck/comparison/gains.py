"""Gains and lift: how much better than random targeting the model's ranking is."""

from __future__ import annotations

import numpy as np

from proofdeck.comparison.compare import top_k_flags
from proofdeck.decisions.outcomes import policy_weights
from proofdeck.decisions.sweep import ThresholdSweep

# --- gains and lift ------------------------------------------------------------------------


def _share(top: np.ndarray | float, bottom: float) -> np.ndarray:
    top = np.asarray(top, dtype=float)
    if bottom == 0:
        return np.full(top.shape, np.nan)
    return top / bottom


def gains_curve(scores: np.ndarray, labels: np.ndarray) -> dict[str, np.ndarray]:
    """Share of examples acted on against share of all positives reached, best scores first.

    The model's curve has one point per possible cut-off (examples with equal scores are taken
    together, so ties draw a straight segment), from (0, 0) to (1, 1). Shares of positives
    are NaN when there are none.

    Returns
    -------
    dict
        ``share_acted``, ``share_reached``, ``cutoff`` (the score cut-off of each point, inf
        for "act on nobody"): the model's curve. ``perfect_share_acted`` and
        ``perfect_share_reached``: a ranking that puts every positive first.
        ``random_share_acted`` and ``random_share_reached``: choosing at random (the diagonal).
    """
    sweep = ThresholdSweep(scores, labels)
    n, positives = sweep.size, sweep.totals.positives
    counts = sweep.cut_counts
    positive_share = positives / n if n else float("nan")
    return {
        "share_acted": _share(counts, n),
        "share_reached": _share(sweep.cum_reached[counts], positives),
        "cutoff": sweep.cut_thresholds,
        "perfect_share_acted": np.array([0.0, positive_share, 1.0]),
        "perfect_share_reached": np.array([0.0, 1.0, 1.0]) if positives else np.full(3, np.nan),
        "random_share_acted": np.array([0.0, 1.0]),
        "random_share_reached": np.array([0.0, 1.0]),
    }


def gains_point(flags: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """(share of examples acted on, share of all positives reached) of any set of flags.

    Use it for the rule's point on the gains chart, or the model's at the current cut-off
    (``cutoff_flags(scores, cutoff)``). The second share is NaN when there are no positives.
    A random pick's weights (k / n on every example) give its average: (k / n, k / n).
    """
    weights = policy_weights(flags)
    labels = np.asarray(labels, dtype=bool)
    return (
        float(_share(weights.sum(), weights.size)),
        float(_share((weights * labels).sum(), labels.sum())),
    )


def lift_at(scores: np.ndarray, labels: np.ndarray, k: int) -> float:
    """How many times better than random the model's top k are at reaching positives.

    The share of all positives among the top k (ties broken by position) divided by the
    share of examples acted on, k / n. Random choice scores 1; NaN when k is 0 or there are
    no positives.
    """
    labels = np.asarray(labels, dtype=bool)
    k = int(min(max(k, 0), labels.size))
    if k == 0 or not labels.any():
        return float("nan")
    coverage = (top_k_flags(scores, k) & labels).sum() / labels.sum()
    return float(coverage / (k / labels.size))
