"""The Decide slider's positions: the rule's budget to three times it spans a third of the width."""

import numpy as np
import pytest
from conftest import DEMOS, bundled
from hypothesis import given
from hypothesis import strategies as st

from proofdeck.decisions.slider_scale import position_share, slider_counts


@given(st.integers(1, 2_000_000), st.floats(0, 1))
def test_counts_are_sorted_distinct_and_hold_the_ends_and_the_anchor(size, where):
    anchor = int(where * size)
    counts = slider_counts(size, anchor)
    assert counts[0] == 0 and counts[-1] == size
    assert anchor in counts
    assert np.all(np.diff(counts) > 0)
    assert counts.size <= 3 * 100 + 1


@given(st.integers(10, 2_000_000), st.floats(0.0001, 0.33))
def test_useful_range_spans_at_least_a_third(size, share):
    anchor = max(int(share * size), 1)
    counts = slider_counts(size, anchor)
    assert position_share(counts, anchor, min(3 * anchor, size)) >= 1 / 3 - 1e-9


@pytest.mark.parametrize("demo", DEMOS)
def test_every_demo_slider_spreads_the_useful_range(demo):
    scenario = bundled(demo)
    counts = slider_counts(scenario.sweep.size, scenario.default_count)
    rule = scenario.default_count
    assert rule == scenario.rule_count  # the slider starts at exactly the rule's budget
    assert position_share(counts, rule, min(3 * rule, scenario.sweep.size)) >= 1 / 3
