"""A stratified sample of rows for training on big files.

Choice: every outcome keeps its exact share in the sample (to the row), so the model's scores
stay calibrated (a "30% risk" still means 3 in 10) and held-out counts scale up honestly.
Rare positives are not over-sampled, since that would break both. Instead, when the share
would leave fewer than ``min_rarer`` rows of the rarer outcome, the sample grows (up to every
row) until it holds that many: with 0.2% fraud in a million rows and room for 200,000 rows,
the sample becomes 500,000 rows so that it keeps 1,000 frauds, still at 0.2%.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MIN_RARER = 1_000


@dataclass(frozen=True)
class Sample:
    """Row positions to train on, and a sentence for the page."""

    positions: np.ndarray
    total: int

    @property
    def is_sample(self) -> bool:
        return len(self.positions) < self.total

    @property
    def sentence(self) -> str:
        if not self.is_sample:
            return f"All {self.total:,} rows are used."
        return (
            f"The model trains on a sample of {len(self.positions):,} of {self.total:,} rows, drawn so "
            "that each outcome keeps its share; every figure is still measured on held-out rows."
        )


def stratified_sample(labels: np.ndarray, max_rows: int, seed: int = 42, min_rarer: int = MIN_RARER) -> np.ndarray:
    """Positions of a sample that keeps each class's share of the rows.

    Parameters
    ----------
    labels : the class of each row (any values; usually True/False).
    max_rows : the sample's size, unless the rarer class needs more (see the module notes).
    seed : for a reproducible draw.
    min_rarer : the fewest rows of the rarer class the sample should hold.

    Returns
    -------
    Sorted row positions; all rows when there are no more than ``max_rows``.
    """
    labels = np.asarray(labels)
    n = len(labels)
    if n <= max_rows:
        return np.arange(n)
    classes, inverse, counts = np.unique(labels, return_inverse=True, return_counts=True)
    rarer_share = counts.min() / n
    size = max(max_rows, int(np.ceil(min(min_rarer, counts.min()) / rarer_share)))
    size = min(size, n)
    # Largest-remainder allocation: each class gets its share of the size, to the row.
    exact = counts * size / n
    take = np.floor(exact).astype(int)
    for index in np.argsort(-(exact - take), kind="stable")[: size - take.sum()]:
        take[index] += 1
    rng = np.random.default_rng(seed)
    chosen = [rng.choice(np.flatnonzero(inverse == k), size=take[k], replace=False) for k in range(len(classes))]
    return np.sort(np.concatenate(chosen))


def training_sample(labels: np.ndarray, max_rows: int, seed: int = 42) -> Sample:
    """The sample as a :class:`Sample` with its sentence for the page."""
    return Sample(stratified_sample(labels, max_rows, seed), len(labels))
