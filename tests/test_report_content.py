"""The report's content (what it says, as dataclasses) against figures worked out here from the
held-out arrays alone, and its rendering: every field is escaped by the template's autoescape,
whatever it holds.

The figures below are recomputed with plain numpy (the model's top k by score, ties in held-out
order; counts scaled to the population; money from the spec's economics), never through
Proofdeck's outcome, comparison or summary functions.
"""

from __future__ import annotations

import base64
import dataclasses
import math
import re
from importlib import resources

import numpy as np
import pytest
from conftest import DEMOS, bundled, bundled_check
from markupsafe import escape
from test_report import REPORT_TAGS, Tree, plotly_library, script_text

from proofdeck.data.datasets import load_dataset
from proofdeck.model.scenario import scenario_from_scores
from proofdeck.sharing.report import content as c
from proofdeck.sharing.report.build import report_content
from proofdeck.sharing.report.inputs import gather_inputs
from proofdeck.sharing.report.render import render_report
from proofdeck.upload.leakage import check_columns
from proofdeck.words import wording as w

# --- figures worked out from the arrays -----------------------------------------------------------


def figures_of(flags: np.ndarray, scenario, econ) -> dict[str, float]:
    """Acting on ``flags``: the table's figures per period, from the spec's economics."""
    labels = np.asarray(scenario.labels, dtype=bool)
    values = np.asarray(scenario.values, dtype=float)
    n = labels.size
    scale = econ.population / n if econ.population > 0 else 1.0
    acted, hits = int(flags.sum()), int((flags & labels).sum())
    missed = int(labels.sum()) - hits
    worth = values[flags & labels].sum() if econ.value_column else hits * econ.value_per_won
    spend = econ.cost_per_action * acted * scale + (econ.fixed_cost if acted else 0.0)
    won = econ.win_rate * hits * scale
    value_won = econ.win_rate * worth * scale
    return {
        "actions": acted * scale,
        "reached": hits * scale,
        "unneeded": (acted - hits) * scale,
        "spend": spend,
        "value_won": value_won,
        "net_value": value_won - spend - econ.cost_per_miss * missed * scale,
        "cost_per_won": spend / won if won else math.nan,
    }


def top(scores: np.ndarray, k: int) -> np.ndarray:
    """The k highest scores, ties broken by held-out order."""
    flags = np.zeros(scores.size, dtype=bool)
    flags[np.argsort(-np.asarray(scores, dtype=float), kind="stable")[:k]] = True
    return flags


def sign(value: float) -> int:
    return 0 if not math.isfinite(value) or value == 0 else (1 if value > 0 else -1)


def text_sign(text: str) -> int:
    """The sign a formatted difference shows: "+$12k" 1, "-3" -1, "+0" or "$0" 0."""
    if not re.sub(r"[^0-9]", "", text).strip("0"):
        return 0
    return 1 if text.startswith("+") else -1 if text.startswith("-") else 0


@pytest.fixture(scope="module")
def scenarios():
    return {demo: bundled(demo) for demo in DEMOS}


_CHECKS = {}


def content_of(scenario, count):
    """The report's content at ``count``; the leak check (a few refits) made once per demo."""
    spec, econ = scenario.spec, scenario.spec.economics
    check = None
    if spec.key in DEMOS and scenario is bundled(spec.key):
        check = bundled_check(spec.key)
    elif not scenario.own_scores:
        if spec.key not in _CHECKS:
            _CHECKS[spec.key] = check_columns(scenario.dataset.frame, scenario.dataset.labels,
                                              tuple(scenario.model.features), spec.target_column, spec.model.kind,
                                              spec.model.test_size, spec.model.seed)
        check = _CHECKS[spec.key]
    return report_content(scenario, econ, gather_inputs(scenario, econ, count, check=check))


@pytest.fixture(scope="module")
def contents(scenarios):
    return {demo: content_of(sc, sc.default_count) for demo, sc in scenarios.items()}


@pytest.fixture(scope="module")
def worse_leads(scenarios):
    """The leads demo scored by a model worse than today's rule: a little worse than a random
    pick (buyers score a little lower), so it still reaches a few."""
    spec = scenarios["leads"].spec
    dataset = load_dataset(spec)
    rng = np.random.default_rng(5)
    scores = np.clip(rng.random(dataset.labels.size) - 0.05 * dataset.labels, 0, 1)
    return scenario_from_scores(spec, dataset, scores, rule_text=spec.rule.expression, unseen="yes")


# --- the same-budget table --------------------------------------------------------------------------


@pytest.mark.parametrize("demo", DEMOS)
def test_same_budget_rows_hold_the_figures_and_the_sign_of_their_difference(scenarios, contents, demo):
    sc = scenarios[demo]
    econ = sc.spec.economics
    rule_flags = np.asarray(sc.rule_flags, dtype=bool)
    rule = figures_of(rule_flags, sc, econ)
    model = figures_of(top(sc.scores, int(rule_flags.sum())), sc, econ)
    rows = contents[demo].same_budget.rows
    assert [row.key for row in rows] == list(rule)
    for row in rows:
        assert row.rule == pytest.approx(rule[row.key], rel=1e-9), row.key
        assert row.model == pytest.approx(model[row.key], rel=1e-9), row.key
        expected = sign(model[row.key] - rule[row.key])
        assert row.sign == expected, row.key
        assert text_sign(row.difference_text) == expected, (row.key, row.difference_text)
    reached = {row.key: row for row in rows}["reached"]
    assert reached.model > reached.rule and reached.difference_text.startswith("+")  # the model wins on all three


def test_a_worse_model_shows_negative_differences(worse_leads):
    rows = {row.key: row for row in content_of(worse_leads, worse_leads.default_count).same_budget.rows}
    assert rows["reached"].sign == -1 and rows["reached"].difference_text.startswith("-")
    assert rows["cost_per_won"].sign == 1 and rows["cost_per_won"].difference_text.startswith("+$")


# --- tones: a worse cost per customer won is bad, a better one good -------------------------------------


def test_headline_cac_card_is_good_when_the_model_costs_less_per_buyer(scenarios, contents):
    sc = scenarios["leads"]
    econ = sc.spec.economics
    rule_flags = np.asarray(sc.rule_flags, dtype=bool)
    rule_cac = figures_of(rule_flags, sc, econ)["cost_per_won"]
    model_cac = figures_of(top(sc.scores, int(rule_flags.sum())), sc, econ)["cost_per_won"]
    assert model_cac < rule_cac
    card = contents["leads"].answer.cards[2]
    assert card.label == "CAC with the model" and card.tone == "good" and card.delta.startswith("-$")


def test_headline_cac_card_is_bad_when_the_model_costs_more_per_buyer(worse_leads):
    econ = worse_leads.spec.economics
    rule_flags = np.asarray(worse_leads.rule_flags, dtype=bool)
    rule_cac = figures_of(rule_flags, worse_leads, econ)["cost_per_won"]
    model_cac = figures_of(top(worse_leads.scores, int(rule_flags.sum())), worse_leads, econ)["cost_per_won"]
    assert model_cac > rule_cac
    card = content_of(worse_leads, worse_leads.default_count).answer.cards[2]
    assert card.label == "CAC with the model" and card.tone == "bad" and card.delta.startswith("+$")


def test_only_a_cost_per_won_headline_is_coloured(contents):
    for demo in ("churn", "fraud"):
        assert all(card.tone == "neutral" for card in contents[demo].answer.cards)
        # Issue 23, item 7: the headline's card carries the headline's own 95% range.
        assert contents[demo].answer.cards[2].delta.startswith("95% range +$")


@pytest.mark.parametrize("share", [0.05, 0.15, 0.5, 1.0])
def test_setting_cards_colour_the_cost_per_buyer_by_whether_it_is_lower(scenarios, share):
    """At a few settings, the CAC card is good exactly when the model's top k cost less per
    buyer won than today's rule, and bad when they cost more; buyers reached the other way round."""
    sc = scenarios["leads"]
    econ = sc.spec.economics
    count = round(share * sc.sweep.size)
    rule = figures_of(np.asarray(sc.rule_flags, dtype=bool), sc, econ)
    model = figures_of(top(sc.scores, count), sc, econ)
    cards = {card.label: card for card in content_of(sc, count).setting.cards}
    cac, reached = cards["CAC"], cards["Buyers reached"]
    assert cac.tone == ("good" if model["cost_per_won"] < rule["cost_per_won"] else "bad"), (share, cac)
    assert reached.tone == ("good" if model["reached"] > rule["reached"] else "bad"), (share, reached)
    assert text_sign(cac.delta) == sign(model["cost_per_won"] - rule["cost_per_won"])


def test_the_setting_cards_test_sees_both_tones(scenarios):
    """The parametrized shares above include a setting where the model's CAC is better and one
    where it is worse, so the test checks both colours."""
    sc = scenarios["leads"]
    econ = sc.spec.economics
    rule_cac = figures_of(np.asarray(sc.rule_flags, dtype=bool), sc, econ)["cost_per_won"]
    better = [figures_of(top(sc.scores, round(s * sc.sweep.size)), sc, econ)["cost_per_won"] < rule_cac
              for s in (0.05, 0.15, 0.5, 1.0)]
    assert any(better) and not all(better)


def test_setting_grid_counts_the_four_outcomes(scenarios):
    sc = scenarios["churn"]
    econ = sc.spec.economics
    count = sc.default_count + 300
    flags, labels = top(sc.scores, count), np.asarray(sc.labels, dtype=bool)
    scale = econ.population / labels.size
    expected = [(flags & labels).sum(), (flags & ~labels).sum(), (~flags & labels).sum(), (~flags & ~labels).sum()]
    grid = content_of(sc, count).setting.grid
    assert [cell.count for cell in grid] == [f"{round(n * scale):,}" for n in expected]


# --- the rest of the content ---------------------------------------------------------------------------


def test_content_names_the_ask_the_stories_and_the_footer(scenarios, contents):
    sc, report = scenarios["churn"], contents["churn"]
    charter = sc.spec.charter
    assert report.answer.ask == c.AskLine(charter.action, charter.owner)
    assert dict(report.ask.terms)["Who signs"] == charter.owner
    assert [step.done for step in report.ask.steps] == [done for _, done in charter.checklist]
    assert [story.right for story in report.examples.stories] == [True, False, False, False]
    ids = {str(i) for i in sc.ids}
    label = sc.spec.label(sc.spec.id_column)
    shown = [story.who.removeprefix(f"{label} ").split(" · ")[0] for story in report.examples.stories if story.who]
    assert shown and all(i in ids for i in shown)
    assert report.footer.link_query == "?demo=churn" and report.footer.made_on is None
    assert f"({sc.default_count:,} of the {sc.sweep.size:,} held out)" in report.footer.setting


@pytest.mark.parametrize("demo", DEMOS)
def test_stories_speak_in_the_specs_groups(scenarios, demo):
    """Each story names the concept that moved its score most, found here by summing its columns'
    contributions in a plain loop."""
    from proofdeck.explanation.explain import make_explainer

    sc = scenarios[demo]
    report = content_of(sc, sc.default_count)
    assert "business concepts (groups of columns)" in report.examples.intro
    owner = {column: name for name, columns in sc.spec.groups for column in columns}
    explainer = make_explainer(sc.model, sc.dataset.frame.iloc[sc.split.train])
    checked = 0
    for story in report.examples.stories:
        if story.who is None:
            continue
        example_id = story.who.removeprefix(f"{sc.spec.label(sc.spec.id_column)} ").split(" · ")[0]
        position = sc.position_of(example_id)
        row = explainer.explain(sc.heldout.iloc[[position]][list(sc.model.features)]).row(0)
        totals: dict[str, float] = {}
        for column, amount in row.items():
            name = owner.get(column, sc.spec.label(column))
            totals[name] = totals.get(name, 0.0) + float(amount)
        biggest = max(totals, key=lambda name: abs(totals[name]))
        assert f"{biggest}:" in story.text, (biggest, story.text)
        checked += 1
    assert checked >= 2


# --- rendering: autoescaped, whatever a field holds --------------------------------------------------------

ATTACK = '<script>alert("{0}")</script>"onmouseover=alert(1) x="{0}'
NOT_WRITTEN = {"kind", "key"}  # fields the template never writes (they name a story or a figure)


def hostile(value, path: str = "r"):
    """A copy of the content with every text field replaced by an attack naming its place."""
    if isinstance(value, str):
        return ATTACK.format(path)
    if dataclasses.is_dataclass(value):
        return dataclasses.replace(value, **{
            f.name: hostile(getattr(value, f.name), f"{path}.{f.name}") if f.name not in NOT_WRITTEN
            else getattr(value, f.name) for f in dataclasses.fields(value)})
    if isinstance(value, tuple):
        return tuple(hostile(item, f"{path}.{i}") for i, item in enumerate(value))
    return value  # numbers, flags, and the charts' data (attacked below)


def text_paths(value, path: str = "r"):
    """Where the content holds text the page writes (a card's tone only beside its change)."""
    if isinstance(value, str):
        yield path
    elif dataclasses.is_dataclass(value):
        for f in dataclasses.fields(value):
            if f.name not in NOT_WRITTEN and not (f.name == "tone" and value.delta is None):
                yield from text_paths(getattr(value, f.name), f"{path}.{f.name}")
    elif isinstance(value, tuple):
        for i, item in enumerate(value):
            yield from text_paths(item, f"{path}.{i}")


def attacked_chart(chart: c.Chart) -> c.Chart:
    data = [dict(trace, name=ATTACK.format("trace"), hovertemplate="<!--" + ATTACK.format("hover"))
            for trace in chart.data]
    layout = dict(chart.layout, title={"text": "</script><!--<script>" + ATTACK.format("title")})
    return dataclasses.replace(chart, data=data, layout=layout)


@pytest.fixture(scope="module")
def attacked(contents):
    report = contents["churn"]
    # Fields the churn report leaves empty, filled so that they are attacked too.
    report = dataclasses.replace(report, answer=dataclasses.replace(report.answer, unseen="not confirmed"),
                                 footer=dataclasses.replace(report.footer, made_on="2025-06-01"))
    report = hostile(report)
    report = dataclasses.replace(report, charts=c.ChartsSection(attacked_chart(report.charts.money),
                                                                 attacked_chart(report.charts.gains),
                                                                 attacked_chart(report.charts.prices),
                                                                 attacked_chart(report.charts.marginal)))
    return report, render_report(report)


def test_every_text_field_is_escaped_by_the_template(attacked):
    report, page = attacked
    paths = list(text_paths(report))
    assert len(paths) > 100
    for path in paths:
        assert str(escape(ATTACK.format(path))) in page, path
    # Nowhere as written: in the charts' JSON, a quote is \" inside a script's string.
    assert '<script>alert("' not in page and not re.search(r'(?<!\\)"onmouseover=', page)


def test_an_attacked_report_is_still_the_reports_own_elements_only(attacked):
    _, page = attacked
    tree = Tree(page)
    assert {n.tag for n in tree.root.walk()} <= REPORT_TAGS
    for node in tree.root.walk():
        assert not any(name.startswith("on") for name in node.attrs), node.attrs
    scripts = [script_text(n) for n in tree.root.find(tag="script")]
    # plotly.js, its config, and one call per chart: money, gains, what each 5% adds, prices.
    assert len(scripts) == 6 and len(plotly_library(tree)) == 1
    # The charts' data stay inside their scripts, every "<" written as \u003c.
    calls = [s for s in scripts if "Plotly.newPlot" in s]
    assert len(calls) == 4
    for call in calls:
        assert "<" not in call and "\\u003c\\u002fscript\\u003e\\u003c!--" in call


def test_the_template_leaves_escaping_to_autoescape():
    """No field is marked safe or escaped by hand in the template: escaping is autoescape's, so
    a field added later is escaped too."""
    template = (resources.files("proofdeck.sharing.report") / "templates" / "report.html.j2").read_text("utf-8")
    expressions = re.findall(r"\{\{(.*?)\}\}", template)
    assert expressions
    assert not [e for e in expressions if re.search(r"\|\s*(safe|e|escape|forceescape)\b|Markup", e)]
    # Only the style sheet and plotly.js are marked safe (checked first), in one place.
    package = resources.files("proofdeck.sharing.report")
    sources = "".join((package / name).read_text("utf-8") for name in ("__init__.py", "content.py", "inputs.py", "build.py",
                                                                          "charts.py", "examples.py", "caveats.py",
                                                                          "render.py"))
    assert sources.count("Markup(") == 1


@pytest.mark.parametrize("text", ["a</script>b", "a</STYLE >b", "x<!--y"])
def test_trusted_text_that_could_end_its_element_is_refused(text):
    from proofdeck.sharing.report.render import _trusted

    with pytest.raises(ValueError, match="cannot be written inline"):
        _trusted(text, "this")


def test_a_misspelt_field_is_an_error_not_a_blank(contents):
    from jinja2 import UndefinedError

    class Missing:
        def __getattr__(self, name):
            raise AttributeError(name)

    with pytest.raises(UndefinedError):
        render_report(dataclasses.replace(contents["churn"], footer=Missing()))


# --- "Worth it at other prices?": the decision curve, worded for leadership ----------------------------------

PRICE_JARGON = re.compile(r"net benefit|threshold|probabilit|decision curve|precision|recall", re.IGNORECASE)


@pytest.mark.parametrize("demo", DEMOS)
def test_the_prices_chart_speaks_money_not_jargon(scenarios, contents, demo):
    from proofdeck.decisions.decision_curve import decision_curve, net_value_at_price, value_of_hit
    from proofdeck.words.wording import money

    sc, econ = scenarios[demo], scenarios[demo].spec.economics
    prices = contents[demo].charts.prices
    if econ.value_column:  # fraud: each payment's own amount; the chart would disagree with the table
        assert prices is None
        return
    assert prices is not None and prices.div_id == "prices-chart"
    words = [prices.caption, prices.layout["title"]["text"], prices.layout["xaxis"]["title"]["text"],
             prices.layout["yaxis"]["title"]["text"]] + [trace.get("name") or "" for trace in prices.data]
    words += [trace.get("hovertemplate") or "" for trace in prices.data]
    assert not PRICE_JARGON.findall(" ".join(words))
    assert prices.layout["title"]["text"] == "Worth it at other prices?"
    assert f"At today's price ({money(econ.cost_per_action, econ.currency)})" in prices.caption
    # The model's money at today's price, worked from the curve: NB x hit x (1 - pt) x rows x scale.
    curve = decision_curve(sc.scores, sc.labels, sc.rule_flags, econ, sc.values)
    hit = value_of_hit(econ, sc.labels, sc.values)
    earned = net_value_at_price(curve.model, curve.thresholds, hit, curve.examples, econ)
    at = list(curve.thresholds).index(curve.own_ratio)
    assert f"the model earns {money(earned[at], econ.currency)}" in prices.caption
    assert "3 in 10" in prices.caption  # what reading the score as a chance assumes


# --- who the offer changes (a demo with a past campaign, issue 21) ----------------------------------


def changed_by_loop(picks, treated, stayed) -> float:
    """(treated rate - untreated rate of staying among the picks) x picks, by a plain loop."""
    t = [stayed[i] for i in picks if treated[i]]
    u = [stayed[i] for i in picks if not treated[i]]
    return (sum(t) / len(t) - sum(u) / len(u)) * len(picks)


def test_the_campaign_report_says_who_the_offer_changes(scenarios, contents):
    sc = scenarios["campaign"]
    effect = contents["campaign"].effect
    assert effect.heading == "Who the offer changes"
    assert effect.columns == ("Today's rule", "Ranked by cancellation risk", "Ranked by the offer's effect")
    assert effect.warning is None  # the campaign was randomised
    econ = sc.spec.economics
    scale = econ.population / sc.labels.size
    treated = sc.uplift.treated
    stayed = ~np.asarray(sc.labels, dtype=bool)
    k = int(sc.rule_flags.sum())
    by_effect = sorted(range(sc.labels.size), key=lambda i: (-sc.uplift.effect[i], i))[:k]
    by_risk = sorted(range(sc.labels.size), key=lambda i: (-sc.scores[i], i))[:k]
    rule = list(np.flatnonzero(sc.rule_flags))
    first = effect.rows[0]
    assert first[0] == "Subscribers kept because of the offer"
    for cell, picks in zip(first[1:], (rule, by_risk, by_effect)):
        expected = changed_by_loop(picks, treated, stayed) * scale
        assert cell.startswith(f"{expected:,.0f} ("), (cell, expected)
    spend = econ.cost_per_action * k * scale + econ.fixed_cost
    assert {row[0]: row[1:] for row in effect.rows}["Spend per quarter"] == (f"${spend / 1000:,.0f}k",) * 3
    assert any("than ranked by cancellation risk" in v for v in effect.verdicts)
    assert "decided at random" in effect.note
    assert all(contents[demo].effect is None for demo in contents if demo != "campaign")


def test_the_effect_section_is_escaped_like_every_other_field(contents):
    report = hostile(contents["campaign"])
    page = render_report(report)
    paths = [p for p in text_paths(report) if p.startswith("r.effect")]
    assert len(paths) > 20
    for path in paths:
        assert str(escape(ATTACK.format(path))) in page, path


@pytest.mark.parametrize("demo", DEMOS)
def test_the_setting_says_what_the_next_five_percent_adds_and_the_chart_shows_each(scenarios, contents, demo):
    sc, report = scenarios[demo], contents[demo]
    econ, n, k = sc.spec.economics, sc.sweep.size, sc.default_count
    step = max(1, math.floor(0.05 * n + 0.5))
    # The next slice's net value from the arrays: the top k + step against the top k.
    worth = (figures_of(top(sc.scores, k + step), sc, econ)["net_value"]
             - figures_of(top(sc.scores, k), sc, econ)["net_value"])
    sentence = report.setting.marginal
    assert sentence.startswith(f"The next 5% of {sc.spec.nouns.entities} ")
    assert w.money(abs(worth), econ.currency) in sentence
    said = "lose" if "would lose" in sentence else "add" if "would add" in sentence else "even"
    assert said == "even" or (said == "add") == (worth > 0)
    # The chart: one bar per slice, each the arrays' own difference; the caption says where it stops paying.
    chart = report.charts.marginal
    (bars,) = chart.data
    edges = list(range(0, n, step)) + [n]
    expected = [figures_of(top(sc.scores, b), sc, econ)["net_value"] - figures_of(top(sc.scores, a), sc, econ)["net_value"]
                for a, b in zip(edges[:-1], edges[1:])]
    heights = np.frombuffer(base64.b64decode(bars["y"]["bdata"]), dtype=bars["y"]["dtype"])  # a typed array
    assert np.allclose(heights, expected)
    first_loss = next((a for a, value in zip(edges, expected) if value < 0), None)
    if first_loss is None:
        assert "all the way to everyone" in chart.caption
    elif first_loss == 0:
        assert "Even the first" in chart.caption
    else:
        assert f"stop paying beyond about {w.slice_share_text(first_loss / n)} of {sc.spec.nouns.entities}" in chart.caption
