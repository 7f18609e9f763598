"""A team's expert review of held-out examples: who said the model's call is right or wrong, and why.

A mark is one person's verdict on one example at one moment. People change their minds and
disagree, so nothing is overwritten: every mark is kept, the latest one per example counts,
and an example whose reviewers' own latest marks differ is counted as disputed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd

from proofdeck.words import wording as w
from proofdeck.words.csv_safe import to_safe_csv
from proofdeck.words.safe_text import plain

RIGHT, WRONG = "right", "wrong"
VERDICTS = (RIGHT, WRONG)
MAX_REASON = 300  # characters: a few words of why, not an essay
MAX_REVIEWER = 60

COLUMNS = ["Example", "Verdict", "Reason", "Reviewer", "Marked at (UTC)"]


@dataclass(frozen=True)
class Mark:
    """One reviewer's verdict on the model's call on one held-out example.

    Attributes
    ----------
    example_id : the example's id, as text.
    verdict : :data:`RIGHT` or :data:`WRONG`: whether the model's call on it is right.
    reason : why, in the reviewer's words (may be empty for "right").
    reviewer : who marked it.
    marked_at : when, timezone-aware; stored in UTC.
    """

    example_id: str
    verdict: str
    reason: str
    reviewer: str
    marked_at: datetime

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS:
            raise ValueError(f"A verdict is {RIGHT!r} or {WRONG!r}, not {self.verdict!r}.")
        # A naive time is ambiguous across a team in several time zones; refuse it rather than guess.
        if self.marked_at.tzinfo is None or self.marked_at.utcoffset() is None:
            raise ValueError("marked_at must be timezone-aware.")
        object.__setattr__(self, "marked_at", self.marked_at.astimezone(UTC))


def clean_mark_input(verdict: str, reason: str, reviewer: str) -> tuple[str, str, str]:
    """What a person typed, checked and tidied: (verdict, reason, reviewer).

    Parameters
    ----------
    verdict : "right" or "wrong" (case and surrounding spaces are ignored).
    reason : why; control characters removed, spaces folded, at most :data:`MAX_REASON`
        characters. Required for "wrong": a wrong call nobody explains teaches nobody anything.
    reviewer : who; tidied the same way, at most :data:`MAX_REVIEWER` characters; required.

    Raises
    ------
    ValueError
        With a message that can be shown to the person as it is.
    """
    verdict = str(verdict or "").strip().lower()
    if verdict not in VERDICTS:
        raise ValueError("Choose whether the model's call is right or wrong.")
    reason = plain(reason, MAX_REASON)
    reviewer = plain(reviewer, MAX_REVIEWER)
    if not reviewer:
        raise ValueError("Say who you are: a name the team will recognise.")
    if verdict == WRONG and not reason:
        raise ValueError("Say why it is wrong, in a few words.")
    return verdict, reason, reviewer


def make_mark(example_id: object, verdict: str, reason: str, reviewer: str,
              at: datetime | None = None) -> Mark:
    """A :class:`Mark` from what a person typed (see :func:`clean_mark_input`), stamped now
    (or ``at``) in UTC."""
    verdict, reason, reviewer = clean_mark_input(verdict, reason, reviewer)
    return Mark(str(example_id), verdict, reason, reviewer, at or datetime.now(UTC))


def reviewer_key(name: str) -> str:
    """The name as the team means it: "Ana", " ana " and "ANA" are one person."""
    return " ".join(str(name).split()).casefold()


def _latest(marks: Iterable[Mark], key) -> dict:
    """The latest mark per ``key(mark)``; of two marks at the same moment, the later in the list."""
    latest: dict = {}
    for mark in marks:
        k = key(mark)
        if k not in latest or mark.marked_at >= latest[k].marked_at:
            latest[k] = mark
    return latest


def latest_verdicts(marks: Iterable[Mark]) -> dict[str, str]:
    """Per example id, the verdict of its most recent mark (ties in time: the later in the list)."""
    return {example: mark.verdict for example, mark in _latest(marks, lambda m: m.example_id).items()}


def _entities(count: int, entity: str, entities: str) -> str:
    return f"{w.count(count)} {entity if count == 1 else entities}"


@dataclass(frozen=True)
class ReviewSummary:
    """How far the review has got.

    Attributes
    ----------
    examples : distinct examples marked.
    reviewers : distinct reviewers (names compared ignoring case and surrounding spaces).
    right, wrong : examples whose latest verdict is right, wrong.
    disputed : examples where the reviewers' own latest verdicts include both right and wrong.
    marks : every mark, including changed minds.
    """

    examples: int
    reviewers: int
    right: int
    wrong: int
    disputed: int
    marks: int

    def sentence(self, entity: str, entities: str) -> str:
        """One plain sentence: "37 customers reviewed by 3 people; the model was right on 29 of
        them. Reviewers disagree on 2."

        Parameters
        ----------
        entity, entities : the demo's nouns, singular and plural ("customer", "customers").
        """
        if self.marks == 0:
            return f"No {entities} reviewed yet."
        people = "person" if self.reviewers == 1 else "people"
        if self.examples == 1:
            on = f"{RIGHT if self.right else WRONG} on it"
        elif self.right == 0:
            on = "right on none of them"
        elif self.right == self.examples:
            on = "right on both of them" if self.examples == 2 else "right on all of them"
        else:
            on = f"right on {w.count(self.right)} of them"
        text = (f"{_entities(self.examples, entity, entities)} reviewed by {w.count(self.reviewers)} "
                f"{people}; the model was {on}.")
        if self.disputed:
            on_which = "it" if self.examples == 1 else w.count(self.disputed)
            text += f" Reviewers disagree on {on_which}."
        return text


def summarise(marks: Sequence[Mark]) -> ReviewSummary:
    """The :class:`ReviewSummary` of a list of marks (in the order they were made)."""
    verdicts = latest_verdicts(marks)
    # Each reviewer's own latest word on each example: a reviewer who changed their mind does
    # not dispute with themselves.
    own = _latest(marks, lambda m: (m.example_id, reviewer_key(m.reviewer)))
    said: dict[str, set[str]] = {}
    for (example, _), mark in own.items():
        said.setdefault(example, set()).add(mark.verdict)
    return ReviewSummary(
        examples=len(verdicts),
        reviewers=len({reviewer_key(mark.reviewer) for mark in marks}),
        right=sum(verdict == RIGHT for verdict in verdicts.values()),
        wrong=sum(verdict == WRONG for verdict in verdicts.values()),
        disputed=sum(len(verdicts_said) > 1 for verdicts_said in said.values()),
        marks=len(marks),
    )


def marks_frame(marks: Sequence[Mark], labels: dict[str, str] | None = None) -> pd.DataFrame:
    """Every mark as a table, most recent first (of two at the same moment, the later in the list).

    Parameters
    ----------
    marks : the marks, in the order they were made.
    labels : example id -> what to show for it (its id when absent).

    Returns
    -------
    Columns :data:`COLUMNS`; the time as ISO text to the second, in UTC.
    """
    labels = labels or {}
    order = sorted(range(len(marks)), key=lambda i: (marks[i].marked_at, i), reverse=True)
    rows = [
        [labels.get(m.example_id, m.example_id), m.verdict, m.reason, m.reviewer,
         m.marked_at.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="seconds")]
        for m in (marks[i] for i in order)
    ]
    return pd.DataFrame(rows, columns=COLUMNS, dtype=object)


def marks_csv(marks: Sequence[Mark], labels: dict[str, str] | None = None) -> bytes:
    """:func:`marks_frame` as CSV bytes a spreadsheet opens as data: a reason, reviewer or id
    starting with "=" is written as text, never run as a formula."""
    return to_safe_csv(marks_frame(marks, labels))
