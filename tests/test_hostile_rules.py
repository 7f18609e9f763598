"""Hostile rule texts: each gives one clear RuleError with a position, never another exception."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from proofdeck.rules import parse as rules
from proofdeck.rules.parse import MAX_RULE_DEPTH, MAX_RULE_NODES
from proofdeck.rules.positions import RuleError
from proofdeck.rules.rule import parse_rule

FRAME = pd.DataFrame({
    "a": [1.0, 5.0, np.nan],
    "bo": [0, 1, 1],
    "b": ["x", "y`z`", None],
    "contract": ["monthly", "yearly", "monthly"],
    "µ": [1.0, 2.0, 3.0],  # U+00B5 MICRO SIGN, which Python folds to U+03BC in identifiers
    "lead source": ["ads", "web", "ads"],
})


def refused(text: str, *expected: str) -> RuleError:
    """The rule is refused with a RuleError whose position lies inside the text (or just after)."""
    with pytest.raises(RuleError) as raised:
        parse_rule(text, FRAME).evaluate(FRAME)
    error = raised.value
    for part in expected:
        assert part in str(error), str(error)
    assert_position_inside(text, error)
    return error


def assert_position_inside(text: str, error: RuleError) -> None:
    if error.line is None:
        return
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    assert 1 <= error.line <= len(lines), (text, str(error))
    assert 1 <= error.column <= len(lines[error.line - 1]) + 1, (text, str(error))


def test_rule_number_of_309_digits_gives_a_rule_error():
    refused("a > " + "9" * 309, "numbers must be finite", "at 1:5")


def test_rule_with_500_unary_minus_gives_a_rule_error():
    refused("-" * 500 + "a > 1", "nested too deeply")


def test_rule_with_499_nots_gives_a_rule_error():
    refused("not " * 499 + "bo", "nested too deeply")


def test_rule_with_a_995_term_chain_gives_a_rule_error():
    refused("a" + "+a" * 995 + " > 1", "nested too deeply")


def test_rule_with_more_parts_than_the_limit_gives_a_rule_error():
    listed = ",".join(["1"] * (MAX_RULE_NODES + 1))
    refused(f"a in [{listed}]", f"more than {MAX_RULE_NODES:,} parts")


def test_rule_nested_exactly_to_the_limit_still_works():
    # Compare > BinOp chain: "a+a+...+a > 0" nests one level per "+".
    text = "a" + "+a" * (MAX_RULE_DEPTH - 3) + " > 0"
    assert parse_rule(text, FRAME).evaluate(FRAME).tolist() == [True, True, False]


def test_parser_recursion_or_memory_failure_gives_a_rule_error(monkeypatch):
    def exhausted(*args, **kwargs):
        raise RecursionError("maximum recursion depth exceeded during compilation")

    monkeypatch.setattr(rules.ast, "parse", exhausted)
    refused("a > 1", "nested too deeply", "at 1:1")


@pytest.mark.parametrize(("text", "message"), [
    ("a > 1) or (b == 'x'", "')' has no matching '(' at 1:6"),
    ("(a > 1", "'(' is never closed at 1:1"),
    ("a in [1, 2)", "')' does not close '[' at 1:11"),
    ("a > 1\n) or (bo", "')' has no matching '(' at 2:1"),
])
def test_rule_with_unbalanced_brackets_gives_a_rule_error(text, message):
    refused(text, "this is not a valid rule", message)


def test_rule_backticks_inside_string_literals_stay_literal_text():
    rule = parse_rule('b == "y`z`" or `lead source` == \'a`b\'', FRAME)
    assert rule.evaluate(FRAME).tolist() == [False, True, False]
    assert rule.columns == {"b", "lead source"}


def test_rule_full_width_letters_do_not_match_ascii_column_names():
    # "ｃontract" is NFKC-folded to "contract" by Python; a column must be named as it is.
    refused("ｃontract == 'monthly'", "unknown column 'ｃontract' at 1:1; did you mean 'contract'?")


def test_rule_micro_sign_column_matches_and_greek_mu_is_suggested():
    assert parse_rule("µ > 1.5", FRAME).evaluate(FRAME).tolist() == [False, True, True]
    refused("μ > 1.5", "unknown column 'μ' at 1:1; did you mean 'µ'?")  # U+03BC typed


@pytest.mark.parametrize("text", ["a in [1e999]", "a in [-1e999]", "a in [1, " + "9" * 309 + "]", "a > 1e999"])
def test_rule_infinite_numbers_give_a_rule_error(text):
    refused(text, "numbers must be finite")


@pytest.mark.parametrize("text", ["a, bo", "x for x in a", "(a, bo)"])
def test_rule_errors_on_the_whole_rule_never_report_line_0(text):
    error = refused(text)
    assert error.line == 1 and error.column == 1


def test_rule_double_ampersand_inside_a_string_is_text_not_an_operator():
    assert parse_rule('b == "&&" or b == "||"', FRAME).evaluate(FRAME).tolist() == [False, False, False]
    refused("a > 1 && bo", "use 'and' / 'or' instead of '&&' / '||' at 1:7")


def test_rule_nul_and_unpaired_surrogate_give_a_rule_error():
    refused("a > 1\x00", "NUL")
    refused("a > 1 or b == '\ud800'", "not valid text")


# --- properties ------------------------------------------------------------------------------

TOKENS = ["a", "bo", "b", "contract", "µ", "μ", "ｃontract", "==", "<", "and", "or", "not", "(", ")", "[", "]",
          ",", '"x"', "'y", "'''", "3", "1e999", "-", "`lead source`", "`", "in", "+", "/", ".", "__class__",
          "lambda", ":", "\n", "\r", " ", "é", "#", "\\", "\t", "=", "&", "|", "{", "}", "0x", "_a", "if", "$"]


@settings(max_examples=examples(1500), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(
    st.lists(st.sampled_from(TOKENS), max_size=14).map("".join),
    st.lists(st.sampled_from(TOKENS), max_size=14).map(" ".join),
    st.text(max_size=40),
))
def test_every_rule_error_position_lies_inside_the_text_or_just_after_it(text):
    try:
        parse_rule(text, FRAME).evaluate(FRAME)
    except RuleError as error:
        assert_position_inside(text, error)


@settings(max_examples=examples(300), deadline=None)
@given(
    st.lists(st.sampled_from(['a > 1', 'b == "x"', "bo", "not bo", "(a < 3 or bo)"]), min_size=0, max_size=3),
    st.sampled_from(["tenur", "plna", "ｂo", "Ab", "x_y"]),
    st.sampled_from([" and ", " or ", "\nand ", " or\n  "]),
)
def test_unknown_column_position_points_at_the_name(before, unknown, joiner):
    text = joiner.join([*before, f"{unknown} == 1"])
    with pytest.raises(RuleError) as raised:
        parse_rule(text, FRAME)
    error = raised.value
    line = text.split("\n")[error.line - 1]
    assert line[error.column - 1 :].startswith(unknown), (text, str(error))

