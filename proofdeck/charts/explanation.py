"""Figures for the Examples page: why one example scores as it does, and what drives scores.

Contributions are in the model's own units, which mean nothing to most people, so the bar
charts show direction and relative size only; numbers are left to the sentence beside them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from proofdeck.charts.base import MODEL_COLOR, NEGATIVE_COLOR, RULE_COLOR, _layout
from proofdeck.explanation.explain import Labels, Reason, label_of, value_text
from proofdeck.words.safe_text import chart_text

UP_COLOR = RULE_COLOR
DOWN_COLOR = MODEL_COLOR
OTHER_COLOR = NEGATIVE_COLOR


def _bars(
    reasons_or_series: Sequence[Reason] | pd.Series,
    labels: Labels | None,
    values_text: Mapping[str, Any] | pd.Series | None,
) -> list[tuple[str, float]]:
    """(bar label, contribution) pairs, largest absolute contribution first. Labels and values
    come from data, so they are escaped for Plotly (which renders some HTML)."""
    if isinstance(reasons_or_series, pd.Series):
        values = {} if values_text is None else values_text
        pairs = []
        for column, amount in reasons_or_series.items():
            text = f"{label_of(labels, column)}"
            if column in values:
                raw = values[column]
                text += f" = {raw if isinstance(raw, str) else value_text(raw)}"
            pairs.append((chart_text(text), float(amount)))
    else:
        pairs = [(chart_text(f"{r.label} = {r.value_text}"), r.contribution) for r in reasons_or_series]
    return sorted(pairs, key=lambda pair: -abs(pair[1]))


def contribution_figure(
    reasons_or_series: Sequence[Reason] | pd.Series,
    labels: Labels | None = None,
    values_text: Mapping[str, Any] | pd.Series | None = None,
    score_name: str = "score",
    max_bars: int = 8,
) -> go.Figure:
    """What pushes one example's score up and down, one horizontal bar per column.

    Parameters
    ----------
    reasons_or_series : either reasons from ``top_reasons`` (which carry their own labels and
        values), or all per-column contributions of one row (``Explanation.row(i)``).
    labels : business labels by column (dict or function); used with a Series.
    values_text : the example's values by column, as text or raw (the raw row works: missing
        values read "unknown"); used with a Series.
    score_name : the demo's name for the score, e.g. "churn risk".
    max_bars : at most this many bars; beyond it the smallest are summed into one
        "other details" bar.

    Returns
    -------
    go.Figure
    """
    pairs = [pair for pair in _bars(reasons_or_series, labels, values_text) if pair[1] != 0.0]
    other = None
    if len(pairs) > max_bars:
        rest = pairs[max_bars - 1 :]
        pairs = pairs[: max_bars - 1]
        other = (f"{len(rest)} other details", sum(amount for _, amount in rest))
    # Plotly draws the first category at the bottom; the biggest reason belongs on top.
    order = [text for text, _ in reversed(pairs)]
    if other is not None:
        order.insert(0, other[0])
    figure = go.Figure()
    groups = [
        ("up", f"pushes {score_name} up", UP_COLOR, [p for p in pairs if p[1] > 0]),
        ("down", f"pulls {score_name} down", DOWN_COLOR, [p for p in pairs if p[1] < 0]),
        ("other", "all other details together", OTHER_COLOR, [other] if other else []),
    ]
    for _, name, color, items in groups:
        if not items:
            continue
        figure.add_bar(
            x=[amount for _, amount in items],
            y=[text for text, _ in items],
            orientation="h",
            name=name,
            marker_color=color,
            customdata=[name for _ in items],
            hovertemplate="%{y}: %{customdata}<extra></extra>",
        )
    figure = _layout(
        figure,
        f"What pushes this {score_name} up or down",
        f"← pulls {score_name} down · pushes {score_name} up →",
        "",
    )
    figure.add_vline(x=0, line=dict(color="#1b2333", width=1))
    figure.update_xaxes(showticklabels=False, zeroline=False)
    figure.update_yaxes(categoryorder="array", categoryarray=order, automargin=True)
    return figure.update_layout(
        hovermode="closest", barmode="overlay", height=max(220, 60 + 34 * len(order))
    )


def importance_figure(
    importance: pd.Series, labels: Labels | None, score_name: str, max_bars: int = 12
) -> go.Figure:
    """What drives the score overall: each column's share of all the influence.

    Parameters
    ----------
    importance : from ``proofdeck.explanation.explain.importance`` (one non-negative value per column).
    labels : business labels by column (dict or function).
    score_name : the demo's name for the score.
    max_bars : beyond this many columns, the smallest are summed into "all others".

    Returns
    -------
    go.Figure
    """
    ordered = importance.sort_values(ascending=False, kind="stable")
    total = float(ordered.sum())
    shares = ordered / total if total > 0 else ordered * 0.0
    names = [chart_text(label_of(labels, column)) for column in shares.index]
    values = [float(v) for v in shares]
    if len(values) > max_bars:
        rest = len(values) - (max_bars - 1)
        names = names[: max_bars - 1] + [f"{rest} others together"]
        values = values[: max_bars - 1] + [sum(values[max_bars - 1 :])]
    figure = go.Figure()
    figure.add_bar(
        x=values[::-1],
        y=names[::-1],
        orientation="h",
        marker_color=MODEL_COLOR,
        hovertemplate="%{y}: %{x:.0%} of the influence<extra></extra>",
        name="",
    )
    figure = _layout(
        figure,
        f"What drives the {score_name} overall",
        f"share of all influence on the {score_name}",
        "",
        "",
    )
    figure.update_xaxes(tickformat=".0%")
    figure.update_yaxes(automargin=True)
    return figure.update_layout(
        hovermode="closest", showlegend=False, height=max(220, 60 + 30 * len(values))
    )
