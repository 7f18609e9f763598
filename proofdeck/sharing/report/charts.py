"""The report's charts as data: the headline money chart, the gains chart and what each further 5%
adds, each with its caption."""

from __future__ import annotations

import math

import plotly.graph_objects as go

from proofdeck.charts.base import PLOTLY_CONFIG
from proofdeck.charts.comparison import gains_figure
from proofdeck.comparison.gains import gains_curve, gains_point, lift_at
from proofdeck.data.spec import Economics
from proofdeck.decisions.best_setting import BestSetting
from proofdeck.decisions.marginal import Slice
from proofdeck.model.scenario import Scenario
from proofdeck.sharing.report import content as c
from proofdeck.sharing.summary import headline_money_figure, marginal_chart
from proofdeck.words import wording as w

# The charts' marks for "your setting", named for a reader who did not choose it.
CHOSEN_NAMES = {"your setting": "chosen setting", "model at your cut-off": "model at the chosen setting"}


def chart(figure: go.Figure, div_id: str, caption: str) -> c.Chart:
    """A figure as the data the report embeds (what ``plotly.io.to_html`` would write, as data)."""
    figure_dict = figure.to_dict()
    layout = figure_dict.get("layout", {})
    width, height = layout.get("width"), layout.get("height") or 400
    config = dict(PLOTLY_CONFIG)
    config.setdefault("responsive", True)
    return c.Chart(div_id=div_id, data=figure_dict.get("data", []), layout=layout, config=config,
                   width=f"{width}px" if width else "100%", height=f"{height}px", caption=caption)


def charts(scenario: Scenario, econ: Economics, count: int, best: BestSetting,
           marginal: tuple[Slice, ...] = ()) -> c.ChartsSection:
    """The money chart (the demo's headline figure), the gains chart and (given the slices) what
    each further 5% adds, at ``count``, the chosen setting named for a reader who did not choose it."""
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
    best_text = ""
    if math.isfinite(best.honest_net):
        best_text = (f" The best net value comes from acting on the top {w.share(best.share)} of {nouns.entities}: "
                     f"used on new {nouns.entities}, a setting chosen this way earns about "
                     f"{w.money(best.honest_net, cur)}{w.period_suffix(econ)} (estimated on held-out rows it was "
                     "not chosen on).")
    lift_text = (f"At {'the random pick' if against.random else 'the rule'}'s budget ({w.share(rule_point[0])} of "
                 f"{nouns.entities}), the model's picks reach {lift:.1f} times as many {nouns.positives} as picking "
                 "at random" + ("." if against.random else f"; today's rule reaches {rule_lift:.1f} times as many."))
    marginal_part = None
    if marginal:
        figure = marginal_chart(scenario, econ, count, best, marginal)
        figure.for_each_annotation(lambda note: note.update(text="chosen setting") if note.text == "your setting"
                                   else None)
        marks = "The dotted line marks the chosen setting" + (
            "." if count == scenario.default_count else f", the dashed line {against.the}'s budget.")
        marginal_part = chart(figure, "marginal-chart", w.break_even_sentence(nouns, econ, marginal)
                              + f" {marks} Each bar is what acting on one more slice adds to net value; its line is the "
                                "95% range of that difference, from the same redraws as the other ranges.")
    return c.ChartsSection(
        money=chart(money, "money-chart",
                    f"The dotted line marks the chosen setting, the diamond {against.name}." + best_text),
        gains=chart(gains, "gains-chart", lift_text),
        marginal=marginal_part,
    )
