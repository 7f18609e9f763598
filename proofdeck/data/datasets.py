"""Reading a CSV and turning it into labelled examples, with messages people can act on.

Nothing here writes to the user's file or changes the frame that was read: derived arrays
(labels, values) are new objects, and rows without an outcome are left out of the analysis
and counted, not deleted from the data.

Reading itself (encodings, delimiters, trailing delimiters, numbers written as text) is in
:mod:`proofdeck.data.delimited` and :mod:`proofdeck.data.coercion`, shared with uploads so a demo and
an upload of the same file give the same frame. Messages from :func:`load_dataset` are for
any visitor: they name the spec file and the data file's name, never the file's contents or
a server path; the full detail goes to the ``proofdeck`` log.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd

from proofdeck.data.delimited import DataError, read_delimited
from proofdeck.data.spec import DemoSpec, SpecError, group_problem, spec_where

log = logging.getLogger("proofdeck")

MAX_FILE_BYTES = 200 * 1024 * 1024
MIN_ROWS = 50
MIN_PER_CLASS = 10


@dataclass(frozen=True)
class Dataset:
    """Examples with a yes/no outcome, ready for a rule and a model.

    Attributes
    ----------
    frame : the rows that have an outcome, all columns as read.
    features : the columns the model may learn from.
    labels : True where the example has the positive outcome.
    values : money value of each example (the value column, or 1.0 each when none).
    rows_without_outcome : rows left out because their outcome was blank.
    """

    frame: pd.DataFrame
    id_column: str | None
    target_column: str
    positive_value: str
    features: tuple[str, ...]
    labels: np.ndarray
    values: np.ndarray
    rows_without_outcome: int = 0

    @property
    def ids(self) -> pd.Series:
        if self.id_column is None:
            return pd.Series(np.arange(1, len(self.frame) + 1), index=self.frame.index, name="row")
        return self.frame[self.id_column]

    @property
    def positive_rate(self) -> float:
        return float(self.labels.mean()) if len(self.labels) else float("nan")


def read_csv(source: str | Path | IO[bytes] | bytes, max_bytes: int = MAX_FILE_BYTES) -> pd.DataFrame:
    """Read a CSV file, path or bytes; raise DataError with a plain message if it cannot be.

    The source is only read. See :func:`proofdeck.data.delimited.read_delimited` for what is
    understood (encodings, delimiters, numbers written as text); what was noticed on the way
    is logged.
    """
    table = read_delimited(_read_bytes(source, max_bytes))
    for note in table.notes:
        log.info("reading %s: %s", _describe(source), note)
    for conversion in table.conversions:
        log.info("reading %s: %s", _describe(source), conversion.sentence)
    return table.frame


PARQUET_SUFFIXES = (".parquet", ".pq")


def read_table(path: Path, max_bytes: int = MAX_FILE_BYTES) -> pd.DataFrame:
    """A spec's data file: Parquet (kept with its column types, as a notebook wrote it) or CSV."""
    if Path(path).suffix.lower() not in PARQUET_SUFFIXES:
        return read_csv(path, max_bytes)
    try:
        size = Path(path).stat().st_size
    except OSError as error:
        raise DataError(f"cannot read {Path(path).name}: {error.strerror or error}", public="cannot be read") from None
    if size > max_bytes:
        raise DataError(_too_big(size, max_bytes))
    try:
        return pd.read_parquet(path)
    except Exception as error:  # pyarrow raises several types for a broken file
        raise DataError(f"is not a readable Parquet file ({type(error).__name__})") from None


def _describe(source: object) -> str:
    return str(source) if isinstance(source, (str, Path)) else type(source).__name__


def _read_bytes(source: str | Path | IO[bytes] | bytes, max_bytes: int) -> bytes:
    if isinstance(source, bytes):
        raw = source
    elif isinstance(source, (str, Path)):
        path = Path(source)
        try:
            is_file = path.is_file()  # False for FIFOs and devices, which could block or never end
            size = path.stat().st_size if is_file else 0
        except (OSError, ValueError):
            is_file = False
        if not is_file:
            raise DataError(f"no file at {path}", public=f"the data file {path.name} is not there")
        if size > max_bytes:
            raise DataError(_too_big(size, max_bytes))
        try:
            with path.open("rb") as handle:
                raw = handle.read(max_bytes + 1)
        except OSError as error:
            raise DataError(
                f"{path} cannot be read ({error.strerror or error})",
                public=f"the data file {path.name} cannot be read",
            ) from None
    else:
        raw = source.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise DataError(_too_big(len(raw), max_bytes))
    return raw


def _too_big(size: int, limit: int) -> str:
    return (
        f"the file is {size / 1e6:,.0f} MB; the limit is {limit / 1e6:,.0f} MB. "
        "A sample of rows is enough for a proof of concept."
    )


def positive_mask(target: pd.Series, positive_value: str) -> pd.Series:
    """True where the target equals the positive value, NaN-safe, tolerant of case and 1/1.0."""
    if pd.api.types.is_bool_dtype(target):
        wanted = positive_value.strip().lower() in ("true", "1", "yes")
        return target == wanted
    if pd.api.types.is_numeric_dtype(target):
        try:
            number = float(positive_value)
        except ValueError:
            return pd.Series(False, index=target.index)
        return target == number
    return target.astype("string").str.strip().str.lower() == positive_value.strip().lower()


def build_dataset(
    frame: pd.DataFrame,
    target_column: str,
    positive_value: str,
    id_column: str | None = None,
    features: tuple[str, ...] | None = None,
    value_column: str | None = None,
) -> Dataset:
    """Check columns, ids and the outcome; return a Dataset or raise DataError.

    Parameters
    ----------
    frame : the rows as read; never modified.
    target_column, positive_value : the outcome and the value of it to find.
    id_column : a column naming each row; every id must be present and unique (links and
        tables find a row by its id).
    features : the columns the model may use; default every column but the id and outcome.
    value_column : a column with each row's money value, if the demo has one.
    """
    _require_columns(frame, [target_column], "outcome column")
    if id_column:
        _require_columns(frame, [id_column], "id column")
        check_ids(frame[id_column], id_column)
    if value_column:
        _require_columns(frame, [value_column], "value column")
    has_outcome = frame[target_column].notna()
    kept = frame.loc[has_outcome]
    if len(kept) < MIN_ROWS:
        raise DataError(f"only {len(kept)} rows have an outcome; at least {MIN_ROWS} are needed")
    is_positive = positive_mask(kept[target_column], positive_value).fillna(False)
    positives = int(is_positive.sum())
    negatives = len(kept) - positives
    if positives == 0:
        seen = ", ".join(f'"{v}"' for v in kept[target_column].astype(str).unique()[:6])
        problem = f"no row of '{target_column}' equals \"{positive_value}\""
        advice = "pick the value that marks the outcome you want to find"
        raise DataError(f"{problem} (it has {seen}); {advice}", public=f"{problem}; {advice}")
    if negatives == 0:
        raise DataError(
            f"every row of '{target_column}' is \"{positive_value}\": the outcome has only one "
            "class, so there is nothing to tell apart"
        )
    if min(positives, negatives) < MIN_PER_CLASS:
        raise DataError(
            f"only {min(positives, negatives)} rows have the rarer outcome; at least "
            f"{MIN_PER_CLASS} of each are needed to train and test honestly"
        )
    excluded = {target_column, id_column}
    if features is None:
        features = tuple(c for c in kept.columns if c not in excluded)
    else:
        _require_columns(frame, list(features), "feature")
        if target_column in features:
            raise DataError(f"the outcome '{target_column}' cannot also be a feature")
    if not features:
        raise DataError("there are no feature columns left besides the id and the outcome")
    values = np.ones(len(kept))
    if value_column:
        numbers = pd.to_numeric(kept[value_column], errors="coerce")
        if numbers.notna().sum() == 0:
            raise DataError(f"the value column '{value_column}' holds no numbers")
        if (numbers < 0).any():
            raise DataError(f"the value column '{value_column}' has negative values")
        values = numbers.fillna(0.0).to_numpy(dtype=float)
    return Dataset(
        frame=kept,
        id_column=id_column,
        target_column=target_column,
        positive_value=positive_value,
        features=tuple(features),
        labels=is_positive.to_numpy(dtype=bool),
        values=values,
        rows_without_outcome=int((~has_outcome).sum()),
    )


def check_ids(ids: pd.Series, name: str) -> None:
    """Refuse blank or repeated ids: a link or a table row would open the wrong example.

    Raises
    ------
    DataError
        Saying how many rows have no id, or how many ids repeat and in how many rows.
    """
    blank = int(ids.isna().sum())
    if blank:
        raise DataError(
            f"the id column '{name}' is blank in {blank:,} row{'s' if blank != 1 else ''}; "
            "every row needs its own id"
        )
    counts = ids.value_counts()
    repeated = counts[counts > 1]
    if len(repeated):
        rows = int(repeated.sum())
        raise DataError(
            f"the id column '{name}' has {len(repeated):,} "
            f"{'ids that appear' if len(repeated) != 1 else 'id that appears'} more than once "
            f"({rows:,} rows); every row needs its own id",
        )


def _require_columns(frame: pd.DataFrame, names: list[str], what: str) -> None:
    missing = [n for n in names if n not in frame.columns]
    if missing:
        shown = ", ".join(map(str, frame.columns[:12]))
        more = "..." if len(frame.columns) > 12 else ""
        problem = f"{what} '{missing[0]}' is not in the data"
        raise DataError(f"{problem} (columns: {shown}{more})", public=problem)


def load_dataset(spec: DemoSpec) -> Dataset:
    """Load a demo's data; problems are reported as SpecError naming the spec's field.

    The message names the spec file relative to its demos folder and the data file by its
    name only, and quotes nothing from the data file (no values, no header names), since any
    visitor may see it; the full detail is logged to the ``proofdeck`` logger.
    """
    where = spec_where(spec.path)
    data_name = spec.data_path.name

    def fail(place: str, public: str, detail: str) -> SpecError:
        full = f"{spec.path}: {place}: {detail} (data file {spec.data_path})"
        log.warning("%s", full)
        return SpecError(f"{where}: {place}: {public}", detail=full)

    try:
        frame = read_table(spec.data_path)
    except DataError as error:
        raise fail("[data] path", f"{data_name}: {error.public}", str(error)) from None
    fields = [
        ("data", "target_column", [spec.target_column]),
        ("data", "id_column", [spec.id_column]),
        ("data", "features", list(spec.features or [])),
        ("economics", "value_column", [spec.economics.value_column] if spec.economics.value_column else []),
        ("uplift", "treatment_column", [spec.uplift.treatment_column] if spec.uplift else []),
    ]
    for section, name, columns in fields:
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            public = f"column '{missing[0]}' is not in {data_name}"
            detail = f"{public} (columns: {', '.join(map(str, frame.columns))})"
            raise fail(f"[{section}] {name}", public, detail)
    features = spec.features
    if spec.uplift is not None:
        problem = treatment_problem(frame[spec.uplift.treatment_column], spec.uplift.treated_value)
        if problem:
            raise fail("[uplift] treatment_column", problem, problem)
        if features is None:
            # Who got the action in a past campaign is decided after the features are known:
            # it is never something the risk model may learn from.
            excluded = {spec.target_column, spec.id_column, spec.uplift.treatment_column}
            features = tuple(c for c in frame.columns if c not in excluded)
    try:
        dataset = build_dataset(
            frame,
            target_column=spec.target_column,
            positive_value=spec.positive_value,
            id_column=spec.id_column,
            features=features,
            value_column=spec.economics.value_column,
        )
    except DataError as error:
        raise fail("[data]", error.public, str(error)) from None
    # Groups gather feature columns: one the model does not use (the outcome, the id, a typo)
    # or a name that reads like a column's label is a mistake in the spec.
    problem = group_problem(spec.groups, dataset.features, spec.label)
    if problem:
        place, _, public = problem.partition(": ")
        raise fail(place, public, problem)
    return dataset


def treatment_problem(column: pd.Series, treated_value: str) -> str | None:
    """What makes a past campaign's treatment column unusable, in plain words, or None.

    It must hold the treated value in some rows and something else in others (a blank counts
    as "did not get the action"), so both groups can be compared.
    """
    treated = positive_mask(column, treated_value).fillna(False)
    if column.nunique(dropna=False) < 2:
        return "has only one value, so nobody can be compared with anyone"
    if not treated.any():
        return "no row holds the treated value"
    if treated.all():
        return "every row holds the treated value: there is nobody to compare with"
    return None
