"""Reading an uploaded file, whatever its name claims: CSV/TSV, Parquet or an Excel workbook.

The content decides how a file is read, not its name: a workbook named ``.csv`` is read as a
workbook and the page says so; a web page, a PDF, an image, an old ``.xls`` or a zip of
something else is refused with a sentence naming what it is. Every format goes through the
same typing (:mod:`proofdeck.data.coercion`), so a sheet and its CSV export give the same frame.

Limits guard the server: the upload's size, and for compressed formats (xlsx, Parquet) the
size once unpacked, checked before anything is unpacked. Nothing is ever unpickled, and
formulas in workbooks are never computed (their saved values are read).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import zipfile
from pathlib import PurePath

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from proofdeck.data.coercion import typed_frame
from proofdeck.data.delimited import DataError, Table, column_names, read_delimited

MAX_UPLOAD_BYTES = 200 * 1024 * 1024
UNPACKED_FACTOR = 12  # a workbook or Parquet file may unpack to this many times the limit
MAX_WORKBOOK_CELLS = 2_000_000  # openpyxl reads about 80,000 cells a second: ~25 s at most
_TEXT_SUFFIXES = {".csv", ".tsv", ".txt", ".tab", ".dat", ".psv"}
_KIND_OF_SUFFIX = {".parquet": "Parquet", ".pq": "Parquet", ".xlsx": "Excel workbook", ".xlsm": "Excel workbook"}
_REFUSED = {
    "xls": "an old Excel workbook (.xls); open it in Excel and save it as .xlsx or CSV",
    "ods": "an OpenDocument spreadsheet; save it as .xlsx or CSV",
    "zip": "a zip archive; unzip it and upload the CSV inside",
    "damaged zip": "a damaged zip archive (an Excel workbook cut short?); save or export it again",
    "gzip": "a gzip-compressed file; decompress it and upload the CSV inside",
    "pdf": "a PDF document, not a table; export the data as CSV instead",
    "image": "an image, not a table",
    "html": "a web page (HTML), not a table; save the data itself as CSV (not the page showing it)",
    "json": "JSON, not a table; export the data as CSV instead",
    "document": "a Word document, not a table",
}


def read_upload(name: str, raw: bytes, max_bytes: int = MAX_UPLOAD_BYTES) -> Table:
    """Read an uploaded file into a typed frame with notes for the person who uploaded it.

    Parameters
    ----------
    name : the file's name as uploaded (only its extension is used, to notice a mismatch).
    raw : the file's bytes; never modified.
    max_bytes : the largest file accepted.

    Returns
    -------
    Table
        The frame, what kind of file it was, and notes (encoding, delimiter, a name that did
        not match the content, numbers read from text...).

    Raises
    ------
    DataError
        With a specific message: too big, empty, not a table (and what it is instead), or
        whatever the CSV, Parquet or workbook reader found wrong.
    """
    if len(raw) > max_bytes:
        raise DataError(
            f"the file is {len(raw) / 1e6:,.0f} MB; the limit is {max_bytes / 1e6:,.0f} MB. "
            "A sample of rows is enough for a proof of concept."
        )
    if not raw or raw.isspace():
        raise DataError("the file is empty")
    content = content_kind(raw)
    if content in _REFUSED:
        raise DataError(f"{_named(name)}{_REFUSED[content]}")
    suffix = PurePath(name).suffix.lower()
    named_kind = _KIND_OF_SUFFIX.get(suffix, "CSV" if suffix in _TEXT_SUFFIXES else None)
    if content == "parquet":
        table = _read_parquet(raw, max_bytes)
    elif content == "xlsx":
        table = _read_workbook(raw, max_bytes)
    else:
        try:
            table = read_delimited(raw)
        except DataError as error:
            if str(error).startswith("this looks like a binary file"):
                raise DataError(f"{_named(name)}binary data, not text or a table format this app reads") from None
            raise
    notes = list(table.notes)
    if named_kind is None:
        notes.insert(0, f"The file's name does not say its type; it holds {_article(table.kind)}.")
    elif named_kind != table.kind and not {named_kind, table.kind} <= {"CSV", "TSV"}:
        notes.insert(0, f"The file is named {suffix} but holds {_article(table.kind)}; it was read as one.")
    return Table(table.frame, table.kind, tuple(notes), table.conversions, table.delimiter, table.encoding)


def content_kind(raw: bytes) -> str:
    """What the bytes are, from their first bytes: "xlsx", "parquet", "text", "html", "pdf"..."""
    head = raw[:8]
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_kind(raw)
    if head.startswith(b"PAR1") and raw.endswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "xls"
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM")):
        return "image"
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    start = raw[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<?xml", b"<table")):
        return "html"
    if start[:1] in (b"{", b"[") and raw.rstrip().endswith((b"}", b"]")):
        return "json"
    return "text"


def _zip_kind(raw: bytes) -> str:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(raw)).namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return "damaged zip"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "mimetype" in names and any(n.startswith("content.xml") for n in names):
        return "ods"
    if "word/document.xml" in names:
        return "document"
    return "zip"


def _named(name: str) -> str:
    suffix = PurePath(name).suffix.lower()
    return f"the file is named {suffix} but is " if suffix else "the file is "


def _article(kind: str) -> str:
    return f"an {kind}" if kind[0] in "AEIOU" else f"a {kind}"


# --- Parquet -------------------------------------------------------------------------------


def _read_parquet(raw: bytes, max_bytes: int) -> Table:
    try:
        parquet = pq.ParquetFile(io.BytesIO(raw))
        meta = parquet.metadata
        unpacked = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    except (pa.ArrowException, OSError, ValueError):
        raise DataError("the Parquet file could not be read (it may be damaged or cut short)") from None
    if unpacked > UNPACKED_FACTOR * max_bytes:
        raise DataError(
            f"the Parquet file unpacks to {unpacked / 1e6:,.0f} MB, more than this app accepts; "
            "upload fewer rows or columns"
        )
    try:
        table = parquet.read()
    except (pa.ArrowException, OSError, ValueError):
        raise DataError("the Parquet file could not be read (it may be damaged or cut short)") from None
    names, notes = column_names(table.column_names)
    kept, kept_names, dropped = [], [], []
    for name, column in zip(names, table.columns):
        values = _plain_arrow(column)
        if values is None:
            dropped.append(name)
        else:
            kept.append(values)
            kept_names.append(name)
    if dropped:
        notes.append(
            f"{len(dropped)} column(s) hold lists, tables or binary data and were left out: "
            + ", ".join(f"'{n}'" for n in dropped[:5]) + ("..." if len(dropped) > 5 else "")
        )
    _require_shape(len(kept_names), table.num_rows)
    frame, conversions = typed_frame(kept, kept_names)
    return Table(frame, "Parquet", tuple(notes), conversions)


def _plain_arrow(column: pa.ChunkedArray) -> pa.ChunkedArray | None:
    """Numbers, flags and text as they are; dates as ISO text; nested or binary data: None."""
    kind = column.type
    if pa.types.is_dictionary(kind):
        column = pc.cast(column, kind.value_type)
        kind = column.type
    if pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_boolean(kind):
        return column
    if pa.types.is_decimal(kind):
        return pc.cast(column, pa.float64())
    if pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_null(kind):
        return column
    if pa.types.is_timestamp(kind):
        seconds = pc.cast(column, pa.timestamp("s", kind.tz), safe=False)  # "%S" would add fractions
        text = pc.strftime(seconds, format="%Y-%m-%d %H:%M:%S")
        if _all_true(pc.ends_with(text.drop_null(), " 00:00:00")):
            text = pc.utf8_slice_codeunits(text, 0, 10)  # dates stored as midnight timestamps
        return text
    if pa.types.is_temporal(kind):
        return pc.cast(column, pa.string())
    return None


def _all_true(mask: pa.ChunkedArray) -> bool:
    return pc.all(mask).as_py() is not False


def _require_shape(n_columns: int, n_rows: int) -> None:
    if n_columns < 2:
        raise DataError("the file has fewer than two usable columns; a demo needs an outcome and something to learn from")
    if n_rows == 0:
        raise DataError("the file has a header row but no data rows")


# --- Excel workbooks -------------------------------------------------------------------------


def _read_workbook(raw: bytes, max_bytes: int) -> Table:
    import openpyxl  # imported here: only workbooks need it

    try:
        unpacked = sum(info.file_size for info in zipfile.ZipFile(io.BytesIO(raw)).infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise DataError("the Excel workbook could not be opened (it may be damaged)") from None
    if unpacked > UNPACKED_FACTOR * max_bytes:
        raise DataError(
            f"the workbook unpacks to {unpacked / 1e6:,.0f} MB, more than this app accepts; "
            "export the sheet as CSV instead"
        )
    try:
        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
        try:
            sheets = book.worksheets
            if not sheets:
                raise DataError("the workbook has no sheets")
            _require_small_sheet(sheets[0])
            rows = [row for row in sheets[0].iter_rows(values_only=True) if any(c is not None for c in row)]
            title = sheets[0].title
        finally:
            book.close()
    except DataError:
        raise
    except Exception:  # openpyxl raises many kinds (KeyError, ValueError, zip errors) on bad files
        raise DataError(
            "the Excel workbook could not be read; open it in Excel and save it again, "
            "or export the sheet as CSV"
        ) from None
    notes = []
    if len(sheets) > 1:
        notes.append(f"The workbook has {len(sheets)} sheets; the first, '{title}', was read.")
    if not rows:
        raise DataError("the first sheet of the workbook is empty")
    width = max(len(row) for row in rows)
    header = list(rows[0]) + [None] * (width - len(rows[0]))
    while width and header[width - 1] is None and all(len(r) < width or r[width - 1] is None for r in rows):
        width -= 1  # trailing columns with neither a name nor a value
    names, name_notes = column_names(["" if h is None else _cell_text(h) for h in header[:width]])
    notes.extend(name_notes)
    body = rows[1:]
    _require_shape(width, len(body))
    columns = [
        pa.array([_cell_text(row[i]) if i < len(row) else None for row in body], type=pa.string())
        for i in range(width)
    ]
    frame, conversions = typed_frame(columns, names)
    return Table(frame, "Excel workbook", tuple(notes), conversions)


def _require_small_sheet(sheet) -> None:
    """Refuse a sheet too big to read in reasonable time (its size as the file declares it)."""
    rows, columns = sheet.max_row, sheet.max_column
    if rows and columns and rows * columns > MAX_WORKBOOK_CELLS:
        raise DataError(
            f"the first sheet has {rows:,} rows and {columns:,} columns, too many to read from a "
            "workbook here; save it as CSV (or Parquet), which reads about fifty times faster"
        )


def _cell_text(value: object) -> str | None:
    """A cell as the text a CSV export of it would hold (dates as ISO, 12.0 as 12)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)
