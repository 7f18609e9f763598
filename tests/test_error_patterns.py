"""Error patterns: planted patterns found with counts worked out by hand, noise and small samples
left alone, awkward columns survive, and every count equals a plain recount of its rows."""

import doctest
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import fisher_exact

from proofdeck.review import patterns as pt
from proofdeck.review.patterns import (
    BLANK,
    RANGE,
    VALUE,
    Disagreement,
    FlagCounts,
    Pattern,
    disagreement,
    number_text,
    over_represented,
    pattern_sentence,
)
from tests.conftest import examples

LABELS = {"tenure": "Tenure (months)", "contract": "Contract", "region": "Region"}
GROUP_ROWS = [0, 1, 2, 3, 4, 5, 21, 30]
MONTHLY_ROWS = [0, 1, 2, 3, 4, 21, 30, 10, 11, 12, 13, 25, 26, 35, 36, 37]


def churn_frame() -> tuple[pd.DataFrame, np.ndarray]:
    """40 customers, rows 0..39, and a group of 8 "marked wrong" (rows 0-5, 21, 30).

    tenure = row number 0..39: quartiles of 0..39 (linear) are 9.75, 19.5, 29.25, so the bins
    hold 0-9, 10-19, 20-29, 30-39, 10 rows each. The group has rows 0-5 in the first bin: 6 of 8
    (75%) against 10 of 40 (25%).
    contract: Month-to-month on 16 rows, 7 of them in the group (all but row 5): 7 of 8 (87.5%)
    against 16 of 40 (40%).
    region: north on even rows, south on odd; the group has 4 of each (0, 2, 4, 30 and 1, 3, 5,
    21): 50% against 50%, no pattern.
    """
    rows = np.arange(40)
    frame = pd.DataFrame({
        "tenure": rows,
        "contract": ["Month-to-month" if r in MONTHLY_ROWS else ("One year" if r % 2 else "Two year") for r in rows],
        "region": ["north" if r % 2 == 0 else "south" for r in rows],
    })
    return frame, np.isin(rows, GROUP_ROWS)


def test_a_planted_value_and_a_planted_range_are_found_with_their_counts():
    frame, group = churn_frame()
    found = {p.column: p for p in over_represented(frame, group, labels=LABELS)}
    assert set(found) == {"tenure", "contract"}
    tenure, contract = found["tenure"], found["contract"]
    assert tenure.description == "Tenure (months) is 0 to 9"
    assert (tenure.in_group, tenure.group_size, tenure.in_base, tenure.base_size) == (6, 8, 10, 40)
    assert contract.description == "Contract is Month-to-month"
    assert (contract.in_group, contract.group_size, contract.in_base, contract.base_size) == (7, 8, 16, 40)
    assert tenure.lift == pytest.approx(0.75 / 0.25) and contract.lift == pytest.approx(0.875 / 0.4)
    # Sorted by p: the tenure range (6 of 8 from 10 of 40) is less likely by chance than the contract.
    p_tenure = fisher_exact([[6, 2], [10 - 6, 32 - 4]], alternative="greater").pvalue
    p_contract = fisher_exact([[7, 1], [16 - 7, 32 - 9]], alternative="greater").pvalue
    assert p_tenure < p_contract < 0.05
    assert [p.column for p in over_represented(frame, group, labels=LABELS)] == ["tenure", "contract"]
    assert tenure.p_value == pytest.approx(p_tenure) and contract.p_value == pytest.approx(p_contract)
    assert [p.column for p in over_represented(frame, group, max_patterns=1)] == ["tenure"]


def test_the_pattern_in_a_sentence():
    frame, group = churn_frame()
    contract = over_represented(frame, group, columns=["contract"], labels=LABELS)[0]
    assert pattern_sentence(contract, "marked wrong", "all held-out customers") == (
        "Contract is Month-to-month for 7 of the 8 marked wrong (88%), against 40% of all held-out customers.")
    everyone = Pattern("plan", "plan is basic", 8, 8, 30, 100)
    assert pattern_sentence(everyone, "mistakes", "all held-out customers") == (
        "Plan is basic for all 8 mistakes, against 30% of all held-out customers.")


def test_a_column_with_no_difference_yields_nothing():
    frame, group = churn_frame()
    assert over_represented(frame, group, columns=["region"]) == []


def test_a_group_below_min_count_yields_nothing():
    # Value "X" on 2 of 40 rows, the group is exactly those 2: lift 20, p = 1 / C(40, 2) = 1/780,
    # but 2 rows are fewer than min_count.
    frame = pd.DataFrame({"plan": ["X", "X"] + ["Y"] * 38})
    group = np.arange(40) < 2
    assert over_represented(frame, group) == []
    found = over_represented(frame, group, min_count=2)
    assert [(p.description, p.in_group, p.in_base) for p in found] == [("plan is X", 2, 2)]
    assert found[0].p_value == pytest.approx(1 / 780)


def test_a_slight_excess_on_a_small_sample_is_not_reported():
    # 20 rows, plan A on rows 0-5 (30%); the group of 4 (rows 0, 1, 2, 6) has 3 on A (75%): lift 2.5,
    # 3 rows, but P(X >= 3) for X ~ hypergeometric(20, 6, 4) = (C(6,3) C(14,1) + C(6,4)) / C(20,4)
    # = (280 + 15) / 4845 = 0.061: chance could do it.
    frame = pd.DataFrame({"plan": ["A"] * 6 + ["B"] * 14})
    group = np.isin(np.arange(20), [0, 1, 2, 6])
    by_hand = 295 / 4845
    assert fisher_exact([[3, 1], [3, 13]], alternative="greater").pvalue == pytest.approx(by_hand)
    assert by_hand > 0.05
    assert over_represented(frame, group) == []
    # The same shares on three times the rows are reported.
    frame3 = pd.DataFrame({"plan": (["A"] * 6 + ["B"] * 14) * 3})
    group3 = np.tile(group, 3)
    p3 = fisher_exact([[9, 3], [9, 39]], alternative="greater").pvalue
    assert p3 < 0.05
    found = over_represented(frame3, group3)
    assert [(p.in_group, p.group_size, p.in_base, p.base_size) for p in found] == [(9, 12, 18, 60)]
    assert found[0].p_value == pytest.approx(p3)


def test_a_certain_but_small_excess_is_not_reported():
    # 1,000 rows, A on 600 (60%); the group of 500 holds 350 A (70%): surely not chance, but
    # only 1.17 times the base's share.
    frame = pd.DataFrame({"plan": ["A"] * 600 + ["B"] * 400})
    group = np.zeros(1000, dtype=bool)
    group[:350] = True
    group[600:750] = True
    assert fisher_exact([[350, 150], [250, 250]], alternative="greater").pvalue < 1e-6
    assert over_represented(frame, group) == []


def test_a_numeric_column_with_few_values_is_read_value_by_value():
    # Support calls = row % 6 on 36 rows: each value on 6 rows. The group: the 6 rows with 5
    # calls, plus rows 0 and 1: 5 calls is 6 of 8 (75%) against 6 of 36 (17%).
    rows = np.arange(36)
    frame = pd.DataFrame({"calls": rows % 6})
    group = (rows % 6 == 5) | (rows < 2)
    found = over_represented(frame, group, labels={"calls": "Support calls"})
    assert [(p.description, p.in_group, p.group_size, p.in_base, p.base_size) for p in found] == [
        ("Support calls is 5", 6, 8, 6, 36)]


def test_a_range_of_decimals_is_described_by_its_edges():
    # Charges = 1.5 x row on rows 0..39: quartiles are 1.5 x (9.75, 19.5, 29.25) = 14.625,
    # 29.25, 43.875; the top range (43.875, 58.5] holds rows 30-39. The group: rows 30-35, 0, 10.
    rows = np.arange(40)
    frame = pd.DataFrame({"charges": rows * 1.5})
    group = np.isin(rows, [30, 31, 32, 33, 34, 35, 0, 10])
    found = over_represented(frame, group, labels={"charges": "Monthly charges"})
    assert [(p.description, p.in_group, p.in_base) for p in found] == [
        ("Monthly charges is more than 43.9, up to 58.5", 6, 10)]
    assert found[0].condition == pt.Condition(RANGE, low=43.875, high=58.5, closed_low=False)


def test_the_base_can_be_a_subset_and_the_group_is_taken_within_it():
    frame, group = churn_frame()
    base = np.arange(40) < 20  # rows 0-19; the group within it is rows 0-5 (21 and 30 fall outside)
    # contract within the base: Month-to-month on rows 0-4 and 10-13 (9 of 20); group 5 of 6.
    found = {p.column: p for p in over_represented(frame, group, base=base, columns=["contract"])}
    contract = found["contract"]
    assert (contract.in_group, contract.group_size, contract.in_base, contract.base_size) == (5, 6, 9, 20)


@pytest.mark.parametrize(("value", "text"), [
    (0, "0"), (6, "6"), (1234, "1,234"), (9.75, "9.75"), (12345.6, "12,300"), (2_500_000, "2,500,000"),
    (1 / 3, "0.333"), (0.000123456, "0.000123"), (-3.14159, "-3.14"), (43.875, "43.9"), (12345, "12,300"),
    (float("nan"), "—"),
])
def test_numbers_in_descriptions_are_readable(value, text):
    assert number_text(value) == text


def test_the_docstring_examples_hold():
    result = doctest.testmod(pt)
    assert result.attempted > 0 and result.failed == 0


def test_empty_and_whole_groups_and_frames_give_nothing():
    frame, group = churn_frame()
    assert over_represented(frame, np.zeros(40, dtype=bool)) == []
    assert over_represented(frame, np.ones(40, dtype=bool)) == []  # no rest of the base to compare with
    assert over_represented(frame.iloc[:0], np.zeros(0, dtype=bool)) == []
    assert over_represented(pd.DataFrame(), np.zeros(0, dtype=bool)) == []
    assert over_represented(pd.DataFrame(index=range(5)), np.array([True, False, True, False, True])) == []
    assert over_represented(frame, group, columns=["not a column"]) == []
    assert over_represented(frame, group, base=np.zeros(40, dtype=bool)) == []
    with pytest.raises(ValueError):
        over_represented(frame, group[:10])


def test_missing_and_mixed_columns_do_not_break_it():
    frame, group = churn_frame()
    frame["nothing"] = [None] * 40
    frame["no numbers"] = np.full(40, np.nan)
    frame["one number"] = np.ones(40)
    # Mixed types; "a" on rows 0-5 (all in the group) and on rows 12, 17, ... 37 (none in it).
    mixed = [1, 2.5, True, None, "x", float("nan"), " ", b"bytes"] * 5
    for row in list(range(6)) + list(range(12, 40, 5)):
        mixed[row] = "a"
    frame["mixed"] = pd.Series(mixed, dtype=object)
    frame["lists"] = pd.Series([[r] for r in range(40)], dtype=object)
    frame["flags"] = np.arange(40) % 2 == 0
    frame["when"] = pd.date_range("2025-01-01", periods=40)
    found = {p.column: p for p in over_represented(frame, group, max_patterns=20)}
    assert {"nothing", "no numbers", "one number", "lists", "flags", "when"}.isdisjoint(found)
    # "a": group rows 0-5 (6 of 8) against 6 + 6 = 12 of 40.
    assert (found["mixed"].description, found["mixed"].in_group, found["mixed"].in_base) == ("mixed is a", 6, 12)


def test_blanks_are_a_value_of_their_own():
    # Income missing on rows 0-6, and on row 20; the group is rows 0-6 and 30: 7 of 8 against 8 of 40.
    rows = np.arange(40)
    income = (rows * 1000.0).astype(object)
    income[[0, 1, 2, 3, 4, 5, 6, 20]] = None
    frame = pd.DataFrame({"income": pd.to_numeric(pd.Series(income)), "city": ["  "] * 7 + ["Oslo"] * 33})
    group = np.isin(rows, [0, 1, 2, 3, 4, 5, 6, 30])
    found = {p.column: p for p in over_represented(frame, group)}
    assert (found["income"].description, found["income"].in_group, found["income"].in_base) == ("income is blank", 7, 8)
    # Text of only spaces is blank too: 7 of 8 against 7 of 40.
    assert (found["city"].description, found["city"].in_group, found["city"].in_base) == ("city is blank", 7, 7)


def plain_counts(rule, model):
    """Rule-only, model-only, both, neither, counted one row at a time."""
    counts = [0, 0, 0, 0]
    for r, m in zip(rule, model, strict=True):
        if r and not m:
            counts[0] += 1
        elif m and not r:
            counts[1] += 1
        elif r and m:
            counts[2] += 1
        else:
            counts[3] += 1
    return FlagCounts(*counts)


@settings(max_examples=examples(100))
@given(st.lists(st.tuples(st.booleans(), st.booleans(), st.booleans()), max_size=60))
def test_disagreement_counts_equal_a_plain_loop(rows):
    rule = [r for r, _, _ in rows]
    model = [m for _, m, _ in rows]
    group = [g for _, _, g in rows]
    result = disagreement(rule, model, group)
    in_group = [i for i, g in enumerate(group) if g]
    assert result.group == plain_counts([rule[i] for i in in_group], [model[i] for i in in_group])
    assert result.whole == plain_counts(rule, model)


def test_the_disagreement_sentence():
    # 100 customers; the rule acts on rows 0-11, the model on none: they disagree on 12%.
    # The group: rows 0-4 (they disagree) and 50-52 (neither acts): 5 of 8.
    rows = np.arange(100)
    result = disagreement(rows < 12, np.zeros(100, dtype=bool), np.isin(rows, [0, 1, 2, 3, 4, 50, 51, 52]))
    assert result == Disagreement(group=FlagCounts(5, 0, 0, 3), whole=FlagCounts(12, 0, 0, 88))
    assert result.sentence("marked wrong", "all held-out customers") == (
        "Today's rule and the model disagree on 5 of the 8 marked wrong (62%), against 12% of all held-out customers.")
    nobody = disagreement(rows < 12, np.zeros(100, dtype=bool), np.zeros(100, dtype=bool))
    assert nobody.group == FlagCounts(0, 0, 0, 0) and nobody.sentence("marked wrong", "all") == ""
    assert disagreement([], [], []) == Disagreement(FlagCounts(0, 0, 0, 0), FlagCounts(0, 0, 0, 0))


def is_blank(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or (
        isinstance(value, str) and not value.strip())


def row_matches(value, condition) -> bool:
    """Whether one cell is what the condition describes, read from its attributes alone."""
    if condition.kind == BLANK:
        return is_blank(value)
    if condition.kind == VALUE:
        return not is_blank(value) and value == condition.value
    if is_blank(value):
        return False
    above = condition.low <= value if condition.closed_low else condition.low < value
    return above and value <= condition.high


@st.composite
def held_out(draw):
    n = draw(st.integers(0, 60))
    cells = st.tuples(
        st.sampled_from(["a", "b", "c", None, " "]),
        st.one_of(st.integers(0, 30).map(float), st.just(math.nan)),
        st.integers(0, 3),
        st.sampled_from([1, "1", "a", 2.5, True, None, math.nan]),
        st.floats(-1e6, 1e6, allow_nan=False),
        st.booleans(), st.booleans(),
    )
    rows = draw(st.lists(cells, min_size=n, max_size=n))
    frame = pd.DataFrame({
        "cat": pd.Series([r[0] for r in rows], dtype=object),
        "num": pd.Series([r[1] for r in rows], dtype="float64"),
        "few": pd.Series([r[2] for r in rows], dtype="int64"),
        "mixed": pd.Series([r[3] for r in rows], dtype=object),
        "flt": pd.Series([r[4] for r in rows], dtype="float64"),
    })
    group = np.array([r[5] for r in rows], dtype=bool)
    # Plant the group on a value often enough that patterns are found, not only rejected.
    if draw(st.booleans()):
        group |= (frame["cat"] == "a").to_numpy(dtype=bool)
    base = None if draw(st.booleans()) else np.array([r[6] for r in rows] , dtype=bool) | group
    return frame, group, base, draw(st.integers(1, 4))


@settings(max_examples=examples(200), deadline=None)
@given(held_out())
def test_every_pattern_counts_exactly_the_rows_it_describes(case):
    frame, group, base, min_count = case
    found = over_represented(frame, group, base=base, min_count=min_count, max_patterns=10)
    in_base = [True] * len(frame) if base is None else list(base)
    assert len({p.column for p in found}) == len(found)
    for pattern in found:
        values = frame[pattern.column].tolist()
        described = [row_matches(v, pattern.condition) for v in values]
        group_rows = sum(1 for g, b in zip(group, in_base, strict=True) if g and b)
        assert pattern.group_size == group_rows
        assert pattern.base_size == sum(in_base)
        assert pattern.in_group == sum(1 for d, g, b in zip(described, group, in_base, strict=True) if d and g and b)
        assert pattern.in_base == sum(1 for d, b in zip(described, in_base, strict=True) if d and b)
        assert pattern.matches(frame).tolist() == described
        # And it passed every gate.
        # At least 1.5x, in whole numbers (7 of 20 against 7 of 30 is exactly 1.5; floats say 1.4999).
        assert pattern.in_group >= min_count
        assert 2 * pattern.in_group * pattern.base_size >= 3 * pattern.in_base * pattern.group_size
        rest, in_rest = pattern.base_size - pattern.group_size, pattern.in_base - pattern.in_group
        p = fisher_exact([[pattern.in_group, pattern.group_size - pattern.in_group], [in_rest, rest - in_rest]],
                         alternative="greater").pvalue
        assert p < 0.05 and pattern.p_value == pytest.approx(p, rel=1e-6, abs=1e-12)
