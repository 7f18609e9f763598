"""Save to the team workspace, and look after a saved item: its links, changes, deletion.

Drawn on the Share page (any demo) and on Your data once a file is built. Tokens are shown
once, when they are made: the workspace keeps only their hashes.
"""

from __future__ import annotations

import streamlit as st

from proofdeck.data.spec import SpecError
from proofdeck.model.scenario import Scenario
from proofdeck.sharing import links
from proofdeck.upload.draft import spec_toml
from proofdeck.words.safe_text import md
from proofdeck.workspace.snapshot import DEMO, SCORES, TRAINED, Draft, Settings
from proofdeck.workspace.store import Conflict, WorkspaceError
from proofdeck.workspace.tokens import EDITOR, REVIEWER, ROLE_WORDS, ROLES, VIEWER, can_change
from ui.frame import saved, state
from ui.frame.navigation import page_address

NAME = "pd_your_name"  # who this person said they are, for saves and review marks
_NEW_LINKS = "pd_new_links"  # demo key -> {role: token}, shown until the session moves on
SAVE_LABEL = "Save to workspace"
SAVE_CHANGES_LABEL = "Save changes"
ROLE_TITLES = {VIEWER: "Viewer link", REVIEWER: "Reviewer link", EDITOR: "Editor link"}


def link_for(key: str, token: str, script: str = "app.py") -> str:
    """The address a token opens (or its query part, when the browser has not told the address)."""
    params = {links.DEMO: key, links.POC: token}
    address = page_address(script, params)
    return address or "?" + "&".join(f"{k}={v}" for k, v in params.items())


def your_name(key: str) -> str:
    """A text box for one's name (remembered for the session); returns what it holds."""
    st.session_state.setdefault(NAME, "")
    st.session_state[key] = st.session_state[NAME]

    def changed() -> None:
        st.session_state[NAME] = st.session_state[key].strip()[:60]

    return st.text_input("Your name", key=key, max_chars=60, on_change=changed,
                         help="Shown beside what you save and mark, so the team knows who did it.").strip()


def session_settings(scenario: Scenario, scores: dict | None = None) -> Settings:
    """What this session changed on top of the spec, as a saved item keeps it."""
    chosen = state.count(scenario)
    scores = scores or {}
    return Settings(
        economics=state.economics(scenario), charter=state.charter(scenario),
        count=None if chosen == scenario.default_count else chosen, story_seed=state.story_seed(scenario),
        score_column=scores.get("column"), rule=scores.get("rule") or "", unseen=scores.get("unseen"),
    )


def draft_of(scenario: Scenario) -> Draft:
    """The demo on screen as a first save: an upload with its data, a bundled demo by its key.
    Raises SpecError when it cannot be kept."""
    spec = scenario.spec
    if spec.key in state.uploads():
        recipe = state.upload_recipe(scenario)
        if recipe is None:
            raise SpecError("this upload was built before saving was possible; build it again")
        text = spec_toml(recipe["draft"], recipe["prepared"], recipe["name"])
        kind = SCORES if recipe.get("scores") else TRAINED
        return Draft(spec.title, kind, text, session_settings(scenario, recipe.get("scores")),
                     frame=recipe["prepared"].frame)
    if spec.path is None or not spec.path.is_file():
        raise SpecError("this demo has no spec file on this server")
    return Draft(spec.title, DEMO, spec.path.read_text(encoding="utf-8"), session_settings(scenario),
                 demo_key=spec.key)


def save_box(scenario: Scenario) -> None:
    """"Save to workspace" for a demo not saved yet; the saved item's panel once it is."""
    entry = saved.entry_of(scenario)
    st.markdown("#### The team workspace")
    ws = saved.workspace()
    if ws is None:
        st.warning(saved.UNREACHABLE, icon=":material/cloud_off:")
        return
    if entry is not None:
        saved_panel(scenario, entry)
        return
    st.caption("Save this proof of concept for the team: its data, words, money, rule, ask and setting are kept "
               "on this server, and you get links to share it. A viewer link shows it; a reviewer link also "
               "lets experts mark examples right or wrong; an editor link can change it.")
    proposed = scenario.spec.title  # a text box shows its value literally: no escaping needed
    with st.form(key=f"save_{scenario.spec.key}", border=True):
        title = st.text_input("Title", value=proposed, max_chars=300)
        name = st.text_input("Your name", value=st.session_state.get(NAME, ""), max_chars=60,
                             help="Shown beside what you save and mark, so the team knows who did it.")
        clicked = st.form_submit_button(SAVE_LABEL, type="primary", icon=":material/cloud_upload:")
    if not clicked:
        return
    st.session_state[NAME] = name.strip()[:60]
    try:
        draft = draft_of(scenario)
        draft = Draft(title.strip() or draft.title, draft.kind, draft.spec_text, draft.settings,
                      draft.demo_key, draft.frame)
        with st.spinner("Saving..."):
            created = ws.create(draft, by=name or "someone")
            access = ws.open(created.tokens[EDITOR])
    except (SpecError, WorkspaceError) as error:
        st.error(f"It could not be saved: {md(str(error), limit=400)}", icon=":material/error:")
        return
    saved.remember(created.tokens[EDITOR], access, share_token=created.tokens[VIEWER])
    st.session_state.setdefault(_NEW_LINKS, {})[access.poc.key] = created.tokens
    st.switch_page("pages/5_Share.py", query_params=state.link_params_for(access.poc.key, created.tokens[EDITOR]))


def saved_panel(scenario: Scenario, entry: saved.Opened) -> None:
    """What this link may do with the saved item on screen."""
    poc = entry.poc
    when = poc.updated_at.strftime("%d %b %Y %H:%M UTC")
    st.success(f"**{md(poc.title)}** is saved in the team workspace (version {poc.version}, by "
               f"{md(poc.updated_by)}, {when}). You opened it with {_a(entry.role)} {entry.role} link: you can "
               f"{ROLE_WORDS[entry.role]}.", icon=":material/cloud_done:")
    fresh = st.session_state.get(_NEW_LINKS, {}).get(poc.key)
    if fresh:
        st.warning("Copy these links now: the workspace keeps only a fingerprint of each, so they cannot be "
                   "shown again (an editor can always make new ones).", icon=":material/key:")
        for role in (VIEWER, REVIEWER, EDITOR):
            st.markdown(f"**{ROLE_TITLES[role]}**: {ROLE_WORDS[role]}.")
            st.code(link_for(poc.key, fresh[role]), language=None, wrap_lines=True)
    elif entry.share_token:
        st.markdown(f"**{ROLE_TITLES[VIEWER]}** (send this one):")
        st.code(link_for(poc.key, entry.share_token), language=None, wrap_lines=True)
    if not can_change(entry.role):
        st.caption("This link cannot change the saved item: what you change here lasts for this session only.")
        return
    _save_changes(scenario, entry)
    with st.expander("Links: make, expire, revoke", icon=":material/key:"):
        _links_manager(entry)
    with st.expander("Delete from the workspace", icon=":material/delete:"):
        _delete(entry)


def _a(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def _save_changes(scenario: Scenario, entry: saved.Opened) -> None:
    settings = session_settings(scenario, _scores_of(entry))
    changed = settings != entry.poc.settings
    name = your_name(f"save_name_{entry.poc.key}")
    label = SAVE_CHANGES_LABEL if changed else f"{SAVE_CHANGES_LABEL} (nothing changed)"
    if not st.button(label, type="primary" if changed else "secondary", key=f"save_changes_{entry.poc.key}",
                     icon=":material/save:"):
        return
    ws = saved.workspace()
    try:
        poc = ws.save(entry.token, settings, entry.base_version, by=name or "someone")
    except Conflict as conflict:
        st.error(md(str(conflict), limit=600), icon=":material/sync_problem:")
        st.button("Open their version (drops your unsaved changes)", key=f"take_theirs_{entry.poc.key}",
                  on_click=_take_theirs, args=(scenario, entry, conflict.current.version))
        return
    except WorkspaceError as error:
        st.error(md(str(error), limit=400), icon=":material/error:")
        return
    entry.base_version = poc.version
    # The saved values are now the item's own: the session's overrides have nothing left to say.
    state.reset_economics(scenario)
    state.reset_charter(scenario)
    st.toast(f"Saved as version {poc.version}.", icon=":material/cloud_done:")
    st.rerun()


def _take_theirs(scenario: Scenario, entry: saved.Opened, version: int) -> None:
    entry.base_version = version
    state.reset_economics(scenario)
    state.reset_charter(scenario)
    state.forget_count(scenario)


def _scores_of(entry: saved.Opened) -> dict | None:
    settings = entry.poc.settings
    if not settings.score_column:
        return None
    return {"column": settings.score_column, "rule": settings.rule, "unseen": settings.unseen}


def _links_manager(entry: saved.Opened) -> None:
    ws = saved.workspace()
    key = entry.poc.key
    left, middle, right = st.columns([2, 2, 1], vertical_alignment="bottom")
    role = left.selectbox("A new link for", ROLES, format_func=lambda r: f"a {r}: {ROLE_WORDS[r]}",
                          key=f"new_link_role_{key}")
    days = middle.number_input("Expires after (days, 0 = never)", min_value=0, max_value=3650, value=30,
                               key=f"new_link_days_{key}")
    if right.button("Make it", key=f"new_link_{key}", icon=":material/add_link:"):
        try:
            token = ws.new_link(entry.token, role, days or None)
        except WorkspaceError as error:
            st.error(md(str(error), limit=400), icon=":material/error:")
        else:
            if role == VIEWER:
                entry.share_token = token
            st.markdown(f"**New {role} link** (copy it now; it is not shown again):")
            st.code(link_for(key, token), language=None, wrap_lines=True)
    from proofdeck.workspace.store import now_utc

    now = now_utc()
    for info in ws.links(entry.token):
        status = ("revoked" if info.revoked_at else "expired" if not info.usable(now)
                  else f"expires {info.expires_at:%d %b %Y}" if info.expires_at else "does not expire")
        this = " (the link you opened this with)" if info.selector == entry.access.selector else ""
        cols = st.columns([4, 1], vertical_alignment="center")
        cols[0].markdown(f"{ROLE_TITLES[info.role]} made {info.created_at:%d %b %Y %H:%M} UTC, {status}{this}")
        if info.usable(now) and info.selector != entry.access.selector:
            cols[1].button("Revoke", key=f"revoke_{info.selector}", on_click=_revoke, args=(entry, info.selector))


def _revoke(entry: saved.Opened, selector: str) -> None:
    saved.workspace().revoke(entry.token, selector)
    if entry.share_token and entry.share_token.startswith(selector + "."):
        entry.share_token = None
    st.toast("Revoked: that link stops working on every server now.", icon=":material/link_off:")


def _delete(entry: saved.Opened) -> None:
    st.caption("Deleting removes the data, the spec, the settings, the links and the review marks. It cannot be "
               "undone.")
    sure = st.checkbox(f"Yes, delete \u201c{md(entry.poc.title, limit=80)}\u201d", key=f"delete_sure_{entry.poc.key}")
    if st.button("Delete", disabled=not sure, key=f"delete_{entry.poc.key}", icon=":material/delete_forever:"):
        saved.workspace().delete(entry.token)
        saved.forget(entry.poc.key)
        st.query_params.clear()
        st.switch_page("app.py")
