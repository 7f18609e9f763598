"""Pieces of the Decide page: the setting slider, targets, key figures, the 2x2 and the charts.

The model's setting is a count (it acts on its top ``k`` held-out examples); the slider's
positions are spread by :mod:`proofdeck.decisions.slider_scale` so today's rule's budget and the useful
range around it take most of its width, whatever the prevalence.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import streamlit as st

from proofdeck.charts import base as charts
from proofdeck.data.spec import DemoSpec, Economics
from proofdeck.decisions.outcomes import Outcome
from proofdeck.model.scenario import Scenario
from proofdeck.sharing.summary import (
    SettingSummary,
    figure_label,
    marginal_chart,
    marginal_table,
    money_chart_builders,
    slider_axis,
    slider_options,
)
from proofdeck.words import wording as w
from proofdeck.words.safe_text import md
from ui.frame import state
from ui.frame.widgets import remembered_tabs

_NOTE = "pd_decide_note"


# --- the slider -------------------------------------------------------------------------------


def slider_key(scenario: Scenario) -> str:
    return f"setting_slider_{scenario.spec.key}"


def _options(scenario: Scenario, econ: Economics, current: int) -> tuple[list[int], dict[int, str]]:
    return slider_options(scenario, econ, current)


def _slider_moved(scenario: Scenario) -> None:
    state.set_count(scenario, st.session_state[slider_key(scenario)])


def setting_slider(scenario: Scenario, econ: Economics, analyst: bool) -> int:
    """The slider over how many get the action; returns the session's count."""
    nouns, key = scenario.spec.nouns, slider_key(scenario)
    current = state.count(scenario)
    options, labels = _options(scenario, econ, current)
    # Written on every run: a target or a link may have moved the setting, and a slider that
    # left the screen for a run (a presentation step, another page) must not come back at 0.
    st.session_state[key] = current
    label = f"How many {nouns.entities} get {w.a(nouns.action)}" + (w.period_suffix(econ))
    if analyst:
        label += " (the decision threshold follows)"
    st.select_slider(label, options=options, format_func=labels.get, key=key,
                     on_change=_slider_moved, args=(scenario,))
    ends = st.container(horizontal=True, horizontal_alignment="distribute")
    ends.caption(":material/arrow_back: be selective", width="content")
    ends.caption("cast a wide net :material/arrow_forward:", width="content")
    return current


def marginal_line(summary: SettingSummary) -> None:
    """What the next 5% would add, right under the slider (it moves with it)."""
    if summary.marginal:
        st.markdown(f":material/add_circle: {md(summary.marginal, 600)}")


# --- targets: other ways to set it, as leaders ask ------------------------------------------------


def _note(scenario: Scenario, econ: Economics, text: str) -> None:
    """A confirmation that lives only while the setting and assumptions it describes do."""
    st.session_state[_NOTE] = (scenario.spec.key, state.count(scenario), econ, text)


def current_note(scenario: Scenario, econ: Economics) -> str | None:
    note = st.session_state.get(_NOTE)
    if note and note[:3] == (scenario.spec.key, state.count(scenario), econ):
        return note[3]
    return None


def _keys(scenario: Scenario, econ: Economics) -> dict[str, str]:
    """Keys of the target inputs. They change whenever the setting, the assumptions or the
    page visit do, so each input starts from the current setting's own figure: a closed
    popover does not draw its input, and Streamlit would otherwise bring it back as 0."""
    demo = scenario.spec.key
    version = f"{state.count(scenario)}_{abs(hash(econ)) % 10**8}_{state.page_visits()}"
    return {name: f"target_{name}_{demo}_{version}" for name in ("afford", "spend", "reach")}


def _close(scenario: Scenario, name: str) -> None:
    st.session_state[f"popover_{name}_{scenario.spec.key}"] = False


def _afford(scenario: Scenario, econ: Economics, key: str) -> None:
    limit = st.session_state[key]
    state.set_count(scenario, scenario.sweep.count_for_actions(limit, econ))
    actions = scenario.sweep.outcome_at_count(state.count(scenario), econ).actions
    nouns = scenario.spec.nouns
    _note(scenario, econ, f"At most {w.count(limit)} {nouns.actions}: the model picks its top "
                          f"{w.count(actions)} {nouns.entities}.")
    _close(scenario, "afford")


def _spend(scenario: Scenario, econ: Economics, key: str) -> None:
    budget = st.session_state[key]
    state.set_count(scenario, scenario.sweep.count_for_spend(budget, econ))
    spend = scenario.sweep.outcome_at_count(state.count(scenario), econ).spend
    _note(scenario, econ, f"A spend of at most {w.money(budget, econ.currency)}: "
                          f"this setting spends {w.money(spend, econ.currency)}.")
    _close(scenario, "spend")


def _reach(scenario: Scenario, econ: Economics, key: str) -> None:
    wanted = st.session_state[key] / 100
    nouns = scenario.spec.nouns
    count = scenario.sweep.count_for_coverage(wanted)
    _close(scenario, "reach")
    if count is None:
        _note(scenario, econ, f"No setting reaches {w.share(wanted)} of {nouns.positives}.")
        return
    state.set_count(scenario, count)
    reached = scenario.sweep.outcome_at_count(count, econ).coverage
    _note(scenario, econ, f"Reach at least {w.share(wanted)} of {nouns.positives}: this setting "
                          f"reaches {w.share(reached)}.")


def _best(scenario: Scenario, econ: Economics) -> None:
    best = state.best(scenario, econ)
    state.set_count(scenario, best.count)
    nouns, cur = scenario.spec.nouns, econ.currency
    per = w.period_suffix(econ)
    if np.isfinite(best.honest_net):
        worth = (f"Used on new {nouns.entities}, a setting chosen this way earns about "
                 f"**{w.money(best.honest_net, cur)}**{per} (estimated on parts of the held-out data "
                 f"it was not chosen on); the {w.money(best.in_sample_net, cur)} below is measured on "
                 "the same rows it was chosen on, so it flatters it.")
    else:
        worth = (f"The {w.money(best.in_sample_net, cur)} below is measured on the same rows it was "
                 "chosen on, so it flatters it; there are too few examples to estimate it honestly.")
    _note(scenario, econ, f"Best net value: act on the top {w.share(best.share)} of {nouns.entities}. " + worth)


def _rule_budget(scenario: Scenario, econ: Economics) -> None:
    state.set_count(scenario, scenario.default_count)
    st.session_state.pop(_NOTE, None)


def targets(scenario: Scenario, econ: Economics, outcome: Outcome) -> None:
    """Set the model by a number of actions, a spend, a reach, the best net value, or back to
    today's rule's budget."""
    nouns, demo, keys = scenario.spec.nouns, scenario.spec.key, _keys(scenario, econ)
    coverage = outcome.coverage if np.isfinite(outcome.coverage) else 0.0
    # Actions as the readout shows them, dollars rounded up: "Set" without typing keeps the setting.
    starts = {"afford": float(round(outcome.actions)), "spend": float(math.ceil(round(outcome.spend, 6))),
              "reach": float(round(coverage * 100))}
    per = w.period_suffix(econ)
    row = st.container(horizontal=True, gap="small")
    with row.popover(f"By {nouns.actions}", icon=":material/groups:", key=f"popover_afford_{demo}",
                     on_change="rerun", help=f"We can afford at most this many {nouns.actions}{per}."):
        st.number_input(f"{w.sentence_case(nouns.actions)} we can afford{per}", min_value=0.0,
                        max_value=float(10 ** 12), step=100.0, format="%.0f", key=keys["afford"], value=starts["afford"])
        st.button("Set", key=f"set_afford_{demo}", on_click=_afford, args=(scenario, econ, keys["afford"]), type="primary")
    with row.popover("By spend", icon=":material/payments:", key=f"popover_spend_{demo}",
                     on_change="rerun", help=f"We can spend at most this much{per}."):
        st.number_input(f"Budget{per} ({econ.currency})", min_value=0.0, max_value=float(10 ** 13),
                        step=1000.0, format="%.0f", key=keys["spend"], value=starts["spend"])
        st.button("Set", key=f"set_spend_{demo}", on_click=_spend, args=(scenario, econ, keys["spend"]), type="primary")
    with row.popover("By reach", icon=":material/target:", key=f"popover_reach_{demo}",
                     on_change="rerun", help=f"We must reach at least this share of all {nouns.positives}."):
        st.number_input(f"Share of all {nouns.positives} to reach (%)", min_value=0.0, max_value=100.0,
                        step=5.0, format="%.0f", key=keys["reach"], value=starts["reach"])
        st.button("Set", key=f"set_reach_{demo}", on_click=_reach, args=(scenario, econ, keys["reach"]), type="primary")
    row.button("Best net value", key=f"set_best_{demo}", on_click=_best, args=(scenario, econ),
               icon=":material/star:", type="primary")
    against = scenario.baseline
    row.button("Random pick's budget" if against.random else "Today's budget", key=f"set_rule_{demo}",
               on_click=_rule_budget, args=(scenario, econ), icon=":material/restart_alt:",
               help=f"As many {nouns.actions} as {against.name} sends.")
    note = current_note(scenario, econ)
    if note:
        st.info(note, icon=":material/check:")


# --- figures ----------------------------------------------------------------------------------


def _label(key: str, spec: DemoSpec, analyst: bool) -> str:
    name = figure_label(key, spec)
    if analyst and key in w.TECHNICAL:
        name += f" ({w.TECHNICAL[key]})"
    return name


_COLOURS = {"good": "normal", "bad": "normal", "neutral": "off"}


def key_figures(scenario: Scenario, summary: SettingSummary, analyst: bool) -> None:
    """One card per key figure with its change against today's rule, then how sure they are;
    the words and numbers are the report's too (proofdeck.sharing.summary).

    Cards wrap: five to a row on a projector, two on a phone.
    """
    spec = scenario.spec
    row = st.container(horizontal=True, gap="small")
    for figure in summary.figures:
        same = figure.tone == "neutral"
        row.metric(
            _label(figure.key, spec, analyst), figure.value, delta=figure.delta,
            delta_color="off" if same else w.delta_color(figure.key),
            delta_arrow="off" if w.is_same(figure.delta) else "auto",
            border=True, width=150,
        )
    st.caption(summary.intervals_sentence)
    if analyst:
        from proofdeck.model.metrics import f1_from

        outcome = summary.outcome
        cols = st.columns(4)
        cols[0].metric("Precision", w.share(outcome.hit_rate))
        cols[1].metric("Recall", w.share(outcome.coverage))
        cols[2].metric("F1", f"{f1_from(outcome.hit_rate, outcome.coverage):.3f}")
        cols[3].metric("Decision threshold", f"{scenario.threshold_at(summary.count):.4f}")


def outcome_grid(spec: DemoSpec, summary: SettingSummary, analyst: bool) -> None:
    """The four outcomes as a 2x2, in business phrases, counts and money on one basis."""
    st.markdown(f"**Where the {spec.nouns.actions} go**")
    cells = summary.grid
    for pair in (cells[:2], cells[2:]):
        for column, cell in zip(st.columns(2), pair):
            with column.container(border=True):
                st.markdown(f"**{_label(cell.key, spec, analyst)}**: {cell.count}")
                st.caption(cell.money)
    st.caption(summary.grid_note)


@st.cache_data(show_spinner=False, max_entries=8)
def _marginal_table(demo: str, econ: Economics, _scenario: Scenario):
    """Every 5% slice's marginal net value (about 20 look-ups of the resamples): made once per
    assumptions, not on every move of the slider."""
    return marginal_table(_scenario, econ, state.top_k_bootstrap(_scenario))


MARGINAL_TAB = "What each 5% adds"


@st.cache_data(show_spinner=False, max_entries=8)
def _curve(demo: str, econ: Economics, _scenario: Scenario) -> dict[str, np.ndarray]:
    return _scenario.sweep.curve(econ)


def _chart_builders(scenario: Scenario, econ: Economics, count: int, analyst: bool, current: Outcome,
                    rule: Outcome) -> list[tuple[str, Callable[[], object]]]:
    """(tab name, figure builder): the money charts (as the report draws the first), hit rate
    and coverage, and the score spread. Builders run only for the open tab."""
    nouns = scenario.spec.nouns
    best = state.best(scenario, econ)
    curve = _curve(state.cache_key(scenario), econ, scenario)
    axis = slider_axis(scenario, econ, count)

    def rates():
        keep = np.unique(np.clip(np.searchsorted(curve["count"], axis.counts), 1, curve["count"].size - 1))
        return charts.rates_figure(curve["share_acted"][keep], curve["hit_rate"][keep], curve["coverage"][keep],
                                   current.share_acted, (rule.share_acted, rule.hit_rate, rule.coverage), nouns,
                                   analyst, against=scenario.baseline, axis=axis)

    def spread():
        return charts.score_distribution_figure(scenario.scores, scenario.labels, scenario.threshold_at(count),
                                                scenario.threshold_at(scenario.default_count), nouns,
                                                against=scenario.baseline)

    def marginal():
        table = _marginal_table(state.cache_key(scenario), econ, scenario)
        return marginal_chart(scenario, econ, count, best, table)

    return money_chart_builders(scenario, econ, count, best) + [
        (MARGINAL_TAB, marginal), ("Hit rate and coverage", rates), (f"Who gets which {nouns.score}", spread)]


def decide_charts(scenario: Scenario, econ: Economics, count: int, analyst: bool,
                  current: Outcome, rule: Outcome) -> None:
    """The headline money chart, hit rate and coverage, and the score distribution, all marked;
    only the open tab's chart is built and sent."""
    builders = _chart_builders(scenario, econ, count, analyst, current, rule)
    tabs = remembered_tabs([name for name, _ in builders], f"decide_tabs_{scenario.spec.key}")
    for index, (tab, (name, build)) in enumerate(zip(tabs, builders)):
        if tab.open or (tab.open is None and index == 0):
            tab.plotly_chart(build(), key=f"decide_chart_{index}", config=charts.PLOTLY_CONFIG)
            if name == MARGINAL_TAB:  # where the bars cross zero, in words
                table = _marginal_table(state.cache_key(scenario), econ, scenario)
                tab.caption(md(w.break_even_sentence(scenario.spec.nouns, econ, table), 600))
