"""Every threshold at once: sort the held-out scores once, then answer by binary search.

The policy at threshold ``t`` acts on every example whose score is ``>= t``. Sorting the
scores in descending order and keeping cumulative sums of positives and of their value means
that the outcome at any threshold is a ``searchsorted`` (O(log n)) plus a few multiplications.
Operating points are only possible at "cuts", between two distinct scores.
"""

from __future__ import annotations

import math

import numpy as np

from proofdeck.outcomes import Outcome, Totals, outcome_arrays
from proofdeck.spec import Economics


class ThresholdSweep:
    """Held-out scores, labels and values, prepared for instant threshold look-ups.

    Parameters
    ----------
    scores : model scores (higher means more likely positive).
    labels : True for positives.
    values : per-example money value (1.0 each when the spec has no value column).
    """

    def __init__(self, scores: np.ndarray, labels: np.ndarray, values: np.ndarray | None = None):
        scores = np.asarray(scores, dtype=float)
        labels = np.asarray(labels, dtype=bool)
        values = np.ones(scores.size) if values is None else np.asarray(values, dtype=float)
        if not (scores.shape == labels.shape == values.shape) or scores.ndim != 1:
            raise ValueError("scores, labels and values must be 1-d arrays of the same length")
        if np.isnan(scores).any():
            raise ValueError("scores must not contain NaN")
        order = np.argsort(-scores, kind="stable")
        self.order = order
        self.scores_desc = scores[order]
        self._scores_asc = np.ascontiguousarray(self.scores_desc[::-1])
        self.cum_reached = np.concatenate([[0], np.cumsum(labels[order])])
        self.cum_value = np.concatenate([[0.0], np.cumsum((values * labels)[order])])
        # Sums of squares make a 95% margin possible at any cut in O(1) (see margins_at).
        self.cum_value_sq = np.concatenate([[0.0], np.cumsum((values**2 * labels)[order])])
        self.totals = Totals.of(labels, values)
        n = scores.size
        # A cut after position k is possible where the next score differs (or at the ends).
        boundary = np.flatnonzero(self.scores_desc[:-1] > self.scores_desc[1:]) + 1
        self.cut_counts = np.concatenate([[0], boundary, [n]]) if n else np.array([0])
        self.cut_thresholds = np.concatenate(
            [[np.inf], self.scores_desc[self.cut_counts[1:] - 1]]
        )

    @property
    def size(self) -> int:
        return self.scores_desc.size

    # --- look-ups --------------------------------------------------------------------------

    def count_at(self, threshold: float) -> int:
        """How many examples score at or above the threshold."""
        return int(self.size - np.searchsorted(self._scores_asc, threshold, side="left"))

    def outcome_at_count(self, actions: int, economics: Economics) -> Outcome:
        """Outcome of acting on the top ``actions`` examples by score."""
        actions = int(min(max(actions, 0), self.size))
        arrays = outcome_arrays(
            np.array([actions]),
            np.array([self.cum_reached[actions]]),
            np.array([self.cum_value[actions]]),
            self.totals,
            economics,
        )
        return Outcome.from_arrays(arrays)

    def outcome_at(self, threshold: float, economics: Economics) -> Outcome:
        """Outcome of acting on every example scoring at or above the threshold."""
        return self.outcome_at_count(self.count_at(threshold), economics)

    def margins_at(self, threshold: float, economics: Economics) -> dict[str, float]:
        """Half-widths of 95% intervals for reached, value won and net value at a threshold.

        Each of these figures is a sum over held-out examples of a per-example amount x_i
        (e.g. for net value: value won if acted on and positive, minus the action's cost, minus
        the miss cost if a positive is missed). Resampling the held-out set varies that sum with
        standard error sqrt(n) * sd(x); the margin is 1.96 of those, scaled like the figure.
        This normal approximation of the bootstrap costs O(1) per look-up, so it can follow
        the slider. Sums of x and x^2 come from prefix sums over the sorted examples.
        """
        k, n = self.count_at(threshold), self.size
        if n == 0:
            return {"reached": float("nan"), "value_won": float("nan"), "net_value": float("nan")}
        w, c, m = economics.win_rate, economics.cost_per_action, economics.cost_per_miss
        positives_in, positives_out = self.cum_reached[k], self.totals.positives - self.cum_reached[k]
        if economics.value_column:
            worth, worth_sq = self.cum_value[k], self.cum_value_sq[k]
        else:
            worth, worth_sq = positives_in * economics.value_per_won, positives_in * economics.value_per_won**2
        scale = economics.scale_for(n)

        def margin(total: float, total_sq: float) -> float:
            variance = max(total_sq / n - (total / n) ** 2, 0.0)
            return float(1.96 * scale * np.sqrt(n * variance))

        # Acted-on examples give w*worth - c each; missed positives give -m; the rest give 0.
        net = w * worth - c * k - m * positives_out
        net_sq = w**2 * worth_sq - 2 * w * c * worth + c**2 * k + m**2 * positives_out
        return {
            "reached": margin(positives_in, positives_in),
            "value_won": margin(w * worth, w**2 * worth_sq),
            "net_value": margin(net, net_sq),
        }

    def curve(self, economics: Economics) -> dict[str, np.ndarray]:
        """Outcomes at every cut, with the threshold of each (inf for "act on nobody")."""
        arrays = outcome_arrays(
            self.cut_counts,
            self.cum_reached[self.cut_counts],
            self.cum_value[self.cut_counts],
            self.totals,
            economics,
        )
        arrays["threshold"] = self.cut_thresholds
        arrays["count"] = self.cut_counts
        return arrays

    # --- thresholds that meet a target -------------------------------------------------------

    def best_threshold(self, economics: Economics) -> float:
        """Threshold with the highest net value (the most selective one on ties)."""
        net = self.curve(economics)["net_value"]
        return float(self.cut_thresholds[int(np.argmax(net))])

    def best_on_grid(self, economics: Economics, step: float) -> float:
        """Best net value among thresholds a slider with this step can show (0, step, ..., 1)."""
        grid = np.round(np.arange(0.0, 1.0 + step / 2, step), 10)
        counts = self.size - np.searchsorted(self._scores_asc, grid, side="left")
        net = outcome_arrays(
            counts, self.cum_reached[counts], self.cum_value[counts], self.totals, economics
        )["net_value"]
        # Highest net value; on ties the highest threshold (fewest actions).
        best = np.flatnonzero(net == net.max())[-1]
        return float(grid[best])

    def threshold_for_count(self, max_count: int) -> float:
        """Most generous threshold acting on at most ``max_count`` held-out examples."""
        index = int(np.searchsorted(self.cut_counts, max_count, side="right")) - 1
        return float(self.cut_thresholds[max(index, 0)])

    def threshold_for_actions(self, max_actions: float, economics: Economics) -> float:
        """Most generous threshold whose actions per period do not exceed ``max_actions``."""
        actions = self.curve(economics)["actions"]
        return self._last_within(actions, max_actions)

    def threshold_for_spend(self, budget: float, economics: Economics) -> float:
        """Most generous threshold whose spend per period does not exceed ``budget``."""
        spend = self.curve(economics)["spend"]
        return self._last_within(spend, budget)

    def threshold_for_coverage(self, share: float) -> float | None:
        """Most selective threshold reaching at least ``share`` of all positives.

        Returns None when there are no positives or the share is above 1.
        """
        if self.totals.positives == 0 or share > 1:
            return None
        reached = self.cum_reached[self.cut_counts]
        positives = self.totals.positives
        # The fewest positives r with r / positives >= share, in the same float division
        # that coverage uses (share * positives alone can round either way).
        needed = max(math.ceil(share * positives), 0)
        while needed > 0 and (needed - 1) / positives >= share:
            needed -= 1
        while needed < positives and needed / positives < share:
            needed += 1
        index = int(np.searchsorted(reached, needed, side="left"))
        return float(self.cut_thresholds[min(index, len(self.cut_counts) - 1)])

    def _last_within(self, monotone: np.ndarray, limit: float) -> float:
        within = np.flatnonzero(monotone <= limit)
        return float(self.cut_thresholds[within[-1]]) if within.size else float(np.inf)


def snap_threshold(threshold: float, step: float, direction: str) -> float:
    """Round a threshold onto a slider's grid without breaking the target it met.

    ``direction="up"`` keeps "at most N actions / at most B spent" true (a higher threshold
    acts on fewer); ``"down"`` keeps "reach at least X%" true (a lower one acts on more).
    The result is clipped to [0, 1].
    """
    if not math.isfinite(threshold):
        return 1.0
    ticks = threshold / step
    rounded = math.ceil(ticks - 1e-9) if direction == "up" else math.floor(ticks + 1e-9)
    snapped = round(rounded * step, 10)
    if direction == "up" and snapped < threshold:
        snapped = round(snapped + step, 10)
    if direction == "down" and snapped > threshold:
        snapped = round(snapped - step, 10)
    return min(max(snapped, 0.0), 1.0)
