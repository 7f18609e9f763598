"""The held-out results of a fitted demo, kept on disk so a fresh server answers at once.

Importing scikit-learn, pandas and SciPy and fitting the model take seconds; the pitch page's
first figure needs none of it, only the held-out scores, outcomes, values and the rule's flags.
After a demo is fitted they are written here as a numpy ``.npz`` file (never a pickle: loaded
with ``allow_pickle=False``), keyed by everything the numbers depend on: the spec file's bytes,
the data file's size and modification time, the versions of the libraries that fit the model,
and :data:`PIPELINE_VERSION` (raise it whenever training or scoring changes). A key that does
not match is a miss, and the page fits as before; the cached arrays are the very numbers the
fit produced, so nothing shown changes.

The same folder keeps small JSON records computed from a demo's files (the leak guard's
finding on a bundled demo, which refits the model a few times): :func:`save_record` and
:func:`load_record`, under the same key.

This module imports only numpy and the standard library.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np

LOG = logging.getLogger("proofdeck")
PIPELINE_VERSION = "1"  # training and scoring as in proofdeck.model (raise when they change)
CACHE_ENV = "PROOFDECK_CACHE_DIR"  # another folder; "off" turns the cache off
_LIBRARIES = ("scikit-learn", "numpy", "pandas", "pyarrow")


@dataclass(frozen=True)
class HeldOutResults:
    """What the pitch's first figure needs, as the fitted demo computed it."""

    scores: np.ndarray
    labels: np.ndarray
    values: np.ndarray
    rule_flags: np.ndarray
    train_rows: int

    @property
    def size(self) -> int:
        return int(self.scores.size)


def cache_dir(root: Path) -> Path | None:
    """The cache folder: ``<root>/.cache`` unless the environment names another or "off"."""
    wanted = os.environ.get(CACHE_ENV)
    if wanted and wanted.strip().lower() in ("off", "0", "none"):
        return None
    return Path(wanted) if wanted else root / ".cache"


def results_key(spec_path: Path, data_path: Path) -> str | None:
    """A key for everything the held-out numbers depend on (None when a file is unreadable)."""
    try:
        spec_bytes = Path(spec_path).read_bytes()
        data = Path(data_path).stat()
    except OSError:
        return None
    versions = []
    for name in _LIBRARIES:
        try:
            versions.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name}=none")
    digest = hashlib.sha256()
    for part in (PIPELINE_VERSION, spec_bytes.hex(), str(data.st_size), str(data.st_mtime_ns), *versions):
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()[:32]


def _path(folder: Path, name: str, key: str) -> Path:
    safe = "".join(ch for ch in name if ch.isalnum() or ch in "-_")[:40] or "demo"
    return folder / f"{safe}-{key}.npz"


def save_results(folder: Path | None, name: str, key: str | None, results: HeldOutResults) -> None:
    """Write the results atomically; a failure is logged, never raised (the cache is optional)."""
    if folder is None or key is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, suffix=".tmp", delete=False) as handle:
            np.savez(handle, scores=results.scores, labels=results.labels, values=results.values,
                     rule_flags=results.rule_flags, meta=np.array(json.dumps({"train_rows": results.train_rows})))
        os.replace(handle.name, _path(folder, name, key))
    except OSError as error:
        LOG.info("held-out results of %s not cached: %s", name, error)


def load_results(folder: Path | None, name: str, key: str | None) -> HeldOutResults | None:
    """The cached results for this key, or None (a miss, a damaged file, a cache turned off)."""
    if folder is None or key is None:
        return None
    path = _path(folder, name, key)
    try:
        with np.load(path, allow_pickle=False) as stored:
            meta = json.loads(str(stored["meta"]))
            results = HeldOutResults(
                scores=stored["scores"].astype(float), labels=stored["labels"].astype(bool),
                values=stored["values"].astype(float), rule_flags=stored["rule_flags"].astype(bool),
                train_rows=int(meta["train_rows"]),
            )
    except (OSError, KeyError, ValueError, TypeError):
        return None
    same = results.scores.shape == results.labels.shape == results.values.shape == results.rule_flags.shape
    return results if same and results.scores.ndim == 1 else None


def _record_path(folder: Path, name: str, key: str) -> Path:
    return _path(folder, name, key).with_suffix(".json")


def save_record(folder: Path | None, name: str, key: str | None, record: dict) -> None:
    """Write a JSON record atomically; a failure is logged, never raised (the cache is optional)."""
    if folder is None or key is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=folder, suffix=".tmp", delete=False, encoding="utf-8") as handle:
            json.dump(record, handle)
        os.replace(handle.name, _record_path(folder, name, key))
    except (OSError, TypeError, ValueError) as error:
        LOG.info("record %s not cached: %s", name, error)


def load_record(folder: Path | None, name: str, key: str | None) -> dict | None:
    """The record written under this name and key, or None (a miss, a damaged file, no cache)."""
    if folder is None or key is None:
        return None
    try:
        record = json.loads(_record_path(folder, name, key).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None
