"""How long the stability check takes per demo, and its spread beside the bootstrap's.

Run from the repository root::

    python -m benchmarks.bench_stability [--repeats 10] [--demos churn,leads,fraud]

For each bundled demo: the seconds :func:`proofdeck.comparison.stability.repeated_fits` takes (one
thread, every train row, like the pages), the money step :func:`stability_of` for another set
of assumptions, and the extra net value over the rule across repeats (range, median, SD) beside
the bootstrap SD of the same figure on the pages' split (from ``same_budget``'s resamples).
Refitting costs one model fit per repeat, so the page must not wait for it on first render.
"""

from __future__ import annotations

import argparse
import os
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from proofdeck.comparison.compare import same_budget, top_k_flags
from proofdeck.comparison.stability import repeated_fits, stability_of
from proofdeck.data.spec import load_spec
from proofdeck.decisions.bootstrap import bootstrap_outcomes
from proofdeck.model.scenario import build_scenario

DEMOS = Path(__file__).resolve().parents[1] / "demos"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--demos", default=",".join(sorted(p.stem for p in DEMOS.glob("*.toml"))))
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f}; {args.repeats} repeats; one thread per fit")
    for key in args.demos.split(","):
        spec = load_spec(DEMOS / f"{key}.toml")
        started = time.perf_counter()
        fits = repeated_fits(spec, repeats=args.repeats)
        fit_seconds = time.perf_counter() - started
        started = time.perf_counter()
        stability_of(fits, replace(spec.economics, cost_per_action=spec.economics.cost_per_action * 2))
        money_ms = (time.perf_counter() - started) * 1000
        result = stability_of(fits)
        with threadpool_limits(limits=1):
            scenario = build_scenario(spec)
        comparison = same_budget(
            scenario.scores, scenario.rule_flags, scenario.labels, scenario.values, spec.economics
        )
        policies = {"rule": scenario.rule_flags, "model": top_k_flags(scenario.scores, scenario.rule_count)}
        boot = bootstrap_outcomes(policies, scenario.labels, scenario.values, spec.economics)
        boot_sd = float(np.std(boot["model"]["net_value"] - boot["rule"]["net_value"], ddof=1))
        net = result.net
        print(
            f"{key:>6}: {fit_seconds:5.1f} s to refit ({fit_seconds / args.repeats:.2f} s a repeat, "
            f"{fits.repeats[0].train_rows:,} train rows); money for new assumptions {money_ms:.1f} ms\n"
            f"        extra net value {net.low:,.0f} to {net.high:,.0f}, median {net.median:,.0f}, "
            f"SD {net.sd:,.0f} | pages' split {comparison.extra_net.estimate:,.0f} "
            f"[{comparison.extra_net.low:,.0f}, {comparison.extra_net.high:,.0f}], bootstrap SD {boot_sd:,.0f} "
            f"(ratio {net.sd / boot_sd:.2f})"
        )


if __name__ == "__main__":
    main()
