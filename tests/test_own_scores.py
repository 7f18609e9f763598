"""Bring your own scores: columns guessed, scores checked, how they are used said plainly."""

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT

from proofdeck.data.datasets import load_dataset
from proofdeck.data.delimited import DataError
from proofdeck.data.spec import Economics
from proofdeck.data.spec_files import load_spec
from proofdeck.model.scenario import scenario_from_scores
from proofdeck.upload.ingest import read_upload
from proofdeck.upload.own_scores import guess_score_columns, read_scores
from proofdeck.upload.profile import profile_table
from proofdeck.words.wording import RANDOM_PICK, TODAYS_RULE


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


# --- the demo built on them: the baseline, and whether the figures are honest ---------------------


@pytest.fixture(scope="module")
def churn():
    spec = load_spec(ROOT / "demos" / "churn.toml")
    dataset = load_dataset(spec)
    scores = np.clip(0.3 * dataset.labels + np.random.default_rng(3).random(dataset.labels.size) * 0.7, 0, 1)
    return spec, dataset, scores


def test_without_a_rule_the_baseline_is_a_random_picks_average_not_one_draw(churn):
    spec, dataset, scores = churn
    sc = scenario_from_scores(spec, dataset, scores)
    n, positives = dataset.labels.size, int(dataset.labels.sum())
    k = round(0.1 * n)
    assert sc.baseline == RANDOM_PICK and sc.rule_count == k
    assert np.unique(sc.rule_flags).size == 1  # the same chance on every row: no row is drawn
    assert not sc.rule_acts.any()  # and no row counts as picked by a rule
    # k of n reach k * P / n positives on average; each positive's value counts with chance k / n.
    econ = Economics(cost_per_action=2.0, value_per_won=100.0, win_rate=0.5)
    expected = sc.rule_outcome(econ)
    assert expected.reached == pytest.approx(k * positives / n)
    assert expected.net_value == pytest.approx(0.5 * 100.0 * k * positives / n - 2.0 * k)
    assert sc.random_pick.mean == pytest.approx(k * positives / n)


def test_with_a_rule_the_baseline_is_the_rule_and_its_own_decisions(churn):
    spec, dataset, scores = churn
    sc = scenario_from_scores(spec, dataset, scores, 'contract == "month-to-month"')
    month = (dataset.frame["contract"] == "month-to-month").to_numpy()
    assert sc.baseline == TODAYS_RULE and sc.random_pick is None
    np.testing.assert_array_equal(sc.rule_acts, month)
    assert sc.rule_count == month.sum()


@pytest.mark.parametrize(("unseen", "said"), [
    ("not sure", "only honest if the model behind the churn risk never saw these customers while it learned, "
                 "and that was not confirmed"),
    ("no", "saw some of these customers while it learned, so these figures flatter it"),
    ("yes", ""),
])
def test_the_teams_answer_on_unseen_rows_says_whether_the_figures_are_honest(churn, unseen, said):
    spec, dataset, scores = churn
    sc = scenario_from_scores(spec, dataset, scores, unseen=unseen)
    assert sc.unseen == unseen and sc.held_out_confirmed == (unseen == "yes")
    assert (said in sc.unseen_note) if said else sc.unseen_note == ""


def test_an_answer_that_is_not_yes_no_or_not_sure_is_refused(churn):
    with pytest.raises(ValueError, match="unseen"):
        scenario_from_scores(*churn, unseen="probably")


def test_own_scores_are_never_sure_until_the_team_says_so():
    frame = read_upload("scores.csv", scores_file()).frame
    assert read_scores(frame, "customer_id", "model_score", "churned").unseen == "not sure"
