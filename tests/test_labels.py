"""The outcome: labels from common spellings, refusals with reasons, missing rows counted."""

import numpy as np
import pandas as pd
import pytest
from messy import crm_export, telco_export

from proofdeck.data.delimited import DataError
from proofdeck.upload.ingest import read_upload
from proofdeck.upload.labels import build_outcome, min_positives, outcome_choice


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
