"""Technical metrics for the analyst view (never shown in the business view)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score


@dataclass(frozen=True)
class RankingQuality:
    """Threshold-free quality of the scores on held-out data."""

    roc_auc: float
    pr_auc: float
    brier: float
    base_rate: float


def ranking_quality(labels: np.ndarray, scores: np.ndarray) -> RankingQuality:
    """AUCs, the Brier score and the base rate; the Brier score is NaN for scores that are not
    probabilities (a team's own scores outside 0..1, which only rank)."""
    labels = np.asarray(labels, dtype=bool)
    scores = np.asarray(scores, dtype=float)
    chances = bool(scores.size and scores.min() >= 0 and scores.max() <= 1)
    return RankingQuality(
        roc_auc=float(roc_auc_score(labels, scores)),
        pr_auc=float(average_precision_score(labels, scores)),
        brier=float(brier_score_loss(labels, scores)) if chances else float("nan"),
        base_rate=float(labels.mean()),
    )


def f1_from(hit_rate: float, coverage: float) -> float:
    """F1 from precision and recall; NaN when either is undefined, 0 when both are 0."""
    if np.isnan(hit_rate) or np.isnan(coverage):
        return float("nan")
    if hit_rate + coverage == 0:
        return 0.0
    return 2 * hit_rate * coverage / (hit_rate + coverage)
