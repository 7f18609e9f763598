"""Reading CSVs: clear messages for bad files, and the user's data never altered."""

import io

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from proofdeck.datasets import DataError, build_dataset, read_csv


def frame(n=100, positives=30):
    return pd.DataFrame(
        {
            "id": range(n),
            "x": np.arange(n, dtype=float),
            "kind": ["a", "b"] * (n // 2),
            "outcome": ["yes"] * positives + ["no"] * (n - positives),
        }
    )


def csv_bytes(df, sep=","):
    return df.to_csv(index=False, sep=sep).encode()


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "the file is empty"),
        (b"   \n\n", "the file is empty"),
        (b"PK\x03\x04\x00\x00binary", "looks like a binary file"),
        (b"just_one_column\n1\n2\n", "only one column"),
        (b"a,b\n", "header row but no data rows"),
        (b'a,b\n1,"unclosed\n', "not a well-formed CSV"),
        (b"a,a\n1,2\n", "column names appear twice"),
    ],
)
def test_bad_files_get_specific_messages(raw, message):
    with pytest.raises(DataError, match=message):
        read_csv(raw)


def test_ragged_rows_are_reported():
    with pytest.raises(DataError, match="not a well-formed CSV"):
        read_csv(b"a,b\n1,2\n3,4,5,6\n")


def test_too_big_is_refused_before_parsing():
    with pytest.raises(DataError, match="the limit is"):
        read_csv(b"a,b\n" + b"1,2\n" * 1000, max_bytes=100)


@pytest.mark.parametrize("sep", [",", ";", "\t", "|"])
def test_separators_are_detected(sep):
    df = read_csv(csv_bytes(frame(), sep))
    assert list(df.columns) == ["id", "x", "kind", "outcome"]


def test_latin1_and_bom_are_read():
    assert read_csv("name,v\nJosé,1\nZoë,2\n".encode("latin-1"))["name"].tolist() == ["José", "Zoë"]
    assert list(read_csv("\ufeffa,b\n1,2\n".encode()).columns) == ["a", "b"]


def test_one_class_target_is_refused():
    with pytest.raises(DataError, match="only one class"):
        build_dataset(frame(positives=100), "outcome", "yes")


def test_positive_value_not_present_lists_what_is():
    with pytest.raises(DataError, match='no row of \'outcome\' equals "Y" \\(it has "yes", "no"\\)'):
        build_dataset(frame(), "outcome", "Y")


def test_too_few_of_the_rare_class():
    with pytest.raises(DataError, match="only 3 rows have the rarer outcome"):
        build_dataset(frame(positives=3), "outcome", "yes")


def test_wrong_column_names_the_columns():
    with pytest.raises(DataError, match="outcome column 'churn' is not in the data \\(columns: id, x, kind, outcome\\)"):
        build_dataset(frame(), "churn", "yes")


def test_positive_matching_is_tolerant():
    df = frame()
    df["outcome"] = df["outcome"].str.upper() + " "
    assert build_dataset(df, "outcome", "yes").labels.sum() == 30
    numeric = frame()
    numeric["outcome"] = (numeric["outcome"] == "yes").astype(int)
    assert build_dataset(numeric, "outcome", "1").labels.sum() == 30


def test_rows_without_outcome_are_counted_not_deleted():
    df = frame()
    df.loc[[0, 50], "outcome"] = None
    original = df.copy()
    dataset = build_dataset(df, "outcome", "yes", id_column="id")
    assert dataset.rows_without_outcome == 2
    assert len(dataset.frame) == 98
    pd.testing.assert_frame_equal(df, original)
    assert dataset.features == ("x", "kind")


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_give_a_frame_or_a_data_error(raw):
    try:
        df = read_csv(raw)
    except DataError as error:
        assert str(error)
    else:
        assert df.shape[1] >= 2 and len(df) >= 1


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(-1000, 1000), st.sampled_from(["a", "b", "c", ""]), st.booleans()),
        min_size=1,
        max_size=40,
    )
)
def test_round_trip_of_well_formed_files(rows):
    df = pd.DataFrame(rows, columns=["n", "t", "flag"])
    back = read_csv(io.BytesIO(csv_bytes(df)))
    assert len(back) == len(df)
    assert back["n"].tolist() == df["n"].tolist()


@pytest.mark.parametrize("raw", [b";\r1", b"a,b\r1,2\r3,4\r", b"a,b\r\n1,2\r\n", b'"a\rb",c\n1,2\n'])
def test_carriage_return_line_ends(raw):
    # Found by fuzzing: a header ending in "\r" crashed the duplicate-name check.
    try:
        frame = read_csv(raw)
    except DataError as error:
        assert str(error)
    else:
        assert len(frame.columns) >= 2
