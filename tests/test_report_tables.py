"""The report's tables and colours against figures recomputed from the scenario's own arrays.

Every expected number here comes from the held-out arrays (labels, scores, rule flags, values)
and the spec's economics, by a plain walk over the examples: never through Proofdeck's outcome,
sweep, comparison or summary functions. The report's texts are read back as numbers ("+$12.3k"
is 12,300 give or take its rounding), so a flipped sign, a swapped column or a figure taken from
the wrong side fails, whatever the formatting does. Colours (tones) are checked against the
plain rule: more of a good figure is good, more of a cost is bad.
"""

from __future__ import annotations

import dataclasses
import math
import re

import numpy as np
import pytest
from conftest import DEMOS, bundled, bundled_check

from proofdeck.comparison.compare import same_budget
from proofdeck.decisions.sweep import ThresholdSweep
from proofdeck.decisions.top_k_bootstrap import TopKBootstrap
from proofdeck.sharing.report.build import (
    answer,
    comparison_rows,
    headline_tone,
    report_content,
    setting_section,
)
from proofdeck.sharing.report.inputs import gather_inputs
from proofdeck.sharing.report.render import render_report
from proofdeck.sharing.summary import setting_summary

TABLE_KEYS = ("actions", "reached", "unneeded", "spend", "value_won", "net_value", "cost_per_won")
HIGHER_IS_BETTER = {"reached", "won", "value_won", "net_value", "roi", "value_to_cost"}
LOWER_IS_BETTER = {"unneeded", "missed", "spend", "cost_per_won"}
NEUTRAL = {"actions"}


# --- the reference: a walk over the held-out examples -------------------------------------------------


def walk(flags, scenario, econ) -> dict[str, float]:
    """The table's figures for acting on ``flags`` (or a random pick's weights), per period."""
    labels, values = scenario.labels, scenario.values
    n = len(labels)
    scale = econ.population / n if econ.population > 0 else 1.0
    acted = reached = worth = missed = 0.0
    for flag, label, value in zip(flags, labels, values, strict=True):
        acted += float(flag)
        if label:
            reached += float(flag)
            missed += 1 - float(flag)
            worth += float(flag) * (float(value) if econ.value_column else econ.value_per_won)
    spend = econ.cost_per_action * acted * scale + (econ.fixed_cost if acted > 0 else 0.0)
    won = econ.win_rate * reached * scale
    value_won = econ.win_rate * worth * scale
    return {
        "actions": acted * scale, "reached": reached * scale, "unneeded": (acted - reached) * scale,
        "spend": spend, "value_won": value_won, "won": won,
        "net_value": value_won - spend - econ.cost_per_miss * missed * scale,
        "cost_per_won": spend / won if won else math.nan,
        "roi": (value_won - spend + econ.cost_per_miss * reached * scale) / spend if spend else math.nan,
        "value_to_cost": value_won / spend if spend else math.nan,
    }


def top(scores, k: int) -> np.ndarray:
    """The k highest scores, ties broken by held-out position."""
    order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
    flags = np.zeros(len(scores), dtype=bool)
    flags[order[:k]] = True
    return flags


def rule_size(scenario) -> int:
    return int(round(float(np.sum(np.asarray(scenario.rule_flags, dtype=float)))))


def expected_tone(key: str, model: float, rule: float) -> str:
    difference = model - rule
    if key in NEUTRAL or not math.isfinite(difference) or abs(difference) <= 1e-9 * max(abs(model), abs(rule), 1):
        return "neutral"
    better = difference < 0 if key in LOWER_IS_BETTER else difference > 0
    return "good" if better else "bad"


# --- reading the texts back as numbers ----------------------------------------------------------------

_NUMBER = re.compile(r"([+-]?)[^\d+-]*?([\d,]+(?:\.\d+)?)\s*([kMB%x]|pts)?")


def number(text: str) -> tuple[float, float]:
    """A formatted figure as (value, how far its rounding may be off): "+$12.3k" (12300, 50),
    "-3" (-3, 0.5), "150%" (1.5, 0.005)."""
    match = _NUMBER.search(text)
    assert match, text
    sign, digits, unit = match.groups()
    value = float(digits.replace(",", ""))
    decimals = len(digits.split(".")[1]) if "." in digits else 0
    half = 0.5 * 10 ** -decimals
    factor = {"k": 1e3, "M": 1e6, "B": 1e9, "%": 0.01, "pts": 0.01}.get(unit or "", 1.0)
    if unit in ("k", "M", "B"):  # three significant digits
        half = max(half, 0.5 * 10 ** (len(digits.replace(",", "").replace(".", "")) - 3 - decimals))
    value *= factor
    return (-value if sign == "-" or "-" in text[: match.start(2)] else value), half * factor


def shows(text: str, expected: float) -> bool:
    """The text shows ``expected`` (to its rounding); a dash for a figure that is not a number."""
    if not math.isfinite(expected):
        return text.strip() in ("—", "-")
    value, slack = number(text)
    return abs(value - expected) <= slack * 1.001 + 1e-9


def text_sign(text: str) -> int:
    value, _ = number(text)
    return 0 if value == 0 else (1 if value > 0 else -1)


def interval_ends(text: str) -> tuple[float, float]:
    """"between +$12k and +$40k..." as its two ends."""
    low, high = re.match(r"between (\S+) and (\S+?)(?:, so .*)?$", text).groups()
    return number(low)[0], number(high)[0]


# --- fixtures -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built():
    """Each demo's report content at today's budget and at another setting, from
    gather_inputs as the Share page calls it (the leak check made once per process)."""
    result = {}
    for demo in DEMOS:
        sc = bundled(demo)
        econ = sc.spec.economics
        for count in (sc.default_count, min(sc.rule_count * 2, sc.sweep.size)):
            inputs = gather_inputs(sc, econ, count, check=bundled_check(demo))
            result[demo, count] = (inputs, report_content(sc, econ, inputs))
    return result


def with_scores(scenario, scores):
    """A copy of a scenario scored by another model (the rule and the outcomes unchanged)."""
    scores = np.asarray(scores, dtype=float)
    return dataclasses.replace(scenario, scores=scores,
                               sweep=ThresholdSweep(scores, scenario.labels, scenario.values))


def worse_model(scenario):
    """The same demo scored by a model that ranks backwards: worse than today's rule."""
    return with_scores(scenario, -np.asarray(scenario.scores, dtype=float))


# --- the same-budget table ----------------------------------------------------------------------------------


@pytest.mark.parametrize("demo", DEMOS)
def test_the_same_budget_table_is_the_walk_over_the_examples(built, demo):
    sc = bundled(demo)
    econ = sc.spec.economics
    rule = walk(sc.rule_flags, sc, econ)
    model = walk(top(sc.scores, rule_size(sc)), sc, econ)
    inputs, report = built[demo, sc.default_count]
    rows = report.same_budget.rows
    assert [row.key for row in rows] == list(TABLE_KEYS)
    for row in rows:
        key = row.key
        assert row.rule == pytest.approx(rule[key], rel=1e-9), key
        assert row.model == pytest.approx(model[key], rel=1e-9), key
        assert shows(row.rule_text, rule[key]), (key, row.rule_text, rule[key])
        assert shows(row.model_text, model[key]), (key, row.model_text, model[key])
        difference = model[key] - rule[key]
        assert row.difference == pytest.approx(difference, rel=1e-9, abs=1e-9), key
        assert row.sign == (0 if not math.isfinite(difference) or difference == 0 else int(np.sign(difference)))
        if math.isfinite(difference):
            assert shows(row.difference_text, difference), (key, row.difference_text, difference)
            assert text_sign(row.difference_text) == int(np.sign(round(difference, 6))) or number(row.difference_text)[0] == 0
        else:
            assert row.difference_text.strip() in ("—", "-")
    by_key = {row.key: row for row in rows}
    # The two figures with an interval: the difference's 95% range, around the difference.
    assert {row.key for row in rows if row.interval} == {"reached", "net_value"}
    for key in ("reached", "net_value"):
        low, high = interval_ends(by_key[key].interval)
        estimate = model[key] - rule[key]
        assert low <= estimate * (1 + 1e-9) + abs(estimate) * 0.01 and estimate <= high + abs(estimate) * 0.01, key
    # At the same budget the two act on as many, and the model reaches more on every demo.
    assert by_key["actions"].difference_text.strip() in ("0", "+0")
    assert by_key["reached"].sign == 1 and by_key["reached"].difference_text.startswith("+")


def test_a_worse_model_has_negative_differences_and_a_worse_cost_per_buyer_is_bad():
    sc = worse_model(bundled("leads"))
    econ = sc.spec.economics
    comparison = same_budget(sc.scores, sc.rule_flags, sc.labels, sc.values, econ, resamples=200)
    rule = walk(sc.rule_flags, sc, econ)
    model = walk(top(sc.scores, rule_size(sc)), sc, econ)
    assert model["reached"] < rule["reached"] and model["cost_per_won"] > rule["cost_per_won"]
    rows = {row.key: row for row in comparison_rows(sc, econ, comparison)}
    for key in ("reached", "value_won", "net_value"):
        assert rows[key].sign == -1 and rows[key].difference_text.startswith("-"), key
        assert shows(rows[key].difference_text, model[key] - rule[key])
    assert rows["cost_per_won"].sign == 1 and rows["cost_per_won"].difference_text.startswith("+")
    assert rows["unneeded"].sign == 1
    low, high = interval_ends(rows["net_value"].interval)
    assert low < high < 0  # clearly worse
    card = answer(sc, econ, comparison, sc.spec.charter).cards[2]
    assert card.label.startswith("CAC") and card.tone == "bad"
    assert shows(card.value, model["cost_per_won"]) and shows(card.delta, model["cost_per_won"] - rule["cost_per_won"])
    assert headline_tone(comparison) == "bad"


@pytest.mark.parametrize("demo", DEMOS)
def _money(text: str) -> float:
    """'+$8,691', '-$1.2k', '+$122k' as a number (the report's short money)."""
    scale = {"k": 1e3, "M": 1e6}.get(text[-1], 1.0)
    digits = text.rstrip("kM").replace("$", "").replace(",", "").replace("−", "-")
    return float(digits) * scale


def test_the_answer_cards_are_the_walk_and_only_a_cost_headline_is_coloured(built, demo):
    sc = bundled(demo)
    econ = sc.spec.economics
    rule = walk(sc.rule_flags, sc, econ)
    model = walk(top(sc.scores, rule_size(sc)), sc, econ)
    _, report = built[demo, sc.default_count]
    first, second, headline = report.answer.cards
    assert shows(first.value, rule["reached"]) and shows(second.value, model["reached"])
    assert shows(second.delta, (model["reached"] - rule["reached"]) / rule["reached"])
    assert first.tone == second.tone == "neutral"
    figure = sc.spec.headline.figure
    if figure == "cost_per_won":
        assert shows(headline.value, model["cost_per_won"])
        assert shows(headline.delta, model["cost_per_won"] - rule["cost_per_won"])
        assert headline.tone == ("good" if model["cost_per_won"] < rule["cost_per_won"] else "bad")
    else:
        assert shows(headline.value, model[figure] - rule[figure])
        assert headline.tone == "neutral"
        # The figure's own 95% range under it (issue 23), and it holds the figure itself.
        assert headline.delta.startswith("95% range ")
        low, high = (_money(part) for part in headline.delta.removeprefix("95% range ").split(" to "))
        assert low <= model[figure] - rule[figure] <= high
    relative = (model["reached"] - rule["reached"]) / rule["reached"]
    assert shows(report.same_budget.relative.split(": ")[1], relative)


@pytest.mark.parametrize("scale_cost", [0.2, 1.0, 5.0])
def test_the_cac_card_is_good_exactly_when_the_model_costs_less_per_buyer(scale_cost):
    """With the leads demo's model and a worse one, under cheaper and dearer calls."""
    base = bundled("leads")
    for sc in (base, worse_model(base)):
        econ = dataclasses.replace(sc.spec.economics, cost_per_action=sc.spec.economics.cost_per_action * scale_cost)
        comparison = same_budget(sc.scores, sc.rule_flags, sc.labels, sc.values, econ, resamples=50)
        rule = walk(sc.rule_flags, sc, econ)["cost_per_won"]
        model = walk(top(sc.scores, rule_size(sc)), sc, econ)["cost_per_won"]
        card = answer(sc, econ, comparison, sc.spec.charter).cards[2]
        assert card.tone == ("good" if model < rule else "bad"), (scale_cost, model, rule)
        assert text_sign(card.delta) == int(np.sign(model - rule))


# --- the chosen setting's cards ---------------------------------------------------------------------------------


@pytest.mark.parametrize("demo", DEMOS)
@pytest.mark.parametrize("share", [0.02, 0.1, 0.3, 1.0])
def test_the_setting_cards_are_the_walk_and_coloured_by_which_way_is_better(demo, share):
    sc = bundled(demo)
    econ = sc.spec.economics
    count = max(1, round(share * sc.sweep.size))
    summary = setting_summary(sc, econ, count, TopKBootstrap(sc.sweep.order, sc.labels, sc.values, resamples=50))
    section = setting_section(sc, econ, summary)
    rule = walk(sc.rule_flags, sc, econ)
    model = walk(top(sc.scores, count), sc, econ)
    keys = [figure.key for figure in summary.figures]
    assert len(section.cards) == len(keys) >= 7
    for key, card in zip(keys, section.cards, strict=True):
        assert shows(card.value, model[key]), (key, card.value, model[key])
        assert card.tone == expected_tone(key, model[key], rule[key]), (key, card, model[key], rule[key])
        if card.tone != "neutral" and key != "value_to_cost":
            assert text_sign(card.delta) == int(np.sign(model[key] - rule[key])), (key, card.delta)
    budget_words = "This is today's budget" if count == sc.default_count else "This setting differs"
    assert section.where.startswith(budget_words)
    if count != sc.default_count:
        assert f"acts on {round(model['actions']):,}" in section.where
        assert f"acts on {round(rule['actions']):,}." in section.where


def test_the_setting_cards_see_both_colours_of_the_cost_per_buyer():
    sc = bundled("leads")
    econ = sc.spec.economics
    rule = walk(sc.rule_flags, sc, econ)["cost_per_won"]
    tones = {expected_tone("cost_per_won", walk(top(sc.scores, max(1, round(s * sc.sweep.size))), sc, econ)["cost_per_won"],
                           rule) for s in (0.02, 0.1, 0.3, 1.0)}
    assert tones == {"good", "bad"}


# --- the inputs and the rendered table -----------------------------------------------------------------------


@pytest.mark.parametrize("demo", DEMOS)
def test_the_inputs_are_the_rules_budget_the_setting_and_the_best_net_value(built, demo):
    sc = bundled(demo)
    econ = sc.spec.economics
    other = min(sc.rule_count * 2, sc.sweep.size)
    inputs, _ = built[demo, other]
    assert inputs.count == other
    assert inputs.summary.count == other
    assert inputs.summary.outcome.net_value == pytest.approx(walk(top(sc.scores, other), sc, econ)["net_value"])
    assert inputs.comparison.model.reached == pytest.approx(walk(top(sc.scores, rule_size(sc)), sc, econ)["reached"])
    assert inputs.comparison.rule.net_value == pytest.approx(walk(sc.rule_flags, sc, econ)["net_value"])
    # The best setting: its count earns the most net value of every count, by a walk down the scores.
    order = sorted(range(sc.sweep.size), key=lambda i: (-sc.scores[i], i))
    n = sc.sweep.size
    scale = econ.population / n if econ.population > 0 else 1.0
    positives = int(np.sum(sc.labels))
    best, best_count, reached, worth = 0.0, 0, 0, 0.0
    for k in range(n + 1):
        if k:
            i = order[k - 1]
            if sc.labels[i]:
                reached += 1
                worth += float(sc.values[i]) if econ.value_column else econ.value_per_won
        if k < n and k and sc.scores[order[k - 1]] == sc.scores[order[k]]:
            continue  # not a cut: the next example scores the same
        net = (econ.win_rate * worth * scale - econ.cost_per_action * k * scale - (econ.fixed_cost if k else 0)
               - econ.cost_per_miss * (positives - reached) * scale)
        if k == 0 or net > best + 1e-9 * max(1.0, abs(best)):
            best, best_count = net, k
    assert inputs.best.count == best_count and inputs.best.in_sample_net == pytest.approx(best)
    assert inputs.best.honest_net < inputs.best.in_sample_net
    assert inputs.charter == sc.spec.charter and inputs.check is bundled_check(demo)
    assert len(inputs.stories) == 4
    clipped = gather_inputs(sc, econ, sc.sweep.size + 50, comparison=inputs.comparison, best=inputs.best,
                            check=inputs.check, bootstrap=TopKBootstrap(sc.sweep.order, sc.labels, sc.values,
                                                                         resamples=20))
    assert clipped.count == sc.sweep.size and clipped.comparison is inputs.comparison and clipped.best is inputs.best


def test_the_rendered_difference_column_shows_the_signed_difference():
    sc = bundled("churn")
    econ = sc.spec.economics
    inputs = gather_inputs(sc, econ, sc.default_count, check=bundled_check("churn"))
    page = render_report(report_content(sc, econ, inputs))
    rule = walk(sc.rule_flags, sc, econ)
    model = walk(top(sc.scores, rule_size(sc)), sc, econ)
    table = page[page.index("<th class=\"n\">Difference</th>"):]
    cells = re.findall(r"<tr><td>[^<]*</td><td class=\"n\">([^<]*)</td><td class=\"n\">([^<]*)</td>"
                       r"<td class=\"n\">([^<]*)</td>", table)
    assert len(cells) == len(TABLE_KEYS)
    for key, (rule_text, model_text, difference_text) in zip(TABLE_KEYS, cells, strict=True):
        assert shows(rule_text, rule[key]) and shows(model_text, model[key]), key
        difference = model[key] - rule[key]
        assert shows(difference_text, difference), (key, difference_text, difference)
        if abs(difference) > 1:
            assert difference_text.startswith("+" if difference > 0 else "-"), (key, difference_text)


def test_the_table_speaks_the_sessions_currency_and_counts_without_one():
    """Money in the session's currency (the net value's interval too); counts with none."""
    sc = bundled("churn")
    econ = dataclasses.replace(sc.spec.economics, currency="€")
    comparison = same_budget(sc.scores, sc.rule_flags, sc.labels, sc.values, econ, resamples=50)
    rows = {row.key: row for row in comparison_rows(sc, econ, comparison)}
    assert rows["net_value"].name == "Net value" and rows["cost_per_won"].name == "Cost per customer kept"
    for key in ("spend", "value_won", "net_value", "cost_per_won"):
        assert "€" in rows[key].rule_text and "€" in rows[key].model_text and "€" in rows[key].difference_text, key
        assert "$" not in rows[key].difference_text + rows[key].rule_text, key
    low, high = re.match(r"between (\S+) and (\S+?)(?:, so .*)?$", rows["net_value"].interval).groups()
    assert low.lstrip("+-").startswith("€") and high.lstrip("+-").startswith("€"), rows["net_value"].interval
    assert re.fullmatch(r"between [+-][\d,]+ and [+-][\d,]+(, so it could go either way)?", rows["reached"].interval)


def test_an_equal_cost_per_buyer_is_not_coloured_good():
    from types import SimpleNamespace

    def costs(model, rule):
        return SimpleNamespace(model=SimpleNamespace(cost_per_won=model), rule=SimpleNamespace(cost_per_won=rule))

    assert headline_tone(costs(80.0, 90.0)) == "good"
    assert headline_tone(costs(95.0, 90.0)) == "bad"
    assert headline_tone(costs(90.0, 90.0)) != "good"
