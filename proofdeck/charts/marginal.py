"""The marginal value chart: what each further 5% of examples adds to net value, with its range.

One bar per slice on the Decide charts' own axis (the share of examples acted on), green where
the slice adds net value and red where it loses it, its 95% range as an error bar, and a
break-even line at zero: where the bars cross it, acting on more stops paying.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from proofdeck.charts.base import RULE_COLOR, _layout, _share_axis
from proofdeck.data.spec import Nouns
from proofdeck.decisions.marginal import Slice
from proofdeck.words import wording as w
from proofdeck.words.safe_text import chart_text
from proofdeck.words.wording import TODAYS_RULE, Baseline

GAIN_COLOR = "#1a9b5a"
LOSS_COLOR = "#c8453b"


def marginal_value_figure(
    table: Sequence[Slice],
    current_share: float,
    rule_share: float,
    nouns: Nouns,
    currency: str,
    period: str = "",
    x_max: float = 1.0,
    against: Baseline = TODAYS_RULE,
) -> go.Figure:
    """Bars of marginal net value per slice against the share of examples acted on.

    Parameters
    ----------
    table : the slices from nobody to everyone (:func:`proofdeck.decisions.marginal.slice_table`).
    current_share, rule_share : the setting and today's rule's budget (or a random pick's) as
        shares of the examples, each marked by a vertical line.
    nouns, currency : the demo's words and money sign.
    period : " per quarter" or "" (:func:`proofdeck.words.wording.period_suffix`).
    x_max : the right end of the axis, as the other Decide charts use.
    """
    starts = np.array([piece.share_start for piece in table], dtype=float)
    widths = np.array([piece.share for piece in table], dtype=float)
    values = np.array([piece.value.estimate for piece in table], dtype=float)
    lows = np.array([piece.value.low for piece in table], dtype=float)
    highs = np.array([piece.value.high for piece in table], dtype=float)
    entities, cur = chart_text(nouns.entities), chart_text(currency)
    # Text for each bar's hover: "20% to 25% of customers: +$32.8k (95% range $1,491 to $64.1k)".
    hover = [chart_text(f"{w.share(piece.share_start)} to {w.share(piece.share_end)} of {nouns.entities}: "
                        f"{w.money(piece.value.estimate, currency, signed=True)} "
                        f"(95% range {w.range_text(piece.value.low, piece.value.high, 'money', currency)})")
             for piece in table]
    figure = go.Figure()
    figure.add_bar(
        x=starts + widths / 2, y=values, width=widths * 0.92, name="net value each slice adds",
        marker_color=[GAIN_COLOR if value >= 0 else LOSS_COLOR for value in values],
        error_y=dict(type="data", symmetric=False, array=np.clip(highs - values, 0, None),
                     arrayminus=np.clip(values - lows, 0, None), color="#1b2333", thickness=1.2, width=3),
        hovertext=hover, hovertemplate="%{hovertext}<extra></extra>", showlegend=False,
    )
    figure.add_hline(y=0, line=dict(color="#1b2333", width=1.5),
                     annotation_text="break-even", annotation_position="top right")
    figure.add_vline(x=current_share, line=dict(color="#1b2333", dash="dot", width=1.5),
                     annotation_text="your setting", annotation_position="top right")
    if np.isfinite(rule_share) and not np.isclose(rule_share, current_share):
        figure.add_vline(x=rule_share, line=dict(color=RULE_COLOR, dash="dash", width=1.5),
                         annotation_text=chart_text("random pick's size" if against.random else "rule's budget"),
                         annotation_position="top left", annotation_yshift=-18)
    title = chart_text(f"What each further {w.slice_share_text(widths[0]) if widths.size else '5%'} of "
                       f"{nouns.entities} adds to net value{period}")
    figure = _layout(figure, title, "", cur)
    figure.update_layout(hovermode="closest", bargap=0)
    if x_max < 1.0 and values.size:  # fit the y-axis to the bars shown, ranges included
        inside = starts < x_max
        shown = np.concatenate([lows[inside], highs[inside], values[inside], [0.0]])
        shown = shown[np.isfinite(shown)]
        pad = 0.08 * (shown.max() - shown.min() or 1.0)
        figure.update_yaxes(range=[shown.min() - pad, shown.max() + pad])
    return _share_axis(figure, x_max, f"share of {entities} {w.who(nouns.entities)} get {chart_text(w.a(nouns.action))}")
