"""The decision curve's exchange rate in the demo's words.

A threshold probability ``pt`` says one wasted action costs ``pt / (1 - pt)`` of a reached
positive: acting still pays with up to ``(1 - pt) / pt`` unneeded actions per positive reached.
"""

from __future__ import annotations

import math

from proofdeck.data.spec import Nouns
from proofdeck.words.wording import DASH


def per_hit(pt: float) -> float:
    """Unneeded actions per reached positive that still break even at ``pt``: ``(1 - pt) / pt``.

    Examples
    --------
    >>> per_hit(0.2), per_hit(0.5), per_hit(0.75)
    (4.0, 1.0, 0.333...)
    """
    return (1.0 - pt) / pt


def _number(value: float) -> str:
    """1 decimal below 10 (3.5), whole above (24); no trailing ".0"."""
    text = f"{value:,.1f}" if value < 10 else f"{value:,.0f}"
    return text[:-2] if text.endswith(".0") else text


def exchange_text(pt: float, nouns: Nouns) -> str:
    """The exchange rate at ``pt`` as a plain sentence fragment.

    Examples
    --------
    >>> from proofdeck.data.spec import Nouns
    >>> churn = Nouns("customer", "customers", "churner", "churners", "", "retention offer",
    ...               "retention offers", "send an offer to", "churn risk", "customer kept", "customers kept")
    >>> exchange_text(2 / 9, churn)
    'up to 3.5 unneeded retention offers per churner reached are acceptable'
    >>> exchange_text(0.5, churn)
    'one unneeded retention offer per churner reached is acceptable'
    >>> exchange_text(0.8, churn)
    'one unneeded retention offer per 4 churners reached is acceptable'
    """
    if not (0 < pt < 1) or not math.isfinite(pt):
        return DASH
    ratio = per_hit(pt)
    if math.isclose(ratio, 1.0, rel_tol=1e-9):
        return f"one unneeded {nouns.action} per {nouns.positive} reached is acceptable"
    if ratio > 1:
        return f"up to {_number(ratio)} unneeded {nouns.actions} per {nouns.positive} reached are acceptable"
    return f"one unneeded {nouns.action} per {_number(1 / ratio)} {nouns.positives} reached is acceptable"


def short_exchange(pt: float) -> str:
    """The exchange rate as a tick label: "3.5 : 1" (unneeded actions to one reached positive)."""
    if not (0 < pt < 1):
        return DASH
    ratio = per_hit(pt)
    return f"{_number(ratio)} : 1" if ratio >= 1 else f"1 : {_number(1 / ratio)}"
