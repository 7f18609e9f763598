"""CSV that a spreadsheet opens as data, never as formulas (CSV injection, OWASP).

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, in some, one
that starts with a tab or a carriage return) as a formula, which can fetch URLs or run
commands. Ids and values in a CSV Proofdeck writes may come from anyone's upload, so every
such text cell, and every such column name, gets a leading apostrophe, as OWASP advises: the
spreadsheet shows the text, the apostrophe tells it not to evaluate it. Numbers stay numbers:
columns of a numeric, boolean or date dtype are left as they are (a negative number is not a
formula), and so are numbers inside mixed columns.
"""

from __future__ import annotations

import csv
from typing import Any

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutral_cell(value: Any) -> Any:
    """The value, with a leading apostrophe if it is text a spreadsheet would run."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _is_data_dtype(series: pd.Series) -> bool:
    """Columns whose values are never text: numbers, yes/no, dates and durations."""
    types = pd.api.types
    return bool(
        types.is_numeric_dtype(series)
        or types.is_bool_dtype(series)
        or types.is_datetime64_any_dtype(series)
        or types.is_timedelta64_dtype(series)
    )


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of the frame in which no text cell or column name starts a formula.

    Parameters
    ----------
    frame : any frame; it is not changed.

    Returns
    -------
    A new frame: text cells (and text column names) starting with one of
    :data:`FORMULA_STARTS` get a leading apostrophe; every other cell is as it was, and
    numeric, boolean and date columns keep their dtype.
    """
    result = frame.copy()
    for position in range(frame.shape[1]):
        series = frame.iloc[:, position]
        if _is_data_dtype(series):
            continue
        values = series.tolist()
        if not any(isinstance(v, str) and v.startswith(FORMULA_STARTS) for v in values):
            continue
        # Text columns stay text columns; anything else (mixed, categories) becomes object.
        dtype = series.dtype if isinstance(series.dtype, pd.StringDtype) else object
        result.isetitem(position, pd.Series([neutral_cell(v) for v in values], index=frame.index, dtype=dtype))
    result.columns = [neutral_cell(name) for name in frame.columns]
    return result


def to_safe_csv(frame: pd.DataFrame, index: bool = False) -> bytes:
    """The frame as UTF-8 CSV bytes with formulas neutralised (see :func:`neutralise_formulas`)
    and every text cell in double quotes.

    Parameters
    ----------
    frame : the rows to write; not changed.
    index : also write the index as the first column (its text is neutralised too).
    """
    if index:
        frame = frame.reset_index(allow_duplicates=True)
    # Text in double quotes (OWASP's second half): a tab, comma or line break inside a cell
    # can never start a new cell or row; numbers are written bare and stay numbers.
    text = neutralise_formulas(frame).to_csv(index=False, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
    return text.encode("utf-8")
