"""``python -m benchmarks``: run the parts, print one table, write results/latest.json.

    python -m benchmarks                 # everything, full sizes (minutes; a quiet machine)
    python -m benchmarks --quick         # few runs, small sizes: a smoke check, figures not meaningful
    python -m benchmarks --only slider   # one part (repeat --only for more); --list names them

A part that fails is reported as failed and the others still run; every server, browser and
busy neighbour a part starts is stopped before the next part begins.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import json
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.config import FULL, QUICK, Config
from benchmarks.harness import RESULTS, machine
from benchmarks.report import table

# name -> (module, what it measures); the default run is every part but the extras.
PARTS = {
    "cold_start": ("benchmarks.bench_cold_start", "launch to first figure in chromium, quiet and beside busy cores"),
    "slider": ("benchmarks.bench_slider", "Decide slider key press to new readout, churn and a big demo"),
    "sweep": ("benchmarks.bench_sweep", "sweep and bootstrap build and look-ups, 10k to 1M scores"),
    "explain": ("benchmarks.bench_explain", "one explanation on the Examples page"),
    "ingest": ("benchmarks.bench_ingest", "a million rows through the Your data path, memory"),
    "viewers": ("benchmarks.bench_viewers", "a room of viewers opening the pitch at once, fits, memory"),
    "uploads": ("benchmarks.bench_uploads", "a viewer's slider quiet and during a decompression bomb or a large "
                                            "upload"),
    "telco_upload": ("benchmarks.bench_telco_upload", "the telco export (7,043 rows) chosen, built and its pitch's "
                                                      "first figure, per step: wall and server CPU"),
}
EXTRAS = {
    "stability": ("benchmarks.bench_stability", "the background refits per demo (not in the default run)"),
    "threads": ("benchmarks.bench_threads", "fitting on the app's thread count against all cores, quiet and "
                                            "beside busy cores (not in the default run)"),
    "soak": ("benchmarks.bench_soak", "fresh sessions walking every page on one server: memory, errors "
                                      "(not in the default run)"),
    "accessibility": ("benchmarks.bench_accessibility", "axe-core's serious and critical WCAG 2 A/AA findings on "
                                                        "every view, and a bare app (not in the default run)"),
    "peer": ("benchmarks.bench_peer", "Proofdeck against explainerdashboard (its own venv, --peer-python) on one "
                                      "fitted model: first chart, cut-off, memory (not in the default run)"),
}
ALIASES = {"compute": ("sweep", "explain")}  # issue 14's part 3, "compute alone"


def run_parts(names: list[str], config: Config) -> dict[str, dict]:
    """Run the named parts in order; each result is a dict (figures, targets, notes, or an error)."""
    results = {}
    for name in names:
        module = importlib.import_module({**PARTS, **EXTRAS}[name][0])
        started = time.perf_counter()
        print(f"... {name}", flush=True)
        try:
            result = module.run(config)
        except Exception as error:  # noqa: BLE001 - one part's failure must not hide the others
            result = {"error": f"{type(error).__name__}: {error}", "traceback": traceback.format_exc()}
        result["seconds"] = round(time.perf_counter() - started, 1)
        print(f"    done in {result['seconds']:.0f} s" + (f": FAILED {result['error']}" if "error" in result else ""),
              flush=True)
        results[name] = result
    return results


def main(argv: list[str] | None = None) -> dict:
    everything = {**PARTS, **EXTRAS}
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="few runs, small sizes: a smoke check, not figures")
    parser.add_argument("--only", action="append", choices=sorted([*everything, *ALIASES]), metavar="NAME",
                        help=f"run only this part (repeatable): {', '.join([*everything, *ALIASES])}")
    parser.add_argument("--list", action="store_true", help="list the parts and exit")
    parser.add_argument("--out", type=Path, default=RESULTS / "latest.json", help="where to write the JSON")
    parser.add_argument("--peer-python", help=f"the peer's interpreter for --only peer, in a venv of its own "
                                              f"(default {FULL.peer_python})")
    args = parser.parse_args(argv)
    if args.list:
        for name, (_, what) in everything.items():
            print(f"{name:<13} {what}")
        for name, parts in ALIASES.items():
            print(f"{name:<13} {' and '.join(parts)}")
        return {}
    config = QUICK if args.quick else FULL
    if args.peer_python:
        config = dataclasses.replace(config, peer_python=args.peer_python)
    names = list(dict.fromkeys(n for only in args.only for n in ALIASES.get(only, (only,)))) if args.only else list(PARTS)
    before = machine()
    print(f"Proofdeck benchmarks ({config.name}): {', '.join(names)} on {before['cores']} cores, "
          f"load {before['load_average'][0]:.1f}", flush=True)
    started = datetime.now(UTC)
    parts = run_parts(names, config)
    report = {
        "started": started.isoformat(timespec="seconds"),
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": "python -m benchmarks" + (" --quick" if args.quick else "")
                   + "".join(f" --only {n}" for n in (args.only or []))
                   + (f" --peer-python {args.peer_python}" if args.peer_python else ""),
        "machine": before,
        "load_average_after": machine()["load_average"],
        "config": config.as_dict(),
        "parts": parts,
    }
    print()
    if config.quick:
        print("QUICK RUN: small sizes and few runs, to check that every part works; the figures are not meaningful.")
    print(table(parts))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, default=str) + "\n", encoding="utf-8")
    print(f"\nwritten: {args.out}")
    return report
