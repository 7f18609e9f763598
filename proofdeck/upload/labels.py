"""The outcome of an uploaded table as yes/no labels, or a clear reason why it cannot be one.

Why a minimum number of positives: every figure on the pages is counted on the held-out rows
(30% by default). With fewer than about 20 positives there, a count such as "reaches 12 of
15 churners" moves by several with the luck of the split, and the 95% intervals span most of
the scale. So an outcome needs at least ``ceil(20 / test_size)`` positives (67 at 30% held
out), and as many negatives, before anything is trained.

Rows whose outcome is missing (empty, or only spaces) are left out and counted; the user's
frame is never changed. Values match as :func:`proofdeck.data.datasets.positive_mask` matches them
(ignoring case and surrounding spaces; "1" matches 1.0), so the labels here are the labels a
demo built from the same file gets.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from proofdeck.data.datasets import positive_mask
from proofdeck.data.delimited import DataError
from proofdeck.upload.profile import YES_NO, Profile, words_of

# Words in a column name that say "this is what happened" (the outcome to find).
OUTCOME_WORDS = {"label", "actual", "outcome", "target", "y", "truth", "churn", "churned", "fraud",
                 "fraudulent", "converted", "conversion", "result", "class", "default", "defaulted",
                 "cancelled", "canceled", "exited", "left", "attrition", "bought", "purchased", "won",
                 "responded", "response", "clicked"}
MAX_OUTCOME_VALUES = 50

MIN_HELDOUT_POSITIVES = 20
DEFAULT_TEST_SIZE = 0.3
POSITIVE_WORDS = (
    "yes", "y", "true", "t", "1", "churned", "churn", "left", "cancelled", "canceled", "fraud",
    "won", "win", "converted", "bought", "positive", "bad", "default", "defaulted", "late", "failed",
)


def min_positives(test_size: float = DEFAULT_TEST_SIZE) -> int:
    """Positives (and negatives) needed so the held-out rows hold about 20 of them."""
    return math.ceil(MIN_HELDOUT_POSITIVES / test_size)


@dataclass(frozen=True)
class OutcomeChoice:
    """What a column offers as an outcome, for the page's "which values count" control.

    Attributes
    ----------
    values, counts : the distinct values as text, most common first, and how many rows each.
    suggested : the values likely meant as the outcome to find (may be empty).
    needs_choice : more than two values, so the page must ask which count as positive.
    missing : rows with no outcome (empty or only spaces).
    """

    column: str
    values: tuple[str, ...]
    counts: tuple[int, ...]
    suggested: tuple[str, ...]
    needs_choice: bool
    missing: int


@dataclass(frozen=True)
class Outcome:
    """Yes/no labels for the rows that have an outcome.

    Attributes
    ----------
    rows : positions (``frame.iloc``) of the rows with an outcome; ``labels`` aligns with them.
    labels : True where the row has one of the positive values.
    dropped : rows left out because their outcome was missing.
    """

    column: str
    positives: tuple[str, ...]
    rows: np.ndarray
    labels: np.ndarray
    dropped: int

    @property
    def n_positive(self) -> int:
        return int(self.labels.sum())

    @property
    def n_negative(self) -> int:
        return int(len(self.labels) - self.labels.sum())

    @property
    def sentence(self) -> str:
        """E.g. "1,869 of 7,043 rows (26.5%) are Yes; 11 rows have no outcome and are left out."."""
        n = len(self.labels)
        which = " or ".join(f'"{v}"' for v in self.positives)
        text = f"{self.n_positive:,} of {n:,} rows ({self.n_positive / n:.1%}) are {which}"
        if self.dropped:
            rows = "row has" if self.dropped == 1 else "rows have"
            text += f"; {self.dropped:,} {rows} no outcome and {'is' if self.dropped == 1 else 'are'} left out"
        return text + "."


def outcome_missing(series: pd.Series) -> pd.Series:
    """True where an outcome is missing: empty, or text holding only spaces."""
    missing = series.isna()
    if not pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        missing |= series.astype("string").str.strip().eq("").fillna(True).astype(bool)
    return missing


def outcome_choice(frame: pd.DataFrame, column: str) -> OutcomeChoice:
    """Describe a column as a candidate outcome (its values, a suggested positive value).

    Raises
    ------
    DataError
        When the column is not in the frame.
    """
    _require(frame, column)
    series = frame[column]
    missing = outcome_missing(series)
    counts = _value_counts(series[~missing])
    values = tuple(counts.index)
    lowered = {v: v.strip().lower() for v in values}
    if len(values) == 2:
        named = [v for v in values if lowered[v] in POSITIVE_WORDS]
        suggested = (named[0],) if len(named) == 1 else (values[-1],)  # else the rarer value
    else:
        suggested = tuple(v for v in values if lowered[v] in POSITIVE_WORDS)[:1]
    return OutcomeChoice(
        column, values, tuple(int(c) for c in counts.to_numpy()), suggested, len(values) > 2, int(missing.sum())
    )


def build_outcome(
    frame: pd.DataFrame,
    column: str,
    positives: Sequence[str] | str | None = None,
    test_size: float = DEFAULT_TEST_SIZE,
) -> Outcome:
    """Turn a column into yes/no labels, refusing an outcome that cannot be evaluated.

    Parameters
    ----------
    frame : the table; never modified.
    column : the outcome column.
    positives : the values that count as the outcome to find; may be left out when the
        column has two values and one of them is a usual spelling (yes, true, 1, churned...).
    test_size : share of rows held out for testing, which sets the minimum of positives.

    Raises
    ------
    DataError
        One class only, no value chosen among more than two, a value that never occurs, or
        fewer positives or negatives than :func:`min_positives` (the message says how many).
    """
    choice = outcome_choice(frame, column)
    if not choice.values:
        raise DataError(f"'{column}' has no values, so it cannot be the outcome")
    if len(choice.values) == 1:
        raise DataError(
            f"every row of '{column}' that has an outcome is \"{choice.values[0]}\": the outcome "
            "has only one class, so there is nothing to tell apart"
        )
    if isinstance(positives, str):
        positives = (positives,)
    if not positives:
        if choice.needs_choice or not choice.suggested:
            raise DataError(
                f"'{column}' has {len(choice.values)} different values; choose which of them count "
                "as the outcome to find"
            )
        positives = choice.suggested
    series = frame[column]
    missing = outcome_missing(series).to_numpy()
    rows = np.flatnonzero(~missing)
    kept = series.iloc[rows]
    labels = np.zeros(len(rows), dtype=bool)
    for value in positives:
        matched = positive_mask(kept, str(value)).fillna(False).to_numpy(dtype=bool)
        if not matched.any():
            raise DataError(f"no row of '{column}' is \"{value}\"")
        labels |= matched
    outcome = Outcome(column, tuple(str(v) for v in positives), rows, labels, int(missing.sum()))
    _require_enough(outcome, test_size)
    return outcome


def _require_enough(outcome: Outcome, test_size: float) -> None:
    needed = min_positives(test_size)
    which = " or ".join(f'"{v}"' for v in outcome.positives)
    if outcome.n_negative == 0:
        raise DataError(
            f"every row with an outcome is {which}: the outcome has only one class, so there is "
            "nothing to tell apart"
        )
    for count, what in ((outcome.n_positive, f"are {which}"), (outcome.n_negative, f"are not {which}")):
        if count < needed:
            raise DataError(
                f"only {count:,} rows {what}; at least {needed:,} are needed, so that the "
                f"{test_size:.0%} of rows held out for testing hold about {MIN_HELDOUT_POSITIVES} of "
                "them (with fewer, every count on the pages would swing by chance)"
            )


def _value_counts(series: pd.Series) -> pd.Series:
    """Counts of each value as text ("1" rather than "1.0" for whole numbers)."""
    if pd.api.types.is_float_dtype(series) and (series % 1 == 0).all():
        series = series.astype("int64")
    counts = series.astype(str).value_counts()
    return counts


def _require(frame: pd.DataFrame, column: str) -> None:
    if column not in frame.columns:
        raise DataError(f"there is no column '{column}' in the data")


@dataclass(frozen=True)
class OutcomeCandidate:
    """A column that could be the outcome, with why it was ranked where it is.

    Attributes
    ----------
    column : the column.
    score : higher is likelier (see :func:`rank_outcomes`).
    reasons : short phrases for the page, e.g. ("named like an outcome ('y')", "the last column").
    rate : the share of rows with the suggested value, when there is one (else None).
    """

    column: str
    score: float
    reasons: tuple[str, ...]
    rate: float | None = None

    @property
    def sentence(self) -> str:
        return f"'{self.column}': " + ", ".join(self.reasons) if self.reasons else f"'{self.column}'"


# A whole word of the name that says "this is what happened". Strong words name a result
# (y, churn, converted); weak ones are as often a customer's attribute as a result ("default"
# in a bank file is "has credit in default", "response" may be a survey answer).
STRONG_OUTCOME_WORDS = {"label", "outcome", "target", "y", "churn", "churned", "fraud", "fraudulent", "converted",
                        "conversion", "class", "exited", "left", "attrition", "subscribed", "bought", "purchased",
                        "cancelled", "canceled"}
WEAK_OUTCOME_WORDS = OUTCOME_WORDS - STRONG_OUTCOME_WORDS
PLAUSIBLE_RATE = (0.01, 0.6)  # most outcomes worth a proof of concept are this common


def rank_outcomes(frame: pd.DataFrame, profile: Profile) -> list[OutcomeCandidate]:
    """Columns that could be the outcome, the likeliest first, as an analyst would guess:

    - a name that says "what happened" (strong: y, target, label, churn, converted, fraud...;
      weak: default, result, response...): +3 or +2;
    - the last column, where exports usually put the outcome: +2;
    - a yes/no column: +1; two values: +1;
    - the suggested value's share is plausible for an outcome (1% to 60%): +1; a rarer
      outcome with a weak or no name (0.8% of customers "in default") is likelier an attribute.

    Only columns with 2 to 50 different values count, never the guessed id.
    """
    names = [c.name for c in profile.columns]
    last = names[-1] if names else None
    ranked = []
    for column in profile.columns:
        if not 2 <= column.distinct <= MAX_OUTCOME_VALUES or column.name == profile.id_column:
            continue
        words = set(words_of(column.name))
        score, reasons = 0.0, []
        strong, weak = words & STRONG_OUTCOME_WORDS, words & WEAK_OUTCOME_WORDS
        if strong or weak:
            score += 3 if strong else 2
            reasons.append(f"named like an outcome ('{sorted(strong or weak)[0]}')")
        if column.name == last:
            score += 2
            reasons.append("the last column")
        if column.kind == YES_NO:
            score += 1
            reasons.append("yes/no")
        if column.distinct == 2:
            score += 1
        rate = None
        choice = outcome_choice(frame, column.name)
        if choice.suggested and choice.values:
            positives = sum(n for v, n in zip(choice.values, choice.counts) if v in choice.suggested)
            rate = positives / max(sum(choice.counts), 1)
            low, high = PLAUSIBLE_RATE
            shown = " or ".join(f'"{v}"' for v in choice.suggested)
            if low <= rate <= high:
                score += 1
                reasons.append(f"{rate:.1%} are {shown}")
            else:
                reasons.append(f"{'only ' if rate < low else ''}{rate:.1%} are {shown}")
        # Ties: fewer values first, then the later column (outcomes tend to come last).
        ranked.append((score, -column.distinct, names.index(column.name),
                       OutcomeCandidate(column.name, score, tuple(reasons), rate)))
    ranked.sort(key=lambda item: (-item[0], -item[1], -item[2]))
    return [item[-1] for item in ranked]
