"""Presentation mode in AppTest: the six steps, Next and Back, links to a step, the switch."""

from __future__ import annotations

import re
import shutil
from dataclasses import replace
from functools import cache

import pytest
from conftest import DEMOS, ROOT, TECHNICAL_WORDS, bundled, open_page, page_text, readable
from streamlit.testing.v1 import AppTest

from proofdeck.comparison.ab_test import ab_test_for
from proofdeck.comparison.compare import interval_text, same_budget
from proofdeck.sharing import story_steps as steps
from proofdeck.words import wording as w
from ui.frame import state
from ui.present.mode import BACK_KEY, EXIT_KEY, NEXT_KEY

SWITCH = "Presentation mode"
DECIDE = "pages/1_Decide.py"


@cache
def scenario(demo: str):
    return bundled(demo)


def present(demo: str = "churn", step: str | None = "1", **params: str) -> AppTest:
    """Open a link to the presentation as the first request of a session."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.query_params.update({"demo": demo, "mode": "present", **params})
    if step is not None:
        at.query_params["step"] = step
    at.run()
    assert not at.exception, at.exception
    return at


def shown_step(at: AppTest) -> int:
    """The step the indicator marks as current (and the address carries)."""
    marked = [re.search(r":blue\[\*\*(\d)\. ", md.value) for md in at.main.markdown]
    numbers = [int(match.group(1)) for match in marked if match]
    assert len(numbers) == 1, numbers
    assert at.query_params["step"] in (str(numbers[0]), [str(numbers[0])])
    return numbers[0]


def click(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click().run()
    assert not at.exception, at.exception
    return at


def main_text(at: AppTest) -> str:
    return page_text(at, include_sidebar=False)


def switch(at: AppTest):
    return next(toggle for toggle in at.sidebar.toggle if toggle.label == SWITCH)


def assert_no_controls(at: AppTest) -> None:
    """Only the switch in the sidebar: no demo picker, page links, analyst switch or assumptions."""
    assert [toggle.label for toggle in at.sidebar.toggle] == [SWITCH]
    assert not at.sidebar.selectbox and not at.sidebar.expander
    assert not at.number_input and not at.text_input
    assert not at.get("page_link")
    assert "Assumptions" not in page_text(at)


# --- every step, every demo --------------------------------------------------------------------


@pytest.mark.parametrize("demo", DEMOS)
def test_every_step_shows_its_content_without_controls_or_technical_words(demo):
    # The analyst switch is on in the link: the presentation still speaks business only.
    at = present(demo, analyst="1")
    sc = scenario(demo)
    spec, econ, nouns = sc.spec, sc.spec.economics, sc.spec.nouns
    rule = sc.rule_outcome(econ)
    cmp = same_budget(sc.scores, sc.rule_flags, sc.labels, sc.values, econ)
    texts = {}
    for step in range(steps.FIRST, steps.LAST + 1):
        assert shown_step(at) == step
        assert_no_controls(at)
        found = TECHNICAL_WORDS.findall(page_text(at))
        assert not found, (step, found)
        texts[step] = main_text(at)
        if step < steps.LAST:
            click(at, NEXT_KEY)

    assert spec.question in texts[1]
    assert f"{len(sc.dataset.frame):,} {nouns.entities}" in texts[1]

    assert spec.rule.description in texts[2]
    for figure in (w.count(rule.actions), w.count(rule.reached), w.odds_text(rule.hit_rate)):
        assert figure in texts[2], figure

    assert w.same_budget_headline(spec, econ, cmp) in texts[3]
    assert interval_text(cmp.extra_net, "money", econ.currency) in texts[3]
    assert f"95% range: {steps.range_value(cmp.extra_net, econ.currency)}" in texts[3]

    model = sc.sweep.outcome_at_count(sc.default_count, econ)
    assert w.readout(spec, model, sc.threshold_at(sc.default_count)) in texts[4]
    assert "be selective" in texts[4] and "cast a wide net" in texts[4]

    assert texts[5].count("The model is wrong") >= 1
    assert "the rule catches and the model misses" in texts[5] or "unneeded" in texts[5]

    assert spec.charter.promise[1:] in texts[6] and spec.charter.owner in texts[6]
    for label, sentence in ab_test_for(cmp.rule, cmp.model, econ).short_labelled(nouns):
        assert f"**{label}:** {sentence}" in texts[6]
    assert steps.range_value(cmp.extra_net, econ.currency) in texts[6]
    assert "A backtest on held-out data · done" in texts[6]


def test_the_ask_is_the_end_and_back_returns_step_by_step():
    at = present("leads", step="6")
    assert shown_step(at) == steps.LAST
    assert at.button(key=NEXT_KEY).disabled  # nothing past the ask
    for step in (5, 4, 3, 2, 1):
        click(at, BACK_KEY)
        assert shown_step(at) == step
    assert at.button(key=BACK_KEY).disabled
    assert not at.button(key=NEXT_KEY).disabled


# --- links ---------------------------------------------------------------------------------------


def test_a_link_reopens_its_step():
    at = present("fraud", step="4")
    assert shown_step(at) == 4
    assert len(at.select_slider) == 1
    assert "Fewer or more manual reviews: you choose" in main_text(at)
    assert at.session_state[state.PRESENT] and at.session_state[state.STEP] == 4


@pytest.mark.parametrize("step", ["0", "7", "99", "100", "abc", "-1", "3.5", "", "٣", None])
def test_a_bad_step_in_a_link_starts_at_the_first(step):
    at = present("churn", step=step)
    assert shown_step(at) == steps.FIRST
    assert at.query_params["step"] in ("1", ["1"])


# --- the slider, live -----------------------------------------------------------------------------


def test_slider_moves_the_figures_and_the_setting_on_every_page():
    at = present("churn", step="4")
    sc = scenario("churn")
    before = [metric.value for metric in at.main.metric]
    at.select_slider(key="setting_slider_churn").set_value(sc.rule_count * 2).run()  # a position of the Decide slider
    assert not at.exception
    after = [metric.value for metric in at.main.metric]
    count = at.session_state["pd_counts"]["churn"]
    assert count == sc.rule_count * 2
    assert all(new != old for new, old in zip(after, before)), (before, after)
    econ = sc.spec.economics
    outcome = sc.sweep.outcome_at_count(count, econ)
    assert after[0] == w.count(outcome.reached)
    assert w.readout(sc.spec, outcome, sc.threshold_at(count)) in main_text(at)
    assert at.query_params["top"] in (str(count), [str(count)])

    click(at, EXIT_KEY)
    at.switch_page(DECIDE).run()
    assert not at.exception
    assert at.select_slider[0].value == count
    assert w.readout(sc.spec, outcome, sc.threshold_at(count)) in main_text(at)


# --- the switch ----------------------------------------------------------------------------------


def test_switch_turns_the_mode_on_at_the_first_step_and_off_with_the_setting_kept():
    at = open_page("app.py", demo="leads")
    at.query_params["top"] = "300"
    at.session_state["pd_counts"] = {"leads": 300}
    switch(at).set_value(True).run()
    assert not at.exception
    assert shown_step(at) == steps.FIRST
    assert at.query_params["mode"] in ("present", ["present"])
    assert_no_controls(at)
    click(at, NEXT_KEY)
    switch(at).set_value(False).run()
    assert not at.exception
    assert "mode" not in at.query_params and "step" not in at.query_params
    assert any(box.label == "Demo" for box in at.sidebar.selectbox)
    assert at.session_state["pd_counts"]["leads"] == 300
    assert readable(at.title[0].value) == scenario("leads").spec.question  # the pitch again
    switch(at).set_value(True).run()
    assert shown_step(at) == steps.FIRST  # a new presentation starts at the beginning


def test_exit_returns_to_the_page_it_was_turned_on_from():
    at = open_page(DECIDE, demo="churn")
    switch(at).set_value(True).run()
    assert not at.exception and shown_step(at) == steps.FIRST
    assert not any(button.label == "Best net value" for button in at.button)
    click(at, EXIT_KEY)
    assert any(button.label == "Best net value" for button in at.button)
    assert not switch(at).value


def test_the_ask_shows_the_charter_as_edited_in_this_session():
    at = open_page("app.py", demo="churn")
    at.session_state["pd_charters"] = {}
    sc = scenario("churn")
    at.session_state["pd_charters"]["churn"] = replace(sc.spec.charter, owner="Chief customer officer",
                                                       done=("backtest", "shadow_run"))
    switch(at).set_value(True).run()
    at.session_state[state.STEP] = steps.LAST
    at.run()
    text = main_text(at)
    assert "Chief customer officer" in text and "Head of customer retention" not in text
    assert "A shadow run beside today's rule · done" in text


# --- text from a spec is shown as written -------------------------------------------------------


def test_spec_text_with_markup_is_shown_literally(tmp_path, monkeypatch):
    attack = "[win](http://example.com) <b>bold</b> :material/home: $x$"
    (tmp_path / "demos").mkdir()
    (tmp_path / "data").mkdir()
    shutil.copy(ROOT / "data" / "churn.csv", tmp_path / "data" / "churn.csv")
    spec = (ROOT / "demos" / "churn.toml").read_text()
    spec = spec.replace('question = "Which customers should get a retention offer?"', f'question = "{attack}"')
    spec = spec.replace('owner = "Head of customer retention"', f'owner = "{attack}"')
    (tmp_path / "demos" / "odd.toml").write_text(spec)
    monkeypatch.setenv("PROOFDECK_DEMOS_DIR", str(tmp_path / "demos"))
    at = present("odd", step="1")
    assert at.title[0].value != attack and readable(at.title[0].value) == attack
    click(at, NEXT_KEY)
    at.query_params["step"] = "6"
    at.session_state[state.STEP] = 6
    at.run()
    owner = next(md.value for md in at.main.markdown if md.value.startswith("**Owner:**"))
    assert "](http" not in owner and "<b>" not in owner
    assert readable(owner) == f"**Owner:** {attack}"


def test_a_campaign_demo_says_who_the_offer_changes_on_the_model_step():
    from proofdeck.comparison.effects import effect_at_budget, effect_verdicts

    at = present("campaign", step="3")
    assert not at.exception, at.exception
    text = main_text(at)
    sc = scenario("campaign")
    expected = effect_verdicts(sc, effect_at_budget(sc, sc.spec.economics, boot=sc.uplift.bootstrap()))
    assert "Who the offer changes" in text
    assert expected[0] in text  # the effect ranking against the risk ranking (the rule's is on Rule vs model)
    assert "Who the" not in main_text(present("churn", step="3"))  # no campaign, no such line


# --- a bad link's notices (issue 23, item 6) --------------------------------------------------------


@pytest.mark.parametrize("params", [
    {"step": "zz"}, {"top": "abc"}, {"cost_per_action": "-5"}, {"analyst": "maybe"}, {"win_rate_range": "x"},
])
def test_a_bad_links_notice_is_drawn_under_the_navigation_not_toasted_and_goes_on_next(params):
    at = present("churn", step=params.pop("step", "1"), **params)
    assert not at.toast, [t.value for t in at.toast]  # a toast would cover Next and Exit
    notes = [c.value for c in at.main.caption if ":material/link_off:" in c.value]
    assert len(notes) == 1 and "The link's" in notes[0]
    click(at, "present_next")
    assert not [c.value for c in at.main.caption if ":material/link_off:" in c.value]


def test_a_link_to_a_missing_demo_says_so_in_the_presentation_too():
    at = present("no-such-demo")
    assert not at.toast
    notes = [c.value for c in at.main.caption if ":material/link_off:" in c.value]
    assert len(notes) == 1 and "no\\-such\\-demo" in notes[0]  # escaped Markdown
