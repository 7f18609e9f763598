"""Stratified samples keep each outcome's share exactly, and enough of the rarer one."""

import numpy as np
from conftest import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from proofdeck.data.sampling import stratified_sample, training_sample


def test_small_files_are_not_sampled():
    labels = np.array([True, False] * 50)
    assert np.array_equal(stratified_sample(labels, 1000), np.arange(100))
    assert training_sample(labels, 1000).sentence == "All 100 rows are used."


def test_shares_are_kept_to_the_row():
    labels = np.zeros(100_000, dtype=bool)
    labels[:23_000] = True
    positions = stratified_sample(labels, 10_000, seed=1)
    assert len(positions) == 10_000 and labels[positions].sum() == 2_300
    assert len(np.unique(positions)) == len(positions)


def test_rare_positives_grow_the_sample_instead_of_being_oversampled():
    labels = np.zeros(1_000_000, dtype=bool)
    labels[::500] = True  # 2,000 positives, 0.2%
    positions = stratified_sample(labels, 200_000, seed=3, min_rarer=1_000)
    assert len(positions) == 500_000 and labels[positions].sum() == 1_000
    sample = training_sample(labels, 200_000)
    assert sample.is_sample and "sample of 500,000 of 1,000,000 rows" in sample.sentence


def test_the_draw_is_reproducible():
    labels = np.random.default_rng(0).random(50_000) < 0.3
    assert np.array_equal(stratified_sample(labels, 5_000, seed=7), stratified_sample(labels, 5_000, seed=7))
    assert not np.array_equal(stratified_sample(labels, 5_000, seed=7), stratified_sample(labels, 5_000, seed=8))


@settings(max_examples=examples(200), deadline=None)
@given(st.integers(2, 3_000), st.floats(0.001, 0.999), st.integers(1, 3_000), st.integers(0, 2**32 - 1))
def test_any_sample_keeps_shares_within_one_row(n, share, max_rows, seed):
    labels = np.arange(n) < max(1, int(n * share))
    positions = stratified_sample(labels, max_rows, seed, min_rarer=10)
    assert len(positions) >= min(n, max_rows)
    assert np.all(np.diff(positions) > 0) and positions.max() < n
    expected = labels.mean() * len(positions)
    assert abs(labels[positions].sum() - expected) <= 1
