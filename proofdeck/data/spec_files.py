"""Reading spec files: one file safely into a :class:`~proofdeck.data.spec.DemoSpec`, and a
folder of them into a catalog.

Spec files are trusted more than uploads (their authors run the app) but are still read
defensively: a broken file is one message in the catalog and never stops the other demos;
only regular files of at most :data:`MAX_SPEC_BYTES` are read, without blocking; a data path
must stay inside the project folder (or a folder named in :data:`DATA_ROOT_ENV`). Messages
never quote values from the file or absolute server paths; such detail goes to the server log
(``SpecError.detail``, logged by :func:`load_catalog`).
"""

from __future__ import annotations

import logging
import os
import re
import stat
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from proofdeck.data.spec import (
    ASSUMABLE,
    PREVENTS,
    Charter,
    DemoSpec,
    Economics,
    Headline,
    ModelSpec,
    Nouns,
    RuleSpec,
    SpecError,
    UpliftSpec,
    heading_key,
    spec_where,
)
from proofdeck.data.spec_schema import validate_document

LOG = logging.getLogger("proofdeck")

MAX_SPEC_BYTES = 256 * 1024  # a spec is a page of TOML; anything larger is not one
DATA_ROOT_ENV = "PROOFDECK_DATA_ROOT"  # more folders data paths may point into (os.pathsep list)
# A demo's key (its file name) travels in URLs (?demo=) and widget keys: keep it plain.
_KEY = re.compile(r"[A-Za-z0-9_-]{1,64}")


def load_spec(path: str | Path, root: str | Path | None = None) -> DemoSpec:
    """Read and validate a demo spec file.

    Parameters
    ----------
    path : the TOML file (a regular file of at most :data:`MAX_SPEC_BYTES`, UTF-8 with or
        without a byte-order mark). The data path inside it is relative to the file's folder.
    root : the folder the data path must stay inside (after following symlinks); default the
        spec folder's parent, the project folder that holds ``demos/`` and ``data/``. Folders
        named in the environment variable :data:`DATA_ROOT_ENV` are allowed too.

    Raises
    ------
    SpecError
        With a message naming the file (as :func:`spec_where` does), the field and the
        problem; ``error.detail`` holds what only the server log should see.
    """
    path = Path(path)
    where = spec_where(path)
    if not _KEY.fullmatch(path.stem):
        raise SpecError(
            f"{where}: the file name may use only letters, digits, '-' and '_' "
            "(it becomes the demo's key in links)"
        )
    text = _read_spec_text(path, where)
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise SpecError(f"{where}: is not valid TOML ({error})") from None
    except RecursionError:
        raise SpecError(f"{where}: is not a usable spec (it is nested too deeply)") from None
    except ValueError as error:  # int() refuses numbers of more than 4,300 digits
        raise SpecError(f"{where}: is not a usable spec (a number has too many digits)", str(error)) from None
    grouped = validate_document(document, where)
    data_path = _data_path(path, grouped["data"]["path"], where, root)
    model = grouped["model"]
    if model.get("kind") == "fitted":
        if "file" not in model:
            raise SpecError(f'{where}: [model] file: a model of kind "fitted" needs its file (a .skops file)')
        grouped = {**grouped, "model": {**model, "file": str(_data_path(path, model["file"], where, root,
                                                                          "[model] file"))}}
    elif "file" in model:
        raise SpecError(f'{where}: [model] file: only a model of kind "fitted" is read from a file')
    return _build(path, data_path, grouped)


def spec_from_text(text: str, path: Path, data_path: Path) -> DemoSpec:
    """A spec from its text, checked as a file is, for data that is not a file of this server
    (a proof of concept saved in the team workspace). ``path`` gives the demo its key (its stem)
    and ``data_path`` is a placeholder: the caller hands the data to the scenario itself.

    Raises
    ------
    SpecError
        As :func:`load_spec` does, naming ``path``.
    """
    where = spec_where(path)
    if not _KEY.fullmatch(path.stem):
        raise SpecError(f"{where}: the name may use only letters, digits, '-' and '_'")
    if len(text.encode("utf-8")) > MAX_SPEC_BYTES:
        raise SpecError(f"{where}: is larger than {MAX_SPEC_BYTES // 1024} KB; a spec is a short text")
    try:
        document = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError, ValueError) as error:
        raise SpecError(f"{where}: is not a usable spec", repr(error)) from None
    return _build(path, data_path, validate_document(document, where))


def _read_spec_text(path: Path, where: str) -> str:
    """The file's text; only a regular file, opened without blocking, of bounded size."""
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer (fstat then refuses it).
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise SpecError(f"{where}: cannot be read ({error.strerror or 'unknown error'})", repr(error)) from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise SpecError(f"{where}: is not a regular file (a folder, device or pipe cannot be a spec)")
        chunks, size = [], 0
        while size <= MAX_SPEC_BYTES:
            chunk = os.read(fd, MAX_SPEC_BYTES + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as error:
        raise SpecError(f"{where}: cannot be read ({error.strerror or 'unknown error'})", repr(error)) from None
    finally:
        os.close(fd)
    if size > MAX_SPEC_BYTES:
        raise SpecError(f"{where}: is larger than {MAX_SPEC_BYTES // 1024} KB; a spec is a short text file")
    try:
        return b"".join(chunks).decode("utf-8-sig")  # a byte-order mark is fine
    except UnicodeDecodeError:
        raise SpecError(f"{where}: is not UTF-8 text") from None


def allowed_data_roots(spec_path: str | Path, root: str | Path | None = None) -> list[Path]:
    """Folders a spec's data path may point into, resolved.

    ``root`` (default: the folder above the spec's folder, i.e. the project folder holding
    ``demos/`` and ``data/``), plus every folder named in :data:`DATA_ROOT_ENV`.
    """
    base = Path(root) if root is not None else Path(os.path.abspath(spec_path)).parent.parent
    roots = [base.resolve()]
    extra = os.environ.get(DATA_ROOT_ENV, "")
    roots += [Path(folder).resolve() for folder in extra.split(os.pathsep) if folder.strip()]
    return roots


def _data_path(spec_path: Path, text: str, where: str, root: str | Path | None,
               field: str = "[data] path") -> Path:
    """The spec's data (or model) file, resolved, confined to the allowed roots."""
    try:
        # Relative to the spec's own folder as written (a symlinked spec does not move it).
        resolved = (Path(os.path.abspath(spec_path)).parent / text).resolve()
        roots = allowed_data_roots(spec_path, root)
    except (OSError, RuntimeError, ValueError) as error:  # symlink loops, odd names
        raise SpecError(f"{where}: {field}: cannot be followed to a file", repr(error)) from None
    if not any(resolved.is_relative_to(folder) for folder in roots):
        raise SpecError(
            f"{where}: {field}: must point inside the project folder that holds the demos "
            f"folder (set {DATA_ROOT_ENV} to allow another folder)",
            f"{text!r} resolves to {resolved}, outside {', '.join(map(str, roots))}",
        )
    try:
        mode = resolved.stat().st_mode
    except OSError:
        return resolved  # a missing file is reported when the data is read
    if not stat.S_ISREG(mode):
        raise SpecError(f"{where}: {field}: is not a regular file")
    return resolved


def _build(path: Path, data_path: Path, grouped: dict[str, dict[str, Any]]) -> DemoSpec:
    top, data, econ = grouped[""], grouped["data"], grouped["economics"]
    nouns = Nouns(**grouped["nouns"])
    economics = Economics(
        currency=econ.get("currency", "$"),
        cost_per_action=float(econ["cost_per_action"]),
        value_per_won=float(econ.get("value_per_won", 0.0)),
        win_rate=float(econ.get("win_rate", 1.0)),
        fixed_cost=float(econ.get("fixed_cost", 0.0)),
        cost_per_miss=float(econ.get("cost_per_miss", 0.0)),
        population=float(econ.get("population", 0.0)),
        period=econ.get("period", "period"),
        value_column=econ.get("value_column"),
        assumed=tuple(econ.get("assumed", ())),
        action_effect=econ.get("action_effect", PREVENTS),
        ranges=tuple((name, float(econ[f"{name}_range"][0]), float(econ[f"{name}_range"][1]))
                     for name in ASSUMABLE if f"{name}_range" in econ),
    )
    features = data.get("features")
    uplift = grouped["uplift"]
    return DemoSpec(
        path=path,
        title=top["title"],
        question=top["question"],
        description=top.get("description", ""),
        synthetic=top.get("synthetic", False),
        order=top.get("order", 100),
        data_path=data_path,
        id_column=data["id_column"],
        target_column=data["target_column"],
        positive_value=str(data["positive_value"]),
        features=tuple(features) if features is not None else None,
        labels=dict(data.get("labels", {})),
        nouns=nouns,
        rule=RuleSpec(**grouped["rule"]),
        economics=economics,
        headline=Headline(**grouped["headline"]),
        model=ModelSpec(**grouped["model"]),
        charter=Charter(**{**grouped["charter"], "done": tuple(grouped["charter"].get("done", ("backtest",)))}),
        known_before=tuple(data.get("known_before", ())),
        groups=tuple((name, tuple(columns)) for name, columns in grouped.get("groups", {}).items()),
        uplift=UpliftSpec(**{**uplift, "treated_value": str(uplift["treated_value"])}) if uplift else None,
    )


def discover_specs(folder: str | Path) -> list[Path]:
    """All spec files in a folder, in a stable order."""
    return sorted(Path(folder).glob("*.toml"))


@dataclass
class SpecCatalog:
    """The demos found in a folder: the valid specs, and a message for each broken file.

    Attributes
    ----------
    specs : key (file name without .toml) -> spec, in picker order (``order``, then key).
    errors : key -> one message for each file that cannot be used (safe to show).
    warnings : key -> one message for each usable file with a problem worth saying, such as a
        title another demo already uses (both demos stay usable; see :attr:`titles`).
    """

    specs: dict[str, DemoSpec] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    warnings: dict[str, str] = field(default_factory=dict)

    @property
    def titles(self) -> dict[str, str]:
        """key -> the title to show in a picker, unique: a repeated title gets its file name
        added, e.g. "Customer churn (churn_copy.toml)", so every demo can be told apart."""
        counts: dict[str, int] = {}
        for spec in self.specs.values():
            counts[heading_key(spec.title)] = counts.get(heading_key(spec.title), 0) + 1
        return {
            key: spec.title if counts[heading_key(spec.title)] == 1 else f"{spec.title} ({spec.path.name})"
            for key, spec in self.specs.items()
        }

    @property
    def duplicate_titles(self) -> dict[str, list[str]]:
        """Title -> keys of the demos that share it (only titles used more than once)."""
        shared: dict[str, list[str]] = {}
        for key, spec in self.specs.items():
            shared.setdefault(heading_key(spec.title), []).append(key)
        return {self.specs[keys[0]].title: keys for keys in shared.values() if len(keys) > 1}


def load_catalog(folder: str | Path, root: str | Path | None = None) -> SpecCatalog:
    """Load every spec in a folder; a broken file is one message, never fatal for the others.

    Any failure of one file (not only :class:`SpecError`) is caught, logged with its detail on
    the ``proofdeck`` logger, and reported as one line in ``errors``. Titles used by more than
    one demo are reported in ``warnings`` (both demos are kept; pickers use ``titles``).

    Parameters
    ----------
    folder : the folder of ``*.toml`` specs.
    root : passed to :func:`load_spec` (where data paths may point).
    """
    catalog = SpecCatalog()
    for spec_path in discover_specs(folder):
        where = spec_where(spec_path)
        try:
            spec = load_spec(spec_path, root)
        except SpecError as error:
            LOG.warning("demo spec refused: %s%s", error, f" ({error.detail})" if error.detail else "")
            catalog.errors[spec_path.stem] = str(error)
        except Exception:  # one file must never take the catalog down
            LOG.exception("demo spec %s failed unexpectedly", spec_path)
            catalog.errors[spec_path.stem] = (
                f"{where}: cannot be loaded because of an unexpected problem (details are in the server log)"
            )
        else:
            catalog.specs[spec.key] = spec
    ordered = sorted(catalog.specs.values(), key=lambda s: (s.order, s.key))
    catalog.specs = {spec.key: spec for spec in ordered}
    for keys in catalog.duplicate_titles.values():
        first = catalog.specs[keys[0]]
        for key in keys[1:]:
            catalog.warnings[key] = (
                f"{catalog.specs[key].where}: title: the same as {first.where}; "
                "both are listed with their file names"
            )
    return catalog
