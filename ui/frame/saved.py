"""Proofs of concept saved in the team workspace, as this session sees them.

A link ``?poc=<token>`` opens one: the token is checked against the workspace (a wrong,
revoked or expired one shows the same "no such proof of concept" and nothing else), the item is
added to this session's demo picker, and every later run checks the token again, so a revoked
link stops at once and a save made on another server shows at once. The session keeps each
item's token (the link's access) and, when it knows one, a viewer token to share.

The model is rebuilt from the saved data and spec (cached by content, so every session and every
version of an item shares one fit); a bundled demo saved with other assumptions reuses the
demo's own fit.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd
import streamlit as st

from proofdeck.data.datasets import DataError, build_dataset
from proofdeck.data.spec import SpecError
from proofdeck.data.spec_files import spec_from_text
from proofdeck.model.scenario import MAX_TRAIN_ROWS, Scenario, build_scenario, scenario_from_scores
from proofdeck.sharing import links
from proofdeck.words.safe_text import md
from proofdeck.workspace.config import database_url, limits_from_env, shown_url
from proofdeck.workspace.snapshot import DEMO, SCORES, SavedPoc, parquet_to_frame
from proofdeck.workspace.store import NO_SUCH, Access, NotFound, Workspace, WorkspaceError
from proofdeck.workspace.tokens import VIEWER
from ui.frame import state

LOG = logging.getLogger("proofdeck")
_OPENED = "pd_saved"  # key -> Opened
UNREACHABLE = ("The team workspace cannot be reached just now, so saved proofs of concept cannot be opened "
               "or saved; the details are in the server log. The bundled demos still work.")


@dataclass
class Opened:
    """One saved item this session opened: the link's token and role, the item as last read,
    and a viewer token to share when this session knows one (made here, or the link's own)."""

    token: str
    access: Access
    share_token: str | None = None
    base_version: int = 0  # the version this session's changes start from (a save checks it)

    @property
    def role(self) -> str:
        return self.access.role

    @property
    def poc(self) -> SavedPoc:
        return self.access.poc


@st.cache_resource(show_spinner=False, max_entries=2)  # one database per server
def _workspace(url: str) -> Workspace:
    return Workspace(url, limits_from_env())


def workspace() -> Workspace | None:
    """The workspace this server uses (created and upgraded on first use), or None when its
    database cannot be reached (logged without the password)."""
    url = database_url(state.ROOT)
    try:
        return _workspace(url)
    except Exception as error:  # a database down must not take the demos down
        LOG.warning("the workspace at %s cannot be opened: %s", shown_url(url), type(error).__name__)
        return None


def opened() -> dict[str, Opened]:
    """This session's saved items, by demo key."""
    return st.session_state.setdefault(_OPENED, {})


def remember(token: str, access: Access, share_token: str | None = None) -> Opened:
    """Add an item to this session (after opening its link or saving it) and show it."""
    entry = Opened(token, access, share_token or (token if access.role == VIEWER else None), access.poc.version)
    if access.poc.settings.count is not None:
        st.session_state.setdefault(state.COUNTS, {})[access.poc.key] = access.poc.settings.count
    if access.poc.settings.story_seed:
        st.session_state[state.story_seed_key_of(access.poc.key)] = access.poc.settings.story_seed
    opened()[access.poc.key] = entry
    st.session_state.setdefault(state.SAVED_TOKENS, {})[access.poc.key] = token  # the address carries it
    st.session_state["pd_demo"] = access.poc.key
    st.query_params[links.DEMO] = access.poc.key
    return entry


def open_from_link() -> None:
    """At the start of every run, before the sidebar lists anything: check the link of each
    saved item this session holds again (a newer version is picked up; a revoked, expired or
    deleted one is dropped, so its title is never listed again, and when it is the one shown
    the page says there is no such item and stops), then open the item an address's ``?poc=``
    names (or say there is no such one and stop: nothing else of the workspace is shown)."""
    token = st.query_params.get(links.POC)
    held = opened()
    if not held and not token:
        return
    ws = workspace()
    if ws is None:
        _stop(UNREACHABLE, ":material/cloud_off:")
    for key, entry in list(held.items()):
        try:
            entry.access = ws.open(entry.token)
        except NotFound:
            shown = _shown(key)
            forget(key)
            if shown:
                _refuse()
    if not token or any(entry.token == token for entry in held.values()):
        return
    try:
        access = ws.open(token)
    except NotFound:
        _refuse()
    remember(token, access)


def _shown(key: str) -> bool:
    """Whether this run shows the saved item ``key`` (as the sidebar's demo picker decides:
    the address's ?demo= when it names a demo here, else this session's choice)."""
    wanted = st.query_params.get(links.DEMO)
    if wanted == key:
        return True
    known = wanted in opened() or wanted in state.uploads() or wanted in state.catalog().specs
    return not known and st.session_state.get("pd_demo") == key


def _refuse() -> None:
    """The one answer for a wrong, revoked, expired or deleted link; the token leaves the address."""
    st.query_params.clear()
    _stop(NO_SUCH, ":material/link_off:", home=True)


def _stop(message: str, icon: str, home: bool = False) -> None:
    """A page that says only ``message`` (under a heading: the app's header would cover a
    message at the very top) and stops."""
    st.title("Proofdeck")
    st.error(message, icon=icon)
    if home:
        st.page_link("app.py", label="Open the app's own demos", icon=":material/home:")
    st.stop()


def forget(key: str) -> None:
    """Drop a saved item from this session (its link stopped working, or it was deleted)."""
    opened().pop(key, None)
    st.session_state.get(state.SAVED_TOKENS, {}).pop(key, None)
    if st.session_state.get("pd_demo") == key:
        st.session_state.pop("pd_demo", None)


def entry_of(scenario: Scenario) -> Opened | None:
    """This session's access to the saved item shown, or None for any other demo."""
    return opened().get(scenario.spec.key)


# --- the scenario of a saved item -------------------------------------------------------------


def scenario_of(entry: Opened) -> Scenario:
    """The saved item as a demo: its data, spec and model, with its saved assumptions and
    charter as the spec's own. Raises SpecError with a message for the page."""
    poc = entry.poc
    if poc.kind == DEMO:
        spec = state.catalog().specs.get(poc.demo_key or "")
        if spec is None:
            raise SpecError("The demo this was saved from is no longer on this server.")
        base = state.scenario_for(spec.path)
    else:
        how = (poc.kind, poc.settings.score_column, poc.settings.rule, poc.settings.unseen)
        base = _fitted(poc.data_digest, hashlib.sha256(poc.spec_text.encode()).hexdigest(), how, poc, entry.token)
    return _dressed(poc.id, poc.version, state.cache_key(base), base, poc)


@st.cache_resource(show_spinner="Rebuilding the model from the saved data and spec...", max_entries=8)
def _fitted(data_digest: str, spec_digest: str, how: tuple, _poc: SavedPoc, _token: str) -> Scenario:
    """The fitted scenario of saved data and spec, keyed by their content (and, for scores,
    which column holds them), so items saved from the same file and choices share one fit."""
    ws = workspace()
    if ws is None:
        raise SpecError(UNREACHABLE)
    raw = ws.data(_token)
    if raw is None:
        raise SpecError("This saved proof of concept has no data.")
    frame = parquet_to_frame(raw)
    key = _poc.key
    spec = spec_from_text(_poc.spec_text, Path("saved") / f"{key}.toml", Path("saved") / f"{key}.parquet")
    try:
        dataset = build_dataset(frame, spec.target_column, spec.positive_value, spec.id_column, spec.features,
                                spec.economics.value_column)
    except DataError as error:
        raise SpecError(f"The saved data cannot be read back: {error}") from None
    if _poc.kind == SCORES:
        settings = _poc.settings
        scores = pd.to_numeric(frame[settings.score_column], errors="coerce").loc[dataset.frame.index].to_numpy()
        return scenario_from_scores(spec, dataset, scores, settings.rule, unseen=settings.unseen or "not sure")
    return build_scenario(spec, dataset, max_train_rows=MAX_TRAIN_ROWS)


@st.cache_resource(show_spinner=False, max_entries=32)
def _dressed(poc_id: str, version: int, base_key: str, _base: Scenario, _poc: SavedPoc) -> Scenario:
    """The base scenario under the item's key and title, with its saved assumptions and charter
    as the spec's own. It keeps the base's serial: the held-out data is the same, so the
    per-scenario caches (bootstraps, the leak check) are shared by every version."""
    spec = replace(_base.spec, path=Path("saved") / f"{_poc.key}.toml", title=_poc.title,
                   economics=_poc.settings.economics, charter=_poc.settings.charter)
    dressed = replace(_base, spec=spec)
    dressed.serial = _base.serial
    state.check_leaks_as(dressed, _base)
    return dressed


def current(key: str) -> Scenario | None:
    """The scenario of the session's saved item ``key`` (its link checked this run by
    :func:`open_from_link`, which ``page_setup`` calls first), or None when ``key`` is not one;
    stops the page with a message when it cannot be shown."""
    entry = opened().get(key)
    if entry is None:
        return None
    try:
        return scenario_of(entry)
    except (SpecError, WorkspaceError) as error:
        LOG.warning("saved item %s cannot be shown: %s", entry.poc.key, getattr(error, "detail", None) or error)
        st.error(f"This saved proof of concept cannot be shown: {md(str(error), limit=400)}", icon=":material/error:")
        st.stop()


def titles() -> dict[str, str]:
    """Picker titles of this session's saved items."""
    return {key: f"{entry.poc.title} (saved)" for key, entry in opened().items()}


def marks_of(scenario: Scenario) -> list | None:
    """The team's review marks on the saved item shown (None: not a saved item)."""
    entry = entry_of(scenario)
    ws = workspace() if entry is not None else None
    if ws is None:
        return None
    try:
        return ws.marks(entry.token)
    except WorkspaceError:
        return None
