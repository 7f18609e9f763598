"""Profiles of realistic messy exports: kinds, conversions, the id, and what is left out."""

import numpy as np
import pandas as pd
import pytest
from messy import crm_export, european_export, telco_export

from proofdeck.upload.ingest import read_upload
from proofdeck.upload.profile import ID_LEFT_OUT, column_kind, profile_table, words_of


def test_telco_export_profiles_with_total_charges_as_numbers():
    profile = profile_table(read_upload("telco.csv", telco_export()))
    total = profile.column("TotalCharges")
    assert total.kind == "number" and total.conversion is not None
    assert total.missing == total.conversion.blanks > 0
    assert any("'TotalCharges' was text and is read as numbers" in note for note in profile.notes)
    assert profile.id_column == "customerID"
    assert {c.name: c.kind for c in profile.columns} == {
        "customerID": "text", "gender": "category", "SeniorCitizen": "yes/no", "Partner": "yes/no",
        "tenure": "number", "Contract": "category", "MonthlyCharges": "number", "TotalCharges": "number",
        "Churn": "yes/no",
    }
    assert profile.features(outcome="Churn") == (
        "gender", "SeniorCitizen", "Partner", "tenure", "Contract", "MonthlyCharges", "TotalCharges",
    )


def test_european_export_reads_decimal_commas_and_the_middle_outcome():
    table = read_upload("kunden.csv", european_export())
    profile = profile_table(table)
    assert table.delimiter == ";" and table.encoding == "Windows-1252"
    assert profile.column("Umsatz (€)").kind == "number"
    assert profile.column("Rabatt").kind == "number"
    assert set(table.frame["Rabatt"].unique()) == {0.0, 5.0, 12.5, 20.0}
    assert profile.column("Gekündigt").kind == "yes/no"
    assert "Größere Städte" in set(table.frame["Region"])
    assert profile.id_column == "Kunden-Nr"


def test_crm_export_leaves_out_with_reasons():
    profile = profile_table(read_upload("crm.csv", crm_export()))
    reasons = profile.left_out()
    assert reasons["Account ID"] == ID_LEFT_OUT
    assert reasons["row"].startswith("numbers counting the rows")
    assert reasons["Source system"] == "the same value in every row"
    assert reasons["Notes"] == "every value is missing"
    assert reasons["Signup date"].startswith("a date")
    assert profile.features(outcome="Outcome") == ("Amount", "Usage share", "Segment")
    assert profile.column("Amount").conversion.removed == ("thousands separators", "currency signs")
    assert profile.column("Outcome").missing == 13


def test_the_id_can_be_changed_and_the_guess_becomes_an_ordinary_column_again():
    profile = profile_table(read_upload("crm.csv", crm_export()))
    assert profile.id_candidates == ("Account ID", "row")
    reasons = profile.left_out(id_column="row")
    assert reasons["row"] == ID_LEFT_OUT
    assert reasons["Account ID"].startswith("a different value in every row")


def test_missing_share_and_distinct():
    frame = pd.DataFrame({"a": [1.0, np.nan, 3.0, 3.0], "b": ["x", "y", None, "x"]})
    profile = profile_table(frame)
    assert profile.rows == 4
    assert (profile.column("a").missing_share, profile.column("a").distinct) == (0.25, 2)
    assert profile.column("b").examples == ("x", "y")


@pytest.mark.parametrize(
    ("values", "kind"),
    [
        ([0, 1, 1], "yes/no"), ([True, False], "yes/no"), (["Y", "N", "Y"], "yes/no"),
        (["Churned", "Stayed"], "yes/no"), ([1.5, 2.5], "number"), (["a", "b", "c"], "category"),
        (["2024-01-05", "2024-02-11"], "date"), (["05/01/2024", "11/02/2024 10:30"], "date"),
        ([f"note {i}" for i in range(100)], "text"),
    ],
)
def test_column_kinds(values, kind):
    assert column_kind(pd.Series(values)) == kind


def test_unique_amounts_are_not_ids():
    frame = pd.DataFrame({"amount": np.linspace(1, 2, 50), "v": range(50)})
    profile = profile_table(frame)
    assert "amount" in profile.features()
    assert profile.id_column == "v" or profile.id_column is None


def test_words_of_names():
    assert words_of("customerID") == ["customer", "id"]
    assert words_of("TotalCharges") == ["total", "charges"]
    assert words_of("days_to_close") == ["days", "to", "close"]
    assert words_of("HTTPStatus") == ["http", "status"]
