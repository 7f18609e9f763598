"""The Rule vs model page through AppTest: verdict, segments, and an honest "unclear"."""

import re

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT, open_page, open_tab, page_text, readable

COMPARE = "pages/3_Compare.py"


def test_first_box_answers_better_by_how_much_how_sure():
    at = open_page(COMPARE)
    headline = at.subheader[0].value
    assert headline.startswith("With the same") and "worth $" in headline
    text = page_text(at, include_sidebar=False)
    assert "95% interval: between" in text
    assert "The model is better than today's rule" in text
    assert "Same reach:" in text


def test_segment_choice_changes_the_table():
    at = open_tab(open_page(COMPARE), "compare_tabs_churn", "By segment")
    split = at.selectbox(key="segment_column_churn")
    before = at.dataframe[-1].value.copy()
    assert split.value == "contract" and "Contract" in before.columns
    split.set_value("plan").run()
    assert not at.exception
    after = at.dataframe[-1].value
    assert "Plan" in after.columns
    assert sorted(after["Plan"]) == ["basic", "premium", "standard"]


def test_agreement_cell_lists_its_examples_and_links_to_examples_page():
    at = open_tab(open_page(COMPARE), "compare_tabs_churn", "Where they agree")
    cell = at.selectbox(key="agreement_cell_churn")
    cell.select(cell.options[3]).run()
    assert not at.exception
    links = [link for link in at.main.get("page_link") if "Examples page" in link.proto.label]
    assert links


@pytest.fixture
def coin_flip_demo(tmp_path, monkeypatch):
    """A demo where the outcome is noise: neither rule nor model can beat the other."""
    rng = np.random.default_rng(1)
    n = 1000
    frame = pd.DataFrame({
        "id": [f"R{i}" for i in range(n)],
        "x": rng.normal(size=n).round(3),
        "colour": rng.choice(["red", "blue"], size=n),
        "outcome": np.where(rng.random(n) < 0.3, "yes", "no"),
    })
    frame.to_csv(tmp_path / "coins.csv", index=False)
    spec = (ROOT / "demos" / "churn.toml").read_text()
    spec = spec.replace('path = "../data/churn.csv"', 'path = "coins.csv"')
    spec = spec.replace('id_column = "customer_id"', 'id_column = "id"')
    spec = spec.replace('target_column = "churned_90d"', 'target_column = "outcome"')
    spec = spec.replace("contract == \"month-to-month\" and tenure_months < 6", "x > 0.5")
    labels_start = spec.index("[data.labels]")
    spec = spec[:labels_start] + spec[spec.index("[nouns]"):]
    (tmp_path / "coins.toml").write_text(spec)
    monkeypatch.setenv("PROOFDECK_DEMOS_DIR", str(tmp_path))
    return "coins"


def test_verdict_says_unclear_when_the_data_cannot_tell(coin_flip_demo):
    at = open_page(COMPARE, demo=coin_flip_demo)
    assert not at.exception
    headline = at.subheader[0].value
    assert "do not show a clear difference" in headline
    assert "could go either way" in page_text(at, include_sidebar=False)


def test_break_even_against_the_rule_and_against_doing_nothing():
    at = open_tab(open_page(COMPARE), "compare_tabs_churn", "What if our guesses are off?")
    text = page_text(at, include_sidebar=False)
    assert "The model beats today's rule" in text
    match = re.search(r"The model beats doing nothing while the value of each customer kept is above \$(\d+)", text)
    assert match and 0 < int(match.group(1)) < 600
    assert "Which assumption changes the answer most" in text


def test_pitch_warns_when_the_rule_names_a_value_that_never_occurs(coin_flip_demo, tmp_path):
    spec = tmp_path / "coins.toml"
    spec.write_text(spec.read_text().replace('expression = \'x > 0.5\'', 'expression = \'x > 0.5 or colour == "green"\''))
    at = open_page("app.py", demo=coin_flip_demo)
    assert not at.exception
    assert any('"green" never occurs in \'colour\'' in readable(warning.value) for warning in at.warning)


def test_a_tab_choice_survives_leaving_the_page():
    at = open_tab(open_page(COMPARE), "compare_tabs_churn", "By segment")
    at.selectbox(key="segment_column_churn").set_value("plan").run()
    at.switch_page("pages/1_Decide.py").run()
    at.switch_page(COMPARE).run()
    assert at.selectbox(key="segment_column_churn").value == "plan"  # the tab and the choice came back


def test_only_the_open_tab_runs():
    at = open_page(COMPARE)
    assert not [box for box in at.selectbox if box.key == "segment_column_churn"]
    open_tab(at, "compare_tabs_churn", "By segment")
    assert [box for box in at.selectbox if box.key == "segment_column_churn"]


def test_break_even_compares_at_exactly_the_rules_budget():
    # "Beats the rule whatever the value of a kept customer" must never rest on sending fewer.
    at = open_tab(open_page(COMPARE), "compare_tabs_churn", "What if our guesses are off?")
    caption = [c.value for c in at.caption if c.value.startswith("The model at today's budget")][0]
    assert "its top 8,040 customers, as many as the rule picks" in caption


def test_a_column_labelled_like_a_table_heading_does_not_break_examples(tmp_path, monkeypatch):
    # A column labelled "Outcome" used to crash Examples with duplicate column names.
    spec = (ROOT / "demos" / "churn.toml").read_text().replace('contract = "Contract"', 'contract = "Outcome"')
    spec = spec.replace('path = "../data/churn.csv"', f'path = "{ROOT / "data" / "churn.csv"}"')
    (tmp_path / "churn.toml").write_text(spec)
    monkeypatch.setenv("PROOFDECK_DEMOS_DIR", str(tmp_path))
    monkeypatch.setenv("PROOFDECK_DATA_ROOT", str(ROOT))
    at = open_page("pages/2_Examples.py", "churn")
    assert not at.exception
    headings = list(at.dataframe[0].value.columns)
    assert len(headings) == len(set(headings)) and "Outcome" in headings and "Outcome (2)" in headings
