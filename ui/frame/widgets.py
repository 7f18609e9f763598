"""Small Streamlit pieces more than one page draws."""

from __future__ import annotations

import numpy as np
import streamlit as st

from proofdeck.model.metrics import ranking_quality
from proofdeck.model.scenario import Scenario
from proofdeck.words.safe_text import md
from ui.frame import state
from ui.frame.navigation import PAGES


@st.cache_data(show_spinner=False, max_entries=16)
def _quality(demo_key: str, _scenario: Scenario):
    return ranking_quality(_scenario.labels, _scenario.scores)


def analyst_quality(scenario: Scenario) -> None:
    """Threshold-free measures of the model on held-out data (analyst view only)."""
    quality = _quality(state.cache_key(scenario), scenario)
    with st.container(border=True):
        st.markdown("**Analyst view: model quality on held-out data**")
        cols = st.columns(4)
        cols[0].metric("ROC AUC", f"{quality.roc_auc:.3f}", help="0.5 is random ranking, 1.0 perfect.")
        cols[1].metric("PR AUC", f"{quality.pr_auc:.3f}", help=f"Base rate is {quality.base_rate:.3f}.")
        cols[2].metric("Brier score", "—" if np.isnan(quality.brier) else f"{quality.brier:.3f}",
                       help="Mean squared error of the probabilities; lower is better (none for scores outside 0 to 1).")
        cols[3].metric("Base rate", f"{quality.base_rate:.1%}")


def assumed_money_note(spec, econ) -> None:
    """A visible note while any money figure is an example value nobody confirmed."""
    from proofdeck.words.wording import assumed_money

    note = assumed_money(spec.nouns, econ)
    if note:
        st.warning(note, icon=":material/payments:")


def unseen_warning(scenario: Scenario) -> None:
    """For the team's own scores not known to be held out: the one sentence that says the
    figures are only honest if its model never saw these rows (or that they flatter it)."""
    if scenario.unseen_note:
        st.warning(md(scenario.unseen_note, limit=600), icon=":material/visibility:")


def next_steps(current: str, scenario: Scenario) -> None:
    """Links to the other pages (carrying the view), so the story reads on without the sidebar."""
    st.divider()
    others = [page for page in PAGES if page[0] != current]
    params = state.link_params(scenario)
    for column, (script, label, icon) in zip(st.columns(len(others)), others):
        column.page_link(script, label=label, icon=icon, query_params=params)


def glossary_expander(spec, analyst: bool) -> None:
    """Business phrases and their meaning; the technical term only in analyst view."""
    from proofdeck.words.glossary import glossary

    with st.expander("Glossary", icon=":material/menu_book:"):
        rows = []
        for entry in glossary(spec.nouns, spec.headline.cost_per_won_label):
            row = {"Phrase": entry.phrase, "Meaning": entry.meaning}
            if analyst:
                row["Technical term"] = entry.technical
            rows.append(row)
        st.table(rows)


def remembered_tabs(names: list[str], key: str):
    """st.tabs whose open tab survives leaving the page and coming back (widget state does not):
    the choice is kept under a plain session key and given back as the default."""
    memory = f"pd_{key}"

    def remember() -> None:
        st.session_state[memory] = st.session_state[key]

    default = st.session_state.get(memory)
    return st.tabs(names, key=key, default=default if default in names else None, on_change=remember)
