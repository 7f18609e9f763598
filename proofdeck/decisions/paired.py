"""Rule and model at the same budget in every resample: the paired bootstrap of the comparison.

A resample draws the held-out examples again with replacement. Today's rule acts on the drawn
examples it flags (its own decisions travel with each example), so its budget changes from one
resample to the next. The model is then given that resample's budget: it acts on as many drawn
examples as the rule does, its highest scores first. So in every resample the two spend the
same, a cost both sides pay cancels from their difference (as it does in the point estimate),
and what the interval measures is only *whom* each one picks.

Only examples that can matter are drawn one by one: those the rule may act on, the positives,
and the model's top examples as far as any resample's budget can reach. The draws of all other
examples only fill out each resample to ``n`` and change no sum.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from proofdeck.decisions.bootstrap import _count_blocks, resamples_for, sum_standard_error
from proofdeck.decisions.outcomes import policy_weights

_CELLS_PER_CHUNK = 8_000_000  # resamples x drawn examples held in memory at once


@dataclass(frozen=True)
class SameBudgetDraws:
    """Raw held-out sums in each resample (one entry per resample).

    ``actions`` is the rule's budget in the resample, and the model's too; ``rule_*`` and
    ``model_*`` are the positives each reaches and their summed value; ``positives`` and
    ``positive_value`` are the resample's totals. ``spread`` holds, per resample, the sums a
    studentized interval needs to estimate the spread of the difference within the resample
    (see :func:`difference_spread`).
    """

    examples: int
    actions: np.ndarray
    positives: np.ndarray
    positive_value: np.ndarray
    rule_reached: np.ndarray
    rule_value: np.ndarray
    model_reached: np.ndarray
    model_value: np.ndarray
    spread: np.ndarray  # (resamples, 5); row 0 of ``sample_spread`` is the held-out set's own
    sample_spread: np.ndarray  # (5,)

    @property
    def resamples(self) -> int:
        return int(self.actions.size)


def first_draws(counts: np.ndarray, budget: np.ndarray, columns: np.ndarray) -> np.ndarray | None:
    """Sums of per-example ``columns`` over the first ``budget`` draws of each resample.

    ``counts`` has one row per resample and one column per example, examples in score order
    (highest first). Where the budget ends inside an example drawn several times, only the
    copies within the budget count (a fraction when the budget is fractional, as a random
    pick's average is). None when some resample's draws do not fill its budget.
    """
    cum = np.cumsum(counts, axis=1, dtype=float)
    if counts.shape[1] == 0:
        return np.zeros((counts.shape[0], columns.shape[1])) if not np.any(budget > 1e-9) else None
    if np.any(cum[:, -1] < budget - 1e-9):
        return None
    edge = np.minimum((cum < budget[:, None] - 1e-9).sum(axis=1), counts.shape[1] - 1)
    rows, last = np.arange(counts.shape[0]), np.maximum(edge - 1, 0)
    has_before = (edge > 0)[:, None]
    before = np.where(has_before[:, 0], cum[rows, last], 0.0)
    take = np.clip(budget - before, 0.0, None)  # copies of the edge example within the budget
    total = np.zeros((counts.shape[0], columns.shape[1]))
    for j in range(columns.shape[1]):
        running = np.cumsum(counts * columns[:, j], axis=1)
        total[:, j] = np.where(has_before[:, 0], running[rows, last], 0.0)
    return total + take[:, None] * columns[edge]


def difference_spread(draws_spread: np.ndarray, examples: int, scale: float, win_rate: float,
                      cost_per_miss: float, value_column: bool, value_per_won: float) -> np.ndarray:
    """Standard error of the model-minus-rule net value, from the sums in ``spread``.

    The difference is a sum over examples of (model flag - rule weight) x what reaching the
    example is worth (win rate x its value, plus the miss cost it avoids); its standard error
    is sqrt(n) x the standard deviation of that per-example amount. Works on a (5,) row (the
    held-out set) or a (resamples, 5) array.
    """
    linear_value, linear_positive, square_value, square_cross, square_positive = np.moveaxis(
        np.asarray(draws_spread, dtype=float), -1, 0)
    if not value_column:  # every positive is worth value_per_won
        linear_value = value_per_won * linear_positive
        square_value = value_per_won**2 * square_positive
        square_cross = value_per_won * square_positive
    total = scale * (win_rate * linear_value + cost_per_miss * linear_positive)
    squares = scale**2 * (win_rate**2 * square_value + 2 * win_rate * cost_per_miss * square_cross
                          + cost_per_miss**2 * square_positive)
    return sum_standard_error(total, squares, examples)


def same_budget_draws(scores: np.ndarray, rule_policy: np.ndarray, labels: np.ndarray,
                      values: np.ndarray, resamples: int | None = None, seed: int = 0) -> SameBudgetDraws:
    """Resample the held-out examples; in each resample the rule acts on its drawn flagged
    examples and the model on as many drawn examples, highest scores first.

    Parameters
    ----------
    scores : the model's held-out scores (ties broken by position, as in ``top_k_flags``).
    rule_policy : the rule's flags, or a random pick's weights (the chance of acting on each
        example; its budget in a resample is then the expected size of the pick there).
    labels, values : held-out outcomes and per-example values.
    resamples : how many (by default :func:`~proofdeck.decisions.bootstrap.resamples_for` the
        examples drawn one by one).
    seed : seeded, so the same inputs give the same draws.
    """
    scores = np.asarray(scores, dtype=float)
    weights = policy_weights(rule_policy)
    labels = np.asarray(labels, dtype=bool)
    values = np.asarray(values, dtype=float)
    n = scores.size
    order = np.argsort(-scores, kind="stable")
    budget = float(weights.sum())
    # The held-out set's own model picks (its top K), for the spread of the difference.
    model_flags = np.zeros(n)
    model_flags[order[: int(round(budget))]] = 1.0
    # The model's top examples, far enough down that every resample's budget ends inside them
    # (a resample's budget is about the rule's, give or take a few of its square roots).
    reach = min(n, max(int(math.ceil(budget + 8 * math.sqrt(budget) + 64)), int(round(budget))))
    while True:
        top = order[:reach]
        others = np.setdiff1d(np.flatnonzero((weights > 0) | labels), top)
        drawn = np.concatenate([top, others]).astype(int)  # the top in score order first
        positive = labels[drawn].astype(float)
        value = positive * values[drawn]
        rule = weights[drawn]
        gap = model_flags[drawn] - rule
        per_example = np.column_stack([
            rule, positive, value, rule * positive, rule * value,  # totals and the rule
            gap * value, gap * positive, gap**2 * value**2, gap**2 * value, gap**2 * positive,  # spread
        ])
        count = resamples or resamples_for(drawn.size)
        chunk = max(1, min(250, _CELLS_PER_CHUNK // max(drawn.size, 1)))
        parts = []
        for counts in _count_blocks(n, count, seed, relevant=drawn.size, chunk=chunk):
            counts = counts.astype(float)
            sums = counts @ per_example
            model = first_draws(counts[:, :reach], sums[:, 0], np.column_stack([positive, value])[:reach])
            if model is None:
                break
            parts.append(np.column_stack([sums[:, :5], model, sums[:, 5:]]))
        else:
            break
        reach = min(n, 2 * reach)  # some resample's budget went past the top: look further
    sums = np.vstack(parts) if parts else np.zeros((0, 12))
    own = per_example.sum(axis=0)[5:]
    return SameBudgetDraws(
        examples=n, actions=sums[:, 0], positives=sums[:, 1], positive_value=sums[:, 2],
        rule_reached=sums[:, 3], rule_value=sums[:, 4], model_reached=sums[:, 5],
        model_value=sums[:, 6], spread=sums[:, 7:], sample_spread=own,
    )
