"""Bring your own scores: columns guessed, scores checked, how they are used said plainly."""

import numpy as np
import pandas as pd
import pytest

from proofdeck.data.delimited import DataError
from proofdeck.upload.ingest import read_upload
from proofdeck.upload.own_scores import guess_score_columns, read_scores
from proofdeck.upload.profile import profile_table


def scores_file(n=300, seed=0, scale=1.0):
    rng = np.random.default_rng(seed)
    churned = rng.random(n) < 0.3
    score = np.clip(0.3 + 0.4 * churned + rng.normal(0, 0.2, n), 0, 1) * scale
    frame = pd.DataFrame(
        {"customer_id": [f"C{i:04d}" for i in range(n)], "model_score": score, "churned": np.where(churned, "yes", "no"),
         "plan": rng.choice(["basic", "pro"], n)}
    )
    return frame.to_csv(index=False).encode()


def test_columns_are_guessed_and_scores_read_as_chances():
    frame = read_upload("scores.csv", scores_file()).frame
    roles = guess_score_columns(profile_table(frame))
    assert (roles.id_column, roles.score_column, roles.outcome_column) == ("customer_id", "model_score", "churned")
    scores = read_scores(frame, "customer_id", "model_score", "churned")
    assert scores.is_probability and len(scores.scores) == 300 and scores.rule_columns == ("plan",)
    assert "read as chances" in scores.notes[1]


def test_scores_outside_zero_to_one_are_ranked_only():
    frame = read_upload("scores.csv", scores_file(scale=40.0)).frame
    frame["model_score"] -= 10
    scores = read_scores(frame, "customer_id", "model_score", "churned")
    assert not scores.is_probability and "only their order is used" in scores.notes[1]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: f.assign(customer_id="same"), "has 1 id that appears more than once"),
        (lambda f: f.assign(model_score=f["model_score"].astype(str).where(f.index != 4, "high")), "is not all numbers: 1 value is text \\(the first on line 6"),
        (lambda f: f.assign(model_score=f["model_score"].where(f.index != 3, np.inf)), "1 scores in 'model_score' are infinite"),
        (lambda f: f.assign(model_score=f["model_score"].where(f.index != 3, np.nan)), "1 rows with an outcome have no score"),
        (lambda f: f.assign(churned="yes"), "only one class"),
        (lambda f: f.drop(columns="churned"), "the outcome column 'churned' is not in the file"),
        (lambda f: f.assign(model_score=0.5), "every score in 'model_score' is the same"),
    ],
)
def test_bad_scores_files_get_clear_messages(change, message):
    frame = change(read_upload("scores.csv", scores_file()).frame)
    with pytest.raises(DataError, match=message):
        read_scores(frame, "customer_id", "model_score", "churned")


def test_missing_outcomes_are_dropped_and_counted():
    frame = read_upload("scores.csv", scores_file()).frame
    frame.loc[[1, 2], "churned"] = np.nan
    scores = read_scores(frame, "customer_id", "model_score", "churned")
    assert scores.dropped == 2 and len(scores.labels) == 298
