"""Benchmark: threshold sweep build time and single-threshold look-up time.

Run from the repository root: python -m benchmarks.bench_sweep
Prints medians (and p90 for look-ups) for 10k, 100k and 1M held-out scores. Not a test:
these machines are shared, so figures are read by people, never asserted.
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from proofdeck.data.spec import Economics
from proofdeck.decisions.sweep import ThresholdSweep

ECON = Economics(cost_per_action=40, value_per_won=600, win_rate=0.3, fixed_cost=5000, population=40000)


def timed(function, repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    rng = np.random.default_rng(0)
    print(f"{'scores':>10} {'build (ms)':>12} {'look-up median (µs)':>20} {'look-up p90 (µs)':>17} {'full curve (ms)':>16}")
    for n in (10_000, 100_000, 1_000_000):
        scores = rng.random(n)
        labels = rng.random(n) < scores * 0.5
        build = timed(lambda s=scores, y=labels: ThresholdSweep(s, y), 5)
        sweep = ThresholdSweep(scores, labels)
        thresholds = iter(rng.random(20_000))
        lookups = timed(lambda sw=sweep, ts=thresholds: sw.outcome_at(next(ts), ECON), 5_000)
        curve = timed(lambda sw=sweep: sw.curve(ECON), 5)
        print(
            f"{n:>10,} {statistics.median(build) * 1e3:>12.1f} "
            f"{statistics.median(lookups) * 1e6:>20.1f} {np.percentile(lookups, 90) * 1e6:>17.1f} "
            f"{statistics.median(curve) * 1e3:>16.1f}"
        )


if __name__ == "__main__":
    main()
