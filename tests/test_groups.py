"""Drivers as business concepts: a spec's groups, per-group contributions, importance, reasons
and error patterns. Expected values come from plain loops and worked examples, never from the
functions under test."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import bundled, examples
from hypothesis import given, settings
from hypothesis import strategies as st

from proofdeck.explanation.explain import explanation_sentence, make_explainer
from proofdeck.explanation.groups import (
    Concept,
    by_concept,
    concept_importance,
    concepts_of,
    spec_concepts,
    top_group_reasons,
)
from proofdeck.review.patterns import Pattern, grouped_sentence, over_represented, under_groups

LABELS = {"monthly_charges": "Monthly charges", "total_charges": "Total charges",
          "payment_method": "Payment method", "contract": "Contract", "region": "Region"}
COLUMNS = list(LABELS)
BILLING = ("Billing", ("monthly_charges", "total_charges", "payment_method"))


def label(column: str) -> str:
    return LABELS.get(column, column)


# --- which concept each column falls into -------------------------------------------------------


def test_columns_in_no_group_stand_alone_under_their_label_in_the_models_order():
    concepts = concepts_of([BILLING], COLUMNS, label)
    assert concepts == (
        Concept("Billing", ("monthly_charges", "total_charges", "payment_method"), True),
        Concept("Contract", ("contract",), False),
        Concept("Region", ("region",), False),
    )


def test_a_group_follows_the_model_columns_and_an_emptied_group_is_dropped():
    groups = [("Place", ("region", "gone")), ("Nothing left", ("also_gone",)), ("Deal", ("contract",))]
    concepts = concepts_of(groups, ["contract", "region"], label)
    assert [(c.name, c.columns) for c in concepts] == [("Deal", ("contract",)), ("Place", ("region",))]


def test_two_lone_columns_that_read_alike_keep_distinct_names():
    concepts = concepts_of([], ["plan", "Plan"], lambda column: "Plan")
    assert [c.name for c in concepts] == ["Plan", "Plan (Plan)"]


def test_no_groups_means_one_concept_per_column():
    concepts = concepts_of([], COLUMNS, label)
    assert [c.columns for c in concepts] == [(c,) for c in COLUMNS]
    assert not any(c.named for c in concepts)


# --- sums per group -----------------------------------------------------------------------------


@settings(max_examples=examples(60), deadline=None)
@given(st.data())
def test_group_sums_equal_the_sum_of_their_columns_contributions(data):
    n_columns = data.draw(st.integers(1, 8))
    columns = [f"c{i}" for i in range(n_columns)]
    owner = data.draw(st.lists(st.sampled_from(["", "A", "B", "C"]), min_size=n_columns, max_size=n_columns))
    groups = [(name, tuple(c for c, o in zip(columns, owner) if o == name)) for name in "ABC"]
    groups = [g for g in groups if g[1]]
    rows = data.draw(st.integers(1, 5))
    values = data.draw(st.lists(st.floats(-5, 5), min_size=rows * n_columns, max_size=rows * n_columns))
    frame = pd.DataFrame(np.array(values).reshape(rows, n_columns), columns=columns, index=range(10, 10 + rows))
    concepts = concepts_of(groups, columns, str)
    summed = by_concept(frame, concepts)
    for concept in concepts:  # a plain loop over rows and columns
        for index in frame.index:
            expected = 0.0
            for column in concept.columns:
                expected += frame.loc[index, column]
            assert summed.loc[index, concept.name] == pytest.approx(expected, abs=1e-12)
    assert list(summed.index) == list(frame.index)
    assert np.allclose(summed.sum(axis=1), frame.sum(axis=1))
    one = by_concept(frame.iloc[0], concepts)
    assert np.allclose(one.to_numpy(), summed.iloc[0].to_numpy())


def test_a_column_outside_every_concept_is_refused():
    with pytest.raises(ValueError, match="belong to no concept"):
        by_concept(pd.DataFrame({"a": [1.0], "b": [2.0]}), concepts_of([], ["a"], str))


@pytest.fixture(scope="module")
def churn():
    return bundled("churn")


def test_churn_groups_add_up_to_the_models_log_odds(churn):
    rows = churn.heldout.iloc[:: max(1, len(churn.heldout) // 30)]
    explained = make_explainer(churn.model, churn.dataset.frame.iloc[churn.split.train]).explain(
        rows[list(churn.model.features)])
    concepts = spec_concepts(churn.spec, churn.model.features)
    assert [c.name for c in concepts if c.named] == ["Subscription", "Billing", "Usage and support"]
    grouped = by_concept(explained.by_column, concepts)
    logit = np.log(churn.model.score(rows) / (1 - churn.model.score(rows)))
    assert np.allclose(explained.base_value + grouped.sum(axis=1), logit, atol=1e-6)


# --- importance ---------------------------------------------------------------------------------


def test_grouped_importance_is_the_mean_size_of_each_rows_group_sum():
    # Row 1: monthly +1, total -1 (they cancel: Billing 0), contract +2.
    # Row 2: monthly +3, total +1 (Billing 4), contract -1.
    # Billing: (|0| + |4|) / 2 = 2, not (1+3)/2 + (1+1)/2 = 3 as summed column importances;
    # Contract: (2 + 1) / 2 = 1.5.
    frame = pd.DataFrame({"monthly_charges": [1.0, 3.0], "total_charges": [-1.0, 1.0], "contract": [2.0, -1.0]})
    concepts = concepts_of([("Billing", ("monthly_charges", "total_charges"))], list(frame.columns), label)
    importance = concept_importance(frame, concepts)
    assert importance.to_dict() == {"Billing": 2.0, "Contract": 1.5}
    assert list(importance.index) == ["Billing", "Contract"]


# --- reasons in words ---------------------------------------------------------------------------


def _one_row():
    contributions = pd.Series({"monthly_charges": 0.5, "total_charges": -0.1, "payment_method": 0.3,
                               "contract": -0.4, "region": 0.05})
    row = pd.Series({"monthly_charges": 105.0, "total_charges": 2100.0, "payment_method": "electronic check",
                     "contract": "two-year", "region": "north"})
    return contributions, row


def test_group_reasons_list_the_columns_pushing_the_groups_way():
    contributions, row = _one_row()
    reasons = top_group_reasons(contributions, row, concepts_of([BILLING], COLUMNS, label), label)
    # Billing 0.5 - 0.1 + 0.3 = 0.7 up; Contract -0.4 down; Region 0.05 up.
    assert [(r.name, r.direction) for r in reasons] == [("Billing", "up"), ("Contract", "down"), ("Region", "up")]
    assert reasons[0].contribution == pytest.approx(0.7)
    assert reasons[0].text == "Billing: monthly charges 105, payment method electronic check"
    assert reasons[1].text == "Contract: two-year"  # a lone column reads as before
    sentence = explanation_sentence("churn risk", 0.71, reasons[:2], 0.38)
    assert sentence == ("Churn risk is 71%, above the cut-off of 38%. Raised most by Billing: monthly charges 105, "
                        "payment method electronic check. Lowered by Contract: two-year.")


def test_without_groups_the_reasons_and_sentence_are_the_columns_as_before():
    contributions, row = _one_row()
    reasons = top_group_reasons(contributions, row, concepts_of([], COLUMNS, label), label)
    assert [r.text for r in reasons] == ["Monthly charges: 105", "Contract: two-year", "Payment method: electronic check"]
    assert explanation_sentence("churn risk", 0.71, reasons, 0.38) == (
        "Churn risk is 71%, above the cut-off of 38%. Raised most by Monthly charges: 105 and Payment method: "
        "electronic check; lowered by Contract: two-year.")


def test_a_group_that_made_no_difference_is_no_reason():
    contributions = pd.Series({"monthly_charges": 0.2, "total_charges": -0.2, "contract": 0.1})
    row = pd.Series({"monthly_charges": 1, "total_charges": 2, "contract": "x"})
    concepts = concepts_of([("Billing", ("monthly_charges", "total_charges"))], list(contributions.index), label)
    assert [r.name for r in top_group_reasons(contributions, row, concepts, label)] == ["Contract"]


# --- error patterns under their group -----------------------------------------------------------


def test_patterns_are_listed_under_their_group_side_by_side():
    rng = np.random.default_rng(1)
    n = 400
    frame = pd.DataFrame({
        "payment_method": rng.choice(["card", "electronic check"], n),
        "contract": rng.choice(["monthly", "yearly"], n),
        "monthly_charges": rng.integers(20, 120, n),
        "region": rng.choice(["north", "south"], n),
    })
    group = ((frame.payment_method == "electronic check") & (frame.contract == "monthly")
             & (frame.monthly_charges > 70)).to_numpy()
    patterns = over_represented(frame, group, labels=LABELS)
    assert {p.column for p in patterns} >= {"payment_method", "contract", "monthly_charges"}
    group_of = {"payment_method": "Billing", "monthly_charges": "Billing"}
    listed = under_groups(patterns, group_of)
    names = [name for name, _ in listed]
    assert sorted(p.column for _, p in listed) == sorted(p.column for p in patterns)
    first = names.index("Billing")
    assert names[first:first + 2] == ["Billing", "Billing"]  # side by side
    for name, pattern in listed:
        assert name == group_of.get(pattern.column)


def test_a_grouped_pattern_reads_under_its_group():
    pattern = Pattern("payment_method", "Payment method is electronic check", 6, 8, 42, 100)
    assert grouped_sentence(pattern, "missed churners", "all held-out churners", "Billing") == (
        "Billing: payment method is electronic check for 6 of the 8 missed churners (75%), against 42% of all "
        "held-out churners.")
    assert grouped_sentence(pattern, "missed churners", "all held-out churners", None).startswith(
        "Payment method is electronic check for 6 of the 8")
