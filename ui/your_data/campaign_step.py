"""Your data, optional: the column that says who got the action in a past campaign, its value
for "got it", and whether the campaign picked at random (a spec's ``[uplift]``)."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from proofdeck.data.spec import UpliftSpec
from proofdeck.upload.draft import DemoDraft
from proofdeck.words.safe_text import md

NONE = "(no past campaign)"
MAX_VALUES = 20  # a treatment column says yes or no (or a handful of arms), not hundreds of values
RANDOM, NOT_RANDOM = "Yes, at random", "No, or not sure"


def campaign_step(digest: str, frame: pd.DataFrame, draft: DemoDraft) -> DemoDraft:
    """Ask for a past campaign's treatment column; returns the draft with it (and without that
    column among the model's features), or as it was when there is none."""
    prefix, nouns = f"yd_{digest[:12]}_campaign", draft.nouns
    candidates = [str(c) for c in frame.columns
                  if str(c) not in (draft.outcome, draft.id_column) and 2 <= frame[c].nunique() <= MAX_VALUES]
    left, middle, right = st.columns(3)
    column = left.selectbox(f"Which column says who got the {md(nouns.action)} in a past campaign?",
                            [NONE, *candidates], key=f"{prefix}_column",
                            help=f"Optional. With it, the pages also show what the {md(nouns.action)} changes, "
                                 "not only who is at risk. It is never a column the model learns from.")
    if column == NONE:
        return draft
    values = [str(v) for v in frame[column].dropna().unique()]
    # Select box options are shown literally by Streamlit (never Markdown): no escaping needed.
    treated = middle.selectbox(f"Its value for \"got the {md(nouns.action)}\"", values,
                               key=f"{prefix}_value_{column}")
    randomised = right.radio("Was it decided at random who got it?", [RANDOM, NOT_RANDOM],
                             key=f"{prefix}_random", horizontal=True) == RANDOM
    if not randomised:
        st.caption("Without a random choice, every figure of what it changes will say it may be biased.")
    campaign = UpliftSpec(treatment_column=column, treated_value=treated, randomised=randomised)
    return replace(draft, uplift=campaign, features=tuple(f for f in draft.features if f != column))
