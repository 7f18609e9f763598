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
