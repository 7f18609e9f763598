"""Rule vs model per segment of a categorical column, at the same overall budget.

Both policies act on the same number of examples in total (the rule's flags, the model's top
K); the table shows where each one spends its actions and whom it reaches in every segment,
so it says where the model helps most and where it does not.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from proofdeck.comparison.compare import top_k_flags
from proofdeck.data.spec import Economics
from proofdeck.decisions.bootstrap import relative_change
from proofdeck.decisions.outcomes import Totals, outcome_arrays, policy_size, policy_weights

MISSING_SEGMENT = "(missing)"
COLUMNS = [
    "segment", "heldout", "examples", "positives", "rule_actions", "model_actions", "rule_reached",
    "model_reached", "extra_reached", "reached_change", "extra_net",
]


def segment_names(segment_values: pd.Series | np.ndarray) -> np.ndarray:
    """Each example's segment as text; missing values form their own "(missing)" segment."""
    series = pd.Series(segment_values).reset_index(drop=True)
    missing = pd.isna(series).to_numpy()
    raw = series.to_numpy(dtype=object)
    return np.array([MISSING_SEGMENT if gone else str(v) for v, gone in zip(raw, missing, strict=True)], dtype=object)


def segment_table(
    segment_values: pd.Series | np.ndarray,
    scores: np.ndarray,
    rule_flags: np.ndarray,
    labels: np.ndarray,
    values: np.ndarray,
    economics: Economics,
) -> pd.DataFrame:
    """Rule against the model's top K (K = the rule's actions), broken down by segment.

    Parameters
    ----------
    segment_values : the category of each held-out example, aligned by position (a Series's
        index is ignored).
    scores, rule_flags, labels, values : held-out arrays.
    economics : scales counts to the population per period and prices the difference.

    Returns
    -------
    pandas.DataFrame
        One row per segment, largest first (ties by name): ``segment``, ``heldout`` (held-out
        examples, to judge how far to trust a row), then per period: ``examples``,
        ``positives``, ``rule_actions``, ``model_actions``, ``rule_reached``,
        ``model_reached``, ``extra_reached`` (model minus rule), ``reached_change`` (relative,
        NaN when the rule reaches none there) and ``extra_net`` (model minus rule in money
        within the segment; the fixed cost is a whole-programme cost and is left out).
    """
    names = segment_names(segment_values)
    scores = np.asarray(scores, dtype=float)
    # A random pick's weights spread its actions over the segments as it does on average.
    rule_weights = policy_weights(rule_flags)
    labels = np.asarray(labels, dtype=bool)
    values = np.asarray(values, dtype=float)
    if not (names.size == scores.size == rule_weights.size == labels.size == values.size):
        raise ValueError("segment values, scores, rule flags, labels and values must have the same length")
    model_flags = top_k_flags(scores, policy_size(rule_weights))
    scale = economics.scale_for(labels.size)
    totals = Totals.of(labels, values)
    no_fixed = replace(economics, fixed_cost=0.0)
    rows = []
    for name in pd.unique(names):
        inside = names == name
        model_hits, rule_hits = model_flags & labels & inside, rule_weights * (labels & inside)
        model_reached, rule_reached = float(model_hits.sum()), float(rule_hits.sum())
        actions = np.array([(model_flags & inside).sum(), (rule_weights * inside).sum()])
        net = outcome_arrays(
            actions,
            np.array([model_reached, rule_reached]),
            np.array([values[model_hits].sum(), (rule_hits * values).sum()]),
            totals,
            no_fixed,
        )["net_value"]
        rows.append({
            "segment": name,
            "heldout": int(inside.sum()),
            "examples": inside.sum() * scale,
            "positives": (labels & inside).sum() * scale,
            "rule_actions": actions[1] * scale,
            "model_actions": actions[0] * scale,
            "rule_reached": rule_reached * scale,
            "model_reached": model_reached * scale,
            "extra_reached": (model_reached - rule_reached) * scale,
            "reached_change": float(relative_change(model_reached, rule_reached)),
            "extra_net": float(net[0] - net[1]),
        })
    table = pd.DataFrame(rows, columns=COLUMNS)
    return table.sort_values(["heldout", "segment"], ascending=[False, True], kind="stable").reset_index(drop=True)
