"""What a group of held-out examples has in common, in words: "models make errors, look at the
patterns".

The group is usually the examples reviewers marked wrong, or the model's own mistakes on the
held-out outcome. Each column is compared value by value (numbers in quartile ranges of the
base): a value is a pattern when the group holds clearly more of it than the base does, and
a one-sided Fisher exact test says an excess that large is unlikely to be chance. A pattern
names where to look (a rule, a feature, more data); it does not say why.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import hypergeom

from proofdeck.explanation.groups import lower_first
from proofdeck.words import wording as w
from proofdeck.words.safe_text import plain

MIN_LIFT = 1.5  # the group's share must be at least this multiple of the base's
MAX_P = 0.05
MAX_VALUES = 30  # values compared per column; rarer ones could not reach min_count anyway
FEW_NUMBERS = 6  # a numeric column with at most this many distinct values is read as categories
EXACT_BELOW = 10_000  # whole numbers below this are shown exactly, others to 3 significant digits
MAX_VALUE_TEXT = 80

BLANK, VALUE, RANGE = "blank", "value", "range"


@dataclass(frozen=True)
class Condition:
    """Which rows of one column a pattern describes.

    Attributes
    ----------
    kind : :data:`BLANK` (missing, or text of only spaces), :data:`VALUE` (equal to ``value``)
        or :data:`RANGE` (a number with ``low < x <= high``; ``low <= x`` when ``closed_low``).
    """

    kind: str
    value: Any = None
    low: float = -math.inf
    high: float = math.inf
    closed_low: bool = False

    def matches(self, series: pd.Series) -> np.ndarray:
        """A boolean mask over the series' rows: which of them the condition describes."""
        if self.kind == RANGE:
            numbers = _numbers(series)
            above = numbers >= self.low if self.closed_low else numbers > self.low
            return above & (numbers <= self.high)
        blank = _blanks(series)
        if self.kind == BLANK:
            return blank
        values = series.tolist()
        return np.fromiter((not b and _equal(v, self.value) for v, b in zip(values, blank, strict=True)),
                           dtype=bool, count=len(values))


@dataclass(frozen=True)
class Pattern:
    """One value (or range) the group holds clearly more of than the base.

    Attributes
    ----------
    column : the frame's column.
    description : in words, with the column's display name: "Contract is Month-to-month".
    in_group, group_size : group rows with the value, and all group rows.
    in_base, base_size : base rows with the value (group included), and all base rows.
    p_value : one-sided Fisher exact test of the group against the rest of the base.
    condition : which rows the description means (:meth:`matches` recounts them).
    """

    column: str
    description: str
    in_group: int
    group_size: int
    in_base: int
    base_size: int
    p_value: float = math.nan
    condition: Condition = field(default_factory=lambda: Condition(BLANK), repr=False)

    @property
    def group_share(self) -> float:
        """Share of the group with the value (0 for an empty group)."""
        return self.in_group / self.group_size if self.group_size else 0.0

    @property
    def base_share(self) -> float:
        """Share of the base with the value (0 for an empty base)."""
        return self.in_base / self.base_size if self.base_size else 0.0

    @property
    def lift(self) -> float:
        """How many times more common the value is in the group than in the base (NaN when the
        base has none)."""
        return self.group_share / self.base_share if self.base_share else math.nan

    def matches(self, frame: pd.DataFrame) -> np.ndarray:
        """A boolean mask over the frame's rows: those the description is about."""
        return self.condition.matches(frame[self.column])


def _numbers(series: pd.Series) -> np.ndarray:
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)


def _blanks(series: pd.Series) -> np.ndarray:
    """Missing values, and text of only spaces (a spreadsheet's empty-looking cell)."""
    blank = series.isna().to_numpy(dtype=bool)
    if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
        return blank
    spaces = np.fromiter((isinstance(v, str) and not v.strip() for v in series.tolist()),
                         dtype=bool, count=len(series))
    return blank | spaces


def _equal(a: object, b: object) -> bool:
    try:
        return bool(a == b)
    except (TypeError, ValueError):  # values that cannot be compared are not equal
        return False


def _is_numeric(series: pd.Series) -> bool:
    types = pd.api.types
    return bool(types.is_numeric_dtype(series) and not types.is_bool_dtype(series))


def number_text(value: float) -> str:
    """A number as people read it: whole numbers below 10,000 exactly, others to 3
    significant digits, with thousands separators and no trailing zeros.

    >>> [number_text(v) for v in (6, 1234, 9.75, 12345.6, 0.000123456, -3.14159, 1 / 3)]
    ['6', '1,234', '9.75', '12,300', '0.000123', '-3.14', '0.333']
    """
    if not math.isfinite(value):
        return w.DASH
    if value == int(value) and abs(value) < EXACT_BELOW:
        return f"{int(value):,}"
    if value == 0:
        return "0"
    digits = 2 - math.floor(math.log10(abs(value)))
    rounded = round(value, digits)
    if digits <= 0:
        return f"{int(rounded):,}"
    return f"{rounded:,.{digits}f}".rstrip("0").rstrip(".")


def _value_text(value: object) -> str:
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, int | float | np.integer | np.floating):
        return number_text(float(value))
    return plain(value, MAX_VALUE_TEXT) or "(no printable text)"


def _describe(name: str, condition: Condition, whole: bool) -> str:
    """"Contract is Month-to-month", "Tenure (months) is 0 to 9", "Income is blank"."""
    if condition.kind == BLANK:
        return f"{name} is blank"
    if condition.kind == VALUE:
        return f"{name} is {_value_text(condition.value)}"
    low, high = condition.low, condition.high
    if whole:  # whole numbers: say which ones, so no boundary is ambiguous
        first = low if condition.closed_low else math.floor(low) + 1
        last = math.floor(high)
        if first == last:
            return f"{name} is {number_text(first)}"
        return f"{name} is {number_text(first)} to {number_text(last)}"
    if low == high:
        return f"{name} is {number_text(low)}"
    low_text, high_text = number_text(low), number_text(high)
    if low_text == high_text:  # a range narrower than 3 significant digits
        return f"{name} is about {high_text}"
    if condition.closed_low:
        return f"{name} is {low_text} to {high_text}"
    return f"{name} is more than {low_text}, up to {high_text}"


def _value_candidates(series: pd.Series, group: np.ndarray) -> list[tuple[Condition, np.ndarray]]:
    """Each value of a categorical, text or yes/no column (blank as one value), the
    :data:`MAX_VALUES` most common in the group first."""
    blank = _blanks(series)
    try:
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
    except TypeError:  # unhashable values (lists) have no value to compare
        return []
    codes = np.where(blank, -1, codes)
    in_group = np.bincount(codes[group] + 1, minlength=len(uniques) + 1)
    everywhere = np.bincount(codes + 1, minlength=len(uniques) + 1)
    # Rank by the group's counts: a value rare in the group can never be its pattern.
    ranked = sorted(range(len(uniques) + 1), key=lambda k: (-in_group[k], -everywhere[k], k))
    candidates = []
    for k in ranked[:MAX_VALUES]:
        if everywhere[k] == 0:
            continue
        condition = Condition(BLANK) if k == 0 else Condition(VALUE, value=uniques[k - 1])
        candidates.append((condition, codes == k - 1))
    return candidates


def _number_candidates(numbers: np.ndarray, base: np.ndarray) -> list[Condition]:
    """Blank, then each value (few distinct values) or each quartile range of the base."""
    candidates = [Condition(BLANK)] if np.isnan(numbers).any() else []
    finite = numbers[base & np.isfinite(numbers)]
    distinct = np.unique(finite)
    if len(distinct) < 2:
        return candidates
    if len(distinct) <= FEW_NUMBERS:
        return candidates + [Condition(RANGE, low=float(v), high=float(v), closed_low=True) for v in distinct]
    edges = np.unique(np.quantile(finite, [0.0, 0.25, 0.5, 0.75, 1.0]))
    return candidates + [Condition(RANGE, low=float(edges[i]), high=float(edges[i + 1]), closed_low=i == 0)
                         for i in range(len(edges) - 1)]


def _mask(values: Any, rows: int, name: str) -> np.ndarray:
    mask = np.asarray(values, dtype=bool).ravel()
    if mask.size != rows:
        raise ValueError(f"{name} has {mask.size} entries for {rows} rows.")
    return mask


def over_represented(frame: pd.DataFrame, group: Any, base: Any = None,
                     columns: Sequence[str] | None = None, labels: dict[str, str] | None = None,
                     min_count: int = 3, max_patterns: int = 5) -> list[Pattern]:
    """Values the group holds clearly more of than the base, best first, at most one per column.

    Parameters
    ----------
    frame : the held-out rows. Leave out the outcome and the score (``columns``): a group of
        mistakes is trivially "about" them.
    group : boolean mask over the frame's rows (e.g. marked wrong); taken within the base.
    base : boolean mask of the rows to compare with; all rows by default.
    columns : the columns to look at (all by default); names not in the frame are ignored.
    labels : column -> the name to use in descriptions.
    min_count : fewest group rows a pattern must hold.
    max_patterns : most patterns returned.

    Returns
    -------
    Patterns holding at least ``min_count`` group rows, with a group share at least
    :data:`MIN_LIFT` times the base share and a one-sided Fisher p below :data:`MAX_P`, sorted
    by p then lift. Empty when nothing qualifies, including an empty group or a group that is
    the whole base (nothing to compare it with).
    """
    rows = len(frame)
    base = np.ones(rows, dtype=bool) if base is None else _mask(base, rows, "base")
    group = _mask(group, rows, "group") & base
    group_size, base_size = int(group.sum()), int(base.sum())
    if group_size == 0 or group_size == base_size or max_patterns <= 0:
        return []
    min_count = max(int(min_count), 1)
    labels = labels or {}
    wanted = list(frame.columns) if columns is None else [c for c in columns if c in frame.columns]
    names = list(frame.columns)
    found: list[tuple[float, float, int, Pattern]] = []
    for order, column in enumerate(dict.fromkeys(wanted)):
        if names.count(column) != 1:  # a name held by two columns cannot say which it means
            continue
        series = frame[column]
        numeric = _is_numeric(series)
        if numeric:
            numbers = _numbers(series)
            candidates = [(c, c.matches(series)) for c in _number_candidates(numbers, base)]
            finite = numbers[base & np.isfinite(numbers)]
            whole = bool(np.all(finite == np.floor(finite)))
        else:
            candidates, whole = _value_candidates(series, group), False
        name = plain(labels.get(column, column)) or "(unnamed column)"
        for condition, matched in candidates:
            in_group, in_base = int((matched & group).sum()), int((matched & base).sum())
            # Whole numbers, so a share exactly 1.5x the base's is not lost to rounding.
            if in_group < min_count or 2 * in_group * base_size < 3 * in_base * group_size:
                continue
            # P(at least in_group of the group's rows hold the value) if the group were a random
            # draw from the base: Fisher's one-sided test of group against the rest. Without it a
            # review of a dozen examples would show noise as patterns.
            p_value = float(hypergeom.sf(in_group - 1, base_size, in_base, group_size))
            if p_value >= MAX_P:
                continue
            pattern = Pattern(column, _describe(name, condition, whole), in_group, group_size,
                              in_base, base_size, p_value, condition)
            found.append((p_value, -pattern.lift, order, pattern))
    best: dict[str, Pattern] = {}
    for _, _, _, pattern in sorted(found, key=lambda item: item[:3]):
        best.setdefault(pattern.column, pattern)
    return list(best.values())[:max_patterns]


def _of_group(part: int, size: int, noun: str) -> str:
    """"6 of the 8 marked wrong (75%)", "all 8 marked wrong", "none of the 8 marked wrong"."""
    if size == 1 and part == 1:
        return f"the 1 {noun}"
    if part == size:
        return f"all {w.count(size)} {noun}"
    if part == 0:
        return f"none of the {w.count(size)} {noun}"
    return f"{w.count(part)} of the {w.count(size)} {noun} ({w.share(part / size)})"


def pattern_sentence(pattern: Pattern, group_noun: str, base_noun: str) -> str:
    """The pattern in one sentence: "Contract is Month-to-month for 6 of the 8 marked wrong
    (75%), against 42% of all held-out customers."

    Parameters
    ----------
    group_noun : the group after a number, plural: "marked wrong", "mistakes".
    base_noun : the base after "of": "all held-out customers".
    """
    who = _of_group(pattern.in_group, pattern.group_size, group_noun)
    return f"{w.sentence_case(pattern.description)} for {who}, against {w.share(pattern.base_share)} of {base_noun}."


def under_groups(patterns: Sequence[Pattern], group_of: Mapping[str, str]) -> list[tuple[str | None, Pattern]]:
    """The patterns listed under their business concept: (group name, pattern), a group's
    patterns side by side where its best one ranks; (None, pattern) for a column in no group.

    Parameters
    ----------
    patterns : from :func:`over_represented`, best first.
    group_of : column -> the name of the spec's group holding it (columns in none left out).
    """
    order: dict[object, list[Pattern]] = {}
    for pattern in patterns:
        name = group_of.get(pattern.column)
        order.setdefault(name if name is not None else ("", pattern.column), []).append(pattern)
    return [(key if isinstance(key, str) else None, pattern) for key, found in order.items() for pattern in found]


def grouped_sentence(pattern: Pattern, group_noun: str, base_noun: str, group: str | None) -> str:
    """:func:`pattern_sentence` under its group: "Billing: payment method is Electronic check
    for 6 of the 8 marked wrong (75%), against 42% of all held-out customers." (the group's
    name is plain text here; escape it where it is shown)."""
    sentence = pattern_sentence(pattern, group_noun, base_noun)
    return sentence if group is None else f"{group}: {lower_first(sentence)}"


@dataclass(frozen=True)
class FlagCounts:
    """How two decisions split a set of examples."""

    rule_only: int
    model_only: int
    both: int
    neither: int

    @property
    def size(self) -> int:
        """Examples counted."""
        return self.rule_only + self.model_only + self.both + self.neither

    @property
    def disagree(self) -> int:
        """Examples one acts on and the other does not."""
        return self.rule_only + self.model_only

    @property
    def disagree_share(self) -> float:
        """Share of the examples where they disagree (0 when there are none)."""
        return self.disagree / self.size if self.size else 0.0


def _flag_counts(rule: np.ndarray, model: np.ndarray) -> FlagCounts:
    return FlagCounts(int(np.sum(rule & ~model)), int(np.sum(model & ~rule)),
                      int(np.sum(rule & model)), int(np.sum(~rule & ~model)))


@dataclass(frozen=True)
class Disagreement:
    """Where the rule and the model split the group, against how they split everything."""

    group: FlagCounts
    whole: FlagCounts

    def sentence(self, group_noun: str, base_noun: str, rule: str = w.TODAYS_RULE.name) -> str:
        """"Today's rule and the model disagree on 5 of the 8 marked wrong (62%), against 12% of
        all held-out customers."; "" for an empty group."""
        if self.group.size == 0:
            return ""
        who = _of_group(self.group.disagree, self.group.size, group_noun)
        return (f"{w.sentence_case(rule)} and the model disagree on {who}, against "
                f"{w.share(self.whole.disagree_share)} of {base_noun}.")


def disagreement(rule_flags: Any, model_flags: Any, group: Any) -> Disagreement:
    """How often the rule and the model disagree in the group, and over all examples.

    Parameters
    ----------
    rule_flags, model_flags : which examples each acts on (boolean, one per example).
    group : boolean mask of the group (e.g. marked wrong).
    """
    rule = np.asarray(rule_flags, dtype=bool).ravel()
    model = _mask(model_flags, rule.size, "model_flags")
    group = _mask(group, rule.size, "group")
    return Disagreement(group=_flag_counts(rule[group], model[group]), whole=_flag_counts(rule, model))
