"""Today's business rule as a small, safe expression language.

Examples of rules::

    contract == "month-to-month" and tenure_months < 6
    region in ["north", "east"]
    not (plan == "basic")
    total_charges / tenure_months > 80
    `lead source` == "referral" or (employees >= 200 and pages_viewed >= 5)

A rule is *parsed, never executed*: Python's ``ast`` reads the text, every node is checked
against an allow-list (column names, numbers, strings, comparisons, and/or/not, in-lists and
arithmetic), and a small evaluator computes the result on pandas columns, vectorised.

Missing values never count as matching. Logic is three-valued: a comparison on a missing
value is *unknown*; ``unknown and False`` is False, ``unknown or True`` is True, and anything
still unknown at the end does not match (so ``not (plan == "basic")`` does not match a
customer whose plan is missing).
"""

from __future__ import annotations

import ast
import difflib
import operator
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

NUMBER, TEXT, FLAG = "number", "text", "flag"

_COMPARE = {
    ast.Eq: ("==", operator.eq),
    ast.NotEq: ("!=", operator.ne),
    ast.Lt: ("<", operator.lt),
    ast.LtE: ("<=", operator.le),
    ast.Gt: (">", operator.gt),
    ast.GtE: (">=", operator.ge),
}
_ARITHMETIC = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Mod: operator.mod,
}
# Friendly names for what the language refuses, so the message says what was written.
_REFUSED = {
    ast.Call: "function calls are not allowed",
    ast.Attribute: "attribute access with '.' is not allowed",
    ast.Subscript: "indexing with [...] is not allowed",
    ast.Lambda: "lambda is not allowed",
    ast.IfExp: "'if ... else' is not allowed",
    ast.NamedExpr: "':=' is not allowed",
    ast.Dict: "dictionaries are not allowed",
    ast.Set: "sets are not allowed; use a list [...] after 'in'",
    ast.ListComp: "comprehensions are not allowed",
    ast.SetComp: "comprehensions are not allowed",
    ast.DictComp: "comprehensions are not allowed",
    ast.GeneratorExp: "comprehensions are not allowed",
    ast.Starred: "'*' unpacking is not allowed",
    ast.JoinedStr: "f-strings are not allowed",
    ast.Await: "'await' is not allowed",
    ast.Yield: "'yield' is not allowed",
    ast.YieldFrom: "'yield' is not allowed",
}
_BITWISE_HINT = {
    ast.BitAnd: "use 'and' instead of '&'",
    ast.BitOr: "use 'or' instead of '|'",
    ast.Invert: "use 'not' instead of '~'",
    ast.Pow: "powers ('**') are not allowed",
    ast.FloorDiv: "use '/' for division",
    ast.BitXor: "'^' is not allowed",
    ast.LShift: "shifts are not allowed",
    ast.RShift: "shifts are not allowed",
    ast.MatMult: "'@' is not allowed",
}
_BACKTICK = re.compile(r"`([^`\n]*)`")
MAX_RULE_LENGTH = 2_000


class RuleError(ValueError):
    """A rule that cannot be used; ``str(error)`` says what and where ("at line:column")."""

    def __init__(self, problem: str, line: int | None = None, column: int | None = None):
        self.problem, self.line, self.column = problem, line, column
        where = f" at {line}:{column}" if line is not None else ""
        # Keep a "did you mean" hint after the position, where people read it.
        head, sep, hint = problem.partition("; did you mean")
        super().__init__(f"{head}{where}{sep}{hint}")


@dataclass(frozen=True)
class Condition:
    """One leaf of a rule (a comparison or a yes/no column) and its source text."""

    text: str
    node: ast.expr


@dataclass
class _Truth:
    """Three-valued boolean column: ``value`` only counts where ``known``."""

    value: np.ndarray
    known: np.ndarray


def column_kinds(frame: pd.DataFrame) -> dict[str, str]:
    """Kind of each column as the rule language sees it: number, flag (yes/no) or text."""
    kinds = {}
    for name in frame.columns:
        series = frame[name]
        if pd.api.types.is_bool_dtype(series):
            kinds[str(name)] = FLAG
        elif pd.api.types.is_numeric_dtype(series):
            present = series.dropna()
            is_flag = len(present) > 0 and bool(present.isin([0, 1]).all())
            kinds[str(name)] = FLAG if is_flag else NUMBER
        else:
            kinds[str(name)] = TEXT
    return kinds


class _Source:
    """The rule text as typed and as parsed; maps parser positions back to the user's text.

    Backticked names are replaced by placeholders of the same length, and the text is
    wrapped in "(\\n...\\n)" so it may span lines; positions therefore map one to one.
    """

    def __init__(self, text: str):
        self.text = text
        self.names: dict[str, str] = {}
        self.parsed = self._replace_backticks(text)
        self.lines = self.parsed.split("\n")

    def _replace_backticks(self, text: str) -> str:
        pieces, last = [], 0
        for index, match in enumerate(_BACKTICK.finditer(text)):
            name = match.group(1)
            if not name.strip():
                raise self.error_at_offset("empty column name in backticks", match.start())
            width = len(match.group(0))
            stem = f"_{np.base_repr(index, 36)}"
            if len(stem) > width:
                raise self.error_at_offset("too many short backticked names", match.start())
            placeholder = stem + "_" * (width - len(stem))
            self.names[placeholder] = name
            pieces += [text[last : match.start()], placeholder]
            last = match.end()
        pieces.append(text[last:])
        joined = "".join(pieces)
        if "`" in joined:
            raise self.error_at_offset("unclosed backtick", joined.index("`"))
        return joined

    def error_at_offset(self, problem: str, offset: int) -> RuleError:
        before = self.text[:offset]
        line = before.count("\n") + 1
        column = offset - (before.rfind("\n") + 1) + 1
        return RuleError(problem, line, column)

    def position(self, node: ast.AST) -> tuple[int, int]:
        """1-based (line, column) in the user's text of a parsed node."""
        parsed_line = self.lines[node.lineno - 2]
        char_col = len(parsed_line.encode()[: node.col_offset].decode(errors="ignore"))
        return node.lineno - 1, char_col + 1

    def error(self, problem: str, node: ast.AST) -> RuleError:
        return RuleError(problem, *self.position(node))

    def segment(self, node: ast.AST) -> str:
        """The user's own text for a node (backticks included)."""
        line, col = self.position(node)
        end_parsed = self.lines[node.end_lineno - 2]
        end_col = len(end_parsed.encode()[: node.end_col_offset].decode(errors="ignore"))
        user_lines = self.text.split("\n")
        if node.end_lineno - 1 == line:
            return user_lines[line - 1][col - 1 : end_col]
        first = user_lines[line - 1][col - 1 :]
        middle = user_lines[line : node.end_lineno - 2]
        last = user_lines[node.end_lineno - 2][:end_col]
        return " ".join(part.strip() for part in [first, *middle, last])

    def column_name(self, node: ast.Name) -> str:
        return self.names.get(node.id, node.id)


def _syntax_problem(message: str) -> str:
    if "Maybe you meant '=='" in message:
        return "use '==' to compare, not '='"
    if "invalid syntax" in message or "unexpected EOF" in message or "was never closed" in message:
        return "this is not a valid rule (check quotes, brackets and and/or)"
    return f"this is not a valid rule ({message})"


class Rule:
    """A parsed, checked rule bound to the kinds of the columns it was checked against.

    Build one with :func:`parse_rule`. Evaluate it on any frame with the same columns.
    """

    def __init__(self, text: str, kinds: dict[str, str]):
        if len(text) > MAX_RULE_LENGTH:
            raise RuleError(f"the rule is longer than {MAX_RULE_LENGTH:,} characters")
        if not text.strip():
            raise RuleError("the rule is empty")
        # Python's parser also ends lines at "\r"; one kind of line end keeps positions right.
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        self.text = text
        self.kinds = dict(kinds)
        self._source = _Source(text)
        self.columns: set[str] = set()
        self._literal_checks: list[tuple[str, str]] = []
        self._tree = self._parse()
        if self._check(self._tree) not in (FLAG, "bool"):
            raise self._source.error(
                "a rule must be a yes/no condition (a comparison such as x > 3)", self._tree
            )

    # --- parsing and checking -------------------------------------------------------------

    def _parse(self) -> ast.expr:
        wrapped = "(\n" + self._source.parsed + "\n)"
        if any(token in self._source.parsed for token in ("&&", "||")):
            offset = min(i for i in (self.text.find("&&"), self.text.find("||")) if i >= 0)
            raise self._source.error_at_offset("use 'and' / 'or' instead of '&&' / '||'", offset)
        try:
            tree = ast.parse(wrapped, mode="eval")
        except SyntaxError as error:
            user_lines = self.text.split("\n")
            line = (error.lineno or 2) - 1
            if line < 1:
                line, column = 1, 1
            elif line > len(user_lines):
                line, column = len(user_lines), len(user_lines[-1]) + 1
            else:
                column = max(min(error.offset or 1, len(user_lines[line - 1]) + 1), 1)
            raise RuleError(_syntax_problem(error.msg), line, column) from None
        return tree.body

    def _check(self, node: ast.expr) -> str:
        """Validate a node against the allow-list and return its kind."""
        source = self._source
        if type(node) in _REFUSED:
            raise source.error(_REFUSED[type(node)], node)
        if isinstance(node, ast.BoolOp):
            for value in node.values:
                self._require_condition(value)
            return "bool"
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.Not):
                self._require_condition(node.operand)
                return "bool"
            if isinstance(node.op, (ast.USub, ast.UAdd)):
                self._require_number(node.operand, "'-'")
                return NUMBER
            raise source.error(_BITWISE_HINT.get(type(node.op), "operator not allowed"), node)
        if isinstance(node, ast.BinOp):
            if type(node.op) not in _ARITHMETIC:
                raise source.error(_BITWISE_HINT.get(type(node.op), "operator not allowed"), node)
            self._require_number(node.left, "arithmetic")
            self._require_number(node.right, "arithmetic")
            return NUMBER
        if isinstance(node, ast.Compare):
            self._check_compare(node)
            return "bool"
        if isinstance(node, ast.Name):
            return self._check_name(node)
        if isinstance(node, ast.Constant):
            value = node.value
            if isinstance(value, bool):
                return FLAG
            if isinstance(value, (int, float)):
                if not np.isfinite(float(value)):
                    raise source.error("numbers must be finite", node)
                return NUMBER
            if isinstance(value, str):
                return TEXT
            raise source.error(f"{type(value).__name__} values are not allowed", node)
        if isinstance(node, (ast.List, ast.Tuple)):
            raise source.error("a list is only allowed after 'in' or 'not in'", node)
        raise source.error(f"'{type(node).__name__}' is not allowed in a rule", node)

    def _check_name(self, node: ast.Name) -> str:
        source = self._source
        if node.id not in source.names:
            if node.id.startswith("__"):
                raise source.error("names starting with '__' are not allowed", node)
            if node.id.startswith("_"):
                raise source.error("write names starting with '_' in backticks", node)
        name = source.column_name(node)
        if name not in self.kinds:
            raise source.error(f"unknown column '{name}'{self._suggest(name)}", node)
        self.columns.add(name)
        return self.kinds[name]

    def _suggest(self, name: str) -> str:
        lowered = name.lower()
        close = (
            [c for c in self.kinds if c.lower() == lowered]
            or [c for c in self.kinds if lowered and c.lower().startswith(lowered)]
            or difflib.get_close_matches(name, list(self.kinds), n=1, cutoff=0.6)
        )
        if not close:
            return ""
        suggestion = close[0]
        shown = suggestion if suggestion.isidentifier() else f"`{suggestion}`"
        return f"; did you mean '{shown}'?"

    def _require_condition(self, node: ast.expr) -> None:
        if self._check(node) not in ("bool", FLAG):
            raise self._source.error("expected a yes/no condition here", node)

    def _require_number(self, node: ast.expr, what: str) -> None:
        kind = self._check(node)
        if kind == TEXT:
            raise self._source.error(f"{what} needs numbers, but this is text", node)

    def _check_compare(self, node: ast.Compare) -> None:
        source = self._source
        left = node.left
        for op, right in zip(node.ops, node.comparators):
            if isinstance(op, (ast.In, ast.NotIn)):
                left_kind = self._check(left)
                self._check_in_list(left_kind, right)
                if left_kind == TEXT:
                    self._note_literals(left, list(right.elts))
            elif isinstance(op, (ast.Is, ast.IsNot)):
                raise source.error("use '==' or '!=' instead of 'is'", node)
            else:
                left_kind, right_kind = self._check(left), self._check(right)
                symbol = _COMPARE[type(op)][0]
                if (left_kind == TEXT) != (right_kind == TEXT):
                    text_side = left if left_kind == TEXT else right
                    raise source.error(
                        f"{self._describe(text_side)} is text and cannot be compared "
                        "with a number",
                        node,
                    )
                if left_kind == TEXT and symbol not in ("==", "!="):
                    raise source.error(f"text can only be compared with == or !=, not {symbol}", node)
                if left_kind == TEXT:
                    self._note_literals(left, [right])
                    self._note_literals(right, [left])
            left = right

    def _check_in_list(self, left_kind: str, right: ast.expr) -> None:
        source = self._source
        if not isinstance(right, (ast.List, ast.Tuple)):
            raise source.error("'in' needs a list such as [\"north\", \"east\"]", right)
        for item in right.elts:
            literal = _literal(item)
            if literal is None:
                raise source.error("a list after 'in' may hold only numbers or texts", item)
            item_kind = TEXT if isinstance(literal, str) else NUMBER
            if (item_kind == TEXT) != (left_kind == TEXT):
                raise source.error("the list mixes text and numbers with its column", item)

    def _note_literals(self, column_node: ast.expr, others: list[ast.expr]) -> None:
        """Remember text literals compared with a column, to warn if they never occur."""
        if isinstance(column_node, ast.Name):
            for other in others:
                literal = _literal(other)
                if isinstance(literal, str):
                    self._literal_checks.append((self._source.column_name(column_node), literal))

    def _describe(self, node: ast.expr) -> str:
        if isinstance(node, ast.Name):
            return f"'{self._source.column_name(node)}'"
        return "this value"

    # --- evaluation ------------------------------------------------------------------------

    def evaluate(self, frame: pd.DataFrame) -> np.ndarray:
        """Boolean array: True where the rule matches. Missing values never match."""
        truth = self._truth(self._tree, frame)
        return np.broadcast_to(truth.value & truth.known, (len(frame),)).copy()

    @property
    def conditions(self) -> list[Condition]:
        """The rule's leaf conditions, left to right, with their source text."""
        found: list[Condition] = []

        def walk(node: ast.expr) -> None:
            if isinstance(node, ast.BoolOp):
                for value in node.values:
                    walk(value)
            elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
                walk(node.operand)
            else:
                found.append(Condition(self._source.segment(node), node))

        walk(self._tree)
        return found

    def evaluate_conditions(self, frame: pd.DataFrame) -> pd.DataFrame:
        """One boolean column per leaf condition (missing counts as not met)."""
        result = {}
        for condition in self.conditions:
            truth = self._truth(condition.node, frame)
            met = np.broadcast_to(truth.value & truth.known, (len(frame),))
            result[condition.text] = met
        return pd.DataFrame(result, index=frame.index)

    def literal_warnings(self, frame: pd.DataFrame) -> list[str]:
        """Texts the rule compares with that never occur in their column (likely typos)."""
        warnings = []
        for column, literal in self._literal_checks:
            if column in frame.columns and not (frame[column] == literal).any():
                values = pd.Series(frame[column].dropna().unique()).astype(str).head(6)
                shown = ", ".join(f'"{v}"' for v in values)
                warnings.append(f"\"{literal}\" never occurs in '{column}' (it has {shown})")
        return warnings

    def _column(self, node: ast.Name, frame: pd.DataFrame) -> pd.Series:
        name = self._source.column_name(node)
        if name not in frame.columns:
            raise self._source.error(f"unknown column '{name}'", node)
        return frame[name]

    def _value(self, node: ast.expr, frame: pd.DataFrame) -> Any:
        """Value of a non-boolean node: a float array, an object array, or a scalar."""
        if isinstance(node, ast.Constant):
            return float(node.value) if isinstance(node.value, (int, float)) else node.value
        if isinstance(node, ast.Name):
            series = self._column(node, frame)
            if self.kinds[self._source.column_name(node)] == TEXT:
                return series.astype(object).where(series.notna(), None).to_numpy()
            return pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)
        if isinstance(node, ast.UnaryOp):
            operand = self._value(node.operand, frame)
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.BinOp):
            left = np.asarray(self._value(node.left, frame), dtype=float)
            right = np.asarray(self._value(node.right, frame), dtype=float)
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                result = _ARITHMETIC[type(node.op)](left, right)
            # Division by zero means "no value" here, not infinity.
            return np.where(np.isfinite(result), result, np.nan)
        raise self._source.error("expected a value here", node)  # pragma: no cover

    def _truth(self, node: ast.expr, frame: pd.DataFrame) -> _Truth:
        n = len(frame)
        if isinstance(node, ast.BoolOp):
            parts = [self._truth(value, frame) for value in node.values]
            result = parts[0]
            for part in parts[1:]:
                result = _and(result, part) if isinstance(node.op, ast.And) else _or(result, part)
            return result
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            inner = self._truth(node.operand, frame)
            return _Truth(~inner.value & inner.known, inner.known)
        if isinstance(node, ast.Compare):
            return self._compare(node, frame)
        if isinstance(node, ast.Constant) and isinstance(node.value, bool):
            return _Truth(np.full(n, node.value), np.ones(n, dtype=bool))
        values = np.asarray(self._value(node, frame), dtype=float)
        known = ~np.isnan(values)
        return _Truth(np.broadcast_to((values != 0) & known, (n,)), np.broadcast_to(known, (n,)))

    def _compare(self, node: ast.Compare, frame: pd.DataFrame) -> _Truth:
        n = len(frame)
        result = _Truth(np.ones(n, dtype=bool), np.ones(n, dtype=bool))
        left = self._value(node.left, frame)
        for op, right_node in zip(node.ops, node.comparators):
            if isinstance(op, (ast.In, ast.NotIn)):
                options = [_literal(item) for item in right_node.elts]
                known = ~_missing(left, n)
                if isinstance(left, np.ndarray):
                    hit = pd.Series(left).isin(options).to_numpy()
                else:
                    hit = np.full(n, left in options)
                value = hit if isinstance(op, ast.In) else ~hit
                result = _and(result, _Truth(value & known, known))
                continue
            right = self._value(right_node, frame)
            known = ~_missing(left, n) & ~_missing(right, n)
            with np.errstate(invalid="ignore"):
                value = np.broadcast_to(_COMPARE[type(op)][1](left, right), (n,)).astype(bool)
            result = _and(result, _Truth(value & known, known))
            left = right
        return result


def _literal(node: ast.expr) -> Any:
    """The number or text of a constant node (allowing a leading minus), else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float, str)):
        if isinstance(node.value, bool):
            return None
        return node.value
    if (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, ast.USub)
        and isinstance(node.operand, ast.Constant)
        and isinstance(node.operand.value, (int, float))
        and not isinstance(node.operand.value, bool)
    ):
        return -node.operand.value
    return None


def _missing(value: Any, n: int) -> np.ndarray:
    if isinstance(value, np.ndarray):
        if value.dtype == object:
            return pd.isna(value)
        return np.isnan(value)
    return np.full(n, value is None or (isinstance(value, float) and np.isnan(value)))


def _and(a: _Truth, b: _Truth) -> _Truth:
    known = (a.known & b.known) | (a.known & ~a.value) | (b.known & ~b.value)
    return _Truth(a.value & b.value & known, known)


def _or(a: _Truth, b: _Truth) -> _Truth:
    known = (a.known & b.known) | (a.known & a.value) | (b.known & b.value)
    return _Truth((a.value | b.value) & known, known)


def parse_rule(text: str, frame_or_kinds: pd.DataFrame | dict[str, str]) -> Rule:
    """Parse and check a rule against a frame's columns (or a name -> kind mapping).

    Raises
    ------
    RuleError
        Naming the problem and its position, e.g.
        ``unknown column 'tenur' at 1:1; did you mean 'tenure_months'?``.
    """
    is_frame = isinstance(frame_or_kinds, pd.DataFrame)
    kinds = column_kinds(frame_or_kinds) if is_frame else dict(frame_or_kinds)
    if not isinstance(text, str):
        raise RuleError("the rule must be text")
    return Rule(text, kinds)
