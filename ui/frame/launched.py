"""A server started by ``Proof(...).run()`` from a notebook: every session opens on that model.

The proof is rebuilt once per server from the private folder ``Proof.run`` wrote (the model as a
skops file trusted for exactly its own types, the held-out rows, the settings) and added to each
session like an upload, first in the picker; the bundled demos stay one click away.
"""

from __future__ import annotations

import os

import streamlit as st

from proofdeck.app_files import LAUNCH_ENV
from ui.frame import state

_REGISTERED = "pd_launched"
_DEMO = "pd_demo"  # ui.frame.shell.DEMO_STATE: the session's chosen demo


@st.cache_resource(show_spinner="Opening your model...", max_entries=1)
def _scenario(folder: str):
    from proofdeck.api import Proof  # imported only on a launched server: the first paint stays light

    return Proof.load(folder).scenario


def register_launched() -> None:
    """Add the launched model to this session once, and open on it unless a link names another demo."""
    folder = os.environ.get(LAUNCH_ENV)
    if not folder or st.session_state.get(_REGISTERED):
        return
    scenario = _scenario(folder)
    state.add_upload(scenario, recipe=None)
    st.session_state[_REGISTERED] = True
    st.session_state.setdefault(_DEMO, scenario.spec.key)
