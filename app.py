"""Proofdeck's landing page, "The pitch": the question, the data, today's rule, the headline."""

import streamlit as st

from proofdeck.words.safe_text import md
from ui import state
from ui.charter import the_ask
from ui.pitch import data_rule_model, headline_box
from ui.shell import page_setup
from ui.widgets import analyst_quality, next_steps

page = page_setup("The pitch")
spec, scenario, econ = page.spec, page.scenario, page.economics

st.title(md(spec.question))
st.caption(f"{md(spec.title)} · " + ("synthetic sample data" if spec.synthetic else "your data"))
st.markdown(md(spec.description, limit=2000))

comparison = state.same_budget_comparison(scenario, econ)
headline_box(scenario, econ, comparison, page.analyst)
data_rule_model(scenario, comparison)
the_ask(scenario, econ, comparison)

if page.analyst:
    analyst_quality(scenario)
next_steps(current="app.py", scenario=scenario)
