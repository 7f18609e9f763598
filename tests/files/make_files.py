"""Writes the crafted bad files in this folder: python tests/files/make_files.py

Each file is small and named for what is wrong with it; tests/test_ingest.py reads each one
(a few big ones, such as a thousand columns, are made at test time instead).
"""

import io
import zipfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).parent


def workbook() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Export"
    sheet.append(["id", "plan", "monthly", "churned"])
    for i in range(1, 7):
        sheet.append([f"C{i}", "basic" if i % 2 else "pro", 10.5 * i, "yes" if i % 3 == 0 else "no"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def zip_of_csv() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("export.csv", "id,v\n1,2\n")
    return buffer.getvalue()


FILES = {
    "empty.csv": b"",
    "blank_lines.csv": b"\n \r\n\t\n",
    "header_only.csv": b"id,plan,churned\r\n",
    "garbage.csv": np.random.default_rng(0).integers(0, 256, 600, dtype=np.uint8).tobytes(),
    "workbook_named.csv": workbook(),
    "page_named.csv": b"<!DOCTYPE html>\n<html><head><title>Export</title></head><body><table><tr><td>1</td></tr></table></body></html>\n",
    "text_named.xlsx": b"id,plan,churned\nC1,basic,yes\nC2,pro,no\n",
    "pdf_named.csv": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
    "old_excel.xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504),
    "zip_named.csv": zip_of_csv(),
    "json_named.csv": b'[{"id": 1, "churned": "yes"}, {"id": 2, "churned": "no"}]\n',
    "duplicated_names.csv": b"id,plan,monthly,plan\nC1,basic,10,pro\nC2,pro,20,basic\n",
    "unicode_long_names.csv": (
        "id,Größe (m²),顧客の状態,emoji 🚀 col," + "a_very_long_name_" * 20 + "\nC1,1.5,有効,x,1\nC2,2.5,無効,y,2\n"
    ).encode("utf-8"),
    "html_script.csv": (
        b'id,<script>alert(1)</script>,"<b>bold</b> name",note\n'
        b'C1,<img src=x onerror=alert(1)>,"![p](http://example.invalid/x.png)",=HYPERLINK("http://example.invalid")\n'
        b'C2,plain,"**B**",@SUM(1+1)\n'
    ),
    "all_missing_column.csv": b"id,empty,v,churned\nC1,,1,yes\nC2,,2,no\nC3,,3,no\n",
    "ragged.csv": b"id,v\nC1,1\nC2,2,extra\nC3,3\n",
    "unclosed_quote.csv": b'id,note\nC1,"fine"\nC2,"never closed\nC3,x\n',
    "trailing_commas.csv": b"id,plan,churned\nC1,basic,yes,\nC2,pro,no,\n",
    "cp1252.csv": "id;name;price\nC1;“Pro” Ünïcode;€ 1.234,50\nC2;Basic;€ 12,00\n".encode("cp1252"),
    "utf16_unicode_text.txt": "id\tname\tv\nC1\tJosé\t1\nC2\tZoë\t2\n".encode("utf-16"),
}

if __name__ == "__main__":
    for name, content in FILES.items():
        (HERE / name).write_bytes(content)
    print(f"wrote {len(FILES)} files")  # noqa: T201 - a script, not library code
