"""Rule vs model."""

import streamlit as st

from ui.shell import page_setup

page = page_setup("Rule vs model")
st.title("Rule vs model")
