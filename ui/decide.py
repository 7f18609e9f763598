"""Pieces of the Decide page: target inputs, key figures, the 2x2 and the charts."""

from __future__ import annotations

import numpy as np
import streamlit as st

from proofdeck import charts
from proofdeck import wording as w
from proofdeck.outcomes import Outcome
from proofdeck.scenario import Scenario
from proofdeck.spec import DemoSpec, Economics
from ui import state

_NOTE = "cutoff_note"


def _note(scenario: Scenario, text: str) -> None:
    st.session_state[_NOTE] = (scenario.spec.key, text)


def _afford(scenario: Scenario, econ: Economics, key: str) -> None:
    limit = st.session_state[key]
    state.move_cutoff(scenario, scenario.sweep.threshold_for_actions(limit, econ), "up")
    _note(scenario, f"Set for at most {w.count(limit)} {scenario.spec.nouns.actions}.")


def _spend(scenario: Scenario, econ: Economics, key: str) -> None:
    budget = st.session_state[key]
    state.move_cutoff(scenario, scenario.sweep.threshold_for_spend(budget, econ), "up")
    _note(scenario, f"Set for a spend of at most {w.money(budget, econ.currency)}.")


def _reach(scenario: Scenario, key: str) -> None:
    wanted = st.session_state[key] / 100
    nouns = scenario.spec.nouns
    threshold = scenario.sweep.threshold_for_coverage(wanted)
    if threshold is None:
        _note(scenario, f"No setting reaches {w.share(wanted)} of {nouns.positives}.")
        return
    state.move_cutoff(scenario, threshold, "down")
    _note(scenario, f"Set to reach at least {w.share(wanted)} of {nouns.positives}.")


def _best(scenario: Scenario, econ: Economics) -> None:
    threshold = scenario.sweep.best_on_grid(econ, state.CUTOFF_STEP)
    state.move_cutoff(scenario, threshold, "up")
    best = scenario.sweep.outcome_at(state.cutoff(scenario), econ)
    _note(
        scenario,
        f"Best net value on held-out data: {w.money(best.net_value, econ.currency)} per {econ.period}. "
        f"This is an estimate from {scenario.sweep.size:,} held-out {scenario.spec.nouns.entities}; "
        "the true best may differ a little.",
    )


def cutoff_targets(scenario: Scenario, econ: Economics, rule: Outcome) -> None:
    """Three other ways to set the cut-off, as leaders ask, plus the best one."""
    nouns, demo = scenario.spec.nouns, scenario.spec.key
    keys = {name: f"target_{name}_{demo}" for name in ("afford", "spend", "reach")}
    defaults = {"afford": float(round(rule.actions, -1)), "spend": float(round(rule.spend, -3)), "reach": 50.0}
    for name, key in keys.items():
        st.session_state.setdefault(key, defaults[name])
    afford, spend, reach, best = st.columns(4)
    with afford.popover(f"We can afford N {nouns.actions}", icon=":material/groups:", width="stretch"):
        st.number_input(f"{nouns.actions.capitalize()} per {econ.period}", min_value=0.0, step=100.0, format="%.0f", key=keys["afford"])
        st.button("Set", key=f"set_afford_{demo}", on_click=_afford, args=(scenario, econ, keys["afford"]))
    with spend.popover(f"We can spend {econ.currency}B", icon=":material/payments:", width="stretch"):
        st.number_input(f"Budget per {econ.period} ({econ.currency})", min_value=0.0, step=1000.0, format="%.0f", key=keys["spend"])
        st.button("Set", key=f"set_spend_{demo}", on_click=_spend, args=(scenario, econ, keys["spend"]))
    with reach.popover(f"We must reach X% of {nouns.positives}", icon=":material/target:", width="stretch"):
        st.number_input(f"Share of all {nouns.positives} to reach (%)", min_value=0.0, max_value=100.0, step=5.0, format="%.0f", key=keys["reach"])
        st.button("Set", key=f"set_reach_{demo}", on_click=_reach, args=(scenario, keys["reach"]))
    best.button("Best net value", key=f"set_best_{demo}", on_click=_best, args=(scenario, econ),
                icon=":material/star:", type="primary", width="stretch")
    note = st.session_state.get(_NOTE)
    if note and note[0] == demo:
        st.info(note[1], icon=":material/check:")


def _label(key: str, spec: DemoSpec, analyst: bool) -> str:
    name = w.figure_name(key, spec.nouns, spec)
    name = name[0].upper() + name[1:]
    if analyst and key in w.TECHNICAL:
        name += f" ({w.TECHNICAL[key]})"
    return name


def _delta(key: str, value: float, baseline: float, currency: str) -> str | None:
    difference = value - baseline
    if not np.isfinite(difference):
        return None
    if key == "roi":
        return w.share(difference, signed=True, points=True) + " vs rule"
    return w.format_figure(key, difference, currency, signed=True) + " vs rule"


def key_figures(scenario: Scenario, outcome: Outcome, rule: Outcome, econ: Economics, analyst: bool, cutoff: float) -> None:
    """st.metric for each key figure, with its change against today's rule, and how sure."""
    spec = scenario.spec
    money = w.money_figures(spec)
    for row in (list(w.COUNT_FIGURES), money[:3], money[3:]):
        for column, key in zip(st.columns(len(row)), row):
            value = getattr(outcome, key)
            column.metric(
                _label(key, spec, analyst),
                w.format_figure(key, value, econ.currency),
                delta=_delta(key, value, getattr(rule, key), econ.currency),
                delta_color=w.delta_color(key),
                border=True,
            )
    st.caption(w.margins_sentence(spec, econ, scenario.sweep.margins_at(cutoff, econ), scenario.sweep.size))
    if analyst:
        from proofdeck.metrics import f1_from

        cols = st.columns(4)
        cols[0].metric("Precision", w.share(outcome.hit_rate))
        cols[1].metric("Recall", w.share(outcome.coverage))
        cols[2].metric("F1", f"{f1_from(outcome.hit_rate, outcome.coverage):.3f}")
        cols[3].metric("Decision threshold", f"{cutoff:.3f}")


def outcome_grid(spec: DemoSpec, outcome: Outcome, econ: Economics, analyst: bool) -> None:
    """The four outcomes as a 2x2, in business phrases, with counts and money."""
    nouns, cur = spec.nouns, econ.currency
    cells = [
        ("reached", f"{w.money(outcome.value_won, cur)} {spec.headline.value_won_label}"),
        ("unneeded", f"{w.money(outcome.unneeded * econ.cost_per_action, cur)} spent on {nouns.non_positives}"),
        ("missed", f"{w.money(outcome.missed_value + outcome.miss_cost, cur)} walking away"),
        ("left_alone", f"{nouns.non_positives}, no cost"),
    ]
    st.markdown(f"**Where the {nouns.actions} go**")
    for pair in (cells[:2], cells[2:]):
        for column, (key, money_text) in zip(st.columns(2), pair):
            with column.container(border=True):
                st.markdown(f"**{_label(key, spec, analyst)}**: {w.count(getattr(outcome, key))}")
                st.caption(money_text)


@st.cache_data(show_spinner=False, max_entries=32)
def _curve(demo: str, econ: Economics, _scenario: Scenario) -> dict[str, np.ndarray]:
    return _scenario.sweep.curve(econ)


def _money_tabs(scenario: Scenario, econ: Economics, curve, current: Outcome, rule: Outcome):
    """(tab name, figure) for the money charts, the spec's headline figure first."""
    spec, nouns = scenario.spec, scenario.spec.nouns
    share = curve["share_acted"]
    thin = charts.thin({"share": share, "net": curve["net_value"], "cac": curve["cost_per_won"],
                        "won": curve["value_won"], "spend": curve["spend"]})
    best = int(np.argmax(curve["net_value"]))
    common = dict(nouns=nouns, currency=econ.currency)
    tabs = [("Net value", charts.money_curve_figure(
        thin["share"], [("net value", thin["net"])], (current.share_acted, current.net_value),
        (rule.share_acted, rule.net_value), title=f"Net value per {econ.period} by how many {nouns.entities} get a {nouns.action}",
        best=(share[best], curve["net_value"][best]), best_name="best net value", **common))]
    if spec.headline.figure == "cost_per_won":
        label = spec.headline.cost_per_won_label
        tabs.insert(0, (label, charts.money_curve_figure(
            thin["share"], [(label, thin["cac"])], (current.share_acted, current.cost_per_won),
            (rule.share_acted, rule.cost_per_won), title=f"{label} rises as the net widens", **common)))
    elif spec.headline.figure == "value_won":
        label = spec.headline.value_won_label
        tabs.insert(0, (label.capitalize(), charts.money_curve_figure(
            thin["share"], [(label, thin["won"]), ("spend", thin["spend"])], (current.share_acted, current.value_won),
            (rule.share_acted, rule.value_won), title=f"{label.capitalize()} against spend, per {econ.period}", **common)))
    return tabs


def decide_charts(scenario: Scenario, econ: Economics, cutoff: float, analyst: bool,
                  current: Outcome, rule: Outcome) -> None:
    """The headline money chart, hit rate and coverage, and the score distribution, all marked."""
    nouns = scenario.spec.nouns
    curve = _curve(state.cache_key(scenario), econ, scenario)
    rule_cutoff = scenario.rule_budget_threshold
    finite = charts.thin({k: v[1:] for k, v in curve.items()})
    money_tabs = _money_tabs(scenario, econ, curve, current, rule)
    names = [name for name, _ in money_tabs] + ["Hit rate and coverage", f"Who gets which {nouns.score}"]
    tabs = st.tabs(names)
    for tab, (name, figure) in zip(tabs, money_tabs):
        tab.plotly_chart(figure, key=f"money_chart_{name}")
    tabs[-2].plotly_chart(charts.rates_figure(
        finite["threshold"], finite["hit_rate"], finite["coverage"], cutoff,
        (min(rule_cutoff, 1.0), rule.hit_rate, rule.coverage), nouns, analyst,
    ), key="rates_chart")
    tabs[-1].plotly_chart(charts.score_distribution_figure(
        scenario.scores, scenario.labels, cutoff, rule_cutoff, nouns,
    ), key="spread_chart")
