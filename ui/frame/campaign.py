"""Cached figures of a past campaign (a demo whose spec has ``[uplift]``): its resamples, drawn
once per scenario, and what each policy changes at a budget, per session's assumptions."""

from __future__ import annotations

import numpy as np
import streamlit as st

from proofdeck.comparison.effects import effect_at_budget, effect_curves
from proofdeck.data.spec import Economics
from proofdeck.model.scenario import Scenario
from proofdeck.uplift.estimate import CampaignBootstrap, UpliftComparison
from ui.frame.state import cache_key

RANK_BY = "pd_rank_by"  # session key: demo -> "risk" or "effect" (what the Decide page ranks by)


@st.cache_resource(show_spinner="Redrawing the campaign's held-out rows...", max_entries=8)
def _bootstrap(demo_key: str, _scenario: Scenario) -> CampaignBootstrap:
    return _scenario.uplift.bootstrap()


def bootstrap(scenario: Scenario) -> CampaignBootstrap:
    """The campaign's resamples of the held-out rows (drawn once per scenario)."""
    return _bootstrap(cache_key(scenario), scenario)


@st.cache_data(show_spinner="Redrawing the campaign's held-out rows...", max_entries=64)
def _at_budget(demo_key: str, economics: Economics, count: int | None, with_rule: bool,
               _scenario: Scenario) -> UpliftComparison:
    return effect_at_budget(_scenario, economics, count, bootstrap(_scenario), with_rule=with_rule)


def at_budget(scenario: Scenario, economics: Economics, count: int | None = None,
              with_rule: bool = True) -> UpliftComparison:
    """Today's rule (unless ``with_rule`` is False) and the two rankings at one budget (cached)."""
    return _at_budget(cache_key(scenario), economics, count, with_rule, scenario)


@st.cache_data(show_spinner=False, max_entries=16)
def _curves(demo_key: str, economics: Economics, _scenario: Scenario) -> dict[str, np.ndarray]:
    return effect_curves(_scenario, economics)


def curves(scenario: Scenario, economics: Economics) -> dict[str, np.ndarray]:
    """Each ranking's estimated changed outcomes at every count (cached)."""
    return _curves(cache_key(scenario), economics, scenario)


def rank_by(scenario: Scenario) -> str:
    """What this session ranks by on the Decide page: "risk" (the default) or "effect"."""
    return st.session_state.get(RANK_BY, {}).get(scenario.spec.key, "risk")


def set_rank_by(scenario: Scenario, choice: str) -> None:
    st.session_state.setdefault(RANK_BY, {})[scenario.spec.key] = choice
