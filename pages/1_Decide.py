"""Decide: one slider from "cast a wide net" to "be selective", said in business words."""

import streamlit as st

from proofdeck import wording as w
from ui import state
from ui.assumptions import assumptions_form
from ui.decide import cutoff_targets, decide_charts, key_figures, outcome_grid
from ui.shell import page_setup
from ui.widgets import analyst_quality, glossary_expander, next_steps

page = page_setup("Decide")
spec, scenario = page.spec, page.scenario
nouns = spec.nouns

st.title(f"How many {nouns.entities} should get a {nouns.action}?")
st.caption(
    f"Move the slider: each {nouns.entity} with a {nouns.score} at or above it gets a {nouns.action}. "
    + w.per_period(nouns, page.economics, scenario.sweep.size)
)

with st.expander("Assumptions: what an action costs and what it is worth", icon=":material/payments:"):
    assumptions_form(scenario)


@st.fragment
def decide_panel() -> None:
    """The slider and everything it moves; reruns alone when the slider moves."""
    econ = state.economics(scenario)
    key = state.prepare_slider(scenario)
    label = f"How selective: lowest {nouns.score} that gets a {nouns.action}"
    if page.analyst:
        label += " (decision threshold)"
    st.slider(
        label, 0.0, 100.0, step=0.1, format="%.1f%%", key=key,
        on_change=state.slider_moved, args=(scenario,),
    )
    wide, selective = st.columns(2)
    wide.caption(":material/arrow_back: cast a wide net")
    selective.caption("be selective :material/arrow_forward:", text_alignment="right")
    cutoff = state.cutoff(scenario)
    outcome = scenario.sweep.outcome_at(cutoff, econ)
    rule = scenario.rule_outcome(econ)
    st.markdown(f"##### {w.readout(spec, outcome, cutoff)}")
    st.caption(
        f"{w.hit_rate_phrase(nouns, outcome.hit_rate).capitalize()}; "
        f"{w.coverage_phrase(nouns, outcome.coverage)}. Changes are against today's rule "
        f"({w.count(rule.actions)} {nouns.actions})."
    )
    cutoff_targets(scenario, econ, rule)
    key_figures(scenario, outcome, rule, econ, page.analyst, cutoff)
    outcome_grid(spec, outcome, econ, page.analyst)
    decide_charts(scenario, econ, cutoff, page.analyst, outcome, rule)


decide_panel()
glossary_expander(spec, page.analyst)
if page.analyst:
    analyst_quality(scenario)
next_steps(current="pages/1_Decide.py", demo=spec.key)
