"""The two-model (T-learner) estimate of what the action changes for each example.

One classifier learns the outcome among the train rows that got the action in the past
campaign, another among those that did not; an example's estimated change is the difference of
the two probabilities, in the direction the action works (:func:`won_outcome`). Both use the
spec's model kind and the same train split as the risk model, so every figure is measured on
rows neither model saw.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from proofdeck.data.datasets import Dataset, positive_mask
from proofdeck.data.spec import CONVERTS, ModelSpec, UpliftSpec
from proofdeck.model.training import HoldoutSplit, build_pipeline, fitting_threads, split_feature_kinds

MIN_PER_ARM = 50  # fewer train rows on one side of the campaign and no model of it means much


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


@dataclass
class TwoModels:
    """The fitted pair: the outcome's probability with the action and without it."""

    with_action: object
    without_action: object
    features: tuple[str, ...]

    def probabilities(self, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """(p_with, p_without): each row's probability of the outcome (the label, as the risk
        model scores it) if it gets the action, and if it does not."""
        columns = frame.loc[:, list(self.features)]
        with threadpool_limits(limits=fitting_threads(len(frame), len(self.features))):
            return (self.with_action.predict_proba(columns)[:, 1],
                    self.without_action.predict_proba(columns)[:, 1])


def fit_two_models(dataset: Dataset, split: HoldoutSplit, treated: np.ndarray, settings: ModelSpec) -> TwoModels:
    """Fit one model on the treated train rows and one on the untreated ones.

    Raises
    ------
    ValueError
        When one side of the campaign has fewer than :data:`MIN_PER_ARM` train rows, or only
        one outcome, so its model would mean nothing.
    """
    numeric, categorical = split_feature_kinds(dataset.frame, dataset.features)
    fitted = []
    for arm in (True, False):
        rows = split.train[treated[split.train] == arm]
        labels = dataset.labels[rows]
        if rows.size < MIN_PER_ARM or labels.all() or not labels.any():
            raise ValueError(f"the {'treated' if arm else 'untreated'} train rows are too few to learn from")
        pipeline = build_pipeline(settings.kind, numeric, categorical, settings.seed)
        frame = dataset.frame.iloc[rows].loc[:, list(dataset.features)]
        with threadpool_limits(limits=fitting_threads(len(frame), len(dataset.features))):
            pipeline.fit(frame, labels)
        fitted.append(pipeline)
    return TwoModels(fitted[0], fitted[1], dataset.features)
