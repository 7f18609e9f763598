"""How long the stability check takes per demo, and its spread beside the bootstrap's.

Run from the repository root: ``python -m benchmarks --only stability`` (not part of the
default run: no target of issue 14 depends on it).

For each demo: the seconds :func:`proofdeck.comparison.stability.repeated_fits` takes (one
thread, every train row, like the pages) against one fit of the demo on one thread (the
baseline: the refits, about ``stability_repeats`` folds x rounds of repeated K-fold, should cost
about that many of them), the money step :func:`stability_of` for another set of assumptions,
and the extra net value over the rule across the test groups (SD pooled within rounds) beside
the bootstrap SD of the same figure on the pages' split, rescaled to a group's rows.
"""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np

from benchmarks.config import FULL, Config
from benchmarks.harness import ROOT
from benchmarks.report import PartResult

NAME = "stability"


def run(config: Config = FULL) -> dict:
    """Refit times and spreads for each demo in the config."""
    from threadpoolctl import threadpool_limits

    from proofdeck.comparison.compare import same_budget, top_k_flags
    from proofdeck.comparison.stability import fold_plan, repeated_fits, stability_of
    from proofdeck.data.spec_files import load_spec
    from proofdeck.decisions.bootstrap import bootstrap_outcomes
    from proofdeck.model.scenario import build_scenario

    result = PartResult(NAME)
    for key in config.stability_demos:
        spec = load_spec(ROOT / "demos" / f"{key}.toml")
        started = time.perf_counter()
        with threadpool_limits(limits=1):
            scenario = build_scenario(spec)
        one = result.add(f"{key}: one fit of the demo, one thread (baseline)", [time.perf_counter() - started], "s")
        started = time.perf_counter()
        folds, rounds = fold_plan(config.stability_repeats)
        fits = repeated_fits(spec, folds=folds, rounds=rounds)
        result.add(f"{key}: {folds * rounds} refits ({folds} folds x {rounds})", [time.perf_counter() - started], "s",
                   baseline=one)
        started = time.perf_counter()
        stability_of(fits, replace(spec.economics, cost_per_action=spec.economics.cost_per_action * 2))
        result.add(f"{key}: money for new assumptions", [(time.perf_counter() - started) * 1000], "ms")
        stability = stability_of(fits)
        net = stability.net
        comparison = same_budget(scenario.scores, scenario.rule_flags, scenario.labels, scenario.values, spec.economics)
        policies = {"rule": scenario.rule_flags, "model": top_k_flags(scenario.scores, scenario.rule_count)}
        boot = bootstrap_outcomes(policies, scenario.labels, scenario.values, spec.economics)
        boot_sd = float(np.std(boot["model"]["net_value"] - boot["rule"]["net_value"], ddof=1))
        if config.stability_repeats > 1:
            result.notes.append(
                f"{key}: extra net value across {stability.repeats} test groups of {stability.fold_rows:,} rows "
                f"{net.low:,.0f} to {net.high:,.0f} (SD within rounds {net.sd:,.0f}); pages' split "
                f"{comparison.extra_net.estimate:,.0f}, bootstrap SD {boot_sd:,.0f} on {stability.heldout_rows:,} rows, "
                f"{stability.chance_sd_for(comparison.extra_net):,.0f} rescaled to a group")
    return result.as_dict()


if __name__ == "__main__":
    import sys

    from benchmarks.cli import main

    main(["--only", NAME, *sys.argv[1:]])
