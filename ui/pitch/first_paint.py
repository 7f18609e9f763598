"""The pitch's title and headline, drawn before anything heavy is imported.

A fresh server spends seconds importing scikit-learn, pandas and SciPy and fitting the model;
the headline needs none of it once the held-out results are cached on disk
(:mod:`proofdeck.model.results_cache`). So the pitch draws its first screen from here, with
numpy and Streamlit only, then imports the rest and draws the other parts as usual. When there
is nothing cached (the very first start), or the session asks for something the cache cannot
answer (an uploaded demo, a link with its own assumptions, the presentation), nothing is drawn
here and the page draws its headline the usual way.

Nothing in this module may import scikit-learn, pandas or plotly (a test checks it).
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from proofdeck.comparison.compare import SameBudget, how_sure_sentence, interval_text, same_budget
from proofdeck.data.spec import DemoSpec, Economics
from proofdeck.model.results_cache import HeldOutResults, cache_dir, load_results, results_key
from proofdeck.words import wording as w
from proofdeck.words.safe_text import md
from ui.frame.catalogue import ROOT, catalog

DEMO_STATE, ECONOMICS_STATE, ANALYST_STATE, PRESENT_STATE = "pd_demo", "pd_economics", "pd_analyst_view", "pd_present"
_LINK_APPLIED = "pd_link_applied"
# Query parameters the first paint can honour (anything else: the usual path applies the link).
_PLAIN_PARAMS = {"demo", "top"}
SHORT_NOUN = 14  # characters of a noun that fit beside a number in a metric at 1280 px


@dataclass
class Headline:
    """What the first paint drew: the demo, its comparison, and where later parts go."""

    spec: DemoSpec
    comparison: SameBudget
    stability_slot: object  # a container inside the headline box, for the refits' caption


@st.cache_data(show_spinner=False, max_entries=16)
def _comparison(key: str, economics: Economics, _results: HeldOutResults) -> SameBudget:
    r = _results
    return same_budget(r.scores, r.rule_flags, r.labels, r.values, economics)


def _wanted_demo() -> DemoSpec | None:
    specs = catalog().specs
    if not specs:
        return None
    key = st.query_params.get("demo") or st.session_state.get(DEMO_STATE)
    return specs.get(key) if key else next(iter(specs.values()))


def _plain_session() -> bool:
    """True when the view needs nothing the cache cannot answer."""
    if st.session_state.get(PRESENT_STATE) or st.query_params.get("mode"):
        return False
    fresh = not st.session_state.get(_LINK_APPLIED)
    return not (fresh and set(st.query_params.keys()) - _PLAIN_PARAMS)


def title(spec: DemoSpec) -> None:
    st.title(md(spec.question))
    st.caption(f"{md(spec.title)} · " + ("synthetic sample data" if spec.synthetic else "your data"))
    st.markdown(md(spec.description, limit=2000))


def headline_box(spec: DemoSpec, econ: Economics, comparison: SameBudget, n_heldout: int, analyst: bool,
                 against: w.Baseline = w.TODAYS_RULE, unseen_note: str = "") -> object:
    """Rule vs model at the same budget: the sentence, three figures, how sure. Returns the
    container where the stability caption goes (filled later: it needs the refits).

    ``against`` names the baseline (today's rule, or a random pick); ``unseen_note`` is the
    sentence for a team's own scores not known to be held out (said under the headline).
    """
    nouns = spec.nouns
    with st.container(border=True):
        st.subheader(w.same_budget_headline(spec, econ, comparison, against))
        if unseen_note:
            st.warning(md(unseen_note, limit=600), icon=":material/visibility:")
        left, middle, right = st.columns(3)
        average = " on average" if against.random else ""
        # A long noun ("customers with outcome yes") goes in the label: a metric's value is cut off.
        short = len(nouns.positives) <= SHORT_NOUN
        named = "" if short else f" ({nouns.positives})"
        after = f" {nouns.positives}" if short else ""
        left.metric(f"{against.title} reaches{average}{named}", f"{w.count(comparison.rule.reached)}{after}")
        middle.metric(
            f"The model reaches{named}",
            f"{w.count(comparison.model.reached)}{after}",
            delta=w.change(comparison.model.reached, comparison.rule.reached),
        )
        label, value, delta, color = w.headline_metric(spec, econ, comparison.rule, comparison.model, against)
        right.metric(label, value, delta=delta, delta_color=color)
        # The headline's own range under it: a range beside a figure is read as that figure's.
        right.caption("95% range: " + interval_text(comparison.headline_interval(spec.headline.figure), "money",
                                                    econ.currency))
        st.caption(
            how_sure_sentence(nouns.entities, nouns.positives, comparison, econ.currency,
                              spec.headline.figure == "net_value", against, headline=w.headline_of(spec))
            + " " + w.per_period(nouns, econ, n_heldout, never_saw=not unseen_note)
            + (f" ({comparison.resamples:,} bootstrap resamples.)" if analyst else "")
        )
        slot = st.container()
        st.caption(w.uplift_caveat(nouns, econ, against, spec.uplift))
    return slot


def pitch_first_paint() -> Headline | None:
    """Draw the pitch's title and headline from cached held-out results, when they answer."""
    if not _plain_session():
        return None
    spec = _wanted_demo()
    if spec is None:
        return None
    results = load_results(cache_dir(ROOT), spec.key, key := results_key(spec.path, spec.data_path))
    if results is None:
        return None
    st.set_page_config(page_title="The pitch · Proofdeck", page_icon="📊", layout="wide")
    econ = st.session_state.get(ECONOMICS_STATE, {}).get(spec.key, spec.economics)
    comparison = _comparison(f"{spec.key}@{key}", econ, results)
    title(spec)
    slot = headline_box(spec, econ, comparison, results.size, bool(st.session_state.get(ANALYST_STATE)))
    return Headline(spec, comparison, slot)
