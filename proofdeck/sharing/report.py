"""The one-file report: a business case for the POC that opens offline, in any browser.

A single HTML file holds everything: the question and the answer, the data in one line, today's
rule against the model at the same budget with 95% intervals, the chosen setting's outcomes in
the Decide page's own words, the money and gains charts (interactive Plotly, plotly.js inlined
once), four honest examples, the assumptions, the charter with the A/B test it needs, and the
caveats. No font, image, style sheet or script is fetched from anywhere, and a Content Security
Policy in the file forbids the browser to try. Every text that comes from a spec or the data is
HTML-escaped; Plotly's own JSON escapes ``<`` and ``>``.

The same inputs give the same file (stories drawn with a fixed seed, fixed chart ids), so a
report can be rebuilt and compared.
"""

from __future__ import annotations

import html
import math
from typing import TYPE_CHECKING

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

from proofdeck.charts.base import PLOTLY_CONFIG
from proofdeck.charts.comparison import gains_figure
from proofdeck.comparison.ab_test import ab_test_for
from proofdeck.comparison.compare import (
    SAME_BUDGET_FIGURES,
    SameBudget,
    how_sure_sentence,
    interval_text,
    same_budget,
    verdict,
    verdict_sentence,
)
from proofdeck.comparison.gains import gains_curve, gains_point, lift_at
from proofdeck.comparison.sensitivity import assumption_name
from proofdeck.comparison.stability import Stability
from proofdeck.data.spec import Charter, Economics
from proofdeck.decisions.best_setting import BestSetting, best_setting
from proofdeck.decisions.bootstrap import TopKBootstrap
from proofdeck.explanation.stories import MODEL_RIGHT, empty_story_text, pick_stories, story_title
from proofdeck.model.scenario import Scenario
from proofdeck.model.training import MODEL_NAMES
from proofdeck.sharing import links
from proofdeck.sharing.summary import SettingSummary, headline_money_figure, setting_summary
from proofdeck.upload.leakage import LeakCheck, check_columns
from proofdeck.words import wording as w
from proofdeck.words.safe_text import plain

if TYPE_CHECKING:  # shap is imported only when an example is explained
    from proofdeck.explanation.explain import ModelExplainer

# The charts' marks for "your setting", named for a reader who did not choose it.
CHOSEN_NAMES = {"your setting": "chosen setting", "model at your cut-off": "model at the chosen setting"}
FEW_POSITIVES = 100  # fewer held-out positives than this and every range is wide
# The browser may run the inline scripts and styles of this file and show data: images; it may
# fetch nothing, from no host (a second guard beside the file having no URL to fetch).
CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; font-src data:"

STYLE = """
:root{--ink:#1b2333;--muted:#5b6577;--line:#dde2ea;--soft:#f3f5f9;--model:#2457c5;--rule:#d9822b;
--good:#1a7f4b;--bad:#b3372f}
*{box-sizing:border-box}
html{font-size:15px}
body{font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
color:var(--ink);max-width:62rem;margin:1.5rem auto 3rem;padding:0 1.25rem}
h1{font-size:1.85rem;line-height:1.2;margin:.2rem 0 .5rem}
h2{font-size:1.25rem;margin:2rem 0 .6rem;padding-bottom:.25rem;border-bottom:2px solid var(--line)}
h3{font-size:1.05rem;margin:1rem 0 .3rem}
p{margin:.4rem 0}
.kicker{color:var(--muted);font-size:.9rem;text-transform:uppercase;letter-spacing:.04em;margin:0}
.muted,.note{color:var(--muted)}.note{font-size:.88rem}
.box{border:1px solid var(--line);border-radius:8px;padding:1rem 1.2rem;background:var(--soft)}
.headline{font-size:1.2rem;font-weight:600;margin:0 0 .7rem}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(10.5rem,1fr));gap:.6rem;margin:.6rem 0}
.box .cards{grid-template-columns:repeat(auto-fill,minmax(14rem,1fr))}
.card{border:1px solid var(--line);border-radius:8px;padding:.5rem .7rem;background:#fff}
.card .label{font-size:.85rem;color:var(--muted)}.card .value{font-size:1.4rem;font-weight:600}
.card .delta{font-size:.85rem}
.good{color:var(--good)}.bad{color:var(--bad)}.neutral{color:var(--muted)}
.cols{display:grid;grid-template-columns:repeat(auto-fit,minmax(17rem,1fr));gap:1rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{text-align:left;padding:.35rem .6rem;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:.85rem;color:var(--muted);font-weight:600}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}td.n{white-space:nowrap}
.wide{overflow-x:auto}
code{font:.9rem ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:var(--soft);padding:.1rem .3rem;
border-radius:4px;overflow-wrap:anywhere}
.pairs{display:grid;grid-template-columns:1fr 1fr;gap:.8rem}
@media (max-width:640px){.pairs{grid-template-columns:1fr}}
.story{border:1px solid var(--line);border-left:4px solid var(--good);border-radius:6px;padding:.5rem .8rem}
.story.wrong{border-left-color:var(--rule)}.story h3{margin:.1rem 0 .2rem}
.chart{margin:1rem 0;break-inside:avoid;page-break-inside:avoid}
ul.check{list-style:none;padding-left:0}ul.check li{margin:.2rem 0}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem;margin:.5rem 0}dt{font-weight:600}dd{margin:0}
footer{margin-top:2.5rem;font-size:.85rem;color:var(--muted);border-top:1px solid var(--line);padding-top:.6rem}
@media print{html{font-size:11px}body{margin:0;max-width:none}h2{break-after:avoid}.screen{display:none}
.box,.card,.story,table,dl,.chart{break-inside:avoid}}
"""


def _e(text: object) -> str:
    """HTML-escaped text (quotes too, so it is safe inside attributes as well)."""
    return html.escape(str(text), quote=True)


def _data(text: object, limit: int = 300) -> str:
    """Text from the data (an id, a category): one printable line, capped, then escaped."""
    return _e(plain(text, limit))


def _section(section_id: str, heading: str, body: str) -> str:
    return f'<section id="{section_id}"><h2>{_e(heading)}</h2>{body}</section>'


def _table(rows: str) -> str:
    """A table that scrolls sideways on a phone instead of widening the page."""
    return _tag("div", _tag("table", rows), "wide")


def _tag(name: str, body: str, cls: str | None = None) -> str:
    attribute = f' class="{cls}"' if cls else ""
    return f"<{name}{attribute}>{body}</{name}>"


# --- sections ------------------------------------------------------------------------------------


def _answer(scenario: Scenario, econ: Economics, comparison: SameBudget, charter: Charter) -> str:
    spec, nouns, against = scenario.spec, scenario.spec.nouns, scenario.baseline
    label, value, delta, _ = w.headline_metric(spec, econ, comparison.rule, comparison.model, against)
    # Only a cost per won (CAC) headline carries a change: lower is better.
    tone = "neutral" if delta is None else (
        "good" if comparison.model.cost_per_won < comparison.rule.cost_per_won else "bad")
    cards = [
        _card(f"{against.title} reaches" + (" on average" if against.random else ""),
              f"{w.count(comparison.rule.reached)} {nouns.positives}", None, "neutral"),
        _card("The model reaches", f"{w.count(comparison.model.reached)} {nouns.positives}",
              w.change(comparison.model.reached, comparison.rule.reached), "neutral"),
        _card(label, value, delta, tone),
    ]
    sure = (
        how_sure_sentence(nouns.entities, nouns.positives, comparison, econ.currency,
                          spec.headline.figure == "net_value", against)
        + " " + w.per_period(nouns, econ, scenario.sweep.size, never_saw=scenario.held_out_confirmed)
    )
    # Said in the answer box itself: whoever reads only the headline reads this too.
    unseen = _tag("p", _tag("strong", _e(scenario.unseen_note))) if scenario.unseen_note else ""
    ask = ""
    if charter.action:
        owner = f" Signed by: {charter.owner}." if charter.owner else ""
        ask = _tag("p", f"<strong>The ask.</strong> {_e(charter.action)}{_e(owner)} "
                        '<a href="#ask">What it needs</a>.')
    return ('<section id="answer" class="box">'
            + _tag("p", _e(w.same_budget_headline(spec, econ, comparison, against)), "headline")
            + _tag("div", "".join(cards), "cards") + unseen + _tag("p", _e(sure), "note") + ask + "</section>")


def _card(label: str, value: str, delta: str | None, tone: str) -> str:
    body = _tag("div", _e(label), "label") + _tag("div", _e(value), "value")
    if delta:
        body += _tag("div", _e(delta), f"delta {tone}")
    return _tag("div", body, "card")


def _data_and_rule(scenario: Scenario, comparison: SameBudget) -> str:
    spec, nouns, dataset = scenario.spec, scenario.spec.nouns, scenario.dataset
    held, held_positives = scenario.sweep.size, int(np.asarray(scenario.labels, dtype=bool).sum())
    kind = "Synthetic sample data, generated for this demo." if spec.synthetic else "The business's own data."
    if scenario.own_scores:
        learned = (f"The {nouns.score} comes from the business's own model; every one of them counts as held "
                   f"out ({w.count(held_positives)} {nouns.positives}). "
                   + w.unseen_answer_text(nouns, scenario.unseen).replace("Your answer", "The team's answer"))
    else:
        learned = (f"The model learned from {w.count(scenario.trained_on or len(scenario.split.train))} of them; "
                   f"every figure here comes from the other {w.count(held)} ({w.count(held_positives)} "
                   f"{nouns.positives}), which it never saw.")
    data_line = (
        f"{w.count(len(dataset.frame))} {nouns.entities}, {len(dataset.features)} columns; "
        f"{w.share(dataset.positive_rate)} are {nouns.positives} ({nouns.positive_meaning}). {learned} {kind}"
    )
    rule = comparison.rule
    picks = (
        f"It picks {w.share(rule.share_acted)} of {nouns.entities}: {w.hit_rate_phrase(nouns, rule.hit_rate)}, "
        f"and {w.coverage_phrase(nouns, rule.coverage)}."
    )
    if scenario.random_pick is not None:
        rule_part = _tag("p", _e(f"No rule was given, so the model is compared with picking "
                                 f"{w.share(rule.share_acted)} of {nouns.entities} at random. "
                                 f"{w.random_pick_sentence(nouns, scenario.random_pick)} On average, {picks}"))
    else:
        rule_part = (_tag("p", _e(spec.rule.description)) + _tag("p", _tag("code", _e(spec.rule.expression)))
                     + _tag("p", _e(picks)))
    model = comparison.model
    if scenario.own_scores:
        source = (f"The {nouns.score} comes from the business's own model, scored outside Proofdeck; nothing is "
                  f"refitted here. {scenario.unseen_note or 'The team confirmed it never saw these ' + nouns.entities + '.'}")
    else:
        source = (f"A {MODEL_NAMES.get(scenario.model.kind, scenario.model.kind)} model gives each {nouns.entity} "
                  f"{w.a(nouns.score)}.")
    model_text = (
        f"{source} Given the same budget, it acts on the highest {nouns.score}s: "
        f"{w.hit_rate_phrase(nouns, model.hit_rate)}, and {w.coverage_phrase(nouns, model.coverage)}."
    )
    against = scenario.baseline
    return _section("data", f"The data, {against.name} and the model", (
        _tag("p", f"<strong>The data.</strong> {_e(data_line)}")
        + _tag("div", _tag("div", _tag("h3", _e(against.title)) + rule_part)
               + _tag("div", _tag("h3", "The model") + _tag("p", _e(model_text))), "cols")
    ))


def _same_budget(scenario: Scenario, econ: Economics, comparison: SameBudget) -> str:
    spec, nouns, cur, against = scenario.spec, scenario.spec.nouns, econ.currency, scenario.baseline
    picker = ("a random pick on any of them (its average is shown)" if against.random
              else "today's rule on those it flags")
    rows = [_tag("tr", "<th>Per " + _e(econ.period if econ.population > 0 else "held-out set")
                 + f"</th><th class=\"n\">{_e(against.title)}</th><th class=\"n\">Model, same budget</th>"
                 "<th class=\"n\">Difference</th><th>95% interval of the difference</th>")]
    ranges = {
        "reached": interval_text(comparison.extra_reached, "count"),
        "net_value": interval_text(comparison.extra_net, "money", cur),
    }
    for key in SAME_BUDGET_FIGURES:
        rule, model = getattr(comparison.rule, key), getattr(comparison.model, key)
        cells = [
            _tag("td", _e(w.sentence_case(w.figure_name(key, nouns, spec)))),
            _tag("td", _e(w.format_figure(key, rule, cur)), "n"),
            _tag("td", _e(w.format_figure(key, model, cur)), "n"),
            _tag("td", _e(w.format_figure(key, model - rule, cur, signed=True)), "n"),
            _tag("td", _e(ranges.get(key, "")), "note"),
        ]
        rows.append(_tag("tr", "".join(cells)))
    relative = (f"Relative change in {nouns.positives} reached: {w.change(comparison.model.reached, comparison.rule.reached)} "
                f"(95% interval {interval_text(comparison.reached_change, 'change')}).")
    how = (f"95% intervals from redrawing the {w.count(scenario.sweep.size)} held-out {nouns.entities} "
           f"{comparison.resamples:,} times. ")
    heading = "A random pick against the model" if against.random else "Rule against model"
    return _section("same-budget", f"{heading}, at the same budget", (
        _tag("p", f"Both act on the same number of {_e(nouns.entities)}: {picker}, the "
                    f"model on those with the highest {_e(nouns.score)}. Only <em>whom</em> they pick differs.")
        + _table("".join(rows))
        + _tag("p", _tag("strong", _e(verdict_sentence(verdict(comparison), against))) + " " + _e(relative))
        + _tag("p", _e(how + w.per_period(nouns, econ, scenario.sweep.size, never_saw=scenario.held_out_confirmed)),
               "note")
    ))


def _setting(scenario: Scenario, econ: Economics, summary: SettingSummary) -> str:
    nouns, against = scenario.spec.nouns, scenario.baseline
    budget = "the random pick's budget" if against.random else "today's budget"
    if summary.count == scenario.default_count:
        where = f"This is {budget}: the model acts on as many {nouns.entities} as {against.the}."
    else:
        where = (f"This setting differs from {budget}: the model acts on {w.count(summary.outcome.actions)} "
                 f"{nouns.entities} where {against.the} acts on {w.count(summary.rule.actions)}.")
    cards = "".join(_card(f.label, f.value, f.delta, f.tone) for f in summary.figures)
    grid_rows = "".join(
        _tag("tr", _tag("td", _tag("strong", _e(cell.label))) + _tag("td", _e(cell.count), "n") + _tag("td", _e(cell.money)))
        for cell in summary.grid
    )
    grid_head = _tag("tr", "<th>Outcome</th><th class=\"n\">How many</th><th>Money</th>")
    return _section("setting", "The chosen setting", (
        _tag("p", _e(where), "muted")
        + _tag("h3", _e(summary.readout))
        + _tag("p", _e(summary.rates))
        + _tag("div", cards, "cards")
        + _tag("p", _e(summary.intervals_sentence), "note")
        + _tag("h3", f"Where the {_e(nouns.actions)} go")
        + _table(grid_head + grid_rows)
        + _tag("p", _e(summary.grid_note), "note")
        + _tag("p", _e(summary.caveat), "note")
    ))


def _figure_html(figure: go.Figure, div_id: str, include_plotlyjs: bool) -> str:
    height = figure.layout.height or 400
    return pio.to_html(
        figure, full_html=False, include_plotlyjs=include_plotlyjs, config=PLOTLY_CONFIG,
        div_id=div_id, default_width="100%", default_height=f"{height}px",
    )


def _charts(scenario: Scenario, econ: Economics, count: int, best: BestSetting) -> str:
    nouns, cur = scenario.spec.nouns, econ.currency
    money = headline_money_figure(scenario, econ, count, best)
    flags = scenario.flags_at(count)
    rule_point = gains_point(scenario.rule_flags, scenario.labels)
    against = scenario.baseline
    gains = gains_figure(gains_curve(scenario.scores, scenario.labels), rule_point,
                         gains_point(flags, scenario.labels), nouns, against)
    for figure in (money, gains):
        figure.for_each_trace(lambda trace: trace.update(name=CHOSEN_NAMES[trace.name]) if trace.name in CHOSEN_NAMES
                              else None)
    lift = lift_at(scenario.scores, scenario.labels, scenario.rule_count)
    rule_lift = rule_point[1] / rule_point[0] if rule_point[0] else float("nan")
    per = w.period_suffix(econ)
    best_text = ""
    if math.isfinite(best.honest_net):
        best_text = (f" The best net value comes from acting on the top {w.share(best.share)} of {nouns.entities}: "
                     f"used on new {nouns.entities}, a setting chosen this way earns about "
                     f"{w.money(best.honest_net, cur)}{per} (estimated on held-out rows it was not chosen on).")
    lift_text = (f"At {'the random pick' if against.random else 'the rule'}'s budget ({w.share(rule_point[0])} of "
                 f"{nouns.entities}), the model's picks reach {lift:.1f} times as many {nouns.positives} as picking "
                 "at random" + ("." if against.random else f"; today's rule reaches {rule_lift:.1f} times as many."))
    return _section("charts", "Every setting at a glance", (
        _tag("p", "The charts are interactive: hover for the figures, drag to zoom, double-click to see "
                    "everything.", "note screen")
        + _tag("div", _figure_html(money, "money-chart", include_plotlyjs=True), "chart")
        + _tag("p", _e(f"The dotted line marks the chosen setting, the diamond {against.name}." + best_text), "note")
        + _tag("div", _figure_html(gains, "gains-chart", include_plotlyjs=False), "chart")
        + _tag("p", _e(lift_text), "note")
    ))


def _stories(scenario: Scenario, count: int, explainer: ModelExplainer | None, seed: int) -> str:
    from proofdeck.explanation.explain import explanation_sentence, make_explainer, top_reasons

    spec, nouns = scenario.spec, scenario.spec.nouns
    flags = scenario.flags_at(count)
    cutoff = scenario.threshold_at(count)
    stories = pick_stories(scenario.labels, flags, scenario.rule_acts, seed=seed)
    has_rule = not scenario.baseline.random
    positions = [story.position for story in stories if story.available]
    contributions = {}
    if positions and not scenario.own_scores:
        if explainer is None:
            explainer = make_explainer(scenario.model, scenario.dataset.frame.iloc[scenario.split.train])
        rows = scenario.heldout.iloc[positions]
        explained = explainer.explain(rows[list(scenario.model.features)])
        contributions = {position: explained.row(i) for i, position in enumerate(positions)}
    blocks = []
    for story in stories:
        right = MODEL_RIGHT[story.kind]
        mark = "✓ The model is right" if right else "✗ The model is wrong"
        head = _tag("p", _e(mark), "kicker") + _tag("h3", _e(story_title(story.kind, nouns, has_rule)))
        if not story.available:
            blocks.append(_tag("div", head + _tag("p", _e(empty_story_text(story.kind, nouns, has_rule)), "muted"),
                               "story" if right else "story wrong"))
            continue
        row = scenario.heldout.iloc[story.position]
        reasons = [] if scenario.own_scores else top_reasons(
            contributions[story.position], row, spec.label, flag_columns=scenario.flag_columns)
        sentence = explanation_sentence(nouns.score, float(scenario.scores[story.position]), reasons, cutoff,
                                        acted=bool(flags[story.position]))
        example_id = scenario.ids.iloc[story.position]
        who = (f"{_e(spec.label(spec.id_column))} {_data(example_id, 80)} · one of "
               f"{story.pool_size:,} like this in the held-out data")
        blocks.append(_tag("div", head + _tag("p", who, "note") + _tag("p", _data(sentence, 1000)),
                           "story" if right else "story wrong"))
    return _section("examples", "Four examples, where the model wins and where it loses", (
        _tag("p", f"Each is drawn at random from every held-out {_e(nouns.entity)} that fits it, not picked "
                    "to flatter the model; " + (
                        f"the {_e(nouns.score)} comes from the business's own model, so Proofdeck cannot say why it "
                        "is high or low." if scenario.own_scores
                        else "the reasons are the columns that moved its score most."), "note")
        + _tag("div", "".join(blocks), "pairs")
    ))


def _assumption_value(field: str, value, econ: Economics, scenario: Scenario) -> str:
    if field == "win_rate":
        return w.share(value)
    if field == "population":
        return f"{w.count(value)} per {econ.period}" if value > 0 else "not scaled (held-out counts)"
    if field == "value_per_won" and econ.value_column:
        return f"each {scenario.spec.nouns.entity}'s own {scenario.spec.label(econ.value_column)}"
    return w.money(value, econ.currency)


def _assumptions(scenario: Scenario, econ: Economics) -> str:
    spec = scenario.spec
    own = spec.economics
    rows = [_tag("tr", "<th>Assumption</th><th class=\"n\">Value</th><th>Source</th>")]
    for field in ("cost_per_action", "value_per_won", "win_rate", "fixed_cost", "cost_per_miss", "population"):
        value, original = getattr(econ, field), getattr(own, field)
        source = "the demo's own" if value == original else (
            f"changed from {_assumption_value(field, original, own, scenario)}")
        if field in econ.assumed:
            source = "an example value: assumed, not confirmed"
        name = (f"{spec.nouns.entities} per {econ.period}" if field == "population"
                else assumption_name(field, spec.nouns))
        rows.append(_tag("tr", _tag("td", _e(w.sentence_case(name)))
                         + _tag("td", _e(_assumption_value(field, value, econ, scenario)), "n")
                         + _tag("td", _e(source), "muted")))
    return _section("assumptions", "The assumptions", (
        _tag("p", "Every money figure follows from these. Change them in the app and the report follows.", "note")
        + _table("".join(rows))
    ))


def _ask(scenario: Scenario, econ: Economics, comparison: SameBudget, charter: Charter) -> str:
    nouns, against = scenario.spec.nouns, scenario.baseline
    missing = "not stated yet"
    terms = [
        ("What happens", charter.action or missing),
        ("Who signs", charter.owner or missing),
        ("The promise", w.sentence_case(charter.promise) if charter.promise else missing),
        ("Expected impact", f"At {'the random pick' if against.random else 'today'}'s budget, an extra net value "
                            f"{interval_text(comparison.extra_net, 'money', econ.currency)}"
                            + w.period_suffix(econ) + " (95% interval)"),
    ]
    definitions = "".join(_tag("dt", _e(term)) + _tag("dd", _e(text)) for term, text in terms)
    steps = "".join(
        _tag("li", ("✓ " if done else "○ ") + _e(w.readiness_step(step, against))
             + _tag("span", " — done" if done else " — to do",
                                                                 "good" if done else "muted"))
        for step, done in charter.checklist
    )
    try:
        test = ab_test_for(comparison.rule, comparison.model, econ).sentence(nouns, against)
    except ValueError as error:
        test = f"No A/B test can be sized: {error}."
    return _section("ask", "The ask", (
        _tag("dl", definitions)
        + _tag("h3", "Ready for production?")
        + _tag("ul", steps, "check")
        + _tag("h3", "The A/B test it needs")
        + _tag("p", _e(test))
    ))


def _caveats(scenario: Scenario, econ: Economics, comparison: SameBudget, check: LeakCheck | None,
             stability: Stability | None) -> str:
    spec, nouns = scenario.spec, scenario.spec.nouns
    positives = int(np.asarray(scenario.labels, dtype=bool).sum())
    never_saw = " that the model never saw" if scenario.held_out_confirmed else ""
    items = [
        f"Every figure comes from {w.count(scenario.sweep.size)} held-out {nouns.entities} "
        f"({w.count(positives)} {nouns.positives}){never_saw}; the ranges are 95% intervals "
        "from redrawing them." + (f" With so few {nouns.positives} held out, every range is wide."
                                  if positives < FEW_POSITIVES else ""),
    ]
    if scenario.unseen_note:
        items.append(scenario.unseen_note)
    if econ.population > 0:
        items.append(f"Counts and money are scaled from them to {w.count(econ.population)} {nouns.entities} "
                     f"per {econ.period}.")
    if spec.synthetic:
        items.append("The data are synthetic, generated for this demo: they show how the case would be made, "
                     "and the business's own data will give other numbers.")
    if scenario.own_scores:
        items.append(f"The {nouns.score} comes from the business's own model: whether it used a column known only "
                     "after the outcome, or trained on these rows, cannot be checked here.")
    elif check is not None:
        features = scenario.dataset.features
        items.append("Columns known only after the outcome: " + check.findings(
            features, spec.known_before, nouns.action, spec.label))
        drivers = check.unconfirmed_sentence(features, spec.known_before, nouns.action, spec.label)
        if drivers:
            items.append(drivers)
    money_note = w.assumed_money(nouns, econ)
    if money_note:
        items.append(money_note)
    items.append(w.uplift_caveat(nouns, econ, scenario.baseline))
    if stability is not None:
        items.append(stability.summary + " " + stability.compared_with(comparison.extra_net))
    elif scenario.own_scores:
        items.append(w.no_refits_sentence(nouns))
    else:
        items.append("The model was trained on one split of the data; how much its gain moves on other splits "
                     "was not measured for this report.")
    typos = 0 if scenario.rule is None else len(scenario.rule.literal_warnings(scenario.dataset.frame))
    if typos:
        items.append(f"Today's rule compares {typos} column(s) with text that never occurs in the data (a likely "
                     "typo), so that part of the rule never matches.")
    return _section("caveats", "Caveats", _tag("ul", "".join(_tag("li", _e(item)) for item in items)))


# --- the file ------------------------------------------------------------------------------------


def report_html(
    scenario: Scenario,
    economics: Economics,
    count: int,
    *,
    comparison: SameBudget | None = None,
    bootstrap: TopKBootstrap | None = None,
    best: BestSetting | None = None,
    explainer: ModelExplainer | None = None,
    check: LeakCheck | None = None,
    stability: Stability | None = None,
    charter: Charter | None = None,
    story_seed: int = 0,
    made_on: str | None = None,
) -> str:
    """The one-file HTML report of a demo at a setting and some assumptions.

    Parameters
    ----------
    scenario : the fitted demo.
    economics : the assumptions (the spec's own or a session's).
    count : held-out examples the model acts on (its top ones), as on the pages.
    comparison, bootstrap, best, explainer : precomputed pieces (a page passes its cached
        ones); each is computed here when None, with the pages' own seeds and sizes.
    check : what the leak guard checked and found (an upload's, made before it was built);
        None checks the model's columns here (:func:`proofdeck.upload.leakage.check_columns`,
        a few refits of the model).
    stability : the model's gain across refits (:func:`proofdeck.comparison.stability.model_stability`),
        when computed; it is slow, so it is never computed here.
    charter : the POC's ask as edited for a session (default: the spec's own).
    story_seed : seed of the four examples (0 draws the ones the Examples page shows first).
    made_on : a date to print in the footer, e.g. "2025-06-01"; none by default, so the same
        inputs give the same bytes.

    Returns
    -------
    str
        A complete HTML document (about 5 MB: plotly.js is inlined once).
    """
    spec, nouns = scenario.spec, scenario.spec.nouns
    count = int(min(max(count, 0), scenario.sweep.size))
    sc = scenario
    if comparison is None:
        comparison = same_budget(sc.scores, sc.rule_flags, sc.labels, sc.values, economics)
    if bootstrap is None:
        bootstrap = TopKBootstrap(sc.sweep.order, sc.labels, sc.values)
    if best is None:
        best = best_setting(sc.scores, sc.labels, sc.values, economics)
    if check is None and not sc.own_scores:
        check = check_columns(sc.dataset.frame, sc.dataset.labels, tuple(sc.model.features), spec.target_column,
                              spec.model.kind, spec.model.test_size, spec.model.seed)
    charter = spec.charter if charter is None else charter
    summary = setting_summary(scenario, economics, count, bootstrap)
    view = links.View(
        demo=spec.key,
        count=None if count == scenario.default_count else count,
        economics=links.economics_changes(spec.economics, economics),
    )
    query = "?" + "&".join(f"{name}={value}" for name, value in links.encode(view).items())
    if spec.uploaded:  # no file on any server: a link could not reopen it
        where = "a file uploaded for one session"
        reopen = ("No link reopens it: uploaded data never travels in a link. To show it again, keep it as a demo "
                  "(the Your data page's download) or upload the file again.")
    else:
        where = spec.where
        reopen = f"The same view in the app: add <code>{_e(query)}</code> to its address."
    made = f" on {_e(made_on)}" if made_on else ""
    body = (
        _tag("header", _tag("p", f"{_e(spec.title)} · a proof of concept"
                                 + (" · synthetic sample data" if spec.synthetic else ""), "kicker")
             + _tag("h1", _e(spec.question)) + _tag("p", _e(spec.description.strip())))
        + _answer(scenario, economics, comparison, charter)
        + _data_and_rule(scenario, comparison)
        + _same_budget(scenario, economics, comparison)
        + _setting(scenario, economics, summary)
        + _charts(scenario, economics, count, best)
        + _stories(scenario, count, explainer, story_seed)
        + _assumptions(scenario, economics)
        + _ask(scenario, economics, comparison, charter)
        + _caveats(scenario, economics, comparison, check, stability)
        + _tag("footer", f"Made with Proofdeck{made} from {_e(where)}, the model acting on its top "
                         f"{w.share(count / scenario.sweep.size)} of {_e(nouns.entities)} ({setting_text(scenario, count)}). "
                         + reopen)
    )
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="Proofdeck">\n'
        f"<title>{_e(spec.title)}: {_e(spec.question)}</title>\n<style>{STYLE}</style>\n</head>\n"
        f"<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )


def setting_text(scenario: Scenario, count: int) -> str:
    """The setting in held-out examples, as the report's footer and the command line say it:
    "540 of the 3,600 held out"."""
    return f"{w.count(count)} of the {w.count(scenario.sweep.size)} held out"


def report_file_name(scenario: Scenario, count: int) -> str:
    """A file name for the report, e.g. ``churn-report-top-603.html``."""
    return f"{scenario.spec.key}-report-top-{int(count)}.html"
