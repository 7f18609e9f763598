"""How much the figures depend on the one split and seed: refits in the background.

Refitting the model on ten other test groups (the rows cut into five parts, twice over; see
proofdeck.comparison.stability) takes seconds (tens of seconds on a busy machine), so
it never blocks a page: the first page that asks starts it on a single background worker shared
by every session, shows that it is under way, and polls until the answer is there. The answer
is cached per demo, so every viewer after the first sees it at once.
"""

from __future__ import annotations

import logging
import os
from concurrent.futures import Future, ThreadPoolExecutor

import streamlit as st

from proofdeck.comparison.stability import DEFAULT_FITS, fold_plan, repeated_fits, stability_of
from proofdeck.decisions.bootstrap import Interval
from proofdeck.model.scenario import Scenario
from proofdeck.words import wording as w
from ui.frame import state

LOG = logging.getLogger("proofdeck")
POLL_SECONDS = 2.0
REFITS_ENV = "PROOFDECK_REFITS"  # about how many refits (default 10: 5 folds x 2); 0 turns the check off
DEFAULT_REFITS = DEFAULT_FITS
# Above this many rows each refit trains on a sample (every positive kept), so ten refits of a
# big upload stay within a minute; the caption's figures then describe that cheaper model. (The
# fraud demo's folds train on 100,000 of their 140,000 rows: about the page's own 96,250.)
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
    folds, rounds = fold_plan(repeats)
    return _worker().submit(repeated_fits, sc.spec, sc.dataset, folds=folds, rounds=rounds,
                            max_train_rows=STABILITY_MAX_TRAIN_ROWS if big else None)


def finished_stability(scenario: Scenario, economics):
    """The model's gain across refits once the background refits have finished (None while
    they run, when they are off, or for the user's own scores, which cannot be refitted)."""
    repeats = refits_wanted()
    if not scenario.refittable or repeats == 0:
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
    ten other, disjoint test groups (or that this is being checked). Scores from the team's own
    model are never refitted: the caption says so instead."""
    if not scenario.refittable:
        st.caption(f":material/info: {w.no_refits_sentence(scenario.spec.nouns)}")
        return
    repeats = refits_wanted()
    if repeats == 0:
        return
    job = _refits(state.cache_key(scenario), repeats, scenario)
    done_before = job.done()

    def body() -> None:
        if not job.done():
            folds, rounds = fold_plan(repeats)
            st.caption(":material/hourglass_top: Checking how much this depends on the one split of the "
                       f"data: training and testing the model again on {folds * rounds} other test groups "
                       f"({folds} parts of the data, each tested once by a model trained on the rest)...")
            return
        if not done_before:
            st.rerun(scope="app")  # the answer arrived: stop polling, draw it with the page
        try:
            stability = stability_of(job.result(), state.economics(scenario))
        except Exception:
            LOG.exception("refits of %s failed", scenario.spec.key)
            st.caption("How much this depends on the split could not be checked; see the server log.")
            return
        st.caption(f":material/autorenew: {stability.caption(interval)}")

    st.fragment(run_every=None if done_before else POLL_SECONDS)(body)()

