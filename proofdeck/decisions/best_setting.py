"""The setting with the best net value, and an honest estimate of what it is worth.

Picking the count with the highest net value on the held-out rows and then reporting that
maximum flatters it: the maximum of a noisy curve is biased upwards. So the setting is chosen
on all held-out rows (the most data), and its worth is estimated by cross-fitting: split the
held-out rows into folds, choose the best share of examples to act on from the other folds,
apply that share to the fold left out, and average what it earns there. That is the value of
the whole procedure "pick the best setting, then use it on new examples".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.model_selection import StratifiedKFold

from proofdeck.data.spec import Economics
from proofdeck.decisions.sweep import ThresholdSweep

FOLDS = 5


@dataclass(frozen=True)
class BestSetting:
    """The best count on held-out data and what it is honestly worth.

    Attributes
    ----------
    count : held-out examples to act on (the model's top ``count``), chosen on all of them.
    share : ``count`` as a share of the held-out examples.
    honest_net : cross-fitted net value per period of choosing the best share and using it on
        examples it was not chosen on (NaN when there are too few examples to fold).
    in_sample_net : net value at ``count`` on the rows it was chosen on (the maximum; it
        flatters the choice).
    fold_shares : the share chosen in each fold (how stable the choice is).
    """

    count: int
    share: float
    honest_net: float
    in_sample_net: float
    fold_shares: tuple[float, ...]

    @property
    def optimism(self) -> float:
        """How much the in-sample maximum flatters: in-sample minus honest net value."""
        return self.in_sample_net - self.honest_net


def _best_count(sweep: ThresholdSweep, economics: Economics) -> tuple[int, float]:
    """Count with the highest net value, the fewest actions on ties; and that net value."""
    curve = sweep.curve(economics)
    net = curve["net_value"]
    best = int(np.flatnonzero(net == net.max())[0])
    return int(curve["count"][best]), float(net[best])


def best_setting(scores: np.ndarray, labels: np.ndarray, values: np.ndarray,
                 economics: Economics, folds: int = FOLDS, seed: int = 0) -> BestSetting:
    """Choose the count with the best net value and estimate its worth by cross-fitting.

    Parameters
    ----------
    scores, labels, values : held-out arrays of the same length.
    economics : the unit economics; each fold is scaled to the same population per period.
    folds : number of folds (fewer when a class is too rare to fill them).
    seed : the folds' seed.
    """
    scores = np.asarray(scores, dtype=float)
    labels = np.asarray(labels, dtype=bool)
    values = np.asarray(values, dtype=float)
    count, in_sample = _best_count(ThresholdSweep(scores, labels, values), economics)
    share = count / scores.size if scores.size else 0.0
    folds = min(folds, int(labels.sum()), int((~labels).sum()))
    if folds < 2:
        return BestSetting(count, share, float("nan"), in_sample, ())
    earned, shares = [], []
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for choose, score_on in splitter.split(scores, labels):
        chosen, _ = _best_count(ThresholdSweep(scores[choose], labels[choose], values[choose]), economics)
        chosen_share = chosen / choose.size
        held = ThresholdSweep(scores[score_on], labels[score_on], values[score_on])
        earned.append(held.outcome_at_count(round(chosen_share * score_on.size), economics).net_value)
        shares.append(chosen_share)
    return BestSetting(count, share, float(np.mean(earned)), in_sample, tuple(shares))
