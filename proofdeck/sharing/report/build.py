"""The report's content: every sentence and number of the one-file report, worded once.

:func:`report_content` turns a scenario and its :class:`~.inputs.ReportInputs` into a
:class:`~.content.Report`. It words and formats only (the inputs are computed by
:func:`~.inputs.gather_inputs`); text from the data is made one printable line here
(``plain()``), and is escaped only where it is written, by the template.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from proofdeck.comparison.ab_test import ab_test_for
from proofdeck.comparison.compare import (
    SAME_BUDGET_FIGURES,
    SameBudget,
    expected_impact_text,
    how_sure_sentence,
    interval_text,
    verdict,
    verdict_sentence,
)
from proofdeck.comparison.effects import effect_at_budget, effect_table, effect_verdicts
from proofdeck.comparison.sensitivity import assumption_name
from proofdeck.data.spec import Charter, Economics
from proofdeck.model.scenario import Scenario
from proofdeck.model.training import MODEL_NAMES
from proofdeck.review.marks import Mark, marks_frame, summarise
from proofdeck.sharing import links
from proofdeck.sharing.report import content as c
from proofdeck.sharing.report.caveats import caveats
from proofdeck.sharing.report.charts import charts
from proofdeck.sharing.report.examples import examples
from proofdeck.sharing.report.inputs import ReportInputs
from proofdeck.sharing.summary import SettingSummary
from proofdeck.words import wording as w


def report_content(scenario: Scenario, economics: Economics, inputs: ReportInputs,
                   made_on: str | None = None, marks: Sequence[Mark] | None = None,
                   saved_link: str | None = None) -> c.Report:
    """What the report says about ``scenario`` at ``inputs.count`` under these assumptions;
    ``marks`` is the team's review of a saved proof of concept (None: not saved), ``saved_link``
    its viewer link."""
    spec = scenario.spec
    review = None if marks is None else review_section(scenario, marks)
    the_ask = ask(scenario, economics, inputs.comparison, inputs.charter)
    if review is not None:
        the_ask = replace(the_ask, terms=(*the_ask.terms, ("Expert review", review.sentence)))
    return c.Report(
        header=c.Header(
            title=spec.title,
            kicker=f"{spec.title} · a proof of concept" + (" · synthetic sample data" if spec.synthetic else ""),
            question=spec.question,
            description=spec.description.strip(),
        ),
        answer=answer(scenario, economics, inputs.comparison, inputs.charter),
        data=data_and_rule(scenario, inputs.comparison),
        same_budget=same_budget_section(scenario, economics, inputs.comparison),
        setting=setting_section(scenario, economics, inputs.summary),
        charts=charts(scenario, economics, inputs.count, inputs.best, inputs.marginal),
        examples=examples(scenario, inputs),
        assumptions=assumptions(scenario, economics),
        ask=the_ask,
        caveats=caveats(scenario, economics, inputs.comparison, inputs.check, inputs.stability),
        footer=footer(scenario, economics, inputs.count, made_on, saved_link),
        review=review,
        effect=None if scenario.uplift is None else effect_section(scenario, economics),
    )


def effect_section(scenario: Scenario, econ: Economics) -> c.EffectSection:
    """Who the action changes, at today's rule's budget, from the past campaign's held-out rows."""
    spec, nouns = scenario.spec, scenario.spec.nouns
    comparison = effect_at_budget(scenario, econ)
    table = effect_table(scenario, econ, comparison)
    columns = tuple(name for name in table[0] if name)
    actions = comparison.policies["rule"].actions
    return c.EffectSection(
        heading=w.effect_title(nouns),
        intro=(f"The same number of {nouns.actions} ({w.count(actions)}{w.period_suffix(econ)}), chosen three ways, "
               f"measured on the held-out {nouns.entities} of the past campaign. In brackets: 95% intervals."),
        columns=columns,
        rows=tuple((row[""], *(row[name] for name in columns)) for row in table),
        verdicts=tuple(effect_verdicts(scenario, comparison)),
        warning=None if spec.uplift.randomised else w.not_randomised(nouns),
        note=(f"Among the picks, the {nouns.entities} {w.who(nouns.entities)} got the {nouns.action} in the campaign are compared with "
              f"those who did not; the gap, times the picks, is what the {nouns.action} changes. The groups are "
              f"estimates from two models of each {nouns.entity}'s chances with and without the {nouns.action}. "
              + w.campaign_sentence(spec)),
    )


def review_section(scenario: Scenario, marks: Sequence[Mark]) -> c.ReviewSection:
    """The team's review as the report shows it: the charter's sentence and every mark."""
    nouns = scenario.spec.nouns
    table = marks_frame(marks)
    rows = tuple(tuple(str(value) for value in row) for row in table.itertuples(index=False))
    return c.ReviewSection(summarise(marks).sentence(nouns.entity, nouns.entities), rows)


def headline_tone(comparison: SameBudget) -> c.Tone:
    """The headline card's colour: only a cost per won (CAC) headline carries a change, and a
    lower cost is better."""
    return "good" if comparison.model.cost_per_won < comparison.rule.cost_per_won else "bad"


def _headline_card(spec, econ: Economics, comparison: SameBudget, label: str, value: str,
                   delta: str | None) -> c.Card:
    """The headline's card, with the headline's own 95% range on it (never the net value's)."""
    spread = comparison.headline_interval(spec.headline.figure)
    if not (math.isfinite(spread.low) and math.isfinite(spread.high)):
        return c.Card(label, value, delta, "neutral" if delta is None else headline_tone(comparison))
    ends = f"95% range {w.money(spread.low, econ.currency, signed=True)} to {w.money(spread.high, econ.currency, signed=True)}"
    if delta is not None:  # a cost per won: its change, then the change's range
        return c.Card(label, value, f"{delta}; {ends}", headline_tone(comparison))
    return c.Card(label, value, ends, "neutral")  # only a cost per won's change is coloured


def answer(scenario: Scenario, econ: Economics, comparison: SameBudget, charter: Charter) -> c.Answer:
    """The answer box: the headline sentence, the baseline and the model side by side, how sure."""
    spec, nouns, against = scenario.spec, scenario.spec.nouns, scenario.baseline
    label, value, delta, _ = w.headline_metric(spec, econ, comparison.rule, comparison.model, against)
    cards = (
        c.Card(f"{against.title} reaches" + (" on average" if against.random else ""),
               f"{w.count(comparison.rule.reached)} {nouns.positives}"),
        c.Card("The model reaches", f"{w.count(comparison.model.reached)} {nouns.positives}",
               w.change(comparison.model.reached, comparison.rule.reached)),
        _headline_card(spec, econ, comparison, label, value, delta),
    )
    how_sure = (
        how_sure_sentence(nouns.entities, nouns.positives, comparison, econ.currency,
                          spec.headline.figure == "net_value", against, headline=w.headline_of(spec))
        + " " + w.per_period(nouns, econ, scenario.sweep.size, never_saw=scenario.held_out_confirmed)
    )
    return c.Answer(
        headline=w.same_budget_headline(spec, econ, comparison, against),
        cards=cards,
        unseen=scenario.unseen_note or None,
        how_sure=how_sure,
        ask=c.AskLine(charter.action, charter.owner) if charter.action else None,
    )


def data_and_rule(scenario: Scenario, comparison: SameBudget) -> c.DataSection:
    """The data in one line, today's rule (or a random pick) and the model."""
    spec, nouns, dataset = scenario.spec, scenario.spec.nouns, scenario.dataset
    held, held_positives = scenario.sweep.size, int(np.asarray(scenario.labels, dtype=bool).sum())
    kind = "Synthetic sample data, generated for this demo." if spec.synthetic else "The business's own data."
    if not scenario.refittable:
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
    rule, against = comparison.rule, scenario.baseline
    picks = (
        f"It picks {w.share(rule.share_acted)} of {nouns.entities}: {w.hit_rate_phrase(nouns, rule.hit_rate)}, "
        f"and {w.coverage_phrase(nouns, rule.coverage)}."
    )
    if scenario.random_pick is not None:
        baseline = c.BaselineText(against.title, None, None, (
            f"No rule was given, so the model is compared with picking {w.share(rule.share_acted)} of "
            f"{nouns.entities} at random. {w.random_pick_sentence(nouns, scenario.random_pick)} On average, {picks}"))
    else:
        baseline = c.BaselineText(against.title, spec.rule.description, spec.rule.expression, picks)
    model = comparison.model
    if not scenario.refittable:
        scored = ("scored outside Proofdeck" if scenario.own_scores
                  else f"a {scenario.model.name} scored and explained here")
        source = (f"The {nouns.score} comes from the business's own model, {scored}; nothing is "
                  f"refitted here. {scenario.unseen_note or 'The team confirmed it never saw these ' + nouns.entities + '.'}")
    else:
        source = (f"A {MODEL_NAMES.get(scenario.model.kind, scenario.model.kind)} model gives each {nouns.entity} "
                  f"{w.a(nouns.score)}.")
    model_text = (
        f"{source} Given the same budget, it acts on the highest {nouns.score}s: "
        f"{w.hit_rate_phrase(nouns, model.hit_rate)}, and {w.coverage_phrase(nouns, model.coverage)}."
    )
    return c.DataSection(f"The data, {against.name} and the model", data_line, baseline, model_text)


def comparison_rows(scenario: Scenario, econ: Economics, comparison: SameBudget) -> tuple[c.ComparisonRow, ...]:
    """The same-budget table's figures, baseline against model, with the signed difference."""
    spec, nouns, cur = scenario.spec, scenario.spec.nouns, econ.currency
    ranges = {
        "reached": interval_text(comparison.extra_reached, "count"),
        "net_value": interval_text(comparison.extra_net, "money", cur),
    }
    rows = []
    for key in SAME_BUDGET_FIGURES:
        rule, model = getattr(comparison.rule, key), getattr(comparison.model, key)
        rows.append(c.ComparisonRow(
            key=key,
            name=w.sentence_case(w.figure_name(key, nouns, spec)),
            rule=rule,
            model=model,
            rule_text=w.format_figure(key, rule, cur),
            model_text=w.format_figure(key, model, cur),
            difference_text=w.format_figure(key, model - rule, cur, signed=True),
            interval=ranges.get(key, ""),
        ))
    return tuple(rows)


def same_budget_section(scenario: Scenario, econ: Economics, comparison: SameBudget) -> c.SameBudgetSection:
    """The baseline against the model at the same budget: the table, the verdict, the intervals."""
    nouns, against = scenario.spec.nouns, scenario.baseline
    relative = (f"Relative change in {nouns.positives} reached: {w.change(comparison.model.reached, comparison.rule.reached)} "
                f"(95% interval {interval_text(comparison.reached_change, 'change')}).")
    how = (f"95% intervals from redrawing the {w.count(scenario.sweep.size)} held-out {nouns.entities} "
           f"{comparison.resamples:,} times. ")
    heading = "A random pick against the model" if against.random else "Rule against model"
    return c.SameBudgetSection(
        heading=f"{heading}, at the same budget",
        entities=nouns.entities,
        picker=("a random pick on any of them (its average is shown)" if against.random
                else "today's rule on those it flags"),
        score=nouns.score,
        per="Per " + (econ.period if econ.population > 0 else "held-out set"),
        baseline_title=against.title,
        rows=comparison_rows(scenario, econ, comparison),
        verdict=verdict_sentence(verdict(comparison), against),
        relative=relative,
        note=how + w.per_period(nouns, econ, scenario.sweep.size, never_saw=scenario.held_out_confirmed),
    )


def setting_section(scenario: Scenario, econ: Economics, summary: SettingSummary) -> c.SettingSection:
    """The chosen setting as the Decide page says it (its cards' tones are the page's)."""
    nouns, against = scenario.spec.nouns, scenario.baseline
    budget = "the random pick's budget" if against.random else "today's budget"
    if summary.count == scenario.default_count:
        where = f"This is {budget}: the model acts on as many {nouns.entities} as {against.the}."
    else:
        where = (f"This setting differs from {budget}: the model acts on {w.count(summary.outcome.actions)} "
                 f"{nouns.entities} where {against.the} acts on {w.count(summary.rule.actions)}.")
    return c.SettingSection(
        where=where,
        readout=summary.readout,
        rates=summary.rates,
        cards=tuple(c.Card(f.label, f.value, f.delta, f.tone) for f in summary.figures),
        intervals=summary.intervals_sentence,
        actions=nouns.actions,
        grid=summary.grid,
        grid_note=summary.grid_note,
        caveat=summary.caveat,
        marginal=summary.marginal,
    )


def _assumption_value(field: str, value, econ: Economics, scenario: Scenario) -> str:
    if field == "win_rate":
        return w.share(value)
    if field == "population":
        return f"{w.count(value)} per {econ.period}" if value > 0 else "not scaled (held-out counts)"
    if field == "value_per_won" and econ.value_column:
        return f"each {scenario.spec.nouns.entity}'s own {scenario.spec.label(econ.value_column)}"
    return w.money(value, econ.currency)


def assumptions(scenario: Scenario, econ: Economics) -> tuple[c.AssumptionRow, ...]:
    """Each assumption, its value and where it comes from (the demo, a change, or an example value)."""
    spec = scenario.spec
    own = spec.economics
    rows = []
    for field in ("cost_per_action", "value_per_won", "win_rate", "fixed_cost", "cost_per_miss", "population"):
        value, original = getattr(econ, field), getattr(own, field)
        source = "the demo's own" if value == original else (
            f"changed from {_assumption_value(field, original, own, scenario)}")
        if field in econ.assumed:
            source = "an example value: assumed, not confirmed"
        name = assumption_name(field, spec.nouns, econ.period)
        rows.append(c.AssumptionRow(w.sentence_case(name), _assumption_value(field, value, econ, scenario), source))
    return tuple(rows)


def ask(scenario: Scenario, econ: Economics, comparison: SameBudget, charter: Charter) -> c.AskSection:
    """The charter's terms, its steps to production and the A/B test it needs."""
    nouns, against = scenario.spec.nouns, scenario.baseline
    missing = "not stated yet"
    terms = (
        ("What happens", charter.action or missing),
        ("Who signs", charter.owner or missing),
        ("The promise", w.sentence_case(charter.promise) if charter.promise else missing),
        ("Expected impact", w.sentence_case(expected_impact_text(
            comparison, econ.currency, w.period_suffix(econ), vars(nouns), against))),
    )
    steps = tuple(c.Step(w.readiness_step(step, against), done) for step, done in charter.checklist)
    try:
        tests = ab_test_for(comparison.rule, comparison.model, econ).labelled(nouns, against)
    except ValueError as error:
        tests = (("", f"No A/B test can be sized: {error}."),)
    return c.AskSection(terms, steps, tests)


def setting_text(scenario: Scenario, count: int) -> str:
    """The setting in held-out examples, as the report's footer and the command line say it:
    "540 of the 3,600 held out"."""
    return f"{w.count(count)} of the {w.count(scenario.sweep.size)} held out"


def footer(scenario: Scenario, econ: Economics, count: int, made_on: str | None,
           saved_link: str | None = None) -> c.Footer:
    """Where the report comes from and the link that reopens the same view (none for an upload)."""
    spec = scenario.spec
    view = links.View(
        demo=spec.key,
        count=None if count == scenario.default_count else count,
        economics=links.economics_changes(spec.economics, econ),
    )
    query = "?" + "&".join(f"{name}={value}" for name, value in links.encode(view).items())
    return c.Footer(
        made_on=made_on or None,
        # An upload has no file on any server: no link could reopen it.
        source=("a proof of concept saved in the team workspace" if saved_link
                else "a file uploaded for one session" if spec.uploaded else spec.where),
        setting=(f"the model acting on its top {w.share(count / scenario.sweep.size)} of {spec.nouns.entities} "
                 f"({setting_text(scenario, count)})"),
        link_query=None if spec.uploaded or saved_link else query,
        saved_link=saved_link,
    )
