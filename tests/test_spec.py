"""Spec loading: every problem names the file, the field and what is wrong."""

import copy
import math
import tomllib
from pathlib import Path

import pytest
from conftest import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from proofdeck.data.datasets import load_dataset
from proofdeck.data.spec import ECONOMICS_BOUNDS, SpecError, spec_where
from proofdeck.data.spec_files import DATA_ROOT_ENV, load_catalog, load_spec
from proofdeck.data.spec_schema import validate_document

ROOT = Path(__file__).resolve().parents[1]
CHURN = ROOT / "demos" / "churn.toml"


@pytest.fixture(autouse=True)
def allow_bundled_data(monkeypatch):
    """Variants live in tmp_path but read the bundled CSV: allow its folder as a data root."""
    monkeypatch.setenv(DATA_ROOT_ENV, str(ROOT / "data"))


def write_variant(tmp_path: Path, old: str, new: str, name: str = "variant.toml") -> Path:
    """A copy of the churn spec with one textual change, its data path kept valid."""
    text = CHURN.read_text().replace('path = "../data/churn.csv"', f'path = "{ROOT / "data" / "churn.csv"}"')
    assert old in text, old
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1))
    return path


def test_bundled_specs_load():
    catalog = load_catalog(ROOT / "demos")
    assert not catalog.errors
    assert "churn" in catalog.specs
    spec = catalog.specs["churn"]
    assert spec.nouns.positives == "churners"
    assert spec.economics.period == "quarter"
    assert spec.data_path.is_file()


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("cost_per_action = 40", 'cost_per_action = "forty"', "[economics] cost_per_action: expected a number, got text"),
        ("cost_per_action = 40", "cost_per_action = -4", "[economics] cost_per_action: must be 0 or more"),
        ("win_rate = 0.30", "win_rate = 1.5", "[economics] win_rate: must be a share"),
        ('entity = "customer"\n', "", "[nouns] entity: missing"),
        ('kind = "gradient_boosting"', 'kind = "deep_net"', "[model] kind: must be one of gradient_boosting, logistic_regression"),
        ("test_size = 0.3", "test_size = 0.99", "[model] test_size: must be between 0.05 and 0.9"),
        ("[headline]", "[headline]\nshiny = 1", "[headline] shiny: unknown key"),
        ('title = "Customer churn"', 'titel = "Customer churn"', "titel: unknown key"),
        ("synthetic = true", 'synthetic = "yes"', "synthetic: expected true or false"),
        ('figure = "net_value"', 'figure = "profit"', "[headline] figure: must be one of"),
        ('action_effect = "prevents"', 'action_effect = "cures"',
         "[economics] action_effect: must be one of prevents, catches, converts"),
        ("[rule]", "[rules]", "[rules]: unknown section; known sections are [data]"),
    ],
)
def test_field_errors_name_file_field_and_problem(tmp_path, old, new, expected):
    path = write_variant(tmp_path, old, new)
    with pytest.raises(SpecError) as raised:
        load_spec(path)
    message = str(raised.value)
    assert message.startswith(f"{tmp_path.name}/variant.toml: ")
    assert expected in message
    assert str(tmp_path) not in message


def test_what_the_action_does_is_read_per_demo_and_prevents_by_default(tmp_path):
    catalog = load_catalog(ROOT / "demos")
    assert {key: spec.economics.action_effect for key, spec in catalog.specs.items()} == {
        "churn": "prevents", "leads": "converts", "fraud": "catches", "campaign": "prevents"}
    assert load_spec(write_variant(tmp_path, 'action_effect = "prevents"', "")).economics.action_effect == "prevents"


def test_missing_section(tmp_path):
    text = CHURN.read_text()
    start = text.index("[rule]")
    end = text.index("[economics]")
    path = tmp_path / "norule.toml"
    path.write_text(text[:start] + text[end:])
    with pytest.raises(SpecError, match=r"\[rule\]: missing section"):
        load_spec(path)


def test_invalid_toml_is_reported(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text('title = "x\n')
    with pytest.raises(SpecError, match="is not valid TOML"):
        load_spec(path)


def test_value_needs_per_won_or_column(tmp_path):
    path = write_variant(tmp_path, "value_per_won = 600", "")
    with pytest.raises(SpecError, match=r"value_per_won: missing \(or give value_column\)"):
        load_spec(path)


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ('target_column = "churned_90d"', 'target_column = "churned"', "[data] target_column: column 'churned' is not in churn.csv"),
        ('id_column = "customer_id"', 'id_column = "id"', "[data] id_column: column 'id' is not in churn.csv"),
        ('positive_value = "yes"', 'positive_value = "Y"', "no row of 'churned_90d' equals \"Y\""),
        ("[economics]", '[economics]\nvalue_column = "amount"', "[economics] value_column: column 'amount' is not in"),
    ],
)
def test_columns_not_in_data_name_the_field(tmp_path, old, new, field):
    spec = load_spec(write_variant(tmp_path, old, new))
    with pytest.raises(SpecError) as raised:
        load_dataset(spec)
    assert field in str(raised.value)


def test_catalog_reports_broken_files_without_losing_good_ones(tmp_path):
    (tmp_path / "good.toml").write_text(write_variant(tmp_path, "order = 1", "order = 1", "x.toml").read_text())
    (tmp_path / "bad.toml").write_text("title = 3\n")
    (tmp_path / "x.toml").unlink()
    catalog = load_catalog(tmp_path)
    assert list(catalog.specs) == ["good"]
    assert "bad" in catalog.errors and "title: expected text" in catalog.errors["bad"]


# --- limits shared with the Assumptions form ---------------------------------------------------

CHURN_DOCUMENT = tomllib.loads(CHURN.read_text())


def _economics_problem(name: str, value: float) -> str | None:
    document = copy.deepcopy(CHURN_DOCUMENT)
    document["economics"][name] = value
    try:
        validate_document(document, "demos/churn.toml")
    except SpecError as error:
        return str(error)
    return None


@settings(max_examples=examples(200), deadline=None)
@given(st.sampled_from(list(ECONOMICS_BOUNDS)), st.floats(allow_nan=True, allow_infinity=True))
def test_economics_bounds_are_exactly_what_the_spec_accepts(name, value):
    low, high = ECONOMICS_BOUNDS[name]
    problem = _economics_problem(name, value)
    inside = math.isfinite(value) and low <= value <= high
    assert (problem is None) == inside, (name, value, problem)


def test_economics_bounds_hold_the_bundled_demos():
    for spec in load_catalog(ROOT / "demos").specs.values():
        for name, (low, high) in ECONOMICS_BOUNDS.items():
            assert low <= getattr(spec.economics, name) <= high


def test_label_clash_names_the_columns_and_the_table_headings():
    spec = load_spec(CHURN)
    assert spec.label_clash(["contract", "plan", "region"]) is None
    assert spec.label_clash(["plan", "Plan"]) == "[data.labels] Plan: same label as plan"
    clash = spec.label_clash(["tenure_months", "outcome"], reserved=["Outcome"])
    assert clash == "[data.labels] outcome: same label as the table's own column 'Outcome'"


def test_spec_where_names_folder_and_file_only():
    assert spec_where(CHURN) == "demos/churn.toml"
    assert load_spec(CHURN).where == "demos/churn.toml"


def test_money_ranges_are_read_and_checked(tmp_path):
    """`win_rate_range = [low, high]` reaches the economics; a range the wrong way round, or
    outside the field's bounds, is refused with a message naming the key."""
    from proofdeck.data.spec import SpecError
    from proofdeck.data.spec_files import load_spec

    source = (ROOT / "demos" / "churn.toml").read_text()
    data = ROOT / "data" / "churn.csv"
    source = source.replace('path = "../data/churn.csv"', f'path = "{data.as_posix()}"')
    spec_file = tmp_path / "ranged.toml"
    spec_file.write_text(source.replace("[economics]\n", "[economics]\nwin_rate_range = [0.2, 0.45]\n"))
    assert load_spec(spec_file).economics.ranges == (("win_rate", 0.2, 0.45),)
    for bad, problem in (("[0.45, 0.2]", "low must not be above high"), ("[0.2, 1.5]", "each end"),
                         ('["a", 1]', "a list of two numbers")):
        spec_file.write_text(source.replace("[economics]\n", f"[economics]\nwin_rate_range = {bad}\n"))
        with pytest.raises(SpecError, match="win_rate_range") as error:
            load_spec(spec_file)
        assert problem in str(error.value)


# --- groups: business concepts ([groups]) ------------------------------------------------------

GROUPS = '[groups]\nBilling = ["monthly_charges", "total_charges", "payment_method"]'
GROUPS_BLOCK = CHURN.read_text()[CHURN.read_text().index("[groups]"):CHURN.read_text().index("\n[nouns]")]


def test_groups_are_read_in_the_spec_order():
    spec = load_spec(CHURN)
    assert spec.groups == (("Billing", ("monthly_charges", "total_charges", "payment_method")),
                           ("Subscription", ("contract", "tenure_months", "plan")),
                           ("Usage and support", ("logins_30d", "support_tickets_90d")))
    assert load_dataset(spec).features  # every grouped column is one the model uses


@pytest.mark.parametrize(
    ("groups", "expected"),
    [
        ('[groups]\nBilling = []', "[groups] Billing: must name at least one column"),
        ('[groups]\nBilling = ["plan", "plan"]', "[groups] Billing: names plan twice"),
        ('[groups]\nBilling = ["plan"]\nMoney = ["region", "plan"]',
         "[groups] Money: plan is already in the group Billing"),
        ('[groups]\nContract = ["plan"]', "[groups] Contract: is named like the column contract"),
        ('[groups]\n"support TICKETS  (90 days)" = ["plan"]', "is named like the column support_tickets_90d"),
        ('[groups]\nBilling = ["plan"]\nbilling = ["region"]', "[groups] billing: has the same name as the group"),
        ('[groups]\n" " = ["plan"]', "a group's name must not be empty"),
        ('[groups]\n"Bill\\ning" = ["plan"]', "must not contain control characters"),
        (f'[groups]\n"{"x" * 61}" = ["plan"]', "must be at most 60 characters"),
        ('[groups]\nBilling = "plan"', "[groups] Billing: expected a list of texts, got text"),
    ],
)
def test_group_mistakes_name_the_group_and_the_problem(tmp_path, groups, expected):
    path = write_variant(tmp_path, GROUPS_BLOCK, groups)
    with pytest.raises(SpecError) as raised:
        load_spec(path)
    message = str(raised.value)
    assert "/variant.toml: " in message and "\n" not in message, message
    assert expected in message


@pytest.mark.parametrize(
    ("groups", "expected"),
    [
        ('[groups]\nBilling = ["monthly_charge"]', "[groups] Billing: monthly_charge is not a column the model uses"),
        ('[groups]\nOutcome = ["churned_90d"]', "[groups] Outcome: churned_90d is not a column the model uses"),
        ('[groups]\nWho = ["customer_id"]', "[groups] Who: customer_id is not a column the model uses"),
        ('[groups]\n"Tenure months" = ["plan"]', "[groups] Tenure months: is named like the column tenure_months"),
    ],
)
def test_groups_are_checked_against_the_data_when_it_is_read(tmp_path, groups, expected):
    text = write_variant(tmp_path, GROUPS_BLOCK, groups).read_text()
    # An unlabelled column's readable name is known only from the data: drop tenure's label.
    path = tmp_path / "variant.toml"
    path.write_text(text.replace('tenure_months = "Tenure (months)"\n', ""))
    spec = load_spec(path)
    with pytest.raises(SpecError) as raised:
        load_dataset(spec)
    assert expected in str(raised.value)


def test_groups_that_are_not_a_table_are_refused():
    document = {**CHURN_DOCUMENT, "groups": 3}
    with pytest.raises(SpecError, match=r"groups: expected a table \(\[groups\]\)"):
        validate_document(document, "demos/x.toml")


def test_a_spec_without_groups_has_none(tmp_path):
    assert load_spec(write_variant(tmp_path, GROUPS_BLOCK, "")).groups == ()


def test_spec_text_round_trip_keeps_groups(tmp_path):
    from proofdeck.data.spec_files import spec_from_text

    text = write_variant(tmp_path, GROUPS_BLOCK, '[groups]\n"Billing & <b>pay</b>" = ["payment_method"]').read_text()
    spec = spec_from_text(text, Path("saved/x.toml"), Path("saved/x.parquet"))
    assert spec.groups == (("Billing & <b>pay</b>", ("payment_method",)),)
