"""Generated data for the benchmarks: churn-like tables of any size, and a demo folder for one.

The rows come from the churn sample's own seeded generator
(:func:`proofdeck.samples.churn.generate`), so the model has the same signal to find at a
million rows as at ten thousand. An export as people upload it has some mess on top: money
written as "$1,234.50" with blanks, which the Your data path has to read.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from proofdeck.samples import churn

ROOT = Path(__file__).resolve().parents[1]
CHURN_SPEC = ROOT / "demos" / "churn.toml"
CHURN_RULE = 'contract == "month-to-month" and tenure_months < 6'
OUTCOME = "churned_90d"


def churn_like(rows: int, seed: int = 0, messy: bool = False) -> pd.DataFrame:
    """A churn-like table of ``rows`` customers (the bundled demo's columns and signal).

    ``messy`` writes total charges as "$1,234.50", blank (" ") where unknown, as exports do.
    """
    frame = churn.generate(rows, seed=seed)
    if messy:
        total = frame["total_charges"].to_numpy()
        text = np.array([f"${v:,.2f}" if v == v else " " for v in total], dtype=object)
        frame = frame.assign(total_charges=text)
    return frame


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, lineterminator="\n")
    return path


def big_demo(folder: Path, rows: int, key: str = "churn_big", seed: int = 1) -> dict[str, str]:
    """A copy of the churn demo on ``rows`` generated customers, in ``folder``/demos and /data.

    Returns the environment a server needs to show it (and only it): PROOFDECK_DEMOS_DIR at
    the demos folder, PROOFDECK_DATA_ROOT at ``folder`` so the spec's data path is allowed.
    """
    data = write_csv(churn_like(rows, seed=seed), folder / "data" / f"{key}.csv")
    spec = CHURN_SPEC.read_text(encoding="utf-8")
    spec, replaced = re.subn(r'(?m)^path = ".*"$', f"path = {_toml_string(str(data))}", spec, count=1)
    if not replaced:
        raise ValueError(f"{CHURN_SPEC} has no data path line to point at the generated file")
    spec = re.sub(r'(?m)^title = "(.*)"$', lambda m: f'title = "{m.group(1)} ({rows:,} rows)"', spec, count=1)
    demos = folder / "demos"
    demos.mkdir(parents=True, exist_ok=True)
    (demos / f"{key}.toml").write_text(spec, encoding="utf-8")
    return {"PROOFDECK_DEMOS_DIR": str(demos), "PROOFDECK_DATA_ROOT": str(folder)}


def _toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
