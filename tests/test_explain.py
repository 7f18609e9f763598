"""Per-example explanations: additivity, grouping, words, what-if and charts."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import bundled

from proofdeck.charts.explanation import contribution_figure, importance_figure
from proofdeck.data.spec import ModelSpec
from proofdeck.explanation.explain import (
    Reason,
    explanation_sentence,
    group_by_source,
    importance,
    make_explainer,
    row_frame,
    top_reasons,
    value_text,
    what_if,
)
from proofdeck.model.scenario import build_scenario
from proofdeck.model.training import TrainedModel, build_pipeline, split_feature_kinds

KINDS = ("gradient_boosting", "logistic_regression")
FEATURES = ("tenure", "tickets", "spend", "contract", "region")
LABELS = {"tenure": "Tenure (months)", "tickets": "Support tickets", "contract": "Contract"}
TECHNICAL = re.compile(r"shap|log-?odds|logit|feature|contribution|coefficient|probability", re.I)
LONG_NUMBER = re.compile(r"\d+\.\d{4,}")


def synthetic_frame(n: int = 800, seed: int = 3) -> tuple[pd.DataFrame, np.ndarray]:
    """Numbers with gaps and two text columns; the outcome leans hard on contract and tickets."""
    rng = np.random.default_rng(seed)
    contract = rng.choice(["monthly", "yearly", "two-year"], size=n, p=[0.5, 0.3, 0.2])
    tickets = rng.poisson(1.5, size=n).astype(float)
    tenure = rng.integers(1, 60, size=n).astype(float)
    spend = rng.normal(50, 15, size=n)
    region = rng.choice(["north", "south"], size=n).astype(object)
    tenure[rng.random(n) < 0.1] = np.nan
    spend[rng.random(n) < 0.15] = np.nan
    region[rng.random(n) < 0.1] = np.nan
    logit = -2.0 + 2.5 * (contract == "monthly") + 0.6 * tickets - 0.03 * np.nan_to_num(tenure, nan=30)
    labels = rng.random(n) < 1 / (1 + np.exp(-logit))
    frame = pd.DataFrame(
        {"tenure": tenure, "tickets": tickets, "spend": spend, "contract": contract, "region": region}
    )
    return frame, labels


def fit(kind: str, frame: pd.DataFrame, labels: np.ndarray) -> TrainedModel:
    numeric, categorical = split_feature_kinds(frame, FEATURES)
    pipeline = build_pipeline(kind, numeric, categorical, seed=0)
    pipeline.fit(frame.loc[:, list(FEATURES)], labels)
    return TrainedModel(pipeline, kind, FEATURES, numeric, categorical)


def logit(p: np.ndarray) -> np.ndarray:
    return np.log(p / (1 - p))


@pytest.fixture(scope="module")
def data() -> tuple[pd.DataFrame, np.ndarray]:
    return synthetic_frame()


@pytest.fixture(scope="module", params=KINDS)
def fitted(request, data):
    frame, labels = data
    model = fit(request.param, frame, labels)
    return model, make_explainer(model, frame)


@pytest.fixture(scope="module")
def churn():
    return bundled("churn")


# --- additivity and grouping -------------------------------------------------------------------


def test_contributions_add_up_to_the_models_log_odds(fitted, data):
    model, explainer = fitted
    rows = data[0].iloc[[0, 5, 17, 99, 400, 799]]
    explanation = explainer.explain(rows)
    expected = logit(model.pipeline.predict_proba(rows)[:, 1])
    assert np.allclose(explanation.base_value + explanation.raw.sum(axis=1), expected, atol=1e-6)
    assert np.allclose(explanation.base_value + explanation.by_column.sum(axis=1), expected, atol=1e-6)
    assert np.allclose(explanation.log_odds, expected, atol=1e-6)
    assert np.allclose(explanation.probability, model.score(rows), atol=1e-9)
    assert isinstance(explanation.base_value, float)


def test_grouped_columns_are_the_original_ones_and_sum_their_parts(fitted, data):
    model, explainer = fitted
    rows = data[0].iloc[:50]
    explanation = explainer.explain(rows)
    assert list(explanation.by_column.columns) == list(FEATURES)
    assert list(explanation.by_column.index) == list(rows.index)
    sources = np.array(model.source_columns)
    assert (sources == "contract").sum() == 3  # one part per category
    assert (sources == "spend").sum() == 2  # the value and its missing indicator
    for column in FEATURES:
        parts = explanation.raw[:, sources == column].sum(axis=1)
        assert np.allclose(explanation.by_column[column], parts)


def test_group_by_source_sums_parts_in_first_appearance_order():
    raw = np.array([[1.0, 2.0, 3.0, 4.0], [0.5, -1.0, 0.0, 2.0]])
    grouped = group_by_source(raw, ["b", "a", "b", "a"])
    assert list(grouped.columns) == ["b", "a"]
    assert grouped.to_numpy().tolist() == [[4.0, 6.0], [0.5, 1.0]]
    with pytest.raises(ValueError):
        group_by_source(raw, ["a", "b"])


def test_real_churn_demo_adds_up_for_both_model_kinds(churn):
    rows = churn.heldout.iloc[:: max(1, len(churn.heldout) // 25)]
    tree = make_explainer(churn.model, churn.dataset.frame.iloc[churn.split.train])
    explanation = tree.explain(rows)
    assert np.allclose(explanation.log_odds, logit(churn.model.score(rows)), atol=1e-6)
    assert np.allclose(explanation.base_value + explanation.by_column.sum(axis=1), explanation.log_odds)

    linear_spec = replace(churn.spec, model=ModelSpec(kind="logistic_regression"))
    linear = build_scenario(linear_spec)
    explainer = make_explainer(linear.model, linear.dataset.frame.iloc[linear.split.train])
    explanation = explainer.explain(rows)
    assert np.allclose(explanation.log_odds, logit(linear.model.score(rows)), atol=1e-6)
    assert set(explanation.by_column.columns) == set(churn.dataset.features)


def test_importance_has_one_entry_per_column_largest_first(fitted, data):
    model, explainer = fitted
    result = importance(explainer, data[0], max_rows=300, seed=1)
    assert sorted(result.index) == sorted(FEATURES)
    assert (result >= 0).all() and result.is_monotonic_decreasing
    assert result.index[0] in ("contract", "tickets")  # the columns the outcome was built from
    assert result.equals(importance(explainer, data[0], max_rows=300, seed=1))


def test_churn_importance_names_every_feature(churn):
    explainer = make_explainer(churn.model, churn.heldout)
    result = importance(explainer, churn.heldout, max_rows=500)
    assert sorted(result.index) == sorted(churn.dataset.features)


def test_unknown_model_kind_is_refused(fitted, data):
    model, _ = fitted
    with pytest.raises(ValueError, match="no explainer"):
        make_explainer(replace(model, kind="forest"), data[0])


def test_importing_the_module_does_not_import_shap():
    root = Path(__file__).resolve().parents[1]
    code = "import sys, proofdeck.explanation.explain, proofdeck.charts.explanation; assert 'shap' not in sys.modules"
    env = {**os.environ, "PYTHONPATH": str(root)}
    subprocess.run([sys.executable, "-c", code], check=True, cwd=root, env=env)


# --- words ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (3.0, "3"),
        (1072.63, "1,073"),
        (60.74, "60.7"),
        (1.50, "1.5"),
        (0.123456, "0.12"),
        (np.nan, "unknown"),
        (None, "unknown"),
        (pd.NA, "unknown"),
        (True, "yes"),
        ("month-to-month", "month-to-month"),
        (np.int64(12000), "12,000"),
    ],
)
def test_value_text_reads_like_a_person_wrote_it(value, text):
    assert value_text(value) == text


def test_flag_values_read_yes_or_no():
    assert value_text(1, flag=True) == "yes" and value_text(0.0, flag=True) == "no"
    assert value_text(3, flag=True) == "3"  # not a 0/1 answer: shown as it is
    assert value_text(1) == "1"


def test_top_reasons_are_the_largest_either_way(data):
    frame = data[0]
    row = frame.iloc[0].copy()
    row["spend"] = np.nan
    contributions = pd.Series({"tenure": 0.1, "tickets": -0.9, "spend": 0.5, "contract": 0.0, "region": 0.2})
    reasons = top_reasons(contributions, row, LABELS, n=3)
    assert [r.column for r in reasons] == ["tickets", "spend", "region"]
    assert [r.direction for r in reasons] == ["down", "up", "up"]
    assert reasons[0].label == "Support tickets"
    assert reasons[1].value_text == "unknown"
    assert reasons[2].label == "Region"  # no label given: the column name made readable
    assert top_reasons(contributions, row, str.upper, n=1)[0].label == "TICKETS"
    # A column that made no difference is never a reason.
    assert len(top_reasons(contributions, row, LABELS, n=10)) == 4


def test_sentence_is_plain_and_names_the_top_reason(fitted, data):
    frame = data[0]
    _, explainer = fitted
    rows = frame.iloc[:40]
    explanation = explainer.explain(rows)
    for position in range(len(rows)):
        reasons = top_reasons(explanation.row(position), rows.iloc[position], LABELS)
        sentence = explanation_sentence("churn risk", explanation.probability[position], reasons, 0.3)
        assert sentence.startswith("Churn risk is ")
        assert sentence.endswith(".")
        assert reasons[0].label in sentence
        assert not TECHNICAL.search(sentence), sentence
        assert not LONG_NUMBER.search(sentence), sentence


def test_sentence_example_reads_as_promised():
    reasons = [
        Reason("contract", "Contract", "month-to-month", 0.9, "up"),
        Reason("tickets", "Support tickets (90 days)", "3", 0.5, "up"),
        Reason("tenure", "Tenure (months)", "unknown", -0.3, "down"),
    ]
    sentence = explanation_sentence("churn risk", 0.7123456789, reasons, cutoff=0.376)
    assert sentence == (
        "Churn risk is 71%, above the cut-off of 38%. Raised most by Contract: month-to-month and "
        "Support tickets (90 days): 3; lowered by Tenure (months): unknown."
    )
    low = explanation_sentence("churn risk", 0.03, reasons[::-1][:1], cutoff=0.376)
    assert low == "Churn risk is 3.0%, below the cut-off of 38%. Lowered most by Tenure (months): unknown."
    assert explanation_sentence("churn risk", 0.2, [], 0.376) == "Churn risk is 20%, below the cut-off of 38%."
    assert "nobody is picked" in explanation_sentence("churn risk", 0.2, [], float("inf"))


@pytest.mark.parametrize("probability, cutoff, acted, place", [
    (0.051, 0.077, False, "below the cut-off"),
    (0.40, 0.077, True, "above the cut-off"),
    (0.077, 0.077, True, "at the cut-off"),
    (0.077, 0.077, False, "after others with the same score"),
])
def test_sentence_never_contradicts_the_decision(probability, cutoff, acted, place):
    # A fraud the model misses must never be told "fraud risk is high".
    sentence = explanation_sentence("fraud risk", probability, [], cutoff, acted=acted)
    assert place in sentence
    assert not re.search(r"\b(high|low|moderate)\b", sentence), sentence


def test_churn_sentence_uses_business_labels(churn):
    explainer = make_explainer(churn.model, churn.heldout)
    row = churn.heldout.iloc[[int(np.argmax(churn.scores))]]
    explanation = explainer.explain(row)
    reasons = top_reasons(explanation.row(0), row.iloc[0], churn.spec.label)
    cutoff = churn.threshold_at(churn.default_count)
    sentence = explanation_sentence(churn.spec.nouns.score, explanation.probability[0], reasons, cutoff)
    assert sentence.startswith("Churn risk is ") and "above the cut-off" in sentence
    assert reasons[0].label in sentence and reasons[0].label in churn.spec.labels.values()
    assert not TECHNICAL.search(sentence)


# --- what-if ----------------------------------------------------------------------------------


def test_what_if_moves_the_score_and_leaves_the_row_alone(fitted, data):
    model, explainer = fitted
    frame = data[0]
    row = frame[(frame.contract == "monthly") & (frame.tickets >= 3)].iloc[0]
    before = row.copy()
    original = float(model.score(frame.loc[[row.name]])[0])
    same, _ = what_if(model, explainer, row, {})
    assert same == pytest.approx(original, abs=1e-9)
    better, explanation = what_if(model, explainer, row, {"contract": "two-year", "tickets": 0})
    assert better < original - 0.1
    assert explanation.by_column.loc[row.name, "contract"] < 0
    pd.testing.assert_series_equal(row, before)
    assert row_frame(model, row).index.tolist() == [row.name]


def test_what_if_reads_none_as_unknown_and_refuses_bad_changes(fitted, data):
    model, explainer = fitted
    row = data[0].iloc[3]
    probability, explanation = what_if(model, explainer, row, {"spend": None, "region": None, "tenure": "12"})
    assert 0 < probability < 1
    assert np.isclose(explanation.log_odds[0], explanation.base_value + explanation.raw.sum())
    with pytest.raises(ValueError, match="not one of the columns"):
        what_if(model, explainer, row, {"colour": "red"})
    with pytest.raises(ValueError, match="needs a number"):
        what_if(model, explainer, row, {"tickets": "many"})


def test_churn_what_if_on_contract(churn):
    explainer = make_explainer(churn.model, churn.heldout)
    monthly = churn.heldout[churn.heldout.contract == "month-to-month"]
    row = monthly.iloc[int(np.argmax(churn.model.score(monthly)))]
    probability, _ = what_if(churn.model, explainer, row, {"contract": "two-year"})
    assert probability < churn.model.score(monthly.loc[[row.name]])[0] - 0.05
    assert row["contract"] == "month-to-month"


# --- charts -----------------------------------------------------------------------------------


def _figure_text(figure) -> str:
    layout = figure.layout
    parts = [layout.title.text, layout.xaxis.title.text or "", layout.yaxis.title.text or ""]
    parts += [trace.name or "" for trace in figure.data]
    return " ".join(parts)


def test_contribution_figure_from_a_row_sums_the_rest_as_other(fitted, data):
    _, explainer = fitted
    row = data[0].iloc[0]
    contributions = explainer.explain(data[0].iloc[[0]]).row(0)
    figure = contribution_figure(contributions, LABELS, row, "churn risk", max_bars=3)
    bars = [(text, x) for trace in figure.data for text, x in zip(trace.y, trace.x, strict=True)]
    assert len(bars) == 3
    assert any(text == f"Contract = {row['contract']}" for text, _ in bars)
    assert any(text.endswith("other details") for text, _ in bars)
    assert sum(x for _, x in bars) == pytest.approx(contributions.sum())
    assert not TECHNICAL.search(_figure_text(figure))
    assert "pushes churn risk up" in _figure_text(figure)


def test_contribution_figure_from_reasons_colours_by_direction():
    reasons = [
        Reason("contract", "Contract", "month-to-month", 0.9, "up"),
        Reason("tenure", "Tenure (months)", "40", -0.3, "down"),
    ]
    figure = contribution_figure(reasons, score_name="churn risk")
    by_name = {trace.name: trace for trace in figure.data}
    assert by_name["pushes churn risk up"].y == ("Contract = month-to-month",)
    assert by_name["pulls churn risk down"].y == ("Tenure (months) = 40",)
    assert by_name["pushes churn risk up"].marker.color != by_name["pulls churn risk down"].marker.color
    # Largest on top: plotly draws the last category of the array at the top.
    assert list(figure.layout.yaxis.categoryarray)[-1] == "Contract = month-to-month"


def test_importance_figure_shows_shares_in_business_labels():
    result = pd.Series({"contract": 3.0, "tickets": 1.0, "a": 0.5, "b": 0.3, "c": 0.2})
    figure = importance_figure(result, LABELS, "churn risk", max_bars=4)
    trace = figure.data[0]
    assert trace.y[-1] == "Contract"
    assert trace.y[0] == "2 others together"
    assert sum(trace.x) == pytest.approx(1.0)
    assert figure.layout.title.text == "What drives the churn risk overall"
    assert not TECHNICAL.search(_figure_text(figure))
