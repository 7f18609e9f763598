"""Benchmark: reading and profiling a messy 1,000,000-row, 20-column CSV export.

Run from the repository root: python -m benchmarks.bench_ingest [rows]
Writes the export to a temporary folder, then, in a fresh process (so memory is only what
reading needs), times read_upload, profile_table, build_outcome and find_leaks, and prints
the peak resident memory of that process above its size after imports. Not a test: these
machines are shared, so figures are read by people, never asserted.

The export has what real ones hold: an id column, numbers with blanks (" "), "$1,234.50"
amounts, "12%" shares, categories, a yes/no outcome in the middle, and a date.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
import proofdeck.upload.ingest, proofdeck.upload.profile, proofdeck.upload.labels, proofdeck.upload.leakage  # imports first
from proofdeck.upload.ingest import read_upload
from proofdeck.upload.labels import build_outcome
from proofdeck.upload.leakage import find_leaks
from proofdeck.upload.profile import profile_table

def rss_mb():
    # The high-water mark of this process's memory (VmHWM); ru_maxrss would carry the parent's.
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

path = Path(sys.argv[1])
base = rss_mb()
times = {}
start = time.perf_counter(); raw = path.read_bytes(); times["read bytes"] = time.perf_counter() - start
start = time.perf_counter(); table = read_upload(path.name, raw, max_bytes=1 << 30); times["read_upload"] = time.perf_counter() - start
start = time.perf_counter(); profile = profile_table(table); times["profile_table"] = time.perf_counter() - start
after_profile = rss_mb()
start = time.perf_counter(); outcome = build_outcome(table.frame, "churned"); times["build_outcome"] = time.perf_counter() - start
features = profile.features(outcome="churned")
start = time.perf_counter()
find_leaks(table.frame.iloc[outcome.rows], outcome.labels, features, "churned")
times["find_leaks (200k-row sample)"] = time.perf_counter() - start
print(json.dumps({"times": times, "base": base, "after_profile": after_profile, "peak": rss_mb(),
                  "frame_mb": table.frame.memory_usage(deep=True).sum() / 1e6,
                  "shape": list(table.frame.shape), "conversions": [c.sentence for c in table.conversions],
                  "file_mb": len(raw) / 1e6}))
"""


def messy_export(rows: int, seed: int = 0) -> pd.DataFrame:
    """A 20-column export with the usual mess; about 125 bytes a row."""
    rng = np.random.default_rng(seed)
    columns: dict[str, object] = {"customer_id": np.char.add("C", np.arange(rows).astype("U8"))}
    for j in range(7):
        columns[f"measure_{j}"] = np.round(rng.normal(100, 30, rows), 2)
    columns["tenure"] = rng.integers(0, 72, rows)
    total = np.round(rng.gamma(2.0, 500.0, rows), 2).astype("U12")
    total[rng.random(rows) < 0.01] = " "
    columns["total_charges"] = total
    columns["churned"] = np.where(rng.random(rows) < 0.2, "Yes", "No")
    columns["price"] = [f"${v:,.2f}" for v in rng.gamma(2.0, 800.0, rows)]
    columns["usage_share"] = np.char.add(rng.integers(0, 100, rows).astype("U3"), "%")
    for j in range(5):
        columns[f"category_{j}"] = rng.choice(["north", "south", "east", "west", "unknown"], rows)
    columns["signup_date"] = (np.datetime64("2020-01-01") + rng.integers(0, 1500, rows)).astype(str)
    return pd.DataFrame(columns)


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.csv"
        start = time.perf_counter()
        messy_export(rows).to_csv(path, index=False)
        print(f"wrote {rows:,} rows in {time.perf_counter() - start:.1f} s")
        result = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, check=True)
    figures = json.loads(result.stdout)
    print(f"file: {figures['file_mb']:.0f} MB, frame: {figures['shape'][0]:,} rows x {figures['shape'][1]} columns")
    for name, seconds in figures["times"].items():
        print(f"  {name:<30} {seconds:6.2f} s")
    print(f"  {'read + profile':<30} {figures['times']['read_upload'] + figures['times']['profile_table']:6.2f} s")
    print(
        f"peak memory above imports: {figures['after_profile'] - figures['base']:,.0f} MB after read + profile "
        f"(file bytes included), {figures['peak'] - figures['base']:,.0f} MB at the end"
    )
    print(f"the frame itself: {figures['frame_mb']:,.0f} MB")
    for sentence in figures["conversions"]:
        print("  " + sentence)


if __name__ == "__main__":
    main()
