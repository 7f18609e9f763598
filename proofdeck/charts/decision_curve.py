"""The decision curve (net benefit against threshold probability) as a Plotly figure.

Drawn only in the analyst view (net benefit is jargon); the report words the same curve
plainly (:mod:`proofdeck.sharing.report`). Values come from
:func:`proofdeck.decisions.decision_curve.decision_curve`.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from proofdeck.charts.base import MODEL_COLOR, NEGATIVE_COLOR, RULE_COLOR, _layout, legend_below
from proofdeck.data.spec import Economics, Nouns
from proofdeck.decisions.decision_curve import DecisionCurve, net_value_at_price
from proofdeck.words import wording as w
from proofdeck.words.decision_words import exchange_text, short_exchange
from proofdeck.words.safe_text import chart_text
from proofdeck.words.wording import TODAYS_RULE, Baseline

BAND_COLOR = "rgba(36, 87, 197, 0.16)"
OWN_COLOR = "#1b2333"
LOG_TICKS = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 0.9)
LINEAR_TICKS = (0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


def _y_range(curve: DecisionCurve) -> list[float]:
    """Room for what matters: from a little below acting on none up to the best curve. Acting on
    all (and a fixed rule) fall steeply towards high pt and leave the plot downwards, as in
    the usual decision-curve plots, instead of squashing the rest into a line at the top."""
    top = float(np.nanmax(np.concatenate([curve.model_high, curve.rule, curve.act_all, [0.0]])))
    top = top if top > 0 else 0.01
    low = float(np.nanmin(np.concatenate([curve.model_low, [0.0]])))
    return [max(low, -0.4 * top) - 0.15 * top, 1.12 * top]


def decision_curve_figure(
    curve: DecisionCurve,
    nouns: Nouns,
    against: Baseline = TODAYS_RULE,
    money_label: str = "your prices",
) -> go.Figure:
    """Net benefit of the model (with its 95% band), today's rule, acting on all and on none.

    Parameters
    ----------
    curve : the decision curve of the held-out rows.
    nouns : the demo's words (for the exchange rate in the hover text and the axis).
    against : today's rule, or a random pick (drawn as its average).
    money_label : the name of the demo's own ratio's marker.
    """
    pt = curve.thresholds
    rare = float(pt[0]) < 0.01  # a rare outcome: the useful thresholds sit in the first percent or two
    words = np.array([chart_text(exchange_text(float(p), nouns)) for p in pt], dtype=object)
    hover = "%{y:.4f}<extra>%{fullData.name}</extra>"
    figure = go.Figure()
    figure.add_scatter(x=pt, y=curve.model_high, mode="lines", line=dict(width=0), hoverinfo="skip",
                       showlegend=False, name="band top")
    figure.add_scatter(x=pt, y=curve.model_low, mode="lines", line=dict(width=0), fill="tonexty",
                       fillcolor=BAND_COLOR, name="model: 95% band", hoverinfo="skip")
    figure.add_scatter(x=pt, y=np.zeros_like(pt), mode="lines", name="act on none",
                       line=dict(color=NEGATIVE_COLOR, width=1.5, dash="dot"), hovertemplate=hover)
    figure.add_scatter(x=pt, y=curve.act_all, mode="lines", name=chart_text(f"act on all {nouns.entities}"),
                       line=dict(color=NEGATIVE_COLOR, width=2, dash="dash"), hovertemplate=hover)
    rule_name = chart_text(against.name + (" (average)" if against.random else ""))
    figure.add_scatter(x=pt, y=curve.rule, mode="lines", name=rule_name,
                       line=dict(color=RULE_COLOR, width=2.5), hovertemplate=hover)
    figure.add_scatter(
        x=pt, y=curve.model, mode="lines", name="model", line=dict(color=MODEL_COLOR, width=3), customdata=words,
        hovertemplate="threshold %{x:.1%}: %{customdata} · model %{y:.4f}<extra></extra>",
    )
    if curve.own_ratio is not None:
        own = curve.at(curve.own_ratio)
        figure.add_vline(x=curve.own_ratio, line=dict(color=OWN_COLOR, dash="dot", width=1.5))
        # Placed by hand: on a log axis an annotation's x is the log of the value (add_vline's
        # own annotation would land off the plot).
        figure.add_annotation(x=np.log10(curve.own_ratio) if rare else curve.own_ratio, y=1, yref="paper",
                              text=chart_text(f"{money_label}: {curve.own_ratio:.1%}"), showarrow=False,
                              xanchor="left", yanchor="top", xshift=4, font=dict(color=OWN_COLOR, size=12))
        figure.add_scatter(
            x=[curve.own_ratio], y=[own["rule"]], mode="markers", name=chart_text(f"{against.name} at {money_label}"),
            marker=dict(symbol="diamond", size=13, color=RULE_COLOR, line=dict(color="white", width=1)),
            hovertemplate=hover,
        )
        figure.add_scatter(
            x=[curve.own_ratio], y=[own["model"]], mode="markers", name=chart_text(f"model at {money_label}"),
            marker=dict(size=11, color=MODEL_COLOR, line=dict(color="white", width=1)), hovertemplate=hover,
        )
    title = "Decision curve: net benefit per held-out " + chart_text(nouns.entity)
    x_title = ("threshold probability; below it, unneeded "
               + chart_text(nouns.actions) + " per " + chart_text(nouns.positive) + " reached that still pay")
    figure = _layout(figure, title, x_title, "net benefit (reached per row)")
    low, high = float(pt[0]), float(pt[-1])
    ticks = [t for t in (LOG_TICKS if rare else LINEAR_TICKS) if low <= t <= high]
    figure.update_xaxes(
        type="log" if rare else "linear",
        range=[np.log10(low), np.log10(high)] if rare else [0, high],
        tickvals=ticks, ticktext=[f"{t:.1%}".replace(".0%", "%") + " (" + short_exchange(t).replace(" ", "") + ")" for t in ticks],
        hoverformat=".2%",
    )
    figure.update_yaxes(range=_y_range(curve))
    return legend_below(figure.update_layout(hovermode="x unified"), 470)


def price_curve_figure(
    curve: DecisionCurve,
    hit: float,
    economics: Economics,
    nouns: Nouns,
    against: Baseline = TODAYS_RULE,
) -> go.Figure:
    """The decision curve for leadership: money against the price of one action, no jargon.

    Each threshold probability ``pt`` is read as the price ``pt x hit`` of one action (a reached
    positive still worth ``hit``), and each net benefit as the money it makes per period against
    acting on none (:func:`~proofdeck.decisions.decision_curve.net_value_at_price`).

    Parameters
    ----------
    curve : the decision curve of the held-out rows.
    hit : the money one reached positive brings (:func:`~proofdeck.decisions.decision_curve.value_of_hit`).
    economics : the demo's money (its currency, period and today's price).
    nouns : the demo's words.
    against : today's rule, or a random pick (its average).
    """
    pt, cur = curve.thresholds, economics.currency
    price = pt * hit
    rare = float(pt[0]) < 0.01

    def money(values: np.ndarray) -> np.ndarray:
        return net_value_at_price(values, pt, hit, curve.examples, economics)

    model, low, high = money(curve.model), money(curve.model_low), money(curve.model_high)
    rule, every = money(curve.rule), money(curve.act_all)
    unit = chart_text(cur)
    hover = f"{unit}%{{y:,.0f}}<extra>%{{fullData.name}}</extra>"
    figure = go.Figure()
    figure.add_scatter(x=price, y=high, mode="lines", line=dict(width=0), hoverinfo="skip", showlegend=False,
                       name="range top")
    figure.add_scatter(x=price, y=low, mode="lines", line=dict(width=0), fill="tonexty", fillcolor=BAND_COLOR,
                       name="model: 95% range", hoverinfo="skip")
    figure.add_scatter(x=price, y=np.zeros_like(price), mode="lines", name=chart_text(f"no {nouns.actions}"),
                       line=dict(color=NEGATIVE_COLOR, width=1.5, dash="dot"), hovertemplate=hover)
    figure.add_scatter(x=price, y=every, mode="lines", name=chart_text(f"every {nouns.entity}"),
                       line=dict(color=NEGATIVE_COLOR, width=2, dash="dash"), hovertemplate=hover)
    figure.add_scatter(x=price, y=rule, mode="lines", name=chart_text(against.name + (" (average)" if against.random else "")),
                       line=dict(color=RULE_COLOR, width=2.5), hovertemplate=hover)
    figure.add_scatter(x=price, y=model, mode="lines", name="model, acting only where it pays at that price",
                       line=dict(color=MODEL_COLOR, width=3),
                       hovertemplate=f"{unit}%{{x:,.2f}} per {chart_text(nouns.action)} · {hover}")
    if curve.own_ratio is not None:
        figure.add_vline(x=economics.cost_per_action, line=dict(color=OWN_COLOR, dash="dot", width=1.5))
        figure.add_annotation(x=np.log10(economics.cost_per_action) if rare else economics.cost_per_action, y=1,
                              yref="paper", text=chart_text(f"today's price: {w.money(economics.cost_per_action, cur)}"),
                              showarrow=False, xanchor="left", yanchor="top", xshift=4,
                              font=dict(color=OWN_COLOR, size=12))
    period = w.period_suffix(economics)
    figure = _layout(figure, "Worth it at other prices?", chart_text(f"price of one {nouns.action} ({cur})"),
                     chart_text(f"net value{period or ''} ({cur})"))
    # Acting on everyone falls steeply at high prices: the axis follows the other lines.
    top = float(np.nanmax(np.concatenate([high, rule, every, [0.0]]))) or 1.0
    bottom = float(np.nanmin(np.concatenate([low, rule, [0.0]])))
    figure.update_yaxes(range=[max(min(bottom, 0.0), -0.4 * top) - 0.15 * abs(top), 1.12 * top], automargin=True,
                        tickprefix=unit, tickformat="~s")
    figure.update_xaxes(type="log" if rare else "linear", hoverformat=",.2f", automargin=True,
                        range=[np.log10(price[0]), np.log10(price[-1])] if rare else [0, float(price[-1])])
    if rare:  # a log axis labels every minor step: name 1-2-5 prices only
        ticks = [m * 10.0 ** e for e in range(-3, 7) for m in (1, 2, 5) if price[0] <= m * 10.0 ** e <= price[-1]]
        figure.update_xaxes(tickvals=ticks, ticktext=[f"{unit}{t:,.2f}".rstrip("0").rstrip(".") for t in ticks])
    return legend_below(figure.update_layout(hovermode="x unified"), 470)
