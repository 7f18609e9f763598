"""The declarative schema of a spec file, and the checks that hold every field to it.

Each field of :data:`SCHEMA` is (expected kind, required, check); a check returns an error
text or None. Kinds are checked first, so a check sees a value of the right type. Every
number must be finite and inside a sensible range, and every text short, so no figure can
overflow and no page holds a novel. Messages never quote values from the file; such detail
goes to :attr:`~proofdeck.data.spec.SpecError.detail`, for the server log.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from proofdeck.data.spec import (
    ACTION_EFFECTS,
    ASSUMABLE,
    ECONOMICS_BOUNDS,
    HEADLINE_FIGURES,
    MODEL_KINDS,
    UNSEEN_CHOICES,
    READINESS,
    SpecError,
    heading_key,
    shown_name,
)

MAX_TEXT_LENGTH = 1_000  # any text field, list item or label
MAX_DESCRIPTION_LENGTH = 10_000  # the top-level description
MAX_GROUP_NAME = 60  # a group's name is a heading and a bar's label: a few words
MAX_SEED = 2**32 - 1  # numpy and scikit-learn seeds are 32-bit
ORDER_BOUNDS = (-1_000_000, 1_000_000)


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


def _range_check(name: str) -> Callable[[list[float]], str | None]:
    """A stated range: both ends within the field's own bounds, low not above high."""
    single = _economics_check(name)

    def check(pair: list[float]) -> str | None:
        problem = single(pair[0]) or single(pair[1])
        if problem:
            return f"each end {problem}"
        return "low must not be above high" if pair[0] > pair[1] else None

    return check


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
            return f"names {shown_name(name)} twice"
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
        key = heading_key(label)
        if key in seen:
            return f"{shown_name(column)} has the same label as {seen[key]}; labels must differ"
        seen[key] = shown_name(column)
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
        "action_effect": ("text", False, _one_of(ACTION_EFFECTS)),
        **{f"{name}_range": ("number_pair", False, _range_check(name)) for name in ASSUMABLE},
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
    "uplift": {
        "treatment_column": ("text", True, _not_blank),
        "treated_value": ("scalar", True, _positive_value),
        "randomised": ("bool", True, None),
        "note": ("long_text", False, None),
        "persuadables": ("text", False, _not_blank),
        "sure_things": ("text", False, _not_blank),
        "lost_causes": ("text", False, _not_blank),
        "sleeping_dogs": ("text", False, _not_blank),
    },
    "model": {
        "kind": ("text", False, _one_of(MODEL_KINDS)),
        "test_size": ("number", False, _test_size),
        "seed": ("int", False, _seed),
        "file": ("text", False, _data_path_text),
        "unseen": ("text", False, _one_of(UNSEEN_CHOICES)),
    },
}
REQUIRED_SECTIONS = ("data", "nouns", "rule", "economics")
# Sections that may be left out whole, but whose required keys must be there when present.
OPTIONAL_SECTIONS = ("uplift",)

_WANTED = {
    "text": "text",
    "long_text": "text",
    "bool": "true or false",
    "int": "a whole number",
    "number": "a number",
    "scalar": "a text, number or true/false",
    "text_list": "a list of texts",
    "number_pair": "a list of two numbers, low and high",
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
    elif kind == "number_pair":
        ok = isinstance(value, list) and len(value) == 2 and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)
    elif kind == "text_table":
        ok = isinstance(value, dict) and all(isinstance(v, str) for v in value.values())
    else:  # pragma: no cover - schema typo
        raise AssertionError(kind)
    if not ok:
        return f"expected {_WANTED[kind]}, got {_value_kind(value)}"
    limit = MAX_DESCRIPTION_LENGTH if kind == "long_text" else MAX_TEXT_LENGTH
    texts = [value] if isinstance(value, str) else []
    if isinstance(value, list):
        texts = [item for item in value if isinstance(item, str)]  # a number pair has no length
    elif isinstance(value, dict):
        texts = [*value, *value.values()]
    if any(len(text) > limit for text in texts):
        return f"is longer than {limit:,} characters"
    return None


def _key_list(fields) -> str:
    """The section's keys, with the money ranges named once ("<field>_range") to keep it short."""
    plain = [name for name in fields if not name.endswith("_range")]
    ranged = len(plain) < len(fields)
    return ", ".join(plain) + (" and a <money field>_range such as win_rate_range" if ranged else "")


def _group_name(name: str) -> str | None:
    if not name.strip():
        return "a group's name must not be empty"
    if len(name) > MAX_GROUP_NAME:
        return f"a group's name must be at most {MAX_GROUP_NAME} characters"
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        return "a group's name must not contain control characters (such as a line break)"
    return None


def validate_groups(value: Any, labels: dict[str, str], where: str) -> dict[str, list[str]]:
    """Check the ``[groups]`` table: name -> a non-empty list of distinct columns, no column in
    two groups, names distinct and not those of a labelled column. Whether the columns exist
    is checked when the data is read (:func:`proofdeck.data.datasets.load_dataset`)."""

    def fail(name: str, problem: str) -> SpecError:
        return SpecError(f"{where}: [groups] {shown_name(name)}: {problem}")

    if not isinstance(value, dict):
        raise SpecError(f"{where}: groups: expected a table ([groups])")
    owner: dict[str, str] = {}
    names: dict[str, str] = {}
    label_keys = {heading_key(label): column for column, label in labels.items()}
    for name, columns in value.items():
        problem = _group_name(name) or _kind_error("text_list", columns)
        if problem is None:
            problem = "must name at least one column (an empty group means nothing)" if not columns \
                else _distinct_columns(columns)
        if problem:
            raise fail(name, problem)
        key = heading_key(name)
        if key in names:
            raise fail(name, f"has the same name as the group {shown_name(names[key])}; names must differ")
        names[key] = name
        if key in label_keys:
            raise fail(name, f"is named like the column {shown_name(label_keys[key])}; give the group another name")
        for column in columns:
            if column in owner:
                raise fail(name, f"{shown_name(column)} is already in the group {shown_name(owner[column])}; "
                                 "a column belongs to one group at most")
            owner[column] = name
    return {name: list(columns) for name, columns in value.items()}


def validate_document(document: dict[str, Any], where: str) -> dict[str, dict[str, Any]]:
    """Check a parsed TOML document against SCHEMA; return its fields grouped by section."""

    def fail(section: str, name: str, problem: str, detail: str | None = None) -> SpecError:
        place = f"[{section}] {shown_name(name)}" if section else shown_name(name)
        return SpecError(f"{where}: {place}: {problem}", detail)

    grouped: dict[str, dict[str, Any]] = {section: {} for section in SCHEMA}
    for name, value in document.items():
        if name == "groups":
            continue  # its keys are the spec's own names: checked below, once labels are known
        if name in SCHEMA and name:
            if not isinstance(value, dict):
                raise fail("", name, "expected a table ([" + name + "])")
            grouped[name] = dict(value)
        elif name in SCHEMA[""]:
            grouped[""][name] = value
        elif isinstance(value, dict):
            known = ", ".join([*(f"[{s}]" for s in SCHEMA if s), "[groups]"])
            raise SpecError(f"{where}: [{shown_name(name)}]: unknown section; known sections are {known}")
        else:
            raise fail("", name, f"unknown key; known keys are {', '.join(SCHEMA[''])}")
    for section, fields in SCHEMA.items():
        if section in REQUIRED_SECTIONS and section not in document:
            raise SpecError(f"{where}: [{section}]: missing section")
        values = grouped[section]
        for name in values:
            if name not in fields:
                raise fail(section, name, f"unknown key; known keys are {_key_list(fields)}")
        for name, (kind, required, check) in fields.items():
            if name not in values:
                if required and (section not in OPTIONAL_SECTIONS or section in document):
                    raise fail(section, name, "missing")
                continue
            problem = _kind_error(kind, values[name])
            if problem is None and check is not None:
                problem = check(values[name])
            if problem:
                shown = repr(values[name])
                detail = f"got {shown[:200]}{'...' if len(shown) > 200 else ''}"
                raise fail(section, name, problem, detail)
    uplift = grouped["uplift"]
    if uplift and uplift.get("treatment_column") in (
            grouped["data"]["target_column"], grouped["data"]["id_column"],
            grouped["economics"].get("value_column")):
        raise fail("uplift", "treatment_column", "must be a column of its own, not the outcome, id or value column")
    if uplift and uplift.get("treatment_column") in grouped["data"].get("features", ()):
        raise fail("uplift", "treatment_column", "must not be one of [data] features: who got the action "
                   "in the past campaign is not known before the model decides")
    economics = grouped["economics"]
    if "value_per_won" not in economics and "value_column" not in economics:
        raise fail("economics", "value_per_won", "missing (or give value_column)")
    if "groups" in document:
        grouped["groups"] = validate_groups(document["groups"], grouped["data"].get("labels", {}), where)
    return grouped
