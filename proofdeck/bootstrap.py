"""How sure are we? Bootstrap the held-out set, vectorised with numpy, seeded.

Policies are fixed sets of flagged examples (the rule's flags, the model's top K). Each
resample draws n held-out examples with replacement; a policy's totals in that resample are
sums of per-example statistics weighted by how often each example was drawn, computed for all
resamples at once as a matrix product. The 2.5th and 97.5th percentiles give a 95% interval.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from proofdeck.outcomes import Totals, outcome_arrays
from proofdeck.spec import Economics

DEFAULT_RESAMPLES = 2000
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


def _count_blocks(n: int, resamples: int, seed: int):
    """Yield blocks of draw counts (rows: resamples, columns: examples), a chunk at a time."""
    rng = np.random.default_rng(seed)
    for start in range(0, resamples, _CHUNK):
        size = min(_CHUNK, resamples - start)
        draws = rng.integers(0, n, size=(size, n))
        flat = (draws + np.arange(size)[:, None] * n).ravel()
        yield np.bincount(flat, minlength=size * n).reshape(size, n)


def resample_counts(n: int, resamples: int, seed: int) -> np.ndarray:
    """How often each example is drawn in each resample: an array (resamples, n)."""
    blocks = list(_count_blocks(n, resamples, seed))
    return np.vstack(blocks) if blocks else np.zeros((0, n), dtype=np.int64)


def bootstrap_outcomes(
    policies: dict[str, np.ndarray],
    labels: np.ndarray,
    values: np.ndarray,
    economics: Economics,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = 0,
) -> dict[str, dict[str, np.ndarray]]:
    """Outcome arrays (one entry per resample) for each named policy.

    Parameters
    ----------
    policies : name -> boolean flags over the held-out examples.
    labels, values : held-out outcomes and per-example values.
    """
    labels = np.asarray(labels, dtype=bool)
    values = np.asarray(values, dtype=float)
    n = labels.size
    names = list(policies)
    columns = [labels.astype(float), values * labels]
    for name in names:
        flags = np.asarray(policies[name], dtype=bool)
        columns += [flags.astype(float), (flags & labels).astype(float), values * (flags & labels)]
    stats = np.column_stack(columns)  # (n, 2 + 3 * policies)
    blocks = [counts @ stats for counts in _count_blocks(n, resamples, seed)]
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
# possible: weights for a block of examples come from their own seeded stream, so block sums
# can be stored once as prefix sums, and a look-up only regenerates the one block it cuts into.

_BLOCK = 256
_UNIFORM_LEVELS = 1 << 16


def _poisson_table() -> np.ndarray:
    """Poisson(1) counts by inverse CDF over 2**16 equally likely levels (error < 1e-5)."""
    from math import exp, factorial

    cdf = np.cumsum([exp(-1.0) / factorial(k) for k in range(12)])
    levels = (np.arange(_UNIFORM_LEVELS) + 0.5) / _UNIFORM_LEVELS
    return np.searchsorted(cdf, levels, side="right").astype(np.float32)


_POISSON = _poisson_table()


class TopKBootstrap:
    """95% intervals for the model acting on its top ``k`` held-out examples, for any ``k``.

    Like :func:`bootstrap_outcomes` the policy is fixed (the examples flagged in the held-out
    data) and the held-out data are redrawn; each resample's totals go through
    :func:`~proofdeck.outcomes.outcome_arrays`, so any economics can be priced after the fact.
    Percentile intervals follow the skew of the money (a few large values) and can never leave
    what is possible (value won is never below 0).

    Parameters
    ----------
    order : positions of the held-out examples from highest to lowest score
        (``ThresholdSweep.order``).
    labels, values : held-out outcomes and per-example values, in the input order.
    resamples, seed : bootstrap settings; seeded, so every look-up is reproducible.
    """

    def __init__(self, order: np.ndarray, labels: np.ndarray, values: np.ndarray,
                 resamples: int = 1000, seed: int = 0):
        order = np.asarray(order)
        self.resamples, self.seed = int(resamples), int(seed)
        self.size = order.size
        labels = np.asarray(labels, dtype=float)[order]
        worth = np.asarray(values, dtype=float)[order] * labels
        # Columns: acted on (1), positive (label), positive value (value * label), sorted.
        self._stats = np.column_stack([np.ones(self.size), labels, worth]).astype(np.float64)
        blocks = -(-self.size // _BLOCK)
        sums = np.zeros((blocks + 1, self.resamples, 3))
        for block in range(blocks):
            start = block * _BLOCK
            sums[block + 1] = self._weights(block) @ self._stats[start : start + _BLOCK]
        self._prefix = np.cumsum(sums, axis=0)  # prefix[b]: sums over the first b blocks

    def _weights(self, block: int) -> np.ndarray:
        width = min(_BLOCK, self.size - block * _BLOCK)
        rng = np.random.default_rng([self.seed, block])
        return _POISSON[rng.integers(0, _UNIFORM_LEVELS, size=(self.resamples, width), dtype=np.uint16)]

    def sums_at(self, count: int) -> np.ndarray:
        """Per resample, (acted on, positives reached, their value) for the top ``count``:
        an array (resamples, 3)."""
        count = int(min(max(count, 0), self.size))
        block, inside = divmod(count, _BLOCK)
        total = self._prefix[block].copy()
        if inside:
            start = block * _BLOCK
            total += self._weights(block)[:, :inside] @ self._stats[start : start + inside]
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
