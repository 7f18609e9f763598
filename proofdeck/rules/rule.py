"""Today's business rule as a small, safe expression language: the entry point.

Examples of rules::

    contract == "month-to-month" and tenure_months < 6
    region in ["north", "east"]
    not (plan == "basic")
    total_charges / tenure_months > 80
    `lead source` == "referral" or (employees >= 200 and pages_viewed >= 5)

A rule is *parsed, never executed*. :func:`parse_rule` gives a :class:`Rule`, which puts
together the modules that each do one job: :mod:`~proofdeck.rules.parse` reads the text and
checks it against an allow-list, :mod:`~proofdeck.rules.evaluate` computes it on pandas
columns with three-valued logic (missing values never match),
:mod:`~proofdeck.rules.describe` says it in plain words, and
:mod:`~proofdeck.rules.positions` places every mistake (a
:class:`~proofdeck.rules.positions.RuleError`) in the text as typed.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from proofdeck.rules.describe import RuleNode, describe
from proofdeck.rules.evaluate import Evaluator
from proofdeck.rules.parse import column_kinds, parse_tree
from proofdeck.rules.positions import RuleError


@dataclass(frozen=True)
class Condition:
    """One leaf of a rule (a comparison or a yes/no column) and its source text."""

    text: str
    node: ast.expr


class Rule:
    """A parsed, checked rule bound to the kinds of the columns it was checked against.

    Build one with :func:`parse_rule`. Evaluate it on any frame with the same columns.
    """

    def __init__(self, text: str, kinds: dict[str, str]):
        self.kinds = dict(kinds)
        parsed = parse_tree(text, self.kinds)
        self.text = parsed.text
        self.columns: set[str] = set(parsed.columns)
        self._source, self._tree = parsed.source, parsed.tree
        self._literal_checks = parsed.literal_checks

    def evaluate(self, frame: pd.DataFrame) -> np.ndarray:
        """Boolean array: True where the rule matches. Missing values never match.

        Logic is three-valued: a comparison on a missing value is unknown, ``unknown or True``
        is True, ``unknown and True`` stays unknown, and unknown does not match, even under
        ``not``.

        Examples
        --------
        The third customer's plan is missing:

        >>> import pandas as pd
        >>> frame = pd.DataFrame({"plan": ["basic", "premium", None], "tenure_months": [3, 30, 5]})
        >>> parse_rule('plan == "basic" or tenure_months < 6', frame).evaluate(frame).tolist()
        [True, False, True]
        >>> parse_rule('plan == "basic" and tenure_months < 6', frame).evaluate(frame).tolist()
        [True, False, False]
        >>> parse_rule('not (plan == "basic")', frame).evaluate(frame).tolist()
        [False, True, False]
        """
        truth = Evaluator(self._source, self.kinds, frame).truth(self._tree)
        return truth.matches(len(frame)).copy()

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
        evaluator = Evaluator(self._source, self.kinds, frame)
        result = {}
        for condition in self.conditions:
            result[condition.text] = evaluator.truth(condition.node).matches(len(frame))
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
        The root :class:`~proofdeck.rules.describe.RuleNode`. Its texts hold column labels and
        values as written in the rule: escape them (:func:`proofdeck.words.safe_text.md`)
        wherever Markdown is rendered.

        Examples
        --------
        >>> import pandas as pd
        >>> frame = pd.DataFrame({"plan": ["basic", "premium"], "tenure_months": [3, 30]})
        >>> rule = parse_rule('plan == "basic" or (tenure_months < 6 and not plan == "premium")', frame)
        >>> labels = {"plan": "Plan", "tenure_months": "Tenure (months)"}.get
        >>> root = rule.checklist({"plan": "premium", "tenure_months": 3}, labels)
        >>> root.kind, root.met
        ('any', False)
        >>> print("\\n".join(root.lines()))
        ✗ Any of these:
          ✗ Plan is "basic"
          ✗ All of these:
            ✓ Tenure (months) below 6
            ✗ Plan is not "premium"

        A missing plan leaves every part that asks about it unknown (``–``):

        >>> print("\\n".join(rule.checklist({"plan": None, "tenure_months": 3}, labels).lines()))
        – Any of these:
          – Plan is "basic"
          – All of these:
            ✓ Tenure (months) below 6
            – Plan is not "premium"
        """
        return describe(self._tree, self._source, self.kinds, row, labels or (lambda name: name))


def parse_rule(text: str, frame_or_kinds: pd.DataFrame | dict[str, str]) -> Rule:
    """Parse and check a rule against a frame's columns (or a name -> kind mapping).

    Raises
    ------
    RuleError
        Naming the problem and its position, e.g.
        ``unknown column 'tenur' at 1:1; did you mean 'tenure_months'?``.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> frame = pd.DataFrame({
    ...     "contract": ["month-to-month", "two-year", "month-to-month"],
    ...     "tenure_months": [3, 4, np.nan],
    ... })
    >>> rule = parse_rule('contract == "month-to-month" and tenure_months < 6', frame)
    >>> sorted(rule.columns)
    ['contract', 'tenure_months']
    >>> rule.evaluate(frame).tolist()  # the third tenure is missing: no match
    [True, False, False]

    A mistake says what and where (line:column), with a likely fix:

    >>> parse_rule("tenur < 6", frame)
    Traceback (most recent call last):
        ...
    proofdeck.rules.positions.RuleError: unknown column 'tenur' at 1:1; did you mean 'tenure_months'?
    >>> parse_rule('tenure_months < 6 and\\ncontract > 6', frame)
    Traceback (most recent call last):
        ...
    proofdeck.rules.positions.RuleError: 'contract' is text and cannot be compared with a number at 2:1
    >>> parse_rule("tenure_months < 6 && contract", frame)
    Traceback (most recent call last):
        ...
    proofdeck.rules.positions.RuleError: use 'and' / 'or' instead of '&&' / '||' at 1:19
    """
    is_frame = isinstance(frame_or_kinds, pd.DataFrame)
    kinds = column_kinds(frame_or_kinds) if is_frame else dict(frame_or_kinds)
    if not isinstance(text, str):
        raise RuleError("the rule must be text")
    return Rule(text, kinds)
