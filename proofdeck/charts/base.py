"""Plotly figure builders (``*_figure``): plain values in, a figure out, no Streamlit.

Every label comes from the caller in the demo's words; technical names appear only when the
caller passes ``analyst=True``.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from proofdeck.data.spec import Nouns
from proofdeck.decisions.slider_scale import SliderAxis
from proofdeck.words import wording as w
from proofdeck.words.wording import TODAYS_RULE, Baseline

MODEL_COLOR = "#2457c5"
RULE_COLOR = "#d9822b"
BEST_COLOR = "#1a9b5a"
NEGATIVE_COLOR = "#9aa5b8"
MAX_POINTS = 400
# Plotly's toolbar covers chart titles on a phone and offers little to a business audience;
# people who want to zoom can still drag and double-click.
PLOTLY_CONFIG = {"displayModeBar": False, "responsive": True}


def thin(curve: dict[str, np.ndarray], max_points: int = MAX_POINTS) -> dict[str, np.ndarray]:
    """Keep at most ``max_points`` evenly spaced points of a curve (ends included)."""
    size = len(next(iter(curve.values())))
    if size <= max_points:
        return curve
    keep = np.unique(np.linspace(0, size - 1, max_points).round().astype(int))
    return {name: np.asarray(values)[keep] for name, values in curve.items()}


def _layout(figure: go.Figure, title: str, x_title: str, y_title: str, y_format: str = "") -> go.Figure:
    figure.update_layout(
        title=dict(text=title, x=0, xanchor="left", font=dict(size=15)),
        margin=dict(l=10, r=10, t=48, b=10),
        height=340,
        legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="right", x=1),
        hovermode="x unified",
        plot_bgcolor="white",
    )
    figure.update_xaxes(title=x_title, gridcolor="#eef0f4", zeroline=False)
    figure.update_yaxes(title=y_title, gridcolor="#eef0f4", zerolinecolor="#c8cdd6", tickformat=y_format)
    return figure


def focus_share(*shares: float) -> float:
    """The right end of a share-of-examples axis that keeps the useful part readable.

    For a rare outcome every sensible setting sits in the first few percent, so the axis ends
    a little beyond the points that matter (the rule's budget, the current setting, the best);
    a common outcome keeps the whole axis. People can still double-click to see everything.
    """
    known = [float(s) for s in shares if s is not None and np.isfinite(s)]
    upper = max([0.05] + [3 * s for s in known])
    return 1.0 if upper >= 0.6 else float(upper)


def _share_axis(figure: go.Figure, x_max: float, title: str) -> go.Figure:
    if x_max < 1.0:
        title += f" (first {x_max:.0%} shown; double-click for all)"
    return figure.update_xaxes(tickformat=".0%" if x_max >= 0.1 else ".1%", range=[0, x_max], title=title)


def _slider_x(axis: SliderAxis | None, shares) -> np.ndarray:
    """Shares of examples as x values: themselves, or their positions on the slider's axis."""
    shares = np.asarray(shares, dtype=float)
    return shares if axis is None else axis.position(shares * axis.size)


def _slider_axis(figure: go.Figure, axis: SliderAxis, title: str) -> go.Figure:
    """The x-axis spaced like the slider, its ticks labelled with the share they stand for."""
    ticks = axis.tick_counts()
    return figure.update_xaxes(
        range=[-0.01, 1.01], tickvals=list(axis.position(ticks)),
        ticktext=[w.share(count / axis.size) for count in ticks],
        title=f"{title} (spaced like the slider above it)")


def legend_below(figure: go.Figure, height: int = 400) -> go.Figure:
    """Move a long legend under the plot and its axis title, where it covers neither."""
    return figure.update_layout(
        legend=dict(orientation="h", yref="container", yanchor="bottom", y=0.01, x=0, xanchor="left"),
        height=height, margin=dict(b=110),
    ).update_xaxes(title_standoff=8)


def money_curve_figure(
    share_acted: np.ndarray,
    series: list[tuple[str, np.ndarray]],
    current: tuple[float, float],
    rule: tuple[float, float],
    nouns: Nouns,
    currency: str,
    title: str,
    best: tuple[float, float] | None = None,
    best_name: str = "best",
    x_max: float = 1.0,
    against: Baseline = TODAYS_RULE,
    axis: SliderAxis | None = None,
) -> go.Figure:
    """Money figures against the share of examples acted on; the first series carries the
    current setting, today's rule (or a random pick: ``against``) and (optionally) the best point.
    With ``axis`` the x-axis is spaced like the Decide slider (``x_max`` is then not used)."""
    figure = go.Figure()
    colors = [MODEL_COLOR, RULE_COLOR, BEST_COLOR]
    for (name, values), color in zip(series, colors):
        figure.add_scatter(
            x=_slider_x(axis, share_acted), y=values, mode="lines", name=name, line=dict(color=color, width=3),
            customdata=np.asarray(share_acted, dtype=float),
            hovertemplate=f"%{{customdata:.1%}} of {nouns.entities}: {currency}%{{y:,.0f}}<extra>{name}</extra>",
        )
    if best is not None:
        figure.add_scatter(
            x=_slider_x(axis, [best[0]]), y=[best[1]], mode="markers", name=best_name,
            marker=dict(symbol="star", size=16, color=BEST_COLOR), hoverinfo="skip",
        )
    figure.add_scatter(
        x=_slider_x(axis, [rule[0]]), y=[rule[1]], mode="markers", name=against.name,
        marker=dict(symbol="diamond", size=13, color=RULE_COLOR, line=dict(color="white", width=1)),
        hoverinfo="skip",
    )
    figure.add_vline(x=float(_slider_x(axis, [current[0]])[0]), line=dict(color="#1b2333", dash="dot", width=1.5))
    figure.add_scatter(
        x=_slider_x(axis, [current[0]]), y=[current[1]], mode="markers", name="your setting",
        marker=dict(size=11, color="#1b2333"), hoverinfo="skip",
    )
    figure = _layout(figure, title, "", currency)
    x_title = f"share of {nouns.entities} {w.who(nouns.entities)} get {w.a(nouns.action)}"
    if axis is not None:
        return _slider_axis(figure, axis, x_title)
    if x_max < 1.0:  # let the y-axis fit what is shown
        inside = np.asarray(share_acted) <= x_max
        shown = np.concatenate([np.asarray(v, dtype=float)[inside] for _, v in series] + [[current[1], rule[1]]])
        shown = shown[np.isfinite(shown)]
        if shown.size:
            pad = 0.08 * (shown.max() - shown.min() or abs(shown.max()) or 1.0)
            figure.update_yaxes(range=[shown.min() - pad, shown.max() + pad])
    return _share_axis(figure, x_max, x_title)


def rates_figure(
    share_acted: np.ndarray,
    hit_rate: np.ndarray,
    coverage: np.ndarray,
    current: float,
    rule: tuple[float, float, float],
    nouns: Nouns,
    analyst: bool = False,
    x_max: float = 1.0,
    against: Baseline = TODAYS_RULE,
    axis: SliderAxis | None = None,
) -> go.Figure:
    """Hit rate and coverage against the share of examples acted on (spaced like the slider
    when ``axis`` is given); today's rule (or a random pick) drawn at its own budget."""
    hit_name = "hit rate" + (" (precision)" if analyst else "")
    coverage_name = "coverage" + (" (recall)" if analyst else "")
    figure = go.Figure()
    figure.add_scatter(
        x=_slider_x(axis, share_acted), y=hit_rate, mode="lines", name=f"{hit_name}: share of {nouns.actions} reaching {w.a(nouns.positive)}",
        line=dict(color=MODEL_COLOR, width=3), hovertemplate="%{y:.0%}<extra></extra>",
    )
    figure.add_scatter(
        x=_slider_x(axis, share_acted), y=coverage, mode="lines", name=f"{coverage_name}: share of {nouns.positives} reached",
        line=dict(color=BEST_COLOR, width=3), hovertemplate="%{y:.0%}<extra></extra>",
    )
    figure.add_scatter(
        x=_slider_x(axis, [rule[0], rule[0]]), y=[rule[1], rule[2]], mode="markers", name=f"{against.name} (same budget)",
        marker=dict(symbol="diamond", size=12, color=RULE_COLOR), hoverinfo="skip",
    )
    figure.add_vline(x=float(_slider_x(axis, [current])[0]), line=dict(color="#1b2333", dash="dot", width=1.5))
    figure = _layout(figure, "Selective or wide: what each setting gives", "", "", ".0%")
    x_title = f"share of {nouns.entities} {w.who(nouns.entities)} get {w.a(nouns.action)}"
    figure = _slider_axis(figure, axis, x_title) if axis is not None else _share_axis(figure, x_max, x_title)
    return legend_below(figure, 400)


def score_distribution_figure(
    scores: np.ndarray,
    labels: np.ndarray,
    current: float,
    rule_cutoff: float,
    nouns: Nouns,
    bins: int = 50,
    against: Baseline = TODAYS_RULE,
) -> go.Figure:
    """How positives and the others spread over the score, with the current cut-off.

    Each group is drawn as a share of itself, so a rare outcome (1 in 300) stays visible next
    to the many others; the axis ends at the highest score, so scores that all sit near 0 still
    spread out. Counts are binned here: the browser receives 2 x ``bins`` bars, not every score.
    """
    scores = np.asarray(scores, dtype=float)
    labels = np.asarray(labels, dtype=bool)
    top = float(np.quantile(scores, 0.999)) if scores.size else 1.0
    top = min(max(top * 1.05, 1e-3), 1.0)
    edges = np.linspace(0.0, top, bins + 1)
    centers, width = (edges[:-1] + edges[1:]) / 2, top / bins
    figure = go.Figure()
    for name, mask, color in ((nouns.non_positives, ~labels, NEGATIVE_COLOR), (nouns.positives, labels, MODEL_COLOR)):
        counts, _ = np.histogram(np.clip(scores[mask], 0.0, top), bins=edges)
        shares = counts / max(int(mask.sum()), 1)
        figure.add_bar(x=centers, y=shares, width=width, name=name, marker_color=color, opacity=0.7,
                       customdata=counts, hovertemplate=f"%{{y:.1%}} of {name} (%{{customdata:,}})<extra></extra>")
    figure.update_layout(barmode="overlay", bargap=0)
    if np.isfinite(current):
        figure.add_vline(x=min(current, top), line=dict(color="#1b2333", dash="dot", width=1.5),
                         annotation_text="your setting", annotation_position="top right",
                         annotation_yshift=0)
    if np.isfinite(rule_cutoff) and not np.isclose(rule_cutoff, current):
        figure.add_vline(x=min(rule_cutoff, top), line=dict(color=RULE_COLOR, dash="dash", width=1.5),
                         annotation_text="random pick's size" if against.random else "rule's budget", annotation_position="top left",
                         annotation_yshift=-18)
    figure = _layout(figure, f"Who gets which {nouns.score}", nouns.score, "share of each group")
    figure.update_yaxes(tickformat=".0%")
    return figure.update_xaxes(tickformat=".1%" if top < 0.1 else ".0%", range=[0, top]).update_layout(hovermode="closest")
