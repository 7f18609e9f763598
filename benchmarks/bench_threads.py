"""What bounding the model's fitting threads costs and saves (issue 14: threads for small data).

Run from the repository root: ``python -m benchmarks --only threads`` (not in the default run).

For each demo: the time to fit its model with the thread count the app chooses
(:func:`proofdeck.model.training.fitting_threads`: one thread below a size of work) against all
cores (the libraries' default), on a quiet machine and again beside one spinning process per
core, as a shared host or a room of viewers makes it. The quiet cost of the choice is the first
ratio; what it saves on a busy machine is the second.
"""

from __future__ import annotations

import os
import time

from benchmarks.config import FULL, Config
from benchmarks.harness import ROOT, busy_neighbours
from benchmarks.report import PartResult

NAME = "threads"


def _fit_seconds(dataset, split, settings, threads: int, runs: int) -> list[float]:
    from threadpoolctl import threadpool_limits

    from proofdeck.model.training import build_pipeline, split_feature_kinds

    numeric, categorical = split_feature_kinds(dataset.frame, dataset.features)
    frame = dataset.frame.iloc[split.train].loc[:, list(dataset.features)]
    labels = dataset.labels[split.train]
    seconds = []
    for _ in range(runs):
        pipeline = build_pipeline(settings.kind, numeric, categorical, settings.seed)
        started = time.perf_counter()
        with threadpool_limits(limits=threads):
            pipeline.fit(frame, labels)
        seconds.append(time.perf_counter() - started)
    return seconds


def run(config: Config = FULL) -> dict:
    from proofdeck.data.datasets import load_dataset
    from proofdeck.data.spec_files import load_spec
    from proofdeck.model.training import fitting_threads, holdout_split

    result = PartResult(NAME)
    cores = os.cpu_count() or 1
    runs = config.thread_runs
    for key in config.stability_demos:
        spec = load_spec(ROOT / "demos" / f"{key}.toml")
        dataset = load_dataset(spec)
        split = holdout_split(dataset.labels, spec.model.test_size, spec.model.seed)
        chosen = fitting_threads(len(split.train), len(dataset.features))
        result.notes.append(f"{key}: {len(split.train):,} train rows x {len(dataset.features)} columns; "
                            f"the app fits on {chosen} thread(s) of {cores}")
        for busy in (False, True):
            where = "beside busy cores" if busy else "quiet"
            if busy:
                with busy_neighbours():
                    every = _fit_seconds(dataset, split, spec.model, cores, runs)
                    app = _fit_seconds(dataset, split, spec.model, chosen, runs)
            else:
                every = _fit_seconds(dataset, split, spec.model, cores, runs)
                app = _fit_seconds(dataset, split, spec.model, chosen, runs)
            base = result.add(f"{key}, {where}: fit on all {cores} cores (library default)", every, "s")
            result.add(f"{key}, {where}: fit as the app does ({chosen} thread(s))", app, "s", baseline=base)
    return result.as_dict()


if __name__ == "__main__":
    import sys

    from benchmarks.cli import main

    main(["--only", NAME, *sys.argv[1:]])
