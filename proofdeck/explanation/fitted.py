"""Explaining a model fitted outside Proofdeck: a pipeline, a tree ensemble, or a black box.

A team's own classifier can be anything with ``predict_proba``. Contributions are still given
per original column and in log-odds, so the pages read them as they read the app's own:

- **Trees** (the last step is a gradient-boosted or random-forest ensemble of scikit-learn, or an
  XGBoost or LightGBM model): SHAP's tree explainer on the columns the preceding steps made,
  summed back into the original columns. Exact and fast. Forests average probabilities, so their
  contributions come in probability; they are rescaled by one factor per row so they add up to
  the row's log-odds (signs and proportions kept).
- **Linear** (the last step is a logistic regression): SHAP's linear explainer, against up to
  100 typical rows. Exact.
- **Anything else** (a support-vector machine, a neural network, a custom wrapper): SHAP's
  kernel explainer treats the model as a black box: it asks the model for scores of the row with
  columns swapped for those of typical rows. Approximate, and each explained row costs
  ``BLACK_BOX_SAMPLES`` x ``BLACK_BOX_BACKGROUND`` model calls, so it is bounded and said.

Which one is used is in :attr:`FittedExplainer.method`, for the pages to say.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from proofdeck.explanation.explain import Explanation, _positive_class, group_by_source
from proofdeck.model.training import TrainedModel

LINEAR_BACKGROUND = 100
BLACK_BOX_BACKGROUND = 25  # typical rows a black-box contribution is measured against
BLACK_BOX_SAMPLES = 300  # coalitions per explained row (shap's nsamples)
BLACK_BOX_IMPORTANCE_ROWS = 60  # rows behind the drivers chart for a black box

TREES, LINEAR, BLACK_BOX = "trees", "linear", "black box"
METHOD_TEXT = {
    TREES: "SHAP's tree explainer (exact)",
    LINEAR: "SHAP's linear explainer (exact)",
    BLACK_BOX: (f"SHAP's kernel explainer, treating the model as a black box (approximate: "
                f"{BLACK_BOX_SAMPLES} samples against {BLACK_BOX_BACKGROUND} typical rows per example)"),
}
_LOG_ODDS_TREES = ("HistGradientBoostingClassifier", "GradientBoostingClassifier", "XGBClassifier",
                   "LGBMClassifier")
_PROBABILITY_TREES = ("RandomForestClassifier", "ExtraTreesClassifier", "DecisionTreeClassifier")
_LINEAR = ("LogisticRegression", "LogisticRegressionCV")


def split_estimator(model: Any) -> tuple[Any | None, Any]:
    """The preparing steps (None if there are none) and the final estimator of a model."""
    steps = getattr(model, "steps", None)
    if not steps:
        return None, model
    from sklearn.pipeline import Pipeline

    prepare = Pipeline(steps[:-1]) if len(steps) > 1 else None
    return prepare, steps[-1][1]


def _sources_of_names(names: Sequence[str], columns: Sequence[str]) -> list[str] | None:
    """Map made-up feature names back to original columns by the longest column they start with."""
    ordered = sorted(map(str, columns), key=len, reverse=True)
    sources = []
    for name in names:
        match = next((c for c in ordered if name == c or name.startswith(c + "_") or name.startswith(c + "=")), None)
        if match is None:
            return None
        sources.append(match)
    return sources


def source_columns(prepare: Any, features: Sequence[str], width: int) -> list[str] | None:
    """For each column the final estimator sees, the original column it came from; None if unknown.

    A ColumnTransformer says which input columns each of its parts took, so every output of a
    part that took one column maps to it; outputs of a part that took several are matched by
    name (``contract_month-to-month`` -> ``contract``). Other steps are matched by name.
    """
    features = [str(name) for name in features]
    if prepare is None:
        return features if width == len(features) else None
    try:
        names = [str(name) for name in prepare.get_feature_names_out(features)]
    except Exception:  # a step without feature names: contributions cannot be put back in columns
        return None
    if len(names) != width:
        return None
    transformer = prepare.steps[-1][1] if hasattr(prepare, "steps") and len(prepare.steps) == 1 else prepare
    parts = getattr(transformer, "transformers_", None)
    if parts is None:
        return _sources_of_names(names, features)
    sources = []
    for name in names:
        part, _, rest = name.partition("__")
        taken = next((list(map(str, np.atleast_1d(cols))) for step, _, cols in parts if step == part), None)
        if taken is None or not rest:
            return None
        if len(taken) == 1:
            sources.append(taken[0])
        else:
            matched = _sources_of_names([rest], taken)
            if matched is None:
                return None
            sources.append(matched[0])
    return sources


def explainer_kind(model: Any, features: Sequence[str], sample: pd.DataFrame) -> str:
    """Which explainer fits this model: :data:`TREES`, :data:`LINEAR` or :data:`BLACK_BOX`."""
    prepare, final = split_estimator(model)
    name = type(final).__name__
    if name not in _LOG_ODDS_TREES + _PROBABILITY_TREES + _LINEAR:
        return BLACK_BOX
    try:
        width = np.asarray(_prepared(prepare, sample.loc[:, list(features)].head(5))).shape[1]
    except Exception:
        return BLACK_BOX
    if source_columns(prepare, features, width) is None:
        return BLACK_BOX
    return LINEAR if name in _LINEAR else TREES


def _prepared(prepare: Any, frame: pd.DataFrame) -> Any:
    matrix = frame if prepare is None else prepare.transform(frame)
    if hasattr(matrix, "toarray"):
        matrix = matrix.toarray()
    return matrix


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(np.asarray(p, dtype=float), 1e-12, 1 - 1e-12)
    return np.log(p / (1 - p))


class FittedExplainer:
    """Explains a model fitted elsewhere (see the module's notes); build with :func:`make_fitted_explainer`."""

    def __init__(self, model: TrainedModel, method: str, explainer: Any, prepare: Any, sources: list[str],
                 probability_output: bool = False):
        self.model = model
        self.method = method
        self._explainer = explainer
        self._prepare = prepare
        self._sources = sources
        self._probability_output = probability_output

    @property
    def columns(self) -> list[str]:
        return list(self.model.features)

    @property
    def method_text(self) -> str:
        return METHOD_TEXT[self.method]

    def explain(self, frame: pd.DataFrame) -> Explanation:
        """Contributions of every original column to each row's log-odds (see :class:`Explanation`)."""
        features = frame.loc[:, self.columns]
        if self.method == BLACK_BOX:
            values = np.atleast_2d(np.asarray(self._explainer.shap_values(
                features.to_numpy(dtype=object), nsamples=BLACK_BOX_SAMPLES, silent=True), dtype=float))
            base = float(np.ravel(self._explainer.expected_value)[-1])
        else:
            matrix = np.asarray(_prepared(self._prepare, features), dtype=float)
            values, base = _positive_class(self._explainer.shap_values(matrix), self._explainer.expected_value)
            if self._probability_output:
                values, base = _to_log_odds(values, base)
        by_column = group_by_source(values, self._sources).reindex(columns=self.columns, fill_value=0.0)
        by_column.index = frame.index
        log_odds = base + values.sum(axis=1)
        return Explanation(base_value=base, raw=values, by_column=by_column, log_odds=log_odds,
                           probability=1.0 / (1.0 + np.exp(-log_odds)))


def _to_log_odds(values: np.ndarray, base: float) -> tuple[np.ndarray, float]:
    """Probability contributions rescaled, one factor per row, to add up to the row's log-odds."""
    probability = base + values.sum(axis=1)
    start, end = _logit(np.array([base]))[0], _logit(probability)
    moved = probability - base
    # Where the row's probability equals the base, its log-odds do too: nothing to rescale.
    factor = np.divide(end - start, moved, out=np.full_like(moved, 1.0 / max(base * (1 - base), 1e-12)),
                       where=np.abs(moved) > 1e-12)
    return values * factor[:, None], float(start)


def make_fitted_explainer(model: TrainedModel, background: pd.DataFrame, seed: int = 0) -> FittedExplainer:
    """The explainer for a model fitted outside Proofdeck.

    Parameters
    ----------
    model : the team's model, wrapped (``kind`` "fitted").
    background : typical rows (held-out rows: the model's own training rows are not here).
    seed : for the samples of background rows.
    """
    import shap  # lazy, as in explain.make_explainer

    if len(background) == 0:
        raise ValueError("explaining a model needs at least one typical row")
    features = list(model.features)
    method = explainer_kind(model.pipeline, features, background)
    prepare, final = split_estimator(model.pipeline)
    if method == BLACK_BOX:
        sample = background.loc[:, features].sample(n=min(BLACK_BOX_BACKGROUND, len(background)), random_state=seed)
        dtypes = background.loc[:, features].dtypes

        def log_odds(rows: np.ndarray) -> np.ndarray:
            frame = pd.DataFrame(rows, columns=features).astype(dtypes.to_dict())
            return _logit(np.asarray(model.pipeline.predict_proba(frame))[:, -1])

        explainer = shap.KernelExplainer(log_odds, sample.to_numpy(dtype=object))
        return FittedExplainer(model, method, explainer, None, features)
    width = np.asarray(_prepared(prepare, background.loc[:, features].head(5))).shape[1]
    sources = source_columns(prepare, features, width)
    if method == LINEAR:
        rows = background.loc[:, features].sample(n=min(LINEAR_BACKGROUND, len(background)), random_state=seed)
        matrix = np.asarray(_prepared(prepare, rows), dtype=float)
        return FittedExplainer(model, method, shap.LinearExplainer(final, matrix), prepare, sources)
    probability_output = type(final).__name__ in _PROBABILITY_TREES
    return FittedExplainer(model, method, shap.TreeExplainer(final), prepare, sources, probability_output)
