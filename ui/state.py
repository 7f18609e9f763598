"""Cached loading and per-session state: which demo, its assumptions, its cut-off.

The fitted scenario is cached per demo file (st.cache_resource); what a user changes in a
session (assumptions, cut-off) lives in st.session_state under one key per demo.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import streamlit as st

from proofdeck.compare import SameBudget, cutoff_flags, same_budget
from proofdeck.policies import combined_policies
from proofdeck.scenario import Scenario, build_scenario
from proofdeck.spec import Economics, SpecCatalog, load_catalog, load_spec
from proofdeck.sweep import snap_threshold

ROOT = Path(__file__).resolve().parents[1]
DEMOS_ENV = "PROOFDECK_DEMOS_DIR"  # another folder of demo specs, e.g. a team's own
CUTOFF_STEP = 0.001  # slider resolution: a tenth of a percentage point of score

_ECONOMICS = "pd_economics"
_CUTOFFS = "pd_cutoffs"


def _mtime(path: Path) -> float:
    return path.stat().st_mtime if path.exists() else 0.0


@st.cache_data(show_spinner=False)
def _catalog(folder: str, stamp: tuple[float, ...]) -> SpecCatalog:
    return load_catalog(folder)


def demos_dir() -> Path:
    """The folder of demo specs: demos/ unless PROOFDECK_DEMOS_DIR names another."""
    return Path(os.environ.get(DEMOS_ENV, ROOT / "demos"))


def catalog() -> SpecCatalog:
    """Every demo spec in the demos folder, reloaded when a file changes."""
    folder = demos_dir()
    stamp = tuple(_mtime(p) for p in sorted(folder.glob("*.toml")))
    return _catalog(str(folder), stamp)


@st.cache_resource(show_spinner="Training the model on this demo's data...", max_entries=8)
def _scenario(spec_path: str, spec_stamp: float, data_stamp: float) -> Scenario:
    return build_scenario(load_spec(spec_path))


def scenario_for(spec_path: Path) -> Scenario:
    """The fitted, scored demo; fitted once per file version and shared by all sessions."""
    spec = load_spec(spec_path)
    return _scenario(str(spec_path), _mtime(spec_path), _mtime(spec.data_path))


def cache_key(scenario: Scenario) -> str:
    """Key for data cached per scenario: a rebuilt scenario (a changed file) is a new key."""
    return f"{scenario.spec.key}@{id(scenario)}"


def economics(scenario: Scenario) -> Economics:
    """This session's assumptions for the demo (the spec's own until edited)."""
    return st.session_state.get(_ECONOMICS, {}).get(scenario.spec.key, scenario.spec.economics)


def set_economics(scenario: Scenario, **changes: float) -> None:
    overrides = st.session_state.setdefault(_ECONOMICS, {})
    overrides[scenario.spec.key] = replace(economics(scenario), **changes)


def reset_economics(scenario: Scenario) -> None:
    st.session_state.setdefault(_ECONOMICS, {}).pop(scenario.spec.key, None)


def default_cutoff(scenario: Scenario) -> float:
    """Start where today's rule is: the model acting on at most as many as the rule does."""
    return snap_threshold(scenario.rule_budget_threshold, CUTOFF_STEP, "up")


def cutoff(scenario: Scenario) -> float:
    """The session's current score cut-off for this demo (shared by all pages)."""
    return st.session_state.get(_CUTOFFS, {}).get(scenario.spec.key, default_cutoff(scenario))


def set_cutoff(scenario: Scenario, value: float) -> None:
    st.session_state.setdefault(_CUTOFFS, {})[scenario.spec.key] = float(value)


@st.cache_data(show_spinner="Bootstrapping the held-out set...", max_entries=64)
def _same_budget(demo_key: str, economics: Economics, _scenario: Scenario) -> SameBudget:
    sc = _scenario
    return same_budget(sc.scores, sc.rule_flags, sc.labels, sc.values, economics)


def same_budget_comparison(scenario: Scenario, economics: Economics) -> SameBudget:
    """Rule vs the model's top K with 95% intervals, cached per demo and assumptions."""
    return _same_budget(cache_key(scenario), economics, scenario)


# --- the cut-off slider ------------------------------------------------------------------------
# The slider shows percent with one decimal; the session keeps the cut-off as a fraction so
# other pages can read it while the slider is not on screen.


def slider_key(scenario: Scenario) -> str:
    return f"cutoff_slider_{scenario.spec.key}"


def prepare_slider(scenario: Scenario) -> str:
    """Make sure the slider starts at the session's cut-off; returns its widget key."""
    key = slider_key(scenario)
    if key not in st.session_state:
        st.session_state[key] = round(cutoff(scenario) * 100, 1)
    return key


def slider_moved(scenario: Scenario) -> None:
    set_cutoff(scenario, round(st.session_state[slider_key(scenario)] / 100, 6))


def move_cutoff(scenario: Scenario, threshold: float, direction: str) -> None:
    """Set the cut-off to a target's threshold, rounded so the target still holds."""
    value = snap_threshold(threshold, CUTOFF_STEP, direction)
    set_cutoff(scenario, value)
    st.session_state[slider_key(scenario)] = round(value * 100, 1)


@st.cache_data(show_spinner="Bootstrapping the held-out set...", max_entries=64)
def _policies(demo_key: str, economics: Economics, cutoff: float, _scenario: Scenario):
    sc = _scenario
    return combined_policies(sc.rule_flags, cutoff_flags(sc.scores, cutoff), sc.labels, sc.values, economics)


def together(scenario: Scenario, economics: Economics, cutoff: float):
    """Rule, model, rule OR model, rule AND model as policies, with 95% intervals (cached)."""
    return _policies(cache_key(scenario), economics, cutoff, scenario)
