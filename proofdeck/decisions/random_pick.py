"""The baseline when there is no rule: a random pick of the same size, as its expectation.

A random pick of ``k`` of ``n`` examples, ``P`` of them positive, reaches a hypergeometric
number of positives: ``k * P / n`` on average, with variance
``k * (P / n) * (1 - P / n) * (n - k) / (n - 1)``. The pages compare the model with that
average (weights ``k / n`` on every example, :func:`random_pick_weights`), never with one
seeded draw, and say how far one real pick typically lands from it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

TYPICAL = 0.95  # "one pick typically lands between": the middle 95% of picks


def random_pick_weights(examples: int, picked: int) -> np.ndarray:
    """The chance each of ``examples`` rows is in a random pick of ``picked``: ``picked / examples``."""
    if examples <= 0:
        return np.zeros(0)
    picked = int(min(max(picked, 0), examples))
    return np.full(int(examples), picked / examples)


@dataclass(frozen=True)
class RandomPick:
    """A random pick of ``picked`` of ``examples`` rows, ``positives`` of them positive.

    Attributes
    ----------
    examples, picked, positives : n, k and P (held-out counts).
    """

    examples: int
    picked: int
    positives: int

    @property
    def mean(self) -> float:
        """Positives reached on average: k * P / n."""
        return self.picked * self.positives / self.examples if self.examples else float("nan")

    @property
    def sd(self) -> float:
        """Standard deviation of the positives one pick reaches (hypergeometric)."""
        n, k, p = self.examples, self.picked, self.positives
        if n <= 1:
            return 0.0
        share = p / n
        return math.sqrt(k * share * (1 - share) * (n - k) / (n - 1))

    def typical(self) -> tuple[int, int]:
        """Where one pick lands for the middle 95% of picks: the 2.5th and 97.5th percentiles
        of the positives it reaches."""
        from scipy.stats import hypergeom  # only where the spread is said

        tail = (1 - TYPICAL) / 2
        law = hypergeom(self.examples, self.positives, self.picked)
        return int(law.ppf(tail)), int(law.ppf(1 - tail))
