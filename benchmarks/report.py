"""Figures (median, min and max of several runs), targets, the printed table and the JSON.

A part collects its figures in a :class:`PartResult`; a timing is compared with a baseline
measured in the same run (a bare Streamlit app, plain pandas, a plain sort) as a ratio of
medians, so a busy machine moves both and the ratio still means something.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field


@dataclass
class Figure:
    """One measured figure: every run's value, and how it compares with its baseline."""

    name: str
    unit: str
    values: list[float]
    baseline: str | None = None
    ratio: float | None = None
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.values) if self.values else math.nan

    @property
    def low(self) -> float:
        return min(self.values) if self.values else math.nan

    @property
    def high(self) -> float:
        return max(self.values) if self.values else math.nan

    def as_dict(self) -> dict:
        return {
            "name": self.name, "unit": self.unit, "median": self.median, "min": self.low, "max": self.high,
            "runs": len(self.values), "values": list(self.values), "baseline": self.baseline,
            "ratio": self.ratio, "note": self.note,
        }


@dataclass
class PartResult:
    """What one part measured: figures, targets (issue 14) and notes for the reader."""

    name: str
    figures: list[Figure] = field(default_factory=list)
    targets: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, name: str, values, unit: str, baseline: Figure | None = None, note: str = "") -> Figure:
        """Record a figure from its runs; with a baseline, the ratio of the two medians.

        Runs that measured nothing (NaN) are left out, and the note says how many.
        """
        given = [float(v) for v in values]
        values = [v for v in given if not math.isnan(v)]
        if len(values) < len(given):
            note = "; ".join(filter(None, [note, f"{len(given) - len(values)} of {len(given)} runs measured nothing"]))
        figure = Figure(name, unit, values, note=note)
        if baseline is not None and values and baseline.values and baseline.median > 0:
            figure.baseline, figure.ratio = baseline.name, figure.median / baseline.median
        self.figures.append(figure)
        return figure

    def target(self, text: str, value: float | None, limit: float, unit: str = "x", note: str = "") -> None:
        """A target of the form value <= limit; unmet or unmeasured ones are printed as such."""
        met = None if value is None or math.isnan(value) else bool(value <= limit)
        self.targets.append({"target": text, "value": value, "limit": limit, "unit": unit, "met": met, "note": note})

    def as_dict(self) -> dict:
        return {
            "figures": [f.as_dict() for f in self.figures],
            "targets": self.targets,
            "notes": self.notes,
        }


def fmt(value: float | None, unit: str) -> str:
    """A figure with its unit, at a precision that suits its size."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if unit == "x":
        return f"{value:.2f}x"
    if unit in ("", "count"):
        return f"{value:,.0f}" if abs(value) >= 100 or value == int(value) else f"{value:.3f}"
    if unit == "MB":
        return f"{value:,.0f} MB"
    digits = 0 if abs(value) >= 100 else 1 if abs(value) >= 10 else 2
    return f"{value:,.{digits}f} {unit}"


def table(parts: dict[str, dict]) -> str:
    """Every part's figures, then every target with its status, as plain text."""
    header = f"{'part':<13} {'figure':<58} {'median':>11} {'min':>11} {'max':>11} {'runs':>4}  vs baseline"
    lines = [header, "-" * len(header)]
    for part, result in parts.items():
        if result.get("error"):
            lines.append(f"{part:<13} FAILED: {result['error']}")
            continue
        if result.get("skipped"):
            lines.append(f"{part:<13} skipped: {result['skipped']}")
            continue
        for f in result["figures"]:
            against = f"{f['ratio']:.2f}x {f['baseline'].strip()[:44]}" if f["ratio"] is not None else ""
            lines.append(
                f"{part:<13} {f['name'][:58]:<58} {fmt(f['median'], f['unit']):>11} {fmt(f['min'], f['unit']):>11} "
                f"{fmt(f['max'], f['unit']):>11} {f['runs']:>4}  {against}"
            )
    targets = [(part, t) for part, result in parts.items() for t in result.get("targets", [])]
    if targets:
        lines += ["", f"{'target (issues 14 and 17)':<70} {'figure':>11} {'limit':>11}  status", "-" * 103]
        for _, t in targets:
            status = {True: "met", False: "MISSED", None: "not measured"}[t["met"]]
            lines.append(f"{t['target'][:70]:<70} {fmt(t['value'], t['unit']):>11} {fmt(t['limit'], t['unit']):>11}  {status}")
    notes = [(part, n) for part, result in parts.items() for n in result.get("notes", [])]
    if notes:
        lines += ["", "notes:"] + [f"  [{part}] {n}" for part, n in notes]
    return "\n".join(lines)
