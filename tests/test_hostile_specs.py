"""Hostile spec files: each gives one clear message naming the file, and the other demos load.

Every test builds a project folder in tmp_path (demos/ with the bundled churn spec, data/ with
its CSV), adds one crafted file, and loads the catalog as the app does (issue 11).
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
from pathlib import Path

import pytest

from proofdeck.data.spec import ECONOMICS_BOUNDS
from proofdeck.data.spec_files import DATA_ROOT_ENV, MAX_SPEC_BYTES, SpecCatalog, load_catalog, load_spec

ROOT = Path(__file__).resolve().parents[1]
CHURN_SPEC = (ROOT / "demos" / "churn.toml").read_text(encoding="utf-8")


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A project folder like the repository's: demos/churn.toml and data/churn.csv."""
    monkeypatch.delenv(DATA_ROOT_ENV, raising=False)
    (tmp_path / "demos").mkdir()
    (tmp_path / "data").mkdir()
    shutil.copy(ROOT / "data" / "churn.csv", tmp_path / "data" / "churn.csv")
    (tmp_path / "demos" / "churn.toml").write_text(CHURN_SPEC, encoding="utf-8")
    return tmp_path


def churn_variant(old: str, new: str) -> str:
    assert old in CHURN_SPEC, old
    return CHURN_SPEC.replace(old, new, 1)


def only_bad(project: Path, key: str, *expected: str) -> str:
    """Load the catalog; the good demo loads, the bad file has one safe message; return it."""
    catalog = load_catalog(project / "demos")
    assert isinstance(catalog, SpecCatalog)
    assert list(catalog.specs) == ["churn"], catalog.errors
    assert list(catalog.errors) == [key]
    message = catalog.errors[key]
    assert message.startswith(f"demos/{key}.toml: "), message
    assert "\n" not in message and len(message) < 300, message
    assert str(project) not in message and "/tmp" not in message, message
    for text in expected:
        assert text in message, message
    return message


def test_spec_data_path_with_escaped_nul_gives_one_message_and_other_demos_load(project):
    (project / "demos" / "bad.toml").write_text(
        churn_variant('path = "../data/churn.csv"', 'path = "../data/churn.csv\\u0000"')
    )
    only_bad(project, "bad", "[data] path: must not contain control characters")


def test_spec_nested_900_levels_gives_one_message_and_other_demos_load(project):
    deep = "deep = " + "[" * 900 + "]" * 900 + "\n"
    assert len(deep) < 2048
    (project / "demos" / "bad.toml").write_text(deep + CHURN_SPEC)
    only_bad(project, "bad", "nested too deeply")


def test_spec_integer_of_4400_digits_gives_one_message_and_other_demos_load(project):
    (project / "demos" / "bad.toml").write_text(churn_variant("order = 1", "order = " + "7" * 4400))
    only_bad(project, "bad", "a number has too many digits")


def test_spec_economics_integer_of_309_digits_gives_one_message_and_other_demos_load(project):
    (project / "demos" / "bad.toml").write_text(churn_variant("value_per_won = 600", "value_per_won = " + "9" * 309))
    only_bad(project, "bad", "[economics] value_per_won: must be a finite number")


@pytest.mark.parametrize("field", list(ECONOMICS_BOUNDS))
@pytest.mark.parametrize(("value", "problem"), [
    ("inf", "must be a finite number"),
    ("-inf", "must be a finite number"),
    ("nan", "must be a finite number"),
    ("1e200", "must be "),  # "at most 1,000,000,000", or "a share" for win_rate
])
def test_spec_economics_inf_nan_or_absurd_gives_one_message_and_other_demos_load(project, field, value, problem):
    text = CHURN_SPEC.replace("[economics]\n", f"[economics]\n{field} = {value}\n", 1)
    lines = [line for line in text.splitlines() if not line.startswith(f"{field} = ") or line == f"{field} = {value}"]
    (project / "demos" / "bad.toml").write_text("\n".join(lines) + "\n")
    only_bad(project, "bad", f"[economics] {field}: {problem}")


def test_spec_fifo_named_toml_does_not_block_and_other_demos_load(project):
    os.mkfifo(project / "demos" / "x.toml")
    result: list[SpecCatalog] = []
    loader = threading.Thread(target=lambda: result.append(load_catalog(project / "demos")), daemon=True)
    loader.start()
    loader.join(60)  # a liveness guard, not a timing check: a blocking open never returns
    assert result, "load_catalog blocked on a FIFO"
    only_bad(project, "x", "is not a regular file")


def test_spec_symlink_to_dev_zero_gives_one_message_and_other_demos_load(project):
    (project / "demos" / "zero.toml").symlink_to("/dev/zero")
    only_bad(project, "zero", "is not a regular file")


def test_spec_larger_than_the_limit_gives_one_message_and_other_demos_load(project):
    padding = ("# " + "x" * 98 + "\n") * (MAX_SPEC_BYTES // 100 + 10)
    (project / "demos" / "huge.toml").write_text(CHURN_SPEC + padding)
    only_bad(project, "huge", f"is larger than {MAX_SPEC_BYTES // 1024} KB")


def test_spec_with_utf8_byte_order_mark_loads(project):
    (project / "demos" / "bom.toml").write_bytes(b"\xef\xbb\xbf" + CHURN_SPEC.replace("order = 1", "order = 2").encode())
    catalog = load_catalog(project / "demos")
    assert not catalog.errors
    assert list(catalog.specs) == ["churn", "bom"]


@pytest.mark.parametrize("seed", ["-1", str(2**32), "1" + "0" * 30])
def test_spec_seed_outside_32_bits_gives_one_message_and_other_demos_load(project, seed):
    (project / "demos" / "bad.toml").write_text(churn_variant("seed = 42", f"seed = {seed}"))
    only_bad(project, "bad", "[model] seed: must be a whole number from 0 to 4,294,967,295")


def test_spec_features_named_twice_gives_one_message_and_other_demos_load(project):
    (project / "demos" / "bad.toml").write_text(
        churn_variant('positive_value = "yes"', 'positive_value = "yes"\nfeatures = ["plan", "region", "plan"]')
    )
    only_bad(project, "bad", "[data] features: names plan twice")


@pytest.mark.parametrize("size", ["0.01", "0.95", "nan", "inf"])
def test_spec_test_size_out_of_bounds_gives_one_message_and_other_demos_load(project, size):
    (project / "demos" / "bad.toml").write_text(churn_variant("test_size = 0.3", f"test_size = {size}"))
    only_bad(project, "bad", "[model] test_size: must be between 0.05 and 0.9")


def test_spec_labels_that_clash_give_one_message_and_other_demos_load(project):
    (project / "demos" / "bad.toml").write_text(churn_variant('plan = "Plan"', 'plan = "contract "'))
    only_bad(project, "bad", "[data] labels: plan has the same label as contract")


def test_catalog_turns_any_failure_of_one_file_into_one_message(project, monkeypatch, caplog):
    import proofdeck.data.spec_files as spec_module

    real_build = spec_module._build

    def build(path, data_path, grouped):
        if path.stem == "bad":
            raise KeyError("something no one planned for /secret/server/path")
        return real_build(path, data_path, grouped)

    monkeypatch.setattr(spec_module, "_build", build)
    (project / "demos" / "bad.toml").write_text(CHURN_SPEC)
    with caplog.at_level(logging.WARNING, logger="proofdeck"):
        message = only_bad(project, "bad", "cannot be loaded because of an unexpected problem")
    assert "/secret" not in message
    assert "/secret/server/path" in caplog.text  # the detail goes to the server log


def test_specs_with_the_same_title_are_both_kept_and_told_apart(project):
    (project / "demos" / "churn_copy.toml").write_text(churn_variant("order = 1", "order = 2"))
    catalog = load_catalog(project / "demos")
    assert list(catalog.specs) == ["churn", "churn_copy"]
    assert not catalog.errors
    assert catalog.duplicate_titles == {"Customer churn": ["churn", "churn_copy"]}
    titles = catalog.titles
    assert len(set(titles.values())) == 2
    assert titles["churn_copy"] == "Customer churn (churn_copy.toml)"
    assert catalog.warnings["churn_copy"].startswith("demos/churn_copy.toml: title: the same as demos/churn.toml")


@pytest.mark.parametrize("path", ["../../etc/passwd", "/etc/passwd", "../data/../../outside.csv"])
def test_spec_data_path_outside_the_project_gives_one_message_and_other_demos_load(project, path):
    (project / "demos" / "bad.toml").write_text(churn_variant('path = "../data/churn.csv"', f'path = "{path}"'))
    message = only_bad(project, "bad", "[data] path: must point inside the project folder")
    assert "passwd" not in message and "outside.csv" not in message


def test_spec_data_path_through_a_symlink_out_of_the_project_is_refused(project, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    shutil.copy(project / "data" / "churn.csv", elsewhere / "churn.csv")
    (project / "data" / "linked.csv").symlink_to(elsewhere / "churn.csv")
    (project / "demos" / "bad.toml").write_text(churn_variant("churn.csv", "linked.csv"))
    message = only_bad(project, "bad", "[data] path: must point inside the project folder")
    assert str(elsewhere) not in message


def test_spec_data_root_variable_allows_another_folder(project, tmp_path_factory, monkeypatch):
    elsewhere = tmp_path_factory.mktemp("team_data")
    shutil.copy(project / "data" / "churn.csv", elsewhere / "team.csv")
    (project / "demos" / "team.toml").write_text(
        churn_variant('path = "../data/churn.csv"', f'path = "{elsewhere / "team.csv"}"').replace("order = 1", "order = 2")
    )
    assert "team" in load_catalog(project / "demos").errors
    monkeypatch.setenv(DATA_ROOT_ENV, str(elsewhere))
    catalog = load_catalog(project / "demos")
    assert not catalog.errors
    assert catalog.specs["team"].data_path == (elsewhere / "team.csv").resolve()


def test_spec_data_path_to_a_fifo_gives_one_message_and_other_demos_load(project):
    os.mkfifo(project / "data" / "pipe.csv")
    (project / "demos" / "bad.toml").write_text(churn_variant("churn.csv", "pipe.csv"))
    only_bad(project, "bad", "[data] path: is not a regular file")


def test_spec_messages_never_quote_values_from_the_file(project, caplog):
    (project / "demos" / "bad.toml").write_text(
        churn_variant("cost_per_action = 40", 'cost_per_action = "![p](http://127.0.0.1:9/x.png)"')
    )
    with caplog.at_level(logging.WARNING, logger="proofdeck"):
        message = only_bad(project, "bad", "[economics] cost_per_action: expected a number, got text")
    assert "127.0.0.1" not in message
    assert "127.0.0.1" in caplog.text


def test_spec_key_with_markdown_is_not_quoted_in_its_message(project):
    (project / "demos" / "bad.toml").write_text(CHURN_SPEC.replace("[economics]", '[economics]\n"**![x](http://127.0.0.1:9)**" = 1'))
    message = only_bad(project, "bad", "[economics] (a name with unusual characters): unknown key")
    assert "127.0.0.1" not in message


def test_spec_file_name_that_cannot_be_a_link_key_gives_one_message(project):
    (project / "demos" / "my demo.toml").write_text(CHURN_SPEC)
    only_bad(project, "my demo", "the file name may use only letters, digits")


def test_spec_folder_named_like_a_spec_gives_one_message_and_other_demos_load(project):
    (project / "demos" / "folder.toml").mkdir()
    only_bad(project, "folder", "is not a regular file")


def test_spec_that_is_not_utf8_gives_one_message_and_other_demos_load(project):
    (project / "demos" / "latin.toml").write_bytes(CHURN_SPEC.replace("Customer churn", "Clients résiliés").encode("latin-1"))
    only_bad(project, "latin", "is not UTF-8 text")


def test_load_spec_names_the_file_without_its_folder_path(project):
    bad = project / "demos" / "bad.toml"
    bad.write_text(churn_variant("seed = 42", "seed = -1"))
    with pytest.raises(ValueError) as raised:
        load_spec(bad)
    assert str(raised.value).startswith("demos/bad.toml: [model] seed:")


# --- groups ([groups]): names are data ------------------------------------------------------------

HOSTILE_GROUP = '<img src=x onerror=alert(1)> **[b](javascript:x)** $x$'
GROUPS_START = CHURN_SPEC.index("[groups]")
GROUPS_BLOCK = CHURN_SPEC[GROUPS_START:CHURN_SPEC.index("\n[nouns]", GROUPS_START)]


def test_spec_group_with_a_hostile_name_and_a_problem_is_not_quoted(project):
    (project / "demos" / "bad.toml").write_text(
        churn_variant(GROUPS_BLOCK, f'[groups]\n"{HOSTILE_GROUP}" = []'))
    message = only_bad(project, "bad", "[groups] (a name with unusual characters): must name at least one column")
    assert "<img" not in message and "javascript" not in message


def test_spec_group_in_two_groups_gives_one_message_and_other_demos_load(project):
    (project / "demos" / "bad.toml").write_text(
        churn_variant(GROUPS_BLOCK, '[groups]\nA = ["plan"]\nB = ["plan", "region"]'))
    only_bad(project, "bad", "[groups] B: plan is already in the group A")


def test_spec_group_with_a_line_break_in_its_name_gives_one_message(project):
    (project / "demos" / "bad.toml").write_text(
        churn_variant(GROUPS_BLOCK, '[groups]\n"Bill\\u2028ing\\u0007" = ["plan"]'))
    only_bad(project, "bad", "must not contain control characters")


def test_spec_group_with_a_hostile_name_loads_as_written(project):
    (project / "demos" / "odd.toml").write_text(
        churn_variant(GROUPS_BLOCK, f'[groups]\n"{HOSTILE_GROUP}" = ["plan", "region"]'))
    catalog = load_catalog(project / "demos")
    assert not catalog.errors
    assert catalog.specs["odd"].groups == ((HOSTILE_GROUP, ("plan", "region")),)


@pytest.mark.parametrize(("section", "expected"), [
    ('uplift = "yes"\n', "uplift: expected a table ([uplift])"),
    ('[uplift]\ntreated_value = "yes"\nrandomised = true\n', "[uplift] treatment_column: missing"),
    ('[uplift]\ntreatment_column = "churned_90d"\ntreated_value = "yes"\nrandomised = true\n',
     "[uplift] treatment_column: must be a column of its own"),
    ('[uplift]\ntreatment_column = "contract"\ntreated_value = 1e999\nrandomised = true\n',
     "[uplift] treated_value: must be a finite number"),
    ('[uplift]\ntreatment_column = "contract"\ntreated_value = "x"\nrandomised = "maybe"\n',
     "[uplift] randomised: expected true or false, got text"),
])
def test_a_hostile_uplift_section_gives_one_message_and_other_demos_load(project, section, expected):
    # A top-level key must come before the first table; a table goes at the end.
    text = section + CHURN_SPEC if not section.startswith("[") else CHURN_SPEC + "\n" + section
    (project / "demos" / "bad.toml").write_text(text)
    message = only_bad(project, "bad", expected)
    assert "maybe" not in message and "1e999" not in message  # values from the file stay in the log
