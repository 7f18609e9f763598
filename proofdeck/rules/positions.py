"""Where things are in a rule as its author typed it, and the error that names a place.

The parser never reads the text exactly as typed: backticked names become placeholders and the
text is wrapped in brackets so that it may span lines. :class:`SourceText` keeps both texts
and maps every position the parser reports back to a line and column of the user's own text,
so each :class:`RuleError` points inside what was typed (or just after its end).
"""

from __future__ import annotations

import ast

import numpy as np


class RuleError(ValueError):
    """A rule that cannot be used; ``str(error)`` says what and where ("at line:column").

    Attributes
    ----------
    problem : what is wrong, in words.
    line, column : 1-based position in the rule as typed, or None for the rule as a whole.

    Examples
    --------
    The position goes before a "did you mean" hint, where people read it:

    >>> error = RuleError("unknown column 'tenur'; did you mean 'tenure_months'?", 1, 1)
    >>> str(error)
    "unknown column 'tenur' at 1:1; did you mean 'tenure_months'?"
    >>> error.problem, error.line, error.column
    ("unknown column 'tenur'; did you mean 'tenure_months'?", 1, 1)
    >>> str(RuleError("the rule is empty"))
    'the rule is empty'
    """

    def __init__(self, problem: str, line: int | None = None, column: int | None = None):
        self.problem, self.line, self.column = problem, line, column
        where = f" at {line}:{column}" if line is not None else ""
        # Keep a "did you mean" hint after the position, where people read it.
        head, sep, hint = problem.partition("; did you mean")
        super().__init__(f"{head}{where}{sep}{hint}")


class SourceText:
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
