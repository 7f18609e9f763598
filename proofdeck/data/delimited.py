"""Reading delimited text (CSV, TSV, semicolon- or pipe-separated) from bytes, right.

Real exports differ in ways pandas' defaults get silently wrong; each is handled here:

- the encoding: UTF-8 with or without BOM, UTF-16 (Excel's "Unicode text"), Windows-1252
  (smart quotes, the euro sign), then Latin-1; the page is told when it was not UTF-8 (a
  Windows-1252 file whose bytes also happen to be valid UTF-8, rare in real text, reads as
  UTF-8);
- the delimiter: comma, semicolon, tab or pipe, sniffed over the first lines with quoting
  understood (a ``;`` inside a quoted header name does not count), picking the one that
  splits every line into the same number of fields;
- a delimiter at the end of every line (some exports add one): the empty last field is
  dropped instead of shifting every column by one;
- blank header names are named by position ("column 3"), and said so; names that repeat
  are refused, since pandas would quietly rename them;
- LF, CRLF and CR line ends, and quoted fields holding delimiters, quotes or line breaks.

Cells are then typed by :mod:`proofdeck.data.coercion`. Parsing uses pyarrow's multithreaded
reader, so a million rows take about a second. :class:`DataError` is the one exception raised;
``error.public`` is a version of the message that quotes nothing from the file. A
:class:`~proofdeck.data.limits.ReadBudget` bounds the time: it is checked between the steps
and every few thousand records of the slow, line-numbering pass over a malformed file.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from proofdeck.data.coercion import NA_TOKENS, Conversion, typed_frame

if TYPE_CHECKING:  # limits imports DataError from here
    from proofdeck.data.limits import ReadBudget

DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "pipes"}
SAMPLE_BYTES = 1024 * 1024
SAMPLE_RECORDS = 100
_CHUNK = 1024 * 1024
_RECORDS_PER_CHECK = 5_000  # the slow pass checks the time budget this often


class DataError(ValueError):
    """A file or dataset that cannot be used, with a message saying what to fix.

    ``str(error)`` may name the file's own columns or values (fine for the person who
    uploaded it); ``error.public`` never does, for pages anyone can open.
    """

    def __init__(self, message: str, public: str | None = None):
        super().__init__(message)
        self.public = public or message


@dataclass(frozen=True)
class Table:
    """A file read into a frame, with what a person should know about how it was read.

    Attributes
    ----------
    frame : the rows, typed (numbers, yes/no flags as bool, text).
    kind : what the file was: "CSV", "TSV", "Parquet" or "Excel workbook".
    notes : plain sentences about the reading (encoding, renamed columns...).
    conversions : text columns read as numbers, with what was removed and blanks counted.
    delimiter, encoding : for delimited text, what was found.
    """

    frame: pd.DataFrame
    kind: str
    notes: tuple[str, ...] = ()
    conversions: tuple[Conversion, ...] = ()
    delimiter: str | None = None
    encoding: str | None = None


def read_delimited(raw: bytes, budget: ReadBudget | None = None) -> Table:
    """Read delimited text into a typed frame.

    Parameters
    ----------
    raw : the file's bytes; never modified.
    budget : the time allowed (and a count of the rows read); None for no limit.

    Returns
    -------
    Table

    Raises
    ------
    DataError
        For an empty or binary file, a single column, no data rows, repeated column names,
        or lines that do not all have the same number of fields (with the line number);
        :class:`~proofdeck.data.limits.TooSlow` when the budget's time is spent.
    """
    check = budget.check_time if budget is not None else _no_check
    if not raw or raw.isspace():  # isspace stops at the first other byte; strip would copy
        raise DataError("the file is empty")
    data, start, encoding, notes = _decode(raw)
    check()
    data = memoryview(data)[start:]
    sample = bytes(data[:SAMPLE_BYTES]).decode("utf-8", errors="ignore")
    complete = len(data) <= SAMPLE_BYTES
    if _looks_binary(sample):
        raise DataError("this looks like a binary file (Excel, zip...), not a CSV text file")
    delimiter = sniff_delimiter(sample, complete)
    header_end = _header_end(sample, delimiter)
    if header_end is None and not complete:
        raise DataError("the first line is longer than 1 MB; is this really a CSV file?")
    header_text = sample[: header_end or len(sample)]
    header = next((r for r in csv.reader(io.StringIO(header_text, newline=""), delimiter=delimiter) if r), [])
    records = _sample_records(sample, delimiter, complete)[1:]
    # "a,b," on every line (header included): the empty last column is an artefact, drop it.
    drop_last = len(header) > 2 and not header[-1].strip()
    trailing = bool(records) and all(len(r) == len(header) + 1 and r[-1] == "" for r in records)
    if len(header) - drop_last < 2:
        raise DataError(
            "the file has only one column; is it separated by commas or semicolons?"
        )
    body = data[len(header_text.encode("utf-8")) :] if header_end is not None else memoryview(b"")
    if len(body) <= SAMPLE_BYTES and not bytes(body).strip():  # small: a copy costs nothing
        raise DataError("the file has a header row but no data rows")
    width = len(header) + trailing
    table = _parse(body, delimiter, width, header_text, len(header), check)
    if budget is not None:
        budget.count_rows(table.num_rows)
    if body.obj.count(b'"', len(body.obj) - len(body)) % 2:
        _check_quotes(body, delimiter, header_text, check)  # an odd count of quotes: one may be open
    if trailing or drop_last:
        last = table.column(width - 1)
        if last.null_count == table.num_rows:
            table, header = table.remove_column(width - 1), header[: len(header) - drop_last]
            notes.append("Every line ends with an extra delimiter; the empty last field was ignored.")
        elif trailing:
            line = _first_bad_line(body, delimiter, header_text, lambda r: len(r) > width - 1 and r[-1] != "", check)
            raise DataError(
                f"the file is not a well-formed CSV: line {line} has more fields than the header"
            )
    if table.num_rows == 0:
        raise DataError("the file has a header row but no data rows")
    names, name_notes = column_names(header)
    notes.extend(name_notes)
    frame, conversions = typed_frame(table.columns, names, decimal_comma=delimiter == ";")
    check()
    if delimiter != ",":
        notes.append(f"Columns are separated by {DELIMITER_NAMES[delimiter]}.")
    kind = "TSV" if delimiter == "\t" else "CSV"
    return Table(frame, kind, tuple(notes), conversions, delimiter, encoding)


def column_names(header: list[str]) -> tuple[list[str], list[str]]:
    """Clean header names: trimmed, blanks named by position; refuse names that repeat.

    Returns
    -------
    The names and the notes to show (e.g. that column 3 had no name).
    """
    names, blanks = [], []
    for position, raw_name in enumerate(header, start=1):
        name = str(raw_name).strip()
        if not name:
            name = f"column {position}"
            blanks.append(position)
        names.append(name)
    seen: dict[str, int] = {}
    for name in names:
        seen[name] = seen.get(name, 0) + 1
    repeated = [name for name, count in seen.items() if count > 1]
    if repeated:
        raise DataError(
            f"column names appear twice: {', '.join(repeated)}",
            public=f"{len(repeated)} column name(s) appear more than once in the header",
        )
    notes = []
    if blanks:
        which = ", ".join(str(p) for p in blanks)
        notes.append(
            f"{'Columns' if len(blanks) > 1 else 'Column'} {which} had no name in the file; "
            f"{'they are' if len(blanks) > 1 else 'it is'} called \"column {blanks[0]}\" and so on here."
        )
    return names, notes


def _decode(raw: bytes) -> tuple[bytes, int, str, list[str]]:
    """The text as UTF-8 bytes and where it starts (after a BOM), the encoding, notes."""
    if raw.startswith(codecs.BOM_UTF8) and _is_utf8(memoryview(raw)[3:]):
        return raw, 3, "UTF-8", []
    utf16 = _utf16_kind(raw)
    if utf16:
        try:
            text = raw.decode(utf16)
        except UnicodeDecodeError:
            raise DataError("the file looks like UTF-16 text but cannot be decoded") from None
        return text.lstrip("\ufeff").encode("utf-8"), 0, "UTF-16", [
            "The file is UTF-16 text (as Excel's 'Unicode text' saves it); it was converted."
        ]
    if _is_utf8(raw):
        return raw, 0, "UTF-8", []
    try:
        text, name = raw.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        text, name = raw.decode("latin-1"), "Latin-1"
    note = (
        f"The file is not UTF-8; it was read as {name} (Western European). "
        "If some letters look wrong, export it again as UTF-8."
    )
    return text.encode("utf-8"), 0, name, [note]


def _is_utf8(data: bytes | memoryview) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for start in range(0, len(data), _CHUNK):
            decoder.decode(data[start : start + _CHUNK])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _utf16_kind(raw: bytes) -> str | None:
    """'utf-16' for a UTF-16 BOM, 'utf-16-le'/'-be' for BOM-less UTF-16 text, else None."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    head = raw[:2000]
    if len(head) < 4 or len(head) % 2:
        head = head[:-1]
    if len(head) < 4:
        return None
    even_zero = head[0::2].count(0) / (len(head) / 2)
    odd_zero = head[1::2].count(0) / (len(head) / 2)
    if odd_zero > 0.9 and even_zero < 0.1:
        return "utf-16-le"
    if even_zero > 0.9 and odd_zero < 0.1:
        return "utf-16-be"
    return None


def _looks_binary(sample: str) -> bool:
    if "\x00" in sample:
        return True
    control = sum(1 for c in sample[:65536] if (ord(c) < 32 and c not in "\t\n\r\f\v") or 0x7F <= ord(c) <= 0x9F)
    return control > 0.01 * max(len(sample[:65536]), 1)


def _sample_records(sample: str, delimiter: str, complete: bool) -> list[list[str]]:
    """The first records of the sample, parsed with quoting (blank lines skipped)."""
    records = []
    reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
    try:
        for record in reader:
            if record:
                records.append(record)
            if len(records) > SAMPLE_RECORDS:
                break
    except csv.Error:
        pass  # a NUL or an over-long field: judge on what was read
    if not complete and len(records) <= SAMPLE_RECORDS and len(records) > 1:
        records = records[:-1]  # the sample may have cut the last record
    return records


def sniff_delimiter(sample: str, complete: bool = True) -> str:
    """The delimiter that splits the header into most fields and every line alike.

    Parameters
    ----------
    sample : the start of the file as text.
    complete : whether the sample is the whole file (else its last record may be cut).

    Returns
    -------
    One of ``, ; \\t |``; a comma when none splits the header.
    """
    best, best_score = ",", (0.0, 0)
    for delimiter in DELIMITERS:
        records = _sample_records(sample, delimiter, complete)
        if not records or len(records[0]) < 2:
            continue
        width, rows = len(records[0]), records[1:]
        fits = sum(1 for r in rows if len(r) == width or (len(r) == width + 1 and r[-1] == ""))
        score = (fits / len(rows) if rows else 1.0, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _header_end(sample: str, delimiter: str) -> int | None:
    """Index just after the header record's line end (quotes understood), or None."""
    in_quotes, field_start, started = False, True, False
    i, n = 0, len(sample)
    while i < n:
        c = sample[i]
        if in_quotes:
            if c == '"':
                if i + 1 < n and sample[i + 1] == '"':
                    i += 2
                    continue
                in_quotes = False
        elif c == '"' and field_start:
            in_quotes, field_start, started = True, False, True
        elif c in "\r\n":
            end = i + 2 if c == "\r" and i + 1 < n and sample[i + 1] == "\n" else i + 1
            if started:
                return end
            i, field_start = end, True
            continue
        else:
            field_start = c == delimiter
            started = True
        i += 1
    return None


def _no_check() -> None:
    pass


def _parse(
    body: bytes | memoryview, delimiter: str, width: int, header_text: str, header_width: int, check=_no_check
) -> pa.Table:
    names = [f"c{i}" for i in range(width)]
    try:
        return pacsv.read_csv(
            pa.BufferReader(body),
            read_options=pacsv.ReadOptions(column_names=names),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter, quote_char='"', double_quote=True, escape_char=False,
                newlines_in_values=True, ignore_empty_lines=True,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={name: pa.string() for name in names},
                null_values=list(NA_TOKENS),
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    # The fast parser stops at the first problem without a line number: find it, slowly.
    try:
        line = _first_bad_line(body, delimiter, header_text, lambda r: len(r) != width, check)
    except csv.Error as error:
        raise DataError(
            f"the file is not a well-formed CSV: a quoted value starting near line {error.args[0]} "
            "is never closed"
        ) from None
    if line is None:
        raise DataError("the file is not a well-formed CSV: the lines do not all have the same number of fields")
    count = _field_count_at(body, delimiter, header_text, line, check)
    if width != header_width and count == header_width:
        problem = f"line {line} does not end with a delimiter like the lines before it"
    else:
        problem = (
            f"line {line} has {count} field{'s' if count != 1 else ''} where the header has {header_width}; every line needs "
            "the same number (values holding the delimiter need quotes)"
        )
    raise DataError(f"the file is not a well-formed CSV: {problem}")


def _check_quotes(body, delimiter: str, header_text: str, check=_no_check) -> None:
    """Refuse a file where a quoted value is never closed (it would swallow the lines after)."""
    try:
        for _ in _records_with_lines(body, delimiter, header_text, check):
            pass
    except csv.Error as error:
        raise DataError(
            f"the file is not a well-formed CSV: a quoted value starting near line {error.args[0]} "
            "is never closed"
        ) from None


def _records_with_lines(body, delimiter: str, header_text: str, check=_no_check):
    """Yield (first line number in the file, record) for each non-blank record of the body;
    ``check()`` every few thousand records (it raises when the time budget is spent)."""
    offset = header_text.count("\n") + header_text.count("\r") - header_text.count("\r\n")
    text = bytes(body).decode("utf-8", errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    previous, count = 0, 0
    while True:
        count += 1
        if count % _RECORDS_PER_CHECK == 0:
            check()
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error:
            raise csv.Error(offset + previous + 1) from None
        start, previous = previous + 1, reader.line_num
        if record:
            yield offset + start, record


def _first_bad_line(body, delimiter: str, header_text: str, bad, check=_no_check) -> int | None:
    """Line number (in the file) of the first record for which ``bad(record)`` holds."""
    for line, record in _records_with_lines(body, delimiter, header_text, check):
        if bad(record):
            return line
    return None


def _field_count_at(body, delimiter: str, header_text: str, line: int, check=_no_check) -> int:
    for start, record in _records_with_lines(body, delimiter, header_text, check):
        if start == line:
            return len(record)
    return 0  # pragma: no cover - the line was found by the same reader
