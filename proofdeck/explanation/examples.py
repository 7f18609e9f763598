"""The held-out examples as a table a product manager can read, and its filters."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from proofdeck.data.spec import Nouns
from proofdeck.model.scenario import Scenario
from proofdeck.words import wording as w

ID, SCORE, MODEL, RULE, ACTUAL, OUTCOME, POSITION = (
    "id", "score", "model", "rule", "actual", "outcome", "position",
)


def outcome_label(nouns: Nouns, acted: bool, positive: bool) -> str:
    """The business outcome of one example: "churner reached", "unneeded retention offer"..."""
    if acted:
        return f"{nouns.positive} reached" if positive else f"unneeded {nouns.action}"
    return f"{nouns.positive} missed" if positive else "left alone"


def outcome_labels(nouns: Nouns) -> list[str]:
    """All four outcome labels, in the 2x2's reading order."""
    return [outcome_label(nouns, a, p) for a, p in ((True, True), (True, False), (False, True), (False, False))]


def examples_frame(scenario: Scenario, model_flags: np.ndarray, columns: list[str]) -> pd.DataFrame:
    """One row per held-out example: id, score, both decisions, what happened, and some columns.

    ``model_flags`` are the model's decisions at the page's setting; ``position`` is the
    example's index into the scenario's held-out arrays. Without a rule there is no rule
    column: a random pick acts on no example in particular, so none is shown as picked.
    """
    nouns = scenario.spec.nouns
    acted = np.asarray(model_flags, dtype=bool)
    frame = pd.DataFrame(
        {
            ID: scenario.ids.astype(str).to_numpy(),
            SCORE: scenario.scores,
            MODEL: acted,
            RULE: scenario.rule_acts,
            ACTUAL: scenario.labels,
            OUTCOME: [outcome_label(nouns, a, p) for a, p in zip(acted, scenario.labels)],
            POSITION: np.arange(len(scenario.scores)),
        }
    )
    if scenario.baseline.random:
        frame = frame.drop(columns=[RULE])
    for column in columns:
        frame[column] = scenario.heldout[column].to_numpy()
    return frame


@dataclass(frozen=True)
class ExampleFilter:
    """What the user narrowed the table to; empty means "everything"."""

    outcomes: tuple[str, ...] = ()
    disagree_only: bool = False
    score_range: tuple[float, float] = (0.0, 1.0)
    search: str = ""


def filter_examples(frame: pd.DataFrame, rules: ExampleFilter) -> pd.DataFrame:
    """The rows matching every filter, highest score first."""
    keep = frame[SCORE].between(*rules.score_range)
    if rules.outcomes:
        keep &= frame[OUTCOME].isin(rules.outcomes)
    if rules.disagree_only and RULE in frame:
        keep &= frame[MODEL] != frame[RULE]
    if rules.search.strip():
        keep &= frame[ID].str.contains(rules.search.strip(), case=False, regex=False)
    return frame.loc[keep].sort_values(SCORE, ascending=False, kind="stable")


def unique_headings(names: list[str]) -> list[str]:
    """Table headings made unique: a repeated one gets " (2)", " (3)"... (a column labelled
    "Outcome" must not clash with the table's own "Outcome")."""
    seen: dict[str, int] = {}
    result = []
    for name in names:
        heading, number = name, seen.get(name, 0)
        while heading in seen:
            number += 1
            heading = f"{name} ({number + 1})"
        seen[name] = number
        seen[heading] = seen.get(heading, 0)
        result.append(heading)
    return result


def readable_table(frame: pd.DataFrame, spec, columns: list[str]) -> pd.DataFrame:
    """The examples frame with headings in the demo's words (the score second), no position."""
    nouns = spec.nouns
    names = {
        ID: spec.label(spec.id_column), SCORE: nouns.score[:1].upper() + nouns.score[1:],
        MODEL: f"Model: {nouns.action}?", RULE: f"Rule: {nouns.action}?",
        ACTUAL: f"Actually {w.a(nouns.positive)}?", OUTCOME: "Outcome",
        **{column: spec.label(column) for column in columns},
    }
    shown = frame.drop(columns=[POSITION])
    shown.columns = unique_headings([names.get(column, str(column)) for column in shown.columns])
    return shown
