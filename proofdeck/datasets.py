"""Reading a CSV and turning it into labelled examples, with messages people can act on.

Nothing here writes to the user's file or changes the frame that was read: derived arrays
(labels, values) are new objects, and rows without an outcome are left out of the analysis
and counted, not deleted from the data.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd

from proofdeck.spec import DemoSpec, SpecError

MAX_FILE_BYTES = 200 * 1024 * 1024
MIN_ROWS = 50
MIN_PER_CLASS = 10


class DataError(ValueError):
    """A dataset that cannot be used, with a message saying what to fix."""


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

    The source is only read. Encoding is tried as UTF-8 (with or without BOM), then Latin-1.
    """
    raw = _read_bytes(source, max_bytes)
    if not raw.strip():
        raise DataError("the file is empty")
    if b"\x00" in raw[:4096]:
        raise DataError("this looks like a binary file (Excel, zip...), not a CSV text file")
    for encoding in ("utf-8-sig", "latin-1"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    separator = _sniff_separator(text)
    try:
        frame = pd.read_csv(io.StringIO(text), sep=separator)
    except pd.errors.ParserError as error:
        raise DataError(f"the file is not a well-formed CSV ({_first_line(error)})") from None
    except (pd.errors.EmptyDataError, StopIteration):
        raise DataError("the file has no header row or no data") from None
    except Exception as error:  # the sniffer raises csv.Error and friends on odd files
        raise DataError(f"the file could not be read as CSV ({_first_line(error)})") from None
    if frame.shape[1] < 2:
        raise DataError(
            "the file has only one column; is it separated by commas or semicolons?"
        )
    if len(frame) == 0:
        raise DataError("the file has a header row but no data rows")
    # pandas silently renames a repeated header ("a", "a.1"); say so instead.
    try:
        header = next(csv.reader(io.StringIO(text, newline=""), delimiter=separator), [])
    except csv.Error:
        header = list(map(str, frame.columns))
    names = [name.strip() for name in header]
    duplicated = sorted({name for name in names if names.count(name) > 1})
    if duplicated:
        raise DataError(f"column names appear twice: {', '.join(duplicated)}")
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def _sniff_separator(text: str) -> str:
    """The separator of a CSV: whichever of comma, semicolon, tab or pipe the header uses most."""
    header = text.splitlines()[0] if text.strip() else ""
    counts = {sep: header.count(sep) for sep in (",", ";", "\t", "|")}
    best = max(counts, key=counts.get)
    return best if counts[best] > 0 else ","


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def _read_bytes(source: str | Path | IO[bytes] | bytes, max_bytes: int) -> bytes:
    if isinstance(source, bytes):
        raw = source
    elif isinstance(source, (str, Path)):
        path = Path(source)
        if not path.is_file():
            raise DataError(f"no file at {path}")
        if path.stat().st_size > max_bytes:
            raise DataError(_too_big(path.stat().st_size, max_bytes))
        raw = path.read_bytes()
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
    """Check columns and the outcome; return a Dataset or raise DataError."""
    _require_columns(frame, [target_column], "outcome column")
    if id_column:
        _require_columns(frame, [id_column], "id column")
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
        raise DataError(
            f"no row of '{target_column}' equals \"{positive_value}\" (it has {seen}); "
            "pick the value that marks the outcome you want to find"
        )
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


def _require_columns(frame: pd.DataFrame, names: list[str], what: str) -> None:
    missing = [n for n in names if n not in frame.columns]
    if missing:
        shown = ", ".join(map(str, frame.columns[:12]))
        more = "..." if len(frame.columns) > 12 else ""
        raise DataError(f"{what} '{missing[0]}' is not in the data (columns: {shown}{more})")


def load_dataset(spec: DemoSpec) -> Dataset:
    """Load a demo's data; problems are reported as SpecError naming the spec's field."""
    try:
        frame = read_csv(spec.data_path)
    except DataError as error:
        raise SpecError(f"{spec.path}: [data] path: {error}") from None
    fields = [
        ("data", "target_column", [spec.target_column]),
        ("data", "id_column", [spec.id_column]),
        ("data", "features", list(spec.features or [])),
        ("economics", "value_column", [spec.economics.value_column] if spec.economics.value_column else []),
    ]
    for section, name, columns in fields:
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise SpecError(
                f"{spec.path}: [{section}] {name}: column '{missing[0]}' is not in "
                f"{spec.data_path.name} (columns: {', '.join(map(str, frame.columns))})"
            )
    try:
        return build_dataset(
            frame,
            target_column=spec.target_column,
            positive_value=spec.positive_value,
            id_column=spec.id_column,
            features=spec.features,
            value_column=spec.economics.value_column,
        )
    except DataError as error:
        raise SpecError(f"{spec.path}: [data]: {error}") from None
