"""Share: a link that reopens this view, the one-file report and the predictions as CSV."""

import streamlit as st

from ui.frame.save_panel import save_box
from ui.frame.shell import page_setup
from ui.frame.widgets import next_steps, unseen_warning
from ui.share.sections import downloads, link_section, model_download

page = page_setup("Share")
scenario = page.scenario

st.title("Share this view")
st.caption(
    "After the meeting comes \"send me that\": a link for people who can open the app, a report for "
    "everyone else, and the predictions for whoever checks the numbers."
)
unseen_warning(scenario)
link_section(scenario)
save_box(scenario)
downloads(scenario, page.economics, page.count)
model_download(scenario)
next_steps(current="pages/5_Share.py", scenario=scenario)
