"""How long a save to the team workspace and a read back take, on SQLite and (when
``PROOFDECK_TEST_POSTGRES_URL`` names a server, e.g. after ``source .ci/postgres``) PostgreSQL:
the 7,043-row telco-like export, each run a new content. Prints medians.

    PYTHONPATH=. python benchmarks/workspace_save.py
"""

from __future__ import annotations

import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from proofdeck.data.spec import Charter, Economics
from proofdeck.workspace.snapshot import TRAINED, Draft, Settings, parquet_to_frame
from proofdeck.workspace.store import Workspace

RUNS = 7


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from messy import telco_export

    frame = pd.read_csv(io.BytesIO(telco_export(7043)))
    urls = {"sqlite": f"sqlite:///{tempfile.mkdtemp()}/w.sqlite3"}
    if os.environ.get("PROOFDECK_TEST_POSTGRES_URL"):
        urls["postgresql"] = os.environ["PROOFDECK_TEST_POSTGRES_URL"]
    settings = Settings(Economics(cost_per_action=1.0), Charter())
    for name, url in urls.items():
        ws = Workspace(url)
        saves, opens, size = [], [], 0
        for run in range(RUNS):
            draft = Draft("timing", TRAINED, "x", settings, frame=frame.assign(run=run))  # new content each run
            start = time.perf_counter()
            created = ws.create(draft, by="benchmark")
            saves.append(time.perf_counter() - start)
            start = time.perf_counter()
            ws.open(created.tokens["viewer"])
            data = ws.data(created.tokens["viewer"])
            parquet_to_frame(data)
            opens.append(time.perf_counter() - start)
            size = len(data)
        print(f"{name}: save ({len(frame):,} rows, {size / 1e3:.0f} kB Parquet) median "
              f"{statistics.median(saves) * 1e3:.0f} ms; open + read back median "
              f"{statistics.median(opens) * 1e3:.0f} ms ({RUNS} runs)")
        ws.close()


if __name__ == "__main__":
    main()
