"""Demo specs: one TOML file per demo, validated into frozen dataclasses.

A spec declares everything a page needs to speak one business's language: the data file,
the outcome, the nouns, today's rule, the unit economics and the model settings. Pages read
all of their words and money from here, so adding a demo is a TOML file and a CSV.

Every problem is reported as one :class:`SpecError` naming the file (relative to the folder
that holds it, never an absolute path), the field and what is wrong, e.g.
``demos/churn.toml: [economics] cost_per_action: expected a number, got text``.

Spec files are trusted more than uploads (their authors run the app) but are still read
defensively: a broken file is one message in the catalog and never stops the other demos;
only regular files of at most :data:`MAX_SPEC_BYTES` are read, without blocking; every number
is finite and inside a sensible range; a data path must stay inside the project folder.
Messages never quote values from the file or absolute server paths; such detail goes to the
server log (``SpecError.detail``, logged by :func:`load_catalog`).
"""

from __future__ import annotations

import logging
import math
import os
import re
import stat
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from proofdeck.data.names import readable_name

LOG = logging.getLogger("proofdeck")

MODEL_KINDS = ("gradient_boosting", "logistic_regression")
HEADLINE_FIGURES = ("net_value", "cost_per_won", "value_won")

MAX_SPEC_BYTES = 256 * 1024  # a spec is a page of TOML; anything larger is not one
MAX_TEXT_LENGTH = 1_000  # any text field, list item or label
MAX_DESCRIPTION_LENGTH = 10_000  # the top-level description
MAX_SEED = 2**32 - 1  # numpy and scikit-learn seeds are 32-bit
ORDER_BOUNDS = (-1_000_000, 1_000_000)
DATA_ROOT_ENV = "PROOFDECK_DATA_ROOT"
UPLOADS = "uploads"  # the placeholder folder of specs made in a session from an upload  # more folders data paths may point into (os.pathsep list)

# Sensible range of every money, count and share field, inclusive: (low, high). The spec check
# and the Assumptions form use the same ranges, so no figure can overflow or become nan.
ECONOMICS_BOUNDS: dict[str, tuple[float, float]] = {
    "cost_per_action": (0.0, 1e9),
    "value_per_won": (0.0, 1e9),
    "win_rate": (0.0001, 1.0),
    "fixed_cost": (0.0, 1e12),
    "cost_per_miss": (0.0, 1e9),
    "population": (0.0, 1e12),
}
# A demo's key (its file name) travels in URLs (?demo=) and widget keys: keep it plain.
_KEY = re.compile(r"[A-Za-z0-9_-]{1,64}")
# Names of keys and columns are quoted in messages only when they are short and plain.
_PLAIN_NAME = re.compile(r"[\w .()/-]{1,60}")


class SpecError(ValueError):
    """A demo spec that cannot be used, with a message naming file and field.

    Attributes
    ----------
    detail : what only the server log should see (a value from the file, a resolved path),
        or None. ``str(error)`` is safe to show to visitors.
    """

    def __init__(self, message: str, detail: str | None = None):
        super().__init__(message)
        self.detail = detail


def spec_where(path: str | Path) -> str:
    """The spec file as named in messages: its folder and file name, e.g. ``demos/churn.toml``.

    Never an absolute path, so a message can be shown to anyone.
    """
    path = Path(path)
    return f"{path.parent.name}/{path.name}" if path.parent.name else path.name


@dataclass(frozen=True)
class Nouns:
    """The business words a demo uses for the technical ideas (DESIGN.md, Vocabulary)."""

    entity: str
    entities: str
    positive: str
    positives: str
    positive_meaning: str
    action: str
    actions: str
    act: str
    score: str
    won: str
    won_plural: str
    negatives: str = ""

    @property
    def non_positives(self) -> str:
        """Plural noun for examples without the outcome, e.g. "customers who stayed"."""
        return self.negatives or f"other {self.entities}"


@dataclass(frozen=True)
class Economics:
    """Unit economics of the action; every money figure is derived from these.

    Attributes
    ----------
    cost_per_action : money spent on each example acted on (one offer, one call).
    value_per_won : money gained per positive the action wins, unless ``value_column`` is set,
        in which case each example's own value is used (e.g. a transaction amount).
    win_rate : share of reached positives the action actually wins (0 to 1].
    fixed_cost : cost per period of running the programme at all (only when acting on anyone).
    cost_per_miss : extra cost of each positive that is not acted on (e.g. a chargeback fee).
    population : examples per period; held-out counts are scaled up to it (0 = no scaling).
    period : the period the population refers to ("quarter", "month").
    value_column : a column with each example's own value (replaces ``value_per_won``).
    assumed : fields that still hold example values nobody confirmed (an upload starts with
        a bundled demo's money as placeholders); every page says so until they are changed
        or confirmed.
    """

    currency: str = "$"
    cost_per_action: float = 0.0
    value_per_won: float = 0.0
    win_rate: float = 1.0
    fixed_cost: float = 0.0
    cost_per_miss: float = 0.0
    population: float = 0.0
    period: str = "period"
    value_column: str | None = None
    assumed: tuple[str, ...] = ()

    @property
    def unconfirmed(self) -> tuple[str, ...]:
        """The money fields still holding example values nobody confirmed (in field order)."""
        return tuple(name for name in ASSUMABLE if name in self.assumed)

    def confirmed(self, *names: str) -> Economics:
        """These economics with the named fields confirmed as the business's own (someone set
        them), the others as they were."""
        return replace(self, assumed=tuple(a for a in self.assumed if a not in names))

    def scale_for(self, n_heldout: int) -> float:
        """Factor that turns held-out counts into counts per period for the population."""
        if self.population <= 0 or n_heldout <= 0:
            return 1.0
        return self.population / n_heldout


# Money fields an upload starts with as example values (see Economics.assumed).
ASSUMABLE = ("cost_per_action", "value_per_won", "win_rate", "fixed_cost", "cost_per_miss")


@dataclass(frozen=True)
class RuleSpec:
    expression: str
    description: str


@dataclass(frozen=True)
class ModelSpec:
    kind: str = "gradient_boosting"
    test_size: float = 0.3
    seed: int = 42


@dataclass(frozen=True)
class Headline:
    """Which money figure leads every page, and the demo's names for figures."""

    figure: str = "net_value"
    cost_per_won_label: str = "cost per won"
    value_won_label: str = "value won"
    value_to_cost_label: str = "value per 1 spent"


# The readiness checklist for production, in the order a POC goes through it.
READINESS = {
    "backtest": "A backtest on held-out data",
    "gold_set": "A hand-checked gold set",
    "shadow_run": "A shadow run beside today's rule",
    "ab_test": "An A/B test",
}


@dataclass(frozen=True)
class Charter:
    """The POC's ask: what happens to a flagged example and who does it, the metric and the move
    it promises, and how ready it is for production.

    Attributes
    ----------
    action : what happens to a flagged example, and who does it ("the retention team calls").
    owner : who signs the ask ("Head of retention").
    metric : the business metric the POC moves ("churn among contacted customers").
    metric_from, metric_to : the promise, as people say it ("22%" to "18%").
    done : keys of :data:`READINESS` already done (a backtest is what Proofdeck itself shows).
    """

    action: str = ""
    owner: str = ""
    metric: str = ""
    metric_from: str = ""
    metric_to: str = ""
    done: tuple[str, ...] = ("backtest",)

    @property
    def promise(self) -> str:
        """"churn among contacted customers from 22% to 18%" (empty when not stated)."""
        if not self.metric:
            return ""
        if self.metric_from and self.metric_to:
            return f"{self.metric} from {self.metric_from} to {self.metric_to}"
        return self.metric

    @property
    def checklist(self) -> list[tuple[str, bool]]:
        """(step, done) for every readiness step, in order."""
        return [(text, key in self.done) for key, text in READINESS.items()]


@dataclass(frozen=True)
class DemoSpec:
    """One demo: its data and outcome, words, today's rule, money, model and charter.

    Built from a TOML file by :func:`load_spec` (every field is described in docs/specs.md),
    or in a session from an upload. ``labels`` maps columns to readable names (see
    :meth:`label`); ``known_before`` lists the columns someone confirmed are known before the
    action is taken (the leak guard asks about the strongest ones).
    """

    path: Path
    title: str
    question: str
    description: str
    synthetic: bool
    data_path: Path
    id_column: str
    target_column: str
    positive_value: str
    features: tuple[str, ...] | None
    labels: dict[str, str]
    nouns: Nouns
    rule: RuleSpec
    economics: Economics
    headline: Headline
    model: ModelSpec
    order: int = 100
    charter: Charter = field(default_factory=Charter)
    known_before: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """Short identifier of the demo: its file name without extension."""
        return self.path.stem

    def label(self, column: str) -> str:
        """Readable label of a column, falling back to the column name made readable
        ("MonthlyCharges" -> "Monthly charges", see :func:`proofdeck.data.names.readable_name`)."""
        if column in self.labels:
            return self.labels[column]
        return readable_name(column)

    @property
    def uploaded(self) -> bool:
        """Made in a session from an uploaded file (no file on the server: no link reopens it)."""
        return self.path.parent == Path(UPLOADS)

    @property
    def where(self) -> str:
        """The spec file as named in messages (``demos/churn.toml``); see :func:`spec_where`."""
        return spec_where(self.path)

    def label_clash(self, columns: Iterable[str], reserved: Iterable[str] = ()) -> str | None:
        """Say which two columns would be shown under the same heading, or None.

        Parameters
        ----------
        columns : the data's columns that may be shown (labelled or not).
        reserved : headings a table adds itself (e.g. "Outcome"); a label may not take them.

        Returns
        -------
        A message such as ``[data.labels] plan_name: same label as plan``, or None.
        Comparison ignores case and repeated spaces, as people read headings.
        """
        seen: dict[str, str] = {_heading_key(h): f"the table's own column {h!r}" for h in reserved}
        for column in columns:
            key = _heading_key(self.label(column))
            if key in seen:
                return f"[data.labels] {_shown(column)}: same label as {seen[key]}"
            seen[key] = _shown(column)
        return None


def _heading_key(text: str) -> str:
    return " ".join(str(text).casefold().split())


def _shown(name: Any) -> str:
    """A key or column name for a message: itself when short and plain, else a placeholder."""
    text = str(name)
    return text if _PLAIN_NAME.fullmatch(text) else "(a name with unusual characters)"


# --- declarative schema --------------------------------------------------------------------
# Each field: (expected kind, required, check). A check returns an error text or None.
# Kinds are checked first, so a check sees a value of the right type.


def _plain_number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,g}"


def _as_float(value: int | float) -> float | None:
    """The value as a finite float, or None (inf, nan, or an int too large for a float)."""
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def _bounded(low: float, high: float, share: bool = False) -> Callable[[float], str | None]:
    def check(value: float) -> str | None:
        number = _as_float(value)
        if number is None:
            return "must be a finite number"
        if share and not 0 < number <= 1:
            return "must be a share between 0 (excluded) and 1"
        if number < low:
            return "must be 0 or more" if low == 0 else f"must be at least {_plain_number(low)}"
        if number > high:
            return f"must be at most {_plain_number(high)}"
        return None

    return check


def _economics_check(name: str) -> Callable[[float], str | None]:
    low, high = ECONOMICS_BOUNDS[name]
    return _bounded(low, high, share=name == "win_rate")


def _test_size(value: float) -> str | None:
    number = _as_float(value)
    return None if number is not None and 0.05 <= number <= 0.9 else "must be between 0.05 and 0.9"


def _seed(value: int) -> str | None:
    return None if 0 <= value <= MAX_SEED else f"must be a whole number from 0 to {MAX_SEED:,}"


def _order(value: int) -> str | None:
    low, high = ORDER_BOUNDS
    return None if low <= value <= high else f"must be between {low:,} and {high:,}"


def _one_of(options: tuple[str, ...]) -> Callable[[str], str | None]:
    def check(value: str) -> str | None:
        return None if value in options else f"must be one of {', '.join(options)}"

    return check


def _not_blank(value: str) -> str | None:
    return None if value.strip() else "must not be empty"


def _data_path_text(value: str) -> str | None:
    if not value.strip():
        return "must not be empty"
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        return "must not contain control characters (such as a NUL byte or a line break)"
    return None


def _positive_value(value: str | int | float | bool) -> str | None:
    if isinstance(value, float) and not math.isfinite(value):
        return "must be a finite number"
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**15:
        return "must be a whole number of at most 15 digits"
    if isinstance(value, str) and not value.strip():
        return "must not be empty"
    return None


def _readiness_keys(value: list[str]) -> str | None:
    unknown = [name for name in value if name not in READINESS]
    if unknown:
        return f"must name steps among {', '.join(READINESS)}"
    return None


def _distinct_columns(value: list[str]) -> str | None:
    if not value:
        return "must name at least one column"
    if any(not name.strip() for name in value):
        return "must not hold an empty name"
    seen: set[str] = set()
    for name in value:
        if name in seen:
            return f"names {_shown(name)} twice"
        seen.add(name)
    return None


def _names_or_none(value: list[str]) -> str | None:
    return None if not value else _distinct_columns(value)


def _assumable(value: list[str]) -> str | None:
    if any(name not in ASSUMABLE for name in value):
        return f"must name fields among {', '.join(ASSUMABLE)}"
    return None


def _distinct_labels(value: dict[str, str]) -> str | None:
    seen: dict[str, str] = {}
    for column, label in value.items():
        if not column.strip() or not label.strip():
            return "column names and labels must not be empty"
        key = _heading_key(label)
        if key in seen:
            return f"{_shown(column)} has the same label as {seen[key]}; labels must differ"
        seen[key] = _shown(column)
    return None


Check = Callable[[Any], "str | None"] | None
Field = tuple[str, bool, Check]

SCHEMA: dict[str, dict[str, Field]] = {
    "": {
        "title": ("text", True, _not_blank),
        "question": ("text", True, _not_blank),
        "description": ("long_text", False, None),
        "synthetic": ("bool", False, None),
        "order": ("int", False, _order),
    },
    "data": {
        "path": ("text", True, _data_path_text),
        "id_column": ("text", True, _not_blank),
        "target_column": ("text", True, _not_blank),
        "positive_value": ("scalar", True, _positive_value),
        "features": ("text_list", False, _distinct_columns),
        "labels": ("text_table", False, _distinct_labels),
        "known_before": ("text_list", False, _names_or_none),
    },
    "nouns": {
        "entity": ("text", True, _not_blank),
        "entities": ("text", True, _not_blank),
        "positive": ("text", True, _not_blank),
        "positives": ("text", True, _not_blank),
        "positive_meaning": ("text", True, _not_blank),
        "action": ("text", True, _not_blank),
        "actions": ("text", True, _not_blank),
        "act": ("text", True, _not_blank),
        "score": ("text", True, _not_blank),
        "won": ("text", True, _not_blank),
        "won_plural": ("text", True, _not_blank),
        "negatives": ("text", False, None),
    },
    "rule": {
        "expression": ("text", True, _not_blank),
        "description": ("text", True, _not_blank),
    },
    "economics": {
        "currency": ("text", False, None),
        "cost_per_action": ("number", True, _economics_check("cost_per_action")),
        "value_per_won": ("number", False, _economics_check("value_per_won")),
        "value_column": ("text", False, _not_blank),
        "win_rate": ("number", False, _economics_check("win_rate")),
        "fixed_cost": ("number", False, _economics_check("fixed_cost")),
        "cost_per_miss": ("number", False, _economics_check("cost_per_miss")),
        "population": ("number", False, _economics_check("population")),
        "period": ("text", False, _not_blank),
        "assumed": ("text_list", False, _assumable),
    },
    "headline": {
        "figure": ("text", False, _one_of(HEADLINE_FIGURES)),
        "cost_per_won_label": ("text", False, _not_blank),
        "value_won_label": ("text", False, _not_blank),
        "value_to_cost_label": ("text", False, _not_blank),
    },
    "charter": {
        "action": ("long_text", False, _not_blank),
        "owner": ("text", False, _not_blank),
        "metric": ("text", False, _not_blank),
        "metric_from": ("text", False, _not_blank),
        "metric_to": ("text", False, _not_blank),
        "done": ("text_list", False, _readiness_keys),
    },
    "model": {
        "kind": ("text", False, _one_of(MODEL_KINDS)),
        "test_size": ("number", False, _test_size),
        "seed": ("int", False, _seed),
    },
}
REQUIRED_SECTIONS = ("data", "nouns", "rule", "economics")

_WANTED = {
    "text": "text",
    "long_text": "text",
    "bool": "true or false",
    "int": "a whole number",
    "number": "a number",
    "scalar": "a text, number or true/false",
    "text_list": "a list of texts",
    "text_table": "a table of texts",
}


def _value_kind(value: Any) -> str:
    """What a TOML value is, in plain words (never the value itself: messages are public)."""
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return "a date or time"


def _kind_error(kind: str, value: Any) -> str | None:
    """Return what is wrong with the value's type or length, or None when it fits the kind."""
    if kind in ("text", "long_text"):
        ok = isinstance(value, str)
    elif kind == "bool":
        ok = isinstance(value, bool)
    elif kind == "int":
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif kind == "number":
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    elif kind == "scalar":
        ok = isinstance(value, (str, int, float, bool))
    elif kind == "text_list":
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
    elif kind == "text_table":
        ok = isinstance(value, dict) and all(isinstance(v, str) for v in value.values())
    else:  # pragma: no cover - schema typo
        raise AssertionError(kind)
    if not ok:
        return f"expected {_WANTED[kind]}, got {_value_kind(value)}"
    limit = MAX_DESCRIPTION_LENGTH if kind == "long_text" else MAX_TEXT_LENGTH
    texts = [value] if isinstance(value, str) else []
    if isinstance(value, list):
        texts = value
    elif isinstance(value, dict):
        texts = [*value, *value.values()]
    if any(len(text) > limit for text in texts):
        return f"is longer than {limit:,} characters"
    return None


def validate_document(document: dict[str, Any], where: str) -> dict[str, dict[str, Any]]:
    """Check a parsed TOML document against SCHEMA; return its fields grouped by section."""

    def fail(section: str, name: str, problem: str, detail: str | None = None) -> SpecError:
        place = f"[{section}] {_shown(name)}" if section else _shown(name)
        return SpecError(f"{where}: {place}: {problem}", detail)

    grouped: dict[str, dict[str, Any]] = {section: {} for section in SCHEMA}
    for name, value in document.items():
        if name in SCHEMA and name:
            if not isinstance(value, dict):
                raise fail("", name, "expected a table ([" + name + "])")
            grouped[name] = dict(value)
        elif name in SCHEMA[""]:
            grouped[""][name] = value
        elif isinstance(value, dict):
            known = ", ".join(f"[{s}]" for s in SCHEMA if s)
            raise SpecError(f"{where}: [{_shown(name)}]: unknown section; known sections are {known}")
        else:
            raise fail("", name, f"unknown key; known keys are {', '.join(SCHEMA[''])}")
    for section, fields in SCHEMA.items():
        if section in REQUIRED_SECTIONS and section not in document:
            raise SpecError(f"{where}: [{section}]: missing section")
        values = grouped[section]
        for name in values:
            if name not in fields:
                raise fail(section, name, f"unknown key; known keys are {', '.join(fields)}")
        for name, (kind, required, check) in fields.items():
            if name not in values:
                if required:
                    raise fail(section, name, "missing")
                continue
            problem = _kind_error(kind, values[name])
            if problem is None and check is not None:
                problem = check(values[name])
            if problem:
                shown = repr(values[name])
                detail = f"got {shown[:200]}{'...' if len(shown) > 200 else ''}"
                raise fail(section, name, problem, detail)
    economics = grouped["economics"]
    if "value_per_won" not in economics and "value_column" not in economics:
        raise fail("economics", "value_per_won", "missing (or give value_column)")
    return grouped


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
    return _build(path, data_path, grouped)


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


def _data_path(spec_path: Path, text: str, where: str, root: str | Path | None) -> Path:
    """The spec's data file, resolved, confined to the allowed roots."""
    try:
        # Relative to the spec's own folder as written (a symlinked spec does not move it).
        resolved = (Path(os.path.abspath(spec_path)).parent / text).resolve()
        roots = allowed_data_roots(spec_path, root)
    except (OSError, RuntimeError, ValueError) as error:  # symlink loops, odd names
        raise SpecError(f"{where}: [data] path: cannot be followed to a file", repr(error)) from None
    if not any(resolved.is_relative_to(folder) for folder in roots):
        raise SpecError(
            f"{where}: [data] path: must point inside the project folder that holds the demos "
            f"folder (set {DATA_ROOT_ENV} to allow another folder)",
            f"{text!r} resolves to {resolved}, outside {', '.join(map(str, roots))}",
        )
    try:
        mode = resolved.stat().st_mode
    except OSError:
        return resolved  # a missing file is reported when the data is read
    if not stat.S_ISREG(mode):
        raise SpecError(f"{where}: [data] path: is not a regular file")
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
    )
    features = data.get("features")
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
            counts[_heading_key(spec.title)] = counts.get(_heading_key(spec.title), 0) + 1
        return {
            key: spec.title if counts[_heading_key(spec.title)] == 1 else f"{spec.title} ({spec.path.name})"
            for key, spec in self.specs.items()
        }

    @property
    def duplicate_titles(self) -> dict[str, list[str]]:
        """Title -> keys of the demos that share it (only titles used more than once)."""
        shared: dict[str, list[str]] = {}
        for key, spec in self.specs.items():
            shared.setdefault(_heading_key(spec.title), []).append(key)
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
