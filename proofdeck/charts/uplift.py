"""The uplift (Qini) curve as a figure: outcomes the action changes, by how many get it."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from proofdeck.charts.base import MODEL_COLOR, NEGATIVE_COLOR, RULE_COLOR, _layout, legend_below, thin
from proofdeck.data.spec import Nouns
from proofdeck.words import wording as w
from proofdeck.words.safe_text import chart_text

EFFECT_COLOR = "#1a9b5a"


def effect_curve_figure(curves: dict[str, np.ndarray], rule: tuple[float, float], nouns: Nouns,
                        analyst: bool = False, rule_name: str = "today's rule") -> go.Figure:
    """Estimated outcomes changed (per period) if the action goes to the top share of each
    ranking, with today's rule as a point.

    Parameters
    ----------
    curves : :func:`proofdeck.comparison.effects.effect_curves`.
    rule : today's rule as (share acted on, estimated outcomes changed).
    analyst : the analyst view names the chart an uplift (Qini) curve.
    """
    thinned = thin({key: curves[key] for key in ("share_acted", "risk", "uplift", "random")})
    won = chart_text(nouns.won_plural)
    hover = f"%{{x:.0%}} of {chart_text(nouns.entities)}: %{{y:,.0f}} {won}<extra></extra>"
    figure = go.Figure()
    figure.add_scatter(x=thinned["share_acted"], y=thinned["random"], mode="lines", name="choosing at random",
                       line=dict(color=NEGATIVE_COLOR, dash="dash", width=1.5), hoverinfo="skip")
    figure.add_scatter(x=thinned["share_acted"], y=thinned["risk"], mode="lines",
                       name=f"highest {chart_text(nouns.score)} first",
                       line=dict(color=MODEL_COLOR, width=2.5), hovertemplate=hover)
    figure.add_scatter(x=thinned["share_acted"], y=thinned["uplift"], mode="lines",
                       name=f"largest effect of the {chart_text(nouns.action)} first",
                       line=dict(color=EFFECT_COLOR, width=3), hovertemplate=hover)
    figure.add_scatter(x=[rule[0]], y=[rule[1]], mode="markers", name=chart_text(rule_name),
                       marker=dict(symbol="diamond", size=13, color=RULE_COLOR, line=dict(color="white", width=1)),
                       hovertemplate=hover)
    title = f"{w.sentence_case(chart_text(nouns.won_plural))} because of the {chart_text(nouns.action)}, by how many get it"
    if analyst:
        title = "Uplift / Qini curve: " + title[0].lower() + title[1:]
    figure = _layout(figure, title, f"share of {chart_text(nouns.entities)} {w.who(nouns.entities)} get {chart_text(w.a(nouns.action))}",
                     f"estimated {won}", ",.0f")
    figure.update_xaxes(tickformat=".0%", range=[0, 1])
    return legend_below(figure.update_layout(hovermode="closest"), 440)
