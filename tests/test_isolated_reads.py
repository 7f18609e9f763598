"""The app's reader runs in a child process: same tables, same messages, limits, no pickle.

Each read starts a Python process (about half a second), so only a few files go through it
here; test_ingest.py and test_upload_limits.py cover the reading itself, in-process.
"""

from __future__ import annotations

import ast
import logging
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from messy import crm_export, european_export

import proofdeck.upload.isolated as isolated
from benchmarks.synthetic import workbook_bomb
from proofdeck.data.delimited import DataError
from proofdeck.data.limits import ReadBudget, TooLarge, TooSlow
from proofdeck.upload.ingest import read_upload
from proofdeck.upload.isolated import read_isolated

FILES = Path(__file__).parent / "files"


def _outcome(read, name: str, raw: bytes):
    try:
        return read(name, raw)
    except DataError as error:
        return error


MADE = {"kunden.csv": european_export, "crm.csv": crm_export}


@pytest.mark.parametrize(
    "name",
    ["workbook_named.csv", "cp1252.csv", "utf16_unicode_text.txt", "kunden.csv", "crm.csv", "ragged.csv",
     "old_excel.xls"],
)
def test_a_file_reads_the_same_in_the_child(name):
    raw = MADE[name]() if name in MADE else (FILES / name).read_bytes()
    here, there = _outcome(read_upload, name, raw), _outcome(read_isolated, name, raw)
    if isinstance(here, DataError):
        assert type(there) is type(here) and str(there) == str(here) and there.public == here.public
        return
    pd.testing.assert_frame_equal(there.frame, here.frame)
    assert (there.kind, there.notes, there.conversions, there.delimiter, there.encoding) == (
        here.kind, here.notes, here.conversions, here.delimiter, here.encoding)


def test_a_bomb_is_refused_by_the_child_with_the_same_message_and_its_counts():
    raw = workbook_bomb(50_000, per_row=10)
    bounds = {"cells": 5_000, "unpacked_bytes": 10**9, "decoded_bytes": 10**9}
    here, there = ReadBudget(**bounds), ReadBudget(**bounds)
    with pytest.raises(TooLarge) as in_process:
        read_upload("bomb.xlsx", raw, budget=here)
    with pytest.raises(TooLarge) as in_child:
        read_isolated("bomb.xlsx", raw, budget=there)
    assert str(in_child.value) == str(in_process.value)
    assert there.rows_read == here.rows_read <= 500


def test_the_parent_stops_a_child_that_runs_past_its_time(monkeypatch):
    # No grace and a hundredth of a second: the child is killed before it can answer (the
    # wall clock is the backstop: 5 x 0.01 s, said as the time the server was too busy).
    monkeypatch.setattr(isolated, "GRACE_SECONDS", 0.0)
    with pytest.raises(TooSlow, match=r"^the file could not be read in time: the server was too busy for more "
                                      r"than 0.05 s"):
        read_isolated("x.csv", b"id,v\n1,2\n", budget=ReadBudget(seconds=0.01))


def test_a_reader_that_dies_gets_a_message_and_a_log_line(monkeypatch, caplog):
    monkeypatch.setattr(isolated, "MODULE", "proofdeck.no_such_module")
    with caplog.at_level(logging.WARNING, logger="proofdeck"), pytest.raises(DataError) as caught:
        read_isolated("x.csv", b"id,v\n1,2\n")
    assert str(caught.value).startswith("the file could not be read: the reader stopped")
    assert not isinstance(caught.value, TooLarge | TooSlow)
    assert "No module named" in caplog.text


def test_the_child_limits_itself():
    code = ("import os, resource; from proofdeck.upload.isolated import _limit_self; _limit_self(3 * 2**30, 20); "
            "print(resource.getrlimit(resource.RLIMIT_AS), resource.getrlimit(resource.RLIMIT_CPU), os.nice(0))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).resolve().parents[1], check=True)
    before = subprocess.run([sys.executable, "-c", "import os; print(os.nice(0))"], capture_output=True,
                            text=True, timeout=60, check=True)
    # 2 x 20 s + 10 s of processor time (5 s more before the hard kill); nice 10 above the parent's.
    assert done.stdout.split() == ["(3221225472,", "3221225472)", "(50,", "55)", str(int(before.stdout) + 10)]


def test_nothing_is_pickled_between_the_processes():
    tree = ast.parse(Path(isolated.__file__).read_text(encoding="utf-8"))
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import | ast.ImportFrom)
                for alias in (node.names if isinstance(node, ast.Import) else [ast.alias(node.module or "")])}
    assert not imported & {"pickle", "multiprocessing", "marshal", "shelve", "dill", "cloudpickle", "joblib"}
