"""The rule builder: rows and text kept in step, the subset it can edit, and the preview."""

import keyword

import numpy as np
import pandas as pd
import pytest
from conftest import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from proofdeck.rules.builder import (
    RuleRow,
    operators_for,
    preview_rule,
    quote_name,
    rows_to_text,
    text_to_rows,
)
from proofdeck.rules.parse import FLAG, NUMBER, TEXT, column_kinds
from proofdeck.rules.positions import RuleError
from proofdeck.rules.rule import parse_rule

FRAME = pd.DataFrame(
    {
        "contract": ["month", "year", "month", None],
        "tenure": [3, 10, 1, 5],
        "monthly charges": [50.5, 20.0, 90.0, 70.0],
        "new_device": [1, 0, 1, 0],
        "class": ["a", "b", "a", "b"],
    }
)


def test_rows_to_text_and_back():
    rows = (
        RuleRow("contract", "==", "month"),
        RuleRow("tenure", "<", 6),
        RuleRow("monthly charges", ">=", 50.5),
        RuleRow("class", "not in", ("b",)),
    )
    text = rows_to_text(rows, "and", column_kinds(FRAME))
    assert text == 'contract == "month" and tenure < 6 and `monthly charges` >= 50.5 and `class` not in ["b"]'
    back = text_to_rows(text, FRAME)
    assert back.editable and back.rows == rows and back.joiner == "and"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('contract == "month" and (tenure < 3 or new_device)', "it mixes 'and' and 'or' in brackets"),
        ("tenure * 2 > 3", "it uses arithmetic"),
        ("not (tenure > 3)", "it uses 'not'"),
        ("1 < tenure < 5", "it uses chained comparisons"),
        ("tenure in [1, 2]", "the builder does not offer 'in' for 'tenure'"),
    ],
)
def test_text_outside_the_subset_is_only_editable_as_text(text, reason):
    result = text_to_rows(text, FRAME)
    assert not result.editable and result.error is None
    assert result.reason == f"{reason}; this rule can only be edited as text"


def test_a_rule_naming_a_column_that_is_not_there():
    result = text_to_rows("tenur > 3", FRAME)
    assert result.error == "unknown column 'tenur' at 1:1; did you mean 'tenure'?"
    with pytest.raises(RuleError, match="row 2: there is no column 'plan'"):
        rows_to_text([RuleRow("tenure", ">", 1), RuleRow("plan", "==", "x")], "or", column_kinds(FRAME))


def test_operators_fit_the_column():
    assert operators_for(NUMBER) == ("<", "<=", ">", ">=", "==", "!=")
    assert operators_for(TEXT) == ("==", "!=", "in", "not in")
    assert operators_for(FLAG) == ("==", "!=")
    with pytest.raises(RuleError, match="'<' does not fit the column 'contract'"):
        rows_to_text([RuleRow("contract", "<", "m")], "and", column_kinds(FRAME))


def test_a_flag_on_its_own_and_a_flipped_comparison_are_rows():
    result = text_to_rows("new_device or 3 < tenure", FRAME)
    assert result.rows == (RuleRow("new_device", "==", 1), RuleRow("tenure", ">", 3)) and result.joiner == "or"


@pytest.mark.parametrize("value", ['say "hi"', "back\\slash", "tick`tock", "two\nlines", "tab\there", "ümlaut 漢字", ""])
def test_text_values_are_escaped_and_read_back_exactly(value):
    frame = pd.DataFrame({"note": [value, "other"]})
    text = rows_to_text([RuleRow("note", "==", value)])
    assert "`" not in text.replace("`note`", "")
    assert parse_rule(text, frame).evaluate(frame).tolist() == [True, False]
    assert text_to_rows(text, frame).rows == (RuleRow("note", "==", value),)


@pytest.mark.parametrize("name", ["class", "monthly charges", "_hidden", "Größe", "ｔｅｎｕｒｅ", "True", "2nd"])
def test_names_that_need_backticks(name):
    assert quote_name(name) == f"`{name}`"


def test_names_that_cannot_be_written():
    for name in ["a`b", "two\nlines", " "]:
        with pytest.raises(RuleError, match="cannot be used in a rule"):
            quote_name(name)


def test_preview_counts_flagged_rows_and_positives():
    labels = np.array([True, False, True, False])
    preview = preview_rule('contract == "month" and tenure < 6', FRAME, labels)
    assert (preview.rows, preview.flagged, preview.positives, preview.positives_flagged) == (4, 2, 2, 2)
    assert preview.sentence == "Flags 2 of 4 rows (50.0%); 2 of them have the outcome (100.0%, 50.0% overall)."
    assert preview_rule('contract == "weekly"', FRAME).warnings


_names = st.text(min_size=1, max_size=12).filter(lambda n: n.strip() and not set(n) & {"`", "\n", "\r"})


@st.composite
def _rules(draw):
    names = draw(st.lists(_names, min_size=1, max_size=4, unique=True))
    kinds = {name: draw(st.sampled_from([NUMBER, TEXT])) for name in names}
    rows = []
    for _ in range(draw(st.integers(1, 5))):
        name = draw(st.sampled_from(names))
        operator = draw(st.sampled_from(operators_for(kinds[name])))
        if kinds[name] == NUMBER:
            value = draw(st.one_of(st.integers(-(10**15), 10**15), st.floats(allow_nan=False, allow_infinity=False)))
        elif operator in ("in", "not in"):
            value = tuple(draw(st.lists(st.text(max_size=8), min_size=1, max_size=3)))
        else:
            value = draw(st.text(max_size=10))
        rows.append(RuleRow(name, operator, value))
    return tuple(rows), draw(st.sampled_from(["and", "or"])), kinds


@settings(max_examples=examples(300), deadline=None)
@given(_rules())
def test_any_builder_rule_reads_back_as_the_same_rows(case):
    rows, joiner, kinds = case
    text = rows_to_text(rows, joiner, kinds)
    back = text_to_rows(text, kinds)
    assert back.error is None and back.editable, (text, back)
    assert back.rows == rows and (back.joiner == joiner or len(rows) == 1)


def test_keywords_are_backticked():
    for word in keyword.kwlist:
        assert quote_name(word) == f"`{word}`"
