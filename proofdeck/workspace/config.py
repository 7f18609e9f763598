"""Where the workspace lives and how much it may hold, from the environment.

By default an embedded SQLite file in ``workspace/`` beside app.py: nothing to set up, and a
restarted server finds everything. A team running more than one server points them all at one
PostgreSQL database with ``PROOFDECK_DATABASE_URL`` (docs/deploy.md).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DATABASE_URL_ENV = "PROOFDECK_DATABASE_URL"  # e.g. postgresql+psycopg://proofdeck@db/proofdeck
WORKSPACE_DIR_ENV = "PROOFDECK_WORKSPACE_DIR"  # the folder of the SQLite file (default workspace/)
MAX_ITEM_MB_ENV = "PROOFDECK_WORKSPACE_MAX_ITEM_MB"
MAX_TOTAL_MB_ENV = "PROOFDECK_WORKSPACE_MAX_TOTAL_MB"
SQLITE_FILE = "proofdeck.sqlite3"
_MB = 1_000_000


@dataclass(frozen=True)
class Limits:
    """Size limits: of one saved item's data, of all saved data, and of the review."""

    item_bytes: int = 100 * _MB  # the upload limit is 200 MB of text; its Parquet is far smaller
    total_bytes: int = 2_000 * _MB
    marks_per_item: int = 5_000
    links_per_item: int = 50


def _megabytes(name: str, default: int) -> int:
    text = os.environ.get(name, "").strip()
    try:
        return max(1, int(float(text) * _MB)) if text else default
    except ValueError:
        return default


def limits_from_env() -> Limits:
    base = Limits()
    return Limits(item_bytes=_megabytes(MAX_ITEM_MB_ENV, base.item_bytes),
                  total_bytes=_megabytes(MAX_TOTAL_MB_ENV, base.total_bytes))


def database_url(project_root: str | Path) -> str:
    """The configured database URL, or the SQLite file in the workspace folder (created)."""
    configured = os.environ.get(DATABASE_URL_ENV, "").strip()
    if configured:
        return configured
    folder = Path(os.environ.get(WORKSPACE_DIR_ENV, "") or Path(project_root) / "workspace")
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{(folder / SQLITE_FILE).resolve()}"


def shown_url(url: str) -> str:
    """The URL without its password, for messages and logs."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
