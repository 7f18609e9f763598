"""Uploads: every crafted bad file gets its own message; good files of every kind read alike."""

import contextlib
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from proofdeck.data.delimited import DataError
from proofdeck.upload.ingest import content_kind, read_upload
from proofdeck.upload.profile import profile_table

FILES = Path(__file__).parent / "files"


def upload(name: str, raw: bytes | None = None, **kwargs):
    return read_upload(name, (FILES / name).read_bytes() if raw is None else raw, **kwargs)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("empty.csv", "the file is empty"),
        ("blank_lines.csv", "the file is empty"),
        ("header_only.csv", "a header row but no data rows"),
        ("garbage.csv", "is named .csv but is binary data"),
        ("page_named.csv", "is named .csv but is a web page"),
        ("pdf_named.csv", "is named .csv but is a PDF document"),
        ("old_excel.xls", "an old Excel workbook"),
        ("zip_named.csv", "is named .csv but is a zip archive"),
        ("json_named.csv", "is named .csv but is JSON"),
        ("duplicated_names.csv", "column names appear twice: plan"),
        ("ragged.csv", "line 3 has 3 fields where the header has 2"),
        ("unclosed_quote.csv", "quoted value starting near line 3 is never closed"),
    ],
)
def test_bad_files_get_their_own_message(name, message):
    with pytest.raises(DataError, match=message):
        upload(name)


def test_bad_files_are_not_altered():
    before = {path.name: path.read_bytes() for path in FILES.iterdir()}
    for name in before:
        with contextlib.suppress(DataError):
            upload(name)
    assert before == {path.name: path.read_bytes() for path in FILES.iterdir()}


def test_a_workbook_named_csv_is_read_as_a_workbook_and_said_so():
    table = upload("workbook_named.csv")
    assert table.kind == "Excel workbook"
    assert table.notes[0] == "The file is named .csv but holds an Excel workbook; it was read as one."
    assert table.frame["monthly"].tolist() == [10.5, 21.0, 31.5, 42.0, 52.5, 63.0]


def test_text_named_xlsx_is_read_as_csv_and_said_so():
    table = upload("text_named.xlsx")
    assert table.kind == "CSV" and "named .xlsx but holds a CSV" in table.notes[0]
    assert table.frame["plan"].tolist() == ["basic", "pro"]


def test_a_name_without_extension_is_read_by_content():
    table = read_upload("export", b"id,v\n1,2\n")
    assert "does not say its type" in table.notes[0]


def test_too_big_is_refused_before_reading():
    with pytest.raises(DataError, match="the limit is"):
        read_upload("a.csv", b"id,v\n" + b"1,2\n" * 100, max_bytes=50)


def test_unicode_and_long_names_are_kept_exactly():
    table = upload("unicode_long_names.csv")
    assert list(table.frame.columns) == ["id", "Größe (m²)", "顧客の状態", "emoji 🚀 col", "a_very_long_name_" * 20]
    assert table.frame["顧客の状態"].tolist() == ["有効", "無効"]


def test_html_and_script_in_names_and_values_are_kept_as_data():
    table = upload("html_script.csv")
    assert list(table.frame.columns) == ["id", "<script>alert(1)</script>", "<b>bold</b> name", "note"]
    assert table.frame["<script>alert(1)</script>"].tolist() == ["<img src=x onerror=alert(1)>", "plain"]
    assert table.frame["<b>bold</b> name"].tolist() == ["![p](http://example.invalid/x.png)", "**B**"]
    assert table.frame["note"].tolist() == ['=HYPERLINK("http://example.invalid")', "@SUM(1+1)"]


def test_all_missing_column_is_read_and_left_out_with_its_reason():
    table = upload("all_missing_column.csv")
    assert table.frame["empty"].isna().all() and len(table.frame) == 3
    assert profile_table(table).left_out()["empty"] == "every value is missing"


def test_trailing_commas_upload():
    table = upload("trailing_commas.csv")
    assert list(table.frame.columns) == ["id", "plan", "churned"]
    assert any("extra delimiter" in note for note in table.notes)


def test_windows_1252_upload_is_read_and_said_so():
    table = upload("cp1252.csv")
    assert table.frame["name"].tolist() == ["“Pro” Ünïcode", "Basic"]
    assert table.frame["price"].tolist() == [1234.5, 12.0]
    assert table.encoding == "Windows-1252" and any("Windows-1252" in n for n in table.notes)


def test_utf16_unicode_text_upload():
    table = upload("utf16_unicode_text.txt")
    assert table.kind == "TSV" and table.frame["name"].tolist() == ["José", "Zoë"]


def test_a_thousand_columns():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.integers(0, 9, (30, 1000)), columns=[f"c{i}" for i in range(1000)])
    table = read_upload("wide.csv", frame.to_csv(index=False).encode())
    pd.testing.assert_frame_equal(table.frame, frame)
    profile = profile_table(table)
    assert len(profile.columns) == 1000 and all(c.kind == "number" for c in profile.columns)


def test_parquet_reads_like_its_csv():
    frame = pd.DataFrame(
        {
            "id": ["a", "b", "c"],
            "n": [1, 2, 3],
            "x": [0.5, np.nan, 2.0],
            "flag": [True, False, True],
            "when": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"]),
            "kind": pd.Categorical(["u", "v", "u"]),
        }
    )
    buffer = io.BytesIO()
    frame.to_parquet(buffer)
    from_parquet = read_upload("x.parquet", buffer.getvalue()).frame
    from_csv = read_upload("x.csv", frame.to_csv(index=False).encode()).frame
    pd.testing.assert_frame_equal(from_parquet, from_csv)


def test_parquet_with_nested_columns_leaves_them_out_and_says_so():
    buffer = io.BytesIO()
    pd.DataFrame({"id": ["a", "b"], "v": [1, 2], "tags": [[1], [2, 3]]}).to_parquet(buffer)
    table = read_upload("x.parquet", buffer.getvalue())
    assert list(table.frame.columns) == ["id", "v"] and "'tags'" in table.notes[0]


def test_damaged_parquet_and_workbook_get_messages():
    with pytest.raises(DataError, match="Parquet file could not be read"):
        read_upload("x.parquet", b"PAR1" + b"\x00" * 50 + b"PAR1")
    raw = (FILES / "workbook_named.csv").read_bytes()
    broken = raw.replace(b"xl/worksheets/sheet1.xml", b"xl/worksheets/sheetX.xml")
    with pytest.raises(DataError, match="the workbook has no sheets"):
        read_upload("x.xlsx", broken)
    with pytest.raises(DataError, match="is named .xlsx but is a damaged zip archive"):
        read_upload("x.xlsx", raw[: len(raw) // 2])
    with pytest.raises(DataError, match="workbook could not be read"):
        read_upload("x.xlsx", _with_member(raw, "xl/worksheets/sheet1.xml", b"<worksheet><sheetData><<<"))


def _with_member(raw: bytes, name: str, content: bytes) -> bytes:
    import zipfile

    source, buffer = zipfile.ZipFile(io.BytesIO(raw)), io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for info in source.infolist():
            archive.writestr(info.filename, content if info.filename == name else source.read(info))
    return buffer.getvalue()


def test_a_workbook_that_unpacks_too_big_is_refused():
    buffer = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", b"<x/>")
        archive.writestr("xl/worksheets/sheet1.xml", b" " * 2_000_000)
    with pytest.raises(DataError, match="unpacks to"):
        read_upload("bomb.xlsx", buffer.getvalue(), max_bytes=100_000)


def test_workbook_and_its_csv_export_read_alike():
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    rows = [["id", "amount", "joined", "active", "plan"], ["a", 1.5, "2024-01-05", True, "pro"], ["b", 2, None, False, "basic"]]
    for row in rows:
        sheet.append(row)
    book.create_sheet("Second")
    buffer = io.BytesIO()
    book.save(buffer)
    table = read_upload("book.xlsx", buffer.getvalue())
    csv = read_upload("book.csv", b"id,amount,joined,active,plan\na,1.5,2024-01-05,True,pro\nb,2,,False,basic\n")
    pd.testing.assert_frame_equal(table.frame, csv.frame)
    assert "2 sheets; the first, 'Sheet', was read" in table.notes[0]


@pytest.mark.parametrize(
    ("raw", "kind"),
    [(b"PAR1xxxxPAR1", "parquet"), (b"%PDF-1.7", "pdf"), (b"\x89PNG\r\n", "image"), (b"\x1f\x8b\x08", "gzip"), (b"id,v\n", "text")],
)
def test_content_kind(raw, kind):
    assert content_kind(raw) == kind


def test_a_sheet_too_big_for_a_workbook_is_refused_with_advice(monkeypatch):
    import proofdeck.upload.ingest as ingest

    monkeypatch.setattr(ingest, "MAX_WORKBOOK_CELLS", 20)
    with pytest.raises(DataError, match="the first sheet is too large: it holds more than 20 cells.* save it as CSV"):
        upload("workbook_named.csv")
