"""A past campaign's rows: who got the action, and who ended as the action hopes."""

from __future__ import annotations

import numpy as np

from proofdeck.data.datasets import Dataset, positive_mask
from proofdeck.data.spec import CONVERTS, UpliftSpec


def won_outcome(labels: np.ndarray, action_effect: str) -> np.ndarray:
    """1.0 where the example ended as the action hopes, 0.0 elsewhere.

    An action that converts hopes for the outcome (a sale); one that prevents or catches hopes
    for its absence (a subscriber who stays), so its effect is the drop in the outcome's rate.

    >>> won_outcome(np.array([True, False]), "prevents").tolist()
    [0.0, 1.0]
    >>> won_outcome(np.array([True, False]), "converts").tolist()
    [1.0, 0.0]
    """
    labels = np.asarray(labels, dtype=bool)
    return (labels if action_effect == CONVERTS else ~labels).astype(float)


def treated_rows(dataset: Dataset, uplift: UpliftSpec) -> np.ndarray:
    """True for every row (of ``dataset.frame``) that got the action in the past campaign."""
    column = dataset.frame[uplift.treatment_column]
    return positive_mask(column, uplift.treated_value).fillna(False).to_numpy(dtype=bool)
