"""Today's rule on the Your data page: a builder of rows and the same rule as text, in step.

The builder's rows and the text are two views of one rule. Editing the rows rewrites the
text; editing the text rereads the rows when the text fits the builder (conditions joined by
one "and" or "or"); otherwise the builder says why and the text alone holds the rule.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from proofdeck.rules.builder import (
    JOINERS,
    RuleRow,
    column_values,
    operators_for,
    preview_rule,
    rows_to_text,
    text_to_rows,
)
from proofdeck.rules.parse import FLAG, NUMBER, column_kinds
from proofdeck.rules.positions import RuleError
from proofdeck.words.safe_text import md

MAX_ROWS = 8


def _keys(prefix: str) -> dict[str, str]:
    return {name: f"{prefix}_rule_{name}" for name in ("rows", "joiner", "text", "count")}


def _row_keys(prefix: str, index: int) -> tuple[str, str, str]:
    return f"{prefix}_rule_col_{index}", f"{prefix}_rule_op_{index}", f"{prefix}_rule_val_{index}"


def _rows_from_widgets(prefix: str, count: int, kinds: dict[str, str]) -> list[RuleRow]:
    rows = []
    for index in range(count):
        col_key, op_key, val_key = _row_keys(prefix, index)
        column, operator = st.session_state.get(col_key), st.session_state.get(op_key)
        if column not in kinds or operator not in operators_for(kinds[column]):
            continue
        value = st.session_state.get(val_key)
        if operator in ("in", "not in"):
            value = tuple(value or ())
            if not value:
                continue
        elif value is None:
            continue
        rows.append(RuleRow(column, operator, value))
    return rows


def _builder_changed(prefix: str, kinds: dict[str, str]) -> None:
    """Rows were edited: write them as text."""
    keys = _keys(prefix)
    rows = _rows_from_widgets(prefix, st.session_state[keys["count"]], kinds)
    try:
        text = rows_to_text(rows, st.session_state[keys["joiner"]], kinds) if rows else ""
    except RuleError:
        return
    st.session_state[keys["text"]] = text


def _text_changed(prefix: str, kinds: dict[str, str]) -> None:
    """The text was edited: read the rows back when it fits the builder."""
    keys = _keys(prefix)
    text = st.session_state[keys["text"]]
    read = text_to_rows(text, kinds) if text.strip() else None
    if read is None or not read.editable:
        return
    _load_rows(prefix, list(read.rows), read.joiner)


def _load_rows(prefix: str, rows: list[RuleRow], joiner: str) -> None:
    keys = _keys(prefix)
    st.session_state[keys["count"]] = max(len(rows), 1)
    st.session_state[keys["joiner"]] = joiner
    for index, row in enumerate(rows):
        col_key, op_key, val_key = _row_keys(prefix, index)
        st.session_state[col_key] = row.column
        st.session_state[op_key] = row.operator
        st.session_state[val_key] = list(row.value) if isinstance(row.value, tuple) else row.value


def _add_row(prefix: str) -> None:
    keys = _keys(prefix)
    st.session_state[keys["count"]] = min(st.session_state[keys["count"]] + 1, MAX_ROWS)


def _remove_row(prefix: str, index: int, kinds: dict[str, str]) -> None:
    keys = _keys(prefix)
    rows = _rows_from_widgets(prefix, st.session_state[keys["count"]], kinds)
    if index < len(rows):
        rows.pop(index)
    for stale in range(st.session_state[keys["count"]]):
        for key in _row_keys(prefix, stale):
            st.session_state.pop(key, None)
    _load_rows(prefix, rows, st.session_state[keys["joiner"]])
    _builder_changed(prefix, kinds)


def rule_editor(prefix: str, frame: pd.DataFrame, columns: list[str], labels: np.ndarray | None,
                label_of, starting_rule: str = "", empty_note: str = "") -> str:
    """Draw the builder, the text and a live preview; return the rule text ("" for none).

    Parameters
    ----------
    prefix : keys of this editor's widgets (one editor per uploaded file).
    frame : rows to preview on (those with an outcome), aligned with ``labels``.
    columns : the columns the rule may use.
    label_of : column name -> readable label, for the choice boxes.
    starting_rule : the text to start from, the first time.
    empty_note : what to say while there is no rule.
    """
    keys = _keys(prefix)
    kinds = column_kinds(frame.loc[:, columns]) if columns else {}
    if keys["count"] not in st.session_state:
        st.session_state[keys["count"]], st.session_state[keys["joiner"]] = 1, "and"
        st.session_state[keys["text"]] = starting_rule
        read = text_to_rows(starting_rule, kinds) if starting_rule.strip() and kinds else None
        if read is not None and read.editable:
            _load_rows(prefix, list(read.rows), read.joiner)
    text = st.session_state[keys["text"]]
    read = text_to_rows(text, kinds) if text.strip() and kinds else None
    builder_works = read is None or read.editable
    changed = dict(on_change=_builder_changed, args=(prefix, kinds))
    st.radio("Join the conditions with", JOINERS, key=keys["joiner"], horizontal=True,
             format_func={"and": "and (all must hold)", "or": "or (any may hold)"}.get,
             disabled=not builder_works, **changed)
    for index in range(st.session_state[keys["count"]]):
        col_key, op_key, val_key = _row_keys(prefix, index)
        column_box, operator_box, value_box, remove_box = st.columns([3, 1.4, 3, 0.6], vertical_alignment="bottom")
        column = column_box.selectbox("Column", columns, key=col_key, format_func=label_of, index=None,
                                      placeholder="Pick a column", disabled=not builder_works, **changed)
        if column is None:
            continue
        operators = operators_for(kinds[column])
        if st.session_state.get(op_key) not in operators:
            st.session_state[op_key] = operators[0]
        operator = operator_box.selectbox("Is", operators, key=op_key, disabled=not builder_works, **changed)
        _value_input(value_box, frame, column, kinds[column], operator, val_key, builder_works, changed)
        remove_box.button(":material/close:", key=f"{prefix}_rule_remove_{index}", help="Remove this condition",
                          on_click=_remove_row, args=(prefix, index, kinds), disabled=not builder_works)
    st.button("Add a condition", icon=":material/add:", key=f"{prefix}_rule_add", on_click=_add_row,
              args=(prefix,), disabled=not builder_works or st.session_state[keys["count"]] >= MAX_ROWS)
    if builder_works:  # the rows hold the rule: write them as text (complete rows only)
        rows = _rows_from_widgets(prefix, st.session_state[keys["count"]], kinds)
        try:
            st.session_state[keys["text"]] = rows_to_text(rows, st.session_state[keys["joiner"]], kinds) if rows else ""
        except RuleError as error:
            st.error(f"A condition cannot be written: {md(str(error))}", icon=":material/error:")
    st.text_area("The same rule as text (you can edit it here too)", key=keys["text"], height=80,
                 on_change=_text_changed, args=(prefix, kinds), max_chars=2000,
                 help="The rule language: comparisons such as tenure < 6 or plan == \"basic\", joined by "
                      "and / or / not, with brackets; names with spaces in `backticks`.")
    text = st.session_state[keys["text"]].strip()
    if read is not None and read.reason:
        st.caption(f":material/info: {md(read.reason)}.")
    if not text:
        if empty_note:
            st.caption(empty_note)
        return ""
    try:
        preview = preview_rule(text, frame.loc[:, columns], labels)
    except RuleError as error:
        st.error(f"The rule has a mistake: {md(str(error))}", icon=":material/error:")
        return ""
    st.info(f"Today's rule: {preview.sentence}", icon=":material/rule:")
    for warning in preview.warnings:
        st.warning(f"Check the rule: {md(warning)}.", icon=":material/warning:")
    return text


def _value_input(box, frame, column, kind, operator, key, enabled, changed) -> None:
    if operator in ("in", "not in"):
        options = column_values(frame, column)
        if not isinstance(st.session_state.get(key), list):
            st.session_state[key] = []
        box.multiselect("Values", options, key=key, disabled=not enabled, **changed)
    elif kind == NUMBER:
        if not isinstance(st.session_state.get(key), (int, float)) or isinstance(st.session_state.get(key), bool):
            median = pd.to_numeric(frame[column], errors="coerce").median()
            st.session_state[key] = float(median) if pd.notna(median) else 0.0
        box.number_input("Value", key=key, disabled=not enabled, **changed)
    elif kind == FLAG:
        options = [1, 0] if pd.api.types.is_numeric_dtype(frame[column]) else [True, False]
        if st.session_state.get(key) not in options:
            st.session_state[key] = options[0]
        box.selectbox("Value", options, key=key, format_func=lambda v: "yes" if v else "no",
                      disabled=not enabled, **changed)
    else:
        options = column_values(frame, column)
        if st.session_state.get(key) not in options:
            st.session_state[key] = options[0] if options else ""
        box.selectbox("Value", options, key=key, disabled=not enabled, **changed)
