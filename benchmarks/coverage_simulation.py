"""How often do the pages' 95% intervals hold the truth? The long run behind docs/statistics.md.

    python benchmarks/coverage_simulation.py --sims 2000 [--workers 2] [--worlds churn leads fraud heavy]
        [--parts ranges headlines]

Draws ``sims`` held-out sets from each world of tests/coverage_worlds.py (a known truth), runs
the same functions the pages use and prints, per world and interval, the share of sets whose
interval held the truth, with its simulation error. Two parts, on the same held-out sets:
"ranges" (tests/test_interval_coverage.coverage: rule vs model, the slider, the next 5%, with
the money's ranges; 300 resamples) and "headlines" (headline_coverage: the range each headline
figure carries, the extra net value, the extra value won and the change in the cost per won, at
the pages' own 2,000 resamples). The suite runs the first with fewer sets; this is the run that
holds the intervals to 93.5-96.5%.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent / "tests"


def _run(name: str, part: str, sims: int, seed: int) -> tuple[str, dict[str, float], float]:
    sys.path.insert(0, str(TESTS))
    sys.path.insert(0, str(TESTS.parent))
    import coverage_worlds as worlds
    from test_interval_coverage import coverage, headline_coverage

    world = {"churn": worlds.CHURN, "leads": worlds.LEADS, "fraud": worlds.FRAUD, "heavy": worlds.FRAUD_HEAVY}[name]
    measure = {"ranges": coverage, "headlines": headline_coverage}[part]
    started = time.process_time()
    found = measure(world, sims, seed=seed)
    return world.name, found, time.process_time() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sims", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--worlds", nargs="+", default=["churn", "leads", "fraud", "heavy"])
    parser.add_argument("--parts", nargs="+", choices=["ranges", "headlines"], default=["ranges", "headlines"])
    args = parser.parse_args(argv)
    error = 1.96 * math.sqrt(0.95 * 0.05 / args.sims)
    print(f"{args.sims} held-out sets per world (seed {args.seed}); a correct 95% interval measures "
          f"95% +/- {100 * error:.1f} points (95% of such runs)\n")
    with ProcessPoolExecutor(args.workers) as pool:
        jobs = [pool.submit(_run, name, part, args.sims, args.seed) for name in args.worlds for part in args.parts]
        for job in jobs:
            world, found, seconds = job.result()
            figures = ", ".join(f"{name} {100 * share:.1f}%" for name, share in found.items())
            print(f"{world:>20}: {figures}  ({seconds:.0f} s of CPU)", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
