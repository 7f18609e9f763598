"""Typing the text cells of a file: numbers, yes/no flags, and numbers exported as text.

Every reader (CSV, TSV, Excel) hands its cells here as text, so one file gives the same
frame whichever way it arrives, and a bundled demo and an upload of the same CSV agree.

Numbers exported as text are common in real exports: blanks (``" "``), thousands separators
(``"1,234"``), currency signs (``"$1,234.50"``, ``"12 €"``), percent signs (``"12%"`` is read
as 12), accounting negatives (``"(5.00)"``) and decimal commas (``"1,5"``). A column becomes
numbers only when *every* non-missing cell reads as a number in one consistent style; the
conversion is recorded as a :class:`Conversion` so the page can say what happened.

Kept as text on purpose: integers with leading zeros (``"00123"``, codes and zip codes),
integers too long to be exact as numbers (16 digits or more, usually ids), and anything that
is not a number in every row. Nothing is trimmed or changed in a text column.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# The cells pandas reads as missing by default; kept identical so nothing changes for demos.
NA_TOKENS = (
    "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
    "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
)
_TRUE, _FALSE = ("True", "TRUE", "true"), ("False", "FALSE", "false")
_INT = r"^[-+]?\d+$"
_LEADING_ZERO = r"^[-+]?0\d"
_TOO_LONG_INT = r"^[-+]?\d{16,}$"
_CURRENCY = "$€£¥₹"
_KEEP_TEXT = object()
_INNER_SPACES = (" ", "\t", "\u00a0", "\u202f", "\u2009")
_DECORATION = "[" + _CURRENCY + r"\s\x{00A0}\x{202F}\x{2009}]|%$"  # removed wherever found
# After signs, spaces and currency are removed, a number in one of two styles:
_DOT_DECIMAL = r"^[-+]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$|^[-+]?\.\d+$"  # 1,234.5
_COMMA_DECIMAL = r"^[-+]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$|^[-+]?,\d+$"  # 1.234,5


@dataclass(frozen=True)
class Conversion:
    """A text column read as numbers, and what had to be removed to read it.

    Attributes
    ----------
    column : the column's name.
    blanks : cells holding only spaces, now missing.
    removed : what was taken out, e.g. ("thousands separators", "currency signs").
    decimal_comma : the column wrote decimals with a comma ("1,5" is one and a half).
    currency : the currency sign its values carried ("€" for "1.234,50 €"), or None; the
        most common one when several occur.
    """

    column: str
    blanks: int
    removed: tuple[str, ...]
    decimal_comma: bool = False
    currency: str | None = None

    @property
    def sentence(self) -> str:
        """The conversion in plain words, e.g. "'TotalCharges' read as numbers; 11 blank..."."""
        parts = list(self.removed)
        if self.decimal_comma:
            parts.append("decimal commas read as decimal points")
        text = f"'{self.column}' was text and is read as numbers"
        if parts:
            text += " (" + ", ".join(parts) + ")"
        if self.blanks:
            cells = "cell" if self.blanks == 1 else "cells"
            text += f"; {self.blanks:,} blank {cells} became missing"
        return text + "."


def typed_frame(
    columns: list[pa.ChunkedArray | pa.Array], names: list[str], decimal_comma: bool = False
) -> tuple[pd.DataFrame, tuple[Conversion, ...]]:
    """Give each text column its type and return the frame and the conversions made.

    Parameters
    ----------
    columns : one arrow array per column: text (missing cells as nulls) is typed here;
        numbers and flags (from typed formats such as Parquet) are kept as they are.
    names : the column names, in order (already checked to be unique).
    decimal_comma : how to read a column whose every value is ambiguous ("1,234" or "2,500"):
        True reads the comma as a decimal point (files separated by semicolons, where a
        thousands separator would be written "1.234"); False as a thousands separator.

    Returns
    -------
    The frame (numbers as float64/int64, flags as bool, text as pandas' str dtype) and one
    :class:`Conversion` per column that was text holding numbers.
    """
    typed, conversions = [], []
    for name, values in zip(names, columns):
        array, conversion = _typed_column(_as_chunked(values), name, decimal_comma)
        typed.append(array)
        if conversion is not None:
            conversions.append(conversion)
    generated = [f"c{i}" for i in range(len(names))]
    frame = pa.table(dict(zip(generated, typed))).to_pandas() if names else pd.DataFrame()
    frame.columns = list(names)
    return frame, tuple(conversions)


def _as_chunked(values: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray:
    return pa.chunked_array([values]) if isinstance(values, pa.Array) else values


def _is_text(values: pa.ChunkedArray) -> bool:
    return pa.types.is_string(values.type) or pa.types.is_large_string(values.type)


def _all(mask: pa.ChunkedArray) -> bool:
    return bool(pc.all(mask).as_py() is not False)


def _any(mask: pa.ChunkedArray) -> bool:
    return bool(pc.any(mask).as_py())


def _typed_column(values: pa.ChunkedArray, name: str, decimal_comma: bool):
    present = values.drop_null()
    if not _is_text(values) and len(present):
        return values, None  # already typed (a Parquet file): numbers and flags pass through
    if len(present) == 0:
        # Like pandas: a column with no values at all is an all-missing number column.
        return pa.nulls(len(values), pa.float64()), None
    number = _plain_number(values, present)
    if number is _KEEP_TEXT:
        return values, None
    if number is not None:
        return number, None
    unique = pc.unique(present)
    if values.null_count == 0 and len(unique) <= 2 and set(unique.to_pylist()) <= set(_TRUE + _FALSE):
        return pc.is_in(values, value_set=pa.array(_TRUE)), None
    return _messy_number(values, unique, name, decimal_comma) or (values, None)


def _plain_number(values: pa.ChunkedArray, present: pa.ChunkedArray) -> pa.ChunkedArray | object | None:
    """The column as numbers when every value is a plain decimal number, else None.

    ``_KEEP_TEXT`` when the values are numbers that must stay text (codes, long ids).
    """
    try:
        floats = pc.cast(values, pa.float64())  # refuses spaces, hex and thousands separators
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if not _all(pc.is_finite(floats)):
        return None  # "inf" or "Infinity" in a column: keep it as text, it is not a measure
    try:
        integers = pc.cast(values, pa.int64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        if _any(pc.match_substring_regex(present, _TOO_LONG_INT)):
            return _KEEP_TEXT  # too many digits to be exact: an id, keep its text
        return floats
    if _any(pc.match_substring_regex(present, _LEADING_ZERO)):
        return _KEEP_TEXT  # codes such as "00123" lose their zeros as numbers
    return integers


def _messy_number(values, unique, name, decimal_comma):
    """Read numbers written with blanks, separators, currency or percent signs, or None."""
    # A look at a few distinct values first: ids, dates and words fail here, cheaply.
    if _number_style(unique.slice(0, 2000), decimal_comma) is None:
        return None
    # Few distinct values (shares, ratings): convert each once and look the rows up.
    few = len(unique) * 4 < len(values)
    trimmed = pc.utf8_trim_whitespace(unique if few else values)
    cleaned, removed = _strip_decorations(trimmed)
    if _any(pc.and_(pc.equal(cleaned, ""), pc.not_equal(trimmed, ""))):
        return None  # a cell such as "$" or "%" alone: not a number, and not blank either
    style = _number_style(cleaned, decimal_comma, stripped=True)
    if style is None:
        return None
    comma_style, has_thousands, has_comma = style
    thousands, decimal = (".", ",") if comma_style else (",", ".")
    if has_thousands:
        removed.insert(0, "thousands separators")
        cleaned = pc.replace_substring(cleaned, thousands, "")
    if comma_style:
        cleaned = pc.replace_substring(cleaned, decimal, ".")
    blank = pc.equal(cleaned, "")
    numbers = pc.cast(pc.if_else(blank, pa.scalar(None, pa.string()), cleaned), pa.float64())
    if few:
        positions = pc.index_in(values, value_set=unique)
        numbers, blank = pc.take(numbers, positions), pc.take(blank, positions)
    blanks = int(pc.sum(pc.cast(blank, pa.int64())).as_py() or 0)
    return numbers, Conversion(name, blanks, tuple(removed), decimal_comma=comma_style and has_comma,
                               currency=_currency_sign(trimmed))


def _number_style(texts, decimal_comma: bool, stripped: bool = False):
    """(comma decimals?, thousands separators?, any comma?) if every text is a number, else None.

    Blank texts are allowed (they become missing); every other text must be a number.
    """
    if not stripped:
        texts, _ = _strip_decorations(pc.utf8_trim_whitespace(texts))
    filled = texts.filter(pc.not_equal(texts, ""))
    if len(filled) == 0:
        return None
    has_comma = _any(pc.match_substring(filled, ","))
    dot_ok = pc.match_substring_regex(filled, _DOT_DECIMAL)
    if _all(dot_ok) and not (decimal_comma and has_comma):
        comma_style = False  # the usual case, decided with one pass
    else:
        comma_ok = pc.match_substring_regex(filled, _COMMA_DECIMAL)
        only_dot = _any(pc.and_(dot_ok, pc.invert(comma_ok)))  # e.g. "1.5", "1,234.5"
        only_comma = _any(pc.and_(comma_ok, pc.invert(dot_ok)))  # e.g. "1,5", "1.234,5"
        if only_dot and only_comma:
            return None
        # "1,234" alone is ambiguous: the hint (semicolon-separated file) reads it as 1.234.
        comma_style = only_comma or (decimal_comma and has_comma and not only_dot)
        if not _all(comma_ok if comma_style else dot_ok):
            return None
    has_thousands = _any(pc.match_substring(filled, "." if comma_style else ","))
    return comma_style, has_thousands, has_comma


def _currency_sign(texts) -> str | None:
    """The currency sign most texts carry, or None."""
    counts = {sign: int(pc.sum(pc.cast(pc.match_substring(texts, sign), pa.int64())).as_py() or 0)
              for sign in _CURRENCY}
    sign, most = max(counts.items(), key=lambda item: item[1])
    return sign if most else None


def _strip_decorations(texts):
    """Remove what surrounds a number in exports; return the texts and what was removed.

    Literal searches say what is there (fast); one regular expression removes it.
    """
    removed = []
    if _any(pc.and_(pc.starts_with(texts, "("), pc.ends_with(texts, ")"))):
        texts = pc.replace_substring_regex(texts, r"^\((.*)\)$", r"-\1")
        removed.append("brackets read as minus signs")
    if any(_any(pc.match_substring(texts, sign)) for sign in _CURRENCY):
        removed.append("currency signs")
    if _any(pc.ends_with(texts, "%")):
        removed.append("percent signs (12% is read as 12)")
    spaces = any(_any(pc.match_substring(texts, space)) for space in _INNER_SPACES)
    if spaces and _any(pc.match_substring_regex(texts, r"\d[\s\x{00A0}\x{202F}\x{2009}]+\d")):
        removed.append("spaces between digits")
    texts = pc.replace_substring_regex(texts, _DECORATION, "")
    if _any(pc.match_substring(texts, "'")):
        texts = pc.replace_substring_regex(texts, r"(\d)'(\d)", r"\1\2")  # Swiss 1'234.50
    return texts, removed
