"""A view in the URL: the demo, the model's setting, changed assumptions, the analyst switch.

Copying the address reproduces what the sender saw, in another browser and on a fresh server:
the demo (``demo``), how many held-out examples the model acts on (``top``), every assumption
that differs from the spec (by its field name, e.g. ``cost_per_action=55``), the analyst view
(``analyst=1``) and the presentation mode (``mode=present``, ``step``). Anything invalid or
stale falls back to the default with a short notice; nothing here raises on a bad link.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields

from proofdeck.data.spec import ASSUMABLE, ECONOMICS_BOUNDS, DemoSpec, Economics

DEMO, TOP, ANALYST, MODE, STEP, EXAMPLE = "demo", "top", "analyst", "mode", "step", "example"
POC = "poc"  # a saved proof of concept's link token (ui/frame/saved.py); never in a log
PRESENT = "present"
NUMBER_FIELDS = tuple(ECONOMICS_BOUNDS)
TEXT_FIELDS = ("period",)
MAX_PERIOD = 20
_YES, _NO = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


@dataclass(frozen=True)
class View:
    """What a link reopens (None or empty: the default)."""

    demo: str | None = None
    count: int | None = None
    economics: dict[str, float | str | tuple] = field(default_factory=dict)
    analyst: bool = False
    present: bool = False
    step: int | None = None
    example: str | None = None


def economics_changes(spec_economics: Economics, economics: Economics) -> dict[str, float | str]:
    """The assumptions that differ from the spec's, by field name."""
    changed = {}
    for name in NUMBER_FIELDS + TEXT_FIELDS:
        value = getattr(economics, name)
        if value != getattr(spec_economics, name):
            changed[name] = value
    if economics.ranges != spec_economics.ranges:
        changed["ranges"] = economics.ranges
    return changed


def _number_text(value: float) -> str:
    """Shortest text that reads back as the same float: 40, 0.35, 1e-05."""
    return repr(int(value)) if float(value).is_integer() and abs(value) < 1e15 else repr(float(value))


def encode(view: View) -> dict[str, str]:
    """Query parameters for a view, in a stable order, defaults left out."""
    params: dict[str, str] = {}
    if view.demo:
        params[DEMO] = view.demo
    if view.count is not None:
        params[TOP] = str(int(view.count))
    for name in NUMBER_FIELDS + TEXT_FIELDS:
        if name in view.economics:
            value = view.economics[name]
            params[name] = value if isinstance(value, str) else _number_text(value)
    for name, low, high in view.economics.get("ranges", ()):
        params[f"{name}_range"] = f"{_number_text(low)}~{_number_text(high)}"
    if view.analyst:
        params[ANALYST] = "1"
    if view.present:
        params[MODE] = PRESENT
        if view.step is not None:
            params[STEP] = str(view.step)
    if view.example:
        params[EXAMPLE] = view.example
    return params


def _whole(text: str) -> bool:
    """Plain ASCII digits only ("²" and "٣" are digits to Python, not to a link)."""
    return 0 < len(text) <= 12 and text.isascii() and text.isdigit()


def _one(params: Mapping[str, object], name: str) -> str | None:
    value = params.get(name)
    if isinstance(value, (list, tuple)):
        value = value[-1] if value else None
    return None if value is None else str(value)


def _ranges(params: Mapping[str, object], notices: list[str]) -> tuple[tuple[str, float, float], ...]:
    """The money assumptions' ranges a link states ("win_rate_range=0.2~0.45")."""
    found = []
    for name in ASSUMABLE:
        raw = _one(params, f"{name}_range")
        if raw is None:
            continue
        parts = raw.split("~")
        try:
            low, high = (float(part) for part in parts) if len(parts) == 2 else (math.nan, math.nan)
        except ValueError:
            low = high = math.nan
        bottom, top = ECONOMICS_BOUNDS[name]
        if not (math.isfinite(low) and math.isfinite(high) and bottom <= low <= high <= top):
            notices.append(f"the link's range for {name.replace('_', ' ')} ({raw[:20]}) is not a low~high pair "
                           "in range, so the demo's own is used")
            continue
        found.append((name, low, high))
    return tuple(found)


def decode(params: Mapping[str, object], spec: DemoSpec, size: int) -> tuple[View, list[str]]:
    """Read a link's parameters for one demo; returns the view and a notice for each part
    that was ignored.

    Parameters
    ----------
    params : the URL's query parameters (a value may be a list: the last one counts).
    spec : the demo the link opens (its assumptions are the defaults).
    size : held-out examples, the most the model can act on.
    """
    notices: list[str] = []
    count = None
    top = _one(params, TOP)
    if top is not None:
        if _whole(top) and int(top) <= size:
            count = int(top)
        else:
            notices.append(f"the link's setting ({top[:20]}) is not possible here, so today's rule's budget is shown")
    changes: dict[str, float | str] = {}
    valid = {f.name for f in fields(Economics)}
    for name in NUMBER_FIELDS:
        raw = _one(params, name)
        if raw is None or name not in valid:
            continue
        try:
            value = float(raw)
        except ValueError:
            value = math.nan
        low, high = ECONOMICS_BOUNDS[name]
        if not (math.isfinite(value) and low <= value <= high):
            notices.append(f"the link's {name.replace('_', ' ')} ({raw[:20]}) is out of range, so the demo's own is used")
            continue
        if name == "value_per_won" and spec.economics.value_column:
            continue  # each example's own value is used; nothing to change
        changes[name] = value
    ranges = _ranges(params, notices)
    if ranges:
        changes["ranges"] = ranges
    period = _one(params, "period")
    if period is not None:
        if period.replace(" ", "").isalpha() and 0 < len(period) <= MAX_PERIOD:
            changes["period"] = period
        else:
            notices.append("the link's period is not a plain word, so the demo's own is used")
    analyst_text = (_one(params, ANALYST) or "").lower()
    if analyst_text and analyst_text not in _YES + _NO:
        notices.append("the link's analyst switch is not yes or no, so it is off")
    mode = _one(params, MODE)
    if mode is not None and mode != PRESENT:
        notices.append(f"the link's mode ({mode[:20]}) is unknown, so the usual pages are shown")
    step_text = _one(params, STEP)
    step = int(step_text) if step_text and _whole(step_text) and int(step_text) < 100 else None
    if step_text and step is None:
        notices.append("the link's step is not a step number, so the presentation starts at the beginning")
    view = View(
        demo=spec.key,
        count=count,
        economics={k: v for k, v in changes.items() if v != getattr(spec.economics, k)},
        analyst=analyst_text in _YES,
        present=mode == PRESENT,
        step=step,
        example=(_one(params, EXAMPLE) or None),
    )
    return view, notices
