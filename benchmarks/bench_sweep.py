"""Compute alone: the threshold sweep and the top-k bootstrap at 10k, 100k and 1M scores.

Run from the repository root: ``python -m benchmarks --only sweep``.

For each size: building :class:`~proofdeck.decisions.sweep.ThresholdSweep` (against a plain
``numpy.argsort`` of the same scores, the least a sweep must do), one look-up
``outcome_at_count`` at a random count (against the same look-up at the smallest size: it
should not grow with the data), the full curve, building
:class:`~proofdeck.decisions.bootstrap.TopKBootstrap` and one ``intervals_at`` look-up.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from benchmarks.config import FULL, Config
from benchmarks.report import Figure, PartResult
from proofdeck.data.spec import Economics
from proofdeck.decisions.sweep import ThresholdSweep
from proofdeck.decisions.top_k_bootstrap import TopKBootstrap

NAME = "sweep"
ECON = Economics(cost_per_action=40, value_per_won=600, win_rate=0.3, fixed_cost=5000, population=40000)


def timed(function: Callable[[], object], repeats: int) -> list[float]:
    """Seconds of each of ``repeats`` calls."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return times


def scores_of(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Scores, labels that follow them (a fifth positive) and values of one each, like churn."""
    rng = np.random.default_rng(seed)
    scores = rng.random(n)
    labels = rng.random(n) < scores * 0.4
    return scores, labels, np.ones(n)


def run(config: Config = FULL) -> dict:
    """Sweep and bootstrap build and look-up times at each size."""
    result = PartResult(NAME)
    rng = np.random.default_rng(1)
    first_lookup = None
    for n in config.sweep_sizes:
        lookup = _one_size(result, n, config, rng, first_lookup)
        first_lookup = first_lookup or lookup
    return result.as_dict()


def _one_size(result: PartResult, n: int, config: Config, rng: np.random.Generator, first_lookup: Figure | None) -> Figure:
    """Every figure at one size; returns the look-up figure (the baseline of larger sizes)."""
    scores, labels, values = scores_of(n)
    repeats = config.build_repeats
    sort = result.add(f"{n:>9,} scores: numpy argsort (baseline)",
                      [t * 1e3 for t in timed(lambda: np.argsort(-scores, kind="stable"), repeats)], "ms")
    result.add(f"{n:>9,} scores: sweep build",
               [t * 1e3 for t in timed(lambda: ThresholdSweep(scores, labels, values), repeats)], "ms", baseline=sort)
    sweep = ThresholdSweep(scores, labels, values)
    counts = iter(rng.integers(0, n + 1, size=config.lookups + 1))
    lookups = [t * 1e6 for t in timed(lambda: sweep.outcome_at_count(int(next(counts)), ECON), config.lookups)]
    lookup = result.add(f"{n:>9,} scores: one look-up (outcome_at_count)", lookups, "µs", baseline=first_lookup,
                        note=f"p90 {np.percentile(lookups, 90):.1f} µs")
    result.add(f"{n:>9,} scores: full curve (every cut)",
               [t * 1e3 for t in timed(lambda: sweep.curve(ECON), repeats)], "ms")
    builds = []
    for _ in range(repeats):
        started = time.perf_counter()
        boot = TopKBootstrap(sweep.order, labels, values)
        builds.append(time.perf_counter() - started)
    result.add(f"{n:>9,} scores: TopKBootstrap build ({boot.resamples} resamples)", [t * 1e3 for t in builds],
               "ms", baseline=sort)
    ks = iter(rng.integers(0, n + 1, size=repeats * 4 + 1))

    def interval_lookup() -> None:
        k = int(next(ks))
        outcome = sweep.outcome_at_count(k, ECON)
        estimates = {"reached": outcome.reached, "value_won": outcome.value_won, "net_value": outcome.net_value}
        boot.intervals_at(k, ECON, estimates)

    result.add(f"{n:>9,} scores: TopKBootstrap look-up (intervals_at)",
               [t * 1e3 for t in timed(interval_lookup, repeats * 4)], "ms")
    return lookup


if __name__ == "__main__":
    import sys

    from benchmarks.cli import main

    main(["--only", NAME, *sys.argv[1:]])
