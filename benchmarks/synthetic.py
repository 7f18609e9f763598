"""Generated data for the benchmarks: churn-like tables of any size, and a demo folder for one.

The rows come from the churn sample's own seeded generator
(:func:`proofdeck.samples.churn.generate`), so the model has the same signal to find at a
million rows as at ten thousand. An export as people upload it has some mess on top: money
written as "$1,234.50" with blanks, which the Your data path has to read.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from proofdeck.samples import churn

ROOT = Path(__file__).resolve().parents[1]
CHURN_SPEC = ROOT / "demos" / "churn.toml"
CHURN_RULE = 'contract == "month-to-month" and tenure_months < 6'
OUTCOME = "churned_90d"


def churn_like(rows: int, seed: int = 0, messy: bool = False) -> pd.DataFrame:
    """A churn-like table of ``rows`` customers (the bundled demo's columns and signal).

    ``messy`` writes total charges as "$1,234.50", blank (" ") where unknown, as exports do.
    """
    frame = churn.generate(rows, seed=seed)
    if messy:
        total = frame["total_charges"].to_numpy()
        text = np.array([f"${v:,.2f}" if v == v else " " for v in total], dtype=object)
        frame = frame.assign(total_charges=text)
    return frame


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, lineterminator="\n")
    return path


def big_demo(folder: Path, rows: int, key: str = "churn_big", seed: int = 1) -> dict[str, str]:
    """A copy of the churn demo on ``rows`` generated customers, in ``folder``/demos and /data.

    Returns the environment a server needs to show it (and only it): PROOFDECK_DEMOS_DIR at
    the demos folder, PROOFDECK_DATA_ROOT at ``folder`` so the spec's data path is allowed.
    """
    data = write_csv(churn_like(rows, seed=seed), folder / "data" / f"{key}.csv")
    spec = CHURN_SPEC.read_text(encoding="utf-8")
    spec, replaced = re.subn(r'(?m)^path = ".*"$', f"path = {_toml_string(str(data))}", spec, count=1)
    if not replaced:
        raise ValueError(f"{CHURN_SPEC} has no data path line to point at the generated file")
    spec = re.sub(r'(?m)^title = "(.*)"$', lambda m: f'title = "{m.group(1)} ({rows:,} rows)"', spec, count=1)
    demos = folder / "demos"
    demos.mkdir(parents=True, exist_ok=True)
    (demos / f"{key}.toml").write_text(spec, encoding="utf-8")
    return {"PROOFDECK_DEMOS_DIR": str(demos), "PROOFDECK_DATA_ROOT": str(folder)}


def _toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


# --- decompression bombs: small files that stand for a great deal of work --------------------

_SHEET_START = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')


def workbook_bomb(cells: int, per_row: int = 20, dimension: str | None = None) -> bytes:
    """An .xlsx whose first sheet holds ``cells`` tiny cells (zeros), ``per_row`` to a row.

    Without ``dimension`` the sheet has no ``<dimension>`` element (the file does not say its
    size); with one, it says that (e.g. "A1:B1", a lie). Twenty million cells zip to about
    1.3 MB. Cells carry no ``r`` attribute, as the format allows. Written as a stream, so
    making one takes little memory, whatever its size.
    """
    import io
    import zipfile

    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["a"])
    template = io.BytesIO()
    book.save(template)
    source, out = zipfile.ZipFile(template), io.BytesIO()
    sheet = "xl/worksheets/sheet1.xml"
    cell, block = b"<c><v>0</v></c>", 10_000
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for info in source.infolist():
            if info.filename != sheet:
                archive.writestr(info.filename, source.read(info))
        with archive.open(sheet, "w", force_zip64=True) as stream:
            stream.write(_SHEET_START)
            if dimension:
                stream.write(f'<dimension ref="{dimension}"/>'.encode())
            stream.write(b"<sheetData>")
            written = 0
            while written < cells:
                row = min(per_row, cells - written)
                stream.write(b"<row>")
                for start in range(0, row, block):
                    stream.write(cell * min(block, row - start))
                stream.write(b"</row>")
                written += row
            stream.write(b"</sheetData></worksheet>")
    return out.getvalue()


def parquet_zeros(rows: int, columns: int = 2, row_group: int = 10_000_000) -> bytes:
    """A Parquet file of ``rows`` x ``columns`` int64 zeros: dictionary- and run-length-encoded,
    it takes a few bytes per thousand rows (400 million rows in about 5 MB) and decodes to
    8 bytes a value. Its declared row-group sizes are the encoded ones, so they look small.
    Written a row group at a time, so making one takes little memory."""
    import io

    import pyarrow as pa
    import pyarrow.parquet as pq

    names = [f"c{i}" for i in range(columns)]
    schema = pa.schema([(name, pa.int64()) for name in names])
    out = io.BytesIO()
    with pq.ParquetWriter(out, schema, compression="zstd") as writer:
        for start in range(0, rows, row_group):
            size = min(row_group, rows - start)
            zeros = pa.array(np.zeros(size, dtype=np.int64))
            writer.write_table(pa.table([zeros] * columns, schema=schema), row_group_size=size)
    return out.getvalue()
