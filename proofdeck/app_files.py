"""Where the app's own files are: app.py, pages/, ui/, the demos and their data.

In a checkout they sit beside the package; an installed wheel carries a copy in
``proofdeck_app/`` beside it (pyproject.toml's force-include), laid out the same way.
"""

from __future__ import annotations

from pathlib import Path

# The private folder Proof.run (proofdeck/api.py) writes and a server it starts opens on.
LAUNCH_ENV = "PROOFDECK_LAUNCH_DIR"

_BESIDE = Path(__file__).resolve().parents[1]


def app_root() -> Path:
    """The folder holding ``app.py``: the checkout, else the installed copy."""
    for root in (_BESIDE, _BESIDE / "proofdeck_app"):
        if (root / "app.py").is_file() and (root / "pages").is_dir():
            return root
    raise FileNotFoundError(f"the app's files are neither in {_BESIDE} nor in {_BESIDE / 'proofdeck_app'}")


def bundled_spec(name: str) -> Path | None:
    """The spec file of a bundled demo named ``name`` ("churn"), or None."""
    if not name.replace("_", "").replace("-", "").isalnum():
        return None  # a name, never a path: "../x" or "a/b" are not demos
    try:
        path = app_root() / "demos" / f"{name}.toml"
    except FileNotFoundError:
        return None
    return path if path.is_file() else None
