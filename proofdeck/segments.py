"""Rule vs model per segment of a categorical column, at the same budget share."""

from __future__ import annotations

import numpy as np
import pandas as pd

from proofdeck.bootstrap import relative_change
from proofdeck.compare import top_k_flags
from proofdeck.outcomes import Totals, outcome_arrays
from proofdeck.spec import Economics

# --- by segment ----------------------------------------------------------------------------

MISSING_SEGMENT = "(missing)"


def segment_table(
    segment_values: pd.Series | np.ndarray,
    scores: np.ndarray,
    rule_flags: np.ndarray,
    labels: np.ndarray,
    values: np.ndarray,
    economics: Economics,
) -> pd.DataFrame:
    """Rule against model within each category of a column, at the rule's budget there.

    In a segment where the rule acts on K_s examples, the model acts on its top K_s by score
    *within that segment*, so each row is a same-budget comparison of its own.

    Parameters
    ----------
    segment_values : the category of each held-out example, aligned by position (a Series's
        index is ignored). Missing values form their own segment, ``"(missing)"``; other
        values are shown as text.
    scores, rule_flags, labels, values : held-out arrays.
    economics : scales counts to the population per period and prices the difference.

    Returns
    -------
    pandas.DataFrame
        One row per segment, largest first (ties by name), columns: ``segment``, ``heldout``
        (held-out examples, to judge how much to trust a row), then per period: ``examples``,
        ``positives``, ``rule_actions``, ``rule_reached``, ``model_reached``, ``extra_reached``
        (model minus rule), ``reached_change`` (relative, NaN when the rule reaches none) and
        ``extra_net`` (model minus rule in money; spend is equal at the same budget, so this
        is value won plus miss costs avoided).
    """
    series = pd.Series(segment_values).reset_index(drop=True)
    raw = series.to_numpy(dtype=object)
    missing = pd.isna(series).to_numpy()
    names = np.array(
        [MISSING_SEGMENT if gone else str(value) for value, gone in zip(raw, missing, strict=True)], dtype=object
    )
    scores = np.asarray(scores, dtype=float)
    rule_flags = np.asarray(rule_flags, dtype=bool)
    labels = np.asarray(labels, dtype=bool)
    values = np.asarray(values, dtype=float)
    if not (names.size == scores.size == rule_flags.size == labels.size == values.size):
        raise ValueError("segment values, scores, rule flags, labels and values must have the same length")
    scale = economics.scale_for(labels.size)
    totals = Totals.of(labels, values)
    rows = []
    for name in pd.unique(names):
        inside = np.flatnonzero(names == name)
        k = int(rule_flags[inside].sum())
        model_hits = inside[top_k_flags(scores[inside], k) & labels[inside]]
        rule_hits = inside[rule_flags[inside] & labels[inside]]
        # Both act on k here, so the difference in net value is the value won and the miss
        # costs avoided; outcome_arrays prices it with the whole held-out set's scale.
        net = outcome_arrays(
            np.array([k, k]),
            np.array([model_hits.size, rule_hits.size]),
            np.array([values[model_hits].sum(), values[rule_hits].sum()]),
            totals,
            economics,
        )["net_value"]
        rows.append(
            {
                "segment": name,
                "heldout": inside.size,
                "examples": inside.size * scale,
                "positives": labels[inside].sum() * scale,
                "rule_actions": k * scale,
                "rule_reached": rule_hits.size * scale,
                "model_reached": model_hits.size * scale,
                "extra_reached": (model_hits.size - rule_hits.size) * scale,
                "reached_change": float(relative_change(model_hits.size, rule_hits.size)),
                "extra_net": float(net[0] - net[1]),
            }
        )
    columns = [
        "segment", "heldout", "examples", "positives", "rule_actions", "rule_reached",
        "model_reached", "extra_reached", "reached_change", "extra_net",
    ]
    table = pd.DataFrame(rows, columns=columns)
    return table.sort_values(["heldout", "segment"], ascending=[False, True], kind="stable").reset_index(drop=True)
