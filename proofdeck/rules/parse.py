"""Reading a rule's text into a checked tree: the grammar, its allow-list and its limits.

Python's ``ast`` reads the text, and every node is checked against an allow-list (column
names, numbers, strings, comparisons, and/or/not, in-lists and arithmetic); nothing is ever
executed. Each column has a kind (:func:`column_kinds`) that decides what it may be compared
with.

Limits, so that no text can exhaust the parser: at most :data:`MAX_RULE_LENGTH` characters,
:data:`MAX_RULE_DEPTH` levels of nesting (brackets, ``not``, ``-`` and chains of arithmetic
all count) and :data:`MAX_RULE_NODES` parts. Every failure is a
:class:`~proofdeck.rules.positions.RuleError` with a position inside the text (or just after
its end), never another exception.

Column names are matched exactly as typed (Python would fold full-width letters to ASCII;
the rule language does not), and suggestions compare names loosely (case, Unicode forms).
"""

from __future__ import annotations

import ast
import difflib
import io
import operator
import re
import tokenize
import unicodedata
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from proofdeck.rules.positions import RuleError, SourceText

NUMBER, TEXT, FLAG = "number", "text", "flag"

# Each comparison: its symbol (for messages) and what it computes (for the evaluator).
COMPARE = {
    ast.Eq: ("==", operator.eq),
    ast.NotEq: ("!=", operator.ne),
    ast.Lt: ("<", operator.lt),
    ast.LtE: ("<=", operator.le),
    ast.Gt: (">", operator.gt),
    ast.GtE: (">=", operator.ge),
}
ARITHMETIC = {
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
MAX_RULE_LENGTH = 2_000
MAX_RULE_DEPTH = 50  # a real rule nests a handful of levels; the evaluator recurses per level
MAX_RULE_NODES = 500  # parts: names, numbers, texts, operations (a list item is one)
_CLOSES = {")": "(", "]": "[", "}": "{"}


def column_kinds(frame: pd.DataFrame) -> dict[str, str]:
    """Kind of each column as the rule language sees it: number, flag (yes/no) or text.

    A numeric column holding only 0 and 1 (missing values aside) is a flag, so a rule may name
    it on its own (``new_device``); text may only be compared with ``==``, ``!=`` and ``in``.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({
    ...     "plan": ["basic", None],
    ...     "tenure_months": [3.0, 12.5],
    ...     "new_device": [1, 0],
    ...     "is_business": [True, False],
    ... })
    >>> column_kinds(frame)
    {'plan': 'text', 'tenure_months': 'number', 'new_device': 'flag', 'is_business': 'flag'}
    """
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


def literal(node: ast.expr) -> Any:
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


@dataclass(frozen=True)
class ParsedRule:
    """A rule's text read into a tree and checked against the allow-list.

    Attributes
    ----------
    text : the rule as typed, every line end made "\\n".
    source : the map from the tree's positions to that text.
    tree : the checked expression (a yes/no condition).
    columns : the columns the rule names.
    literal_checks : (column, text) for every text compared with a column, to warn of typos.
    """

    text: str
    source: SourceText
    tree: ast.expr
    columns: frozenset[str]
    literal_checks: tuple[tuple[str, str], ...]


def parse_tree(text: str, kinds: Mapping[str, str]) -> ParsedRule:
    """Read and check a rule against column kinds (name -> :data:`NUMBER`, :data:`TEXT` or
    :data:`FLAG`).

    Raises
    ------
    RuleError
        For any text that is not a yes/no rule on these columns, with its position.

    Examples
    --------
    >>> kinds = {"plan": TEXT, "tenure_months": NUMBER}
    >>> parsed = parse_tree('plan == "basic" and tenure_months < 6', kinds)
    >>> sorted(parsed.columns), parsed.literal_checks
    (['plan', 'tenure_months'], (('plan', 'basic'),))

    Anything outside the allow-list is refused where it stands, never run:

    >>> parse_tree('tenure_months < 6 and plan.upper() == "BASIC"', kinds)
    Traceback (most recent call last):
        ...
    proofdeck.rules.positions.RuleError: function calls are not allowed at 1:23
    >>> parse_tree('plan > 3', kinds)
    Traceback (most recent call last):
        ...
    proofdeck.rules.positions.RuleError: 'plan' is text and cannot be compared with a number at 1:1
    """
    if len(text) > MAX_RULE_LENGTH:
        raise RuleError(f"the rule is longer than {MAX_RULE_LENGTH:,} characters")
    if not text.strip():
        raise RuleError("the rule is empty")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise RuleError("the rule holds a character that is not valid text", 1, 1) from error
    # Python's parser also ends lines at "\r"; one kind of line end keeps positions right.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    checker = _Checker(SourceText(text), kinds)
    tree = checker.parse()
    try:
        kind = checker.check(tree)
    except RecursionError:  # pragma: no cover - _bound_size keeps the depth far below
        raise RuleError("the rule is nested too deeply", 1, 1) from None
    if kind not in (FLAG, "bool"):
        raise checker.source.error("a rule must be a yes/no condition (a comparison such as x > 3)", tree)
    return ParsedRule(text, checker.source, tree, frozenset(checker.columns), tuple(checker.literal_checks))


def _syntax_problem(message: str) -> str:
    if "Maybe you meant '=='" in message:
        return "use '==' to compare, not '='"
    if "unterminated" in message:
        return "this is not a valid rule: a quote is never closed"
    if "null bytes" in message:
        return "this is not a valid rule: it holds a NUL character"
    # The parser counts lines of the wrapped text; its "(detected at line N)" would mislead.
    message = re.sub(r" \(detected at line \d+\)", "", message)
    if "invalid syntax" in message or "unexpected EOF" in message or "was never closed" in message:
        return "this is not a valid rule (check quotes, brackets and and/or)"
    return f"this is not a valid rule ({message})"


def _fold(name: str) -> str:
    """A name compared loosely: Unicode compatibility forms, case and "_" vs space folded."""
    return unicodedata.normalize("NFKC", name).casefold().replace(" ", "_")


def _finite(value: int | float) -> bool:
    try:
        return bool(np.isfinite(float(value)))
    except OverflowError:  # an int of 309 digits or more
        return False


class _Checker:
    """Parses one rule's text and checks every node against the allow-list, noting the columns
    it names and the texts it compares them with."""

    def __init__(self, source: SourceText, kinds: Mapping[str, str]):
        self.source = source
        self.kinds = kinds
        self.columns: set[str] = set()
        self.literal_checks: list[tuple[str, str]] = []

    def parse(self) -> ast.expr:
        self._scan_tokens()
        wrapped = "(\n" + self.source.parsed + "\n)"
        try:
            with warnings.catch_warnings():  # "invalid decimal literal" and such: not for the log
                warnings.simplefilter("ignore")
                tree = ast.parse(wrapped, mode="eval")
        except SyntaxError as error:
            line, column = self.source.clamp(error.lineno or 1, (error.offset or 1) - 1)
            raise RuleError(_syntax_problem(error.msg), line, column) from None
        except (RecursionError, MemoryError, ValueError, SystemError):
            # CPython's parser gives up on very deep input with any of these.
            raise RuleError("the rule is nested too deeply", 1, 1) from None
        self._bound_size(tree.body)
        for node in ast.walk(tree.body):
            if isinstance(node, ast.Name):
                # Python folds identifiers to NFKC (full-width "ｐlan" becomes "plan"); a column
                # must be named exactly as it is written, so use the text as typed.
                node.id = self.source.raw(node)
        return tree.body

    def _scan_tokens(self) -> None:
        """Refuse unbalanced brackets and '&&' / '||' before Python's parser sees the text.

        The wrapper's own brackets would otherwise pair with a user's stray ")" and "(".
        """
        source = self.source
        wrapped = "(\n" + source.parsed + "\n)"
        last_line = wrapped.count("\n") + 1
        opened: list[tuple[str, int, int]] = []
        previous = None
        try:
            for token in tokenize.generate_tokens(io.StringIO(wrapped).readline):
                line, col = token.start
                if token.type != tokenize.OP or line in (1, last_line):
                    previous = None
                    continue
                where = source.clamp(line, col)
                if (
                    previous is not None
                    and previous.string == token.string
                    and token.string in "&|"
                    and previous.end == token.start
                ):
                    raise RuleError("use 'and' / 'or' instead of '&&' / '||'", *source.clamp(*previous.start))
                previous = token
                if token.string in "([{":
                    opened.append((token.string, *where))
                elif token.string in _CLOSES:
                    if not opened:
                        raise RuleError(
                            f"this is not a valid rule: '{token.string}' has no matching "
                            f"'{_CLOSES[token.string]}'",
                            *where,
                        )
                    bracket, *_ = opened.pop()
                    if bracket != _CLOSES[token.string]:
                        raise RuleError(
                            f"this is not a valid rule: '{token.string}' does not close '{bracket}'", *where
                        )
        except (tokenize.TokenError, SyntaxError):
            if not opened:
                return  # an unclosed string and the like: Python's parser says what is wrong
        if opened:
            bracket, line, column = opened[-1]
            raise RuleError(f"this is not a valid rule: '{bracket}' is never closed", line, column)

    def _bound_size(self, tree: ast.expr) -> None:
        """Refuse rules nested deeper than MAX_RULE_DEPTH or larger than MAX_RULE_NODES parts,
        without recursion (the checker and the evaluator recurse once per level)."""
        stack, count = [(tree, 1)], 0
        while stack:
            node, depth = stack.pop()
            count += 1
            if depth > MAX_RULE_DEPTH:
                raise self.source.error(
                    f"the rule is nested too deeply (more than {MAX_RULE_DEPTH} levels of brackets, "
                    "'not', '-' or arithmetic)",
                    node,
                )
            if count > MAX_RULE_NODES:
                raise self.source.error(f"the rule has more than {MAX_RULE_NODES:,} parts", node)
            # Only expressions count: operators and contexts are not parts a person wrote.
            stack.extend((c, depth + 1) for c in ast.iter_child_nodes(node) if isinstance(c, ast.expr))

    def check(self, node: ast.expr) -> str:
        """Validate a node against the allow-list and return its kind."""
        source = self.source
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
            if type(node.op) not in ARITHMETIC:
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
                if not _finite(value):
                    raise source.error("numbers must be finite (this one is too large)", node)
                return NUMBER
            if isinstance(value, str):
                return TEXT
            raise source.error(f"{type(value).__name__} values are not allowed", node)
        if isinstance(node, (ast.List, ast.Tuple)):
            raise source.error("a list is only allowed after 'in' or 'not in'", node)
        raise source.error(f"'{type(node).__name__}' is not allowed in a rule", node)

    def _check_name(self, node: ast.Name) -> str:
        source = self.source
        if node.id not in source.names:
            folded = _fold(node.id)
            if folded.startswith("__"):
                raise source.error("names starting with '__' are not allowed", node)
            if folded.startswith("_"):
                raise source.error("write names starting with '_' in backticks", node)
        name = source.column_name(node)
        if name not in self.kinds:
            raise source.error(f"unknown column '{name}'{self._suggest(name)}", node)
        self.columns.add(name)
        return self.kinds[name]

    def _suggest(self, name: str) -> str:
        """A "did you mean" for an unknown name, comparing names loosely: case, Unicode forms
        (full-width letters, the micro sign and the Greek mu) and spaces do not count."""
        folded = _fold(name)
        by_fold = {column: _fold(column) for column in self.kinds}
        close = (
            [c for c, f in by_fold.items() if f == folded]
            or [c for c, f in by_fold.items() if folded and f.startswith(folded)]
        )
        if not close:
            near = difflib.get_close_matches(folded, list(by_fold.values()), n=1, cutoff=0.6)
            close = [c for c, f in by_fold.items() if near and f == near[0]]
        if not close:
            return ""
        suggestion = close[0]
        shown = suggestion if suggestion.isidentifier() else f"`{suggestion}`"
        return f"; did you mean '{shown}'?"

    def _require_condition(self, node: ast.expr) -> None:
        if self.check(node) not in ("bool", FLAG):
            raise self.source.error("expected a yes/no condition here", node)

    def _require_number(self, node: ast.expr, what: str) -> None:
        kind = self.check(node)
        if kind == TEXT:
            raise self.source.error(f"{what} needs numbers, but this is text", node)

    def _check_compare(self, node: ast.Compare) -> None:
        source = self.source
        left = node.left
        for op, right in zip(node.ops, node.comparators):
            if isinstance(op, (ast.In, ast.NotIn)):
                left_kind = self.check(left)
                self._check_in_list(left_kind, right)
                if left_kind == TEXT:
                    self._note_literals(left, list(right.elts))
            elif isinstance(op, (ast.Is, ast.IsNot)):
                raise source.error("use '==' or '!=' instead of 'is'", node)
            else:
                left_kind, right_kind = self.check(left), self.check(right)
                symbol = COMPARE[type(op)][0]
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
        source = self.source
        if not isinstance(right, (ast.List, ast.Tuple)):
            raise source.error("'in' needs a list such as [\"north\", \"east\"]", right)
        for item in right.elts:
            value = literal(item)
            if value is None:
                raise source.error("a list after 'in' may hold only numbers or texts", item)
            if not isinstance(value, str) and not _finite(value):
                raise source.error("numbers must be finite (this one is too large)", item)
            item_kind = TEXT if isinstance(value, str) else NUMBER
            if (item_kind == TEXT) != (left_kind == TEXT):
                raise source.error("the list mixes text and numbers with its column", item)

    def _note_literals(self, column_node: ast.expr, others: list[ast.expr]) -> None:
        """Remember text literals compared with a column, to warn if they never occur."""
        if isinstance(column_node, ast.Name):
            for other in others:
                value = literal(other)
                if isinstance(value, str):
                    self.literal_checks.append((self.source.column_name(column_node), value))

    def _describe(self, node: ast.expr) -> str:
        if isinstance(node, ast.Name):
            return f"'{self.source.column_name(node)}'"
        return "this value"
