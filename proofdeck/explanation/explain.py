"""Why one example got its score: per-column contributions, reasons in words, and what-if.

The explainer works in the model's own units (log-odds): for every row, the base value plus
the contributions of all transformed features equals the model's log-odds exactly, so the
parts always add up to the score a page shows. Contributions of the parts one column was
split into (one-hot categories, a missing-value indicator) are summed back into that column,
because people think in columns ("Contract"), not in encoded parts.

shap is imported inside the functions that need it: importing it takes up to a second or more and
the app must not pay that at start, only when someone opens an example.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from proofdeck.model.training import TrainedModel
from proofdeck.words.wording import share

MAX_BACKGROUND = 300
Labels = Callable[[str], str] | Mapping[str, str]


@dataclass(frozen=True)
class Explanation:
    """Contributions for a batch of rows, in log-odds.

    Attributes
    ----------
    base_value : the model's average log-odds (the starting point before any column).
    raw : contributions per transformed feature, shape (n rows, n transformed features).
    by_column : contributions summed per original column, shape (n rows, n feature columns),
        indexed like the frame that was explained.
    log_odds : ``base_value + raw.sum(axis=1)``, the model's log-odds for each row.
    probability : ``1 / (1 + exp(-log_odds))``, the model's score for each row.
    """

    base_value: float
    raw: np.ndarray
    by_column: pd.DataFrame
    log_odds: np.ndarray
    probability: np.ndarray

    def __len__(self) -> int:
        return len(self.by_column)

    def row(self, position: int = 0) -> pd.Series:
        """Per-column contributions of one explained row (by position)."""
        return self.by_column.iloc[position]


def group_by_source(raw: np.ndarray, source_columns: Sequence[str]) -> pd.DataFrame:
    """Sum contributions of transformed features back into the columns they came from.

    Parameters
    ----------
    raw : array of shape (n rows, n transformed features).
    source_columns : for each transformed feature, its original column
        (``TrainedModel.source_columns``).

    Returns
    -------
    pd.DataFrame
        One column per original column, in order of first appearance.
    """
    raw = np.atleast_2d(np.asarray(raw, dtype=float))
    if raw.shape[1] != len(source_columns):
        raise ValueError(
            f"{raw.shape[1]} contributions but {len(source_columns)} source columns"
        )
    columns = list(dict.fromkeys(source_columns))
    where = {name: index for index, name in enumerate(columns)}
    # A 0/1 membership matrix turns the grouping into one matrix product.
    membership = np.zeros((len(source_columns), len(columns)))
    membership[np.arange(len(source_columns)), [where[name] for name in source_columns]] = 1.0
    return pd.DataFrame(raw @ membership, columns=columns)


def _positive_class(values: Any, expected: Any) -> tuple[np.ndarray, float]:
    """Contributions and base value of the positive class, whatever shape shap returned.

    shap 0.51 gives a 2-D array and a length-1 ``expected_value`` for
    HistGradientBoostingClassifier, and a 2-D array and a scalar for LinearExplainer; other
    versions have returned a list per class or a 3-D array, so all are accepted.
    """
    if isinstance(values, list):
        values = values[-1]
    values = np.asarray(values, dtype=float)
    if values.ndim == 3:
        values = values[:, :, -1]
    base = np.ravel(np.asarray(expected, dtype=float))
    return np.atleast_2d(values), float(base[-1])


class ModelExplainer:
    """Explains a trained model's scores; build it with :func:`make_explainer`."""

    def __init__(self, model: TrainedModel, explainer: Any):
        self.model = model
        self._explainer = explainer
        self._prepare = model.pipeline.named_steps["prepare"]
        self._sources = model.source_columns

    @property
    def columns(self) -> list[str]:
        """The original feature columns, in the model's order."""
        return list(self.model.features)

    def explain(self, frame: pd.DataFrame) -> Explanation:
        """Contributions of every column to the score of each row.

        Parameters
        ----------
        frame : raw rows holding (at least) the model's feature columns.

        Returns
        -------
        Explanation
            With ``by_column`` indexed like ``frame``.
        """
        matrix = self._prepare.transform(frame.loc[:, self.columns])
        values, base = _positive_class(
            self._explainer.shap_values(np.asarray(matrix, dtype=float)),
            self._explainer.expected_value,
        )
        by_column = group_by_source(values, self._sources)
        by_column = by_column.reindex(columns=self.columns, fill_value=0.0)
        by_column.index = frame.index
        log_odds = base + values.sum(axis=1)
        return Explanation(
            base_value=base,
            raw=values,
            by_column=by_column,
            log_odds=log_odds,
            probability=1.0 / (1.0 + np.exp(-log_odds)),
        )


def make_explainer(
    model: TrainedModel, background: pd.DataFrame, max_background: int = MAX_BACKGROUND, seed: int = 0
) -> ModelExplainer:
    """Build the explainer for a trained model.

    Parameters
    ----------
    model : the fitted model.
    background : raw rows standing for "a typical example" (e.g. the training rows). Used by
        the linear explainer, which measures each contribution against the average of up to
        ``max_background`` of these rows. The tree explainer ignores it: it reads the
        averages stored in the trees, which is exact and faster.
    max_background : cap on background rows, sampled with ``seed``.

    Returns
    -------
    ModelExplainer
    """
    if model.fitted_elsewhere:  # a team's own model: pipelines, trees, linear or a black box
        from proofdeck.explanation.fitted import make_fitted_explainer

        return make_fitted_explainer(model, background, seed=seed)
    import shap  # lazy: about a second to import, paid only when examples are explained

    estimator = model.pipeline.named_steps["model"]
    if model.kind == "gradient_boosting":
        return ModelExplainer(model, shap.TreeExplainer(estimator))
    if model.kind == "logistic_regression":
        if len(background) == 0:
            raise ValueError("the linear explainer needs at least one background row")
        if len(background) > max_background:
            background = background.sample(n=max_background, random_state=seed)
        prepare = model.pipeline.named_steps["prepare"]
        matrix = np.asarray(prepare.transform(background.loc[:, list(model.features)]), dtype=float)
        return ModelExplainer(model, shap.LinearExplainer(estimator, matrix))
    raise ValueError(f"no explainer for model kind {model.kind!r}")


def importance(explainer: ModelExplainer, frame: pd.DataFrame, max_rows: int = 2000, seed: int = 0) -> pd.Series:
    """How much each column moves scores on average: mean absolute contribution.

    Parameters
    ----------
    explainer : from :func:`make_explainer`.
    frame : raw rows, e.g. the held-out examples.
    max_rows : explain a seeded random sample of at most this many rows (keeps it fast).
    seed : the sample's seed.

    Returns
    -------
    pd.Series
        One entry per original column, largest first.
    """
    return column_importance(sample_contributions(explainer, frame, max_rows, seed))


def sample_contributions(explainer: ModelExplainer, frame: pd.DataFrame, max_rows: int = 2000,
                         seed: int = 0) -> pd.DataFrame:
    """Per-column contributions of a seeded random sample of at most ``max_rows`` rows (all
    rows when there are fewer): what :func:`importance` averages, kept for grouping too."""
    if len(frame) > max_rows:
        frame = frame.sample(n=max_rows, random_state=seed)
    return explainer.explain(frame).by_column


def column_importance(by_column: pd.DataFrame) -> pd.Series:
    """Mean absolute contribution of each column, largest first."""
    return by_column.abs().mean().sort_values(ascending=False, kind="stable").rename("importance")


# --- words -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reason:
    """One column's part in a score, ready to be written down.

    Attributes
    ----------
    column : the original column name.
    label : its business label, e.g. "Support tickets (90 days)".
    value_text : its value for this example as people read it, e.g. "3", "unknown".
    contribution : how far it moves the score, in log-odds (positive pushes it up).
    direction : "up" or "down".
    """

    column: str
    label: str
    value_text: str
    contribution: float
    direction: str

    @property
    def text(self) -> str:
        """"Contract: month-to-month"."""
        return f"{self.label}: {self.value_text}"


def label_of(labels: Labels | None, column: str) -> str:
    """A column's business label from a dict or a function, else the name made readable."""
    if callable(labels):
        return labels(column)
    if labels is not None and column in labels:
        return labels[column]
    return column.replace("_", " ").capitalize()


def _is_missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # lists and other non-scalars are not "missing"
        return False


def value_text(value: Any, flag: bool = False) -> str:
    """A raw value as people read it: "unknown" when missing, numbers rounded and grouped.

    Examples: 3.0 -> "3", 1072.63 -> "1,073", 60.74 -> "60.7", 0.1234 -> "0.12", True -> "yes".
    A yes/no column stored as 0/1 (``flag=True``) reads "yes" or "no", never "1" or "0".
    """
    if _is_missing(value):
        return "unknown"
    if flag and isinstance(value, numbers.Number) and float(value) in (0.0, 1.0):
        return "yes" if float(value) == 1.0 else "no"
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, numbers.Number):
        number = float(value)
        if math.isinf(number):
            return "unknown"
        if number.is_integer() and abs(number) < 1e15:
            return f"{int(number):,}"
        size = abs(number)
        if size >= 100:
            return f"{number:,.0f}"
        if size >= 10:
            return f"{number:.1f}"
        if size >= 1:
            return f"{number:.2f}".rstrip("0").rstrip(".")
        return f"{number:.2g}"
    text = str(value).strip()
    return text or "unknown"


def top_reasons(
    contributions: pd.Series, row: pd.Series, labels: Labels | None, n: int = 3,
    flag_columns: frozenset[str] | set[str] = frozenset(),
) -> list[Reason]:
    """The ``n`` columns that move this example's score most, either way.

    Parameters
    ----------
    contributions : per-column contributions of one row (``Explanation.row(i)``).
    row : the example's raw values, indexed by column.
    labels : business labels, a dict or a function such as ``DemoSpec.label``.
    n : how many reasons to return.
    flag_columns : yes/no columns stored as 0/1, whose values read "yes"/"no".

    Returns
    -------
    list[Reason]
        Largest absolute contribution first; columns that made no difference are left out.
    """
    ordered = contributions.abs().sort_values(ascending=False, kind="stable")
    reasons = []
    for column in ordered.index[:n]:
        amount = float(contributions[column])
        if abs(amount) < 1e-12:
            break
        reasons.append(
            Reason(
                column=column,
                label=label_of(labels, column),
                value_text=value_text(row.get(column), flag=column in flag_columns),
                contribution=amount,
                direction="up" if amount > 0 else "down",
            )
        )
    return reasons


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _join_listed(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return "; ".join(parts[:-1]) + "; and " + parts[-1]


def explanation_sentence(
    score_name: str,
    probability: float,
    reasons: Sequence[Reason],
    cutoff: float,
    acted: bool | None = None,
) -> str:
    """Plain sentences saying where the score stands against the cut-off, and why.

    E.g. "Churn risk is 71%, above the cut-off of 38%. Raised most by Contract:
    month-to-month and Support tickets (90 days): 3; lowered by Tenure (months): 40."

    The score is placed against the page's current cut-off, never called "high" or "low" on
    its own, so a sentence cannot contradict a story's title ("a fraud the model misses").

    Parameters
    ----------
    score_name : the demo's name for the score, e.g. "churn risk".
    probability : this example's score.
    reasons : from :func:`top_reasons`, or per concept from
        :func:`proofdeck.explanation.groups.top_group_reasons` (anything with ``text`` and
        ``direction``).
    cutoff : the lowest score the model acts on at the page's setting (inf: nobody).
    acted : whether the model acts on this example (scores can tie at the cut-off, and then
        the order decides); by default, whether the score reaches the cut-off.
    """
    acted = probability >= cutoff if acted is None else acted
    name = f"{score_name[:1].upper()}{score_name[1:]}"
    if not np.isfinite(cutoff):
        place = "; at this setting nobody is picked"
    elif acted:
        place = f", above the cut-off of {share(cutoff)}" if probability > cutoff else f", at the cut-off of {share(cutoff)}"
    else:
        place = f", below the cut-off of {share(cutoff)}" if probability < cutoff else (
            f", at the cut-off of {share(cutoff)} but after others with the same score"
        )
    opening = f"{name} is {share(probability)}{place}."
    up = [r.text for r in reasons if r.direction == "up"]
    down = [r.text for r in reasons if r.direction == "down"]
    # A group's reason lists its columns with commas ("Billing: monthly charges 105, payment
    # method electronic check"), so reasons are then kept apart by semicolons, and the two
    # directions by a full stop, or the reader cannot tell where one group ends.
    listed = any(", " in text for text in up + down)
    join = _join_listed if listed else _join
    parts = []
    if up:
        parts.append(f"raised most by {join(up)}")
    if down:
        parts.append(f"{'lowered most' if not up else 'lowered'} by {join(down)}")
    if not parts:
        return opening
    return " ".join([opening, *(f"{part[:1].upper()}{part[1:]}." for part in parts)]) if listed else (
        f"{opening} {'; '.join(parts)[:1].upper()}{'; '.join(parts)[1:]}.")


# --- what-if ---------------------------------------------------------------------------------


def row_frame(model: TrainedModel, row: Mapping[str, Any] | pd.Series, name: Any = 0) -> pd.DataFrame:
    """A one-row frame of the model's columns with types the pipeline accepts.

    A row taken out of a frame (or edited in a form) loses its column types, so numbers are
    made numeric and missing text becomes NaN, which the pipeline reads as "missing".
    Columns the row lacks are treated as unknown.
    """
    if isinstance(row, pd.Series):
        name = row.name
    frame = pd.DataFrame({column: [row.get(column, np.nan)] for column in model.features}, index=[name])
    for column in model.numeric:
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    for column in model.categorical:
        # object dtype with NaN: an all-missing column would otherwise read as numbers.
        values = frame[column].astype(object)
        frame[column] = values.where(values.notna(), np.nan)
    return frame


def what_if(
    model: TrainedModel, explainer: ModelExplainer, row: pd.Series, changes: Mapping[str, object]
) -> tuple[float, Explanation]:
    """The score and explanation of an example after changing some of its values.

    Parameters
    ----------
    model : the fitted model.
    explainer : from :func:`make_explainer` for the same model.
    row : the example's raw values; it is copied, never modified.
    changes : new values by column; None (or NaN) means "unknown".

    Returns
    -------
    (probability, Explanation)

    Raises
    ------
    ValueError
        When a change names a column the model does not use, or gives text for a number.
    """
    changed = row.to_dict()  # a plain copy: the caller's row is never touched
    for column, value in changes.items():
        if column not in model.features:
            raise ValueError(f"'{column}' is not one of the columns the model uses")
        if column in model.numeric and not _is_missing(value):
            try:
                value = float(value)
            except (TypeError, ValueError):
                raise ValueError(f"'{column}' needs a number, got {value!r}") from None
        changed[column] = value
    explanation = explainer.explain(row_frame(model, changed, name=row.name))
    return float(explanation.probability[0]), explanation
