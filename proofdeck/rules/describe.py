"""A checked rule in plain words: a tree that keeps its and/or/not, met or not for one row.

``A or (B and C)`` becomes ``any[A, all[B, C]]``, so a page can show "any of these" around A
and the group of B and C, instead of three ticks that lose the "or". Leaves say their
condition in words: ``tenure_months < 6`` is ``Tenure (months) below 6``.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from proofdeck.rules.evaluate import Evaluator
from proofdeck.rules.parse import literal
from proofdeck.rules.positions import SourceText


@dataclass(frozen=True)
class RuleNode:
    """One part of a rule in plain words, for a checklist that keeps the rule's and/or/not.

    Build the tree with :meth:`proofdeck.rules.rule.Rule.checklist`.

    Attributes
    ----------
    kind : "all" (every child must hold), "any" (at least one must), "not" (its text says
        what must not hold of its children) or "condition" (a leaf).
    text : plain words: "All of these", "Any of these", "None of these", "Not all of these",
        "Not this", or the condition, e.g. ``Tenure (months) below 6``.
    children : the parts of a group, in the rule's order (empty for a condition).
    met : for the row given: True or False, or None when a missing value leaves it unknown
        (or when no row was given). Missing values never match, so an unknown root is unmet.
    source : the rule's own text of this part, e.g. ``tenure_months < 6``.
    """

    kind: str
    text: str
    children: tuple[RuleNode, ...] = ()
    met: bool | None = None
    source: str = ""

    def lines(self, indent: str = "  ", marks: Mapping[bool | None, str] | None = None) -> list[str]:
        """The tree as indented lines, each with a mark: ``✓`` met, ``✗`` not met, ``–`` unknown.

        Examples
        --------
        Each line's mark is its node's ``met``; here a missing tenure leaves the second part,
        and so the group, unknown:

        >>> root = RuleNode("all", "All of these", (
        ...     RuleNode("condition", 'Plan is "basic"', met=True),
        ...     RuleNode("condition", "Tenure (months) below 6", met=None),
        ... ), met=None)
        >>> print("\\n".join(root.lines()))
        – All of these:
          ✓ Plan is "basic"
          – Tenure (months) below 6
        >>> root.lines(indent="", marks={True: "[x]", False: "[ ]", None: "[?]"})[1]
        '[x] Plan is "basic"'
        """
        marks = marks or {True: "✓", False: "✗", None: "–"}
        found: list[str] = []

        def walk(node: RuleNode, depth: int) -> None:
            suffix = "" if node.kind == "condition" else ":"
            found.append(f"{indent * depth}{marks[node.met]} {node.text}{suffix}")
            for child in node.children:
                walk(child, depth + 1)

        walk(self, 0)
        return found


def describe(
    tree: ast.expr,
    source: SourceText,
    kinds: Mapping[str, str],
    row: pd.DataFrame | pd.Series | Mapping[str, Any] | None,
    labels: Callable[[str], str],
) -> RuleNode:
    """The checked rule ``tree`` in words, each part met or not for ``row`` (None: unevaluated).

    :meth:`proofdeck.rules.rule.Rule.checklist` is the entry point; it says what the
    arguments may be.
    """
    frame = _one_row(row)
    evaluator = None if frame is None else Evaluator(source, kinds, frame)
    return _Describer(source, evaluator, labels).node(tree)


_WORDS = {ast.Eq: "is", ast.NotEq: "is not", ast.Lt: "below", ast.LtE: "at most", ast.Gt: "above", ast.GtE: "at least"}
_FLIPPED = {ast.Eq: ast.Eq, ast.NotEq: ast.NotEq, ast.Lt: ast.Gt, ast.LtE: ast.GtE, ast.Gt: ast.Lt, ast.GtE: ast.LtE}
_NEGATED = {
    ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.Lt: ast.GtE, ast.LtE: ast.Gt,
    ast.Gt: ast.LtE, ast.GtE: ast.Lt, ast.In: ast.NotIn, ast.NotIn: ast.In,
}
_SYMBOLS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "×", ast.Div: "÷", ast.Mod: "mod"}


def _one_row(row: pd.DataFrame | pd.Series | Mapping[str, Any] | None) -> pd.DataFrame | None:
    if row is None:
        return None
    if isinstance(row, pd.DataFrame):
        frame = row
    elif isinstance(row, pd.Series):
        frame = row.to_frame().T
    else:
        frame = pd.DataFrame([dict(row)])
    if len(frame) != 1:
        raise ValueError(f"a checklist is for one row, not {len(frame)}")
    return frame


def _number_words(value: float) -> str:
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:,}"


class _Describer:
    """Says a checked rule's parts in words and evaluates each for one row (or none)."""

    def __init__(self, source: SourceText, evaluator: Evaluator | None, labels: Callable[[str], str]):
        self.source, self.evaluator, self.labels = source, evaluator, labels

    def met(self, node: ast.expr) -> bool | None:
        if self.evaluator is None:
            return None
        truth = self.evaluator.truth(node)
        if not bool(np.asarray(truth.known).reshape(-1)[0]):
            return None
        return bool(np.asarray(truth.value).reshape(-1)[0])

    def node(self, node: ast.expr) -> RuleNode:
        source = self.source.segment(node)
        if isinstance(node, ast.BoolOp):
            kind = "all" if isinstance(node.op, ast.And) else "any"
            children = tuple(self.node(value) for value in node.values)
            text = "All of these" if kind == "all" else "Any of these"
            return RuleNode(kind, text, children, self.met(node), source)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            inner = node.operand
            if isinstance(inner, ast.UnaryOp) and isinstance(inner.op, ast.Not):
                # "not not X" holds exactly where X does, unknown included.
                return replace(self.node(inner.operand), source=source)
            negated = self.negated(inner)
            if negated is not None:
                return RuleNode("condition", negated, (), self.met(node), source)
            if isinstance(inner, ast.BoolOp):
                group = self.node(inner)
                text = "None of these" if group.kind == "any" else "Not all of these"
                return RuleNode("not", text, group.children, self.met(node), source)
            return RuleNode("not", "Not this", (self.node(inner),), self.met(node), source)
        return RuleNode("condition", self.phrase(node), (), self.met(node), source)

    def phrase(self, node: ast.expr) -> str:
        if isinstance(node, ast.Compare):
            parts, left = [], node.left
            for op, right in zip(node.ops, node.comparators):
                parts.append(self.comparison(left, type(op), right))
                left = right
            return " and ".join(parts)
        if isinstance(node, ast.Name):
            return f"{self.value(node)} is yes"
        if isinstance(node, ast.Constant) and isinstance(node.value, bool):
            return "Always" if node.value else "Never"
        return self.source.segment(node)  # pragma: no cover - the checker allows nothing else

    def negated(self, node: ast.expr) -> str | None:
        """The words for "not <node>" when a single condition can say it directly."""
        if isinstance(node, ast.Name):
            return f"{self.value(node)} is no"
        if isinstance(node, ast.Constant) and isinstance(node.value, bool):
            return "Never" if node.value else "Always"
        if isinstance(node, ast.Compare) and len(node.ops) == 1:
            return self.comparison(node.left, _NEGATED[type(node.ops[0])], node.comparators[0])
        return None

    def comparison(self, left: ast.expr, op: type, right: ast.expr) -> str:
        if op in (ast.In, ast.NotIn):
            items = [self.value(item) for item in right.elts]
            if len(items) == 1:
                return f"{self.value(left)} {'is' if op is ast.In else 'is not'} {items[0]}"
            listed = ", ".join(items)
            return f"{self.value(left)} {'is one of' if op is ast.In else 'is none of'} {listed}"
        if literal(left) is not None and literal(right) is None:
            left, right, op = right, left, _FLIPPED[op]
        return f"{self.value(left)} {_WORDS[op]} {self.value(right)}"

    def value(self, node: ast.expr) -> str:
        if isinstance(node, ast.Name):
            return self.labels(self.source.column_name(node))
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool):
                return "yes" if node.value else "no"
            if isinstance(node.value, str):
                return f'"{node.value}"'
            return _number_words(node.value)
        if isinstance(node, ast.UnaryOp):
            inner = self.value(node.operand)
            if isinstance(node.operand, ast.BinOp):
                inner = f"({inner})"
            return f"-{inner}" if isinstance(node.op, ast.USub) else inner
        if isinstance(node, ast.BinOp):
            sides = []
            for side in (node.left, node.right):
                text = self.value(side)
                sides.append(f"({text})" if isinstance(side, ast.BinOp) else text)
            return f"{sides[0]} {_SYMBOLS[type(node.op)]} {sides[1]}"
        return self.source.segment(node)  # pragma: no cover - the checker allows nothing else
