"""Run a module (``streamlit run app.py ...``) with every model fit counted in its log.

    python -m benchmarks.fit_counter streamlit run app.py --server.port 8600

Proof that a room of viewers fitted the model once has to be a count, not a guess, and the
app prints nothing per fit. This wrapper wraps :func:`proofdeck.model.scenario.build_scenario`
(a demo made ready: one per cache miss) and :func:`proofdeck.model.training.train_model` (every
fit, the background stability refits included) before anything imports them, so each call
prints one line to stderr; :func:`fit_counts` counts them in the server's log.
"""

from __future__ import annotations

import functools
import runpy
import sys
import time
from collections import Counter
from collections.abc import Callable
from typing import TextIO

MARK = "proofdeck-bench-fit"


def _counted(name: str, function: Callable, stream: TextIO) -> Callable:
    @functools.wraps(function)
    def counted(*args, **kwargs):
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            print(f"{MARK} {name} {time.perf_counter() - started:.3f}", file=stream, flush=True)

    return counted


def install(stream: TextIO | None = None) -> Callable[[], None]:
    """Count fits from now on; returns a function that puts the originals back.

    Modules that import the two functions by name later (ui.state, the stability refits) get
    the counted ones; proofdeck.model.scenario, which already holds ``train_model``, is
    patched too.
    """
    import proofdeck.model.scenario as scenario
    import proofdeck.model.training as training

    stream = stream or sys.stderr
    originals = (training.train_model, scenario.train_model, scenario.build_scenario)
    training.train_model = scenario.train_model = _counted("train_model", originals[0], stream)
    scenario.build_scenario = _counted("build_scenario", originals[2], stream)

    def uninstall() -> None:
        training.train_model, scenario.train_model, scenario.build_scenario = originals

    return uninstall


def fit_counts(log: str) -> Counter:
    """How many times each counted function ran, from the lines :func:`install` printed."""
    return Counter(line.split()[1] for line in log.splitlines() if line.startswith(MARK + " "))


def main() -> None:
    if len(sys.argv) < 2:
        raise SystemExit("usage: python -m benchmarks.fit_counter MODULE [ARGS...]")
    install()
    sys.argv = sys.argv[1:]
    runpy.run_module(sys.argv[0], run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
