"""The Decide page: slider, targets, assumptions and the analyst switch, through AppTest."""

import re

import pytest
from conftest import TECHNICAL_WORDS, metric_values, open_page, page_text

DECIDE = "pages/1_Decide.py"


@pytest.fixture
def decide():
    at = open_page(DECIDE)
    assert not at.exception
    return at


def number(text: str) -> float:
    """"$1.2M" -> 1.2e6, "8,040" -> 8040, "184%" -> 184."""
    match = re.search(r"(-?)\$?([\d,.]+)([kMB]?)", text)
    sign, digits, suffix = match.groups()
    value = float(digits.replace(",", "")) * {"": 1, "k": 1e3, "M": 1e6, "B": 1e9}[suffix]
    return -value if sign else value


def test_slider_is_labelled_in_business_words(decide):
    slider = decide.slider[0]
    assert "churn risk" in slider.label and "retention offer" in slider.label
    captions = " ".join(caption.value for caption in decide.caption)
    assert "cast a wide net" in captions and "be selective" in captions
    readout = [m.value for m in decide.markdown if m.value.startswith("##### ")][0]
    assert re.search(r"Send a retention offer to the [\d,]+ customers \(\d+%\) with churn risk of [\d.]+% or more", readout)


def test_moving_the_slider_changes_every_key_figure(decide):
    before = metric_values(decide)
    assert len(before) >= 9
    decide.slider[0].set_value(12.0).run()
    assert not decide.exception
    after = metric_values(decide)
    changed = [label for label in before if before[label] != after[label]]
    assert changed == list(before), f"unchanged: {set(before) - set(changed)}"


def test_afford_n_moves_the_slider_and_respects_n(decide):
    start = decide.slider[0].value
    decide.number_input(key="target_afford_churn").set_value(3000).run()
    decide.button(key="set_afford_churn").click().run()
    assert decide.slider[0].value > start
    assert number(metric_values(decide)["Retention offers"]) <= 3000


def test_spend_b_moves_the_slider_and_respects_b(decide):
    decide.number_input(key="target_spend_churn").set_value(150000).run()
    decide.button(key="set_spend_churn").click().run()
    assert number(metric_values(decide)["Spend"]) <= 150000 * 1.005  # display rounds to 3 digits
    spend_now = number(metric_values(decide)["Spend"])
    assert spend_now < 300000


def test_reach_x_percent_moves_the_slider_and_reaches_it(decide):
    start = decide.slider[0].value
    decide.number_input(key="target_reach_churn").set_value(80).run()
    decide.button(key="set_reach_churn").click().run()
    assert decide.slider[0].value < start
    caption = " ".join(c.value for c in decide.caption)
    reached = int(re.search(r"we reach (\d+)% of all churners", caption).group(1))
    assert reached >= 80


def test_best_net_value_says_it_is_an_estimate(decide):
    decide.button(key="set_best_churn").click().run()
    note = decide.info[0].value
    assert "Best net value on held-out data" in note
    assert "estimate from 3,000 held-out customers" in note


def test_assumptions_change_money_and_reset_restores(decide):
    before = metric_values(decide)
    decide.number_input(key="econ_churn_cost_per_action").set_value(90.0).run()
    after = metric_values(decide)
    assert after["Spend"] != before["Spend"] and after["Net value"] != before["Net value"]
    assert after["Churners reached"] == before["Churners reached"]
    reset = [b for b in decide.button if b.label == "Reset to the demo's values"][0]
    reset.click().run()
    assert metric_values(decide) == before
    assert decide.number_input(key="econ_churn_cost_per_action").value == 40.0


def test_assumptions_apply_on_other_pages(decide):
    decide.number_input(key="econ_churn_value_per_won").set_value(1200.0).run()
    decide.switch_page("app.py").run()
    changed = page_text(decide)
    fresh = open_page("app.py")
    assert changed != page_text(fresh)


def test_analyst_view_off_has_no_technical_words(decide):
    text = page_text(decide)
    assert not TECHNICAL_WORDS.findall(text), TECHNICAL_WORDS.findall(text)


def test_analyst_view_on_shows_technical_names():
    at = open_page(DECIDE, analyst=True)
    found = {word.lower() for word in TECHNICAL_WORDS.findall(page_text(at))}
    assert found == {"precision", "recall", "f1", "auc", "threshold"}
    glossary = at.table[0].value
    assert "Technical term" in glossary.columns


def test_key_figures_say_how_sure_and_follow_the_slider(decide):
    def margins():
        return [c.value for c in decide.caption if c.value.startswith("How sure: 95% margins")][0]

    before = margins()
    assert "churners reached ±" in before and "net value ±$" in before
    decide.slider[0].set_value(10.0).run()
    assert margins() != before
