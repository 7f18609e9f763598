"""A first look at an uploaded table: each column's type, missing share and distinct values,
which column names the rows, and which columns the model should not learn from, and why.

Column kinds, in the words the page uses:

- **number**: measures and counts;
- **yes/no**: two values such as yes/no, true/false, Y/N, 1/0;
- **category**: a limited set of labels (plan, region);
- **text**: many different labels (free text, codes);
- **date**: dates or times written as text (left out: a date says when, not what; turn it into
  something like "days since signup" in the export to use it).

Left out of the features by default, each with its reason: the id column, columns with the
same value in every row or no value at all, text or whole-number columns with a different
value in every row (ids in all but name), free text with a different value in most rows, and
dates. The page may put any of them back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import pandas as pd

from proofdeck.data.coercion import Conversion
from proofdeck.data.delimited import Table
from proofdeck.data.names import words_of

NUMBER, YES_NO, CATEGORY, TEXT, DATE = "number", "yes/no", "category", "text", "date"
YES_NO_PAIRS = (
    {"yes", "no"}, {"y", "n"}, {"true", "false"}, {"t", "f"}, {"1", "0"}, {"1.0", "0.0"},
    {"churned", "stayed"}, {"churn", "stay"}, {"won", "lost"}, {"positive", "negative"},
    {"pass", "fail"}, {"fraud", "genuine"}, {"fraud", "legit"}, {"bad", "good"}, {"ja", "nein"},
    {"oui", "non"}, {"si", "no"}, {"sí", "no"},
)
_DATE = re.compile(
    r"^\s*(\d{4}-\d{1,2}-\d{1,2}([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?"
    r"|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}( \d{1,2}:\d{2}(:\d{2})?)?"
    r"|\d{4}/\d{1,2}/\d{1,2})\s*$"
)
_ID_WORDS = {"id", "ids", "key", "uuid", "guid", "number", "no", "nr", "num", "code", "ref", "reference"}
ID_LEFT_OUT = "the id column: it names each row and says nothing about the outcome"
CURRENCY_SIGNS = ("€", "£", "¥", "₹", "$")
# Codes in column names ("amount_eur") and the prefix the pages write for them.
CURRENCY_CODES = {"eur": "€", "euro": "€", "euros": "€", "gbp": "£", "usd": "$", "jpy": "¥", "inr": "₹",
                  "chf": "CHF ", "sek": "SEK ", "nok": "NOK ", "dkk": "DKK ", "pln": "PLN ", "cad": "CA$",
                  "aud": "A$"}


@dataclass(frozen=True)
class ColumnProfile:
    """One column at a glance.

    Attributes
    ----------
    name : the column's name.
    kind : number, yes/no, category, text or date.
    missing : how many cells are missing; ``missing_share`` as a share of rows.
    distinct : how many different values (missing not counted).
    examples : up to three values as text, most common first.
    conversion : set when the column was text holding numbers (see :mod:`proofdeck.data.coercion`).
    left_out : why the model should not learn from it by default, or None.
    """

    name: str
    kind: str
    missing: int
    missing_share: float
    distinct: int
    examples: tuple[str, ...]
    conversion: Conversion | None = None
    left_out: str | None = None


@dataclass(frozen=True)
class Profile:
    """The profile of a table: its size, each column, and the guessed id column."""

    rows: int
    columns: tuple[ColumnProfile, ...]
    id_column: str | None
    id_candidates: tuple[str, ...]
    notes: tuple[str, ...] = field(default=())

    def column(self, name: str) -> ColumnProfile:
        """The profile of one column (KeyError if there is none of that name)."""
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)

    @property
    def kinds(self) -> dict[str, str]:
        return {c.name: c.kind for c in self.columns}

    def currency(self) -> tuple[str | None, str]:
        """The file's currency and where it was seen: (sign, reason), or (None, "").

        Signs in the values win ("1.234,50 €" in 'Umsatz'), then signs or codes in column
        names ("Amount (EUR)", "revenue_gbp").
        """
        seen: dict[str, list[str]] = {}
        for column in self.columns:
            if column.conversion is not None and column.conversion.currency:
                seen.setdefault(column.conversion.currency, []).append(column.name)
        if seen:
            sign, columns = max(seen.items(), key=lambda item: len(item[1]))
            return sign, f"the values of '{columns[0]}' carry {sign}"
        for column in self.columns:
            for sign in CURRENCY_SIGNS:
                if sign in column.name:
                    return sign, f"the column name '{column.name}' has {sign}"
            for word in words_of(column.name):
                if word in CURRENCY_CODES:
                    return CURRENCY_CODES[word], f"the column name '{column.name}' says {word.upper()}"
        return None, ""

    def left_out(self, id_column: str | None = None) -> dict[str, str]:
        """Columns left out of the features and why.

        Parameters
        ----------
        id_column : the id column chosen on the page; None keeps the guess, "" means none.
        """
        chosen = self.id_column if id_column is None else id_column
        reasons = {c.name: c.left_out for c in self.columns if c.left_out}
        if chosen:
            reasons[chosen] = ID_LEFT_OUT
        return reasons

    def features(self, id_column: str | None = None, outcome: str | None = None) -> tuple[str, ...]:
        """The columns the model may learn from by default (never the id or the outcome)."""
        excluded = self.left_out(id_column)
        return tuple(c.name for c in self.columns if c.name not in excluded and c.name != outcome)


def profile_table(table: Table | pd.DataFrame) -> Profile:
    """Profile every column of a table.

    Parameters
    ----------
    table : a :class:`~proofdeck.data.delimited.Table` from :func:`~proofdeck.upload.ingest.read_upload`
        (its notes and conversions are carried over), or a plain frame.

    Returns
    -------
    Profile
    """
    frame = table.frame if isinstance(table, Table) else table
    conversions = {c.column: c for c in table.conversions} if isinstance(table, Table) else {}
    rows = len(frame)
    profiles = []
    for name in frame.columns:
        series = frame[name]
        present = series.dropna()
        counts = present.value_counts()
        kind = column_kind(series, counts)
        missing = int(rows - len(present))
        profile = ColumnProfile(
            name=str(name),
            kind=kind,
            missing=missing,
            missing_share=missing / rows if rows else 0.0,
            distinct=int(len(counts)),
            examples=tuple(str(v) for v in counts.index[:3]),
            conversion=conversions.get(name),
        )
        profiles.append(_with_reason(profile, series, rows))
    candidates = _id_candidates(frame, profiles)
    notes = tuple(table.notes) if isinstance(table, Table) else ()
    notes += tuple(c.sentence for c in conversions.values())
    return Profile(rows, tuple(profiles), candidates[0] if candidates else None, tuple(candidates), notes)


def column_kind(series: pd.Series, counts: pd.Series | None = None) -> str:
    """number, yes/no, category, text or date, from the column's values."""
    if counts is None:
        counts = series.dropna().value_counts()
    if pd.api.types.is_bool_dtype(series):
        return YES_NO
    if pd.api.types.is_numeric_dtype(series):
        return YES_NO if len(counts) == 2 and set(counts.index) <= {0, 1} else NUMBER
    if len(counts) == 2:
        values = {str(v).strip().lower() for v in counts.index}
        if any(values == pair for pair in YES_NO_PAIRS):
            return YES_NO
    if len(counts) and _looks_like_dates(counts.index[:200]):
        return DATE
    limit = max(20, min(1000, len(series) // 20))
    return CATEGORY if len(counts) <= limit else TEXT


def _looks_like_dates(values) -> bool:
    texts = [str(v) for v in values]
    return bool(texts) and sum(1 for t in texts if _DATE.match(t)) >= 0.95 * len(texts)


def _unique_reason(column: ColumnProfile, rows: int) -> str | None:
    if column.distinct == rows and rows > 1 and column.missing == 0 and column.kind in (TEXT, CATEGORY):
        return "a different value in every row, like an id: it cannot say anything about new rows"
    return None


def _with_reason(profile: ColumnProfile, series: pd.Series, rows: int) -> ColumnProfile:
    reason = None
    if profile.distinct == 0:
        reason = "every value is missing"
    elif profile.distinct == 1 and profile.missing == 0:
        reason = "the same value in every row"
    elif profile.kind == DATE:
        reason = (
            "a date: the model does not read dates as they are "
            "(to use it, add a column such as days since that date to the export)"
        )
    elif (reason := _unique_reason(profile, rows)) is not None:
        pass
    elif profile.kind == NUMBER and profile.distinct == rows and _is_counter(series):
        reason = "numbers counting the rows (1, 2, 3...), like an id"
    elif profile.kind == TEXT and profile.distinct > 0.5 * (rows - profile.missing):
        reason = "most rows have their own value (free text or codes), so it would not carry over to new rows"
    return profile if reason is None else replace(profile, left_out=reason)


def _is_counter(series: pd.Series) -> bool:
    """Whole numbers that go up by one from row to row once sorted (a row number)."""
    values = series.dropna()
    if not pd.api.types.is_integer_dtype(values) and not (values % 1 == 0).all():
        return False
    ordered = values.sort_values().to_numpy()
    return len(ordered) > 2 and bool(((ordered[1:] - ordered[:-1]) == 1).all())


def _id_candidates(frame: pd.DataFrame, profiles: list[ColumnProfile]) -> list[str]:
    """Columns that could name each row (unique, no missing), the likeliest first."""
    scored = []
    for position, column in enumerate(profiles):
        if column.missing or column.distinct != len(frame) or len(frame) < 2:
            continue
        if column.kind not in (TEXT, CATEGORY, NUMBER):
            continue
        series = frame[column.name]
        if column.kind == NUMBER and not pd.api.types.is_integer_dtype(series):
            continue  # unique measurements (amounts) are not ids
        words = words_of(column.name)
        named = bool(set(words) & _ID_WORDS) or column.name.lower().endswith("id")
        patterned = column.kind != NUMBER and _id_like_values(series)
        score = 4 * named + 2 * patterned + (column.kind == NUMBER and _is_counter(series))
        scored.append((-score, position, column.name))
    return [name for _, _, name in sorted(scored)]


def _id_like_values(series: pd.Series) -> bool:
    """Values such as "C00123", "7590-VHVEG" or UUIDs: short, no spaces, with digits."""
    sample = series.astype(str).head(200)
    return bool(sample.str.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_\-.:/#]{1,63}").all() and sample.str.contains(r"\d").all())
