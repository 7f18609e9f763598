"""The report's caveats: what the figures rest on, what was checked, and what was not."""

from __future__ import annotations

import numpy as np

from proofdeck.comparison.compare import SameBudget
from proofdeck.comparison.stability import Stability
from proofdeck.data.spec import Economics
from proofdeck.model.scenario import Scenario
from proofdeck.upload.leakage import LeakCheck
from proofdeck.words import wording as w

FEW_POSITIVES = 100  # fewer held-out positives than this and every range is wide


def caveats(scenario: Scenario, econ: Economics, comparison: SameBudget, check: LeakCheck | None,
            stability: Stability | None) -> tuple[str, ...]:
    """The caveats in reading order, one sentence or a few each.

    ``check`` is what the leak guard checked and found (None for the business's own scores);
    ``stability`` the model's gain across refits, or None when it was not measured.
    """
    spec, nouns = scenario.spec, scenario.spec.nouns
    positives = int(np.asarray(scenario.labels, dtype=bool).sum())
    never_saw = " that the model never saw" if scenario.held_out_confirmed else ""
    items = [
        f"Every figure comes from {w.count(scenario.sweep.size)} held-out {nouns.entities} "
        f"({w.count(positives)} {nouns.positives}){never_saw}; the ranges are 95% intervals "
        "from redrawing them." + (f" With so few {nouns.positives} held out, every range is wide."
                                  if positives < FEW_POSITIVES else ""),
    ]
    if scenario.unseen_note:
        items.append(scenario.unseen_note)
    if econ.population > 0:
        items.append(f"Counts and money are scaled from them to {w.count(econ.population)} {nouns.entities} "
                     f"per {econ.period}.")
    if spec.synthetic:
        items.append("The data are synthetic, generated for this demo: they show how the case would be made, "
                     "and the business's own data will give other numbers.")
    if not scenario.refittable:
        items.append(f"The {nouns.score} comes from the business's own model: whether it used a column known only "
                     "after the outcome, or trained on these rows, cannot be checked here"
                     + (" beyond what is said above." if scenario.held_out_notes else "."))
    elif check is not None:
        features = scenario.dataset.features
        items.append("Columns known only after the outcome: " + check.findings(
            features, spec.known_before, nouns.action, spec.label))
        drivers = check.unconfirmed_sentence(features, spec.known_before, nouns.action, spec.label)
        if drivers:
            items.append(drivers)
    money_note = w.assumed_money(nouns, econ)
    if money_note:
        items.append(money_note)
    items.append(w.uplift_caveat(nouns, econ, scenario.baseline, spec.uplift))
    if stability is not None:
        items.append(stability.summary + " " + stability.compared_with(comparison.extra_net))
    elif not scenario.refittable:
        items.append(w.no_refits_sentence(nouns))
    else:
        items.append("The model was trained on one split of the data; how much its gain moves when other rows "
                     "are tested (and trained on) was not measured for this report.")
    typos = 0 if scenario.rule is None else len(scenario.rule.literal_warnings(scenario.dataset.frame))
    if typos:
        items.append(f"Today's rule compares {typos} column(s) with text that never occurs in the data (a likely "
                     "typo), so that part of the rule never matches.")
    return tuple(items)
