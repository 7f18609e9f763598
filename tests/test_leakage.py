"""The leakage guard flags columns known only after the outcome, and not honest ones."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from messy import crm_export, telco_export

from proofdeck.data.datasets import read_csv
from proofdeck.upload.ingest import read_upload
from proofdeck.upload.labels import build_outcome
from proofdeck.upload.leakage import AUC_LIMIT, find_leaks, name_reason
from proofdeck.upload.profile import profile_table

ROOT = Path(__file__).resolve().parents[1]


def test_a_column_restating_the_outcome_is_flagged_by_its_held_out_auc():
    frame = read_upload("telco.csv", telco_export(1500)).frame
    rng = np.random.default_rng(0)
    # A status written after the fact: "closed" for churners, one of three others otherwise.
    frame = frame.assign(account_state=np.where(frame["Churn"] == "Yes", "closed", rng.choice(["a", "b", "c"], len(frame))))
    outcome = build_outcome(frame, "Churn")
    features = profile_table(frame).features(outcome="Churn")
    leaks = find_leaks(frame.iloc[outcome.rows], outcome.labels, features, "Churn")
    assert [leak.column for leak in leaks] == ["account_state"]
    assert leaks[0].auc >= AUC_LIMIT and not leaks[0].by_name
    assert leaks[0].reason.startswith("this column may only be known after the outcome")


def test_missingness_that_gives_the_outcome_away_is_flagged():
    frame = read_upload("telco.csv", telco_export(1500)).frame
    days = np.where(frame["Churn"] == "Yes", 30.0, np.nan)
    frame = frame.assign(mystery=days)
    outcome = build_outcome(frame, "Churn")
    leaks = find_leaks(frame.iloc[outcome.rows], outcome.labels, ("tenure", "mystery"), "Churn")
    assert [leak.column for leak in leaks] == ["mystery"]


@pytest.mark.parametrize(
    ("name", "flagged"),
    [
        ("cancel_date", True), ("RefundAmount", True), ("chargeback_flag", True), ("final_status", True),
        ("days_to_close", True), ("result", True), ("status_after_call", True), ("is_closed", True),
        ("tenure", False), ("monthly_charges", False), ("contract", False), ("account_status", False),
        ("support_tickets_90d", False),
    ],
)
def test_names_that_suggest_after_the_outcome(name, flagged):
    assert (name_reason(name) is not None) is flagged


def test_a_name_sharing_a_word_with_the_outcome_is_flagged():
    assert name_reason("converted_date", "converted_60d") == "its name shares 'converted' with the outcome's"
    assert name_reason("days_since_first_visit", "converted_60d") is None


@pytest.mark.parametrize(("csv", "target"), [("churn.csv", "churned_90d"), ("leads.csv", "converted_60d"), ("transactions.csv", "is_fraud")])
def test_bundled_demos_have_no_leak(csv, target):
    frame = read_csv(ROOT / "data" / csv)
    outcome = build_outcome(frame, target, "yes")
    features = profile_table(frame).features(outcome=target)
    assert find_leaks(frame.iloc[outcome.rows], outcome.labels, features, target) == ()


def test_too_few_rows_to_measure_checks_names_only():
    frame = pd.DataFrame({"x": range(40), "refund": range(40)})
    labels = np.array([True] * 5 + [False] * 35)
    leaks = find_leaks(frame, labels, ("x", "refund"))
    assert [(leak.column, leak.auc) for leak in leaks] == [("refund", None)]


def test_crm_cancel_date_is_flagged_when_put_back():
    frame = read_upload("crm.csv", crm_export()).frame
    outcome = build_outcome(frame, "Outcome", "Y")
    leaks = find_leaks(frame.iloc[outcome.rows], outcome.labels, ("Segment", "Cancel date"), "Outcome")
    assert [leak.column for leak in leaks] == ["Cancel date"]
    assert leaks[0].by_name and leaks[0].auc is not None and leaks[0].auc >= AUC_LIMIT
