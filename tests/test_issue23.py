"""Issue 23's rough edges, held by tests: the charts spaced like the slider, the headline's own
interval, assumptions that move nothing, 'who' or 'that', the slider's left end."""

from dataclasses import replace

import pytest
from conftest import DEMOS, bundled

from proofdeck.comparison.compare import top_k_flags
from proofdeck.comparison.sensitivity import (
    HeadToHead,
    assumption_name,
    no_effect,
    no_effect_sentence,
    tornado,
)
from proofdeck.decisions.best_setting import best_setting
from proofdeck.sharing import story_steps
from proofdeck.sharing.summary import money_chart_builders, slider_options
from proofdeck.words import wording as w

# --- item 1: the chart under the slider reads like the slider --------------------------------


@pytest.mark.parametrize("demo", DEMOS)
@pytest.mark.parametrize("where", ["rule", "low", "high"])
def test_the_money_charts_mark_sits_where_the_sliders_handle_does(demo, where):
    sc = bundled(demo)
    econ = sc.spec.economics
    count = {"rule": sc.default_count, "low": max(sc.default_count // 3, 1),
             "high": min(5 * sc.default_count, sc.sweep.size)}[where]
    options, _ = slider_options(sc, econ, count)
    handle = options.index(count) / (len(options) - 1)  # where a select_slider draws its handle
    best = best_setting(sc.scores, sc.labels, sc.values, econ)
    figure = money_chart_builders(sc, econ, count, best)[0][1]()
    mark = next(trace for trace in figure.data if trace.name == "your setting")
    assert mark.x[0] == pytest.approx(handle, abs=1e-9)
    assert figure.layout.shapes[0].x0 == pytest.approx(handle, abs=1e-9)  # the dotted line too
    rule = next(trace for trace in figure.data if trace.name == sc.baseline.name)
    assert rule.x[0] == pytest.approx(options.index(sc.default_count) / (len(options) - 1), abs=1e-9)
    ticks = list(figure.layout.xaxis.ticktext)
    assert ticks[0] == "0%" and ticks[-1] == "100%"


# --- item 7: the headline carries its own interval ----------------------------------------------


@pytest.mark.parametrize("demo", DEMOS)
def test_the_headlines_interval_is_its_own(demo):
    from proofdeck.comparison.compare import same_budget

    sc = bundled(demo)
    econ = sc.spec.economics
    found = same_budget(sc.scores, sc.rule_flags, sc.labels, sc.values, econ, resamples=400)
    # Reference: at the same budget the extra value won is the extra net value with no miss
    # costs (both sides spend the same), so it is that comparison's own interval.
    no_miss = same_budget(sc.scores, sc.rule_flags, sc.labels, sc.values, replace(econ, cost_per_miss=0.0),
                          resamples=400)
    assert found.extra_value_won == no_miss.extra_net
    assert found.extra_value_won.estimate == pytest.approx(found.model.value_won - found.rule.value_won)
    assert found.cost_per_won_change.estimate == pytest.approx(found.model.cost_per_won - found.rule.cost_per_won)
    figure = sc.spec.headline.figure
    own = found.headline_interval(figure)
    slide = story_steps.model_slide(sc.spec, econ, found, sc.sweep.size, sc.baseline)
    ends = story_steps.range_value(own, econ.currency)
    label = w.headline_metric(sc.spec, econ, found.rule, found.model, sc.baseline)[0]
    card = next(f for f in slide.figures if f.label == label)
    assert ends in (card.change or "")
    if figure != "net_value":  # the sentence gives the headline's range, then the net value's
        assert ends.split(" to ")[0] in slide.lines[0].replace("between ", "")


def test_fraud_headline_and_its_range_agree():
    from proofdeck.comparison.compare import how_sure_sentence, same_budget

    sc = bundled("fraud")
    econ = sc.spec.economics
    found = same_budget(sc.scores, sc.rule_flags, sc.labels, sc.values, econ, resamples=400)
    sentence = how_sure_sentence("transactions", "frauds", found, "$", False, headline=w.headline_of(sc.spec))
    own = found.extra_value_won
    assert (f"the gain in fraud losses prevented is between {w.money(own.low, signed=True)} and "
            f"{w.money(own.high, signed=True)}") in sentence


# --- item 3: no empty rows, and the period's own name ---------------------------------------------


def test_assumptions_that_move_nothing_are_said_not_drawn():
    sc = bundled("churn")
    econ = sc.spec.economics
    contest = HeadToHead(top_k_flags(sc.scores, sc.rule_count), sc.rule_flags, sc.labels, sc.values)
    table = tornado(contest, econ)
    still = set(no_effect(table)["field"])
    # Same budget: the cost per action and the fixed cost are paid alike; churn's miss cost is 0.
    assert still == {"cost_per_action", "fixed_cost", "cost_per_miss"}
    sentence = no_effect_sentence(no_effect(table), sc.spec.nouns, econ.period, "today's rule")
    assert "the cost per retention offer and the fixed cost move the model and today's rule alike" in sentence
    assert "the cost of each missed churner is 0 here" in sentence
    assert assumption_name("population", sc.spec.nouns, econ.period) == "customers per quarter"
    assert no_effect_sentence(table.iloc[0:0], sc.spec.nouns, econ.period) == ""


# --- item 9: words -----------------------------------------------------------------------------


@pytest.mark.parametrize(("noun", "pronoun"), [
    ("customers", "who"), ("customer", "who"), ("subscribers", "who"), ("leads", "who"), ("churners", "who"),
    ("buyers", "who"), ("patients", "who"), ("customers with Churn yes", "who"), ("people", "who"),
    ("transactions", "that"), ("frauds", "that"), ("claims", "that"), ("orders", "that"), ("rows", "that"),
    ("accounts", "that"), ("payments", "that"), ("invoices", "that"),
])
def test_who_for_people_that_for_things(noun, pronoun):
    assert w.who(noun) == pronoun


def test_the_fraud_charts_say_transactions_that_get_a_review():
    sc = bundled("fraud")
    econ = sc.spec.economics
    best = best_setting(sc.scores, sc.labels, sc.values, econ)
    title = money_chart_builders(sc, econ, sc.default_count, best)[0][1]().layout.xaxis.title.text
    assert title.startswith("share of transactions that get a manual review")


@pytest.mark.parametrize("demo", DEMOS)
def test_the_sliders_left_end_reads_plainly(demo):
    sc = bundled(demo)
    nothing = sc.sweep.outcome_at_count(0, sc.spec.economics)
    text = w.readout(sc.spec, nothing, float("inf"))
    assert text == f"No {sc.spec.nouns.entity} gets {w.a(sc.spec.nouns.action)} at this setting."
    assert "scores this high" not in text
