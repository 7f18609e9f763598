"""Cached loading and per-session state: which demo, its assumptions, the model's setting.

The fitted scenario is cached per demo file (st.cache_resource); what a user changes in a
session (assumptions, how many examples the model acts on) lives in st.session_state under one
key per demo, so every page of the session sees the same view.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import streamlit as st

from proofdeck.comparison.compare import SameBudget, same_budget
from proofdeck.comparison.policies import combined_policies
from proofdeck.data.datasets import Dataset, load_dataset
from proofdeck.data.spec import Charter, Economics
from proofdeck.data.spec_files import load_spec
from proofdeck.decisions.best_setting import BestSetting, best_setting
from proofdeck.decisions.top_k_bootstrap import TopKBootstrap
from proofdeck.model.results_cache import HeldOutResults, cache_dir, results_key, save_results
from proofdeck.model.scenario import MAX_TRAIN_ROWS, Scenario, build_scenario
from proofdeck.model.training import FITTED
from proofdeck.sharing import links
from proofdeck.upload.leakage import LeakCheck, check_demo
from proofdeck.words import wording as w
from proofdeck.words.safe_text import md
from ui.frame.catalogue import DEMOS_ENV, ROOT, catalog, demos_dir, mtime  # noqa: F401 - the session's view of them

_ECONOMICS = "pd_economics"
COUNTS = _COUNTS = "pd_counts"
ANALYST = "pd_analyst_view"
PRESENT = "pd_present"
STEP = "pd_present_step"
_LINK_APPLIED = "pd_link_applied"
_LAST_PAGE = "pd_last_page"
_VISITS = "pd_page_visits"


_FITTED: set[tuple[str, float, float]] = set()  # demo file versions fitted on this server (words only)


@st.cache_resource(show_spinner=False, max_entries=8)
def _scenario(spec_path: str, spec_stamp: float, data_stamp: float, _dataset: Dataset | None = None) -> Scenario:
    spec = load_spec(spec_path)
    scenario = build_scenario(spec, _dataset, max_train_rows=MAX_TRAIN_ROWS)
    # Keep the held-out results for the next fresh server's first figure (ui/pitch/first_paint.py).
    save_results(cache_dir(ROOT), spec.key, results_key(spec.path, spec.data_path), HeldOutResults(
        scenario.scores, scenario.labels, scenario.values, scenario.rule_flags, scenario.trained_on))
    _FITTED.add((spec_path, spec_stamp, data_stamp))
    return scenario


def scenario_for(spec_path: Path, progress=None) -> Scenario:
    """The fitted, scored demo; fitted once per file version and shared by all sessions.

    The first time, the wait is said in words: "Training the model on 10,000 customers..." in
    ``progress`` (a :class:`ui.pitch.first_paint.Progress`, as step 2), or in a spinner.
    """
    spec = load_spec(spec_path)
    key = (str(spec_path), mtime(spec_path), mtime(spec.data_path))
    if key in _FITTED:
        return _scenario(*key)
    dataset = load_dataset(spec)
    text = (f"Scoring {len(dataset.frame):,} {spec.nouns.entities} with your model..." if spec.model.kind == FITTED
            else f"Training the model on {len(dataset.frame):,} {spec.nouns.entities} "
                 f"({w.share(spec.model.test_size)} of them kept aside to test it)...")
    if progress is not None:
        progress.step(2, text)
        return _scenario(*key, _dataset=dataset)
    with st.spinner(text):
        return _scenario(*key, _dataset=dataset)


def cache_key(scenario: Scenario) -> str:
    """Key for data cached per scenario: a rebuilt scenario (a changed file) is a new key."""
    return f"{scenario.spec.key}@{scenario.serial}"


# --- assumptions ------------------------------------------------------------------------------


def economics(scenario: Scenario) -> Economics:
    """This session's assumptions for the demo (the spec's own until edited)."""
    return st.session_state.get(_ECONOMICS, {}).get(scenario.spec.key, scenario.spec.economics)


def set_economics(scenario: Scenario, **changes: float) -> None:
    """This session's assumptions with some changed; a money field someone sets is theirs, no
    longer an example value."""
    overrides = st.session_state.setdefault(_ECONOMICS, {})
    overrides[scenario.spec.key] = replace(economics(scenario), **changes).confirmed(*changes)
    write_link(scenario)


def reset_economics(scenario: Scenario) -> None:
    st.session_state.setdefault(_ECONOMICS, {}).pop(scenario.spec.key, None)
    write_link(scenario)


# --- this session's own data (uploads), next to the bundled demos ---------------------------------
# An uploaded demo lives in this session only: its scenario is held here (and in a bounded
# cache keyed by the file's hash), never written to disk, never shown to another session.

_UPLOADS = "pd_uploads"
MAX_UPLOADS = 4  # demos built from files that one session keeps; each holds its data in memory


def uploads() -> dict[str, Scenario]:
    """This session's demos built from its own files, by key."""
    return {key: entry[0] for key, entry in st.session_state.get(_UPLOADS, {}).items()}


def add_upload(scenario: Scenario, recipe: dict | None, check: LeakCheck | None = None) -> None:
    """Add a demo built from an upload and make it the session's demo (with what the leak
    guard found in the file, when it ran). A session keeps the last :data:`MAX_UPLOADS`; the
    oldest is let go, and the user is told."""
    kept = st.session_state.setdefault(_UPLOADS, {})
    kept.pop(scenario.spec.key, None)  # rebuilt: it becomes the newest
    while len(kept) >= MAX_UPLOADS:
        oldest = next(iter(kept))
        title = kept.pop(oldest)[0].spec.title
        st.toast(f"To make room, this session let go of its oldest upload, {md(title, limit=80)} "
                 f"(it keeps the last {MAX_UPLOADS}; build it again from its file to see it).",
                 icon=":material/info:")
    kept[scenario.spec.key] = (scenario, recipe, check)
    st.session_state["pd_demo"] = scenario.spec.key
    st.query_params["demo"] = scenario.spec.key


def _upload_entry(scenario: Scenario) -> tuple | None:
    entry = st.session_state.get(_UPLOADS, {}).get(scenario.spec.key)
    return entry if entry and entry[0] is scenario else None


def upload_recipe(scenario: Scenario) -> dict | None:
    """What the user chose to build an uploaded demo (to keep it as files), or None."""
    entry = _upload_entry(scenario)
    return entry[1] if entry else None


@st.cache_resource(show_spinner="Checking the columns for anything known only after the outcome...", max_entries=8)
def _bundled_check(demo_key: str, _scenario: Scenario) -> LeakCheck:
    """The leak guard's finding on a bundled demo, from the disk cache when its files have not
    changed (a restarted server does not refit fraud's model again)."""
    return check_demo(_scenario, cache_dir(ROOT))


def leak_check(scenario: Scenario, compute: bool = True) -> LeakCheck | None:
    """What the leak guard checked and found for this demo: for an upload, the check made
    before it was built; for a bundled demo (or a saved one), made now (once, cached) unless
    ``compute`` is False. None for the user's own scores (there are no columns the model used
    to check)."""
    entry = _upload_entry(scenario)
    if entry is not None:
        return entry[2]
    if not scenario.refittable or not compute:
        return None
    source = _LEAK_SOURCES.get(cache_key(scenario), scenario)
    return _bundled_check(cache_key(source), source)


# A saved proof of concept of a bundled demo is checked as the demo itself (its disk cache).
_LEAK_SOURCES: dict[str, Scenario] = {}


def check_leaks_as(saved: Scenario, base: Scenario) -> None:
    """Let the leak guard check ``saved`` (a saved item's scenario) as ``base``, the demo it
    shows with other assumptions: same data, same model."""
    if len(_LEAK_SOURCES) > 64:
        _LEAK_SOURCES.clear()
    _LEAK_SOURCES[cache_key(saved)] = base


# --- the POC charter (the ask), editable for the session ----------------------------------------

_CHARTERS = "pd_charters"


def charter(scenario: Scenario) -> Charter:
    """This session's charter for the demo (the spec's own until edited)."""
    return st.session_state.get(_CHARTERS, {}).get(scenario.spec.key, scenario.spec.charter)


def set_charter(scenario: Scenario, **changes) -> None:
    st.session_state.setdefault(_CHARTERS, {})[scenario.spec.key] = replace(charter(scenario), **changes)


def reset_charter(scenario: Scenario) -> None:
    st.session_state.setdefault(_CHARTERS, {}).pop(scenario.spec.key, None)


# --- the model's setting: how many held-out examples it acts on --------------------------------


def count(scenario: Scenario) -> int:
    """How many held-out examples the model acts on in this session (its top ones by score).

    Starts at exactly today's rule's count, so every page compares at the same budget.
    """
    return st.session_state.get(_COUNTS, {}).get(scenario.spec.key, scenario.default_count)


def set_count(scenario: Scenario, value: int) -> None:
    value = int(min(max(value, 0), scenario.sweep.size))
    st.session_state.setdefault(_COUNTS, {})[scenario.spec.key] = value
    write_link(scenario)


def forget_count(scenario: Scenario) -> None:
    """Back to the demo's own setting (today's rule's budget, or a saved item's)."""
    st.session_state.setdefault(_COUNTS, {}).pop(scenario.spec.key, None)
    write_link(scenario)


def model_flags(scenario: Scenario) -> np.ndarray:
    """The model's decisions on the held-out examples at this session's setting."""
    return scenario.flags_at(count(scenario))


# --- widgets that must show state, not what a previous page left -------------------------------
# Streamlit forgets a widget's value when the page that drew it is left, and a widget drawn
# again with the same key may come back with its default (a budget of 0, a cost of 0.00). Inputs
# that mirror session state are therefore refilled from it whenever a page is (re)entered; runs
# within the page keep what the person is typing.


def enter_page(title: str) -> None:
    """Called at every full run of a page (by the page setup): counts arrivals on a page."""
    if st.session_state.get(_LAST_PAGE) != title:
        st.session_state[_LAST_PAGE] = title
        st.session_state[_VISITS] = st.session_state.get(_VISITS, 0) + 1


def page_visits() -> int:
    """How many times this session has arrived on a page: changes when a page is entered."""
    return st.session_state.get(_VISITS, 0)


# --- the view in the URL ------------------------------------------------------------------------
# A copied address reopens what the sender saw: at a session's first run the link's view is
# applied (bad parts fall back to defaults with a notice); after that every change is written
# back to the address, so it always says what the page shows.


def apply_link(scenario: Scenario) -> None:
    """Apply the address's view once per session (it opened the app); notices for bad parts."""
    if st.session_state.get(_LINK_APPLIED):
        return
    st.session_state[_LINK_APPLIED] = True
    view, notices = links.decode(st.query_params.to_dict(), scenario.spec, scenario.sweep.size)
    demo = scenario.spec.key
    if view.count is not None:
        st.session_state.setdefault(_COUNTS, {})[demo] = view.count
    if view.economics:
        changed = replace(scenario.spec.economics, **view.economics).confirmed(*view.economics)
        st.session_state.setdefault(_ECONOMICS, {})[demo] = changed
    if view.analyst:
        st.session_state[ANALYST] = True
    if view.present:
        st.session_state[PRESENT] = True
        st.session_state[STEP] = view.step or 0
    for notice in notices:
        link_notice(notice[:1].upper() + notice[1:] + ".")


# A bad link's notices are kept, not toasted where they arise: the page setup toasts them on a
# page, and presentation mode draws them once in its own place (a toast would cover Next and
# Exit in the top corner) until the presenter moves on.
_LINK_NOTICES = "pd_link_notices"


def link_notice(text: str) -> None:
    """Keep a notice about a bad part of the link that opened the app (shown by the page setup)."""
    kept = st.session_state.setdefault(_LINK_NOTICES, [])
    if text not in kept:
        kept.append(text)


def take_link_notices() -> list[str]:
    """The link's notices not shown yet; each is handed out once."""
    return st.session_state.pop(_LINK_NOTICES, [])


def current_view(scenario: Scenario) -> links.View:
    """This session's view of the demo, as a link would carry it."""
    demo = scenario.spec.key
    chosen = count(scenario)
    present = bool(st.session_state.get(PRESENT))
    return links.View(
        demo=demo,
        count=None if chosen == scenario.default_count else chosen,
        economics=links.economics_changes(scenario.spec.economics, economics(scenario)),
        analyst=bool(st.session_state.get(ANALYST)),
        present=present,
        step=st.session_state.get(STEP) if present else None,
    )


def link_params(scenario: Scenario, **extra: str) -> dict[str, str]:
    """Query parameters that reopen this session's view (for page links and the address); a
    saved proof of concept's carry the token this session opened it with."""
    params = links.encode(current_view(scenario))
    token = st.session_state.get(SAVED_TOKENS, {}).get(scenario.spec.key)
    if token:
        params[links.POC] = token
    return {**params, **extra}


def link_params_for(demo_key: str, token: str) -> dict[str, str]:
    """The address of a saved item just saved (its own view has no changes yet)."""
    return {links.DEMO: demo_key, links.POC: token}


SAVED_TOKENS = "pd_saved_tokens"  # demo key -> the token of the link it was opened with (ui/frame/saved.py)


def write_link(scenario: Scenario) -> None:
    """Keep the address in step with the view (an example being open stays in it too)."""
    wanted = link_params(scenario)
    example = st.query_params.get(links.EXAMPLE)
    if example:
        wanted[links.EXAMPLE] = example
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)


# --- cached computations ----------------------------------------------------------------------


@st.cache_data(show_spinner="Bootstrapping the held-out set...", max_entries=64)
def _same_budget(demo_key: str, economics: Economics, _scenario: Scenario) -> SameBudget:
    sc = _scenario
    return same_budget(sc.scores, sc.rule_flags, sc.labels, sc.values, economics)


def same_budget_comparison(scenario: Scenario, economics: Economics) -> SameBudget:
    """Rule vs the model's top K with 95% intervals, cached per demo and assumptions."""
    return _same_budget(cache_key(scenario), economics, scenario)


@st.cache_resource(show_spinner="Bootstrapping the held-out set...", max_entries=8)
def _top_k_bootstrap(demo_key: str, _scenario: Scenario) -> TopKBootstrap:
    sc = _scenario
    return TopKBootstrap(sc.sweep.order, sc.labels, sc.values)


def top_k_bootstrap(scenario: Scenario) -> TopKBootstrap:
    """Resampled totals of the model's top k for every k (built once per scenario)."""
    return _top_k_bootstrap(cache_key(scenario), scenario)


@st.cache_data(show_spinner=False, max_entries=64)
def _best(demo_key: str, economics: Economics, _scenario: Scenario) -> BestSetting:
    sc = _scenario
    return best_setting(sc.scores, sc.labels, sc.values, economics)


def best(scenario: Scenario, economics: Economics) -> BestSetting:
    """The count with the best net value and its cross-fitted worth (cached)."""
    return _best(cache_key(scenario), economics, scenario)


@st.cache_data(show_spinner="Bootstrapping the held-out set...", max_entries=64)
def _policies(demo_key: str, economics: Economics, count: int, _scenario: Scenario):
    sc = _scenario
    return combined_policies(sc.rule_flags, sc.flags_at(count), sc.labels, sc.values, economics)


def together(scenario: Scenario, economics: Economics, count: int):
    """Rule, model, rule OR model, rule AND model as policies, with 95% intervals (cached)."""
    return _policies(cache_key(scenario), economics, count, scenario)


def story_seed_key(scenario: Scenario) -> str:
    """The session key of this demo's story seed."""
    return story_seed_key_of(scenario.spec.key)


def story_seed_key_of(demo_key: str) -> str:
    return f"story_seed_{demo_key}"


def story_seed(scenario: Scenario) -> int:
    """The seed of this session's stories ("Show others" moves it): the presentation and the
    report show the same examples the presenter prepared with."""
    return st.session_state.get(story_seed_key(scenario), 0)
