"""Leakage guard: columns that may only be known after the outcome.

Two signs, either is enough to flag a column (the page leaves it out by default, and the user
can put it back):

1. **Too good alone.** Each column on its own is turned into a score on the train rows (its
   outcome rate per value, or per one of up to 50 quantile bins of a number; missing is a
   value of its own, since "has a cancel date" is a classic leak) and measured on the held-out
   rows, split as the model splits them. A held-out AUC of 0.97 or more means that, for 97 of
   100 pairs of a positive and a negative row, this one column alone orders them right. Honest
   single columns of real business data rarely pass 0.85 (the best single column of each
   bundled demo is well below, see the tests), and whole models of good proofs of concept
   usually land at 0.75-0.90; a column this far above that almost always restates the
   outcome (a status, a close date, a refund). Rare but true exceptions can be put back.
2. **A telling name.** Words such as refund, chargeback, cancel, churn, outcome, result,
   closed, terminated, after, "days to", "end date", or a distinctive word shared with the
   outcome column's name ("converted_date" next to "converted_60d").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from proofdeck.data.sampling import stratified_sample
from proofdeck.model.training import holdout_split
from proofdeck.upload.profile import words_of

AUC_LIMIT = 0.97
MAX_ROWS = 200_000
MIN_HELDOUT_EACH = 10
_AFTER_WORDS = {
    "refund", "refunds", "refunded", "chargeback", "chargebacks", "cancel", "cancels", "cancelled",
    "canceled", "cancellation", "churn", "churned", "churns", "outcome", "outcomes", "result",
    "results", "closed", "terminated", "termination", "after", "post", "writeoff", "resolution",
    "resolved", "disputed", "dispute",
}
_AFTER_PAIRS = {("days", "to"), ("end", "date"), ("close", "date"), ("exit", "date"), ("status", "final"),
                ("final", "status"), ("status", "after"), ("written", "off"), ("charged", "back")}
_GENERIC = {"date", "days", "day", "month", "months", "year", "total", "count", "flag", "number", "value",
            "amount", "score", "rate", "type", "status", "customer", "user", "account", "last", "first"}


@dataclass(frozen=True)
class Leak:
    """A column flagged as possibly known only after the outcome.

    Attributes
    ----------
    column : the column.
    reason : a sentence for the page.
    auc : the column's held-out AUC on its own, when measured (None if not).
    by_name : flagged (also) because of its name.
    """

    column: str
    reason: str
    auc: float | None
    by_name: bool


def find_leaks(
    frame: pd.DataFrame,
    labels: np.ndarray,
    features: tuple[str, ...] | list[str],
    outcome_column: str | None = None,
    test_size: float = 0.3,
    seed: int = 42,
) -> tuple[Leak, ...]:
    """Flag the features that look known only after the outcome.

    Parameters
    ----------
    frame : rows aligned with ``labels`` (the rows that have an outcome); never modified.
    labels : True for the positive outcome.
    features : the columns to check.
    outcome_column : its name, to notice columns named like it.
    test_size, seed : the held-out split, as the model's (so it is the same split).

    Returns
    -------
    The flagged columns, most suspicious first.
    """
    labels = np.asarray(labels, dtype=bool)
    positions = np.arange(len(labels))
    if len(labels) > MAX_ROWS:
        positions = stratified_sample(labels, MAX_ROWS, seed)
    sub_labels = labels[positions]
    measurable = min(sub_labels.sum(), (~sub_labels).sum()) * test_size >= MIN_HELDOUT_EACH
    split = holdout_split(sub_labels, test_size, seed) if measurable else None
    leaks = []
    for name in features:
        named = name_reason(name, outcome_column)
        auc = None
        if split is not None:
            auc = single_column_auc(frame[name].iloc[positions], sub_labels, split.train, split.test)
        too_good = auc is not None and auc >= AUC_LIMIT
        if not (named or too_good):
            continue
        parts = []
        if too_good:
            parts.append(
                f"on its own it predicts the outcome almost perfectly on held-out rows "
                f"(right for {auc * 100:.0f} of 100 pairs)"
            )
        if named:
            parts.append(named)
        reason = "this column may only be known after the outcome: " + "; and ".join(parts)
        leaks.append(Leak(str(name), reason, auc, bool(named)))
    return tuple(sorted(leaks, key=lambda leak: -(leak.auc or 0.0)))


def name_reason(name: str, outcome_column: str | None = None) -> str | None:
    """Why a column's name suggests it is known only after the outcome, or None."""
    words = words_of(name)
    hits = [w for w in words if w in _AFTER_WORDS]
    if hits:
        return f"its name has '{hits[0]}'"
    pairs = set(zip(words, words[1:]))
    for pair in _AFTER_PAIRS:
        if pair in pairs:
            return f"its name has '{' '.join(pair)}'"
    if outcome_column:
        shared = [w for w in words if w in set(words_of(outcome_column)) and len(w) >= 4 and w not in _GENERIC]
        if shared and str(name) != str(outcome_column):
            return f"its name shares '{shared[0]}' with the outcome's"
    return None


def single_column_auc(values: pd.Series, labels: np.ndarray, train: np.ndarray, test: np.ndarray) -> float:
    """Held-out AUC of one column used alone (its train outcome rate per value or bin)."""
    codes = _bins(values, train)
    n_codes = int(codes.max()) + 1
    positives = np.bincount(codes[train], weights=labels[train], minlength=n_codes)
    totals = np.bincount(codes[train], minlength=n_codes)
    prior = labels[train].mean()
    rate = (positives + prior) / (totals + 1.0)  # one smoothing row: unseen values get the prior
    scores = rate[codes[test]]
    if np.unique(labels[test]).size < 2 or np.unique(scores).size < 2:
        return 0.5
    return float(roc_auc_score(labels[test], scores))


def _bins(values: pd.Series, train: np.ndarray) -> np.ndarray:
    """An integer code per row: quantile bins (numbers) or values (text); 0 is missing."""
    missing = values.isna().to_numpy()
    if pd.api.types.is_bool_dtype(values):
        values = values.astype(float)
    if pd.api.types.is_numeric_dtype(values):
        numbers = values.to_numpy(dtype=float, na_value=np.nan)
        fitted = numbers[train][~np.isnan(numbers[train])]
        if fitted.size == 0:
            return np.zeros(len(values), dtype=np.int64)
        edges = np.unique(np.quantile(fitted, np.linspace(0, 1, 51)[1:-1]))
        codes = np.searchsorted(edges, numbers, side="right") + 1
    else:
        # Values seen fewer than 5 times in training share one code, so rare ids do not count.
        text = values.astype(str).to_numpy()
        seen = pd.Series(text[train][~missing[train]]).value_counts()
        common = seen.index[seen >= 5]
        lookup = {value: index + 2 for index, value in enumerate(common)}
        codes = np.fromiter((lookup.get(v, 1) for v in text), dtype=np.int64, count=len(text))
    codes[missing] = 0
    return codes.astype(np.int64)
