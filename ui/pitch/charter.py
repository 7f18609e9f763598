"""The ask: the POC charter with its expected impact and the test it needs (pitch page)."""

from __future__ import annotations

import streamlit as st

from proofdeck.comparison.ab_test import ab_test_for
from proofdeck.comparison.compare import SameBudget, expected_impact_text
from proofdeck.data.spec import READINESS, Economics
from proofdeck.model.scenario import Scenario
from proofdeck.review.marks import summarise
from proofdeck.words import wording as w
from proofdeck.words.safe_text import md
from ui.frame import saved, state

_FIELDS = (
    ("action", "What happens to a flagged {entity}, and who does it"),
    ("owner", "Who signs the ask"),
    ("metric", "The business metric it moves"),
    ("metric_from", "From (today)"),
    ("metric_to", "To (promised)"),
)


def the_ask(scenario: Scenario, econ: Economics, comparison: SameBudget) -> None:
    """The charter, the expected impact range and the A/B test, with an editor below."""
    charter, nouns, against = state.charter(scenario), scenario.spec.nouns, scenario.baseline
    per = w.period_suffix(econ)
    st.markdown("#### The ask")
    with st.container(border=True):
        if charter.action:
            owner = f" (signed by {md(charter.owner)})" if charter.owner else ""
            st.markdown(f"**The action:** {md(charter.action)}{owner}")
        if charter.promise:
            st.markdown(f"**The promise:** {md(charter.promise)}.")
        st.markdown("**Expected impact:** " + md(
            expected_impact_text(comparison, econ.currency, per, vars(nouns), against), 2000))
        for label, sentence in ab_test_for(comparison.rule, comparison.model, econ).labelled(nouns, against):
            st.markdown(f"**{label}:** {md(sentence, 1000)}")
        marks = saved.marks_of(scenario)
        if marks is not None:
            st.markdown("**Expert review:** " + md(summarise(marks).sentence(nouns.entity, nouns.entities), 400))
        st.markdown("**Ready for production?** " + " · ".join(
            f"{':green[:material/check_circle:]' if done else ':gray[:material/radio_button_unchecked:]'} "
            f"{w.readiness_step(step, against)}"
            for step, done in charter.checklist
        ))
    # Its inputs are built only when opened: hidden widgets cost every visitor's browser before
    # the first figure shows (a crowded room's slowest viewer, benchmarks/bench_viewers.py).
    editor = st.expander("Edit the ask for this session", icon=":material/edit:", key=EDITOR_KEY.format(
        demo=scenario.spec.key), on_change="rerun")
    if editor.open:
        with editor:
            charter_editor(scenario)


EDITOR_KEY = "charter_{demo}_editor"  # the expander's open state


def _key(scenario: Scenario, field: str) -> str:
    return f"charter_{scenario.spec.key}_{field}"


def _steps(scenario: Scenario) -> dict[str, str]:
    """The readiness steps as this demo words them (no rule: nothing "beside today's rule")."""
    return {key: w.readiness_step(text, scenario.baseline) for key, text in READINESS.items()}


def _changed(scenario: Scenario, field: str) -> None:
    value = st.session_state[_key(scenario, field)]
    if field == "done":
        state.set_charter(scenario, done=tuple(key for key, text in _steps(scenario).items() if text in value))
    else:
        state.set_charter(scenario, **{field: str(value).strip()[:400]})


def charter_editor(scenario: Scenario) -> None:
    charter, nouns = state.charter(scenario), scenario.spec.nouns
    for field, label in _FIELDS:
        key = _key(scenario, field)
        st.session_state[key] = getattr(charter, field)
        st.text_input(label.format(entity=nouns.entity), key=key, max_chars=400,
                      on_change=_changed, args=(scenario, field))
    key = _key(scenario, "done")
    steps = _steps(scenario)
    st.session_state[key] = [steps[name] for name in charter.done if name in steps]
    st.multiselect("Done so far", list(steps.values()), key=key, on_change=_changed, args=(scenario, "done"))
    st.button("Back to the demo's own", key=f"charter_reset_{scenario.spec.key}", on_click=state.reset_charter,
              args=(scenario,), icon=":material/restart_alt:")
    st.caption("Edits last for this session and show in the report; the demo file is not changed.")
