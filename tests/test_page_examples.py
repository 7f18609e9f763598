"""The Examples page through AppTest: stories, filters, opening an example, what-if."""

import re

import numpy as np
import pytest
from conftest import ROOT, open_page, page_text

from proofdeck.scenario import build_scenario
from proofdeck.spec import load_spec
from proofdeck.sweep import snap_threshold

EXAMPLES = "pages/2_Examples.py"


@pytest.fixture(scope="module")
def churn():
    return build_scenario(load_spec(ROOT / "demos" / "churn.toml"))


@pytest.fixture
def examples():
    at = open_page(EXAMPLES)
    assert not at.exception
    return at


def story_ids(at):
    return [re.match(r"Customer (\S+) · one of", c.value).group(1) for c in at.caption if " · one of " in c.value]


def table(at):
    return at.dataframe[0].value


def test_three_stories_are_distinct_and_keep_their_promise(examples, churn):
    ids = story_ids(examples)
    assert len(ids) == 3 and len(set(ids)) == 3
    cutoff = snap_threshold(churn.rule_budget_threshold, 0.001, "up")
    positions = [churn.position_of(i) for i in ids]
    model = churn.scores >= cutoff
    caught, false_alarm, both_missed = positions
    assert churn.labels[caught] and model[caught] and not churn.rule_flags[caught]
    assert model[false_alarm] and not churn.labels[false_alarm]
    assert churn.labels[both_missed] and not model[both_missed] and not churn.rule_flags[both_missed]


def test_show_others_draws_new_stories(examples):
    before = story_ids(examples)
    examples.button(key="stories_again_churn").click().run()
    after = story_ids(examples)
    assert len(after) == 3 and after != before


def test_opening_a_story_shows_its_explanation(examples):
    example_id = story_ids(examples)[0]
    examples.button(key="story_open_caught").click().run()
    assert not examples.exception
    heading = examples.subheader[0].value
    assert heading.startswith(f"Customer {example_id}:") and "churner reached" in heading
    sentences = [info.value for info in examples.info]
    assert any(s.startswith("Churn risk is") and "because of" in s for s in sentences)
    charts = examples.get("plotly_chart")
    assert any("pushes churn risk up" in chart.proto.spec for chart in charts)


def test_a_search_that_finds_one_example_opens_it(examples, churn):
    wanted = str(churn.ids.iloc[7])
    examples.text_input(key="filter_search_churn").input(wanted).run()
    assert len(table(examples)) == 1
    assert examples.subheader[0].value.startswith(f"Customer {wanted}:")


def test_filters_narrow_the_table(examples):
    everything = table(examples)
    assert len(everything) == 3000
    examples.multiselect(key="filter_outcome_churn").select("churner missed").run()
    missed = table(examples)
    assert 0 < len(missed) < len(everything)
    assert set(missed["Outcome"]) == {"churner missed"}
    examples.checkbox(key="filter_disagree_churn").check().run()
    disagree = table(examples)
    assert len(disagree) <= len(missed)
    assert (disagree["Model: retention offer?"] != disagree["Rule: retention offer?"]).all()
    examples.slider(key="filter_score_churn").set_value((30, 100)).run()
    assert (table(examples)["Churn risk"] >= 0.30).all()


def test_what_if_changes_the_score_and_reset_restores(examples, churn):
    position = int(np.argmax(churn.scores))
    example_id = str(churn.ids.iloc[position])
    assert examples.subheader[0].value.startswith(f"Customer {example_id}:")
    prefix = f"whatif_churn_{example_id}_"
    examples.selectbox(key=prefix + "contract").set_value("two-year")
    examples.number_input(key=prefix + "tenure_months").set_value(60)
    examples.number_input(key=prefix + "support_tickets_90d").set_value(0)
    examples.button(key="FormSubmitter:whatif_form_churn-Score it").click().run()
    assert not examples.exception
    new = [m for m in examples.metric if m.label == "New churn risk"][0]
    assert new.delta and new.delta.startswith("-")
    assert float(new.value.rstrip("%")) < churn.scores[position] * 100
    examples.button(key="whatif_reset_churn").click().run()
    assert not [m for m in examples.metric if m.label == "New churn risk"]
    assert examples.selectbox(key=prefix + "contract").value == churn.heldout.iloc[position]["contract"]


def test_download_and_drivers_are_there(examples):
    assert examples.get("download_button")
    assert "What drives the churn risk overall" in page_text(examples, include_sidebar=False)


def test_analyst_view_shows_the_shap_arithmetic():
    at = open_page(EXAMPLES, analyst=True)
    caption = [c.value for c in at.caption if c.value.startswith("Analyst view: bars are SHAP values")]
    assert caption and "log-odds" in caption[0]


def test_a_link_with_an_example_opens_it(churn):
    from streamlit.testing.v1 import AppTest

    wanted = str(churn.ids.iloc[42])
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.query_params["example"] = wanted
    at.run()
    at.switch_page(EXAMPLES).run()
    assert not at.exception
    assert at.subheader[0].value.startswith(f"Customer {wanted}:")
