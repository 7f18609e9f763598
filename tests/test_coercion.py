"""Numbers exported as text become numbers, saying what was removed; text stays text."""

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from conftest import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from proofdeck.data.coercion import typed_frame


def typed(values, decimal_comma=False):
    frame, conversions = typed_frame([pa.array(values, type=pa.string())], ["c"], decimal_comma)
    return frame["c"], (conversions[0] if conversions else None)


@pytest.mark.parametrize(
    ("values", "expected", "removed"),
    [
        (["1889.5", " ", "108.15"], [1889.5, np.nan, 108.15], ()),
        (["1,234", "12", "5,678.5"], [1234.0, 12.0, 5678.5], ("thousands separators",)),
        (["$1,234.50", "$12.00", "-$3.00"], [1234.5, 12.0, -3.0], ("thousands separators", "currency signs")),
        (["12 €", "3,5 €"], [12.0, 3.5], ("currency signs",)),
        (["12%", "7.5%"], [12.0, 7.5], ("percent signs (12% is read as 12)",)),
        (["(5.00)", "7.00"], [-5.0, 7.0], ("brackets read as minus signs",)),
        (["1 234,5", "12,25"], [1234.5, 12.25], ("spaces between digits",)),
        (["1'234.50", "3.00"], [1234.5, 3.0], ()),
    ],
)
def test_numbers_written_as_text_are_read(values, expected, removed):
    series, conversion = typed(values)
    np.testing.assert_allclose(series.to_numpy(dtype=float), expected)
    assert conversion is not None and set(removed) <= set(conversion.removed)


def test_blanks_are_counted_and_said():
    _, conversion = typed(["1889.5", " ", "108.15", "  "])
    assert conversion.blanks == 2
    assert conversion.sentence == "'c' was text and is read as numbers; 2 blank cells became missing."


def test_ambiguous_commas_follow_the_files_habit():
    assert typed(["1,234", "2,500"])[0].tolist() == [1234.0, 2500.0]
    assert typed(["1,234", "2,500"], decimal_comma=True)[0].tolist() == [1.234, 2.5]


@pytest.mark.parametrize(
    "values",
    [["1,5", "abc"], ["12 apples", "3"], ["1.234,5", "1,234.5"], ["-", "5"], ["0x10", "3"], ["1_000", "2"],
     ["$", "$5"], ["%", "5%"]],
)
def test_text_that_is_not_always_a_number_stays_exactly_as_it_was(values):
    series, conversion = typed(values)
    assert series.tolist() == values and conversion is None


def test_plain_types():
    assert typed(["1", "2", None])[0].dtype == np.float64  # ints with missing, as pandas reads them
    assert typed(["1", "2"])[0].dtype == np.int64
    assert typed(["True", "false"])[0].tolist() == [True, False]
    assert typed([None, None])[0].isna().all()
    assert typed(["inf", "1"])[0].tolist() == ["inf", "1"]


@settings(max_examples=examples(200), deadline=None)
@given(
    st.lists(st.floats(-1e9, 1e9, allow_nan=False).map(lambda v: round(v, 2)), min_size=1, max_size=30),
    st.sampled_from(["us", "us_currency", "european", "percent", "accounting"]),
)
def test_any_number_in_a_common_export_style_reads_back(values, style):
    def write(v):
        if style == "us":
            return f"{v:,.2f}"
        if style == "us_currency":
            return f"-${abs(v):,.2f}" if v < 0 else f"${v:,.2f}"
        if style == "european":
            return f"{v:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".") + " €"
        if style == "percent":
            return f"{v:.2f}%"
        return f"({abs(v):,.2f})" if v < 0 else f"{v:,.2f}"

    series, _ = typed([write(v) for v in values] + [" "], decimal_comma=style == "european")
    np.testing.assert_allclose(series.to_numpy(dtype=float)[:-1], values, rtol=0, atol=1e-9)
    assert np.isnan(series.iloc[-1])
    assert pd.api.types.is_float_dtype(series)


def test_few_distinct_values_are_converted_once_and_looked_up():
    values = ["12%", " ", "7,5%", None] * 25
    series, conversion = typed(values, decimal_comma=True)
    assert series.iloc[0] == 12.0
    assert series.iloc[2] == 7.5 and series.iloc[1:4].isna().tolist() == [True, False, True]
    assert conversion.blanks == 25 and conversion.decimal_comma
