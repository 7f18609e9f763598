"""Reading CSVs: clear messages for bad files, and the user's data never altered."""

import io

import numpy as np
import pandas as pd
import pytest
from conftest import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from proofdeck.data.datasets import DataError, build_dataset, read_csv


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


@settings(max_examples=examples(200), deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_give_a_frame_or_a_data_error(raw):
    try:
        df = read_csv(raw)
    except DataError as error:
        assert str(error)
    else:
        assert df.shape[1] >= 2 and len(df) >= 1


@settings(max_examples=examples(100), deadline=None)
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


# --- issue 11: data read wrongly without a word ---------------------------------------------


def test_trailing_delimiter_on_data_rows_does_not_shift_columns():
    df = read_csv(b"id,x,outcome\nC1,5,yes,\nC2,7,no,\n")
    assert list(df.columns) == ["id", "x", "outcome"]
    assert df["id"].tolist() == ["C1", "C2"] and df["x"].tolist() == [5, 7]
    assert df.index.tolist() == [0, 1]


def test_trailing_delimiter_on_every_line_drops_the_empty_column():
    df = read_csv(b"id,x,outcome,\nC1,5,yes,\nC2,7,no,\n")
    assert list(df.columns) == ["id", "x", "outcome"]


def test_a_value_after_the_trailing_delimiter_is_reported():
    with pytest.raises(DataError, match="line 2 has 3 fields where the header has 2"):
        read_csv(b"id,x\nC1,5,\nC2,7,oops\n")
    # beyond the lines the delimiter is sniffed from, too
    raw = b"id,x\n" + b"".join(b"C%d,5,\n" % i for i in range(300)) + b"C9,7,oops\n"
    with pytest.raises(DataError, match="line 302 has more fields than the header"):
        read_csv(raw)


def test_semicolons_inside_quoted_header_names_do_not_decide_the_delimiter():
    df = read_csv(b'"cost; net","cost; gross",kind\n1,2,a\n3,4,b\n')
    assert list(df.columns) == ["cost; net", "cost; gross", "kind"]


def test_commas_inside_quoted_names_of_a_semicolon_file():
    df = read_csv(b'"a, b";"c, d"\n1;2\n3;4\n')
    assert list(df.columns) == ["a, b", "c, d"]


def test_cp1252_smart_quotes_and_euro_sign_are_read_as_such():
    raw = "name;price\n“Pro” plan;€ 12\nBasic – old;€ 5\n".encode("cp1252")
    df = read_csv(raw)
    assert df["name"].tolist() == ["“Pro” plan", "Basic – old"]
    assert df["price"].tolist() == [12.0, 5.0]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_text_is_decoded_not_called_binary(encoding):
    text = "id\tname\tv\n1\tJosé\t2\n2\tZoë\t3\n"
    raw = text.encode(encoding)
    if encoding == "utf-16-le":
        raw = b"\xff\xfe" + raw  # with its BOM, as Excel writes it
    df = read_csv(raw)
    assert df["name"].tolist() == ["José", "Zoë"]


def test_bomless_utf16_is_decoded():
    assert read_csv("a,b\n1,x\n".encode("utf-16-le"))["b"].tolist() == ["x"]


def test_blank_header_names_are_named_by_position_and_noted():
    from proofdeck.data.delimited import read_delimited

    table = read_delimited(b"id,,x, \n1,2,3,4\n")
    assert list(table.frame.columns) == ["id", "column 2", "x", "column 4"]
    assert any("Columns 2, 4 had no name" in note for note in table.notes)


def test_decimal_commas_in_a_semicolon_file_become_numbers():
    df = read_csv(b"id;rate;amount\n1;1,5;1.234,50\n2;2,25;12,00\n3;;3,5\n")
    assert df["rate"].tolist()[:2] == [1.5, 2.25] and np.isnan(df["rate"].iloc[2])
    assert df["amount"].tolist() == [1234.5, 12.0, 3.5]


def test_text_that_is_not_consistently_a_number_stays_text():
    df = read_csv(b"id;code\n1;1,5\n2;abc\n")
    assert df["code"].tolist() == ["1,5", "abc"]


def test_codes_with_leading_zeros_and_long_ids_stay_text():
    df = read_csv(b"zip,account,v\n02134,12345678901234567890,1\n10001,12345678901234567891,2\n")
    assert df["zip"].tolist() == ["02134", "10001"]
    assert df["account"].tolist() == ["12345678901234567890", "12345678901234567891"]


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"])
def test_line_endings_and_quoted_fields(ending):
    text = ending.join(['id,note,v', '1,"a, b",2', '2,"say ""hi""",3', '3,"two' + ending + 'lines",4', ""])
    df = read_csv(text.encode())
    assert df["note"].tolist() == ["a, b", 'say "hi"', "two" + ending + "lines"]
    assert df["v"].tolist() == [2, 3, 4]


def test_unclosed_quote_names_its_line():
    with pytest.raises(DataError, match="quoted value starting near line 3 is never closed"):
        read_csv(b'a,b\n1,2\n3,"open\n4,5\n')


def test_duplicate_ids_are_refused_with_how_many_repeat():
    df = frame()
    df.loc[[1, 2, 3], "id"] = 0  # id 0 now appears 4 times
    df.loc[5, "id"] = 4
    with pytest.raises(DataError, match=r"'id' has 2 ids that appear more than once \(6 rows\)"):
        build_dataset(df, "outcome", "yes", id_column="id")


def test_blank_ids_are_refused():
    df = frame().astype({"id": "float"})
    df.loc[7, "id"] = np.nan
    with pytest.raises(DataError, match="blank in 1 row"):
        build_dataset(df, "outcome", "yes", id_column="id")


def test_public_messages_quote_nothing_from_the_file():
    with pytest.raises(DataError) as raised:
        read_csv(b"secret_a,secret_a\n1,2\n")
    assert "secret_a" in str(raised.value) and "secret_a" not in raised.value.public
    df = frame()
    df["outcome"] = np.where(df["x"] > 50, "private-value", "other")
    with pytest.raises(DataError) as raised:
        build_dataset(df, "outcome", "yes")
    assert "private-value" in str(raised.value) and "private-value" not in raised.value.public


# Alphabets whose bytes in the encoding cannot be mistaken for UTF-8 (see the note in
# proofdeck.data.delimited: a Windows-1252 file that happens to be valid UTF-8 is read as UTF-8).
_ALPHABETS = {
    "utf-8": "abcXYZ éü€“”漢字 ",
    "utf-8-sig": "abcXYZ éü€“”漢字 ",
    "utf-16": "abcXYZ éü€“”漢字 ",
    "cp1252": "abcXYZ €“”",
    "latin-1": "abcXYZ éüß",
}
_RESERVED = {t.lower() for t in ("na", "nan", "null", "none", "n/a", "true", "false")}


@st.composite
def _export(draw):
    encoding = draw(st.sampled_from(sorted(_ALPHABETS)))
    sep = draw(st.sampled_from([",", ";", "\t", "|"]))
    ending = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    letters = st.sampled_from("abcXYZ")
    extra = _ALPHABETS[encoding] + sep + '"' + ending  # pandas quotes only its own line end
    word = st.builds(lambda a, b: a + b, letters, st.text(alphabet=extra, max_size=8)).filter(
        lambda w: w.strip().lower() not in _RESERVED and w == w.strip()
    )
    n = draw(st.integers(1, 12))
    names = draw(st.lists(word.filter(lambda w: "\n" not in w), min_size=2, max_size=5, unique=True))
    columns = {}
    for index, name in enumerate(names):
        kind = draw(st.sampled_from(["int", "float", "text"])) if index else "text"
        if kind == "int":
            columns[name] = draw(st.lists(st.integers(-(10**12), 10**12), min_size=n, max_size=n))
        elif kind == "float":
            values = st.one_of(st.none(), st.floats(allow_nan=False, allow_infinity=False, width=64))
            cells = draw(st.lists(values, min_size=n, max_size=n))
            cells[0] = 0.5 if cells[0] is None else cells[0]
            columns[name] = pd.array(cells, dtype="float64")
        else:
            cells = draw(st.lists(st.one_of(st.none(), word), min_size=n, max_size=n))
            cells[0] = cells[0] or "a"
            columns[name] = pd.array(cells, dtype="str")
    return pd.DataFrame(columns), encoding, sep, ending


@settings(max_examples=examples(150), deadline=None)
@given(_export())
def test_any_frame_written_any_common_way_reads_back_equal(case):
    df, encoding, sep, ending = case
    raw = df.to_csv(index=False, sep=sep, lineterminator=ending).encode(encoding)
    back = read_csv(raw)
    pd.testing.assert_frame_equal(back, df, check_dtype=False, check_exact=True)
    for name in df.columns:
        assert pd.api.types.is_numeric_dtype(back[name]) == pd.api.types.is_numeric_dtype(df[name])


def _demo_with_data(tmp_path, csv_text: bytes, spec_changes=()):
    """A copy of the churn spec in tmp/demos pointing at tmp/data/mine.csv."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    (tmp_path / "demos").mkdir()
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "mine.csv").write_bytes(csv_text)
    text = (root / "demos" / "churn.toml").read_text().replace("../data/churn.csv", "../data/mine.csv")
    for old, new in spec_changes:
        text = text.replace(old, new)
    path = tmp_path / "demos" / "mine.toml"
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("csv_text", "changes", "expected"),
    [
        (b"customer_id,SECRETCOL,SECRETCOL\n1,2,3\n", (), "demos/mine.toml: [data] path: mine.csv: "),
        (b"customer_id,SECRETCOL\n1,2\n", (), "[data] target_column: column 'churned_90d' is not in mine.csv"),
        (b"PK\x03\x04SECRET\x00", (), "binary file"),
        (None, (), "the data file mine.csv is not there"),
    ],
)
def test_load_dataset_messages_quote_no_contents_and_no_server_path(tmp_path, caplog, csv_text, changes, expected):
    from proofdeck.data.datasets import load_dataset
    from proofdeck.data.spec import SpecError
    from proofdeck.data.spec_files import load_spec

    path = _demo_with_data(tmp_path, csv_text or b"", changes)
    if csv_text is None:
        (tmp_path / "data" / "mine.csv").unlink()
    spec = load_spec(path)
    with caplog.at_level("WARNING", logger="proofdeck"), pytest.raises(SpecError) as raised:
        load_dataset(spec)
    message = str(raised.value)
    assert expected in message
    assert "SECRET" not in message and str(tmp_path) not in message
    assert str(tmp_path) in caplog.text  # the server log has the full detail


def test_load_dataset_hides_outcome_values_but_logs_them(tmp_path, caplog):
    from proofdeck.data.datasets import load_dataset
    from proofdeck.data.spec import SpecError
    from proofdeck.data.spec_files import load_spec

    rows = "".join(f"C{i},{i},{'SECRETYES' if i % 3 else 'SECRETNO'}\n" for i in range(100))
    path = _demo_with_data(
        tmp_path,
        ("customer_id,tenure_months,churned_90d\n" + rows).encode(),
        [('expression = \'contract == "month-to-month" and tenure_months < 6\'', "expression = 'tenure_months < 6'")],
    )
    with caplog.at_level("WARNING", logger="proofdeck"), pytest.raises(SpecError) as raised:
        load_dataset(load_spec(path))
    assert "no row of 'churned_90d' equals \"yes\"" in str(raised.value)
    assert "SECRET" not in str(raised.value) and "SECRETYES" in caplog.text
