"""Pieces of the Rule vs model page: the verdict, the same-budget table, and the tabs below."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from proofdeck.charts import comparison as compare_charts
from proofdeck.charts.decision_curve import decision_curve_figure
from proofdeck.comparison.compare import (
    SAME_BUDGET_FIGURES,
    SameBudget,
    interval_text,
    same_reach,
    top_k_flags,
    verdict,
    verdict_sentence,
)
from proofdeck.comparison.gains import gains_curve, gains_point, lift_at
from proofdeck.comparison.policies import POLICIES, agreement, cell_positions
from proofdeck.comparison.segments import segment_table
from proofdeck.comparison.sensitivity import (
    TORNADO_FIELDS,
    HeadToHead,
    break_even,
    break_even_text,
    no_effect,
    no_effect_sentence,
    tornado,
)
from proofdeck.data.spec import Economics
from proofdeck.decisions.decision_curve import (
    DecisionCurve,
    decision_curve,
    net_value_at_price,
    scores_are_probabilities,
    value_of_hit,
)
from proofdeck.decisions.outcomes import outcome_of_flags
from proofdeck.model.scenario import Scenario
from proofdeck.rules.parse import TEXT, column_kinds
from proofdeck.words import wording as w
from proofdeck.words.decision_words import exchange_text
from proofdeck.words.safe_text import md
from ui.frame import state
from ui.frame.stability import stability_caption
from ui.frame.widgets import assumed_money_note, unseen_warning

DECISION_CURVE_TAB = "Decision curve"  # short: the tab row is full (net benefit is said in the tab)
VERDICT_ICONS = {"better": ":material/trending_up:", "worse": ":material/trending_down:", "unclear": ":material/help:"}


def verdict_box(scenario: Scenario, econ: Economics, comparison: SameBudget, analyst: bool = False) -> None:
    """"Better than today, by how much, how sure" in one box."""
    nouns, against = scenario.spec.nouns, scenario.baseline
    result = verdict(comparison)
    with st.container(border=True):
        st.subheader(w.same_budget_headline(scenario.spec, econ, comparison, against))
        unseen_warning(scenario)
        headline_first = scenario.spec.headline.figure != "net_value"
        columns = st.columns(4 if headline_first else 3)
        if headline_first:
            label, value, delta, color = w.headline_metric(scenario.spec, econ, comparison.rule, comparison.model,
                                                           against)
            columns[0].metric(label, value, delta=delta, delta_color=color)
            columns[0].caption("95% interval: " + interval_text(
                comparison.headline_interval(scenario.spec.headline.figure), "money", econ.currency))
            columns = columns[1:]
        left, middle, right = columns
        left.metric(f"Extra {nouns.positives} reached", w.count(comparison.extra_reached.estimate, signed=True),
                    help=f"The model's top picks against {against.name}, with the same number of actions.")
        left.caption("95% interval: " + interval_text(comparison.extra_reached, "count"))
        middle.metric("Relative change", w.change(comparison.model.reached, comparison.rule.reached))
        middle.caption("95% interval: " + interval_text(comparison.reached_change, "change"))
        right.metric(f"Extra net value{w.period_suffix(econ)}", w.money(comparison.extra_net.estimate, econ.currency, signed=True))
        right.caption("95% interval: " + interval_text(comparison.extra_net, "money", econ.currency))
        st.markdown(f"{VERDICT_ICONS[result]} **{verdict_sentence(result, against)}**")
        how = (f"{comparison.resamples:,} bootstrap resamples of the {scenario.sweep.size:,} held-out "
               f"{nouns.entities}" if analyst else f"redrawing the {scenario.sweep.size:,} held-out {nouns.entities} many times")
        st.caption(f"95% intervals from {how}. "
                   + w.per_period(nouns, econ, scenario.sweep.size, never_saw=scenario.held_out_confirmed))
        stability_caption(scenario, comparison.extra_net)
        st.caption(w.uplift_caveat(nouns, econ, against, scenario.spec.uplift))
        assumed_money_note(scenario.spec, econ)


def same_budget_table(scenario: Scenario, econ: Economics, comparison: SameBudget) -> None:
    spec = scenario.spec
    rows = []
    for key in SAME_BUDGET_FIGURES:
        rule, model = getattr(comparison.rule, key), getattr(comparison.model, key)
        rows.append({
            "": w.sentence_case(w.figure_name(key, spec.nouns, spec)),
            scenario.baseline.title + (" (average)" if scenario.baseline.random else ""):
                w.format_figure(key, rule, econ.currency),
            "Model, same budget": w.format_figure(key, model, econ.currency),
            "Difference": w.format_figure(key, model - rule, econ.currency, signed=True),
        })
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def same_reach_sentence(scenario: Scenario, econ: Economics) -> str:
    sc, nouns, against = scenario, scenario.spec.nouns, scenario.baseline
    reach = same_reach(sc.scores, sc.rule_flags, sc.labels, sc.values, econ)
    average = " on average" if against.random else ""
    if reach.rule.reached == 0:
        return f"{against.title} reaches no {nouns.positives} in the held-out data."
    if reach.model.actions >= reach.rule.actions:
        return (f"To reach as many {nouns.positives} as {against.the} ({w.count(reach.rule.reached)}{average}), the "
                f"model needs {w.count(reach.model.actions)} {nouns.actions}: no fewer than {against.the}.")
    return (
        f"**Same reach:** to reach as many {nouns.positives} as {against.name} ({w.count(reach.rule.reached)}{average}), "
        f"the model needs only **{w.count(reach.model.actions)}** {nouns.actions} instead of "
        f"{w.count(reach.rule.actions)}: {w.count(reach.actions_saved)} fewer, saving "
        f"**{w.money(reach.spend_saved, econ.currency)}**{w.period_suffix(econ)}."
    )


@st.cache_data(show_spinner=False, max_entries=16)
def _gains(demo: str, _scenario: Scenario):
    return gains_curve(_scenario.scores, _scenario.labels)


def gains_tab(scenario: Scenario, model_flags: np.ndarray) -> None:
    sc, nouns, against = scenario, scenario.spec.nouns, scenario.baseline
    rule_point = gains_point(sc.rule_flags, sc.labels)
    current = gains_point(model_flags, sc.labels)
    st.plotly_chart(compare_charts.gains_figure(_gains(state.cache_key(sc), sc), rule_point, current, nouns, against),
                    key="gains_chart")
    lift = lift_at(sc.scores, sc.labels, sc.rule_count)
    rule_lift = rule_point[1] / rule_point[0] if rule_point[0] else float("nan")
    st.markdown(
        f"At {against.the}'s budget ({w.share(rule_point[0])} of {nouns.entities}), the model's picks reach "
        f"**{lift:.1f} times** as many {nouns.positives} as picking at random"
        + ("." if against.random else f"; today's rule reaches {rule_lift:.1f} times as many.")
    )


def agreement_tab(scenario: Scenario, model_flags: np.ndarray, cutoff: float) -> None:
    """Rule flags against model flags as a 2x2; pick a cell to list its examples."""
    sc, nouns, spec = scenario, scenario.spec.nouns, scenario.spec
    if no_rule_note(scenario, "nothing to agree with"):
        return
    table = agreement(sc.rule_flags, model_flags, sc.labels)
    st.caption(f"At your current setting: {nouns.score} of {w.cutoff_text(cutoff)} or more (held-out counts).")
    words = {True: "flags", False: "does not flag"}
    names = {}
    _, model_yes, model_no = st.columns([1.1, 2, 2])
    model_yes.markdown("**Model flags**")
    model_no.markdown("**Model does not flag**")
    for rule in (True, False):
        label, *cells = st.columns([1.1, 2, 2])
        label.markdown(f"**Rule {words[rule]}**")
        for cell, model in zip(cells, (True, False)):
            row = table.loc[(rule, model)]
            names[f"Rule {words[rule]}, model {words[model]}"] = (rule, model)
            with cell.container(border=True):
                st.markdown(f"**{w.count(row['examples'])}** {nouns.entities}")
                st.caption(f"{w.share(row['positive_rate'])} are actually {nouns.positives}")
    choice = remembered_selectbox("List the examples in", list(names), f"agreement_cell_{spec.key}", default=1)
    positions = cell_positions(sc.rule_flags, model_flags, *names[choice])
    score_name = w.sentence_case(nouns.score)
    listing = pd.DataFrame({
        spec.label(spec.id_column): sc.ids.to_numpy()[positions],
        score_name: sc.scores[positions],
        f"Actually {w.a(nouns.positive)}": sc.labels[positions],
    }).sort_values(score_name, ascending=False)
    st.dataframe(listing, hide_index=True, width="stretch", height=240,
                 column_config={score_name: st.column_config.ProgressColumn(format="percent", min_value=0, max_value=1)})
    if len(listing):
        first = str(listing.iloc[0, 0])
        st.page_link("pages/2_Examples.py", label=f"Open {nouns.entity} {md(first)} on the Examples page",
                     icon=":material/open_in_new:", query_params=state.link_params(sc, example=first))


def together_tab(scenario: Scenario, econ: Economics, count: int, cutoff: float) -> None:
    nouns = scenario.spec.nouns
    if no_rule_note(scenario, "nothing to combine with the model"):
        return
    results = state.together(scenario, econ, count)
    rows = []
    for name in POLICIES:
        result = results[name]
        rows.append({
            "Policy": {"rule": "Today's rule", "model": "Model", "rule OR model": "Rule or model",
                       "rule AND model": "Rule and model"}[name],
            w.sentence_case(nouns.actions): w.count(result.outcome.actions),
            f"{w.sentence_case(nouns.positives)} reached": w.count(result.outcome.reached),
            "Net value": w.money(result.net_value.estimate, econ.currency),
            "Net value vs rule (95% interval)": "—" if name == "rule" else interval_text(result.extra_net, "money", econ.currency),
        })
    st.caption(f"The model at your current setting ({nouns.score} of {w.cutoff_text(cutoff)} or more), alone and combined with the rule.")
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def segment_tab(scenario: Scenario, econ: Economics) -> None:
    sc, spec = scenario, scenario.spec
    kinds = column_kinds(sc.heldout[list(sc.dataset.features)])
    options = [c for c, kind in kinds.items() if kind == TEXT and sc.heldout[c].nunique() <= 30]
    if not options:
        st.info("This data has no categorical column to split by.")
        return
    column = remembered_selectbox("Split by", options, f"segment_column_{spec.key}", format_func=spec.label)
    table = segment_table(sc.heldout[column], sc.scores, sc.rule_flags, sc.labels, sc.values, econ)
    nouns, against = spec.nouns, sc.baseline
    st.plotly_chart(compare_charts.segment_figure(table, nouns, spec.label(column), against), key="segment_chart")
    # A random pick's figures are its average: it spreads its actions as the segments' sizes do.
    side = "Random pick (average)" if against.random else "Rule"
    st.dataframe(pd.DataFrame({
        spec.label(column): table["segment"],
        f"Held-out {nouns.entities}": table["heldout"],
        f"{side}: {nouns.actions}": table["rule_actions"].map(w.count),
        f"Model's {nouns.actions}": table["model_actions"].map(w.count),
        f"{side} reaches": table["rule_reached"].map(w.count),
        "Model reaches": table["model_reached"].map(w.count),
        f"Net value, model vs {against.short}": table["extra_net"].map(lambda v: w.money(v, econ.currency, signed=True)),
    }), hide_index=True, width="stretch")
    st.caption(
        f"{against.title} and the model send the same number of {nouns.actions} in total; this is where each "
        f"sends them and whom they reach" + (" (the random pick on average)" if against.random else "")
        + f". Rows with few held-out {nouns.entities} are noisy."
    )


def sensitivity_tab(scenario: Scenario, econ: Economics) -> None:
    """How far each money guess can move before the answer changes, at the same budget.

    Both sides send exactly the rule's number of actions, so "the model wins whatever the
    value of a won positive" can never rest on the model simply sending fewer.
    """
    sc, nouns, against = scenario, scenario.spec.nouns, scenario.baseline
    same_budget = top_k_flags(sc.scores, sc.rule_count)
    versus_rule = HeadToHead(same_budget, sc.rule_flags, sc.labels, sc.values)
    versus_nothing = HeadToHead(same_budget, np.zeros_like(sc.rule_flags), sc.labels, sc.values)
    fields = ([] if econ.value_column else ["value_per_won"]) + ["win_rate", "cost_per_action"]
    budget = "the random pick's budget" if against.random else "today's budget"
    st.caption(f"The model at {budget}: its top {w.count(sc.rule_outcome(econ).actions)} "
               f"{nouns.entities}, as many as {against.the} picks"
               + (" (its average is what the model is set against)." if against.random else "."))
    rule_col, nothing_col = st.columns(2)
    for column, contest, other in ((rule_col, versus_rule, against.name), (nothing_col, versus_nothing, "doing nothing")):
        column.markdown(f"**Against {other}**")
        for field in fields:
            text = break_even_text(break_even(contest, field, econ), nouns, econ.currency, other)
            column.markdown("- " + w.sentence_case(text))
    present = [f for f in TORNADO_FIELDS if not (f == "value_per_won" and econ.value_column)]
    table = tornado(versus_rule, econ, fields=present)
    still = no_effect(table)
    moving = table.drop(still.index)
    if not moving.empty:  # an assumption that moves nothing gets words, not an empty row
        st.plotly_chart(compare_charts.tornado_figure(moving, nouns, econ.currency, w.period_suffix(econ),
                                                      against=against, period_name=econ.period),
                        key="tornado_chart", config={"displayModeBar": False})
        st.caption("Each bar moves one assumption from half to double its value, the others as they are.")
    note = no_effect_sentence(still, nouns, econ.period, against.name)
    if note:
        st.caption(note)


def no_rule_note(scenario: Scenario, what: str) -> bool:
    """Say so and return True when there is no rule: a random pick acts on no example in
    particular, so a view of the rule's own decisions would show one random draw as the rule."""
    if not scenario.baseline.random:
        return False
    st.info(f"No rule was given: {what}. The model is compared with a random pick, which acts on no "
            f"{scenario.spec.nouns.entity} in particular, only on average.", icon=":material/info:")
    return True


def remembered_selectbox(label: str, options: list, key: str, default: int = 0, **kwargs):
    """A selectbox whose choice survives leaving the page (widget state does not): the choice
    is kept under a plain session key and given back to a fresh widget."""
    memory = f"pd_{key}"
    if key not in st.session_state:
        kept = st.session_state.get(memory)
        st.session_state[key] = kept if kept in options else options[min(default, len(options) - 1)]

    def remember() -> None:
        st.session_state[memory] = st.session_state[key]

    return st.selectbox(label, options, key=key, on_change=remember, **kwargs)


@st.cache_data(show_spinner=False, max_entries=32)
def _decision_curve(demo: str, economics: Economics, _scenario: Scenario) -> DecisionCurve:
    sc = _scenario
    return decision_curve(sc.scores, sc.labels, sc.rule_flags, economics, sc.values)


def _nb_text(point: dict[str, float], name: str, low: str | None = None, high: str | None = None) -> str:
    # Three significant figures, never as 1e-05: a rare outcome's net benefit lives in the fourth decimal.
    def nb(value: float) -> str:
        return np.format_float_positional(value, precision=3, unique=False, fractional=False, trim="-", sign=True)

    return f"{nb(point[name])} (95%: {nb(point[low])} to {nb(point[high])})" if low else nb(point[name])


def _per_row_value_note(sc: Scenario, econ: Economics, curve: DecisionCurve, point: dict[str, float],
                        hit: float) -> float:
    """Warn that net benefit counts every positive alike when each has its own value, with the
    money each side really makes at this rate; returns model - rule in that money."""
    nouns, against, cur = sc.spec.nouns, sc.baseline, econ.currency
    pt = curve.own_ratio
    nothing = outcome_of_flags(np.zeros(sc.labels.size, dtype=bool), sc.labels, sc.values, econ).net_value
    exact = {name: outcome_of_flags(flags, sc.labels, sc.values, econ).net_value - nothing
             for name, flags in (("model", sc.scores >= pt), ("rule", sc.rule_flags))}
    implied = {name: float(net_value_at_price(np.array([point[name]]), np.array([pt]), hit, curve.examples, econ)[0])
               for name in ("model", "rule")}
    st.warning(
        f"Each {md(nouns.entity)} has its own {md(sc.spec.label(econ.value_column))}, but net benefit counts every "
        f"{md(nouns.positive)} alike, at the average. Counting each one's own, at your prices the model makes "
        f"{w.money(exact['model'], cur)} and {against.name} {w.money(exact['rule'], cur)}{w.period_suffix(econ)} "
        f"against acting on none, where the curve implies {w.money(implied['model'], cur)} and "
        f"{w.money(implied['rule'], cur)}. Read the curve as a comparison of head counts; the money is in the "
        "same-budget table.", icon=":material/warning:")
    return exact["model"] - exact["rule"]


def _standing(point: dict[str, float], against) -> str:
    """Where the model stands at one rate against the rule, acting on all and acting on none,
    called clear only when the 95% band says so."""
    def side(low: float, high: float, name: str) -> str:
        if low > 0:
            return f"above {name}"
        if high < 0:
            return f"below {name}"
        return f"not clearly different from {name}"

    rule = side(point["diff_low"], point["diff_high"], against.name)
    every = side(point["model_low"] - point["act_all"], point["model_high"] - point["act_all"], "acting on all")
    none = side(point["model_low"], point["model_high"], "acting on none")
    return f"{rule}, {every} and {none}"


def decision_curve_tab(scenario: Scenario, econ: Economics) -> None:
    """Net benefit of the model, today's rule, acting on all and on none, across exchange rates
    between a wasted action and a reached positive (analyst view only: net benefit is jargon)."""
    sc, nouns, against = scenario, scenario.spec.nouns, scenario.baseline
    if not scores_are_probabilities(sc.scores):
        st.info(f"No decision curve: the team's {md(nouns.score)} is not a number between 0 and 1 for every "
                f"{md(nouns.entity)}, so it is not a probability, and a decision curve needs probabilities.",
                icon=":material/info:")
        return
    curve = _decision_curve(state.cache_key(sc), econ, sc)
    st.plotly_chart(decision_curve_figure(curve, nouns, against), key="decision_curve_chart")
    st.markdown(
        f"**How to read it.** Each threshold probability *pt* on the x-axis is an exchange rate: one unneeded "
        f"{md(nouns.action)} counts as *pt / (1 - pt)* of {md(w.a(nouns.positive))} reached (at 20%, "
        f"{md(exchange_text(0.2, nouns))}). Net benefit is {md(nouns.positives)} reached per held-out "
        f"{md(nouns.entity)}, minus the unneeded {md(nouns.actions)} at that rate: higher is better, and below "
        f"zero (act on none) acting loses money at that rate. The model acts on every {md(nouns.entity)} whose "
        f"{md(nouns.score)} is at least *pt*; "
        + (f"a random pick of the same size acts on no {md(nouns.entity)} in particular: its net benefit is its "
           "average, the share it picks times that of acting on all." if against.random else
           f"today's rule acts on the same {md(nouns.entities)} at every rate.")
    )
    hit = value_of_hit(econ, sc.labels, sc.values)
    if curve.own_ratio is None:
        st.caption(f"Your money gives no exchange rate between 0 and 1 ({md(w.a(nouns.action))} that costs nothing, "
                   f"or {md(w.a(nouns.positive))} reached worth no more than {md(w.a(nouns.action))}).")
    else:
        pt = curve.own_ratio
        point = curve.at(pt)
        money = float(net_value_at_price(np.array([point["diff"]]), np.array([pt]), hit, curve.examples, econ)[0])
        worth = ("the average " + md(sc.spec.label(econ.value_column)) + " of a held-out " + md(nouns.positive)
                 if econ.value_column else w.money(econ.value_per_won, econ.currency))
        st.markdown(
            f"**At your prices:** {w.money(econ.cost_per_action, econ.currency)} per {md(nouns.action)}, and "
            f"{md(w.a(nouns.positive))} reached is worth {w.money(hit, econ.currency)} ({w.share(econ.win_rate)} won "
            f"x {worth}" + (f", plus the {w.money(econ.cost_per_miss, econ.currency)} a miss costs" if econ.cost_per_miss else "")
            + f"), so *pt* = {w.money(econ.cost_per_action, econ.currency)} / {w.money(hit, econ.currency)} = "
            f"**{pt:.1%}**: {md(exchange_text(pt, nouns))}."
        )
        st.markdown("**What it shows there:** the model's net benefit is " + _standing(point, against)
                    + " (above or below only when the 95% band lies wholly on that side).")
        rows = [
            ("Model", _nb_text(point, "model", "model_low", "model_high")),
            (w.sentence_case(against.name) + (" (average)" if against.random else ""), _nb_text(point, "rule")),
            (f"Act on all {nouns.entities}", _nb_text(point, "act_all")),
            ("Act on none", _nb_text(point, "none")),
            (f"Model - {against.short}", _nb_text(point, "diff", "diff_low", "diff_high")),
        ]
        st.dataframe(pd.DataFrame(rows, columns=["At your prices", "Net benefit per held-out " + nouns.entity]),
                     hide_index=True, width="stretch")
        if econ.value_column:  # said after the table it qualifies
            money = _per_row_value_note(sc, econ, curve, point, hit)
        how = ("counting each " + md(nouns.entity) + "'s own " + md(sc.spec.label(econ.value_column))
               if econ.value_column else
               f"net benefit x {w.money(hit - econ.cost_per_action, econ.currency)} gained per {md(nouns.positive)} "
               f"reached x {md(nouns.entities)}{w.period_suffix(econ) or ' held out'}")
        st.caption(
            f"Model - {against.short} at this rate is worth about {w.money(money, econ.currency, signed=True)}"
            f"{w.period_suffix(econ)} ({how}). Unlike the same-budget comparison, the model here acts on every "
            f"{md(nouns.entity)} above *pt*, however many that is."
        )
    value_label = md(sc.spec.label(econ.value_column)) if econ.value_column else ""
    st.caption(
        f"95% bands from {curve.resamples} bootstrap resamples of the {curve.examples:,} held-out {md(nouns.entities)} "
        f"(the model's band is shaded; model - {against.short} is paired on the same resamples). The curve assumes the "
        f"{md(nouns.score)} is a calibrated probability: {md(w.a(nouns.entity))} scored 30% is {md(w.a(nouns.positive))} "
        f"3 times in 10. " + ("The team's own scores are between 0 and 1, but nothing here checked that they are "
                              "calibrated. " if not sc.refittable else "")
        + ("The fixed cost of running the programme is left out: it does not depend on the threshold. "
           if econ.fixed_cost else "")
        + (f"The exchange rate uses the average {value_label}; the money figures elsewhere "
           f"count each {md(nouns.entity)}'s own." if value_label else "")
    )
