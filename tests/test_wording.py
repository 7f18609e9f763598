"""Numbers and phrases as people read them: odds, changes against the rule, ranges, code."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from proofdeck.data.spec import Economics
from proofdeck.words import wording as w


@pytest.mark.parametrize(("rate", "text"), [(0.64, "6.4 in 10"), (0.2, "2 in 10"), (0.0143, "1 in 70"),
                                            (0.1, "1 in 10"), (0.0, "none"), (float("nan"), w.DASH)])
def test_odds_say_1_in_70_never_0_1_in_10(rate, text):
    assert w.odds_text(rate) == text


def test_a_change_of_a_ratio_is_relative_never_a_difference_printed_as_a_multiple():
    assert w.change_against_rule("value_to_cost", 7.0, 4.6, "$") == "+52% vs rule"
    assert w.change_against_rule("value_to_cost", 3.4, 4.6, "$") == "-26% vs rule"
    assert "x" not in w.change_against_rule("value_to_cost", 3.4, 4.6, "$")


def test_changes_against_the_rule_in_their_own_kind():
    assert w.change_against_rule("net_value", 400_000, 100_000, "$") == "+$300k vs rule"
    assert w.change_against_rule("roi", 1.83, 0.93, "$") == "+90 pts vs rule"
    assert w.change_against_rule("spend", 5.0, 5.0, "$") == "same as rule"
    assert w.change_against_rule("spend", math.nan, 5.0, "$") is None


@pytest.mark.parametrize(("low", "high", "text"), [
    (1.48, 3.31, "148% to 331% more"), (-0.05, 0.2, "5% fewer to 20% more"), (-0.5, -0.1, "10% to 50% fewer")])
def test_change_ranges_in_words(low, high, text):
    assert w.change_range_text(low, high) == text


@given(st.text(max_size=60))
def test_code_span_holds_any_text_literally(text):
    span = w.code_span(text)
    fence = len(span) - len(span.lstrip("`"))
    inside = span[fence:len(span) - fence]
    assert "`" * fence not in inside  # nothing inside can close the span early
    assert "\n" not in span


@pytest.mark.parametrize(("noun", "expected"), [
    ("customer", "customers"), ("sales call", "sales calls"), ("business", "businesses"),
    ("company", "companies"), ("day", "days"), ("customer with Gekündigt ja", "customers with Gekündigt ja"),
    ("row who churned", "rows who churned"), ("box", "boxes"),
])
def test_plural_changes_the_head_noun_of_a_phrase(noun, expected):
    assert w.plural(noun) == expected


@pytest.mark.parametrize(("noun", "expected"), [
    ("early call", "an early call"), ("retention offer", "a retention offer"), ("upgrade offer", "an upgrade offer"),
    ("user survey", "a user survey"), ("one-off call", "a one-off call"), ("hour of help", "an hour of help"),
    ("SMS", "an SMS"), ("KYC check", "a KYC check"), ("manual review", "a manual review"),
    ("outreach email", "an outreach email"), ("euro voucher", "a euro voucher"), ("", "a "),
])
def test_the_article_follows_the_first_sound(noun, expected):
    assert w.a(noun) == expected


def test_per_period_only_when_figures_are_scaled_to_a_population():
    assert w.period_suffix(Economics(population=40_000, period="quarter")) == " per quarter"
    assert w.period_suffix(Economics(population=0, period="quarter")) == ""
