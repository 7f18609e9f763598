"""Bring your own scores: a file of ids, scores from the user's own model, and outcomes.

Teams whose data lives in a cluster score there and bring the scores: Proofdeck then shows
Decide and Rule vs model for that model, with no training here. The file needs an id column,
a score column (higher means more likely to have the outcome) and the outcome; any other
column can be used by today's rule.

How scores are used: only their order matters for decisions (who is acted on first, at any
budget). Scores between 0 and 1 are also read as probabilities, which lets the pages say "a 30%
risk"; other numbers (log-odds, points) are ranked only, and the pages leave out those words.
The scores must come from rows the model did not train on: every row is taken as held out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from proofdeck.data.datasets import check_ids
from proofdeck.data.delimited import DataError
from proofdeck.upload.labels import OUTCOME_WORDS, build_outcome
from proofdeck.upload.profile import NUMBER, YES_NO, Profile, words_of
from proofdeck.words.wording import UNSEEN_NOT_SURE

_SCORE_WORDS = {"score", "scores", "prob", "proba", "probability", "prediction", "predicted", "pred", "risk",
                "propensity", "likelihood"}
_OUTCOME_WORDS = OUTCOME_WORDS


@dataclass(frozen=True)
class ScoreColumns:
    """Guessed roles of a scores file's columns (None where nothing fits)."""

    id_column: str | None
    score_column: str | None
    outcome_column: str | None


@dataclass(frozen=True)
class OwnScores:
    """Checked scores, aligned row by row with ``frame`` (the rows that have an outcome).

    Attributes
    ----------
    frame : the rows with an outcome (a view of the user's table; not changed).
    scores : the score of each row, as numbers.
    labels : True for the outcome to find.
    is_probability : every score is between 0 and 1, so it can be read as a chance.
    dropped : rows left out because their outcome was missing.
    notes : sentences for the page (how the scores are used).
    unseen : the team's answer to "did these scores come from a model that never saw these
        rows?" ("yes", "no" or "not sure", the default until asked); the figures are only
        honest if it never did.
    """

    frame: pd.DataFrame
    id_column: str
    score_column: str
    outcome_column: str
    scores: np.ndarray
    labels: np.ndarray
    is_probability: bool
    dropped: int
    notes: tuple[str, ...]
    unseen: str = UNSEEN_NOT_SURE

    @property
    def rule_columns(self) -> tuple[str, ...]:
        """Columns today's rule may use (all but the id, the score and the outcome)."""
        roles = {self.id_column, self.score_column, self.outcome_column}
        return tuple(str(c) for c in self.frame.columns if c not in roles)


def guess_score_columns(profile: Profile) -> ScoreColumns:
    """Guess the id, score and outcome columns of a scores file from names and kinds."""
    def named(column, words) -> bool:
        return bool(set(words_of(column.name)) & words)

    scores = [c for c in profile.columns if c.kind == NUMBER and c.name != profile.id_column]
    score = next((c.name for c in scores if named(c, _SCORE_WORDS)), None)
    outcomes = [c for c in profile.columns if c.kind == YES_NO and c.name != score]
    outcome = next((c.name for c in outcomes if named(c, _OUTCOME_WORDS)), outcomes[0].name if outcomes else None)
    return ScoreColumns(profile.id_column, score, outcome)


def read_scores(
    frame: pd.DataFrame,
    id_column: str,
    score_column: str,
    outcome_column: str,
    positives: tuple[str, ...] | str | None = None,
) -> OwnScores:
    """Check a scores table and return its scores and labels.

    Parameters
    ----------
    frame : the table (from :func:`proofdeck.upload.ingest.read_upload`); never modified.
    id_column, score_column, outcome_column : the columns' roles.
    positives : the outcome values to find (see :func:`proofdeck.upload.labels.build_outcome`).

    Raises
    ------
    DataError
        A missing column, blank or repeated ids, scores that are not numbers, missing or
        infinite, or an outcome that is not two classes with enough of each (20, since
        every row counts as held out).
    """
    for role, column in (("id", id_column), ("score", score_column), ("outcome", outcome_column)):
        if column not in frame.columns:
            raise DataError(f"the {role} column '{column}' is not in the file")
    if len({id_column, score_column, outcome_column}) < 3:
        raise DataError("the id, the score and the outcome must be three different columns")
    check_ids(frame[id_column], id_column)
    raw = frame[score_column]
    if not pd.api.types.is_numeric_dtype(raw) or pd.api.types.is_bool_dtype(raw):
        numbers = pd.to_numeric(raw, errors="coerce")
        bad = raw.notna() & numbers.isna()
        first = int(np.flatnonzero(bad.to_numpy())[0]) + 2 if bad.any() else None
        where = f" (the first on line {first} of the file)" if first else ""
        count = int(bad.sum())
        raise DataError(
            f"'{score_column}' is not all numbers: {count:,} {'value is' if count == 1 else 'values are'} text{where}"
        )
    outcome = build_outcome(frame, outcome_column, positives, test_size=1.0)
    kept = frame.iloc[outcome.rows]
    scores = kept[score_column].to_numpy(dtype=float, na_value=np.nan)
    if np.isnan(scores).any():
        count = int(np.isnan(scores).sum())
        raise DataError(f"{count:,} rows with an outcome have no score in '{score_column}'; every row needs one")
    if not np.isfinite(scores).all():
        count = int((~np.isfinite(scores)).sum())
        raise DataError(f"{count:,} scores in '{score_column}' are infinite; scores must be finite numbers")
    is_probability = bool(((scores >= 0) & (scores <= 1)).all())
    notes = [
        "Every row is taken as held out: the scores must come from rows your model did not train on.",
        "Scores are between 0 and 1 and are read as chances (\"a 30% risk\"); decisions use only their order."
        if is_probability
        else "Scores are not between 0 and 1, so only their order is used: rows are ranked by them, and "
        "the pages do not turn them into chances.",
    ]
    if np.unique(scores).size == 1:
        raise DataError(f"every score in '{score_column}' is the same, so they cannot rank anything")
    return OwnScores(
        kept, id_column, score_column, outcome_column, scores, outcome.labels, is_probability,
        outcome.dropped, tuple(notes),
    )
