"""One example opened: its facts, why it was flagged, and a what-if form."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from proofdeck import wording as w
from proofdeck.examples import outcome_label
from proofdeck.explain_charts import contribution_figure
from proofdeck.scenario import Scenario
from ui.examples import explainer, explanation, selected_position, sentence_for

UNKNOWN = "(unknown)"


def _yes_no(flag: bool, yes: str, no: str) -> str:
    return f":green[{yes}]" if flag else f":gray[{no}]"


def example_detail(scenario: Scenario, cutoff: float, analyst: bool = False) -> None:
    """Facts on the left, the reasons on the right, what-if below."""
    spec, nouns = scenario.spec, scenario.spec.nouns
    position = selected_position(scenario)
    row = scenario.heldout.iloc[position]
    example_id = str(scenario.ids.iloc[position])
    score, positive = float(scenario.scores[position]), bool(scenario.labels[position])
    acted, by_rule = score >= cutoff, bool(scenario.rule_flags[position])
    st.subheader(f"{nouns.entity.capitalize()} {example_id}: {outcome_label(nouns, acted, positive)}")
    facts, why = st.columns([2, 3])
    with facts:
        st.metric(nouns.score.capitalize(), w.share(score))
        st.markdown(
            f"- Model: {_yes_no(acted, f'gets a {nouns.action}', f'no {nouns.action}')}\n"
            f"- Today's rule: {_yes_no(by_rule, f'gets a {nouns.action}', f'no {nouns.action}')}\n"
            f"- What happened: **{'a ' + nouns.positive if positive else 'not a ' + nouns.positive}**"
        )
        st.markdown("**Today's rule, condition by condition**")
        met = scenario.rule.evaluate_conditions(scenario.heldout.iloc[[position]]).iloc[0]
        for condition, ok in met.items():
            st.markdown(f"{':material/check_circle:' if ok else ':material/cancel:'} `{condition}`")
        with st.expander("All values"):
            values = [(spec.label(c), _text(row[c])) for c in scenario.model.features]
            st.table(pd.DataFrame(values, columns=["", "Value"]).set_index(""))
    with why:
        st.info(sentence_for(scenario, position), icon=":material/lightbulb:")
        explained = explanation(scenario, position)
        contributions = explained.row(0)
        st.plotly_chart(contribution_figure(contributions, spec.label, row, nouns.score), key="example_chart")
        if analyst:
            st.caption(
                f"Analyst view: bars are SHAP values in log-odds, one-hot parts summed per column. "
                f"Base value {explained.base_value:+.3f} + contributions {contributions.sum():+.3f} "
                f"= log-odds {explained.log_odds[0]:+.3f}, probability {explained.probability[0]:.3f}."
            )
    what_if_form(scenario, position, cutoff)


def _text(value) -> str:
    from proofdeck.explain import value_text

    return value_text(value)


def _input_key(scenario: Scenario, example_id: str, column: str) -> str:
    return f"whatif_{scenario.spec.key}_{example_id}_{column}"


def _reset(scenario: Scenario, example_id: str) -> None:
    for column in scenario.model.features:
        st.session_state.pop(_input_key(scenario, example_id, column), None)
    st.session_state.pop(f"whatif_result_{scenario.spec.key}", None)


def what_if_form(scenario: Scenario, position: int, cutoff: float) -> None:
    """Edit the open example's values and see the new score, decision and reasons."""
    from proofdeck.explain import what_if

    spec, nouns, model = scenario.spec, scenario.spec.nouns, scenario.model
    row = scenario.heldout.iloc[position]
    example_id = str(scenario.ids.iloc[position])
    result_key = f"whatif_result_{spec.key}"
    with st.expander(f"What if? Change this {nouns.entity}'s values", icon=":material/edit:",
                     expanded=st.session_state.get(result_key, (None,))[0] == example_id):
        with st.form(f"whatif_form_{spec.key}", border=False):
            columns = st.columns(3)
            changes = {}
            for index, column in enumerate(model.features):
                key = _input_key(scenario, example_id, column)
                place = columns[index % 3]
                if column in model.numeric:
                    value = row[column]
                    current = None if pd.isna(value) else float(value)
                    changes[column] = place.number_input(spec.label(column), value=current, key=key)
                else:
                    options = sorted(map(str, scenario.dataset.frame[column].dropna().unique())) + [UNKNOWN]
                    current = UNKNOWN if pd.isna(row[column]) else str(row[column])
                    chosen = place.selectbox(spec.label(column), options, index=options.index(current), key=key)
                    changes[column] = None if chosen == UNKNOWN else chosen
            submitted = st.form_submit_button("Score it", icon=":material/calculate:", type="primary")
        if submitted:
            st.session_state[result_key] = (example_id, changes)
        st.button("Reset to the real values", key=f"whatif_reset_{spec.key}", on_click=_reset,
                  args=(scenario, example_id), icon=":material/restart_alt:")
        saved = st.session_state.get(result_key)
        if not saved or saved[0] != example_id:
            return
        probability, changed = what_if(model, explainer(scenario), row, saved[1])
        before = float(scenario.scores[position])
        decision = f"gets a {nouns.action}" if probability >= cutoff else f"gets no {nouns.action}"
        st.metric(f"New {nouns.score}", w.share(probability),
                  delta=None if math.isclose(probability, before) else f"{(probability - before) * 100:+.1f} pts")
        st.markdown(f"With these values the {nouns.entity} **{decision}**.")
        from proofdeck.explain import explanation_sentence, top_reasons

        edited = pd.Series(saved[1]).reindex(model.features)
        reasons = top_reasons(changed.row(0), edited, spec.label)
        st.info(explanation_sentence(nouns.score, probability, reasons, scenario.dataset.positive_rate),
                icon=":material/lightbulb:")
        st.plotly_chart(contribution_figure(changed.row(0), spec.label, edited, nouns.score), key="whatif_chart")
