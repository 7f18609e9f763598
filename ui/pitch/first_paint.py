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

import sys
import threading
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass

import streamlit as st

from proofdeck.comparison.compare import SameBudget, how_sure_sentence, interval_text, same_budget
from proofdeck.data.spec import DemoSpec, Economics
from proofdeck.decisions.outcomes import Outcome
from proofdeck.model.results_cache import HeldOutResults, cache_dir, load_results, results_key
from proofdeck.words import wording as w
from proofdeck.words.safe_text import md
from ui.frame.catalogue import ROOT, catalog

DEMO_STATE, ECONOMICS_STATE, ANALYST_STATE, PRESENT_STATE = "pd_demo", "pd_economics", "pd_analyst_view", "pd_present"
_LINK_APPLIED = "pd_link_applied"
# Query parameters the first paint can honour (anything else: the usual path applies the link).
_PLAIN_PARAMS = {"demo", "top"}
SHORT_NOUN = 14  # characters of a noun that fit beside a number in a metric at 1280 px
ROOM_WAIT_S = 2.0  # the longest the rest of a page waits for other sessions' first screens


class FirstPaints:
    """The sessions drawing their first screen right now, so that a room of viewers opening
    the pitch at once all see their headline before any of them draws the rest of the page.

    A server runs every session's script in one process, one at a time in effect (Python's
    lock), so without this the last viewer's headline waits behind the earlier viewers' whole
    pages. With it the rest of a page waits (at most ``ROOM_WAIT_S``) while another session is
    still painting; a lone viewer never waits.
    """

    def __init__(self) -> None:
        self._painting = 0
        self._changed = threading.Condition()

    @contextmanager
    def painting(self):
        with self._changed:
            self._painting += 1
        try:
            yield
        finally:
            with self._changed:
                self._painting -= 1
                self._changed.notify_all()

    def wait_for_others(self, timeout: float = ROOM_WAIT_S) -> bool:
        """Wait until no session is painting; False when the wait ran out first."""
        with self._changed:
            return self._changed.wait_for(lambda: self._painting == 0, timeout)


FIRST_PAINTS = FirstPaints()  # one per server process: the module is imported once


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


def headline_box(spec: DemoSpec, econ: Economics, comparison: SameBudget | Callable[[], SameBudget],
                 n_heldout: int, analyst: bool, against: w.Baseline = w.TODAYS_RULE, unseen_note: str = "",
                 points: tuple[Outcome, Outcome] | None = None) -> tuple[object, SameBudget]:
    """Rule vs model at the same budget: the sentence, three figures, how sure. Returns the
    container where the stability caption goes (filled later: it needs the refits) and the
    comparison.

    ``comparison`` is the comparison, or a function that computes it (its bootstrap takes a
    moment on a fresh server): then the three figures are drawn first from ``points`` (the
    rule's and the model's outcomes, :func:`~proofdeck.comparison.compare.same_budget_points`),
    and the sentence and how sure we are fill in once the intervals exist.
    ``against`` names the baseline (today's rule, or a random pick); ``unseen_note`` is the
    sentence for a team's own scores not known to be held out (said under the headline).
    """
    nouns = spec.nouns
    with st.container(border=True):
        sentence = st.empty()
        if unseen_note:
            st.warning(md(unseen_note, limit=600), icon=":material/visibility:")
        if points is None:  # nothing to show before the comparison: compute it now
            comparison = comparison() if callable(comparison) else comparison
            points = comparison.rule, comparison.model
        rule, model = points
        left, middle, right = st.columns(3)
        average = " on average" if against.random else ""
        # A long noun ("customers with outcome yes") goes in the label: a metric's value is cut off.
        short = len(nouns.positives) <= SHORT_NOUN
        named = "" if short else f" ({nouns.positives})"
        after = f" {nouns.positives}" if short else ""
        left.metric(f"{against.title} reaches{average}{named}", f"{w.count(rule.reached)}{after}")
        middle.metric(f"The model reaches{named}", f"{w.count(model.reached)}{after}",
                      delta=w.change(model.reached, rule.reached))
        label, value, delta, color = w.headline_metric(spec, econ, rule, model, against)
        right.metric(label, value, delta=delta, delta_color=color)
        headline_range = right.empty()
        how_sure = st.empty()
        if callable(comparison):
            waiting = MEASURING.format(entities=nouns.entities, n=n_heldout)
            sentence.markdown(f"##### {waiting}")
            how_sure.caption(f":material/hourglass_top: {waiting}")
            comparison = comparison()
        sentence.subheader(w.same_budget_headline(spec, econ, comparison, against))
        # The headline's own range under it: a range beside a figure is read as that figure's.
        headline_range.caption("95% range: " + interval_text(comparison.headline_interval(spec.headline.figure),
                                                             "money", econ.currency))
        how_sure.caption(
            how_sure_sentence(nouns.entities, nouns.positives, comparison, econ.currency,
                              spec.headline.figure == "net_value", against, headline=w.headline_of(spec))
            + " " + w.per_period(nouns, econ, n_heldout, never_saw=not unseen_note)
            + (f" ({comparison.resamples:,} bootstrap resamples.)" if analyst else "")
        )
        slot = st.container()
        st.caption(w.uplift_caveat(nouns, econ, against, spec.uplift))
    return slot, comparison


# What the headline says while its intervals are measured (the figures are already shown).
MEASURING = "Measuring how sure these figures are, on the {n:,} {entities} the model never saw..."


class Progress:
    """A first visitor's wait, in words: one box under the page's title saying what is being
    done, step by step. Cleared once the first figures are drawn."""

    def __init__(self, spec: DemoSpec, steps: int = 3) -> None:
        self.spec, self.steps, self._box = spec, steps, None
        self._slot = st.empty()

    def step(self, number: int, text: str) -> None:
        """Say what is being done now: "Training the model on 7,043 customers... (step 2 of 3)"."""
        label = f"{text} (step {number} of {self.steps})"
        if self._box is None:
            self._box = self._slot.status(label, expanded=True)
        else:
            self._box.update(label=label, expanded=True)
        self._box.caption(label)

    def done(self) -> None:
        self._slot.empty()


def first_visit_progress() -> Progress | None:
    """On a fresh server, before the heavy imports: a box saying what the first visitor waits
    for (None when the analysis tools are loaded already: nothing slow is left to announce but
    a fit, which :func:`ui.frame.state.scenario_for` announces itself)."""
    if "sklearn" in sys.modules or not _plain_session():
        return None
    spec = _wanted_demo()
    if spec is None:
        return None
    st.set_page_config(page_title="The pitch · Proofdeck", page_icon="📊", layout="wide")
    title(spec)  # the question first: it needs nothing but the spec
    progress = Progress(spec)
    progress.step(1, f"Loading the analysis tools for {md(spec.title)}...")
    return progress


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
    slot, _ = headline_box(spec, econ, comparison, results.size, bool(st.session_state.get(ANALYST_STATE)))
    return Headline(spec, comparison, slot)
