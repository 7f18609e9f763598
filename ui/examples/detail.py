"""One example opened in a dialog: its facts, why it was flagged, and a what-if form."""

from __future__ import annotations

import functools
import math

import numpy as np
import pandas as pd
import streamlit as st

from proofdeck.charts.explanation import contribution_figure
from proofdeck.explanation.examples import outcome_label
from proofdeck.explanation.groups import by_concept, concept_values, has_groups
from proofdeck.model.scenario import Scenario
from proofdeck.words import wording as w
from proofdeck.words.safe_text import md
from ui.examples.review import mark_form
from ui.examples.sections import (
    close_example,
    concept_members,
    concepts,
    explainer,
    explanation,
    sentence_for,
)
from ui.frame import state

UNKNOWN = "(unknown)"


def _yes_no(flag: bool, yes: str, no: str) -> str:
    return f":green[{yes}]" if flag else f":gray[{no}]"


def show_example(scenario: Scenario, position: int, model_flags: np.ndarray, cutoff: float,
                 analyst: bool) -> None:
    """Open the example in a dialog over the page, wherever the reader has scrolled to."""
    nouns = scenario.spec.nouns
    example_id = str(scenario.ids.iloc[position])
    acted, positive = bool(model_flags[position]), bool(scenario.labels[position])
    title = f"{w.sentence_case(nouns.entity)} {md(example_id)}: {outcome_label(nouns, acted, positive)}"

    def body() -> None:
        example_detail(scenario, position, model_flags, cutoff, analyst)

    st.dialog(title, width="large", on_dismiss=functools.partial(close_example, scenario))(body)()


def example_detail(scenario: Scenario, position: int, model_flags: np.ndarray, cutoff: float,
                   analyst: bool = False) -> None:
    """Facts on the left, the reasons on the right, what-if below."""
    spec, nouns = scenario.spec, scenario.spec.nouns
    row = scenario.heldout.iloc[position]
    score, positive = float(scenario.scores[position]), bool(scenario.labels[position])
    acted, by_rule = bool(model_flags[position]), bool(scenario.rule_acts[position])
    facts, why = st.columns([2, 3])
    with facts:
        st.metric(w.sentence_case(nouns.score), w.share(score))
        # Without a rule there is no rule decision for this example (a random pick picks nobody in particular).
        rule_line = "" if scenario.baseline.random else (
            f"- Today's rule: {_yes_no(by_rule, f'gets {w.a(nouns.action)}', f'no {nouns.action}')}\n")
        st.markdown(
            f"- Model: {_yes_no(acted, f'gets {w.a(nouns.action)}', f'no {nouns.action}')}\n"
            + rule_line
            + f"- What happened: **{w.a(nouns.positive) if positive else 'not ' + w.a(nouns.positive)}**"
        )
        if scenario.rule is not None:
            rule_checklist(scenario, position)
        with st.expander("All values"):
            # st.table renders Markdown in every cell: labels and values are escaped.
            values = [(md(spec.label(c)), md(_text(scenario, c, row[c]))) for c in scenario.dataset.features]
            st.table(pd.DataFrame(values, columns=["", "Value"]).set_index(""))
    with why:
        st.info(sentence_for(scenario, position, model_flags, cutoff), icon=":material/lightbulb:")
        if scenario.own_scores:
            st.caption(f"The {nouns.score} comes from your own model: there is nothing here to explain it with.")
            return
        explained = explanation(scenario, position)
        contributions = explained.row(0)
        grouped = has_groups(concepts(scenario))
        by_columns = grouped and st.toggle(
            "Show columns", key=f"example_columns_{spec.key}",
            help=f"The chart by each column of the data instead of by business concept ({md(_group_names(scenario))}).")
        if by_columns or not grouped:
            figure = contribution_figure(contributions, spec.label, _shown_values(scenario, row), nouns.score)
        else:
            parts = by_concept(contributions, concepts(scenario))
            figure = contribution_figure(parts, {name: name for name in parts.index},
                                         concept_values(concepts(scenario), row, scenario.flag_columns), nouns.score)
        st.plotly_chart(figure, key="example_chart", config={"displayModeBar": False})
        if grouped and not by_columns:
            st.caption(concept_members(scenario))
        if analyst:
            summed = "per column" if by_columns or not grouped else "per column, then per concept"
            st.caption(
                f"Analyst view: bars are SHAP values in log-odds, one-hot parts summed {summed}. "
                f"Base value {explained.base_value:+.3f} + contributions {contributions.sum():+.3f} "
                f"= log-odds {explained.log_odds[0]:+.3f}, probability {explained.probability[0]:.3f}."
            )
    mark_form(scenario, position)
    what_if_form(scenario, position, cutoff)


_MARKS = {True: ":green[:material/check_circle:]", False: ":gray[:material/cancel:]", None: ":gray[:material/help:]"}


def rule_checklist(scenario: Scenario, position: int) -> None:
    """Today's rule for this example in plain words, keeping its and/or structure."""
    st.markdown("**Today's rule for this example**")
    root = scenario.rule.checklist(scenario.heldout.iloc[[position]], scenario.spec.label)
    lines = []

    def walk(node, depth: int) -> None:
        suffix = "" if node.kind == "condition" else ":"
        lines.append(f"{'&nbsp;' * 5 * depth}{_MARKS[node.met]} {md(node.text)}{suffix}")
        for child in node.children:
            walk(child, depth + 1)

    walk(root, 0)
    st.markdown("  \n".join(lines))


def _group_names(scenario: Scenario) -> str:
    return ", ".join(c.name for c in concepts(scenario) if c.named)


def _text(scenario: Scenario, column: str, value) -> str:
    from proofdeck.explanation.explain import value_text

    return value_text(value, flag=column in scenario.flag_columns)


def _shown_values(scenario: Scenario, row: pd.Series) -> dict[str, str]:
    return {column: _text(scenario, column, row[column]) for column in scenario.dataset.features}


# --- what-if ----------------------------------------------------------------------------------


def _edited_frame(scenario: Scenario, position: int, changes: dict[str, object]) -> pd.DataFrame:
    """The example's row with the what-if's values, as today's rule reads it (unknown: missing)."""
    frame = scenario.heldout.iloc[[position]].copy()
    for column, value in changes.items():
        if column in frame.columns:
            frame[column] = pd.Series([np.nan if value is None else value], index=frame.index)
    return frame


def _input_key(scenario: Scenario, column: str) -> str:
    return f"whatif_{scenario.spec.key}_{column}"


def _real_values(scenario: Scenario, position: int) -> dict[str, object]:
    """The example's own values as the form's inputs hold them."""
    row, model = scenario.heldout.iloc[position], scenario.model
    values = {}
    for column in model.features:
        value = row[column]
        if column in scenario.flag_columns and column in model.numeric:
            values[column] = UNKNOWN if pd.isna(value) else ("yes" if float(value) == 1 else "no")
        elif column in model.numeric:
            values[column] = None if pd.isna(value) else float(value)
        else:
            values[column] = UNKNOWN if pd.isna(value) else str(value)
    return values


def _typed(scenario: Scenario, column: str, shown):
    """An input's value as the model reads it: yes/no back to 1/0, "(unknown)" to missing."""
    if shown == UNKNOWN:
        return None
    if column in scenario.flag_columns and column in scenario.model.numeric:
        return 1.0 if shown == "yes" else 0.0
    return shown


def _load_inputs(scenario: Scenario, position: int) -> None:
    """Put the real values into the inputs (on opening and on reset): assigning them, rather
    than deleting the keys, also overrides what the browser still holds."""
    for column, value in _real_values(scenario, position).items():
        st.session_state[_input_key(scenario, column)] = value
    st.session_state[f"whatif_loaded_{scenario.spec.key}"] = (position, state.page_visits())
    st.session_state.pop(f"whatif_result_{scenario.spec.key}", None)


def what_if_form(scenario: Scenario, position: int, cutoff: float) -> None:
    """Edit the open example's values and see the new score, decision and reasons."""
    from proofdeck.explanation.explain import explanation_sentence, what_if
    from proofdeck.explanation.groups import top_group_reasons

    spec, nouns, model = scenario.spec, scenario.spec.nouns, scenario.model
    result_key = f"whatif_result_{spec.key}"
    if st.session_state.get(f"whatif_loaded_{spec.key}") != (position, state.page_visits()):
        _load_inputs(scenario, position)
    with st.expander(f"What if? Change this {nouns.entity}'s values", icon=":material/edit:",
                     expanded=result_key in st.session_state):
        with st.form(f"whatif_form_{spec.key}", border=False):
            columns = st.columns(3)
            for index, column in enumerate(model.features):
                key, place, label = _input_key(scenario, column), columns[index % 3], md(spec.label(column))
                if column in scenario.flag_columns and column in model.numeric:
                    place.selectbox(label, ["yes", "no", UNKNOWN], key=key)
                elif column in model.numeric:
                    place.number_input(label, key=key, value=None, format="%g")
                else:
                    options = sorted(map(str, scenario.dataset.frame[column].dropna().unique())) + [UNKNOWN]
                    place.selectbox(label, options, key=key)
            # The answer sits right beside "Score it", in view where the reader clicked.
            row_box = st.container(horizontal=True, vertical_alignment="center", gap="medium")
            submitted = row_box.form_submit_button("Score it", icon=":material/calculate:", type="primary")
            if submitted:
                st.session_state[result_key] = {
                    column: _typed(scenario, column, st.session_state[_input_key(scenario, column)])
                    for column in model.features
                }
            changes = st.session_state.get(result_key)
            if changes:
                row = scenario.heldout.iloc[position]
                probability, changed = what_if(model, explainer(scenario), row, changes)
                before = float(scenario.scores[position])
                row_box.metric(f"New {nouns.score}", w.share(probability), width="content",
                               delta=None if math.isclose(probability, before) else f"{(probability - before) * 100:+.1f} pts")
                by_rule = None if scenario.rule is None else bool(scenario.rule.evaluate(_edited_frame(scenario, position, changes))[0])
                row_box.markdown("  \n".join(w.what_if_decisions(
                    nouns, probability >= cutoff, before >= cutoff, by_rule, bool(scenario.rule_acts[position]),
                    scenario.baseline)), width="stretch")
        st.button("Reset to the real values", key=f"whatif_reset_{spec.key}", on_click=_load_inputs,
                  args=(scenario, position), icon=":material/restart_alt:")
        if not changes:
            return
        edited = pd.Series(changes).reindex(model.features)
        reasons = top_group_reasons(changed.row(0), edited, concepts(scenario), spec.label,
                                    flag_columns=scenario.flag_columns)
        st.info(md(explanation_sentence(nouns.score, probability, reasons, cutoff), limit=1000),
                icon=":material/lightbulb:")
        st.plotly_chart(contribution_figure(changed.row(0), spec.label, edited, nouns.score),
                        key="whatif_chart", config={"displayModeBar": False})
