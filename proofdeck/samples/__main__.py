"""Regenerate the sample datasets: ``python -m proofdeck.samples [folder]``."""

import sys
from pathlib import Path

from proofdeck.samples import write_samples

folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "data"
for path in write_samples(folder):
    sys.stdout.write(f"wrote {path}\n")
