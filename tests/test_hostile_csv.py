"""CSV injection (OWASP): no text cell Proofdeck writes starts a spreadsheet formula."""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
from conftest import examples
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.pandas import column, data_frames

from proofdeck.words.csv_safe import FORMULA_STARTS, neutral_cell, neutralise_formulas, to_safe_csv

CRAFTED = pd.DataFrame({
    "id": ["=HYPERLINK(\"http://127.0.0.1:9\",\"x\")", "+1+1", "-2+3", "@SUM(A1:A2)", "\tcmd", "\rcmd", "C-7", None],
    "amount": [-12.5, 3.0, -0.0, 1e6, np.nan, 2.0, -7.0, 0.0],
    "count": [-1, 2, 3, -4, 5, 6, 7, 8],
    "mixed": [-3, "-3", "=1", 2.5, None, True, "ok", "a=b"],
    "flag": [True, False, True, False, True, False, True, False],
    "=cmd|' /C calc'!A0": ["a", "b", "c", "d", "e", "f", "g", "h"],
})


def read_back(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def test_csv_download_of_a_crafted_frame_starts_no_formula():
    rows = read_back(to_safe_csv(CRAFTED))
    header, body = rows[0], rows[1:]
    assert header[-1] == "'=cmd|' /C calc'!A0"
    assert [row[0] for row in body] == [
        "'=HYPERLINK(\"http://127.0.0.1:9\",\"x\")", "'+1+1", "'-2+3", "'@SUM(A1:A2)", "'\tcmd", "'\rcmd", "C-7", "",
    ]
    assert [row[3] for row in body] == ["-3", "'-3", "'=1", "2.5", "", "True", "ok", "a=b"]
    assert len(body) == len(CRAFTED)  # a carriage return inside a cell never starts a row


def test_csv_numbers_stay_numbers_and_negative_numbers_are_not_formulas():
    safe = neutralise_formulas(CRAFTED)
    for name in ("amount", "count", "flag"):
        pd.testing.assert_series_equal(safe[name], CRAFTED[name])
    body = read_back(to_safe_csv(CRAFTED))[1:]
    assert [row[2] for row in body] == ["-1", "2", "3", "-4", "5", "6", "7", "8"]
    assert pd.read_csv(io.BytesIO(to_safe_csv(CRAFTED)))["amount"].dtype == float


def test_csv_neutralising_never_changes_the_frame_it_is_given():
    before = CRAFTED.copy()
    neutralise_formulas(CRAFTED)
    to_safe_csv(CRAFTED, index=True)
    pd.testing.assert_frame_equal(CRAFTED, before)


def test_csv_index_is_neutralised_when_written():
    frame = pd.DataFrame({"x": [1, 2]}, index=pd.Index(["=evil", "fine"], name="id"))
    assert [row[0] for row in read_back(to_safe_csv(frame, index=True))] == ["id", "'=evil", "fine"]


def test_neutral_cell_leaves_anything_but_text_alone():
    assert neutral_cell(-5) == -5 and neutral_cell(-5.5) == -5.5 and neutral_cell(None) is None
    assert neutral_cell("-5") == "'-5"  # text that a spreadsheet would read is text


TEXT_CELLS = st.one_of(st.none(), st.text(max_size=12), st.sampled_from(["=1+1", "+a", "-b", "@c", "\td", "\re"]))


@settings(max_examples=examples(200), deadline=None)
@given(data_frames([
    column("text", elements=TEXT_CELLS, dtype=object),
    column("number", elements=st.floats(allow_nan=True, allow_infinity=False, width=32), dtype=float),
    column("whole", elements=st.integers(-10**6, 10**6), dtype=int),
]))
def test_csv_no_text_cell_ever_starts_a_formula(frame):
    rows = read_back(to_safe_csv(frame))[1:]
    assert len(rows) == len(frame)
    for row, text in zip(rows, frame["text"]):
        if isinstance(text, str) and text.startswith(FORMULA_STARTS):
            assert row[0] == "'" + text
        else:
            assert row[0] == ("" if text is None else text)
    pd.testing.assert_series_equal(neutralise_formulas(frame)["whole"], frame["whole"])
