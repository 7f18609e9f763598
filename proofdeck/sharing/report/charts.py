"""The report's charts as data: the headline money chart, the gains chart, what each further 5%
adds and "Worth it at other prices?" (the decision curve in money, worded for leadership), each
with its caption."""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from proofdeck.charts.base import PLOTLY_CONFIG
from proofdeck.charts.comparison import gains_figure
from proofdeck.charts.decision_curve import price_curve_figure
from proofdeck.comparison.gains import gains_curve, gains_point, lift_at
from proofdeck.data.spec import Economics
from proofdeck.decisions.best_setting import BestSetting
from proofdeck.decisions.decision_curve import (
    DecisionCurve,
    decision_curve,
    net_value_at_price,
    scores_are_probabilities,
    value_of_hit,
)
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
        prices=prices_chart(scenario, econ),
        marginal=marginal_part,
    )


def _price(value: float, currency: str) -> str:
    """A price as people say it: cents below 10 ($0.34, $2.50), rounded above ($178)."""
    return f"{currency}{value:,.2f}" if value < 10 else w.money(value, currency)


def _clear_run(curve: DecisionCurve) -> tuple[int, int] | None:
    """The first and last grid index of the stretch around today's price where the model's
    lead over the baseline is clear (its 95% interval above zero), or None."""
    clear = curve.diff_low > 0
    at = int(np.argmin(np.abs(curve.thresholds - curve.own_ratio)))
    if not clear[at]:
        return None
    first, last = at, at
    while first > 0 and clear[first - 1]:
        first -= 1
    while last < clear.size - 1 and clear[last + 1]:
        last += 1
    return first, last


def prices_chart(scenario: Scenario, econ: Economics) -> c.Chart | None:
    """The decision curve for leadership: what each way of choosing earns if one action cost
    more or less, worded without "net benefit" or "threshold"; None when the scores are not
    probabilities (a team's own scores), when each row has its own value, or when the money
    gives no price to start from."""
    sc, nouns, against = scenario, scenario.spec.nouns, scenario.baseline
    # With a per-row value (a transaction's amount) the curve counts every positive at the
    # average worth, and its money can differ a lot from the report's own figures (fraud: today's
    # rule picks large amounts): leadership would read two different answers, so it is left out.
    if econ.value_column or not scores_are_probabilities(sc.scores):
        return None
    curve = decision_curve(sc.scores, sc.labels, sc.rule_flags, econ, sc.values)
    if curve.own_ratio is None:
        return None
    cur, hit = econ.currency, value_of_hit(econ, sc.labels, sc.values)
    point = curve.at(curve.own_ratio)

    def earns(name: str) -> str:
        value = net_value_at_price(np.array([point[name]]), np.array([curve.own_ratio]), hit, curve.examples, econ)
        return w.money(float(value[0]), cur)

    period = w.period_suffix(econ)
    run = _clear_run(curve)
    if run is None:
        lead = f"At today's price the held-out data cannot tell the model's earnings from {against.the}'s."
    else:
        low, high = (float(curve.thresholds[i]) * hit for i in run)
        lead = (f"The model earns more than {against.the} at every price from {_price(low, cur)} to "
                f"{_price(high, cur)} per {nouns.action} (95% intervals above zero).")
    caption = (
        f"Each point asks: if one {nouns.action} cost this much, and {w.a(nouns.positive)} reached still brought "
        f"{w.money(hit, cur)} on average, what would each way of choosing earn{period} against no "
        f"{nouns.actions} at all? The model then acts only on the {nouns.entities} whose {nouns.score} makes it pay at that "
        f"price, however many that is. At today's price ({w.money(econ.cost_per_action, cur)}) the model earns "
        f"{earns('model')} (95% range {earns('model_low')} to {earns('model_high')}), {against.name}"
        + (" on average " if against.random else " ") + f"{earns('rule')}, and every {nouns.entity} "
        f"{earns('act_all')}. {lead} "
        + ("Before the fixed cost of running the programme. " if econ.fixed_cost else "")
        + f"This reads the {nouns.score} as a true chance: a {nouns.score} of 30% means 3 in 10 such "
        f"{nouns.entities} are {nouns.positives}."
    )
    return chart(price_curve_figure(curve, hit, econ, nouns, against), "prices-chart", caption)
