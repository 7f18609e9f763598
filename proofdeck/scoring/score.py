"""Score one pandas piece of a table: the one function every engine runs on its pieces.

A row's score depends only on that row, so scoring a table whole, in chunks, on Dask partitions
or in Spark's Arrow batches gives the same numbers, bit for bit, as long as each piece reaches
the pipeline with the same column types. :func:`feature_frame` makes sure of that: engines hand
over numbers as int32, int64 or float and missing text as None or NaN, and the pipeline was
fitted on floats and on text with NaN for missing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from proofdeck.model.training import fitting_threads, positive_scores
from proofdeck.rules.rule import Rule
from proofdeck.scoring.model_file import ModelFileError, ScoringModel

SCORE = "score"
RULE_FLAG = "rule_flag"
ROW = "row"


def output_columns(model: ScoringModel, has_outcome: bool) -> list[str]:
    """The columns a scores file gets, in order: id, score, rule flag (if a rule), outcome (if any)."""
    columns = [model.id_column or ROW, SCORE]
    if model.rule:
        columns.append(RULE_FLAG)
    if has_outcome:
        columns.append(model.target_column)
    return columns


def check_columns(model: ScoringModel, columns) -> None:
    """Refuse a table that lacks a column scoring needs, naming the first few.

    Raises
    ------
    ModelFileError
        Naming the missing feature, id or rule columns.
    """
    present = set(map(str, columns))
    needed = list(model.features) + ([model.id_column] if model.id_column else [])
    if model.rule:
        needed += [name for name in Rule(model.rule, model.rule_kinds).columns]
    missing = [name for name in dict.fromkeys(needed) if name not in present]
    if missing:
        shown = ", ".join(f"'{name}'" for name in missing[:5])
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        raise ModelFileError(f"the table has no column {shown}{more}, which the model or today's rule needs")


def feature_frame(model: ScoringModel, piece: pd.DataFrame) -> pd.DataFrame:
    """The feature columns as the pipeline was fitted on them: numbers as floats, text with NaN."""
    columns = {}
    numeric = set(model.numeric)
    for name in model.features:
        series = piece[name]
        if name in numeric:
            columns[name] = pd.to_numeric(series, errors="coerce").astype(float)
        else:
            # None and pandas' NA are not missing to scikit-learn's imputer; NaN is.
            columns[name] = series.astype(object).where(series.notna(), np.nan)
    return pd.DataFrame(columns, index=piece.index)


def score_frame(model: ScoringModel, piece: pd.DataFrame) -> pd.DataFrame:
    """Score a piece of a table: its id, score, rule flag ("yes"/"no") and outcome (if present).

    Parameters
    ----------
    model : from :func:`proofdeck.scoring.model_file.read_model`.
    piece : rows of the table with the model's feature columns (and the id, the rule's columns
        and the outcome, where the model has them); never modified.

    Returns
    -------
    pd.DataFrame
        :func:`output_columns` for this piece, one row per input row, in the same order.
    """
    check_columns(model, piece.columns)
    has_outcome = model.target_column in piece.columns
    out = pd.DataFrame(index=piece.index)
    if model.id_column:
        out[model.id_column] = piece[model.id_column].to_numpy()
    else:
        out[ROW] = np.arange(1, len(piece) + 1)
    # Threads as the app scores: one for a piece this size, so workers sharing a machine never
    # fight over its cores (each Dask worker or Spark task is already one of many).
    with threadpool_limits(limits=fitting_threads(len(piece), len(model.features))):
        out[SCORE] = positive_scores(model.pipeline, feature_frame(model, piece))
    if model.rule:
        matches = Rule(model.rule, model.rule_kinds).evaluate(piece)
        out[RULE_FLAG] = np.where(matches, "yes", "no")
    if has_outcome:
        out[model.target_column] = piece[model.target_column].to_numpy()
    return out.reset_index(drop=True)
