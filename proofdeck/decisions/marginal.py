"""What the next slice of examples is worth: the marginal net value of acting on 5% more.

The model's setting is a count ``k`` of held-out examples (its top ``k`` by score). A *slice*
is 5% of the held-out examples, rounded to the nearest whole example and at least 1
(:func:`slice_size`). The marginal net value of acting on the slice ``(a, b]`` (the examples
ranked ``a + 1`` to ``b``) is ``net_value(b) - net_value(a)``, per period as the pages show
net value: the fixed cost cancels except on a slice starting at nobody (``a = 0``), where it is
what starting the programme at all costs.

Its 95% interval comes from the same resamples as the Decide page's other ranges
(:class:`~proofdeck.decisions.top_k_bootstrap.TopKBootstrap`): within each resample the
difference of its net value at ``b`` and at ``a``, so the interval is of the difference (the
two ends move together), not two intervals subtracted. Net value gets a studentized interval
there, so the difference does too: per example in the slice, a positive adds
``win rate x its value + the cost of a miss``; the spend of the slice is fixed by the count.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from proofdeck.data.spec import Economics
from proofdeck.decisions.bootstrap import Interval, studentized_interval, sum_standard_error
from proofdeck.decisions.sweep import ThresholdSweep
from proofdeck.decisions.top_k_bootstrap import TopKBootstrap

SLICE_SHARE = 0.05
# Columns of TopKBootstrap's sums: examples, positives, their value, value squared.
_EXAMPLES, _POSITIVES, _VALUE, _SQUARES = range(4)


@dataclass(frozen=True)
class Slice:
    """The examples ranked ``start + 1`` to ``end`` by score, and what acting on them adds.

    Attributes
    ----------
    start, end : held-out counts, ``start < end``.
    size : held-out examples in all (the share's denominator).
    actions : actions the slice adds per period (scaled to the population).
    value : its marginal net value per period with the 95% interval of that difference.
    """

    start: int
    end: int
    size: int
    actions: float
    value: Interval

    @property
    def share(self) -> float:
        """The slice's share of all examples."""
        return (self.end - self.start) / self.size

    @property
    def share_start(self) -> float:
        return self.start / self.size

    @property
    def share_end(self) -> float:
        return self.end / self.size

    @property
    def sign(self) -> int:
        """+1 when the slice adds net value for sure (95%), -1 when it loses it, 0 when its
        range spans zero."""
        if self.value.low > 0:
            return 1
        if self.value.high < 0:
            return -1
        return 0


def slice_size(size: int) -> int:
    """Examples in a slice: 5% of ``size`` held-out examples, rounded half up, at least 1.

    >>> slice_size(3000), slice_size(30), slice_size(10), slice_size(0)
    (150, 2, 1, 1)
    """
    return max(1, math.floor(SLICE_SHARE * size + 0.5))


def _difference_error(sums: np.ndarray, economics: Economics, scale: float) -> np.ndarray:
    """Standard error of a slice's net value from its sums (rows: resamples, or one row for the
    held-out set): each positive in the slice adds ``win x value + miss cost``, others 0.

    The slice always holds the same number of examples (the slider fixes the count), so its
    spread is that of a sum over the slice's own examples, not over all n: over all n, whether
    an example falls in the slice would count as chance too, and the range came out too wide
    (98% coverage on the churn-like world, docs/statistics.md).
    """
    win, miss = economics.win_rate, economics.cost_per_miss
    positives = sums[:, _POSITIVES]
    if economics.value_column:
        value, squares = sums[:, _VALUE], sums[:, _SQUARES]
    else:
        value, squares = economics.value_per_won * positives, economics.value_per_won**2 * positives
    linear = scale * (win * value + miss * positives)
    square = scale**2 * (win**2 * squares + 2 * win * miss * value + miss**2 * positives)
    return sum_standard_error(linear, square, np.maximum(sums[:, _EXAMPLES], 1.0))


def slice_value(sweep: ThresholdSweep, bootstrap: TopKBootstrap, start: int, end: int,
                economics: Economics) -> Slice:
    """The marginal net value of acting on the examples ranked ``start + 1`` to ``end``.

    Parameters
    ----------
    sweep : the held-out scores prepared for look-ups (the point estimate).
    bootstrap : its resamples (``TopKBootstrap(sweep.order, labels, values)``, as pages build it).
    start, end : held-out counts, clipped to 0..n; ``start < end``.
    economics : the assumptions (per period, scaled with ``economics.scale_for``).

    Returns
    -------
    The slice, its estimate ``net_value(end) - net_value(start)`` and the 95% interval of that
    difference, studentized as the page's net value range is.
    """
    size = sweep.size
    start, end = int(min(max(start, 0), size)), int(min(max(end, 0), size))
    if not start < end:
        raise ValueError("a slice needs start < end")
    low_out, high_out = sweep.outcome_at_count(start, economics), sweep.outcome_at_count(end, economics)
    estimate = high_out.net_value - low_out.net_value
    samples = (bootstrap.outcomes_at(end, economics)["net_value"]
               - bootstrap.outcomes_at(start, economics)["net_value"])
    scale = economics.scale_for(size)
    errors = _difference_error(bootstrap.sums_at(end) - bootstrap.sums_at(start), economics, scale)
    own = _difference_error((bootstrap.own_sums_at(end) - bootstrap.own_sums_at(start))[None, :], economics, scale)
    found = studentized_interval(estimate, float(own[0]), samples, errors)
    return Slice(start, end, size, high_out.actions - low_out.actions, found)


def next_slice(sweep: ThresholdSweep, bootstrap: TopKBootstrap, count: int, economics: Economics) -> Slice | None:
    """The slice after the setting ``count``: the next 5% (or what is left, when less); at the
    right end (everyone acted on), the last 5% instead. None when there are no examples."""
    size = sweep.size
    if size == 0:
        return None
    count, step = int(min(max(count, 0), size)), slice_size(size)
    if count >= size:
        return slice_value(sweep, bootstrap, max(size - step, 0), size, economics)
    return slice_value(sweep, bootstrap, count, min(count + step, size), economics)


def slice_table(sweep: ThresholdSweep, bootstrap: TopKBootstrap, economics: Economics) -> tuple[Slice, ...]:
    """Every slice from nobody to everyone: (0, s], (s, 2s], ..., the last one ending at n
    (shorter when s does not divide n)."""
    size = sweep.size
    edges = list(range(0, size, slice_size(size))) + [size] if size else []
    return tuple(slice_value(sweep, bootstrap, a, b, economics) for a, b in zip(edges[:-1], edges[1:]))


def break_even(table: tuple[Slice, ...]) -> Slice | None:
    """The first slice whose marginal net value is below zero: adding examples stops paying at
    its start (0 when even the first slice loses); None when every slice adds net value."""
    return next((piece for piece in table if piece.value.estimate < 0), None)
