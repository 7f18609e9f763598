"""The two-model (T-learner) estimate of what the action changes for each example.

One classifier learns the outcome among the train rows that got the action in the past
campaign, another among those that did not; an example's estimated change is the difference of
the two probabilities, in the direction the action works
(:func:`proofdeck.uplift.outcome.won_outcome`). Both use the
spec's model kind and the same train split as the risk model, so every figure is measured on
rows neither model saw.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from proofdeck.data.datasets import Dataset
from proofdeck.data.spec import ModelSpec
from proofdeck.model.training import HoldoutSplit, build_pipeline, fitting_threads, split_feature_kinds

MIN_PER_ARM = 50  # fewer train rows on one side of the campaign and no model of it means much


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
