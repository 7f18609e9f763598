"""The shared page frame: page config, the sidebar (navigation, demo picker, analyst view).

Every page, app.py included, starts with ``page = page_setup("...")``. Pages are found by
Streamlit's pages/ discovery and app.py is the landing page, so a deep link to any page runs
that page's own script, which draws the same sidebar: links work on a fresh server.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from proofdeck.data.spec import DemoSpec, Economics, SpecError
from proofdeck.model.scenario import Scenario
from proofdeck.sharing import links
from proofdeck.words.safe_text import md
from ui.frame import saved, state
from ui.frame.assumptions import assumptions_form
from ui.frame.launched import register_launched
from ui.frame.memory import keep_memory_flat
from ui.frame.navigation import PAGES
from ui.present import mode as present

LOG = logging.getLogger("proofdeck")
STYLE = Path(__file__).with_name("style.css")

DEMO_KEY = "demo"  # the query parameter naming the demo: /Decide?demo=leads
DEMO_STATE = "pd_demo"
ANALYST_STATE = state.ANALYST
ANALYST_LABEL = "Analyst view"
PRESENT_LABEL = "Presentation mode"


@dataclass
class Page:
    """What a page needs: the demo's scenario, this session's assumptions and switches."""

    scenario: Scenario
    economics: Economics
    analyst: bool

    @property
    def spec(self) -> DemoSpec:
        return self.scenario.spec

    @property
    def count(self) -> int:
        """How many held-out examples the model acts on (its top ones), shared by all pages."""
        return state.count(self.scenario)

    @property
    def model_flags(self):
        """The model's decisions on the held-out examples at this session's setting."""
        return state.model_flags(self.scenario)

    @property
    def threshold(self) -> float:
        """The lowest score the model acts on at this session's setting."""
        return self.scenario.threshold_at(self.count)


def page_setup(title: str, progress=None) -> Page:
    """Configure the page, draw the sidebar and load the chosen demo (or stop with a message).

    ``progress`` (a :class:`ui.pitch.first_paint.Progress`) is where a first fit says what it is
    doing; without it, a spinner says it.

    In presentation mode the sidebar holds only the switch, and the presentation is drawn
    instead of the page, which stops here (ui/present/mode.py).
    """
    keep_memory_flat()  # once per server: a server left running for weeks stays flat
    presenting = _presenting()
    # An emoji icon is drawn by the browser; a :material/...: one would be fetched from Google.
    st.set_page_config(page_title=f"{title} · Proofdeck", page_icon="📊", layout="wide",
                       initial_sidebar_state="collapsed" if presenting else "auto")
    st.html(STYLE.read_text(encoding="utf-8").join(("<style>", "</style>")))
    # Presenting counts as a page of its own: leaving it refills the page's inputs.
    state.enter_page(f"{title} · presenting" if presenting else title)
    saved.open_from_link()
    register_launched()
    catalog = state.catalog()
    with st.sidebar:
        st.markdown("### Proofdeck")
        if not catalog.specs:
            st.error("No usable demo spec in demos/.")
            _show_broken(catalog.errors, catalog.warnings)
            st.stop()
        uploaded = state.uploads()
        titles = {**catalog.titles, **saved.titles(),
                  **{key: f"{sc.spec.title} (your data)" for key, sc in uploaded.items()}}
        if presenting:
            _present_toggle(title, presenting)
            demo_key = _current_demo(list(titles))
        else:
            demo_key = _demo_picker(title, list(titles), titles)
            # Right under the demo, in the first screen at 720 px: "what if it costs $80?" is
            # answered without scrolling the sidebar in front of the room.
            money = st.container()
            navigation = st.container()
            st.divider()
            switches = st.container()
    if demo_key in uploaded:
        scenario, spec = uploaded[demo_key], uploaded[demo_key].spec
    elif demo_key in saved.opened():
        scenario = saved.current(demo_key)
        spec = scenario.spec
    else:
        spec = catalog.specs[demo_key]
        scenario = _load(spec, progress)
    state.apply_link(scenario)
    if present.presenting() != presenting:
        st.rerun()  # the link said otherwise than the session guessed: draw the right sidebar
    if presenting:
        st.sidebar.caption(md(spec.title))
        present.link_notices(state.take_link_notices())
        present.present_if_on(Page(scenario=scenario, economics=state.economics(scenario), analyst=False))
        st.stop()
    for notice in state.take_link_notices():
        st.toast(notice, icon=":material/link_off:")
    with switches:
        analyst = _analyst_toggle(title)
        _present_toggle(title, presenting)
        if spec.synthetic:
            st.caption("Synthetic sample data, generated for this demo.")
        _show_broken(catalog.errors, catalog.warnings)
    with navigation:
        # Page links carry the whole view, so a link opened in a new tab shows the same.
        params = state.link_params(scenario)
        for script, label, icon in PAGES:
            st.page_link(script, label=label, icon=icon, query_params=params)
    with money.expander("Assumptions", icon=":material/payments:"):
        assumptions_form(scenario)
    state.write_link(scenario)
    return Page(scenario=scenario, economics=state.economics(scenario), analyst=analyst)


def _load(spec: DemoSpec, progress=None) -> Scenario:
    """The fitted demo, or a message and a stop: never a traceback, never the other demos down."""
    try:
        return state.scenario_for(spec.path, progress)
    except SpecError as error:
        LOG.warning("demo %s cannot be loaded: %s (%s)", spec.key, error, error.detail)
        st.error(f"This demo cannot be loaded: {md(str(error))}", icon=":material/error:")
    except Exception:
        LOG.exception("demo %s cannot be loaded", spec.key)
        st.error("This demo cannot be loaded; the details are in the server log. "
                 "Pick another demo in the sidebar.", icon=":material/error:")
    st.stop()


def _demo_picker(title: str, keys: list[str], titles: dict[str, str]) -> str:
    """The demo picker, kept in step with ?demo= in the URL so every link reopens the demo.

    A link's ?demo= wins (a shared link or a page link), then this session's choice, then the
    first demo. The URL carries the file's short key (?demo=leads), not its title.
    """
    current = _current_demo(keys)
    key = f"demo_picker_{title}"

    def chosen() -> None:
        st.session_state[DEMO_STATE] = st.session_state[key]
        st.query_params[DEMO_KEY] = st.session_state[key]

    st.session_state[key] = current
    return st.selectbox(
        "Demo",
        keys,
        format_func=titles.__getitem__,
        key=key,
        on_change=chosen,
        help="Each demo is one file in demos/: its data, today's rule and its money.",
    )


def _current_demo(keys: list[str]) -> str:
    """The demo to show: a link's ?demo=, then this session's choice, then the first demo."""
    wanted = st.query_params.get(DEMO_KEY)
    asked = wanted
    if wanted and wanted not in keys and wanted.startswith("upload-") and not st.session_state.get(DEMO_STATE):
        state.link_notice("That link was made on uploaded data, which never travels in a link: upload the file "
                          "on the Your data page to see it.")
        asked = None
    if wanted and wanted not in keys and wanted.startswith("saved-"):
        state.link_notice("That link was to a saved proof of concept, but without its access token: ask its owner for "
                 "the viewer link.")
        asked = None
    if wanted not in keys:
        wanted = st.session_state.get(DEMO_STATE)
    current = wanted if wanted in keys else keys[0]
    if asked and asked not in keys:
        state.link_notice(f"The link asks for a demo called '{md(asked, limit=60)}', which is not here; showing "
                 f"{md(catalog_title(current))} instead.")
    st.session_state[DEMO_STATE] = current
    st.query_params[DEMO_KEY] = current
    return current


def catalog_title(key: str) -> str:
    """A demo's title as the picker shows it (an upload's too)."""
    uploaded = state.uploads()
    if key in uploaded:
        return f"{uploaded[key].spec.title} (your data)"
    return saved.titles().get(key) or state.catalog().titles.get(key, key)


def _presenting() -> bool:
    """Whether the session is in presentation mode, known before the demo loads: the
    session's own switch, or at a session's first run the link's ?mode=present (which
    ``state.apply_link`` then records)."""
    if state.PRESENT in st.session_state:
        return bool(st.session_state[state.PRESENT])
    return st.query_params.get(links.MODE) == links.PRESENT


def _present_toggle(title: str, presenting: bool) -> None:
    """The presentation switch. Its widget is refilled from the session's mode at every run,
    so the presentation's own Exit button and a link turn it too."""
    key = f"present_toggle_{title}"

    def switched() -> None:
        if st.session_state[key]:
            present.start()
        else:
            present.stop()

    st.session_state[key] = presenting
    st.toggle(PRESENT_LABEL, key=key, on_change=switched,
              help="The story in six steps with large numbers and no controls, for a meeting room. "
                   "The arrow keys and a presentation clicker step through it.")


def _analyst_toggle(title: str) -> bool:
    """One switch for all pages. Its value lives in plain session state; each page draws its
    own widget from it, which survives page switches (a shared widget key does not)."""
    key = f"analyst_toggle_{title}"

    def remember() -> None:
        st.session_state[ANALYST_STATE] = st.session_state[key]

    return st.toggle(
        ANALYST_LABEL,
        value=st.session_state.get(ANALYST_STATE, False),
        key=key,
        on_change=remember,
        help="Show the technical names and measures beside the business ones.",
    )


def _show_broken(errors: dict[str, str], warnings: dict[str, str]) -> None:
    if errors:
        with st.expander(f"{len(errors)} demo file(s) could not be read"):
            for message in errors.values():
                st.caption(md(message))
    for message in warnings.values():
        st.caption(md(message))
