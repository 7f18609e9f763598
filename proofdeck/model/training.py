"""The model: a scikit-learn Pipeline fitted on a stratified, seeded train split.

Every number a page shows comes from the held-out split, which the model never sees.
Each original column gets its own transformer in the ColumnTransformer, so any transformed
feature maps back to the column it came from (used to group SHAP contributions).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from threadpoolctl import threadpool_limits

from proofdeck.data.datasets import Dataset
from proofdeck.data.spec import ModelSpec

MODEL_NAMES = {
    "gradient_boosting": "gradient-boosted trees",
    "logistic_regression": "logistic regression",
}
FITTED = "fitted"  # a team's own model, fitted outside Proofdeck (proofdeck/model/fitted.py)


@dataclass(frozen=True)
class HoldoutSplit:
    """Row positions (not labels) of the train and held-out parts."""

    train: np.ndarray
    test: np.ndarray


def holdout_split(labels: np.ndarray, test_size: float, seed: int) -> HoldoutSplit:
    """Stratified, seeded split of row positions, so the outcome rate is the same in both."""
    positions = np.arange(len(labels))
    train, test = train_test_split(
        positions, test_size=test_size, random_state=seed, stratify=labels
    )
    return HoldoutSplit(train=np.sort(train), test=np.sort(test))


def split_feature_kinds(frame: pd.DataFrame, features: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """Numeric columns (including 0/1 flags) and categorical ones (text, booleans)."""
    numeric, categorical = [], []
    for name in features:
        series = frame[name]
        if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
            numeric.append(name)
        else:
            categorical.append(name)
    return numeric, categorical


def _column_transformer(numeric: list[str], categorical: list[str], scale: bool) -> ColumnTransformer:
    steps = []
    for index, name in enumerate(numeric):
        imputer = SimpleImputer(strategy="median", add_indicator=True, keep_empty_features=True)
        pipe = make_pipeline(imputer, StandardScaler()) if scale else make_pipeline(imputer)
        steps.append((f"c{index}", pipe, [name]))
    for index, name in enumerate(categorical, start=len(numeric)):
        pipe = make_pipeline(
            SimpleImputer(strategy="constant", fill_value="(missing)", keep_empty_features=True),
            OneHotEncoder(handle_unknown="infrequent_if_exist", min_frequency=5, sparse_output=False),
        )
        steps.append((f"c{index}", pipe, [name]))
    return ColumnTransformer(steps, remainder="drop", sparse_threshold=0.0)


def build_pipeline(kind: str, numeric: list[str], categorical: list[str], seed: int) -> Pipeline:
    """The unfitted pipeline for a model kind named in a spec."""
    if kind == "gradient_boosting":
        estimator = HistGradientBoostingClassifier(
            max_iter=200,
            learning_rate=0.06,
            max_leaf_nodes=15,
            min_samples_leaf=40,
            l2_regularization=1.0,
            early_stopping=True,
            validation_fraction=0.15,
            n_iter_no_change=20,
            random_state=seed,
        )
        scale = False
    elif kind == "logistic_regression":
        estimator = LogisticRegression(max_iter=2000, C=1.0)
        scale = True
    else:
        raise ValueError(f"unknown model kind {kind!r}")
    return Pipeline(
        [("prepare", _column_transformer(numeric, categorical, scale)), ("model", estimator)]
    )


@dataclass
class TrainedModel:
    """A fitted pipeline and what it was trained on.

    ``kind`` is a model kind of a spec, or :data:`FITTED` for a team's own model, whose
    ``description`` names it ("HistGradientBoostingClassifier in a pipeline") and whose
    ``positive_index`` is the column of ``predict_proba`` that holds the outcome to find.
    """

    pipeline: Pipeline
    kind: str
    features: tuple[str, ...]
    numeric: list[str]
    categorical: list[str]
    description: str = ""
    positive_index: int = 1

    @property
    def fitted_elsewhere(self) -> bool:
        return self.kind == FITTED

    @property
    def name(self) -> str:
        return self.description if self.fitted_elsewhere else MODEL_NAMES[self.kind]

    def score(self, frame: pd.DataFrame) -> np.ndarray:
        """Probability of the positive outcome for each row."""
        with threadpool_limits(limits=fitting_threads(len(frame), len(self.features))):
            return positive_scores(self.pipeline, frame.loc[:, list(self.features)], self.positive_index)

    @property
    def source_columns(self) -> list[str]:
        """For each transformed feature, the original column it came from."""
        prepare: ColumnTransformer = self.pipeline.named_steps["prepare"]
        by_step = {step: columns[0] for step, _, columns in prepare.transformers_ if step != "remainder"}
        return [by_step[name.split("__", 1)[0]] for name in prepare.get_feature_names_out()]


# Rows are scored in batches whose length is a multiple of this. BLAS computes a matrix product
# in groups of rows and the rows left over after the last full group by another code path,
# whose sums can differ in the last bit; padding every batch to a whole number of groups sends
# every row down the same path, so a row's score does not depend on how the table was cut into
# pieces (the app, pandas chunks, Dask partitions and Spark batches all give the same bits).
SCORING_ROWS_MULTIPLE = 64


def positive_scores(pipeline, features: pd.DataFrame, positive_index: int = 1) -> np.ndarray:
    """The positive class's probability for each row, the same bits however rows are batched."""
    rows = len(features)
    if rows == 0:
        return np.empty(0, dtype=float)
    padding = -rows % SCORING_ROWS_MULTIPLE
    if padding:
        features = pd.concat([features, features.iloc[[-1] * padding]])
    return np.asarray(pipeline.predict_proba(features)[:rows, positive_index], dtype=float)


# Work (rows x columns) below which one thread is enough. OpenMP threads that fight other
# processes (or other viewers' fits) for the cores cost far more than the work itself: on a
# busy 2-core machine a 0.25 s fit took up to 45 s with all threads, 0.4 s with one.
SINGLE_THREAD_WORK = 20_000_000


def fitting_threads(rows: int, columns: int) -> int:
    """Threads for fitting and scoring: one for small data, all cores only for large data."""
    if rows * max(columns, 1) < SINGLE_THREAD_WORK:
        return 1
    return max(os.cpu_count() or 1, 1)


def train_model(dataset: Dataset, split: HoldoutSplit, settings: ModelSpec) -> TrainedModel:
    """Fit the spec's model kind on the train rows only."""
    frame = dataset.frame.iloc[split.train]
    numeric, categorical = split_feature_kinds(dataset.frame, dataset.features)
    pipeline = build_pipeline(settings.kind, numeric, categorical, settings.seed)
    threads = fitting_threads(len(frame), len(dataset.features))
    with threadpool_limits(limits=threads):
        pipeline.fit(frame.loc[:, list(dataset.features)], dataset.labels[split.train])
    return TrainedModel(pipeline, settings.kind, dataset.features, numeric, categorical)
