"""The leakage guard flags columns known only after the outcome, and not honest ones."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from messy import bank_campaign_export, crm_export, hr_attrition_export, telco_export
from sklearn.metrics import roc_auc_score

from proofdeck.data.datasets import read_csv
from proofdeck.upload.ingest import read_upload
from proofdeck.upload.labels import build_outcome
from proofdeck.upload.leakage import (
    AUC_LIMIT,
    Driver,
    LeakCheck,
    _WeightedAuc,
    auc_gap_low,
    check_columns,
    find_leaks,
    name_reason,
    single_column_auc,
)
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


# --- dominance: a column measured during the action (issue 17) ---------------------------------


def _check(raw: bytes, target: str, positive: str, name: str = "x.csv"):
    table = read_upload(name, raw)
    outcome = build_outcome(table.frame, target, positive)
    features = profile_table(table).features(outcome=target)
    return check_columns(table.frame.iloc[outcome.rows], outcome.labels, features, target)


def test_a_call_length_known_only_after_the_call_is_flagged_as_dominating():
    # messy.bank_campaign_frame draws duration from the outcome itself (log-normal, +0.8 for a
    # yes): no name gives it away and it is far from perfect alone, but it dominates.
    check = _check(bank_campaign_export(4000), "y", "yes")
    assert [leak.column for leak in check.leaks] == ["duration"] and check.leaks[0].dominant
    duration = check.drivers[0]
    assert duration.column == "duration" and duration.far_above_others and duration.carries_the_model
    assert 0 < duration.edge_low < duration.alone - duration.next_best
    assert duration.alone < AUC_LIMIT  # the old single-column limit alone would have missed it
    assert "duration" in check.summary() and "none was flagged" not in check.summary()
    # As a cached record (JSON) it comes back the same: leaks, drivers and their bounds.
    again = LeakCheck.from_record(json.loads(json.dumps(check.as_record())))
    assert again == check and again.summary() == check.summary()


@pytest.mark.parametrize("record", [
    {}, {"version": 0, "checked": [], "measured": True, "rows": 1, "leaks": [], "drivers": []},
    {"version": 1, "checked": [], "measured": True, "rows": 1, "leaks": [{"col": "x"}], "drivers": []},
])
def test_a_record_of_another_version_or_shape_is_refused(record):
    with pytest.raises(ValueError):
        LeakCheck.from_record(record)


@pytest.mark.parametrize(("raw", "target", "positive"), [
    (telco_export(3000), "Churn", "Yes"), (hr_attrition_export(1500), "Attrition", "Yes"),
])
def test_honest_strong_drivers_are_asked_about_not_flagged(raw, target, positive):
    check = _check(raw, target, positive)
    assert check.leaks == () and len(check.drivers) == 3
    assert check.summary().endswith("none was flagged.")
    assert check.unconfirmed(check.checked, ()) == [d.column for d in check.drivers]
    assert check.unconfirmed(check.checked, [d.column for d in check.drivers]) == []


@pytest.mark.parametrize(("csv", "target"), [("churn.csv", "churned_90d"), ("leads.csv", "converted_60d")])
def test_no_bundled_driver_dominates(csv, target):
    frame = read_csv(ROOT / "data" / csv)
    outcome = build_outcome(frame, target, "yes")
    check = check_columns(frame.iloc[outcome.rows], outcome.labels, profile_table(frame).features(outcome=target), target)
    assert check.leaks == () and not any(d.dominant for d in check.drivers)


def test_a_drivers_share_of_ranking_power_on_a_worked_example():
    # With it the model orders 89 of 100 pairs right, without it 77: it carries
    # (0.89 - 0.77) / (0.89 - 0.50) = 0.12 / 0.39 = 30.8% of the ranking power above chance.
    driver = Driver("duration", alone=0.70, next_best=0.66, with_it=0.89, without=0.77, drop_low=0.08)
    assert driver.loss == pytest.approx(0.12 / 0.39)
    assert driver.carries_the_model and not driver.far_above_others and driver.dominant
    # The same drop measured on a small file, where chance alone could make most of it.
    assert not Driver("duration", alone=0.70, next_best=0.66, with_it=0.89, without=0.77, drop_low=0.02).dominant
    # The same drop in a weak model (0.69 -> 0.61) is one honest driver of little ranking power.
    weak = Driver("contract", alone=0.60, next_best=0.60, with_it=0.69, without=0.61)
    assert weak.loss > 0.4 and not weak.dominant
    # Far above the others alone: 0.84 against 0.67 (edge 0.17 >= 0.12), whatever the refit says.
    assert Driver("x", alone=0.84, next_best=0.67, with_it=None, without=None).dominant


def test_a_noise_columns_held_out_auc_is_near_a_half():
    rng = np.random.default_rng(3)
    labels = rng.random(20_000) < 0.2
    noise = pd.Series(rng.normal(size=labels.size))
    positions = np.arange(labels.size)
    train, test = positions[: 14_000], positions[14_000:]
    assert abs(single_column_auc(noise, labels, train, test) - 0.5) < 0.03


def test_a_columns_auc_is_measured_on_held_out_rows_not_the_rows_it_was_fitted_on():
    # 250 codes with random outcomes, 12 training rows each: on its own training rows each
    # code's outcome rate "predicts" those rows (about 0.68 here), on held-out rows nothing.
    # A check measured on the rows it was fitted on would see a strong column.
    rng = np.random.default_rng(4)
    labels = rng.random(4000) < 0.3
    codes = pd.Series(np.arange(4000) % 250).astype(str)
    rows = np.arange(4000)
    train, test = rows[rows % 4 != 0], rows[rows % 4 == 0]
    assert abs(single_column_auc(codes, labels, train, test) - 0.5) < 0.05
    # The leak guard itself splits as the model does and measures held out: chance, no flag.
    frame = pd.DataFrame({"code": codes})
    assert find_leaks(frame, labels, ("code",)) == ()
    check = check_columns(frame.assign(noise=rng.normal(size=4000)), labels, ("code", "noise"))
    assert all(d.alone < 0.56 for d in check.drivers)


def test_a_strong_honest_driver_of_a_small_file_is_not_flagged_by_chance():
    # 600 churn-like rows (180 held out): contract is the strongest honest driver, and the gap
    # a refit without it shows is within what chance makes on so few rows.
    from benchmarks.synthetic import churn_like

    frame = churn_like(600, seed=1000, messy=True)
    outcome = build_outcome(frame, "churned_90d", "yes")
    features = profile_table(frame).features(outcome="churned_90d")
    check = check_columns(frame.iloc[outcome.rows], outcome.labels, features, "churned_90d")
    assert check.leaks == ()


def test_the_weighted_auc_is_the_auc_of_the_rows_repeated():
    # Reference: scikit-learn's AUC on the rows drawn as many times as their weight says.
    rng = np.random.default_rng(0)
    labels = rng.random(400) < 0.3
    scores = np.round(rng.normal(size=400) + labels, 1)  # rounded: many ties
    weights = rng.integers(0, 3, 400)
    rows = np.repeat(np.arange(400), weights)
    assert _WeightedAuc(labels, scores).auc(weights.astype(float)) == pytest.approx(roc_auc_score(labels[rows], scores[rows]))


def test_the_cautious_gap_is_below_the_gap_and_zero_for_the_same_scores():
    rng = np.random.default_rng(1)
    labels = rng.random(3000) < 0.3
    good, weak = rng.normal(size=3000) + 1.2 * labels, rng.normal(size=3000) + 0.3 * labels
    gap = roc_auc_score(labels, good) - roc_auc_score(labels, weak)
    low = auc_gap_low(labels, good, weak)
    assert 0 < low < gap and gap - low < 0.06
    assert auc_gap_low(labels, good, good) == 0.0
