"""Who the offer changes (issue 21): the Rule vs model tab and the Decide page's rank-by choice on
the campaign demo, through AppTest, against the package's own figures computed independently."""

from __future__ import annotations

import pytest
from conftest import TECHNICAL_WORDS, bundled, metric_values, open_page, open_tab, page_text

from proofdeck.comparison.effects import effect_at_budget
from proofdeck.words import wording as w

COMPARE, DECIDE = "pages/3_Compare.py", "pages/1_Decide.py"
TABS = "compare_tabs_campaign"
JARGON = ("uplift", "qini", "persuadable", "sleeping dog")


@pytest.fixture(scope="module")
def campaign():
    return bundled("campaign")


@pytest.fixture(scope="module")
def compare():
    at = open_page(COMPARE, "campaign")
    assert not at.exception, at.exception
    return at


def test_the_effect_tab_comes_first_and_compares_three_ways_at_the_rules_budget(compare, campaign):
    tabs = [tab.label for tab in compare.tabs]
    assert tabs[0] == "Who the offer changes", tabs
    table = compare.table[0].value
    assert list(table.columns) == ["Today's rule", "Ranked by cancellation risk", "Ranked by the offer's effect"]
    rows = list(table.index)
    assert rows[0] == "Subscribers kept because of the offer"
    assert "Picks: would leave whatever we do (estimated)" in rows
    # The figures are the package's at the rule's budget (computed here without the page's cache).
    expected = effect_at_budget(campaign, campaign.spec.economics)
    kept = expected.policies["uplift"].changed
    assert table.loc[rows[0], "Ranked by the offer's effect"].startswith(w.count(kept.estimate))
    assert w.range_text(kept.low, kept.high, "count") in table.loc[rows[0], "Ranked by the offer's effect"]
    text = page_text(compare)
    assert "Ranked by the offer's effect gives about" in text and "than ranked by cancellation risk" in text
    assert "decided at random" in text


def test_the_business_view_has_no_jargon_and_the_analyst_view_names_the_curve(compare):
    text = page_text(compare).lower()
    assert not [word for word in JARGON if word in text]
    assert not TECHNICAL_WORDS.findall(page_text(compare))
    chart = compare.get("plotly_chart")[0].proto.spec
    assert "Qini" not in chart and "because of the offer" in chart
    analyst = open_page(COMPARE, "campaign", analyst=True)
    assert "Uplift \\u002f Qini curve" in analyst.get("plotly_chart")[0].proto.spec  # JSON escapes the slash


def test_where_the_data_have_a_campaign_the_caveat_says_what_it_shows(compare):
    text = page_text(compare, include_sidebar=False)
    assert "A past campaign gave an offer to some subscribers and not to others (at random)" in text
    assert "does not prove that an offer changes the outcome" not in text


def test_other_tabs_still_open(compare):
    at = open_tab(compare, TABS, "Better than random?")
    assert at.get("plotly_chart"), "the gains chart is drawn"
    open_tab(at, TABS, "Who the offer changes")


@pytest.fixture
def decide():
    at = open_page(DECIDE, "campaign")
    assert not at.exception, at.exception
    return at


def rank_by(at):
    return at.radio(key="rank_by_campaign")


def test_decide_ranks_by_risk_until_asked_and_then_shows_the_effect(decide, campaign):
    choice = rank_by(decide)
    assert choice.value == "risk"
    assert "Subscribers kept because of the offer" not in metric_values(decide)
    risk_figures = {k: v for k, v in metric_values(decide).items()}
    choice.set_value("effect").run()
    assert not decide.exception, decide.exception
    figures = [m for m in decide.metric if m.label == "Subscribers kept because of the offer"]
    assert len(figures) == 2  # the effect ranking beside the risk ranking
    expected = effect_at_budget(campaign, campaign.spec.economics, campaign.rule_count, with_rule=False)
    assert figures[0].value == w.count(expected.policies["uplift"].changed.estimate)
    assert figures[1].value == w.count(expected.policies["risk"].changed.estimate)
    # The risk-based figures below are unchanged.
    after = metric_values(decide)
    assert all(after[label] == value for label, value in risk_figures.items())


def test_the_effect_figures_follow_the_slider(decide, campaign):
    rank_by(decide).set_value("effect").run()
    before = [m.value for m in decide.metric if m.label == "Subscribers kept because of the offer"]
    moved = campaign.rule_count * 2
    decide.select_slider(key="setting_slider_campaign").set_value(moved).run()
    assert not decide.exception, decide.exception
    after = [m.value for m in decide.metric if m.label == "Subscribers kept because of the offer"]
    expected = effect_at_budget(campaign, campaign.spec.economics, moved, with_rule=False)
    assert after == [w.count(expected.policies[key].changed.estimate) for key in ("uplift", "risk")]
    assert after != before
    # The choice survives a page switch and back.
    decide.switch_page(COMPARE).run()
    decide.switch_page(DECIDE).run()
    assert rank_by(decide).value == "effect"


def test_demos_without_a_campaign_have_no_rank_by_choice():
    at = open_page(DECIDE, "churn")
    assert not [radio for radio in at.radio if radio.key and radio.key.startswith("rank_by_")]
    assert "Who the retention offer changes" not in [tab.label for tab in open_page(COMPARE, "churn").tabs]


def test_your_data_takes_a_past_campaign_and_the_dashboard_shows_who_the_action_changes():
    from test_page_your_data import build, prefix, upload, write_rule

    frame = bundled("campaign").dataset.frame.head(8000)
    at = upload("campaign.csv", frame.to_csv(index=False).encode())
    p = prefix(at)
    at.selectbox(key=f"{p}_outcome").set_value("cancelled_90d").run()
    column = at.selectbox(key=f"{p}_campaign_column")
    assert "Which column says who got the" in column.label and "in a past campaign?" in column.label
    assert "offer_sent" in column.options and "cancelled_90d" not in column.options
    column.set_value("offer_sent").run()
    at.selectbox(key=f"{p}_campaign_value_offer_sent").set_value("yes").run()
    assert at.radio(key=f"{p}_campaign_random").value == "Yes, at random"
    write_rule(at, 'contract == "monthly" and tenure_months < 6')
    build(at)
    at.switch_page(COMPARE).run()
    assert not at.exception, at.exception
    assert at.tabs[0].label.startswith("Who the "), [t.label for t in at.tabs]
    assert "Ranked by" in " ".join(at.table[0].value.columns)
    at.switch_page(DECIDE).run()
    assert [radio for radio in at.radio if radio.key and radio.key.startswith("rank_by_")]
