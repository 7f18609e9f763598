"""Keeping an uploaded demo: a zip to download, or the two files saved into demos/ and data/.

A bundle is ``demos/<name>.toml`` plus ``data/<name>.csv``; unzipped at the root of a
Proofdeck checkout it loads with no edits. Saving writes both files atomically (a temporary
file, then a link that fails if the name is taken), never overwrites an existing file, and
removes what it wrote if the second file cannot be written. Names are made safe whatever the
title: ASCII, lower case, no path separators or leading dots, at most 40 characters, and never
a name Windows reserves (``con``, ``nul``, ``com1``...).

The data file is the data, byte for byte what the loader reads back: text cells are written
as they are, even when a spreadsheet would run them as a formula (``-2+3``, ``=x``). A leading
apostrophe (the spreadsheet guard of :mod:`proofdeck.words.csv_safe`) would change the values a
spec loads, so a rule ``plan == "-2+3"`` would flag other rows on the kept demo than on the
upload. CSVs meant for a spreadsheet (the predictions, the examples table) keep the guard; the
bundle's README line says its data file is for Proofdeck, not for opening in a spreadsheet.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

MAX_NAME = 40
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class SavedDemo:
    """Where a demo was saved."""

    spec_path: Path
    data_path: Path


def safe_name(title: str) -> str:
    """A file name stem made from any title: "Churn (Q3) — Europe" -> "churn_q3_europe"."""
    ascii_text = unicodedata.normalize("NFKD", str(title)).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_.")[:MAX_NAME].strip("_")
    if not stem:
        stem = "my_data"
    if stem.split("_")[0] in _RESERVED or stem in _RESERVED:
        stem = f"demo_{stem}"[:MAX_NAME]
    return stem


def demo_csv(frame: pd.DataFrame) -> bytes:
    """The frame as the demo's CSV (UTF-8, text in double quotes, numbers bare), values exactly
    as they are, so the spec that loads it reads back the same frame (tested round trip)."""
    text = frame.to_csv(index=False, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
    return text.encode("utf-8")


def bundle_zip(name: str, spec_text: str, frame: pd.DataFrame) -> bytes:
    """A zip holding ``demos/<name>.toml`` and ``data/<name>.csv`` (name made safe)."""
    name = safe_name(name)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path, content in ((f"demos/{name}.toml", spec_text.encode("utf-8")), (f"data/{name}.csv", demo_csv(frame))):
            info = zipfile.ZipInfo(path, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    return buffer.getvalue()


def save_demo(root: str | Path, name: str, spec_text: str, frame: pd.DataFrame) -> SavedDemo:
    """Write ``demos/<name>.toml`` and ``data/<name>.csv`` under root, never overwriting.

    Parameters
    ----------
    root : the folder holding demos/ and data/ (created if missing).
    name : the demo's name; made safe with :func:`safe_name`.
    spec_text : the spec, as :func:`proofdeck.upload.draft.spec_toml` writes it for this name.
    frame : the data (a prepared copy; the user's frame is not changed).

    Raises
    ------
    FileExistsError
        When either file exists already; nothing is written then.
    """
    name = safe_name(name)
    root = Path(root)
    spec_path, data_path = root / "demos" / f"{name}.toml", root / "data" / f"{name}.csv"
    for path in (spec_path, data_path):
        if path.exists() or path.is_symlink():
            raise FileExistsError(f"{path.parent.name}/{path.name} already exists; choose another name")
    data = demo_csv(frame)
    _write_new(data_path, data)
    try:
        _write_new(spec_path, spec_text.encode("utf-8"))
    except BaseException:
        data_path.unlink(missing_ok=True)  # keep nothing half-saved
        raise
    return SavedDemo(spec_path, data_path)


def _write_new(path: Path, content: bytes) -> None:
    """Write a file atomically, failing if the name is taken (even by a racing writer)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".", suffix=".tmp", delete=False) as handle:
        temporary = Path(handle.name)
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    try:
        try:
            os.link(temporary, path)  # atomic, and refuses an existing name
        except FileExistsError:
            raise FileExistsError(f"{path.parent.name}/{path.name} already exists; choose another name") from None
        except OSError:
            if path.exists():  # no hard links here: check, then replace atomically
                raise FileExistsError(f"{path.parent.name}/{path.name} already exists; choose another name") from None
            os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
