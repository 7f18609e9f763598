"""Decide: one slider from "be selective" to "cast a wide net", said in business words."""

import streamlit as st

from proofdeck.sharing.summary import setting_summary
from proofdeck.words import wording as w
from ui.decide.effects import effect_figures, rank_by_choice
from ui.decide.sections import (
    decide_charts,
    key_figures,
    marginal_line,
    outcome_grid,
    setting_slider,
    targets,
)
from ui.frame import state
from ui.frame.shell import page_setup
from ui.frame.widgets import (
    analyst_quality,
    assumed_money_note,
    glossary_expander,
    next_steps,
    unseen_warning,
)

page = page_setup("Decide")
spec, scenario = page.spec, page.scenario
nouns = spec.nouns

st.title(f"How many {nouns.entities} should get {w.a(nouns.action)}?")
st.caption(
    f"Move the slider, or set a budget below: the model gives {w.a(nouns.action)} to the {nouns.entities} "
    f"with the highest {nouns.score}. Assumptions are in the sidebar. "
    + w.per_period(nouns, page.economics, scenario.sweep.size, never_saw=scenario.held_out_confirmed)
)
unseen_warning(scenario)


@st.fragment
def decide_panel() -> None:
    """The slider and everything it moves; reruns alone when the slider moves."""
    econ = state.economics(scenario)
    ranked_by = rank_by_choice(scenario) if scenario.uplift is not None else "risk"
    count = setting_slider(scenario, econ, page.analyst)
    if ranked_by == "effect":  # a past campaign: what the action changes at this count, ranked by it
        effect_figures(scenario, econ, count)
    # The words and numbers of this setting, as the report says them too.
    summary = setting_summary(scenario, econ, count, state.top_k_bootstrap(scenario))
    marginal_line(summary)
    st.markdown(f"##### {summary.readout}")
    st.caption(summary.rates)
    targets(scenario, econ, summary.outcome)
    assumed_money_note(spec, econ)
    key_figures(scenario, summary, page.analyst)
    outcome_grid(spec, summary, page.analyst)
    st.caption(summary.caveat)
    decide_charts(scenario, econ, count, page.analyst, summary.outcome, summary.rule)


decide_panel()
glossary_expander(spec, page.analyst)
if page.analyst:
    analyst_quality(scenario)
next_steps(current="pages/1_Decide.py", scenario=scenario)
