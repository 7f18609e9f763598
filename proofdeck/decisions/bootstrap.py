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


def _count_blocks(n: int, resamples: int, seed: int, relevant: int | None = None, chunk: int = _CHUNK):
    """Yield blocks of draw counts (rows: resamples, columns: examples), a chunk at a time.

    Each resample draws ``n`` examples with replacement. When only the first ``relevant``
    examples matter (the others add nothing to any sum), the draws that land on them are
    counted directly: how many land there is binomial, and where they land is uniform. The
    counts have exactly the same distribution, at a cost proportional to ``relevant``.
    """
    relevant = n if relevant is None else relevant
    rng = np.random.default_rng(seed)
    for start in range(0, resamples, chunk):
        size = min(chunk, resamples - start)
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


def sum_standard_error(linear, squares, examples):
    """Standard error of a sum over ``examples`` per-example amounts, from their sum and their
    sum of squares: sqrt(n) x the amounts' standard deviation (arrays broadcast)."""
    variance = np.clip(squares / examples - (linear / examples) ** 2, 0.0, None)
    return np.sqrt(examples * variance)


def studentized_ratios(gaps: np.ndarray, errors: np.ndarray) -> np.ndarray:
    """|resample - estimate| / the resample's own standard error; 0 where there is no gap, and
    infinite where a gap has no spread to measure it by."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(gaps == 0, 0.0, gaps / errors)


def studentized_interval(estimate: float, standard_error: float, samples: np.ndarray,
                         sample_errors: np.ndarray) -> Interval:
    """95% symmetric studentized (bootstrap-t) interval: estimate +/- q x its standard error,
    q being the 95th percentile of |resample - estimate| / the resample's own standard error.

    Money summed over a few large amounts (fraud losses) is skewed, and a resample that misses
    the large ones also looks less spread out; dividing by each resample's own spread corrects
    for that, where the plain percentile interval comes out too narrow (see
    docs/statistics.md for the coverage measured both ways).
    """
    samples = np.asarray(samples, dtype=float)
    errors = np.asarray(sample_errors, dtype=float)
    if not (np.isfinite(estimate) and np.isfinite(standard_error)) or samples.size == 0:
        return Interval(float(estimate), float("nan"), float("nan"))
    if standard_error <= 0:  # nothing to studentize by (e.g. no positive among the picks)
        return interval(estimate, samples)
    ratios = studentized_ratios(np.abs(samples - estimate), errors)
    ratios = ratios[~np.isnan(ratios)]
    if ratios.size == 0:
        return Interval(float(estimate), float("nan"), float("nan"))
    half = float(np.percentile(ratios, 95, method="higher")) * standard_error
    if not np.isfinite(half):
        return interval(estimate, samples)
    return Interval(float(estimate), float(estimate - half), float(estimate + half))


def relative_change(new: np.ndarray, old: np.ndarray) -> np.ndarray:
    """(new - old) / old, NaN where old is 0."""
    new, old = np.asarray(new, dtype=float), np.asarray(old, dtype=float)
    out = np.full(np.broadcast(new, old).shape, np.nan)
    np.divide(new - old, np.abs(old), out=out, where=old != 0)
    return out
