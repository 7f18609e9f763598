"""The rule language: parsed with an allow-list, evaluated on pandas, never executed."""

import ast
import contextlib
import math
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from proofdeck.rules.parse import column_kinds
from proofdeck.rules.positions import RuleError
from proofdeck.rules.rule import parse_rule

FRAME = pd.DataFrame(
    {
        "contract": ["month-to-month", "one-year", None, "month-to-month", "two-year", "month-to-month"],
        "tenure_months": [3, 10, 2, np.nan, 40, 0],
        "total_charges": [100.0, 900.0, np.nan, 50.0, 4000.0, 0.0],
        "region": ["north", "south", "east", None, "west", "north"],
        "plan": ["basic", None, "premium", "basic", "standard", "basic"],
        "lead source": ["referral", "ads", "ads", "referral", "web", None],
        "new_device": [1, 0, 1, None, 0, 1],
    }
)


def matches(text, frame=FRAME):
    return parse_rule(text, frame).evaluate(frame).tolist()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('contract == "month-to-month" and tenure_months < 6', [True, False, False, False, False, True]),
        ('region in ["north", "east"]', [True, False, True, False, False, True]),
        ('region not in ["north", "east"]', [False, True, False, False, True, False]),
        ('not (plan == "basic")', [False, False, True, False, True, False]),
        ("total_charges / tenure_months > 20", [True, True, False, False, True, False]),
        ('`lead source` == "referral"', [True, False, False, True, False, False]),
        ("new_device", [True, False, True, False, False, True]),
        ("not new_device", [False, True, False, False, True, False]),
        ("1 < tenure_months < 5", [True, False, True, False, False, False]),
        ("tenure_months * 2 + 1 >= 21", [False, True, False, False, True, False]),
        ("-tenure_months < -5", [False, True, False, False, True, False]),
        ("tenure_months % 2 == 0", [False, True, True, False, True, True]),
        ('plan != "basic" or tenure_months > 30', [False, False, True, False, True, False]),
    ],
)
def test_examples_evaluate_as_documented(text, expected):
    assert matches(text) == expected


def test_missing_values_never_match_even_under_not():
    # Row 3 has no tenure; row 2 no contract: neither matches, whatever the negation.
    for text in ("tenure_months < 100", "not (tenure_months < 100)", "tenure_months != 5"):
        assert matches(text)[3] is False
    for text in ('contract != "one-year"', 'not (contract == "one-year")'):
        assert matches(text)[2] is False


def test_unknown_or_true_is_true_and_unknown_and_false_is_false():
    # Row 3: tenure unknown, contract month-to-month.
    assert matches('tenure_months < 6 or contract == "month-to-month"')[3] is True
    assert matches('tenure_months < 6 and contract == "one-year"')[3] is False


def test_division_by_zero_is_missing_not_infinity():
    # Row 5: 0 / 0 and row 5 tenure 0 -> no value, so no match either way.
    assert matches("total_charges / tenure_months > 1")[5] is False
    assert matches("total_charges / tenure_months <= 1")[5] is False


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("tenur < 6", "unknown column 'tenur' at 1:1; did you mean 'tenure_months'?"),
        ('contract == "x" and tenur > 1', "unknown column 'tenur' at 1:21; did you mean 'tenure_months'?"),
        ("Region == 'north'", "did you mean 'region'?"),
        ("lead_source == 'ads'", "did you mean '`lead source`'?"),
        ('contract = "x"', "use '==' to compare, not '=' at 1:1"),
        ("tenure_months < 6 && new_device", "use 'and' / 'or' instead of '&&' / '||' at 1:19"),
        ("tenure_months < 6 & new_device", "use 'and' instead of '&'"),
        ('contract > "a"', "text can only be compared with == or !=, not >"),
        ("contract < 6", "'contract' is text and cannot be compared with a number"),
        ('region in ["north", 3]', "the list mixes text and numbers"),
        ("region in regions", "'in' needs a list"),
        ("tenure_months", "a rule must be a yes/no condition"),
        ("tenure_months ** 2 > 4", "powers ('**') are not allowed"),
        ("(contract == 'x'", "this is not a valid rule"),
        ("", "the rule is empty"),
        ("`` == 1", "empty column name in backticks"),
        ("`lead source == 1", "unclosed backtick"),
        ("contract is None", "use '==' or '!=' instead of 'is'"),
        ('"a" * 3 == "aaa"', "arithmetic needs numbers"),
    ],
)
def test_errors_name_problem_and_position(text, message):
    with pytest.raises(RuleError) as raised:
        parse_rule(text, FRAME)
    assert message in str(raised.value)


def test_position_counts_characters_not_bytes():
    with pytest.raises(RuleError, match="at 1:23"):
        parse_rule('contract == "été" and `régiön` == 1', FRAME)


@pytest.mark.parametrize("text", ["\r0", "tenure_months < 6\r\nand plna == 1", "\rcontract"])
def test_windows_and_old_mac_line_ends(text):
    # Found by hypothesis: "\r" ends a line for Python's parser too.
    with pytest.raises(RuleError):
        parse_rule(text, FRAME)


def test_position_on_a_later_line():
    with pytest.raises(RuleError, match="unknown column 'plna' at 2:5"):
        parse_rule('contract == "x"\nand plna == "basic"', FRAME)


DANGEROUS = [
    "__import__('os').system('touch /tmp/proofdeck_pwned')",
    "contract.__class__ == 1",
    "().__class__.__bases__[0].__subclasses__() == 1",
    "__builtins__ == 1",
    "open('/etc/passwd') == 1",
    "contract[0] == 'm'",
    "(lambda: 1)() == 1",
    "[x for x in contract] == 1",
    "{'a': 1} == 1",
    "f'{contract}' == 'x'",
    "eval('1') == 1",
    "exec('import os') == 1",
    "tenure_months if 1 else 2",
    "(x := 1) == 1",
    "b'x' == contract",
    "9 ** 9 ** 9 > 1",
    "'a' * 10000000000 == 'b'",
]


@pytest.mark.parametrize("text", DANGEROUS)
def test_dangerous_input_is_rejected_without_running(text, monkeypatch):
    calls = []
    monkeypatch.setattr(os, "system", lambda *args: calls.append(args) or 0)
    with pytest.raises(RuleError):
        parse_rule(text, FRAME).evaluate(FRAME)
    assert calls == []
    assert not Path("/tmp/proofdeck_pwned").exists()


def test_rules_modules_never_execute_text():
    folder = Path(__file__).resolve().parents[1] / "proofdeck" / "rules"
    trees = [ast.parse(source.read_text()) for source in sorted(folder.glob("*.py"))]
    calls = [node.func for tree in trees for node in ast.walk(tree) if isinstance(node, ast.Call)]
    bare = {func.id for func in calls if isinstance(func, ast.Name)}
    methods = {func.attr for func in calls if isinstance(func, ast.Attribute)}
    assert not bare & {"eval", "exec", "compile", "__import__"}
    assert not methods & {"query", "eval"}


def test_conditions_keep_the_users_text():
    rule = parse_rule('contract == "month-to-month" and (`lead source` == "ads" or not new_device)', FRAME)
    assert [c.text for c in rule.conditions] == [
        'contract == "month-to-month"',
        '`lead source` == "ads"',
        "new_device",
    ]
    met = rule.evaluate_conditions(FRAME)
    assert met.iloc[0].tolist() == [True, False, True]
    assert rule.columns == {"contract", "lead source", "new_device"}


def test_literal_warnings_flag_values_that_never_occur():
    rule = parse_rule('contract == "monthly" or region in ["north", "nrth"]', FRAME)
    warnings = rule.literal_warnings(FRAME)
    assert len(warnings) == 2
    assert '"monthly" never occurs in \'contract\'' in warnings[0]


def test_column_kinds():
    kinds = column_kinds(FRAME)
    assert kinds["contract"] == "text"
    assert kinds["tenure_months"] == "number"
    assert kinds["new_device"] == "flag"


def test_evaluation_does_not_modify_the_frame():
    frame = FRAME.copy()
    parse_rule("total_charges / tenure_months > 20 and not new_device", frame).evaluate(frame)
    pd.testing.assert_frame_equal(frame, FRAME)


# --- properties --------------------------------------------------------------------------------

NUMERIC = {"a": [1.0, np.nan, -2.5, 0.0, 7.0, 3.0], "b": [0, 1, 2, 3, 4, 5]}
TEXTS = {"t": ["x", "y", None, "x", "z", "y"]}
PROPERTY_FRAME = pd.DataFrame({**NUMERIC, **TEXTS})


def _number_expr():
    leaves = st.one_of(
        st.sampled_from(["a", "b"]).map(lambda name: (name, lambda i, n=name: PROPERTY_FRAME[n][i])),
        st.integers(-5, 5).map(lambda v: (f"({v})", lambda i, v=v: float(v))),
    )

    def extend(children):
        def combine(left, op, right):
            def value(i):
                x, y = left[1](i), right[1](i)
                if x is None or y is None or math.isnan(x) or math.isnan(y):
                    return None
                if op == "/":
                    return None if y == 0 else x / y
                return {"+": x + y, "-": x - y, "*": x * y}[op]

            return (f"({left[0]} {op} {right[0]})", value)

        return st.builds(combine, children, st.sampled_from(["+", "-", "*", "/"]), children)

    return st.recursive(leaves, extend, max_leaves=4)


def _missing(x):
    return x is None or (isinstance(x, float) and math.isnan(x))


def _comparison():
    ops = {"<": lambda x, y: x < y, "<=": lambda x, y: x <= y, ">": lambda x, y: x > y,
           ">=": lambda x, y: x >= y, "==": lambda x, y: x == y, "!=": lambda x, y: x != y}

    def numeric(left, op, right):
        def truth(i):
            x, y = left[1](i), right[1](i)
            return None if _missing(x) or _missing(y) else bool(ops[op](x, y))

        return (f"{left[0]} {op} {right[0]}", truth)

    def text(op, literal):
        def truth(i):
            value = PROPERTY_FRAME["t"][i]
            return None if pd.isna(value) else bool(ops[op](value, literal))

        return (f't {op} "{literal}"', truth)

    def membership(negate, options):
        def truth(i):
            value = PROPERTY_FRAME["t"][i]
            return None if pd.isna(value) else ((value in options) != negate)

        listed = ", ".join(f'"{o}"' for o in options)
        return (f"t {'not in' if negate else 'in'} [{listed}]", truth)

    return st.one_of(
        st.builds(numeric, _number_expr(), st.sampled_from(list(ops)), _number_expr()),
        st.builds(text, st.sampled_from(["==", "!="]), st.sampled_from(["x", "y", "q"])),
        st.builds(membership, st.booleans(), st.lists(st.sampled_from(["x", "y", "z"]), min_size=1, max_size=3)),
    )


def _condition():
    def extend(children):
        def both(left, op, right):
            def truth(i):
                x, y = left[1](i), right[1](i)
                if op == "and":
                    if x is False or y is False:
                        return False
                    return None if x is None or y is None else True
                if x is True or y is True:
                    return True
                return None if x is None or y is None else False

            return (f"({left[0]}) {op} ({right[0]})", truth)

        def negate(inner):
            return (f"not ({inner[0]})", lambda i: None if inner[1](i) is None else not inner[1](i))

        return st.one_of(
            st.builds(both, children, st.sampled_from(["and", "or"]), children),
            st.builds(negate, children),
        )

    return st.recursive(_comparison(), extend, max_leaves=5)


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_condition())
def test_vectorised_evaluation_matches_row_by_row_three_valued_logic(case):
    text, truth = case
    result = parse_rule(text, PROPERTY_FRAME).evaluate(PROPERTY_FRAME)
    expected = [truth(i) is True for i in range(len(PROPERTY_FRAME))]
    assert result.tolist() == expected, text


@settings(max_examples=examples(500), deadline=None)
@given(st.text(max_size=80))
def test_any_text_gives_a_rule_or_a_rule_error(text):
    try:
        rule = parse_rule(text, FRAME)
    except RuleError as error:
        assert str(error)
    else:
        assert rule.evaluate(FRAME).dtype == bool


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(st.sampled_from(
    ["contract", "tenure_months", "==", "<", "and", "or", "not", "(", ")", "[", "]", ",", '"x"', "3",
     "`lead source`", "in", "+", "/", ".", "__class__", "lambda", ":", "new_device"]
), max_size=12))
def test_token_soup_gives_a_rule_or_a_rule_error(tokens):
    text = " ".join(tokens)
    with contextlib.suppress(RuleError):
        parse_rule(text, FRAME).evaluate(FRAME)


# --- the rule as a checklist for people --------------------------------------------------------

_LABELS = {"contract": "Contract", "tenure_months": "Tenure (months)", "plan": "Plan", "new_device": "New device",
           "total_charges": "Total charges", "lead source": "Lead source"}


def label_of(column):
    return _LABELS.get(column, column)


def test_checklist_keeps_or_around_an_and_group():
    rule = parse_rule('contract == "one-year" or (tenure_months < 6 and plan == "basic")', FRAME)
    root = rule.checklist(FRAME.iloc[0], label_of)
    assert (root.kind, root.text, root.met) == ("any", "Any of these", True)
    assert [child.kind for child in root.children] == ["condition", "all"]
    assert [(leaf.text, leaf.met) for leaf in root.children[1].children] == [
        ("Tenure (months) below 6", True), ('Plan is "basic"', True),
    ]
    assert root.children[0].source == 'contract == "one-year"'
    assert root.lines() == [
        "✓ Any of these:",
        '  ✗ Contract is "one-year"',
        "  ✓ All of these:",
        "    ✓ Tenure (months) below 6",
        '    ✓ Plan is "basic"',
    ]


@pytest.mark.parametrize(("text", "words"), [
    ('contract == "month-to-month"', 'Contract is "month-to-month"'),
    ("tenure_months < 6", "Tenure (months) below 6"),
    ("6 > tenure_months", "Tenure (months) below 6"),
    ("tenure_months >= 12", "Tenure (months) at least 12"),
    ("1 < tenure_months <= 5", "Tenure (months) above 1 and Tenure (months) at most 5"),
    ('region in ["north", "east"]', 'region is one of "north", "east"'),
    ('region not in ["south"]', 'region is not "south"'),
    ('not (plan == "basic")', 'Plan is not "basic"'),
    ("not new_device", "New device is no"),
    ("new_device", "New device is yes"),
    ("total_charges / tenure_months > 1500.5", "Total charges ÷ Tenure (months) above 1,500.5"),
    ("(total_charges + 1) * 2 > 10", "(Total charges + 1) × 2 above 10"),
    ('`lead source` != "ads"', 'Lead source is not "ads"'),
])
def test_checklist_says_each_condition_in_plain_words(text, words):
    root = parse_rule(text, FRAME).checklist(labels=label_of)
    assert (root.kind, root.text, root.met) == ("condition", words, None)


def test_checklist_says_negated_groups_without_losing_them():
    root = parse_rule('not (plan == "basic" or new_device)', FRAME).checklist(FRAME.iloc[4], label_of)
    assert (root.kind, root.text, root.met) == ("not", "None of these", True)
    assert [child.text for child in root.children] == ['Plan is "basic"', "New device is yes"]
    both = parse_rule("not (tenure_months > 1 and new_device)", FRAME).checklist(labels=label_of)
    assert (both.kind, both.text) == ("not", "Not all of these")


def test_checklist_marks_parts_a_missing_value_leaves_unknown():
    # Row 3: tenure missing, contract month-to-month.
    root = parse_rule('tenure_months < 6 and contract == "month-to-month"', FRAME).checklist(FRAME.iloc[3])
    assert [child.met for child in root.children] == [None, True]
    assert root.met is None
    assert root.lines()[1] == "  – tenure_months below 6"


def test_checklist_takes_a_mapping_and_refuses_several_rows():
    rule = parse_rule("tenure_months < 6", FRAME)
    assert rule.checklist({"tenure_months": 3}).met is True
    with pytest.raises(ValueError, match="one row"):
        rule.checklist(FRAME)


@settings(max_examples=examples(200), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_condition())
def test_checklist_root_is_met_exactly_where_the_rule_is_true(case):
    text, truth = case
    rule = parse_rule(text, PROPERTY_FRAME)
    for i in range(len(PROPERTY_FRAME)):
        assert rule.checklist(PROPERTY_FRAME.iloc[[i]]).met is truth(i), (text, i)
