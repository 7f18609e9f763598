"""The demos folder and its specs, cached: light enough for the pitch's first paint.

Only the standard library, numpy (through the spec) and Streamlit: nothing here may import
scikit-learn, pandas or plotly, because the first figure is drawn before they load.
"""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from proofdeck.data.spec_files import SpecCatalog, load_catalog

ROOT = Path(__file__).resolve().parents[2]
DEMOS_ENV = "PROOFDECK_DEMOS_DIR"  # another folder of demo specs, e.g. a team's own


def mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except (OSError, ValueError):
        return 0.0


@st.cache_data(show_spinner=False, max_entries=4)
def _catalog(folder: str, stamp: tuple[float, ...]) -> SpecCatalog:
    return load_catalog(folder)


def demos_dir() -> Path:
    """The folder of demo specs: demos/ unless PROOFDECK_DEMOS_DIR names another."""
    return Path(os.environ.get(DEMOS_ENV, ROOT / "demos"))


def catalog() -> SpecCatalog:
    """Every demo spec in the demos folder, reloaded when a file changes."""
    folder = demos_dir()
    stamp = tuple(mtime(p) for p in sorted(folder.glob("*.toml")))
    return _catalog(str(folder), stamp)
