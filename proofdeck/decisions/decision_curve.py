"""Decision curve: net benefit of the model, today's rule, acting on all and on none.

Standard decision-curve analysis (Vickers & Elkin 2006; the R packages ``dcurves`` and
``rmda``). At a threshold probability ``pt`` a wasted action (a false positive) is worth
``pt / (1 - pt)`` of a reached positive (a true positive), and

    NB(pt) = TP / n - FP / n * pt / (1 - pt)

counted on the ``n`` held-out rows. The model acts on rows with score >= ``pt`` (a calibrated
probability above ``pt`` is exactly where acting pays at that exchange rate); acting on all has
``NB = prevalence - (1 - prevalence) * pt / (1 - pt)``; acting on none has 0; today's rule acts
on its fixed flags, so its NB still moves with ``pt`` (the exchange rate changes). A random pick
of ``k`` of ``n`` rows (the baseline when no rule is given) has the expected NB ``k / n`` times
that of acting on all.

The demo's own ratio comes from its money. Acting on a row that turns out positive gains
``value of a hit - cost``, acting on one that does not loses ``cost``, so ``pt / (1 - pt) =
cost / (value of a hit - cost)``, i.e. ``pt = cost / value of a hit``, where a hit (a reached
positive) is worth ``win rate x value per won`` (or the mean value column over held-out
positives) plus the miss cost it avoids. At that ``pt``, NB times ``(value of a hit - cost)``
is the net value per held-out row, apart from the fixed cost and the miss costs of doing nothing
(tests check this against :func:`~proofdeck.decisions.outcomes.outcome_of_flags`).

The 95% band resamples held-out rows. Every figure here depends on the rows only through how
many positives and others fall in each cell (which thresholds a row passes, its label, whether
the rule flags it), so a bootstrap resample is drawn as multinomial counts over those cells:
exactly the distribution of resampling rows, without an ``n x resamples`` matrix.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from proofdeck.data.spec import Economics
from proofdeck.decisions.outcomes import is_row_level, policy_weights

RESAMPLES = 200
SEED = 20061101  # the month Vickers & Elkin appeared; any fixed seed keeps pages stable
LEVEL = 0.95
LOWEST = 0.001  # the grid never starts below 0.1%
HIGHEST = 0.99


@dataclass(frozen=True)
class DecisionCurve:
    """Net benefit per held-out row across threshold probabilities.

    Attributes
    ----------
    thresholds : the threshold probabilities ``pt`` (increasing).
    model, rule, act_all : NB of the model (score >= pt), today's rule (or the random pick's
        expectation) and acting on every row; acting on none is 0 everywhere.
    model_low, model_high : the 95% bootstrap band of the model's NB.
    diff_low, diff_high : the 95% band of model - rule (paired: the same resampled rows).
    own_ratio : ``pt`` at the demo's own money (None when the money does not give one).
    rule_random : True when the rule is a random pick's expectation.
    resamples, examples, positives : bootstrap resamples, held-out rows and positives.
    """

    thresholds: np.ndarray
    model: np.ndarray
    model_low: np.ndarray
    model_high: np.ndarray
    rule: np.ndarray
    diff_low: np.ndarray
    diff_high: np.ndarray
    act_all: np.ndarray
    own_ratio: float | None
    rule_random: bool
    resamples: int
    examples: int
    positives: int

    def at(self, pt: float) -> dict[str, float]:
        """Every curve at one ``pt`` (linear between grid points, as the chart draws it)."""
        names = ("model", "model_low", "model_high", "rule", "diff_low", "diff_high", "act_all")
        point = {name: float(np.interp(pt, self.thresholds, getattr(self, name))) for name in names}
        point["none"] = 0.0
        point["diff"] = point["model"] - point["rule"]
        return point


def odds(pt: np.ndarray | float) -> np.ndarray:
    """The exchange rate ``pt / (1 - pt)``: what one wasted action costs in reached positives."""
    pt = np.asarray(pt, dtype=float)
    return pt / (1.0 - pt)


def net_benefit(tp: np.ndarray, fp: np.ndarray, n: float, pt: np.ndarray | float) -> np.ndarray:
    """``TP / n - FP / n * pt / (1 - pt)``, elementwise.

    Examples
    --------
    Ten rows, acting on 4 of which 3 are positive, at pt = 0.2 (one wasted action costs a
    quarter of a reached positive): 3/10 - 1/10 * 0.25 = 0.275.

    >>> round(float(net_benefit(3, 1, 10, 0.2)), 6)
    0.275
    """
    return np.asarray(tp, dtype=float) / n - np.asarray(fp, dtype=float) / n * odds(pt)


def value_of_hit(economics: Economics, labels: np.ndarray, values: np.ndarray) -> float:
    """Money one reached positive brings: the share won times its worth, plus the miss cost
    it avoids (as :func:`~proofdeck.decisions.outcomes.outcome_arrays` counts it)."""
    labels = np.asarray(labels, dtype=bool)
    if economics.value_column:
        worth = float(np.asarray(values, dtype=float)[labels].mean()) if labels.any() else 0.0
    else:
        worth = economics.value_per_won
    return economics.win_rate * worth + economics.cost_per_miss


def own_ratio(economics: Economics, labels: np.ndarray, values: np.ndarray) -> float | None:
    """The threshold probability at the demo's own money: ``cost / value of a hit``.

    Acting on a row with chance ``p`` of being positive pays on average ``p * hit - cost``,
    which is positive exactly when ``p > cost / hit``. None when the money gives no ratio
    strictly between 0 and 1 (free actions, or a hit worth no more than an action).

    Examples
    --------
    The churn demo: an offer costs $40 and keeps 30% of the churners it reaches, each worth
    $600, so a reached churner is worth 0.3 x 600 = $180 and pt = 40 / 180 = 2/9 (0.222):
    up to 3.5 unneeded offers per churner reached still pay (180 - 40 = 140 = 3.5 x 40).

    >>> import numpy as np
    >>> churn = Economics(cost_per_action=40, value_per_won=600, win_rate=0.3)
    >>> round(own_ratio(churn, np.array([True, False]), np.ones(2)), 4)
    0.2222
    """
    hit = value_of_hit(economics, labels, values)
    cost = economics.cost_per_action
    if not (cost > 0 and hit > cost and np.isfinite(hit)):
        return None
    return float(cost / hit)


def threshold_grid(prevalence: float, own: float | None = None, points: int = 120) -> np.ndarray:
    """Threshold probabilities from well below the prevalence (and the demo's own ratio) to 0.99,
    geometric at the low end so a rare outcome (fraud at 0.3%) still gets dense points there,
    plus an even spread so the high end is not left sparse."""
    anchors = [0.01] + [x / 3 for x in (prevalence, own) if x is not None and x > 0]
    low = float(np.clip(min(anchors), LOWEST, 0.01))
    grid = np.concatenate([np.geomspace(low, HIGHEST, points // 2), np.linspace(0.01, HIGHEST, points // 2)])
    grid = np.unique(np.round(grid, 6))
    if own is not None and 0 < own < 1:
        grid = np.unique(np.append(grid, own))  # the demo's own ratio exactly on the grid
    return grid


def scores_are_probabilities(scores: np.ndarray) -> bool:
    """True when every score is a finite number in [0, 1] (a decision curve needs probabilities)."""
    scores = np.asarray(scores, dtype=float)
    return bool(scores.size and np.isfinite(scores).all() and scores.min() >= 0 and scores.max() <= 1)


def decision_curve(
    scores: np.ndarray,
    labels: np.ndarray,
    rule: np.ndarray,
    economics: Economics | None = None,
    values: np.ndarray | None = None,
    thresholds: np.ndarray | None = None,
    resamples: int = RESAMPLES,
    seed: int = SEED,
    trim: bool = True,
) -> DecisionCurve:
    """The decision curve of held-out scores against a rule, with a paired bootstrap band.

    Parameters
    ----------
    scores : held-out probabilities of the positive class (in [0, 1]).
    labels : held-out outcomes.
    rule : today's rule's flags, or a random pick's weights ``k / n``
        (:func:`~proofdeck.decisions.outcomes.policy_weights`).
    economics, values : the demo's money and per-row values, for its own ratio (optional).
    thresholds : the ``pt`` grid; by default :func:`threshold_grid`, trimmed (``trim``) a
        little beyond the last point where anything beats acting on none.
    resamples, seed : the bootstrap.

    Raises
    ------
    ValueError
        For scores that are not probabilities, or arrays of different lengths.
    """
    scores = np.asarray(scores, dtype=float)
    labels = np.asarray(labels, dtype=bool)
    weights = policy_weights(rule)
    if not (scores.shape == labels.shape == weights.shape):
        raise ValueError("scores, labels and the rule must have one entry per held-out row")
    if not scores_are_probabilities(scores):
        raise ValueError("a decision curve needs scores that are probabilities between 0 and 1")
    n, positives = scores.size, int(labels.sum())
    ratio = own_ratio(economics, labels, values if values is not None else np.ones(n)) if economics else None
    grid = np.asarray(thresholds if thresholds is not None else threshold_grid(positives / n, ratio), dtype=float)
    random_rule = not is_row_level(weights)
    flags = weights.astype(bool) if not random_rule else np.zeros(n, dtype=bool)

    # Cells: how many grid thresholds a row passes (0..m), its label, the rule's flag. A row
    # passing j thresholds is acted on at the first j of them (score >= pt).
    m = grid.size
    passes = np.searchsorted(grid, scores, side="right")
    cell = (passes * 2 + labels) * 2 + flags
    counts = np.bincount(cell, minlength=(m + 1) * 4).astype(float)

    def curves(table: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """NB of model, rule and all for count tables of shape (..., (m+1) * 4)."""
        table = table.reshape(table.shape[:-1] + (m + 1, 2, 2))
        by_label = table.sum(axis=-1)  # (..., m+1, label)
        # Rows acted on at threshold j pass more than j thresholds: a reversed cumulative sum.
        above = np.flip(np.cumsum(np.flip(by_label, axis=-2), axis=-2), axis=-2)[..., 1:, :]
        tp, fp = above[..., 1], above[..., 0]
        pos = by_label[..., 1].sum(axis=-1, keepdims=True)
        neg = by_label[..., 0].sum(axis=-1, keepdims=True)
        every = net_benefit(pos, neg, n, grid)
        if random_rule:
            ruled = weights.mean() * every
        else:
            flagged = table[..., 1].sum(axis=-2)  # (..., label)
            ruled = net_benefit(flagged[..., 1:2], flagged[..., 0:1], n, grid)
        return net_benefit(tp, fp, n, grid), ruled, every

    model, ruled, every = (c.reshape(-1) for c in curves(counts))
    rng = np.random.default_rng(seed)
    drawn = rng.multinomial(n, counts / n, size=resamples).astype(float)
    boot_model, boot_rule, _ = curves(drawn)
    tail = 100 * (1 - LEVEL) / 2
    model_low, model_high = np.percentile(boot_model, [tail, 100 - tail], axis=0)
    diff_low, diff_high = np.percentile(boot_model - np.broadcast_to(boot_rule, boot_model.shape),
                                        [tail, 100 - tail], axis=0)

    keep = np.ones(m, dtype=bool)
    if trim and thresholds is None:
        # Stop a little beyond the last pt where anything beats acting on none (past it every
        # curve only falls further below zero), but keep the demo's own ratio in view.
        useful = np.flatnonzero((model > 0) | (ruled > 0) | (every > 0))
        last = grid[useful[-1]] if useful.size else grid[0]
        upper = min(HIGHEST, max(last * 1.25, (ratio or 0) * 1.5, 0.05))
        keep = grid <= upper
    return DecisionCurve(
        thresholds=grid[keep], model=model[keep], model_low=model_low[keep], model_high=model_high[keep],
        rule=ruled[keep], diff_low=diff_low[keep], diff_high=diff_high[keep], act_all=every[keep],
        own_ratio=ratio, rule_random=random_rule, resamples=resamples, examples=n, positives=positives,
    )


def net_value_at_price(net_benefit_values: np.ndarray, thresholds: np.ndarray, hit: float, examples: int,
                       economics: Economics) -> np.ndarray:
    """Net benefit turned into money per period, each ``pt`` read as the price ``pt x hit`` of an action.

    At the price ``cost = pt x hit`` a reached positive gains ``hit - cost = hit (1 - pt)`` and a
    wasted action loses ``cost``; so net value against acting on none, over the ``examples``
    held-out rows scaled to the period, is ``NB x hit x (1 - pt) x examples x scale`` (before
    the fixed cost of running the programme at all).

    Examples
    --------
    Churn's own price ($40 for a $180 hit, pt = 2/9) with NB 0.1 on 3,000 rows, unscaled:
    0.1 x 180 x 7/9 x 3,000 = $42,000 (= 0.1 x 3,000 hits' worth of $140 each).

    >>> round(float(net_value_at_price(np.array([0.1]), np.array([2 / 9]), 180.0, 3000, Economics())[0]))
    42000
    """
    thresholds = np.asarray(thresholds, dtype=float)
    scale = economics.scale_for(examples)
    return np.asarray(net_benefit_values, dtype=float) * hit * (1.0 - thresholds) * examples * scale
