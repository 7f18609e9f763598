"""How much the figures depend on the one split and seed: refits in the background.

Refitting the model on ten other splits takes seconds (tens of seconds on a busy machine), so
it never blocks a page: the first page that asks starts it on a single background worker shared
by every session, shows that it is under way, and polls until the answer is there. The answer
is cached per demo, so every viewer after the first sees it at once.
"""

from __future__ import annotations

import logging
import os
from concurrent.futures import Future, ThreadPoolExecutor

import streamlit as st

from proofdeck.comparison.stability import repeated_fits, stability_of
from proofdeck.decisions.bootstrap import Interval
from proofdeck.model.scenario import Scenario
from proofdeck.words import wording as w
from ui.frame import state

LOG = logging.getLogger("proofdeck")
POLL_SECONDS = 2.0
REFITS_ENV = "PROOFDECK_REFITS"  # how many refits (default 10); 0 turns the check off
DEFAULT_REFITS = 10
# Above this many rows each refit trains on a sample (every positive kept), so ten refits of a
# big upload stay within a minute; the caption's figures then describe that cheaper model.
STABILITY_MAX_TRAIN_ROWS = 100_000


@st.cache_resource(show_spinner=False)
def _worker() -> ThreadPoolExecutor:
    # One worker: refits queue up instead of fighting each other (and the viewers) for cores.
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="proofdeck-refits")


def refits_wanted() -> int:
    try:
        return max(int(os.environ.get(REFITS_ENV, DEFAULT_REFITS)), 0)
    except ValueError:
        return DEFAULT_REFITS


@st.cache_resource(show_spinner=False, max_entries=8)
def _refits(demo_key: str, repeats: int, _scenario: Scenario) -> Future:
    sc = _scenario
    big = len(sc.dataset.frame) > STABILITY_MAX_TRAIN_ROWS
    return _worker().submit(repeated_fits, sc.spec, sc.dataset, repeats=repeats,
                            max_train_rows=STABILITY_MAX_TRAIN_ROWS if big else None)


def finished_stability(scenario: Scenario, economics):
    """The model's gain across refits once the background refits have finished (None while
    they run, when they are off, or for the user's own scores, which cannot be refitted)."""
    repeats = refits_wanted()
    if scenario.own_scores or repeats == 0:
        return None
    job = _refits(state.cache_key(scenario), repeats, scenario)
    if not job.done():
        return None
    try:
        return stability_of(job.result(), economics)
    except Exception:  # the pitch page logs the failure; callers say it was not measured
        return None


def stability_caption(scenario: Scenario, interval: Interval) -> None:
    """A caption beside the bootstrap interval of the extra net value: how it moves across
    ten other splits and seeds (or that this is being checked). Scores from the team's own
    model are never refitted: the caption says so instead."""
    if scenario.own_scores:
        st.caption(f":material/info: {w.no_refits_sentence(scenario.spec.nouns)}")
        return
    repeats = refits_wanted()
    if repeats == 0:
        return
    job = _refits(state.cache_key(scenario), repeats, scenario)
    done_before = job.done()

    def body() -> None:
        if not job.done():
            st.caption(":material/hourglass_top: Checking how much this depends on the one split of the "
                       f"data: training and testing the model again on {repeats} other splits...")
            return
        if not done_before:
            st.rerun(scope="app")  # the answer arrived: stop polling, draw it with the page
        try:
            stability = stability_of(job.result(), state.economics(scenario))
        except Exception:
            LOG.exception("refits of %s failed", scenario.spec.key)
            st.caption("How much this depends on the split could not be checked; see the server log.")
            return
        st.caption(f":material/autorenew: {_sentence(stability, interval)}")

    st.fragment(run_every=None if done_before else POLL_SECONDS)(body)()


def _sentence(stability, interval: Interval) -> str:
    """Short: the range across refits, how often the model won, and how it compares with the
    bootstrap (the full sentences are in proofdeck.comparison.stability)."""
    econ, net = stability.economics, stability.net
    per = w.period_suffix(econ)
    boot_sd = (interval.high - interval.low) / 3.92
    ratio = net.sd / boot_sd if boot_sd > 0 else float("inf")
    spread = ("less than" if ratio < 0.5 else "about as much as" if ratio <= 2 else "more than")
    return (
        f"Trained and tested again on {stability.repeats} other splits of the data, the extra net value "
        f"ranged from {w.money(net.low, econ.currency, signed=True)} to {w.money(net.high, econ.currency, signed=True)}{per}, "
        f"ahead of the rule in {stability.model_wins} of {stability.repeats}: {spread} the held-out sample's own uncertainty."
    )
