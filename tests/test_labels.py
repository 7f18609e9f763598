"""The outcome: labels from common spellings, refusals with reasons, missing rows counted."""

import numpy as np
import pandas as pd
import pytest
from messy import bank_campaign_export, crm_export, hr_attrition_export, telco_export

from proofdeck.data.delimited import DataError
from proofdeck.upload.ingest import read_upload
from proofdeck.upload.labels import build_outcome, min_positives, outcome_choice, rank_outcomes
from proofdeck.upload.profile import profile_table


def frame_with(outcome):
    return pd.DataFrame({"id": range(len(outcome)), "outcome": outcome})


@pytest.mark.parametrize(
    ("values", "positive"),
    [
        (["yes", "no"], "yes"), (["No", "Yes"], "Yes"), (["Y", "N"], "Y"), (["true", "false"], "true"),
        ([True, False], "True"), ([1, 0], "1"), (["churned", "stayed"], "churned"), (["0", "1"], "1"),
    ],
)
def test_common_spellings_suggest_the_positive(values, positive):
    outcome = np.array(values * 100, dtype=object)
    if isinstance(values[0], bool | int):
        outcome = np.array(values * 100)
    assert outcome_choice(frame_with(outcome), "outcome").suggested == (positive,)
    assert build_outcome(frame_with(outcome), "outcome").labels.sum() == 100


def test_more_than_two_values_need_a_choice_and_may_count_several():
    values = ["cancelled"] * 80 + ["downgraded"] * 70 + ["renewed"] * 300
    with pytest.raises(DataError, match="has 3 different values; choose which of them count"):
        build_outcome(frame_with(values), "outcome")
    outcome = build_outcome(frame_with(values), "outcome", ["cancelled", "downgraded"])
    assert (outcome.n_positive, outcome.n_negative) == (150, 300)
    assert outcome_choice(frame_with(values), "outcome").needs_choice


def test_one_class_is_refused():
    with pytest.raises(DataError, match="only one class"):
        build_outcome(frame_with(["yes"] * 200 + [None] * 5), "outcome")


def test_too_few_positives_says_how_many_are_needed():
    assert min_positives(0.3) == 67
    with pytest.raises(DataError, match=r"only 40 rows are \"yes\"; at least 67 are needed, so that the 30% of rows"):
        build_outcome(frame_with(["yes"] * 40 + ["no"] * 500), "outcome")
    with pytest.raises(DataError, match=r"only 10 rows are not \"yes\""):
        build_outcome(frame_with(["yes"] * 500 + ["no"] * 10), "outcome")


def test_a_value_that_never_occurs_is_refused():
    with pytest.raises(DataError, match="no row of 'outcome' is \"maybe\""):
        build_outcome(frame_with(["yes", "no"] * 100), "outcome", "maybe")


def test_missing_outcomes_are_dropped_counted_and_the_frame_kept():
    table = read_upload("crm.csv", crm_export())
    before = table.frame.copy()
    outcome = build_outcome(table.frame, "Outcome", "Y")
    assert outcome.dropped == 13
    assert len(outcome.rows) == len(table.frame) - 13 == len(outcome.labels)
    assert "13 rows have no outcome and are left out" in outcome.sentence
    pd.testing.assert_frame_equal(table.frame, before)


def test_spaces_only_outcomes_count_as_missing():
    outcome = build_outcome(frame_with(["yes"] * 100 + ["no"] * 100 + [" "] * 3), "outcome")
    assert outcome.dropped == 3


def test_telco_churn_labels():
    table = read_upload("telco.csv", telco_export())
    outcome = build_outcome(table.frame, "Churn")
    assert outcome.positives == ("Yes",)
    assert outcome.n_positive == int((table.frame["Churn"] == "Yes").sum())


def test_unknown_column():
    with pytest.raises(DataError, match="there is no column 'nope'"):
        build_outcome(frame_with(["yes", "no"]), "nope")


@pytest.mark.parametrize(("name", "raw", "expected", "runner_up"), [
    # The bank campaign: 'y' is last and 11% yes; 'default' (0.6% yes) is a customer attribute.
    ("bank.csv", bank_campaign_export(2000), "y", "default"),
    # HR: the outcome second of eleven columns, other yes/no columns after it.
    ("hr.csv", hr_attrition_export(1000), "Attrition", None),
    ("telco.csv", telco_export(800), "Churn", None),
], ids=["bank", "hr", "telco"])
def test_the_outcome_is_guessed_as_an_analyst_would(name, raw, expected, runner_up):
    table = read_upload(name, raw)
    ranked = rank_outcomes(table.frame, profile_table(table))
    assert ranked[0].column == expected
    assert any(reason.startswith("named like an outcome") for reason in ranked[0].reasons)
    if runner_up:
        assert ranked[1].column == runner_up and ranked[0].score > ranked[1].score


def test_each_candidates_reasons_come_from_the_column():
    frame = pd.DataFrame({"id": range(400), "plan": ["a", "b"] * 200, "converted": ["yes"] * 40 + ["no"] * 360})
    ranked = rank_outcomes(frame, profile_table(frame))
    assert ranked[0].column == "converted"
    # 40 of 400 rows are "yes": 10.0%.
    assert ranked[0].reasons == ("named like an outcome ('converted')", "the last column", "yes/no", '10.0% are "yes"')
    assert ranked[0].rate == pytest.approx(0.1)
