"""Examples: held-out customers, why each was flagged, four stories, and what-if."""

import streamlit as st

from proofdeck.words import wording as w
from ui.examples.detail import show_example
from ui.examples.review import error_patterns, team_review
from ui.examples.sections import drivers, drivers_chart, examples_table, open_position, stories
from ui.frame.shell import page_setup
from ui.frame.widgets import glossary_expander, next_steps, unseen_warning

page = page_setup("Examples")
spec, scenario = page.spec, page.scenario
nouns = spec.nouns
flags, cutoff = page.model_flags, page.threshold

st.title(f"Which {nouns.entities} get {w.a(nouns.action)}, and why?")
kind = f"Synthetic {nouns.entities}" if spec.synthetic else w.sentence_case(nouns.entities)
never_saw = " the model never saw" if scenario.held_out_confirmed else ""
st.caption(
    f"{kind} from the held-out data{never_saw}. The model's decisions use "
    f"your setting on the Decide page: its top {w.count(page.economics.scale_for(scenario.sweep.size) * page.count)} "
    f"{nouns.entities}, with {nouns.score} of {w.cutoff_text(cutoff)} or more."
)

unseen_warning(scenario)
st.markdown("#### Four stories, where the model wins and where it loses")
stories(scenario, flags, cutoff)

st.markdown(f"#### All held-out {nouns.entities}")
importance = drivers(scenario)
top_columns = list(importance.index[:3]) if importance is not None else list(scenario.dataset.features[:3])
examples_table(scenario, flags, cutoff, top_columns)
error_patterns(scenario, flags)
team_review(scenario)

if importance is not None:
    drivers_chart(scenario)
else:
    st.caption(f"The {nouns.score} comes from your own model, so Proofdeck cannot say why it is high or low.")

glossary_expander(spec, page.analyst)
next_steps(current="pages/2_Examples.py", scenario=scenario)

position = open_position(scenario)
if position is not None:
    show_example(scenario, position, flags, cutoff, page.analyst)
