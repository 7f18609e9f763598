"""The vocabulary table of DESIGN.md, filled in with a demo's nouns."""

from __future__ import annotations

from dataclasses import dataclass

from proofdeck.data.spec import Nouns
from proofdeck.words import wording as w


@dataclass(frozen=True)
class Entry:
    phrase: str
    meaning: str
    technical: str


def glossary(nouns: Nouns, cost_per_won_label: str) -> list[Entry]:
    """Business phrase, what it means in this demo, and the technical term behind it."""
    n = nouns
    return [
        Entry(n.positives, f"{n.entities} who {n.positive_meaning}", "positive class"),
        Entry(n.actions, f"the {n.entities} we {n.act}", "predicted positives"),
        Entry(f"{n.positives} reached", f"{n.positives} {w.who(n.positives)} get {w.a(n.action)}", "true positives"),
        Entry(f"unneeded {n.actions}", f"{n.actions} to {n.entities} {w.who(n.entities)} are not {n.positives}", "false positives"),
        Entry(f"{n.positives} missed", f"{n.positives} {w.who(n.positives)} get no {n.action}", "false negatives"),
        Entry("left alone", f"{n.entities} {w.who(n.entities)} are not {n.positives} and get nothing", "true negatives"),
        Entry("hit rate", f"of the {n.actions} sent, the share that reach an actual {n.positive}", "precision"),
        Entry("coverage", f"of all {n.positives}, the share we reach", "recall"),
        Entry(f"{n.score} cut-off", f"the lowest {n.score} that still gets {w.a(n.action)}", "decision threshold"),
        Entry("workload", f"the share of {n.entities} {w.who(n.entities)} get {w.a(n.action)}", "queue rate"),
        Entry("net value", "value won, minus spend and the cost of misses", "expected profit"),
        Entry(cost_per_won_label, f"spend divided by {n.won_plural}", "cost per acquisition (CAC)"),
        Entry("held-out", f"{n.entities} the model never saw while learning", "test set"),
        Entry("other test groups",
              f"the {n.entities} cut into 5 parts, twice over; each part is tested by a model trained on the "
              f"other 4, so in each round every one of them is tested once and no two groups share any. How "
              f"much the gain moves across them is the luck of the split and of the training, on groups of "
              f"a fifth of the {n.entities} (none is the page's own held-out split)",
              "repeated stratified 5-fold cross-validation (2 repeats)"),
        Entry("held back", f"in the test that settles the money, the half of the {n.entities} the model picks that get "
              f"no {n.action}, to see what the {n.action} changes", "control group (randomised controlled trial)"),
        Entry("power", "the chance that a test of that size shows the difference, if it is as large as assumed",
              "statistical power (1 - type II error)"),
        Entry("significance", "the chance that a test shows a difference where there is none", "type I error rate (alpha)"),
        Entry("95% interval",
              "a range worked out so that, for held-out samples like this one, about 95 in 100 such ranges "
              "hold the true figure: it counts the luck of which examples were held out, not whether the money "
              "assumptions are right (the ask's wider range counts those too)",
              "bootstrap confidence interval (studentized for money)"),
        Entry("with the money assumptions' ranges",
              "the same range when each money assumption may also be anywhere from its low to its high "
              "figure, most likely near the one assumed", "Monte Carlo over a triangular prior on each assumption"),
    ]
