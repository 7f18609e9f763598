"""What the Decide page says about one setting, as plain values: for the report and the pages.

The Decide page and the report must say the same words and numbers at the same setting (the
count of held-out examples the model acts on): the readout, the key figures with their change
against today's rule, the four outcomes and the 95% ranges. They are built here once, as
strings and numbers, so a page draws them with Streamlit and the report writes them as HTML.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from proofdeck.charts import base as charts
from proofdeck.charts.marginal import marginal_value_figure
from proofdeck.data.spec import DemoSpec, Economics
from proofdeck.decisions.best_setting import BestSetting
from proofdeck.decisions.bootstrap import Interval
from proofdeck.decisions.marginal import Slice, next_slice, slice_size, slice_table
from proofdeck.decisions.outcomes import Outcome
from proofdeck.decisions.slider_scale import SliderAxis, slider_counts
from proofdeck.decisions.top_k_bootstrap import TopKBootstrap
from proofdeck.model.scenario import Scenario
from proofdeck.words import wording as w

KEY_COUNTS = ("reached", "unneeded")
INTERVAL_FIGURES = ("reached", "value_won", "net_value")


@dataclass(frozen=True)
class KeyFigure:
    """One key figure as the Decide page's card shows it.

    Attributes
    ----------
    key : the :class:`~proofdeck.decisions.outcomes.Outcome` field.
    label : its business name ("Net value", "Churners reached").
    value : formatted ("$293k").
    delta : the change against today's rule ("+$120k vs rule", "same as rule"), or None.
    tone : "good", "bad" or "neutral": whether the change is an improvement.
    """

    key: str
    label: str
    value: str
    delta: str | None
    tone: str


@dataclass(frozen=True)
class GridCell:
    """One of the four outcomes: its name, how many, and what it costs or is worth."""

    key: str
    label: str
    count: str
    money: str


@dataclass(frozen=True)
class SettingSummary:
    """Everything the Decide page says about one setting, as text."""

    count: int
    outcome: Outcome
    rule: Outcome
    readout: str
    rates: str
    figures: tuple[KeyFigure, ...]
    grid: tuple[GridCell, ...]
    grid_note: str
    intervals: dict[str, Interval]
    intervals_sentence: str
    caveat: str
    marginal: str = ""  # what the next 5% would add, with its range (beside the slider)


def figure_label(key: str, spec: DemoSpec) -> str:
    """A key figure's name as the cards show it (business view)."""
    return w.sentence_case(w.figure_name(key, spec.nouns, spec))


def key_figure_keys(spec: DemoSpec) -> list[str]:
    """The Decide page's key figures, in order: money (headline first), then two counts."""
    return w.money_figures(spec)[:5] + list(KEY_COUNTS)


def _tone(key: str, value: float, baseline: float, delta: str | None) -> str:
    colour = w.delta_color(key)
    difference = value - baseline
    if delta is None or w.is_same(delta) or colour == "off" or not math.isfinite(difference):
        return "neutral"
    better = difference < 0 if colour == "inverse" else difference > 0
    return "good" if better else "bad"


def key_figures(spec: DemoSpec, outcome: Outcome, rule: Outcome, econ: Economics,
                against: w.Baseline = w.TODAYS_RULE) -> tuple[KeyFigure, ...]:
    """The key figures with their change against today's rule (or a random pick), as the
    Decide page's cards."""
    figures = []
    for key in key_figure_keys(spec):
        value, baseline = getattr(outcome, key), getattr(rule, key)
        delta = w.change_against_rule(key, value, baseline, econ.currency, against)
        figures.append(KeyFigure(key, figure_label(key, spec), w.format_figure(key, value, econ.currency),
                                 delta, _tone(key, value, baseline, delta)))
    return tuple(figures)


def outcome_cells(spec: DemoSpec, outcome: Outcome, econ: Economics) -> tuple[GridCell, ...]:
    """The four outcomes (reached, unneeded, missed, left alone) with their money, in that order."""
    nouns, cur = spec.nouns, econ.currency
    missed_money = f"{w.money(outcome.missed_winnable, cur)} more {spec.headline.value_won_label} if they were reached"
    if econ.cost_per_miss > 0:
        missed_money += f"; {w.money(outcome.miss_cost, cur)} paid for the misses"
    money = {
        "reached": f"{w.money(outcome.value_won, cur)} {spec.headline.value_won_label}",
        "unneeded": f"{w.money(outcome.unneeded * econ.cost_per_action, cur)} spent on {nouns.non_positives}",
        "missed": missed_money,
        "left_alone": f"{nouns.non_positives}, no cost",
    }
    return tuple(GridCell(key, figure_label(key, spec), w.count(getattr(outcome, key)), text)
                 for key, text in money.items())


def rates_sentence(spec: DemoSpec, outcome: Outcome, rule: Outcome, against: w.Baseline = w.TODAYS_RULE) -> str:
    """"6.4 in 10 retention offers go to a churner; we reach 58% of all churners. Changes are
    against today's rule (8,040 retention offers).\" (or "against a random pick's average")"""
    nouns = spec.nouns
    baseline = f"{against.the}'s average" if against.random else against.name
    return (
        f"{w.sentence_case(w.hit_rate_phrase(nouns, outcome.hit_rate))}; "
        f"{w.coverage_phrase(nouns, outcome.coverage)}. Changes are against {baseline} "
        f"({w.count(rule.actions)} {nouns.actions})."
    )


def setting_summary(scenario: Scenario, econ: Economics, count: int, bootstrap: TopKBootstrap) -> SettingSummary:
    """The Decide page's words and numbers for the model acting on its top ``count`` examples.

    Parameters
    ----------
    scenario : the fitted demo.
    econ : the assumptions.
    count : held-out examples the model acts on (clipped to 0..held-out size).
    bootstrap : ``TopKBootstrap(scenario.sweep.order, labels, values)``, as the pages build it
        (seed 0), so the 95% ranges are the pages' own.
    """
    spec = scenario.spec
    count = int(min(max(count, 0), scenario.sweep.size))
    outcome = scenario.sweep.outcome_at_count(count, econ)
    rule = scenario.rule_outcome(econ)
    estimates = {name: getattr(outcome, name) for name in INTERVAL_FIGURES}
    intervals = bootstrap.intervals_at(count, econ, estimates)
    return SettingSummary(
        count=count,
        outcome=outcome,
        rule=rule,
        readout=w.readout(spec, outcome, scenario.threshold_at(count)),
        rates=rates_sentence(spec, outcome, rule, scenario.baseline),
        figures=key_figures(spec, outcome, rule, econ, scenario.baseline),
        grid=outcome_cells(spec, outcome, econ),
        grid_note=(f"Both money figures count the {w.share(econ.win_rate)} of reached {spec.nouns.positives} "
                   f"{w.a(spec.nouns.action)} wins."),
        intervals=intervals,
        intervals_sentence=w.intervals_sentence(spec, econ, intervals, scenario.sweep.size),
        caveat=w.uplift_caveat(spec.nouns, econ, scenario.baseline, spec.uplift),
        marginal=marginal_sentence(scenario, econ, count, bootstrap),
    )


def marginal_sentence(scenario: Scenario, econ: Economics, count: int, bootstrap: TopKBootstrap) -> str:
    """"The next 5% of customers (2,000 more retention offers per quarter) would add $32.8k of
    net value (95% range $1,491 to $64.1k).": the slice after ``count``, with its 95% range
    from the pages' own resamples (the last 5% when everyone is acted on)."""
    piece = next_slice(scenario.sweep, bootstrap, count, econ)
    return w.marginal_sentence(scenario.spec.nouns, econ, piece, int(min(max(count, 0), scenario.sweep.size)))


def marginal_table(scenario: Scenario, econ: Economics, bootstrap: TopKBootstrap) -> tuple[Slice, ...]:
    """Every 5% slice from nobody to everyone, with its marginal net value and 95% range."""
    return slice_table(scenario.sweep, bootstrap, econ)


def marginal_chart(scenario: Scenario, econ: Economics, count: int, best: BestSetting,
                   table: tuple[Slice, ...]) -> go.Figure:
    """The marginal value chart at ``count``: a bar per slice, the setting and today's rule's
    budget marked, on the Decide charts' axis (wide enough to show at least six slices)."""
    size = scenario.sweep.size
    current = count / size if size else 0.0
    rule = scenario.rule_outcome(econ).share_acted
    x_max = charts.focus_share(rule, current, best.share)
    if size and x_max < 1.0:
        x_max = min(1.0, max(x_max, 6 * slice_size(size) / size))
    return marginal_value_figure(table, current, rule, scenario.spec.nouns, econ.currency,
                                 w.period_suffix(econ), x_max, scenario.baseline)


def slider_options(scenario: Scenario, econ: Economics, current: int) -> tuple[list[int], dict[int, str]]:
    """The Decide slider's counts and their labels; the current count and the rule's are always
    there, and no two positions read the same (a label is what the slider shows and sends back).
    The money charts under it are spaced by the same counts (:func:`slider_axis`)."""
    size, scale = scenario.sweep.size, econ.scale_for(scenario.sweep.size)
    keep = {int(current), int(scenario.default_count)}
    by_label: dict[str, int] = {}
    for count in np.union1d(slider_counts(size, scenario.default_count), list(keep)):
        count = int(count)
        label = w.slider_label(count * scale, count / size if size else 0.0)
        if label not in by_label or count in keep:
            by_label[label] = count
    labels = {count: label for label, count in by_label.items()}
    return sorted(labels), labels


def slider_axis(scenario: Scenario, econ: Economics, current: int) -> SliderAxis:
    """The x-axis of the charts under the slider: spaced as the slider is, so today's rule's
    budget sits at a third of the width on both and the chart's mark lines up with the handle."""
    options, _ = slider_options(scenario, econ, current)
    return SliderAxis(options, scenario.sweep.size, scenario.default_count)


def money_chart_builders(scenario: Scenario, econ: Economics, count: int,
                         best: BestSetting) -> list[tuple[str, Callable[[], go.Figure]]]:
    """(name, figure builder) for the Decide page's money charts, the demo's headline figure
    first: net value always, and the cost per won or value won when that is the headline.
    Builders run only when called (a page draws only the open tab)."""
    spec, nouns = scenario.spec, scenario.spec.nouns
    curve = scenario.sweep.curve(econ)
    current = scenario.sweep.outcome_at_count(count, econ)
    rule = scenario.rule_outcome(econ)
    axis = slider_axis(scenario, econ, count)
    common = dict(nouns=nouns, currency=econ.currency, against=scenario.baseline, axis=axis)
    per = w.period_suffix(econ)

    def thin() -> dict[str, np.ndarray]:
        # One point per slider position: the stretched parts are drawn as finely as the rest.
        keep = np.unique(np.clip(np.searchsorted(curve["count"], axis.counts), 0, curve["count"].size - 1))
        return {"share": curve["share_acted"][keep], "net": curve["net_value"][keep],
                "cac": curve["cost_per_won"][keep], "won": curve["value_won"][keep], "spend": curve["spend"][keep]}

    def net_value() -> go.Figure:
        t = thin()
        best_point = (best.share, best.in_sample_net) if np.isfinite(best.in_sample_net) else None
        return charts.money_curve_figure(
            t["share"], [("net value", t["net"])], (current.share_acted, current.net_value),
            (rule.share_acted, rule.net_value), title=f"Net value{per} by how many {nouns.entities} get {w.a(nouns.action)}",
            best=best_point, best_name="best net value", **common)

    def cost_per_won() -> go.Figure:
        t, label = thin(), spec.headline.cost_per_won_label
        return charts.money_curve_figure(
            t["share"], [(label, t["cac"])], (current.share_acted, current.cost_per_won),
            (rule.share_acted, rule.cost_per_won), title=f"{label} rises as the net widens", **common)

    def value_won() -> go.Figure:
        t, label = thin(), spec.headline.value_won_label
        return charts.money_curve_figure(
            t["share"], [(label, t["won"]), ("spend", t["spend"])], (current.share_acted, current.value_won),
            (rule.share_acted, rule.value_won), title=f"{w.sentence_case(label)} against spend{per}", **common)

    builders: list[tuple[str, Callable[[], go.Figure]]] = [("Net value", net_value)]
    if spec.headline.figure == "cost_per_won":
        builders.insert(0, (spec.headline.cost_per_won_label, cost_per_won))
    elif spec.headline.figure == "value_won":
        builders.insert(0, (w.sentence_case(spec.headline.value_won_label), value_won))
    return builders


def headline_money_figure(scenario: Scenario, econ: Economics, count: int, best: BestSetting) -> go.Figure:
    """The Decide page's first money chart: the demo's headline figure against the share acted
    on, with today's rule (or a random pick), this setting and (for net value) the best setting marked."""
    return money_chart_builders(scenario, econ, count, best)[0][1]()
