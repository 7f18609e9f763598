"""Every setting at once: sort the held-out scores once, then answer by look-up.

The model acts on its top ``k`` examples by score (pages keep the setting as that count), or
on every example scoring ``>= t`` for a threshold ``t``. Sorting the scores in descending
order and keeping cumulative sums of positives and of their value means that the outcome of
any count is O(1) and of any threshold a ``searchsorted`` (O(log n)), plus a few
multiplications.
"""

from __future__ import annotations

import math

import numpy as np

from proofdeck.data.spec import Economics
from proofdeck.decisions.outcomes import Outcome, Totals, outcome_arrays


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

    # --- the model acting on its top k -----------------------------------------------------
    # Pages keep the setting as a count k ("the k highest scores"), not a score: a count can
    # equal the rule's budget exactly, even where scores tie, and it spreads a slider evenly
    # whatever the outcome's prevalence. Ties are broken by held-out position (stable sort),
    # the same order as compare.top_k_flags.

    def flags_at_count(self, count: int) -> np.ndarray:
        """True for the ``count`` highest-scoring examples, aligned with the input order."""
        count = int(min(max(count, 0), self.size))
        flags = np.zeros(self.size, dtype=bool)
        flags[self.order[:count]] = True
        return flags

    def threshold_at_count(self, count: int) -> float:
        """The lowest score among the top ``count`` (inf when acting on nobody)."""
        count = int(min(max(count, 0), self.size))
        return float(self.scores_desc[count - 1]) if count else float("inf")

    def count_for_actions(self, max_actions: float, economics: Economics) -> int:
        """Most examples to act on while actions per period, counted in whole actions as pages
        show them, stay at or below ``max_actions``.

        Held-out counts scale to fractions of an action (918.33 calls a quarter); a page shows
        918, so "at most 918" must keep that setting: the limit is on the rounded count.
        """
        scale = economics.scale_for(self.size)
        if not math.isfinite(max_actions) or max_actions <= 0:
            return 0 if max_actions <= 0 else self.size
        limit = math.floor(max_actions) + 0.5  # round(actions) <= N  <=>  actions < N + 0.5
        count = int(min(math.floor(limit / scale), self.size))
        while count > 0 and count * scale >= limit:
            count -= 1
        return count

    def count_for_spend(self, budget: float, economics: Economics) -> int:
        """Most examples to act on while spend per period stays at or below ``budget``.

        Spend is the cost per action for each one plus the fixed cost once anyone is acted on.
        """
        per_action = economics.cost_per_action * economics.scale_for(self.size)
        room = budget - economics.fixed_cost
        if not room >= 0:  # also NaN
            return 0
        if per_action <= 0 or math.isinf(room):
            return self.size
        count = int(min(math.floor(room / per_action + 1e-9), self.size))
        while count > 0 and per_action * count + economics.fixed_cost > budget:
            count -= 1
        return count

    def count_for_coverage(self, share: float) -> int | None:
        """Fewest examples to act on that reach at least ``share`` of all positives.

        None when there are no positives or the share is above 1.
        """
        positives = self.totals.positives
        if positives == 0 or share > 1:
            return None
        # The fewest positives r with r / positives >= share, in the same float division
        # that coverage uses (share * positives alone can round either way).
        needed = max(math.ceil(share * positives), 0)
        while needed > 0 and (needed - 1) / positives >= share:
            needed -= 1
        while needed < positives and needed / positives < share:
            needed += 1
        return int(np.searchsorted(self.cum_reached, needed, side="left"))

    # --- look-ups by score --------------------------------------------------------------------

    def count_at(self, threshold: float) -> int:
        """How many examples score at or above the threshold."""
        return int(self.size - np.searchsorted(self._scores_asc, threshold, side="left"))

    def outcome_at_count(self, actions: int, economics: Economics) -> Outcome:
        """Outcome of acting on the top ``actions`` examples by score: a setting in money.

        Examples
        --------
        Ten held-out customers by churn risk; the churners are the 1st, 2nd and 4th highest.
        An offer costs $20 and keeps half of the churners it reaches, each worth $200. The top
        2 are both churners: spend 40, value won 0.5 x 2 x 200 = 200, net value 160. The top
        4 reach 3: spend 80, value won 300, net value 220.

        >>> import numpy as np
        >>> from proofdeck.data.spec import Economics
        >>> risk = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05])
        >>> churned = np.array([1, 1, 0, 1, 0, 0, 0, 0, 0, 0], dtype=bool)
        >>> sweep = ThresholdSweep(risk, churned)
        >>> economics = Economics(cost_per_action=20, value_per_won=200, win_rate=0.5)
        >>> top2 = sweep.outcome_at_count(2, economics)
        >>> top2.spend, top2.value_won, top2.net_value, top2.cost_per_won
        (40.0, 200.0, 160.0, 40.0)
        >>> sweep.outcome_at_count(4, economics).net_value
        220.0
        """
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
