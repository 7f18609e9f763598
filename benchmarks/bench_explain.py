"""Compute alone: how long the Examples page waits for one explanation, for each model kind.

Run from the repository root: ``python -m benchmarks --only explain``.

Times one example's full explanation (explain + top_reasons + sentence + contribution_figure)
against the same model scoring that one row (the least the page must do), plus the one-off
costs: importing shap, building the explainer (the first build pays for shap's own set-up)
and the overall importance on a sample of rows. Target of the Examples page: under 200 ms at
the 90th percentile.
"""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np

from benchmarks.config import FULL, Config
from benchmarks.report import PartResult
from benchmarks.synthetic import CHURN_SPEC

NAME = "explain"
TARGET_MS = 200.0


def run(config: Config = FULL) -> dict:
    """Explanation times on the churn demo, for each model kind in the config."""
    from threadpoolctl import threadpool_limits

    from proofdeck.charts.explanation import contribution_figure
    from proofdeck.data.spec import ModelSpec
    from proofdeck.data.spec_files import load_spec
    from proofdeck.explanation.explain import explanation_sentence, importance, make_explainer, top_reasons
    from proofdeck.model.scenario import build_scenario

    result = PartResult(NAME)
    started = time.perf_counter()
    import shap  # noqa: F401  (timed on its own: the Examples page is the first to pay for it)

    result.add("import shap", [time.perf_counter() - started], "s")
    spec = load_spec(CHURN_SPEC)
    for kind in config.explain_models:
        with threadpool_limits(limits=1):
            scenario = build_scenario(replace(spec, model=ModelSpec(kind=kind, seed=spec.model.seed)))
        model, heldout = scenario.model, scenario.heldout
        background = scenario.dataset.frame.iloc[scenario.split.train]
        builds = []
        for _ in range(2):
            started = time.perf_counter()
            explainer = make_explainer(model, background)
            builds.append(time.perf_counter() - started)
        result.add(f"{model.name}: build explainer, first", builds[:1], "s")
        result.add(f"{model.name}: build explainer, again", builds[1:], "s")
        started = time.perf_counter()
        importance(explainer, heldout, max_rows=config.importance_rows)
        result.add(f"{model.name}: importance on {config.importance_rows:,} rows", [time.perf_counter() - started], "s")

        positions = np.random.default_rng(0).integers(0, len(heldout), size=config.explain_repeats)
        one_row, explained = [], []
        for position in positions:
            rows = heldout.iloc[[int(position)]]
            started = time.perf_counter()
            model.score(rows)
            one_row.append(time.perf_counter() - started)
            started = time.perf_counter()
            explanation = explainer.explain(rows)
            row = rows.iloc[0]
            reasons = top_reasons(explanation.row(0), row, spec.label, flag_columns=scenario.flag_columns)
            explanation_sentence(spec.nouns.score, float(explanation.probability[0]), reasons,
                                 scenario.threshold_at(scenario.default_count), True)
            contribution_figure(explanation.row(0), spec.label, row, spec.nouns.score)
            explained.append(time.perf_counter() - started)
        scored = result.add(f"{model.name}: score one row (baseline)", [t * 1e3 for t in one_row], "ms")
        figure = result.add(f"{model.name}: one explanation (explain, words, chart)", [t * 1e3 for t in explained],
                            "ms", baseline=scored)
        result.target(f"one explanation, {model.name}: 90th percentile (ms)",
                      float(np.percentile(figure.values, 90)), TARGET_MS, unit="ms",
                      note="the Examples page's own target, not issue 14's")
    return result.as_dict()


if __name__ == "__main__":
    import sys

    from benchmarks.cli import main

    main(["--only", NAME, *sys.argv[1:]])
