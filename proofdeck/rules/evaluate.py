"""Three-valued evaluation of a checked rule on pandas columns, vectorised.

Missing values never count as matching. A comparison on a missing value is *unknown*;
``unknown and False`` is False, ``unknown or True`` is True, and anything still unknown at
the end does not match (so ``not (plan == "basic")`` does not match a customer whose plan is
missing). Division by zero gives no value, not infinity.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from proofdeck.rules.parse import ARITHMETIC, COMPARE, TEXT, literal
from proofdeck.rules.positions import SourceText


@dataclass
class Truth:
    """Three-valued boolean column: ``value`` only counts where ``known``."""

    value: np.ndarray
    known: np.ndarray

    def matches(self, n: int) -> np.ndarray:
        """One boolean per row: True where the value is known and true (unknown never matches)."""
        return np.broadcast_to(self.value & self.known, (n,))


class Evaluator:
    """Evaluates the nodes of a checked rule on one frame.

    Parameters
    ----------
    source : the rule's text, to name a column and to place an error.
    kinds : column name -> kind, as the rule was checked against.
    frame : the rows to evaluate on; it must hold the columns the rule names.

    Examples
    --------
    The third plan is missing, so ``plan == "basic"`` is unknown there, and so is its
    ``not``; unknown never matches:

    >>> import pandas as pd
    >>> from proofdeck.rules.parse import column_kinds, parse_tree
    >>> frame = pd.DataFrame({"plan": ["basic", "premium", None]})
    >>> kinds = column_kinds(frame)
    >>> parsed = parse_tree('not (plan == "basic")', kinds)
    >>> truth = Evaluator(parsed.source, kinds, frame).truth(parsed.tree)
    >>> truth.known.tolist(), truth.matches(len(frame)).tolist()
    ([True, True, False], [False, True, False])
    """

    def __init__(self, source: SourceText, kinds: Mapping[str, str], frame: pd.DataFrame):
        self.source, self.kinds, self.frame = source, kinds, frame

    def truth(self, node: ast.expr) -> Truth:
        """A yes/no node's value on every row, unknown where a missing value decides it."""
        n = len(self.frame)
        if isinstance(node, ast.BoolOp):
            parts = [self.truth(value) for value in node.values]
            result = parts[0]
            for part in parts[1:]:
                result = _and(result, part) if isinstance(node.op, ast.And) else _or(result, part)
            return result
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            inner = self.truth(node.operand)
            return Truth(~inner.value & inner.known, inner.known)
        if isinstance(node, ast.Compare):
            return self._compare(node)
        if isinstance(node, ast.Constant) and isinstance(node.value, bool):
            return Truth(np.full(n, node.value), np.ones(n, dtype=bool))
        values = np.asarray(self._value(node), dtype=float)
        known = ~np.isnan(values)
        return Truth(np.broadcast_to((values != 0) & known, (n,)), np.broadcast_to(known, (n,)))

    def _column(self, node: ast.Name) -> pd.Series:
        name = self.source.column_name(node)
        if name not in self.frame.columns:
            raise self.source.error(f"unknown column '{name}'", node)
        return self.frame[name]

    def _value(self, node: ast.expr) -> Any:
        """Value of a non-boolean node: a float array, an object array, or a scalar."""
        if isinstance(node, ast.Constant):
            return float(node.value) if isinstance(node.value, (int, float)) else node.value
        if isinstance(node, ast.Name):
            series = self._column(node)
            if self.kinds[self.source.column_name(node)] == TEXT:
                return series.astype(object).where(series.notna(), None).to_numpy()
            return pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)
        if isinstance(node, ast.UnaryOp):
            operand = self._value(node.operand)
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.BinOp):
            left = np.asarray(self._value(node.left), dtype=float)
            right = np.asarray(self._value(node.right), dtype=float)
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                result = ARITHMETIC[type(node.op)](left, right)
            # Division by zero means "no value" here, not infinity.
            return np.where(np.isfinite(result), result, np.nan)
        raise self.source.error("expected a value here", node)  # pragma: no cover

    def _compare(self, node: ast.Compare) -> Truth:
        n = len(self.frame)
        result = Truth(np.ones(n, dtype=bool), np.ones(n, dtype=bool))
        left = self._value(node.left)
        for op, right_node in zip(node.ops, node.comparators):
            if isinstance(op, (ast.In, ast.NotIn)):
                options = [literal(item) for item in right_node.elts]
                known = ~_missing(left, n)
                if isinstance(left, np.ndarray):
                    hit = pd.Series(left).isin(options).to_numpy()
                else:
                    hit = np.full(n, left in options)
                value = hit if isinstance(op, ast.In) else ~hit
                result = _and(result, Truth(value & known, known))
                continue
            right = self._value(right_node)
            known = ~_missing(left, n) & ~_missing(right, n)
            with np.errstate(invalid="ignore"):
                value = np.broadcast_to(COMPARE[type(op)][1](left, right), (n,)).astype(bool)
            result = _and(result, Truth(value & known, known))
            left = right
        return result


def _missing(value: Any, n: int) -> np.ndarray:
    if isinstance(value, np.ndarray):
        if value.dtype == object:
            return pd.isna(value)
        return np.isnan(value)
    return np.full(n, value is None or (isinstance(value, float) and np.isnan(value)))


def _and(a: Truth, b: Truth) -> Truth:
    known = (a.known & b.known) | (a.known & ~a.value) | (b.known & ~b.value)
    return Truth(a.value & b.value & known, known)


def _or(a: Truth, b: Truth) -> Truth:
    known = (a.known & b.known) | (a.known & a.value) | (b.known & b.value)
    return Truth((a.value | b.value) & known, known)
