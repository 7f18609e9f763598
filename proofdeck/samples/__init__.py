"""Seeded generators of the bundled sample datasets (all synthetic).

``python -m proofdeck.samples`` rewrites every file in ``data/``; rerunning it reproduces
them byte for byte.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from proofdeck.samples import campaign, churn, fraud, leads

GENERATORS: dict[str, Callable[[], pd.DataFrame]] = {
    "churn.csv": churn.generate,
    "leads.csv": leads.generate,
    "transactions.csv": fraud.generate,
    "campaign.csv": campaign.generate,
}
# Files beside a sample that only tests read (a synthetic demo's known truth): never a demo's
# data, never shown.
TRUTHS: dict[str, Callable[[], pd.DataFrame]] = {
    "campaign_truth.csv": campaign.truth,
}


def to_csv_text(frame: pd.DataFrame) -> str:
    """The exact text written for a sample: fixed line endings, no index."""
    return frame.to_csv(index=False, lineterminator="\n")


def write_samples(folder: str | Path) -> list[Path]:
    """Generate every sample into a folder; returns the files written."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, generate in {**GENERATORS, **TRUTHS}.items():
        path = folder / name
        path.write_text(to_csv_text(generate()), encoding="utf-8")
        written.append(path)
    return written
