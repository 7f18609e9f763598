"""Examples: held-out customers, why each was flagged, three stories, and what-if."""

import streamlit as st

from proofdeck.explain_charts import importance_figure
from ui.example_detail import example_detail
from ui.examples import drivers, examples_table, stories
from ui.shell import page_setup
from ui.widgets import glossary_expander, next_steps

page = page_setup("Examples")
spec, scenario = page.spec, page.scenario
nouns = spec.nouns

st.title(f"Which {nouns.entities} get a {nouns.action}, and why?")
st.caption(
    f"Real {nouns.entities} from the held-out data the model never saw. "
    f"The model's decisions use your current setting on the Decide page."
)

st.markdown("#### Three stories")
stories(scenario, page.cutoff)

st.markdown(f"#### All held-out {nouns.entities}")
importance = drivers(scenario)
examples_table(scenario, page.cutoff, list(importance.index[:3]))

st.divider()
example_detail(scenario, page.cutoff, page.analyst)

st.markdown(f"#### What drives the {nouns.score} overall")
st.plotly_chart(importance_figure(importance, spec.label, nouns.score), key="drivers_chart")
st.caption(f"Average influence of each column on the {nouns.score}, over up to 2,000 held-out {nouns.entities}.")

glossary_expander(spec, page.analyst)
next_steps(current="pages/2_Examples.py", demo=spec.key)
