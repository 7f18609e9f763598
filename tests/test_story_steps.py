"""The presentation's steps: their order, where a bad step goes, and what each one says."""

from __future__ import annotations

import math
from dataclasses import replace
from functools import cache

import numpy as np
import pytest
from conftest import DEMOS, TECHNICAL_WORDS, bundled
from hypothesis import given
from hypothesis import strategies as st

from proofdeck.comparison.ab_test import ab_test_for
from proofdeck.comparison.compare import interval_text, same_budget
from proofdeck.data.spec import Charter
from proofdeck.decisions.bootstrap import Interval
from proofdeck.explanation.stories import (
    BOTH_MISSED,
    CAUGHT,
    FALSE_ALARM,
    MODEL_RIGHT,
    RULE_ONLY,
    Story,
    pick_stories,
)
from proofdeck.model.scenario import scenario_from_scores
from proofdeck.sharing import story_steps as steps
from proofdeck.words import wording as w


@cache
def scenario(demo: str):
    return bundled(demo)


@cache
def comparison(demo: str):
    sc = scenario(demo)
    return same_budget(sc.scores, sc.rule_flags, sc.labels, sc.values, sc.spec.economics)


def slide_text(slide: steps.Slide) -> str:
    parts = [slide.heading, slide.subheading, *slide.lines, *slide.notes]
    for figure in slide.figures:
        parts += [figure.label, figure.value, figure.change or ""]
    return "\n".join(parts)


# --- order and stepping ---------------------------------------------------------------------------


def test_six_steps_in_story_order_ending_on_the_ask():
    assert [step.key for step in steps.STEPS] == ["question", "rule", "model", "live", "examples", "ask"]
    assert (steps.FIRST, steps.LAST) == (1, 6)
    assert steps.step_of("ask") == steps.LAST


@pytest.mark.parametrize("value", [1, 2, 3, 4, 5, 6, "1", "4", "6"])
def test_a_real_step_is_kept(value):
    assert steps.step_number(value) == int(value)


@pytest.mark.parametrize("value", [None, 0, -1, 7, 99, "0", "7", "99", "", "abc", "3.5", "-2", " 3", "٣", "²", 2.0,
                                   True, [3], "9" * 40])
def test_a_bad_step_starts_at_the_first(value):
    assert steps.step_number(value) == steps.FIRST


@given(st.one_of(st.integers(), st.text(max_size=8), st.none(), st.floats()))
def test_any_value_gives_a_step_that_exists(value):
    assert steps.FIRST <= steps.step_number(value) <= steps.LAST


@given(st.integers(min_value=1, max_value=6))
def test_next_and_back_move_by_one_within_the_story(step):
    assert steps.next_step(step) == min(step + 1, steps.LAST)
    assert steps.previous_step(step) == max(step - 1, steps.FIRST)


def test_stepping_past_the_end_stays_on_the_ask():
    step = steps.FIRST
    for _ in range(20):
        step = steps.next_step(step)
    assert step == steps.step_of("ask")
    assert steps.previous_step(steps.FIRST) == steps.FIRST


# --- what the steps say, for every demo -----------------------------------------------------------


@pytest.mark.parametrize("demo", DEMOS)
def test_question_step_states_the_question_and_the_data_in_one_line(demo):
    sc = scenario(demo)
    spec, data = sc.spec, sc.dataset
    slide = steps.question_slide(spec, spec.economics, len(data.frame), len(data.features), data.positive_rate,
                                 sc.sweep.size)
    assert slide.heading == spec.question
    assert slide.subheading.startswith(f"{len(data.frame):,} {spec.nouns.entities}, {len(data.features)} columns")
    assert "\n" not in slide.subheading and w.share(data.positive_rate) in slide.subheading
    assert [f.value for f in slide.figures][-2:] == [w.share(data.positive_rate), f"{sc.sweep.size:,}"]


@pytest.mark.parametrize("demo", DEMOS)
def test_rule_step_shows_what_the_rule_achieves(demo):
    sc = scenario(demo)
    econ = sc.spec.economics
    rule = sc.rule_outcome(econ)
    slide = steps.rule_slide(sc.spec, econ, rule, sc.sweep.size)
    values = [figure.value for figure in slide.figures]
    assert values[:3] == [w.count(rule.actions), w.count(rule.reached), w.odds_text(rule.hit_rate)]
    assert slide.subheading == sc.spec.rule.description
    assert w.hit_rate_phrase(sc.spec.nouns, rule.hit_rate) in slide.lines[0]
    assert " in " in values[2]  # "4.4 in 10", "1 in 34": how many actions reach one
    per = f" per {econ.period}"
    assert slide.figures[0].label.endswith(per)
    assert slide.figures[3].label.endswith(per) == (sc.spec.headline.figure != "cost_per_won")  # CAC is a ratio


@pytest.mark.parametrize("demo", DEMOS)
def test_model_step_gives_the_change_at_the_same_budget_with_its_interval(demo):
    sc, cmp = scenario(demo), comparison(demo)
    econ = sc.spec.economics
    slide = steps.model_slide(sc.spec, econ, cmp, sc.sweep.size)
    assert slide.subheading == w.same_budget_headline(sc.spec, econ, cmp)
    assert interval_text(cmp.extra_net, "money", econ.currency) in slide.lines[0]
    net = slide.figures[-1]
    assert net.value == w.money(cmp.extra_net.estimate, econ.currency, signed=True)
    assert net.change == f"95% range: {steps.range_value(cmp.extra_net, econ.currency)}"
    assert slide.figures[0].value == w.count(cmp.model.reached)


@cache
def own_scores(unseen: str = "not sure"):
    """The churn data scored by "the team's own model", with no rule: a random pick is the baseline."""
    base = scenario("churn")
    scores = np.clip(0.3 * base.dataset.labels + np.random.default_rng(3).random(base.dataset.labels.size) * 0.7, 0, 1)
    return scenario_from_scores(base.spec, base.dataset, scores, unseen=unseen)


def test_every_step_names_a_random_pick_and_says_the_figures_may_flatter_when_there_is_no_rule():
    sc = own_scores()
    econ = sc.spec.economics
    cmp = same_budget(sc.scores, sc.rule_flags, sc.labels, sc.values, econ)
    data = sc.dataset
    question = steps.question_slide(sc.spec, econ, len(data.frame), len(data.features), data.positive_rate,
                                    sc.sweep.size, sc.unseen_note)
    rule = steps.rule_slide(sc.spec, econ, sc.rule_outcome(econ), sc.sweep.size, sc.random_pick)
    model = steps.model_slide(sc.spec, econ, cmp, sc.sweep.size, sc.baseline, sc.unseen_note)
    live = steps.live_figures(sc.spec, econ, sc.sweep.outcome_at_count(500, econ), sc.rule_outcome(econ), sc.baseline)
    ask = steps.ask(sc.spec, econ, cmp, ab_test_for(cmp.rule, cmp.model, econ), against=sc.baseline)
    texts = [slide_text(question), slide_text(rule), slide_text(model),
             "\n".join(f"{f.label} {f.value} {f.change}" for f in live),
             "\n".join([ask.test, *(step for step, _ in ask.checklist)])]
    for text in texts:
        assert "today's rule" not in text.lower() and "the rule" not in text.lower(), text
    # The spread of one pick is said where the random pick is shown: k * P / n on average.
    k, positives, n = sc.rule_count, int(sc.labels.sum()), sc.labels.size
    assert rule.heading == "No rule: a random pick"
    assert f"reaches {k * positives / n:,.1f} churners on average; one pick typically lands between" in rule.subheading
    assert "instead of the" in model.subheading and "a random pick reaches on average" in model.subheading
    assert "vs random" in texts[3] and "for a random pick" in ask.test
    for slide in (question, model):
        assert sc.unseen_note in slide_text(slide) and "the model never saw" not in slide_text(slide)


@pytest.mark.parametrize("demo", DEMOS)
def test_live_figures_follow_the_setting(demo):
    sc = scenario(demo)
    econ = sc.spec.economics
    rule = sc.rule_outcome(econ)
    at_rule = steps.live_figures(sc.spec, econ, sc.sweep.outcome_at_count(sc.default_count, econ), rule)
    nobody = steps.live_figures(sc.spec, econ, sc.sweep.outcome_at_count(0, econ), rule)
    assert len(at_rule) == 4
    assert [f.value for f in at_rule] != [f.value for f in nobody]
    assert nobody[0].value == "0" and nobody[0].change == f"-{w.count(rule.reached)} vs rule"
    assert nobody[0].colour == "normal"  # fewer reached shows as down and bad


@pytest.mark.parametrize("demo", DEMOS)
def test_no_step_uses_a_technical_word(demo):
    sc, cmp = scenario(demo), comparison(demo)
    spec, econ, data = sc.spec, sc.spec.economics, sc.dataset
    rule = sc.rule_outcome(econ)
    texts = [
        slide_text(steps.question_slide(spec, econ, len(data.frame), 3, data.positive_rate, sc.sweep.size)),
        slide_text(steps.rule_slide(spec, econ, rule, sc.sweep.size)),
        slide_text(steps.model_slide(spec, econ, cmp, sc.sweep.size)),
        steps.live_heading(spec, econ),
        *(f"{f.label} {f.value} {f.change}" for f in steps.live_figures(spec, econ, cmp.model, rule)),
    ]
    the_ask = steps.ask(spec, econ, cmp, ab_test_for(cmp.rule, cmp.model, econ))
    texts += [the_ask.action, the_ask.owner, the_ask.promise, the_ask.test, *(figure.label for figure in the_ask.impact)]
    found = [t for t in texts if TECHNICAL_WORDS.search(t)]
    assert not found


# --- examples -----------------------------------------------------------------------------------


def test_three_stories_with_one_the_rule_gets_and_the_model_misses():
    rng = np.random.default_rng(1)
    labels, model, rule = rng.random(400) < 0.3, rng.random(400) < 0.3, rng.random(400) < 0.3
    chosen = steps.story_choice(pick_stories(labels, model, rule, seed=2))
    assert [story.kind for story in chosen] == [CAUGHT, RULE_ONLY, BOTH_MISSED]
    assert any(not MODEL_RIGHT[story.kind] for story in chosen)


def test_an_unneeded_action_stands_in_when_the_model_never_misses_what_the_rule_gets():
    stories = [Story(CAUGHT, 1, 5), Story(RULE_ONLY, None, 0), Story(FALSE_ALARM, 7, 9), Story(BOTH_MISSED, 3, 2)]
    assert [s.kind for s in steps.story_choice(stories)] == [CAUGHT, FALSE_ALARM, BOTH_MISSED]
    stories[2] = Story(FALSE_ALARM, None, 0)
    assert [s.kind for s in steps.story_choice(stories)] == [CAUGHT, RULE_ONLY, BOTH_MISSED]


def test_examples_line_says_how_many_the_model_gets_wrong():
    spec = scenario("churn").spec
    chosen = [Story(CAUGHT, 1, 5), Story(RULE_ONLY, 2, 3), Story(BOTH_MISSED, None, 0)]
    line = steps.examples_line(spec, chosen)
    assert "at random" in line and line.endswith("it is wrong on one of these two.")


# --- the ask ------------------------------------------------------------------------------------


@pytest.mark.parametrize("demo", DEMOS)
def test_ask_has_the_charter_the_impact_range_and_the_test(demo):
    sc, cmp = scenario(demo), comparison(demo)
    econ, charter = sc.spec.economics, sc.spec.charter
    test = ab_test_for(cmp.rule, cmp.model, econ)
    the_ask = steps.ask(sc.spec, econ, cmp, test)
    assert (the_ask.action, the_ask.owner) == (charter.action, charter.owner)
    assert the_ask.promise == w.sentence_case(charter.promise)
    assert the_ask.checklist == tuple(charter.checklist) and the_ask.checklist[0][1] is True
    assert the_ask.impact[0].value == steps.range_value(cmp.extra_net, econ.currency)
    assert the_ask.impact[1].value == steps.range_value(cmp.combined_net, econ.currency)
    assert "money assumptions" in the_ask.impact[1].label
    # A slide has room for the sizes only; the pitch and the report give the full sentences.
    assert the_ask.tests == test.short_labelled(sc.spec.nouns)
    (settles, hold_back), (versus_label, versus) = the_ask.tests
    assert settles == "The test that settles the money" and versus_label == "Which picks better, the model or today's rule"
    nouns = sc.spec.nouns
    assert hold_back.startswith(f"About {w.count(test.hold_back.per_arm)} {nouns.entities} per half, "
                                f"{w.count(2 * test.hold_back.per_arm)} in all")
    assert versus.startswith(f"About {w.count(test.versus.per_arm)} {nouns.actions} per arm")


def test_ask_uses_the_sessions_charter_when_given():
    sc, cmp = scenario("leads"), comparison("leads")
    edited = replace(sc.spec.charter, owner="Chief revenue officer", done=("backtest", "gold_set"))
    the_ask = steps.ask(sc.spec, sc.spec.economics, cmp, None, charter=edited)
    assert the_ask.owner == "Chief revenue officer"
    assert [done for _, done in the_ask.checklist] == [True, True, False, False]


def test_ask_without_a_charter_or_a_test_says_what_is_missing():
    sc, cmp = scenario("churn"), comparison("churn")
    spec = replace(sc.spec, charter=Charter())
    the_ask = steps.ask(spec, spec.economics, cmp, None, "today's rule acts on nobody")
    assert the_ask.action == steps.MISSING_CHARTER
    assert "No promised move" in the_ask.promise
    assert the_ask.test == "No A/B test can be sized: today's rule acts on nobody."


@pytest.mark.parametrize(("low", "high", "change"), [
    (-4000.0, 21000.0, "it could go either way"),
    (math.nan, math.nan, "too uncertain to estimate from these data"),
    (2000.0, 9000.0, "estimate +$5,000"),
])
def test_impact_range_is_honest_about_uncertainty(low, high, change):
    sc, cmp = scenario("churn"), comparison("churn")
    cmp = replace(cmp, extra_net=Interval(5000.0, low, high))
    impact = steps.ask(sc.spec, sc.spec.economics, cmp, None).impact[0]
    assert impact.change == change
    assert impact.value == (w.DASH if math.isnan(low) else f"{w.money(low, '$', True)} to {w.money(high, '$', True)}")
