"""Today's rule as rows (column, operator, value) joined by AND or OR, kept in step with text.

The builder writes a subset of the rule language (:mod:`proofdeck.rules.rule`): one comparison per
row, all rows joined by the same word. ``rows_to_text`` and ``text_to_rows`` convert both
ways; text outside the subset (brackets mixing and/or, ``not``, arithmetic, chained
comparisons) is reported as editable only as text, never rewritten. Every text is checked by
:func:`proofdeck.rules.rule.parse_rule`, which also names the position of any mistake.

Writing text: a column whose name is not a plain identifier is put in backticks; a text value
is quoted with escapes, and a backtick inside a value is written ``\\x60`` so it can never be
mistaken for a column name. Nothing typed is ever executed.
"""

from __future__ import annotations

import ast
import keyword
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from proofdeck.rules.parse import FLAG, NUMBER, TEXT, column_kinds
from proofdeck.rules.positions import RuleError
from proofdeck.rules.rule import parse_rule

NUMBER_OPERATORS = ("<", "<=", ">", ">=", "==", "!=")
TEXT_OPERATORS = ("==", "!=", "in", "not in")
FLAG_OPERATORS = ("==", "!=")
JOINERS = ("and", "or")
_AST_OPERATORS = {
    ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=",
    ast.In: "in", ast.NotIn: "not in",
}
_FLIPPED = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}

Value = float | int | bool | str | tuple


@dataclass(frozen=True)
class RuleRow:
    """One condition: ``column operator value``; for ``in``/``not in`` the value is a tuple."""

    column: str
    operator: str
    value: Value


@dataclass(frozen=True)
class BuilderRule:
    """A rule as the builder sees it.

    Attributes
    ----------
    rows, joiner : the conditions and the word joining them ("and" or "or").
    editable : False when the text is outside the builder's subset (``reason`` says why) or
        has a mistake (``error`` says what and where).
    """

    rows: tuple[RuleRow, ...] = ()
    joiner: str = "and"
    editable: bool = True
    reason: str | None = None
    error: str | None = None


@dataclass(frozen=True)
class RulePreview:
    """How many rows a rule flags, and how many of those have the outcome."""

    rows: int
    flagged: int
    positives: int | None = None
    positives_flagged: int | None = None
    warnings: tuple[str, ...] = ()

    @property
    def sentence(self) -> str:
        """E.g. "Flags 1,234 of 7,043 rows (17.5%); 612 of them have the outcome (49.6%, 26.5% overall)."."""
        share = self.flagged / self.rows if self.rows else 0.0
        text = f"Flags {self.flagged:,} of {self.rows:,} rows ({share:.1%})"
        if self.positives is not None and self.positives_flagged is not None:
            hit = self.positives_flagged / self.flagged if self.flagged else 0.0
            base = self.positives / self.rows if self.rows else 0.0
            text += f"; {self.positives_flagged:,} of them have the outcome ({hit:.1%}, {base:.1%} overall)"
        return text + "."


def operators_for(kind: str) -> tuple[str, ...]:
    """Operators the builder offers for a column kind (as :func:`rules.column_kinds` says)."""
    return {NUMBER: NUMBER_OPERATORS, FLAG: FLAG_OPERATORS}.get(kind, TEXT_OPERATORS)


def column_values(frame: pd.DataFrame, column: str, limit: int = 50) -> list:
    """The most common values of a column, for a choice box (numbers and texts as they are)."""
    counts = frame[column].dropna().value_counts()
    return [v.item() if isinstance(v, np.generic) else v for v in counts.index[:limit]]


def rows_to_text(rows: Sequence[RuleRow], joiner: str = "and", kinds: dict[str, str] | None = None) -> str:
    """Write builder rows as rule text.

    Parameters
    ----------
    rows : the conditions, in order.
    joiner : "and" or "or".
    kinds : column kinds (from :func:`proofdeck.rules.parse.column_kinds`), to refuse an operator
        that does not fit a column, or a column that is not there; skipped when None.

    Raises
    ------
    RuleError
        A column not in the data, an operator that does not fit, an empty list, a number that
        is not finite, or a name that cannot be written (it holds a backtick or line break).
    """
    if joiner not in JOINERS:
        raise RuleError(f"rows are joined by 'and' or 'or', not {joiner!r}")
    if not rows:
        raise RuleError("the rule has no conditions")
    parts = []
    for index, row in enumerate(rows, start=1):
        if kinds is not None:
            if row.column not in kinds:
                raise RuleError(f"row {index}: there is no column '{row.column}' in the data")
            if row.operator not in operators_for(kinds[row.column]):
                raise RuleError(f"row {index}: '{row.operator}' does not fit the column '{row.column}'")
        parts.append(f"{quote_name(row.column)} {row.operator} {_literal(row.value, row.operator, index)}")
    return f" {joiner} ".join(parts)


def quote_name(name: str) -> str:
    """A column name as the rule language reads it: plain, or in backticks."""
    plain = name.isascii() and name.isidentifier() and not keyword.iskeyword(name)
    if plain and not name.startswith("_") and name not in ("True", "False", "None"):
        return name
    if "`" in name or "\n" in name or "\r" in name or not name.strip():
        raise RuleError(f"the column {name!r} cannot be used in a rule (its name has a backtick or a line break)")
    return f"`{name}`"


def quote_text(value: str) -> str:
    """A text value as a rule literal, escaped so it reads back exactly."""
    out = []
    for char in value:
        if char in ('"', "\\"):
            out.append("\\" + char)
        elif char == "`":
            out.append("\\x60")
        elif char.isprintable():
            out.append(char)
        else:
            code = ord(char)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
    return '"' + "".join(out) + '"'


def _literal(value: Value, operator: str, index: int) -> str:
    if operator in ("in", "not in"):
        if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)) or not value:
            raise RuleError(f"row {index}: '{operator}' needs a list of one or more values")
        return "[" + ", ".join(_scalar(v, index) for v in value) + "]"
    return _scalar(value, index)


def _scalar(value: Value, index: int) -> str:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise RuleError(f"row {index}: the number must be finite")
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, str):
        return quote_text(value)
    raise RuleError(f"row {index}: a value must be a number or a text")


def text_to_rows(text: str, frame_or_kinds: pd.DataFrame | dict[str, str]) -> BuilderRule:
    """Read rule text back into builder rows, when it is in the builder's subset.

    Returns
    -------
    BuilderRule
        With ``error`` set when the rule has a mistake (as :func:`parse_rule` words it), or
        ``editable`` False and a ``reason`` when it is valid but only editable as text.
    """
    try:
        rule = parse_rule(text, frame_or_kinds)
    except RuleError as error:
        return BuilderRule(editable=False, error=str(error))
    try:
        tree, names = _tree(rule.text)
        joiner, leaves = _flatten(tree)
        rows = tuple(_row(leaf, names, rule.kinds) for leaf in leaves)
    except _OutsideSubset as outside:
        return BuilderRule(editable=False, reason=f"{outside.args[0]}; this rule can only be edited as text")
    return BuilderRule(rows, joiner)


class _OutsideSubset(Exception):
    pass


def _tree(text: str) -> tuple[ast.expr, dict[str, str]]:
    """Parse text whose backticked names are replaced by placeholders (outside quotes)."""
    pieces, names, i, n = [], {}, 0, len(text)
    while i < n:
        char = text[i]
        if char in "\"'":
            end = i + 1
            while end < n and text[end] != char:
                end += 2 if text[end] == "\\" else 1
            pieces.append(text[i : end + 1])
            i = end + 1
        elif char == "`":
            end = text.index("`", i + 1)
            placeholder = f"_bt{len(names)}_"
            names[placeholder] = text[i + 1 : end]
            pieces.append(placeholder)
            i = end + 1
        else:
            pieces.append(char)
            i += 1
    return ast.parse("(\n" + "".join(pieces) + "\n)", mode="eval").body, names


def _flatten(node: ast.expr) -> tuple[str, list[ast.expr]]:
    if not isinstance(node, ast.BoolOp):
        return "and", [node]
    joiner = "and" if isinstance(node.op, ast.And) else "or"
    leaves = []
    for value in node.values:
        if isinstance(value, ast.BoolOp):
            inner, more = _flatten(value)
            if inner != joiner:
                raise _OutsideSubset("it mixes 'and' and 'or' in brackets")
            leaves.extend(more)
        else:
            leaves.append(value)
    return joiner, leaves


def _row(node: ast.expr, names: dict[str, str], kinds: dict[str, str]) -> RuleRow:
    if isinstance(node, ast.Name):
        column = names.get(node.id, node.id)
        if kinds.get(column) == FLAG:
            return RuleRow(column, "==", 1)
        raise _OutsideSubset(f"'{column}' on its own is not a comparison")
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        raise _OutsideSubset("it uses 'not'")
    if isinstance(node, ast.Compare) and any(isinstance(n, ast.BinOp) for n in (node.left, *node.comparators)):
        raise _OutsideSubset("it uses arithmetic")
    if not isinstance(node, ast.Compare) or len(node.ops) != 1:
        raise _OutsideSubset("it uses chained comparisons")
    operator = _AST_OPERATORS.get(type(node.ops[0]))
    left, right = node.left, node.comparators[0]
    if operator in _FLIPPED and isinstance(right, ast.Name) and not isinstance(left, ast.Name):
        left, right, operator = right, left, _FLIPPED[operator]
    if operator is None or not isinstance(left, ast.Name):
        raise _OutsideSubset("a condition compares something other than a column")
    column = names.get(left.id, left.id)
    if operator not in operators_for(kinds.get(column, TEXT)):
        raise _OutsideSubset(f"the builder does not offer '{operator}' for '{column}'")
    if operator in ("in", "not in"):
        values = tuple(_constant(item) for item in right.elts)
        return RuleRow(column, operator, values)
    value = _constant(right)
    if kinds.get(column) == TEXT and not isinstance(value, str):
        raise _OutsideSubset("a condition compares text with something else")
    return RuleRow(column, operator, value)


def _constant(node: ast.expr) -> Value:
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float, str, bool)):
        return node.value
    if (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, (ast.USub, ast.UAdd))
        and isinstance(node.operand, ast.Constant)
        and isinstance(node.operand.value, (int, float))
        and not isinstance(node.operand.value, bool)
    ):
        return -node.operand.value if isinstance(node.op, ast.USub) else node.operand.value
    raise _OutsideSubset("a condition compares with a calculation, not a value")


def preview_rule(text: str, frame: pd.DataFrame, labels: np.ndarray | None = None) -> RulePreview:
    """Count the rows a rule flags, and the positives among them.

    Parameters
    ----------
    text : the rule.
    frame : the rows to count on.
    labels : True for rows with the outcome, aligned with ``frame`` (optional).

    Raises
    ------
    RuleError
        When the rule has a mistake; the message names it and its position.
    """
    rule = parse_rule(text, column_kinds(frame))
    flags = rule.evaluate(frame)
    warnings = tuple(rule.literal_warnings(frame))
    if labels is None:
        return RulePreview(len(frame), int(flags.sum()), warnings=warnings)
    labels = np.asarray(labels, dtype=bool)
    return RulePreview(len(frame), int(flags.sum()), int(labels.sum()), int((flags & labels).sum()), warnings)
