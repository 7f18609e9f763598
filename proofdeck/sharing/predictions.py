"""The held-out predictions as a table and as CSV a spreadsheet opens safely.

One row per held-out example, highest score first: its id, the model's score and rank, whether
today's rule and the model (at a setting) act on it, and what happened. Ids and any text may come
from an upload, so the CSV goes through :func:`proofdeck.words.csv_safe.to_safe_csv` (no cell can
start a spreadsheet formula).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from proofdeck.model.scenario import Scenario
from proofdeck.words import wording as w
from proofdeck.words.csv_safe import to_safe_csv

COLUMNS = ("id", "score", "rank", "rule_acts", "model_acts", "outcome")


def predictions_frame(scenario: Scenario, count: int) -> pd.DataFrame:
    """The held-out examples with the rule's and the model's decisions and the outcome.

    Parameters
    ----------
    scenario : the fitted demo.
    count : how many held-out examples the model acts on (its top ones by score, ties broken
        by held-out position, as every page does); clipped to 0..held-out size.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`: ``id`` as in the data, ``score`` (0 to 1), ``rank`` (1 is the
        highest score; the model acts on ranks 1..count), ``rule_acts`` and ``model_acts``
        (1 acts, 0 does not), ``outcome`` (1 when the example has the outcome). Rows in rank
        order. Without a rule there is no ``rule_acts``: the model is compared with a random
        pick, which acts on no example in particular.
    """
    sweep = scenario.sweep
    ranks = np.empty(sweep.size, dtype=np.int64)
    ranks[sweep.order] = np.arange(1, sweep.size + 1)
    frame = pd.DataFrame({
        "id": scenario.ids.to_numpy(),
        "score": np.round(np.asarray(scenario.scores, dtype=float), 6),
        "rank": ranks,
        "rule_acts": scenario.rule_acts.astype(np.int8),
        "model_acts": scenario.flags_at(count).astype(np.int8),
        "outcome": np.asarray(scenario.labels, dtype=bool).astype(np.int8),
    })
    if scenario.baseline.random:
        frame = frame.drop(columns=["rule_acts"])
    return frame.iloc[sweep.order].reset_index(drop=True)


def predictions_csv(scenario: Scenario, count: int) -> bytes:
    """:func:`predictions_frame` as UTF-8 CSV bytes, formulas neutralised and text quoted."""
    return to_safe_csv(predictions_frame(scenario, count))


def predictions_description(scenario: Scenario) -> str:
    """What each column of the CSV holds, in the demo's words (one sentence per column)."""
    spec, nouns = scenario.spec, scenario.spec.nouns
    unseen = " the model never saw" if scenario.held_out_confirmed else ""
    if scenario.baseline.random:
        acts = (f"model_acts (1 = gets {w.a(nouns.action)} from the model at this setting; no rule was given, so "
                "there is no rule column)")
    else:
        acts = f"rule_acts and model_acts (1 = gets {w.a(nouns.action)} from today's rule or from the model at this setting)"
    return (
        f"One row per held-out {nouns.entity}{unseen}, highest {nouns.score} first: "
        f"id ({spec.label(spec.id_column)}), score (the model's {nouns.score}, 0 to 1), rank (1 is the "
        f"highest), {acts}, outcome (1 = {nouns.positive}: {nouns.positive_meaning})."
    )
