"""Scoring a big table with an exported model: Dask on a local cluster against pandas in chunks.

Writes a table of ROWS rows (default 10 million; the churn demo's held-out rows repeated with new
ids) as Parquet, exports the churn model, then scores the table ROUNDS times with each engine,
alternating, and prints each run, the medians, their ratio and the driver's peak memory. Both
write one Parquet scores file; both must give the same scores (checked on every run's first
rows).

    PYTHONPATH=. python benchmarks/score_scale.py [ROWS] [ROUNDS]
"""

from __future__ import annotations

import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from proofdeck.data.spec_files import load_spec
from proofdeck.model.scenario import build_scenario
from proofdeck.scoring import jobs
from proofdeck.scoring.model_file import scoring_model_of, write_model

ROOT = Path(__file__).resolve().parents[1]
GROUP_ROWS = 500_000


def write_table(path: Path, rows: int, heldout: pd.DataFrame, id_column: str) -> None:
    """The held-out rows repeated to ``rows``, in row groups, never all in memory at once."""
    writer = None
    for start in range(0, rows, GROUP_ROWS):
        size = min(GROUP_ROWS, rows - start)
        piece = heldout.iloc[np.arange(size) % len(heldout)].reset_index(drop=True)
        piece[id_column] = [f"R{start + i:09d}" for i in range(size)]
        table = pa.Table.from_pandas(piece, preserve_index=False)
        writer = writer or pq.ParquetWriter(path, table.schema)
        writer.write_table(table)
    writer.close()


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    from dask.distributed import Client, LocalCluster

    scenario = build_scenario(load_spec(ROOT / "demos" / "churn.toml"))
    folder = Path(tempfile.mkdtemp(prefix="proofdeck-score-"))
    model, table = folder / "churn.skops", folder / "table.parquet"
    write_model(scoring_model_of(scenario), model)
    started = time.perf_counter()
    write_table(table, rows, scenario.heldout, scenario.dataset.id_column)
    print(f"table: {rows:,} rows, {table.stat().st_size / 1e6:,.0f} MB Parquet, written in "
          f"{time.perf_counter() - started:.0f} s; {os.cpu_count()} cores")
    expected = scenario.scores[:1000]
    times: dict[str, list[float]] = {"pandas chunks": [], "dask (2 workers)": []}
    with LocalCluster(n_workers=os.cpu_count() or 2, threads_per_worker=1, dashboard_address=None,
                      host="127.0.0.1") as cluster, Client(cluster) as client:
        for round_number in range(rounds):
            for name in times:
                out = folder / f"scores-{round_number}.parquet"
                started = time.perf_counter()
                if name.startswith("pandas"):
                    written = jobs.score_with_pandas(model, table, out, chunk_rows=GROUP_ROWS)
                else:
                    written = jobs.score_with_dask(model, table, out, client=client)
                times[name].append(time.perf_counter() - started)
                first = pq.ParquetFile(out).read_row_group(0).column("score").to_numpy()[:1000]
                assert written == rows and np.array_equal(first, expected), "the engines disagree"
                print(f"round {round_number + 1}: {name}: {times[name][-1]:.1f} s "
                      f"({rows / times[name][-1] / 1e6:.2f} M rows/s)", flush=True)
                out.unlink()
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, median in medians.items():
        print(f"median {name}: {median:.1f} s")
    pandas_median, dask_median = medians.values()
    print(f"dask / pandas: {dask_median / pandas_median:.2f}x the time")
    print(f"driver peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")


if __name__ == "__main__":
    main()
