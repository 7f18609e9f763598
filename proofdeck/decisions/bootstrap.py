"""How sure are we? Bootstrap the held-out set, vectorised with numpy, seeded.

Policies are fixed sets of flagged examples (the rule's flags, the model's top K), or weights
(a random pick: the chance of acting on each example). Each resample draws n held-out examples
with replacement; a policy's totals in that resample are sums of per-example statistics
weighted by how often each example was drawn, computed for all resamples at once as a matrix
product. The 2.5th and 97.5th percentiles give a 95% interval.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from proofdeck.data.spec import Economics
from proofdeck.decisions.outcomes import Totals, outcome_arrays, policy_weights

DEFAULT_RESAMPLES = 2000
MIN_RESAMPLES = 400
_PAIRED_WORK = 40_000_000  # resamples x relevant rows: about a second, even at a million rows


def resamples_for(relevant: int) -> int:
    """Resamples for a bootstrap touching ``relevant`` rows: 2,000 for demos of ordinary size,
    fewer (never under 400) when the rows are so many that 2,000 would take many seconds."""
    return int(min(DEFAULT_RESAMPLES, max(MIN_RESAMPLES, _PAIRED_WORK // max(relevant, 1))))
_CHUNK = 250


@dataclass(frozen=True)
class Interval:
    """A point estimate with its 95% bootstrap interval."""

    estimate: float
    low: float
    high: float

    @property
    def excludes_zero(self) -> bool:
        return self.low > 0 or self.high < 0

    def contains(self, value: float) -> bool:
        return self.low <= value <= self.high


def _count_blocks(n: int, resamples: int, seed: int, relevant: int | None = None):
    """Yield blocks of draw counts (rows: resamples, columns: examples), a chunk at a time.

    Each resample draws ``n`` examples with replacement. When only the first ``relevant``
    examples matter (the others add nothing to any sum), the draws that land on them are
    counted directly: how many land there is binomial, and where they land is uniform. The
    counts have exactly the same distribution, at a cost proportional to ``relevant``.
    """
    relevant = n if relevant is None else relevant
    rng = np.random.default_rng(seed)
    for start in range(0, resamples, _CHUNK):
        size = min(_CHUNK, resamples - start)
        if relevant == 0:
            yield np.zeros((size, 0), dtype=np.int64)
            continue
        landed = rng.binomial(n, relevant / n, size=size) if relevant < n else np.full(size, n)
        draws = rng.integers(0, relevant, size=int(landed.sum()))
        owner = np.repeat(np.arange(size), landed)
        yield np.bincount(owner * relevant + draws, minlength=size * relevant).reshape(size, relevant)


def bootstrap_outcomes(
    policies: dict[str, np.ndarray],
    labels: np.ndarray,
    values: np.ndarray,
    economics: Economics,
    resamples: int | None = None,
    seed: int = 0,
) -> dict[str, dict[str, np.ndarray]]:
    """Outcome arrays (one entry per resample) for each named policy.

    Parameters
    ----------
    policies : name -> boolean flags over the held-out examples, or weights (the chance of
        acting on each, :func:`~proofdeck.decisions.outcomes.policy_weights`). A random pick of
        k of n is the weight k / n on every example: in each resample its totals are then what
        a random pick of that resample reaches on average, paired with the other policies.
    labels, values : held-out outcomes and per-example values.
    resamples : how many (by default :func:`resamples_for` the rows that matter).
    """
    labels = np.asarray(labels, dtype=bool)
    values = np.asarray(values, dtype=float)
    n = labels.size
    names = list(policies)
    columns = [labels.astype(float), values * labels]
    for name in names:
        weights = policy_weights(policies[name])  # flags become 1.0 and 0.0: the same sums
        columns += [weights, weights * labels, values * (weights * labels)]
    stats = np.column_stack(columns)  # (n, 2 + 3 * policies)
    # Rows neither positive nor flagged by any policy add nothing: resample only the others.
    stats = stats[np.any(stats != 0, axis=1)]
    if resamples is None:
        resamples = resamples_for(len(stats))
    blocks = [counts @ stats for counts in _count_blocks(n, resamples, seed, relevant=len(stats))]
    sums = np.vstack(blocks) if blocks else np.zeros((0, stats.shape[1]))
    totals = Totals(examples=n, positives=sums[:, 0], positive_value=sums[:, 1])
    result = {}
    for index, name in enumerate(names):
        actions, reached, value_reached = sums[:, 2 + 3 * index : 5 + 3 * index].T
        result[name] = outcome_arrays(actions, reached, value_reached, totals, economics)
    return result


def interval(estimate: float, samples: np.ndarray) -> Interval:
    """95% percentile interval of bootstrap samples around a point estimate (NaNs ignored)."""
    finite = np.asarray(samples, dtype=float)
    finite = finite[np.isfinite(finite)]
    if finite.size == 0:
        return Interval(estimate, float("nan"), float("nan"))
    low, high = np.percentile(finite, [2.5, 97.5])
    return Interval(float(estimate), float(low), float(high))


def relative_change(new: np.ndarray, old: np.ndarray) -> np.ndarray:
    """(new - old) / old, NaN where old is 0."""
    new, old = np.asarray(new, dtype=float), np.asarray(old, dtype=float)
    out = np.full(np.broadcast(new, old).shape, np.nan)
    np.divide(new - old, np.abs(old), out=out, where=old != 0)
    return out


# --- the model's top k, at any k ---------------------------------------------------------------
# The Decide slider can land on any count, so its intervals must cost next to nothing per
# look-up. A Poisson bootstrap (each example drawn Poisson(1) times, independently) makes that
# possible. Examples are taken in blocks, in score order. A block's total draws are Poisson
# (its width); only when the block holds a positive, or a look-up cuts into it, are those draws
# spread over its examples (uniformly: the Poisson process property, so the result is exact).
# Every block has its own seeded streams, so any look-up regenerates the same draws.

_BLOCK = 64
_WORK_BUDGET = 30_000_000  # resamples x examples spread one by one, kept near a second


class TopKBootstrap:
    """95% intervals for the model acting on its top ``k`` held-out examples, for any ``k``.

    Like :func:`bootstrap_outcomes` the policy is fixed (the examples flagged in the held-out
    data) and the held-out data are redrawn; each resample's totals go through
    :func:`~proofdeck.decisions.outcomes.outcome_arrays`, so any economics can be priced after the fact.
    Percentile intervals follow the skew of the money (a few large values) and can never leave
    what is possible (value won is never below 0).

    Parameters
    ----------
    order : positions of the held-out examples from highest to lowest score
        (``ThresholdSweep.order``).
    labels, values : held-out outcomes and per-example values, in the input order.
    resamples : how many; by default 1,000, fewer (never under 300) when the positives are
        so many that spreading the draws would take more than about a second.
    seed : seeded, so every look-up is reproducible.
    """

    def __init__(self, order: np.ndarray, labels: np.ndarray, values: np.ndarray,
                 resamples: int | None = None, seed: int = 0):
        order = np.asarray(order)
        self.size, self.seed = order.size, int(seed)
        positive = np.asarray(labels, dtype=bool)[order]
        self._worth = np.asarray(values, dtype=float)[order] * positive
        self._positive = positive.astype(float)
        self._blocks = -(-self.size // _BLOCK)
        starts = np.arange(self._blocks) * _BLOCK
        has_positive = np.add.reduceat(positive, starts) > 0 if self.size else np.zeros(0, bool)
        spread = int(has_positive.sum()) * _BLOCK
        self.resamples = int(resamples or min(1000, max(300, _WORK_BUDGET // max(spread, 1))))
        sums = np.zeros((self._blocks + 1, self.resamples, 3))
        for block in range(self._blocks):
            totals = self._totals(block)
            sums[block + 1, :, 0] = totals
            if has_positive[block]:
                sums[block + 1, :, 1:] = self._within(block, totals, self._width(block))[:, 1:]
        self._prefix = np.cumsum(sums, axis=0)  # prefix[b]: sums over the first b blocks

    def _width(self, block: int) -> int:
        return min(_BLOCK, self.size - block * _BLOCK)

    def _totals(self, block: int) -> np.ndarray:
        """Each resample's draws in the block: Poisson with mean its width."""
        return np.random.default_rng([self.seed, block, 0]).poisson(self._width(block), size=self.resamples)

    def _within(self, block: int, totals: np.ndarray, upto: int) -> np.ndarray:
        """(acted on, positives, their value) over the block's first ``upto`` examples, per
        resample, with the block's draws spread uniformly over its examples."""
        width, start = self._width(block), block * _BLOCK
        rng = np.random.default_rng([self.seed, block, 1])
        owner = np.repeat(np.arange(self.resamples), totals)
        where = rng.integers(0, width, size=owner.size)
        counts = np.bincount(owner * width + where, minlength=self.resamples * width).reshape(self.resamples, width)
        part = counts[:, :upto].astype(float)
        inside = slice(start, start + upto)
        return np.column_stack([part.sum(axis=1), part @ self._positive[inside], part @ self._worth[inside]])

    def sums_at(self, count: int) -> np.ndarray:
        """Per resample, (acted on, positives reached, their value) for the top ``count``:
        an array (resamples, 3)."""
        count = int(min(max(count, 0), self.size))
        block, inside = divmod(count, _BLOCK)
        total = self._prefix[block].copy()
        if inside:
            total += self._within(block, self._totals(block), inside)
        return total

    def outcomes_at(self, count: int, economics: Economics) -> dict[str, np.ndarray]:
        """Outcome arrays (one entry per resample) of acting on the top ``count``."""
        acted, reached, value = self.sums_at(count).T
        everyone = self._prefix[-1]
        totals = Totals(examples=self.size, positives=everyone[:, 1], positive_value=everyone[:, 2])
        return outcome_arrays(acted, reached, value, totals, economics)

    def intervals_at(self, count: int, economics: Economics, estimates: dict[str, float],
                     figures: tuple[str, ...] = ("reached", "value_won", "net_value")) -> dict[str, Interval]:
        """95% intervals of some outcome figures, around the given point estimates."""
        samples = self.outcomes_at(count, economics)
        return {name: interval(estimates[name], samples[name]) for name in figures}
