"""Figures for the "Rule vs model" page: plain values from :mod:`proofdeck.comparison.compare` in, Plotly out.

Titles and axes use the demo's nouns and business words (share of customers, churners
reached, cut-off); colours and layout are those of :mod:`proofdeck.charts.base`, so every page looks
alike.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from proofdeck.charts.base import MODEL_COLOR, NEGATIVE_COLOR, RULE_COLOR, _layout, legend_below, thin
from proofdeck.comparison.sensitivity import assumption_name
from proofdeck.data.spec import Nouns
from proofdeck.words import wording as w
from proofdeck.words.safe_text import chart_text
from proofdeck.words.wording import TODAYS_RULE, Baseline, count, money, share

CURRENT_COLOR = "#1b2333"
HALF_COLOR = "#9db4e3"


def gains_figure(
    curve: dict[str, np.ndarray],
    rule: tuple[float, float],
    current: tuple[float, float] | None,
    nouns: Nouns,
    against: Baseline = TODAYS_RULE,
) -> go.Figure:
    """How fast each way of choosing reaches the positives, widest net on the right.

    Parameters
    ----------
    curve : :func:`proofdeck.comparison.compare.gains_curve` of the held-out scores.
    rule : today's rule as (share acted on, share of positives reached), from ``gains_point``.
    current : the model at the page's cut-off, the same way; None to leave it out.
    nouns : the demo's words.
    against : what the model is compared with (today's rule, or a random pick).
    """
    model = thin({key: curve[key] for key in ("share_acted", "share_reached")})
    hover = f"%{{x:.0%}} of {nouns.entities}: %{{y:.0%}} of {nouns.positives}<extra></extra>"
    figure = go.Figure()
    figure.add_scatter(
        x=curve["perfect_share_acted"], y=curve["perfect_share_reached"], mode="lines",
        name=f"perfect: every {nouns.positive} first", line=dict(color=NEGATIVE_COLOR, dash="dot", width=1.5),
        hoverinfo="skip",
    )
    figure.add_scatter(
        x=curve["random_share_acted"], y=curve["random_share_reached"], mode="lines",
        name="choosing at random", line=dict(color=NEGATIVE_COLOR, dash="dash", width=1.5), hoverinfo="skip",
    )
    figure.add_scatter(
        x=model["share_acted"], y=model["share_reached"], mode="lines", name=f"model, highest {nouns.score} first",
        line=dict(color=MODEL_COLOR, width=3), hovertemplate=hover,
    )
    figure.add_scatter(
        x=[rule[0]], y=[rule[1]], mode="markers", name=against.name,
        marker=dict(symbol="diamond", size=13, color=RULE_COLOR, line=dict(color="white", width=1)),
        hovertemplate=hover,
    )
    if current is not None:
        figure.add_scatter(
            x=[current[0]], y=[current[1]], mode="markers", name="model at your cut-off",
            marker=dict(size=11, color=CURRENT_COLOR), hovertemplate=hover,
        )
    figure = _layout(
        figure,
        f"How quickly each way of choosing reaches the {nouns.positives}",
        f"share of {nouns.entities} {w.who(nouns.entities)} get {w.a(nouns.action)}",
        f"share of all {nouns.positives} reached",
        ".0%",
    )
    figure.update_xaxes(tickformat=".0%", range=[0, 1]).update_yaxes(range=[0, 1.02])
    return legend_below(figure.update_layout(hovermode="closest"), 440)


def _assumption_text(field: str, value: float, currency: str) -> str:
    if field == "win_rate":
        return share(value)
    if field == "population":
        return count(value) if value > 0 else "no scaling"
    return money(value, currency)


def tornado_figure(
    table: pd.DataFrame,
    nouns: Nouns,
    currency: str,
    period: str,
    low_name: str = "half",
    high_name: str = "double",
    against: Baseline = TODAYS_RULE,
    period_name: str = "period",
) -> go.Figure:
    """Which assumption moves the model's advantage most: bars from the base to half and double.

    Parameters
    ----------
    table : :func:`proofdeck.comparison.compare.tornado`, widest swing first (drawn on top).
    nouns : the demo's words, for the assumptions' names.
    currency, period : for the money axis; period is " per quarter" (see wording.per) or "".
    low_name, high_name : names of the two multipliers, e.g. "half" and "double".
    against : what the model is compared with (today's rule, or a random pick).
    period_name : the economics' period ("quarter"), for "customers per quarter".
    """
    names = [assumption_name(field, nouns, period_name) for field in table["field"]]
    base = float(table["base"].iloc[0]) if len(table) else 0.0
    figure = go.Figure()
    for name, key, value_key, color in (
        (low_name, "at_low", "low_value", HALF_COLOR),
        (high_name, "at_high", "high_value", MODEL_COLOR),
    ):
        labels = [
            f"{name}: {_assumption_text(field, value, currency)}"
            for field, value in zip(table["field"], table[value_key], strict=True)
        ]
        hover = [
            f"{label}: the model is worth {money(extra, currency, signed=True)} against {against.the}"
            for label, extra in zip(labels, table[key], strict=True)
        ]
        figure.add_bar(
            y=names, x=table[key] - table["base"], base=table["base"], orientation="h", name=name,
            marker_color=color, text=labels, textposition="auto",
            hovertext=hover, hovertemplate="%{hovertext}<extra></extra>",
        )
    figure.update_layout(barmode="overlay")
    figure.add_vline(
        x=base, line=dict(color=CURRENT_COLOR, width=1.5),
        annotation_text="with today's assumptions", annotation_position="top",
    )
    figure.add_vline(
        x=0, line=dict(color=RULE_COLOR, dash="dash", width=1.5),
        annotation_text=f"no better than {against.the}", annotation_position="bottom",
    )
    figure = _layout(
        figure,
        "Which assumption changes the answer most",
        f"how much more the model is worth than {against.name}{period} ({currency})",
        "",
    )
    return figure.update_yaxes(autorange="reversed").update_layout(
        hovermode="closest", height=max(260, 70 + 48 * len(table))
    )


def segment_figure(table: pd.DataFrame, nouns: Nouns, segment_name: str,
                   against: Baseline = TODAYS_RULE) -> go.Figure:
    """Positives reached by rule and model in each segment, both with the same overall budget.

    Parameters
    ----------
    table : :func:`proofdeck.comparison.compare.segment_table`.
    nouns : the demo's words.
    segment_name : readable name of the column the segments come from, e.g. "Contract".
    against : what the model is compared with (today's rule, or a random pick).
    """
    figure = go.Figure()
    for name, key, color in ((against.name, "rule_reached", RULE_COLOR), ("model", "model_reached", MODEL_COLOR)):
        figure.add_bar(
            x=[chart_text(segment) for segment in table["segment"].astype(str)], y=table[key], name=name,
            marker_color=color,
            hovertemplate=f"%{{x}}: %{{y:,.0f}} {nouns.positives} reached<extra>{name}</extra>",
        )
    figure.update_layout(barmode="group")
    return _layout(
        figure,
        f"{nouns.positives[:1].upper()}{nouns.positives[1:]} reached in each {chart_text(segment_name.lower())}, "
        f"with the same number of {nouns.actions} in total",
        chart_text(segment_name),
        f"{nouns.positives} reached",
    ).update_layout(hovermode="closest")
