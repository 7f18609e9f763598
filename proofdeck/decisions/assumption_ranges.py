"""How far off could the money assumptions be? A range for each, and an interval counting both.

The 95% interval of a same-budget comparison covers the luck of the held-out sample at the
assumed money. But a win rate is a guess before a test, and halving or doubling it moves the
answer more than the sample does. So each money assumption has a range: low, likely (the
assumed figure) and high. A spec may state them (``win_rate_range = [0.2, 0.45]`` under
``[economics]``); otherwise they are guesses around the assumed figure (GUESSED_SPREAD), and
every page says so.

The combined interval is Monte Carlo: each bootstrap resample of the held-out data is priced
with money drawn from the ranges (a triangular distribution: most likely at the assumed figure,
tapering to the ends), and the 2.5th and 97.5th percentiles of those differences are taken.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from proofdeck.data.spec import ASSUMABLE, ECONOMICS_BOUNDS, Economics

# When nobody gave a range: low and high as multiples of the assumed figure. Win rates are the
# least known before a test (an offer may keep half or half again as many as hoped); costs are
# usually known to about a fifth, values per customer to about a quarter.
GUESSED_SPREAD: dict[str, tuple[float, float]] = {
    "cost_per_action": (0.8, 1.25),
    "value_per_won": (0.75, 1.25),
    "win_rate": (0.5, 1.5),
    "fixed_cost": (0.8, 1.25),
    "cost_per_miss": (0.5, 1.5),
}


@dataclass(frozen=True)
class Range:
    """One money assumption's range; ``guessed`` when nobody stated it."""

    field: str
    low: float
    likely: float
    high: float
    guessed: bool

    @property
    def fixed(self) -> bool:
        return self.low == self.high


def assumption_ranges(economics: Economics) -> tuple[Range, ...]:
    """The range of every money assumption in use (value per won is skipped when each example
    carries its own value; a figure of 0 with no stated range stays 0)."""
    stated = {field: (low, high) for field, low, high in economics.ranges}
    found = []
    for field in ASSUMABLE:
        if field == "value_per_won" and economics.value_column:
            continue
        likely = float(getattr(economics, field))
        if field in stated:
            low, high = stated[field]
            guessed = False
        else:
            low_times, high_times = GUESSED_SPREAD[field]
            low, high, guessed = likely * low_times, likely * high_times, True
        bottom, top = ECONOMICS_BOUNDS[field]
        # The assumed figure always lies inside its own range; no end leaves what is possible.
        low, high = max(min(low, likely), bottom), min(max(high, likely), top)
        if low == high == likely and guessed:
            continue
        found.append(Range(field, float(low), likely, float(high), guessed))
    return tuple(found)


def sampled_economics(economics: Economics, size: int, seed: int = 0) -> Economics:
    """The economics with every ranged money field replaced by ``size`` seeded draws from its
    triangular distribution (arrays that the outcome formulas broadcast over resamples)."""
    rng = np.random.default_rng([seed, 17])
    draws = {}
    for item in assumption_ranges(economics):
        if item.fixed:
            continue
        draws[item.field] = rng.triangular(item.low, item.likely, item.high, size=size)
    return replace(economics, **draws)


ASSUMPTION_LABELS = {
    "cost_per_action": "cost per {action}",
    "value_per_won": "value per {won}",
    "win_rate": "share of reached {positives} won",
    "fixed_cost": "fixed cost",
    "cost_per_miss": "cost per {positive} missed",
}
