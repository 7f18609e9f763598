"""Decompression bombs and slow files (issue 17, item 12): reading is bounded by what is read.

Each bomb is made here, small but of the real shape (a workbook with no size and more cells
than a lowered limit, one whose size lies, Parquet zeros that decode to far more than they
take), and read with a lowered :class:`ReadBudget`. Each test checks the message says "too
large" or "took too long" (never "damaged"), and that reading stopped early, by counting what
was read: rows and cells, never seconds. Expected counts are worked out in the comments.
"""

from __future__ import annotations

import io
import itertools
import struct
import zipfile

import numpy as np
import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from benchmarks.synthetic import parquet_zeros, workbook_bomb
from proofdeck.data.delimited import DataError
from proofdeck.data.limits import ReadBudget, TooLarge, TooSlow
from proofdeck.upload.ingest import read_budget, read_upload

SHEET = "xl/worksheets/sheet1.xml"


def budget(**bounds) -> ReadBudget:
    return ReadBudget(**{"cells": 10**9, "unpacked_bytes": 10**12, "decoded_bytes": 10**12, **bounds})


def book(rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def with_sheet(raw: bytes, change) -> bytes:
    """The workbook with its first sheet's XML passed through ``change``."""
    source, buffer = zipfile.ZipFile(io.BytesIO(raw)), io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info)
            archive.writestr(info.filename, change(data) if info.filename == SHEET else data)
    return buffer.getvalue()


ROWS = [["id", "amount", "plan"], ["a", 1, "x"], ["b", 2, "y"], ["c", 3, "z"]]
EXPECTED = pd.DataFrame({"id": ["a", "b", "c"], "amount": [1, 2, 3], "plan": ["x", "y", "z"]})


# --- workbooks -----------------------------------------------------------------------------------


def test_a_sheet_without_a_size_stops_at_the_cell_limit():
    # 50,000 cells, 10 to a row, no <dimension>: 5,000 rows. The limit of 5,000 cells is
    # passed within the first 500 rows (counted as unzipped, or as built: 500 rows of 10).
    raw = workbook_bomb(50_000, per_row=10)
    assert b"<dimension" not in zipfile.ZipFile(io.BytesIO(raw)).read(SHEET)
    spent = budget(cells=5_000)
    with pytest.raises(TooLarge, match=r"^the first sheet is too large: it holds more than 5,000 cells.*save it as CSV"):
        read_upload("bomb.xlsx", raw, budget=spent)
    assert spent.rows_read <= 500 and spent.cells_built <= 5_000 + 10
    assert spent.cells_read <= 5_000 + 65_536 // 16  # one chunk of 16-byte cells ahead, at most


def test_one_row_of_many_cells_stops_while_it_is_unzipped():
    # A single <row> of 50,000 cells: no row is ever built; the cells are counted in the XML.
    spent = budget(cells=5_000)
    with pytest.raises(TooLarge, match="more than 5,000 cells"):
        read_upload("row.xlsx", workbook_bomb(50_000, per_row=50_000), budget=spent)
    assert spent.rows_read == 0 and spent.cells_read < 10_000


def test_a_sheet_of_skipped_rows_is_bounded_too():
    # The second row is numbered one billion: openpyxl yields the empty rows between, each
    # counted as one cell, so reading stops after 5,000 of them.
    raw = with_sheet(book(ROWS[:2]), lambda xml: xml.replace(b'<row r="2"', b'<row r="1000000000"')
                     .replace(b'r="A2"', b'r="A1000000000"').replace(b'r="B2"', b'r="B1000000000"')
                     .replace(b'r="C2"', b'r="C1000000000"'))
    spent = budget(cells=5_000)
    with pytest.raises(TooLarge, match="too large"):
        read_upload("gaps.xlsx", raw, budget=spent)
    assert spent.rows_read <= 5_000


def test_a_false_size_reads_what_is_actually_there():
    # The sheet says it is A1:B1 (one row, two columns) and holds 4 rows of 3 columns.
    raw = with_sheet(book(ROWS), lambda xml: xml.replace(b'<dimension ref="A1:C4"', b'<dimension ref="A1:B1"'))
    assert b'<dimension ref="A1:B1"' in zipfile.ZipFile(io.BytesIO(raw)).read(SHEET)
    pd.testing.assert_frame_equal(read_upload("lies.xlsx", raw).frame, EXPECTED)


def test_a_size_claiming_more_than_the_limit_does_not_refuse_a_small_sheet():
    # Whole formatted columns make Excel write sizes like A1:XFD1048576 over a few rows.
    raw = with_sheet(book(ROWS), lambda xml: xml.replace(b'<dimension ref="A1:C4"', b'<dimension ref="A1:XFD1048576"'))
    pd.testing.assert_frame_equal(read_upload("formatted.xlsx", raw, budget=budget(cells=100)).frame, EXPECTED)


def test_unzipped_bytes_are_counted_as_they_are_unzipped():
    # 20,000 cells of "<c><v>0</v></c>" are 320,000 bytes of XML; the bound is 100,000. The
    # declared sizes refuse this file first (read_upload); the count is the second guard, so
    # it is checked here on the archive openpyxl reads through, chunk by chunk (64 KB).
    from proofdeck.upload.ingest import _CountedZip

    spent = budget(unpacked_bytes=100_000)
    with pytest.raises(TooLarge, match=r"^the workbook is too large: it unpacks to more than 0.1 MB"):
        _CountedZip(io.BytesIO(workbook_bomb(20_000, per_row=10)), spent).read(SHEET)
    assert spent.bytes_unpacked <= 100_000 + 65_536
    with pytest.raises(TooLarge, match="it says it unpacks to 0.3"):
        read_upload("big.xlsx", workbook_bomb(20_000, per_row=10), budget=budget(unpacked_bytes=100_000))


def test_a_zip_member_that_says_it_is_smaller_is_not_unpacked_further():
    # The sheet's declared size (in the local and the central header) is cut to 100 bytes:
    # nothing past them is unzipped, and the file is damaged (its headers are false).
    raw = workbook_bomb(2_000, per_row=10)
    raw = _declare_size(raw, SHEET, 100)
    assert zipfile.ZipFile(io.BytesIO(raw)).getinfo(SHEET).file_size == 100
    spent = budget()
    with pytest.raises(DataError, match="could not be read") as caught:
        read_upload("short.xlsx", raw, budget=spent)
    assert not isinstance(caught.value, TooLarge | TooSlow)
    others = sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(raw)).infolist() if i.filename != SHEET)
    assert spent.bytes_unpacked <= others + 100


def _declare_size(raw: bytes, name: str, size: int) -> bytes:
    """Rewrite a (non-zip64) member's uncompressed size in its local and central headers."""
    data, encoded = bytearray(raw), name.encode()
    for signature, field in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        name_at = 30 if signature == b"PK\x03\x04" else 46
        start = 0
        while (start := data.find(signature, start)) != -1:
            length = struct.unpack_from("<H", data, start + (26 if name_at == 30 else 28))[0]
            if bytes(data[start + name_at : start + name_at + length]) == encoded:
                struct.pack_into("<I", data, start + field, size)
            start += 4
    return bytes(data)


def test_a_workbook_read_past_its_time_stops_and_says_so():
    # A fake clock: one millisecond per look. Reading stops once 0.5 s have "passed", after
    # at most 500 looks (one per row at least), so at most 500 of the 5,000 rows.
    ticks = itertools.count()
    spent = budget(seconds=0.5, clock=lambda: next(ticks) / 1000)
    with pytest.raises(TooSlow, match=r"^the file took too long to read: more than 0.5 s.*save the sheet as CSV"):
        read_upload("slow.xlsx", workbook_bomb(50_000, per_row=10), budget=spent)
    assert 0 < spent.rows_read <= 500


# --- Parquet -------------------------------------------------------------------------------------


def test_parquet_zeros_stop_at_the_decoded_bound_though_the_metadata_looks_small():
    # 2,000,000 rows x 2 int64 zeros decode to 32 MB; the bound is 4 MB: 262,144 rows of 16
    # bytes. Batches of 65,536 rows (1 MB) stop reading at the fifth batch at most.
    raw = parquet_zeros(2_000_000, columns=2, row_group=500_000)
    meta = pq.ParquetFile(io.BytesIO(raw)).metadata
    assert sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups)) < 4_000_000
    spent = budget(decoded_bytes=4_000_000)
    with pytest.raises(TooLarge, match=r"^the Parquet file is too large: its columns decode to more than 4 MB"):
        read_upload("zeros.parquet", raw, budget=spent)
    assert spent.rows_read <= 262_144 and spent.bytes_decoded <= 4_000_000 + 65_536 * 16


def test_dictionary_text_is_counted_as_the_text_it_decodes_to():
    # One 10,000-character category repeated 2,000 times: 20 MB decoded, a few KB stored.
    frame = pd.DataFrame({"id": np.arange(2_000), "kind": pd.Categorical(["x" * 10_000] * 2_000)})
    buffer = io.BytesIO()
    frame.to_parquet(buffer)
    assert pa.types.is_dictionary(pq.ParquetFile(io.BytesIO(buffer.getvalue())).schema_arrow.field("kind").type)
    with pytest.raises(TooLarge, match="decode to more than 4 MB"):
        read_upload("categories.parquet", buffer.getvalue(), budget=budget(decoded_bytes=4_000_000))


def test_columns_of_nothing_count_as_the_missing_numbers_they_become():
    # Null columns take no bytes in Arrow but 8 bytes a row as a frame's missing numbers:
    # 1,000,000 rows x 2 columns are 16 MB, over the 4 MB bound.
    buffer = io.BytesIO()
    pq.write_table(pa.table({"a": pa.nulls(1_000_000), "b": pa.nulls(1_000_000)}), buffer)
    with pytest.raises(TooLarge, match="too large"):
        read_upload("nothing.parquet", buffer.getvalue(), budget=budget(decoded_bytes=4_000_000))


def test_a_parquet_file_of_many_batches_reads_like_its_csv():
    # 150,000 rows: three batches of 65,536 rows or less, joined in order.
    rng = np.random.default_rng(0)
    n = 150_000
    frame = pd.DataFrame({
        "id": [f"r{i}" for i in range(n)], "n": rng.integers(0, 100, n), "x": np.where(rng.random(n) < 0.1, np.nan, 1.5),
        "flag": rng.random(n) < 0.5, "kind": pd.Categorical(rng.choice(["u", "v", "w"], n)),
        "when": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 300, n), unit="D"),
    })
    buffer = io.BytesIO()
    frame.to_parquet(buffer, row_group_size=40_000)
    spent = read_budget()
    from_parquet = read_upload("x.parquet", buffer.getvalue(), budget=spent).frame
    pd.testing.assert_frame_equal(from_parquet, read_upload("x.csv", frame.to_csv(index=False).encode()).frame)
    assert spent.rows_read == n


def test_a_nested_column_is_left_out_without_being_decoded():
    # One row holds a list of 5,000,000 numbers (40 MB decoded): never read, so the 4 MB
    # bound is not reached, and the note says the column was left out.
    big = pa.array([np.zeros(5_000_000), np.zeros(1)], type=pa.list_(pa.float64()))
    table = pa.table({"id": ["a", "b"], "v": [1, 2], "big": big})
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    spent = budget(decoded_bytes=4_000_000)
    read = read_upload("nested.parquet", buffer.getvalue(), budget=spent)
    assert list(read.frame.columns) == ["id", "v"] and "'big'" in read.notes[0]
    assert spent.bytes_decoded < 1_000


# --- CSV -----------------------------------------------------------------------------------------


def test_a_csv_whose_slow_pass_runs_past_its_time_stops_and_says_so():
    # A quote opened on the last line and never closed sends the reader to its slow pass
    # over the records (to name the line). With one "second" per look at the clock and 3 s
    # allowed, it stops by the sixth look: the start, after decoding, after parsing, then one
    # look per 5,000 records; so after at most 15,000 of the 100,001 records.
    looks = []

    def clock() -> float:
        looks.append(None)
        return float(len(looks))

    raw = b"id,v\n" + b"2,x\n" * 100_000 + b'1,"open\n'
    with pytest.raises(TooSlow, match=r"^the file took too long to read: more than 3 s, the limit here"):
        read_upload("slow.csv", raw, budget=budget(seconds=3, clock=clock))
    assert len(looks) <= 6


def test_the_default_budget_follows_the_upload_limit():
    spent = read_budget(100_000_000, seconds=30)
    assert (spent.seconds, spent.unpacked_bytes, spent.decoded_bytes) == (30, 1_200_000_000, 500_000_000)
