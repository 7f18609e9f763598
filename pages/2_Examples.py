"""Examples: held-out customers with their score, the rule's verdict and what happened."""

import streamlit as st

from ui.shell import page_setup

page = page_setup("Examples")
st.title("Examples")
