"""Pieces of the Share page: the link that reopens the view, the report and the predictions.

The report and the CSV are built when their button is clicked (Streamlit runs a callable given
as a download's data on a thread of its own), so opening the page costs nothing; both are cached
per demo, setting and assumptions.
"""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from proofdeck.comparison.stability import Stability
from proofdeck.data.spec import Charter, Economics
from proofdeck.model.scenario import Scenario
from proofdeck.scoring.model_file import model_bytes, scoring_model_of
from proofdeck.sharing import links
from proofdeck.sharing.predictions import predictions_csv, predictions_description
from proofdeck.sharing.report import report_file_name, report_html
from proofdeck.words import wording as w
from proofdeck.words.safe_text import md
from ui.frame import saved, state
from ui.frame.navigation import PAGES, app_address, page_address, url_path  # noqa: F401 - url_path for tests

THIS_PAGE = "pages/5_Share.py"
# Pages a link is not for: this one, and the upload page (a link carries no data to it).
NOT_LINK_TARGETS = {THIS_PAGE, "pages/4_Your_data.py"}
REPORT_LABEL = "Download the report (HTML)"
PREDICTIONS_LABEL = "Download the predictions (CSV)"


def link_section(scenario: Scenario) -> None:
    """The link that reopens this view on a page of choice, and what it cannot carry."""
    params = state.link_params(scenario)
    entry = saved.entry_of(scenario)
    if entry is not None:  # never hand out the session's own token: it may be an editor's
        params.pop(links.POC, None)
        if entry.share_token:
            params[links.POC] = entry.share_token
    query = urlencode(params)
    pages = [(script, label) for script, label, _ in PAGES if script not in NOT_LINK_TARGETS]
    st.markdown("#### A link to this view")
    label = st.radio("The link opens", [label for _, label in pages], horizontal=True,
                     key="share_link_page", help="Every page of the app opens with the same view.")
    script = dict((name, path) for path, name in pages)[label]
    base = app_address()
    if base is not None:
        path = url_path(script)
        st.code(f"{base}/{path}?{query}" if path else f"{base}/?{query}", language=None, wrap_lines=True)
        st.caption("Point at it for a copy button. Whoever opens it sees this demo at this setting, with your "
                   "assumptions.")
    else:
        st.code(f"?{query}", language=None, wrap_lines=True)
        st.caption("Your browser did not tell the app its address, so here is the part that carries the view: "
                   "add it to the address of any page of the app.")
    if scenario.spec.key in state.uploads():
        st.warning("This demo was made from your uploaded file, which lives only in this session: the link "
                   "reopens it here, but nowhere else. To show it to someone, save it to the team workspace "
                   "below, or send the report or the predictions.", icon=":material/cloud_off:")
    if entry is not None and not entry.share_token:
        st.info("You opened this with an editor or reviewer link, which is not the one to send. The workspace "
                "keeps no copy of the viewer link: make a new one under \"Links: make, expire, revoke\" below, and "
                "this address will carry it.", icon=":material/key:")
    changed = links.economics_changes(scenario.spec.economics, state.economics(scenario))
    carries = (["the saved proof of concept's viewer token"] if params.get(links.POC) else []) + [
        "the demo", "the setting"] + (["the assumptions you changed"] if changed else []) + (
        ["the analyst switch"] if params.get(links.ANALYST) else [])
    st.info(
        f"A link carries {_join(carries)}, never data. A demo made from an uploaded file lives only in "
        "this session until it is saved to the team workspace; once saved, its viewer link opens it on any "
        "server of the team, for anyone who has the link.",
        icon=":material/link:",
    )


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


# --- the files -------------------------------------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=6)
def _report(demo_key: str, count: int, economics: Economics, charter: Charter, seed: int, refits: int,
            marks: tuple | None, saved_link: str | None, _scenario: Scenario, _stability: Stability | None) -> str:
    # Same-budget intervals and the top-k bootstrap come from the pages' own caches, so the
    # report's numbers are those the pages show. ``refits`` is in the key so that a report made
    # before the background refits finished is made again, with them, once they have.
    return report_html(
        _scenario, economics, count,
        comparison=state.same_budget_comparison(_scenario, economics),
        bootstrap=state.top_k_bootstrap(_scenario),
        best=state.best(_scenario, economics),
        stability=_stability,
        check=state.leak_check(_scenario),
        charter=charter,
        story_seed=seed,
        marks=marks,
        saved_link=saved_link,
    )


def stability_if_ready(scenario: Scenario, economics: Economics) -> Stability | None:
    """The model's gain across refits when the pitch page's background refits have finished."""
    from ui.frame.stability import finished_stability

    return finished_stability(scenario, economics)


@st.cache_data(show_spinner=False, max_entries=6)
def _predictions(demo_key: str, count: int, _scenario: Scenario) -> bytes:
    return predictions_csv(_scenario, count)


def report_bytes(scenario: Scenario, economics: Economics, count: int, charter: Charter, seed: int = 0) -> bytes:
    """The report as the button downloads it (cached per demo, setting, assumptions, ask and the
    seed of the examples, so it shows the four the Examples page and the presentation show)."""
    stability = stability_if_ready(scenario, economics)
    refits = 0 if stability is None else stability.repeats
    marks = saved.marks_of(scenario)
    return _report(state.cache_key(scenario), count, economics, charter, seed, refits,
                   None if marks is None else tuple(marks), viewer_link(scenario), scenario,
                   stability).encode("utf-8")


def viewer_link(scenario: Scenario) -> str | None:
    """The saved item's viewer link with this session's view, when the session knows a viewer
    token (never the session's own editor or reviewer token)."""
    entry = saved.entry_of(scenario)
    if entry is None or not entry.share_token:
        return None
    params = state.link_params(scenario)
    params[links.POC] = entry.share_token
    return page_address("app.py", params) or "?" + urlencode(params)


def downloads(scenario: Scenario, economics: Economics, count: int) -> None:
    """The report and the predictions of this demo at this setting and these assumptions."""
    spec, nouns = scenario.spec, scenario.spec.nouns
    charter, seed = state.charter(scenario), state.story_seed(scenario)
    outcome = scenario.sweep.outcome_at_count(count, economics)
    changed = links.economics_changes(spec.economics, economics)
    st.markdown("#### Files to send")
    readout = w.readout(spec, outcome, scenario.threshold_at(count))
    st.markdown(f"**{md(spec.title)}** at this setting, {readout[:1].lower() + readout[1:]}, with "
                + ("your assumptions." if changed else "the demo's own assumptions."))
    report_col, csv_col = st.columns(2)
    with report_col.container(border=True):
        st.download_button(
            REPORT_LABEL, lambda: report_bytes(scenario, economics, count, charter, seed),
            file_name=report_file_name(scenario, count), mime="text/html", icon=":material/description:",
            type="primary", key="share_report", on_click="ignore",
        )
        st.caption(
            "One file that opens in any browser, also offline, and reads as a business case: the question "
            f"and the answer, {scenario.baseline.name} against the model with 95% intervals, this setting's outcomes, the "
            f"money and gains charts, four {nouns.entities} the model got right or wrong, the assumptions, the "
            "ask (as edited on the pitch page) and the A/B test it needs, and the caveats. About 5 MB: the chart "
            "library is inside, so nothing is fetched from the internet."
        )
    with csv_col.container(border=True):
        st.download_button(
            PREDICTIONS_LABEL, lambda: _predictions(state.cache_key(scenario), count, scenario),
            file_name=f"{spec.key}-predictions-top-{count}.csv", mime="text/csv", icon=":material/table:",
            key="share_predictions", on_click="ignore",
        )
        st.caption(md(predictions_description(scenario), limit=1000) + " Cells that a spreadsheet would run as a "
                   "formula start with an apostrophe.")


MODEL_LABEL = "Download the fitted model (.skops)"


@st.cache_data(show_spinner=False, max_entries=4)
def _model_file(demo_key: str, _scenario: Scenario) -> bytes:
    return model_bytes(scoring_model_of(_scenario))


def model_download(scenario: Scenario) -> None:
    """The fitted model as a skops file, for a data team that scores where its data lives."""
    if scenario.model is None:
        return  # the team's own scores: its model is already where its data is
    spec = scenario.spec
    rule = "today's rule" if scenario.rule is not None else "no rule"
    st.markdown("#### For the data team: score where your data lives")
    with st.container(border=True):
        st.download_button(
            MODEL_LABEL, lambda: _model_file(state.cache_key(scenario), scenario),
            file_name=f"{spec.key}.skops", mime="application/octet-stream", icon=":material/model_training:",
            key="share_model", on_click="ignore",
        )
        st.caption(
            f"The {scenario.model.name} model fitted here, with its {len(scenario.model.features)} columns and "
            f"{rule}, as a skops file (stored "
            "as data, not pickle). Score a table of any size with it on Spark or Dask, or in chunks on one "
            "machine, and bring the scores back on Your data as your own scores: the same numbers as here, "
            "bit for bit."
        )
        st.code(f"proofdeck score {spec.key}.skops table.parquet -o scores.parquet --engine spark", language="bash")
