"""Reading an uploaded file, whatever its name claims: CSV/TSV, Parquet or an Excel workbook.

The content decides how a file is read, not its name: a workbook named ``.csv`` is read as a
workbook and the page says so; a web page, a PDF, an image, an old ``.xls`` or a zip of
something else is refused with a sentence naming what it is. Every format goes through the
same typing (:mod:`proofdeck.data.coercion`), so a sheet and its CSV export give the same frame.

Limits guard the server (:mod:`proofdeck.data.limits`): the upload's size; what a compressed
format declares it unpacks to, as a quick first refusal; then what is actually read, counted
while reading whatever the file declares: a workbook's cells and unzipped bytes (its declared
size, the ``<dimension>`` element, is never used), a Parquet file's decoded bytes, and the
time any read takes. Reading stops as soon as a bound is passed, with a message that says
"too large" or "took too long to read", never "damaged". Nothing is ever unpickled, and
formulas in workbooks are never computed (their saved values are read).
:mod:`proofdeck.upload.isolated` runs this in a separate, limited process for the app.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import os
import re
import zipfile
from pathlib import PurePath

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from proofdeck.data.coercion import typed_frame
from proofdeck.data.delimited import DataError, Table, column_names, read_delimited
from proofdeck.data.limits import READ_SECONDS, ReadBudget, TooLarge, megabytes

MAX_UPLOAD_BYTES = 200 * 1024 * 1024
UNPACKED_FACTOR = 12  # a workbook's XML may unpack to this many times the upload limit
DECODED_FACTOR = 5  # a Parquet file's columns may decode to this many times the upload limit
MAX_WORKBOOK_CELLS = 2_000_000  # openpyxl reads 80,000 to 500,000 cells a second
CELLS_ENV = "PROOFDECK_MAX_UPLOAD_CELLS"  # a server may lower the cell limit (a small machine, the tests)
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


def read_budget(max_bytes: int = MAX_UPLOAD_BYTES, seconds: float = READ_SECONDS) -> ReadBudget:
    """The bounds on reading one upload of at most ``max_bytes``: cells, unpacked, decoded, time."""
    return ReadBudget(seconds=seconds, cells=_cell_limit(), unpacked_bytes=UNPACKED_FACTOR * max_bytes,
                      decoded_bytes=DECODED_FACTOR * max_bytes)


def _cell_limit() -> int:
    """MAX_WORKBOOK_CELLS, or a lower limit the server's environment sets (never a higher one)."""
    try:
        wanted = int(os.environ.get(CELLS_ENV, MAX_WORKBOOK_CELLS))
    except ValueError:
        return MAX_WORKBOOK_CELLS
    return max(1, min(wanted, MAX_WORKBOOK_CELLS))


def read_upload(name: str, raw: bytes, max_bytes: int = MAX_UPLOAD_BYTES, budget: ReadBudget | None = None) -> Table:
    """Read an uploaded file into a typed frame with notes for the person who uploaded it.

    Parameters
    ----------
    name : the file's name as uploaded (only its extension is used, to notice a mismatch).
    raw : the file's bytes; never modified.
    max_bytes : the largest file accepted.
    budget : the bounds on the reading (default :func:`read_budget` of ``max_bytes``); it
        also counts what was read, for a caller that wants to know.

    Returns
    -------
    Table
        The frame, what kind of file it was, and notes (encoding, delimiter, a name that did
        not match the content, numbers read from text...).

    Raises
    ------
    DataError
        With a specific message: too big, empty, not a table (and what it is instead), or
        whatever the CSV, Parquet or workbook reader found wrong. Its subclasses
        :class:`~proofdeck.data.limits.TooLarge` and :class:`~proofdeck.data.limits.TooSlow`
        when a bound of the budget was passed while reading.
    """
    budget = read_budget(max_bytes) if budget is None else budget
    budget.start()
    check_size(raw, max_bytes)
    if not raw or raw.isspace():
        raise DataError("the file is empty")
    content = content_kind(raw)
    if content in _REFUSED:
        raise DataError(f"{_named(name)}{_REFUSED[content]}")
    suffix = PurePath(name).suffix.lower()
    named_kind = _KIND_OF_SUFFIX.get(suffix, "CSV" if suffix in _TEXT_SUFFIXES else None)
    if content == "parquet":
        table = _read_parquet(raw, budget)
    elif content == "xlsx":
        table = _read_workbook(raw, budget)
    else:
        try:
            table = read_delimited(raw, budget)
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


def check_size(raw: bytes, max_bytes: int) -> None:
    """Refuse a file over the upload limit (before anything else is done with it)."""
    if len(raw) > max_bytes:
        raise DataError(
            f"the file is {len(raw) / 1e6:,.0f} MB; the limit is {max_bytes / 1e6:,.0f} MB. "
            "A sample of rows is enough for a proof of concept."
        )


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

_BATCH_BYTES = 8 * 1024 * 1024  # decoded per batch at most, for columns of fixed width
_DAMAGED_PARQUET = "the Parquet file could not be read (it may be damaged or cut short)"


def _read_parquet(raw: bytes, budget: ReadBudget) -> Table:
    try:
        parquet = pq.ParquetFile(io.BytesIO(raw))
        meta = parquet.metadata
        declared = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
        schema = parquet.schema_arrow
    except (pa.ArrowException, OSError, ValueError):
        raise DataError(_DAMAGED_PARQUET) from None
    if declared > budget.decoded_bytes:  # a quick first refusal: encoded sizes are at most decoded ones
        raise TooLarge(
            f"the Parquet file is too large: it says it unpacks to {megabytes(declared)}, more than "
            f"the {megabytes(budget.decoded_bytes)} this app reads; upload fewer rows or columns"
        )
    names, notes = column_names(schema.names)
    plain = [field.name for field in schema if _is_plain(field.type)]
    dropped = [name for name, field in zip(names, schema) if not _is_plain(field.type)]
    if dropped:  # left out before reading: a nested column is never decoded
        notes.append(
            f"{len(dropped)} column(s) hold lists, tables or binary data and were left out: "
            + ", ".join(f"'{n}'" for n in dropped[:5]) + ("..." if len(dropped) > 5 else "")
        )
    kept_names = [name for name, field in zip(names, schema) if _is_plain(field.type)]
    _require_shape(len(kept_names), 1)  # the columns, before anything is decoded
    batches = _decoded_batches(parquet, plain, [schema.field(n).type for n in plain], budget)
    _require_shape(len(kept_names), sum(b.num_rows for b in batches))
    columns = [pa.chunked_array([b.column(i) for b in batches]) for i in range(len(plain))]
    frame, conversions = typed_frame([_plain_arrow(c) for c in columns], kept_names)
    return Table(frame, "Parquet", tuple(notes), conversions)


def _decoded_batches(parquet: pq.ParquetFile, columns: list[str], types: list[pa.DataType],
                     budget: ReadBudget) -> list[pa.RecordBatch]:
    """The plain columns, batch by batch, each counted before it is kept.

    Dictionary- and run-length-encoded pages decode to far more than they take in the file
    (400 million zeros fit in 5 MB), so the batches are small enough that one batch of
    fixed-width columns stays far below the bound, and reading stops at the first batch
    that passes it. A dictionary column is decoded here, where its plain size is counted.
    """
    rows = max(1024, min(65_536, _BATCH_BYTES // max(sum(_value_width(t) for t in types), 1)))
    batches = []
    try:
        for batch in parquet.iter_batches(batch_size=rows, columns=columns):
            arrays = [_decoded(array) for array in batch.columns]
            budget.count_decoded(sum(_kept_nbytes(array) for array in arrays), batch.num_rows)
            batches.append(pa.RecordBatch.from_arrays(arrays, names=[f"c{i}" for i in range(len(arrays))]))
    except DataError:
        raise  # a bound passed: too large or too slow, not damaged
    except (MemoryError, pa.ArrowMemoryError):
        raise TooLarge(
            f"the Parquet file is too large: decoding it needs more memory than this app gives a file "
            f"(reading stopped after {budget.rows_read:,} rows); upload fewer rows or columns"
        ) from None
    except (pa.ArrowException, OSError, ValueError):
        raise DataError(_DAMAGED_PARQUET) from None
    return batches


def _is_plain(kind: pa.DataType) -> bool:
    """Numbers, flags, text, dates and times (also dictionary-encoded): the columns kept."""
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    return (pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_boolean(kind)
            or pa.types.is_decimal(kind) or pa.types.is_string(kind) or pa.types.is_large_string(kind)
            or pa.types.is_null(kind) or pa.types.is_temporal(kind))


def _value_width(kind: pa.DataType) -> int:
    try:
        return max(kind.bit_width // 8, 1)
    except ValueError:
        return 32  # text: a guess; the count after each batch is what bounds it


def _decoded(array: pa.Array) -> pa.Array:
    return pc.cast(array, array.type.value_type) if pa.types.is_dictionary(array.type) else array


def _kept_nbytes(array: pa.Array) -> int:
    """Bytes a decoded column takes once it is a frame's column (nulls and flags included)."""
    if pa.types.is_null(array.type):
        return 8 * len(array)  # becomes a float64 column of missing values
    if pa.types.is_boolean(array.type):
        return len(array)  # bits in Arrow, a byte each in the frame
    return array.nbytes


def _plain_arrow(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """Numbers, flags and text as they are; dates as ISO text (the columns are already plain)."""
    kind = column.type
    if pa.types.is_decimal(kind):
        return pc.cast(column, pa.float64())
    if pa.types.is_timestamp(kind):
        seconds = pc.cast(column, pa.timestamp("s", kind.tz), safe=False)  # "%S" would add fractions
        text = pc.strftime(seconds, format="%Y-%m-%d %H:%M:%S")
        if _all_true(pc.ends_with(text.drop_null(), " 00:00:00")):
            text = pc.utf8_slice_codeunits(text, 0, 10)  # dates stored as midnight timestamps
        return text
    if pa.types.is_temporal(kind):
        return pc.cast(column, pa.string())
    return column


def _all_true(mask: pa.ChunkedArray) -> bool:
    return pc.all(mask).as_py() is not False


def _require_shape(n_columns: int, n_rows: int) -> None:
    if n_columns < 2:
        raise DataError("the file has fewer than two usable columns; a demo needs an outcome and something to learn from")
    if n_rows == 0:
        raise DataError("the file has a header row but no data rows")


# --- Excel workbooks -------------------------------------------------------------------------

_CHUNK = 64 * 1024
# A cell element, with or without a namespace prefix: <c r="A1">, <x:c>, <c/> (rows are
# counted as they are built; a row of twenty million cells is counted here, as it is unzipped).
_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")
_UNREADABLE_BOOK = ("the Excel workbook could not be read; open it in Excel and save it again, "
                    "or export the sheet as CSV")


class _CountedMember(io.RawIOBase):
    """A zip member read through the budget: its bytes and cell elements are counted as they
    are unzipped (a zip's declared sizes can lie; these counts cannot)."""

    def __init__(self, inner, budget: ReadBudget) -> None:
        super().__init__()
        self._inner, self._budget, self._tail = inner, budget, b""

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:  # all of it, still counted chunk by chunk
            return b"".join(iter(lambda: self.read(_CHUNK), b""))
        data = self._inner.read(min(size, _CHUNK))
        self._count(data)
        return data

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def _count(self, data: bytes) -> None:
        self._budget.count_unpacked(len(data))
        text = self._tail + data
        # An element cut at the chunk's end is counted with the next chunk.
        cut = text.rfind(b"<", max(len(text) - 64, 0)) if data else -1
        scanned, self._tail = (text[:cut], text[cut:]) if cut >= 0 else (text, b"")
        self._budget.count_cells(len(_CELL.findall(scanned)))

    def close(self) -> None:
        self._inner.close()
        super().close()


class _CountedZip(zipfile.ZipFile):
    """A workbook's zip whose members are all read through the budget (openpyxl reads every
    part it needs with ``open`` or ``read``, which calls ``open``)."""

    def __init__(self, file, budget: ReadBudget) -> None:
        super().__init__(file)
        self._budget = budget

    def open(self, name, mode="r", pwd=None, **kwargs):
        member = super().open(name, mode, pwd, **kwargs)
        return _CountedMember(member, self._budget) if mode == "r" else member


def _read_workbook(raw: bytes, budget: ReadBudget) -> Table:
    try:
        archive = _CountedZip(io.BytesIO(raw), budget)
        declared = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise DataError("the Excel workbook could not be opened (it may be damaged)") from None
    if declared > budget.unpacked_bytes:  # a quick first refusal; what is unzipped is counted too
        raise TooLarge(
            f"the workbook is too large: it says it unpacks to {megabytes(declared)}, more than the "
            f"{megabytes(budget.unpacked_bytes)} this app reads; export the sheet as CSV instead"
        )
    budget.advice = "save the sheet as CSV, which reads about fifty times faster"
    try:
        sheets, rows = _first_sheet_rows(raw, archive, budget)
    except DataError:
        raise
    except Exception as error:  # openpyxl raises many kinds (KeyError, ValueError, zip errors) on bad files
        if isinstance(error.__cause__, DataError):  # openpyxl re-raises ValueErrors as its own
            raise error.__cause__ from None
        if isinstance(error, MemoryError):
            raise TooLarge("the workbook is too large: reading it needs more memory than this app gives a "
                           "file; save the sheet as CSV") from None
        raise DataError(_UNREADABLE_BOOK) from None
    finally:
        archive.close()
    notes = []
    if len(sheets) > 1:
        notes.append(f"The workbook has {len(sheets)} sheets; the first, '{sheets[0]}', was read.")
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


def _first_sheet_rows(raw: bytes, archive: zipfile.ZipFile, budget: ReadBudget) -> tuple[list[str], list[tuple]]:
    """The sheets' names, and the first sheet's rows that hold a value, counted as read.

    The sheet's declared size is never used: openpyxl would cut a sheet short to a false
    size (or pad it), and parse a whole sheet that has none just to find it.
    """
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    class UnsizedSheet(ReadOnlyWorksheet):
        def _get_size(self) -> None:
            pass  # no declared size: rows are read as they are, until the budget says stop

    class Reader(ExcelReader):
        def read_worksheets(self) -> None:  # openpyxl's read-only branch, without opening sheets
            for sheet, rel in self.parser.find_sheets():
                if rel.target in self.valid_files and "chartsheet" not in rel.Type:
                    self.wb._sheets.append(UnsizedSheet(self.wb, sheet.name, rel.target, self.shared_strings))

    reader = Reader(io.BytesIO(raw), read_only=True, data_only=True, keep_links=False)
    reader.archive.close()
    reader.archive = archive  # every part openpyxl reads goes through the budget
    reader.read()
    sheets = reader.wb.worksheets
    if not sheets:
        raise DataError("the workbook has no sheets")
    rows = []
    for row in sheets[0].iter_rows(values_only=True):
        budget.count_row(len(row))
        if any(c is not None for c in row):
            rows.append(row)
    return [sheet.title for sheet in sheets], rows


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
