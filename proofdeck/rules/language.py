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

Limits, so that no text can exhaust the parser: at most :data:`MAX_RULE_LENGTH` characters,
:data:`MAX_RULE_DEPTH` levels of nesting (brackets, ``not``, ``-`` and chains of arithmetic
all count) and :data:`MAX_RULE_NODES` parts. Every failure is a :class:`RuleError` with a
position inside the text (or just after its end), never another exception.

Column names are matched exactly as typed (Python would fold full-width letters to ASCII;
the rule language does not), and suggestions compare names loosely (case, Unicode forms).
:meth:`Rule.checklist` says a rule in plain words as a tree that keeps its and/or/not.
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
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
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
MAX_RULE_LENGTH = 2_000
MAX_RULE_DEPTH = 50  # a real rule nests a handful of levels; the evaluator recurses per level
MAX_RULE_NODES = 500  # parts: names, numbers, texts, operations (a list item is one)
_CLOSES = {")": "(", "]": "[", "}": "{"}


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


@dataclass(frozen=True)
class RuleNode:
    """One part of a rule in plain words, for a checklist that keeps the rule's and/or/not.

    Build the tree with :meth:`Rule.checklist`.

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

        For example ``["✓ Any of these:", "  ✗ Plan is \\"basic\\"", "  ✓ All of these:", ...]``.
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

    Backticked names are replaced by placeholders of the same length (outside string literals
    and comments only), and the text is wrapped in "(\\n...\\n)" so it may span lines;
    positions therefore map one to one.
    """

    def __init__(self, text: str):
        self.text = text
        self.names: dict[str, str] = {}
        self.parsed = self._replace_backticks(text)
        self.lines = self.parsed.split("\n")
        self.user_lines = text.split("\n")

    def _replace_backticks(self, text: str) -> str:
        pieces: list[str] = []
        i, n = 0, len(text)
        while i < n:
            char = text[i]
            if char == "`":
                close = text.find("`", i + 1)
                newline = text.find("\n", i + 1)
                if close < 0 or 0 <= newline < close:
                    raise self.error_at_offset("unclosed backtick", i)
                name = text[i + 1 : close]
                if not name.strip():
                    raise self.error_at_offset("empty column name in backticks", i)
                width = close + 1 - i
                stem = f"_{np.base_repr(len(self.names), 36)}"
                if len(stem) > width:
                    raise self.error_at_offset("too many short backticked names", i)
                placeholder = stem + "_" * (width - len(stem))
                self.names[placeholder] = name
                pieces.append(placeholder)
                i = close + 1
            elif char in "'\"":
                end = _string_end(text, i)
                pieces.append(text[i:end])
                i = end
            elif char == "#":
                end = text.find("\n", i)
                end = n if end < 0 else end
                pieces.append(text[i:end])
                i = end
            else:
                pieces.append(char)
                i += 1
        return "".join(pieces)

    def error_at_offset(self, problem: str, offset: int) -> RuleError:
        before = self.text[:offset]
        line = before.count("\n") + 1
        column = offset - (before.rfind("\n") + 1) + 1
        return RuleError(problem, line, column)

    def clamp(self, parsed_line: int, char_col: int) -> tuple[int, int]:
        """1-based (line, column) in the user's text of a 1-based line of the wrapped text and
        a 0-based character column; the wrapper's own lines map to the start or the end."""
        if parsed_line < 2:
            return 1, 1
        line = parsed_line - 1
        if line > len(self.user_lines):
            return len(self.user_lines), len(self.user_lines[-1]) + 1
        return line, min(max(char_col, 0), len(self.user_lines[line - 1])) + 1

    def _char_col(self, parsed_line: int, byte_col: int) -> int:
        if not 2 <= parsed_line <= len(self.lines) + 1:
            return 0
        return len(self.lines[parsed_line - 2].encode()[:byte_col].decode(errors="ignore"))

    def position(self, node: ast.AST) -> tuple[int, int]:
        """1-based (line, column) in the user's text of a parsed node."""
        return self.clamp(node.lineno, self._char_col(node.lineno, node.col_offset))

    def error(self, problem: str, node: ast.AST) -> RuleError:
        return RuleError(problem, *self.position(node))

    def raw(self, node: ast.AST) -> str:
        """The parsed text of a one-line node exactly as typed (no Unicode folding)."""
        line = self.lines[node.lineno - 2].encode()
        return line[node.col_offset : node.end_col_offset].decode(errors="replace")

    def segment(self, node: ast.AST) -> str:
        """The user's own text for a node (backticks included)."""
        line, col = self.position(node)
        end_line, end_col = self.clamp(node.end_lineno, self._char_col(node.end_lineno, node.end_col_offset))
        end_col -= 1
        if end_line == line:
            return self.user_lines[line - 1][col - 1 : end_col]
        first = self.user_lines[line - 1][col - 1 :]
        middle = self.user_lines[line : end_line - 1]
        last = self.user_lines[end_line - 1][:end_col]
        return " ".join(part.strip() for part in [first, *middle, last])

    def column_name(self, node: ast.Name) -> str:
        return self.names.get(node.id, node.id)


def _string_end(text: str, start: int) -> int:
    """Offset just after the string literal that starts at ``start`` (or where it breaks off)."""
    quote = text[start : start + 3] if text[start : start + 3] in ('"""', "'''") else text[start]
    i = start + len(quote)
    while i < len(text):
        if text[i] == "\\":
            i += 2
        elif text.startswith(quote, i):
            return i + len(quote)
        elif text[i] == "\n" and len(quote) == 1:
            return i
        else:
            i += 1
    return len(text)


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


class Rule:
    """A parsed, checked rule bound to the kinds of the columns it was checked against.

    Build one with :func:`parse_rule`. Evaluate it on any frame with the same columns.
    """

    def __init__(self, text: str, kinds: dict[str, str]):
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
        self.text = text
        self.kinds = dict(kinds)
        self._source = _Source(text)
        self.columns: set[str] = set()
        self._literal_checks: list[tuple[str, str]] = []
        self._tree = self._parse()
        try:
            kind = self._check(self._tree)
        except RecursionError:  # pragma: no cover - _bound_size keeps the depth far below
            raise RuleError("the rule is nested too deeply", 1, 1) from None
        if kind not in (FLAG, "bool"):
            raise self._source.error(
                "a rule must be a yes/no condition (a comparison such as x > 3)", self._tree
            )

    # --- parsing and checking -------------------------------------------------------------

    def _parse(self) -> ast.expr:
        self._scan_tokens()
        wrapped = "(\n" + self._source.parsed + "\n)"
        try:
            with warnings.catch_warnings():  # "invalid decimal literal" and such: not for the log
                warnings.simplefilter("ignore")
                tree = ast.parse(wrapped, mode="eval")
        except SyntaxError as error:
            line, column = self._source.clamp(error.lineno or 1, (error.offset or 1) - 1)
            raise RuleError(_syntax_problem(error.msg), line, column) from None
        except (RecursionError, MemoryError, ValueError, SystemError):
            # CPython's parser gives up on very deep input with any of these.
            raise RuleError("the rule is nested too deeply", 1, 1) from None
        self._bound_size(tree.body)
        for node in ast.walk(tree.body):
            if isinstance(node, ast.Name):
                # Python folds identifiers to NFKC (full-width "ｐlan" becomes "plan"); a column
                # must be named exactly as it is written, so use the text as typed.
                node.id = self._source.raw(node)
        return tree.body

    def _scan_tokens(self) -> None:
        """Refuse unbalanced brackets and '&&' / '||' before Python's parser sees the text.

        The wrapper's own brackets would otherwise pair with a user's stray ")" and "(".
        """
        source = self._source
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
                raise self._source.error(
                    f"the rule is nested too deeply (more than {MAX_RULE_DEPTH} levels of brackets, "
                    "'not', '-' or arithmetic)",
                    node,
                )
            if count > MAX_RULE_NODES:
                raise self._source.error(f"the rule has more than {MAX_RULE_NODES:,} parts", node)
            # Only expressions count: operators and contexts are not parts a person wrote.
            stack.extend((c, depth + 1) for c in ast.iter_child_nodes(node) if isinstance(c, ast.expr))

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
        source = self._source
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
            if not isinstance(literal, str) and not _finite(literal):
                raise source.error("numbers must be finite (this one is too large)", item)
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
        """Texts the rule compares with that never occur in their column (likely typos).

        Each message quotes the text and up to six values of the column, as they are in the
        data: show it only to whoever wrote the rule, and pass it through
        :func:`proofdeck.words.safe_text.md` (data values may hold Markdown or links).
        """
        found = []
        for column, literal in self._literal_checks:
            if column in frame.columns and not (frame[column] == literal).any():
                values = pd.Series(frame[column].dropna().unique()).astype(str).head(6)
                shown = ", ".join(f'"{v}"' for v in values)
                found.append(f"\"{literal}\" never occurs in '{column}' (it has {shown})")
        return found

    def checklist(
        self,
        row: pd.DataFrame | pd.Series | Mapping[str, Any] | None = None,
        labels: Callable[[str], str] | None = None,
    ) -> RuleNode:
        """The rule in plain words as a tree that keeps its and/or/not, met or not for one row.

        ``A or (B and C)`` becomes ``any[A, all[B, C]]``, so a page can show "any of these"
        around A and the group of B and C, instead of three ticks that lose the "or". Leaves
        say their condition in words: ``contract == "month-to-month"`` is ``Contract is
        "month-to-month"``, ``tenure_months < 6`` is ``Tenure (months) below 6``,
        ``not (plan == "basic")`` is ``Plan is not "basic"``.

        Parameters
        ----------
        row : one example (a one-row frame, a row as a Series, or a column -> value mapping);
            None describes the rule without evaluating it (every ``met`` is None).
        labels : column name -> readable label (e.g. ``DemoSpec.label``); default the name.

        Returns
        -------
        The root :class:`RuleNode`. Its texts hold column labels and values as written in the
        rule: escape them (:func:`proofdeck.words.safe_text.md`) wherever Markdown is rendered.
        """
        frame = _one_row(row)
        return _Describer(self, frame, labels or (lambda name: name)).node(self._tree)

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


def _fold(name: str) -> str:
    """A name compared loosely: Unicode compatibility forms, case and "_" vs space folded."""
    return unicodedata.normalize("NFKC", name).casefold().replace(" ", "_")


def _finite(value: int | float) -> bool:
    try:
        return bool(np.isfinite(float(value)))
    except OverflowError:  # an int of 309 digits or more
        return False


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

    def __init__(self, rule: Rule, frame: pd.DataFrame | None, labels: Callable[[str], str]):
        self.rule, self.frame, self.labels = rule, frame, labels
        self.source = rule._source

    def met(self, node: ast.expr) -> bool | None:
        if self.frame is None:
            return None
        truth = self.rule._truth(node, self.frame)
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
        if _literal(left) is not None and _literal(right) is None:
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
