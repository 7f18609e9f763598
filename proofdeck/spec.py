"""Demo specs: one TOML file per demo, validated into frozen dataclasses.

A spec declares everything a page needs to speak one business's language: the data file,
the outcome, the nouns, today's rule, the unit economics and the model settings. Pages read
all of their words and money from here, so adding a demo is a TOML file and a CSV.

Every problem is reported as one :class:`SpecError` naming the file, the field and what is
wrong, e.g. ``demos/churn.toml: [economics] cost_per_action: expected a number, got "forty"``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

MODEL_KINDS = ("gradient_boosting", "logistic_regression")
HEADLINE_FIGURES = ("net_value", "cost_per_won", "value_won")


class SpecError(ValueError):
    """A demo spec that cannot be used, with a message naming file and field."""


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

    def scale_for(self, n_heldout: int) -> float:
        """Factor that turns held-out counts into counts per period for the population."""
        if self.population <= 0 or n_heldout <= 0:
            return 1.0
        return self.population / n_heldout


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


@dataclass(frozen=True)
class DemoSpec:
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

    @property
    def key(self) -> str:
        """Short identifier of the demo: its file name without extension."""
        return self.path.stem

    def label(self, column: str) -> str:
        """Readable label of a column, falling back to the column name made readable."""
        if column in self.labels:
            return self.labels[column]
        return column.replace("_", " ").capitalize()

    def with_economics(self, economics: Economics) -> DemoSpec:
        return replace(self, economics=economics)


# --- declarative schema --------------------------------------------------------------------
# Each field: (expected kind, required, check). A check returns an error text or None.


def _positive(value: float) -> str | None:
    return None if value > 0 else "must be greater than 0"


def _non_negative(value: float) -> str | None:
    return None if value >= 0 else "must be 0 or more"


def _share(value: float) -> str | None:
    return None if 0 < value <= 1 else "must be a share between 0 (excluded) and 1"


def _test_size(value: float) -> str | None:
    return None if 0.05 <= value <= 0.9 else "must be between 0.05 and 0.9"


def _one_of(options: tuple[str, ...]) -> Callable[[str], str | None]:
    def check(value: str) -> str | None:
        return None if value in options else f"must be one of {', '.join(options)}"

    return check


def _not_blank(value: str) -> str | None:
    return None if value.strip() else "must not be empty"


Check = Callable[[Any], "str | None"] | None
Field = tuple[str, bool, Check]

SCHEMA: dict[str, dict[str, Field]] = {
    "": {
        "title": ("text", True, _not_blank),
        "question": ("text", True, _not_blank),
        "description": ("text", False, None),
        "synthetic": ("bool", False, None),
        "order": ("int", False, None),
    },
    "data": {
        "path": ("text", True, _not_blank),
        "id_column": ("text", True, _not_blank),
        "target_column": ("text", True, _not_blank),
        "positive_value": ("scalar", True, None),
        "features": ("text_list", False, None),
        "labels": ("text_table", False, None),
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
        "cost_per_action": ("number", True, _non_negative),
        "value_per_won": ("number", False, _non_negative),
        "value_column": ("text", False, _not_blank),
        "win_rate": ("number", False, _share),
        "fixed_cost": ("number", False, _non_negative),
        "cost_per_miss": ("number", False, _non_negative),
        "population": ("number", False, _non_negative),
        "period": ("text", False, _not_blank),
    },
    "headline": {
        "figure": ("text", False, _one_of(HEADLINE_FIGURES)),
        "cost_per_won_label": ("text", False, _not_blank),
        "value_won_label": ("text", False, _not_blank),
        "value_to_cost_label": ("text", False, _not_blank),
    },
    "model": {
        "kind": ("text", False, _one_of(MODEL_KINDS)),
        "test_size": ("number", False, _test_size),
        "seed": ("int", False, None),
    },
}
REQUIRED_SECTIONS = ("data", "nouns", "rule", "economics")


def _kind_error(kind: str, value: Any) -> str | None:
    """Return what is wrong with the value's type, or None when it fits the kind."""
    if kind == "text":
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
    if ok:
        return None
    wanted = {
        "text": "text",
        "bool": "true or false",
        "int": "a whole number",
        "number": "a number",
        "scalar": "a text, number or true/false",
        "text_list": "a list of texts",
        "text_table": "a table of texts",
    }[kind]
    return f"expected {wanted}, got {value!r}"


def validate_document(document: dict[str, Any], where: str) -> dict[str, dict[str, Any]]:
    """Check a parsed TOML document against SCHEMA; return its fields grouped by section."""

    def fail(section: str, name: str, problem: str) -> SpecError:
        place = f"[{section}] {name}" if section else name
        return SpecError(f"{where}: {place}: {problem}")

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
            raise SpecError(f"{where}: [{name}]: unknown section; known sections are {known}")
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
                raise fail(section, name, problem)
    economics = grouped["economics"]
    if "value_per_won" not in economics and "value_column" not in economics:
        raise fail("economics", "value_per_won", "missing (or give value_column)")
    return grouped


def load_spec(path: str | Path) -> DemoSpec:
    """Read and validate a demo spec file.

    Parameters
    ----------
    path : the TOML file. The data path inside it is relative to the spec file's folder.

    Raises
    ------
    SpecError
        With a message naming the file, the field and the problem.
    """
    path = Path(path)
    where = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise SpecError(f"{where}: cannot be read ({error.strerror or error})") from error
    except UnicodeDecodeError as error:
        raise SpecError(f"{where}: is not UTF-8 text") from error
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise SpecError(f"{where}: is not valid TOML ({error})") from error
    grouped = validate_document(document, where)
    return _build(path, grouped)


def _build(path: Path, grouped: dict[str, dict[str, Any]]) -> DemoSpec:
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
    )
    features = data.get("features")
    return DemoSpec(
        path=path,
        title=top["title"],
        question=top["question"],
        description=top.get("description", ""),
        synthetic=top.get("synthetic", False),
        order=top.get("order", 100),
        data_path=(path.parent / data["path"]).resolve(),
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
    )


def discover_specs(folder: str | Path) -> list[Path]:
    """All spec files in a folder, in a stable order."""
    return sorted(Path(folder).glob("*.toml"))


@dataclass
class SpecCatalog:
    """The demos found in a folder: the valid specs, and a message for each broken file."""

    specs: dict[str, DemoSpec] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def load_catalog(folder: str | Path) -> SpecCatalog:
    """Load every spec in a folder; broken files are reported, not fatal for the others."""
    catalog = SpecCatalog()
    for spec_path in discover_specs(folder):
        try:
            spec = load_spec(spec_path)
        except SpecError as error:
            catalog.errors[spec_path.stem] = str(error)
        else:
            catalog.specs[spec.key] = spec
    ordered = sorted(catalog.specs.values(), key=lambda s: (s.order, s.key))
    catalog.specs = {spec.key: spec for spec in ordered}
    return catalog
