"""The Decide page: slider, targets, assumptions and the analyst switch, through AppTest."""

import re

import pytest
from conftest import TECHNICAL_WORDS, bundled, metric_values, open_page, page_text

from proofdeck.decisions.slider_scale import slider_counts
from proofdeck.words import wording as w

DECIDE = "pages/1_Decide.py"


@pytest.fixture(scope="module")
def churn():
    return bundled("churn")


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


def slider(at):
    return at.select_slider(key="setting_slider_churn")


def target(at, name: str, demo: str = "churn"):
    """A target input (its key changes with the setting: it always starts from it)."""
    return next(box for box in at.number_input if box.key.startswith(f"target_{name}_{demo}_"))


def note(at) -> str | None:
    infos = [i.value for i in at.info]
    return infos[0] if infos else None


def test_slider_is_labelled_in_business_words(decide):
    assert "customers get a retention offer" in slider(decide).label
    captions = " ".join(caption.value for caption in decide.caption)
    assert "cast a wide net" in captions and "be selective" in captions
    readout = [m.value for m in decide.markdown if m.value.startswith("##### ")][0]
    assert re.search(r"Send a retention offer to the [\d,]+ customers \(\d+%\) with churn risk of [\d.]+% or more", readout)


def test_default_is_exactly_the_rules_budget(decide, churn):
    # One budget, one number: Decide starts where the pitch and Rule vs model compare.
    assert slider(decide).value == churn.rule_count
    figures = metric_values(decide)
    rule = churn.rule_outcome(churn.spec.economics)
    readout = [m.value for m in decide.markdown if m.value.startswith("##### ")][0]
    assert f"the {rule.actions:,.0f} customers" in readout
    assert figures["Spend"].startswith("$") and "same as rule" in [m.delta for m in decide.metric if m.label == "Spend"]


def test_moving_the_slider_changes_every_key_figure(decide, churn):
    before = metric_values(decide)
    assert len(before) >= 7
    slider(decide).set_value(churn.rule_count * 2).run()
    assert not decide.exception
    after = metric_values(decide)
    changed = [label for label in before if before[label] != after[label]]
    assert changed == list(before), f"unchanged: {set(before) - set(changed)}"


def test_afford_n_moves_the_slider_and_respects_n(decide):
    start = slider(decide).value
    target(decide, "afford").set_value(3000).run()
    decide.button(key="set_afford_churn").click().run()
    assert slider(decide).value < start
    assert number(metric_values(decide)["Retention offers"] if "Retention offers" in metric_values(decide)
                  else [m.value for m in decide.markdown if m.value.startswith("##### ")][0].split("the ")[1]) <= 3000
    assert "At most 3,000 retention offers" in note(decide)


def test_target_inputs_start_from_the_current_setting(decide, churn):
    # The bug: after a slider move the popover's input showed 0, and "Set" set nobody.
    next_position = int(slider_counts(churn.sweep.size, churn.rule_count).searchsorted(churn.rule_count)) + 1
    moved = int(slider_counts(churn.sweep.size, churn.rule_count)[next_position])
    slider(decide).set_value(moved).run()
    actions = target(decide, "afford").value
    readout = [m.value for m in decide.markdown if m.value.startswith("##### ")][0]
    assert actions > 0 and f"{actions:,.0f}" in readout
    decide.button(key="set_afford_churn").click().run()
    assert slider(decide).value == moved
    assert target(decide, "spend").value > 0
    assert target(decide, "reach").value > 0


def test_spend_b_moves_the_slider_and_respects_b(decide):
    target(decide, "spend").set_value(150000).run()
    decide.button(key="set_spend_churn").click().run()
    assert number(metric_values(decide)["Spend"]) <= 150000 * 1.005  # display rounds to 3 digits
    assert number(metric_values(decide)["Spend"]) < 300000


def test_reach_x_percent_moves_the_slider_and_reaches_it(decide):
    start = slider(decide).value
    target(decide, "reach").set_value(80).run()
    decide.button(key="set_reach_churn").click().run()
    assert slider(decide).value > start
    caption = " ".join(c.value for c in decide.caption)
    reached = int(re.search(r"we reach (\d+)% of all churners", caption).group(1))
    assert reached >= 80


def test_confirmation_goes_when_the_setting_moves(decide, churn):
    target(decide, "afford").set_value(500).run()
    decide.button(key="set_afford_churn").click().run()
    assert "At most 500" in note(decide)
    slider(decide).set_value(churn.rule_count).run()
    assert note(decide) is None


def test_best_net_value_is_honest_and_goes_when_assumptions_change(decide, churn):
    decide.button(key="set_best_churn").click().run()
    text = note(decide)
    assert text.startswith("Best net value") and "flatters" in text
    honest = number(re.search(r"earns about \*\*(\$[\d.,]+[kMB]?)\*\*", text).group(1))
    in_sample = number(re.search(r"the (\$[\d.,]+[kMB]?) below", text).group(1))
    assert honest != in_sample  # the figure quoted is not the in-sample maximum
    decide.number_input(key="econ_churn_cost_per_action").set_value(1000.0).run()
    assert note(decide) is None  # it described other assumptions


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


def test_key_figures_say_how_sure_and_follow_the_slider(decide, churn):
    def how_sure():
        return [c.value for c in decide.caption if c.value.startswith("How sure:")][0]

    before = how_sure()
    assert re.search(r"churners reached [\d,]+ to [\d,]+", before) and "net value $" in before
    slider(decide).set_value(churn.rule_count * 2).run()
    assert how_sure() != before


def test_value_per_1_spent_changes_are_relative_never_a_difference_of_ratios():
    at = open_page(DECIDE, "leads")
    delta = [m.delta for m in at.metric if m.label == "First-year revenue per $1 spent"][0]
    assert re.fullmatch(r"[+-]\d+% vs rule", delta), delta


def test_missed_money_is_on_the_same_basis_as_money_won(decide, churn):
    econ = churn.spec.economics
    outcome = churn.sweep.outcome_at_count(churn.rule_count, econ)
    text = page_text(decide, include_sidebar=False)
    assert f"{w.money(outcome.missed_winnable)} more revenue kept if they were reached" in text
    assert outcome.missed_winnable == pytest.approx(econ.win_rate * outcome.missed_value)
    assert "walking away" not in text
