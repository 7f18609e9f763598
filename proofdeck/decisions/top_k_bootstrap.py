"""The Decide slider's intervals: the model acting on its top k, for any k, at next to no cost.

The slider can land on any count, so its intervals must cost next to nothing per look-up. A
Poisson bootstrap (each held-out example drawn Poisson(1) times, independently) makes that
possible. Examples are taken in blocks, in score order. A block's total draws are Poisson (its
width); only when the block holds a positive, or a look-up cuts into it, are those draws spread
over its examples (uniformly: the Poisson process property, so the result is exact). Every
block's spreading has its own seeded stream, so any look-up regenerates the same draws.

The slider fixes how many examples are acted on per period, so every resample does too: a
resample of N draws acts on its first ``k x N / n`` draws by score, and its sums are put back on
the held-out scale (times n / N). The number reached then varies only with *who* is among the
top, as it would on new data at that setting.
"""

from __future__ import annotations

import numpy as np

from proofdeck.data.spec import Economics
from proofdeck.decisions.bootstrap import Interval, interval, studentized_interval, sum_standard_error
from proofdeck.decisions.outcomes import Totals, outcome_arrays
from proofdeck.decisions.paired import first_draws

_BLOCK = 64
_WORK_BUDGET = 30_000_000  # resamples x examples spread one by one, kept near a second
# Per-example columns summed in every resample: a draw, a positive, its value, value squared.
_DRAWS, _POSITIVES, _VALUE, _SQUARES = range(4)
# Money figures get a studentized interval (skewed sums); counts and shares a percentile one.
_STUDENTIZED = ("value_won", "net_value")


class TopKBootstrap:
    """95% intervals for the model acting on its top ``k`` held-out examples, for any ``k``.

    Each resample's totals go through :func:`~proofdeck.decisions.outcomes.outcome_arrays`, so
    any economics can be priced after the fact.

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
        value = np.asarray(values, dtype=float)[order] * positive
        self._columns = np.column_stack([np.ones(self.size), positive, value, value**2])
        self._blocks = -(-self.size // _BLOCK)
        starts = np.arange(self._blocks) * _BLOCK
        self._has_positive = np.add.reduceat(positive, starts) > 0 if self.size else np.zeros(0, bool)
        spread = int(self._has_positive.sum()) * _BLOCK
        self.resamples = int(resamples or min(1000, max(300, _WORK_BUDGET // max(spread, 1))))
        # Each resample's draws in each block: Poisson with mean the block's width (one stream).
        widths = np.minimum(_BLOCK, self.size - starts)
        self._block_draws = np.random.default_rng([self.seed, 0]).poisson(
            widths[:, None], size=(self._blocks, self.resamples)).astype(np.int32)
        sums = np.zeros((self._blocks + 1, self.resamples, 4))
        for block in range(self._blocks):
            if self._has_positive[block]:
                sums[block + 1] = self._counts(block) @ self._columns[self._rows(block)]
            else:
                sums[block + 1, :, _DRAWS] = self._totals(block)
        self._prefix = np.cumsum(sums, axis=0)  # prefix[b]: sums over the first b blocks
        self.draws = self._prefix[-1, :, _DRAWS]  # each resample's size
        self._stretch = self.size / np.maximum(self.draws, 1)  # back to the held-out scale
        self._everyone = self._prefix[-1] * self._stretch[:, None]  # each resample's totals
        # The held-out set's own sums over its top k, for any k (its standard errors).
        self._own_prefix = np.vstack([np.zeros((1, 4)), np.cumsum(self._columns, axis=0)])

    def _rows(self, block: int) -> slice:
        return slice(block * _BLOCK, min((block + 1) * _BLOCK, self.size))

    def _totals(self, block: int) -> np.ndarray:
        """Each resample's draws in the block."""
        return self._block_draws[block]

    def _counts(self, block: int) -> np.ndarray:
        """Each resample's draws of each example in the block (resamples x width), the block's
        draws spread uniformly over its examples."""
        rows = self._rows(block)
        width = rows.stop - rows.start
        totals = self._totals(block)
        owner = np.repeat(np.arange(self.resamples), totals)
        where = np.random.default_rng([self.seed, block, 1]).integers(0, width, size=owner.size)
        return np.bincount(owner * width + where, minlength=self.resamples * width).reshape(
            self.resamples, width).astype(float)

    def _first_draws(self, target: np.ndarray) -> np.ndarray:
        """Per resample, the column sums over its first ``target`` draws in score order."""
        cumulative = self._prefix[:, :, _DRAWS]  # (blocks + 1, resamples)
        block = np.minimum((cumulative <= target[None, :] + 1e-9).sum(axis=0) - 1, max(self._blocks - 1, 0))
        resample = np.arange(self.resamples)
        total = self._prefix[block, resample].copy()
        left = target - total[:, _DRAWS]
        for cut in np.unique(block[left > 1e-9]):
            inside = np.flatnonzero((block == cut) & (left > 1e-9))
            if self._has_positive[cut]:
                counts = self._counts(cut)[inside]
                total[inside] += first_draws(counts, left[inside], self._columns[self._rows(cut)])
            else:
                total[inside, _DRAWS] += left[inside]
        return total

    def sums_at(self, count: int) -> np.ndarray:
        """Per resample, (acted on, positives reached, their value, value squared) for the
        top ``count`` by score, the acted-on count held at ``count`` (on the held-out scale):
        an array (resamples, 4)."""
        count = int(min(max(count, 0), self.size))
        if self.size == 0:
            return np.zeros((self.resamples, 4))
        # A redraw of N draws acts on k x N / n of them (none when, with a handful of held-out
        # examples, it drew none at all).
        sums = self._first_draws(count * self.draws / self.size)
        return sums * self._stretch[:, None]

    def own_sums_at(self, count: int) -> np.ndarray:
        """The held-out set's own (acted on, positives reached, their value, value squared) over
        its top ``count`` by score: an array (4,)."""
        return self._own_prefix[int(min(max(count, 0), self.size))].copy()

    def _totals_per_resample(self) -> Totals:
        everyone = self._everyone
        return Totals(examples=self.size, positives=everyone[:, _POSITIVES], positive_value=everyone[:, _VALUE])

    def outcomes_at(self, count: int, economics: Economics) -> dict[str, np.ndarray]:
        """Outcome arrays (one entry per resample) of acting on the top ``count``."""
        acted, reached, value, _ = self.sums_at(count).T
        return outcome_arrays(acted, reached, value, self._totals_per_resample(), economics)

    def _standard_errors(self, economics: Economics, sums: np.ndarray, totals: np.ndarray,
                         examples: np.ndarray) -> dict[str, np.ndarray]:
        """Standard errors of value won and net value at ``count``, from sums over the top
        and over everyone (one row per resample, or one row for the held-out set)."""
        scale = economics.scale_for(self.size)
        win, miss = economics.win_rate, economics.cost_per_miss
        if economics.value_column:
            top_value, top_squares = sums[:, _VALUE], sums[:, _SQUARES]
        else:
            top_value = economics.value_per_won * sums[:, _POSITIVES]
            top_squares = economics.value_per_won**2 * sums[:, _POSITIVES]
        missed = totals[:, _POSITIVES] - sums[:, _POSITIVES]
        # Per example: win x value if in the top and a positive; -miss cost if a positive left out.
        shapes = {
            "value_won": (scale * win * top_value, scale**2 * win**2 * top_squares),
            "net_value": (scale * (win * top_value - miss * missed),
                          scale**2 * (win**2 * top_squares + miss**2 * missed)),
        }
        return {name: sum_standard_error(linear, square, examples) for name, (linear, square) in shapes.items()}

    def intervals_at(self, count: int, economics: Economics, estimates: dict[str, float],
                     figures: tuple[str, ...] = ("reached", "value_won", "net_value")) -> dict[str, Interval]:
        """95% intervals of some outcome figures, around the given point estimates.

        Value won and net value are sums of a few large amounts where values are skewed, so
        their intervals are studentized; value won never goes below 0.
        """
        count = int(min(max(count, 0), self.size))
        sums = self.sums_at(count)
        samples = outcome_arrays(*sums[:, :3].T, self._totals_per_resample(), economics)
        errors = self._standard_errors(economics, sums, self._everyone, np.full(self.resamples, float(self.size)))
        own = self._standard_errors(economics, self._own_prefix[count][None, :], self._own_prefix[-1][None, :],
                                    np.array([float(self.size)]))
        result = {}
        for name in figures:
            if name in _STUDENTIZED:
                found = studentized_interval(estimates[name], float(own[name][0]), samples[name], errors[name])
                if name == "value_won":
                    found = Interval(found.estimate, max(found.low, 0.0), found.high)
                result[name] = found
            else:
                result[name] = interval(estimates[name], samples[name])
        return result
