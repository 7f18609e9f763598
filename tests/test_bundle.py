"""From an upload to a demo: words and money, the spec, and a bundle that loads with no edits."""

import csv
import dataclasses
import functools
import io
import re
import zipfile

import numpy as np
import pandas as pd
import pytest
from conftest import examples
from hypothesis import given, settings
from hypothesis import strategies as st
from messy import crm_export, telco_export

from proofdeck.data.datasets import load_dataset
from proofdeck.data.delimited import DataError, read_delimited
from proofdeck.data.spec_files import load_spec
from proofdeck.upload.bundle import bundle_zip, demo_csv, safe_name, save_demo
from proofdeck.upload.draft import (
    default_draft,
    default_economics,
    default_nouns,
    draft_spec,
    prepare,
    spec_toml,
    talk_sentence,
)
from proofdeck.upload.ingest import read_upload
from proofdeck.upload.labels import build_outcome
from proofdeck.upload.profile import profile_table

RULE = 'Contract == "Month-to-month" and tenure < 6'


@functools.cache
def _telco():
    table = read_upload("telco_export.csv", telco_export())
    profile = profile_table(table)
    draft = default_draft("telco_export.csv", "Churn", ("Yes",), profile.id_column, profile.features(outcome="Churn"), RULE)
    return table.frame, draft


def telco_draft(**changes):
    frame, draft = _telco()
    return frame.copy(), dataclasses.replace(draft, **changes)


def test_churn_words_and_the_live_sentence():
    nouns = default_nouns("Churn", ("Yes",))
    economics = default_economics("Churn", ("Yes",))
    assert (nouns.positives, nouns.action, nouns.won) == ("churners", "retention offer", "customer kept")
    # The money is a bundled demo's, as an example: the sentence says so until it is confirmed.
    assert talk_sentence(nouns, economics) == (
        "We will send a retention offer to the customers most likely to be churners; each retention offer "
        "costs $40 (an example value) and each customer kept is worth $600 (an example value)."
    )
    assert talk_sentence(nouns, economics.confirmed("cost_per_action", "value_per_won")).endswith(
        "costs $40 and each customer kept is worth $600.")
    assert economics.population == 0 and set(economics.assumed) == {"cost_per_action", "value_per_won", "win_rate"}


@pytest.mark.parametrize(("outcome", "effect"), [("Churn", "prevents"), ("is_fraud", "catches"),
                                                 ("converted", "converts"), ("target", "prevents")])
def test_an_upload_of_a_known_kind_says_what_its_action_does(outcome, effect):
    # What an A/B test can count follows it (a review catches fraud; a call converts a buyer).
    assert default_economics(outcome, ("Yes",)).action_effect == effect


def test_a_kept_fraud_upload_keeps_what_its_action_does(tmp_path):
    frame, draft = telco_draft(economics=dataclasses.replace(default_economics("is_fraud", ("Yes",))))
    prepared = prepare(frame, draft)
    saved = save_demo(tmp_path, "f", spec_toml(draft, prepared, "f"), prepared.frame)
    assert load_spec(saved.spec_path).economics.action_effect == "catches"


def test_unknown_outcome_words_fall_back_to_plain_ones():
    nouns = default_nouns("target", ("1",), entity="row")
    assert (nouns.entity, nouns.entities, nouns.positive, nouns.act) == ("row", "rows", "row with outcome 1", "contact")
    nouns = default_nouns("subscriptionStatus", ("ended",))
    assert (nouns.positives, nouns.positive_meaning) == ("customers with Subscription status ended",
                                                         "has Subscription status ended")


def test_words_drafted_from_data_carry_no_markup():
    nouns = default_nouns("![x](http://127.0.0.1:9/i.png)", ("[click](http://127.0.0.1:9/l)",))
    for word in vars(nouns).values():
        assert not set(word) & set("![]()<>:/_*`$#"), word


def test_default_draft_from_the_file_name():
    _, draft = telco_draft()
    assert draft.title == "Telco export"
    assert draft.question == "Which customers should we send a retention offer to?"


def test_saved_bundle_loads_with_no_edits_and_gives_the_same_dataset(tmp_path):
    frame, draft = telco_draft()
    before = frame.copy()
    prepared = prepare(frame, draft)
    text = spec_toml(draft, prepared, "telco_export")
    saved = save_demo(tmp_path, "telco_export", text, prepared.frame)
    spec = load_spec(saved.spec_path)
    loaded, in_memory = load_dataset(spec), prepared.dataset()
    pd.testing.assert_frame_equal(loaded.frame.reset_index(drop=True), in_memory.frame.reset_index(drop=True))
    assert np.array_equal(loaded.labels, in_memory.labels) and loaded.features == in_memory.features
    assert spec.rule.expression == RULE and spec.nouns == draft.nouns and spec.economics == draft.economics
    pd.testing.assert_frame_equal(frame, before)


def test_draft_spec_matches_the_written_spec(tmp_path):
    frame, draft = telco_draft()
    prepared = prepare(frame, draft)
    saved = save_demo(tmp_path, "t", spec_toml(draft, prepared, "t"), prepared.frame)
    written, session = load_spec(saved.spec_path), draft_spec(draft, prepared, "t")
    for field in ("title", "question", "id_column", "target_column", "positive_value", "features", "nouns", "rule", "economics", "model"):
        assert getattr(written, field) == getattr(session, field), field


def test_several_positive_values_and_blank_outcomes_get_a_derived_column(tmp_path):
    table = read_upload("crm.csv", crm_export())
    profile = profile_table(table)
    frame = table.frame.assign(Stage=np.where(table.frame["Outcome"] == "Y", "lost", np.where(table.frame["Segment"] == "SMB", "stalled", "won")))
    draft = default_draft("crm.csv", "Stage", ("lost", "stalled"), None, ("Amount", "Segment"), "Amount > 1000")
    prepared = prepare(frame, draft)
    assert prepared.target_column == "Stage (outcome)" and prepared.positive_value == "yes"
    assert prepared.id_column == "row 2"  # "row" is taken by the file's own column
    assert "Stage (outcome)" not in frame.columns
    labels = build_outcome(frame, "Stage", ("lost", "stalled")).labels
    assert np.array_equal(prepared.dataset().labels, labels)
    saved = save_demo(tmp_path, "crm", spec_toml(draft, prepared, "crm"), prepared.frame)
    assert np.array_equal(load_dataset(load_spec(saved.spec_path)).labels, labels)
    # blank outcomes ("" and spaces) are left out in both
    draft = default_draft("crm.csv", "Outcome", ("Y",), profile.id_column, ("Amount",), "Amount > 1000")
    prepared = prepare(table.frame, draft)
    assert prepared.dataset().rows_without_outcome == 13


def test_save_never_overwrites_and_leaves_nothing_half_saved(tmp_path):
    frame, draft = telco_draft()
    prepared = prepare(frame, draft)
    text = spec_toml(draft, prepared, "mine")
    save_demo(tmp_path, "mine", text, prepared.frame)
    spec_before = (tmp_path / "demos" / "mine.toml").read_bytes()
    with pytest.raises(FileExistsError, match="demos/mine.toml already exists"):
        save_demo(tmp_path, "mine", "changed", prepared.frame)
    assert (tmp_path / "demos" / "mine.toml").read_bytes() == spec_before
    (tmp_path / "demos" / "other.toml").mkdir(parents=True)  # the spec's name is taken by a folder
    with pytest.raises(FileExistsError):
        save_demo(tmp_path, "other", text, prepared.frame)
    assert not (tmp_path / "data" / "other.csv").exists()
    assert not [p for p in (tmp_path / "data").iterdir() if p.name.startswith(".")]


def test_bundle_zip_unzips_into_demos_and_data(tmp_path):
    frame, draft = telco_draft()
    prepared = prepare(frame, draft)
    raw = bundle_zip("Telco: Q3 / Europe", spec_toml(draft, prepared, "telco_q3_europe"), prepared.frame)
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        assert sorted(archive.namelist()) == ["data/telco_q3_europe.csv", "demos/telco_q3_europe.toml"]
        archive.extractall(tmp_path)
    assert load_dataset(load_spec(tmp_path / "demos" / "telco_q3_europe.toml")).labels.sum() > 0


def test_the_data_a_spec_loads_keep_every_value_even_one_that_looks_like_a_formula():
    frame = pd.DataFrame({"id": ["=1+1", "@x", "+y", "-z", "ok", "-2+3"], "n": [-1.5, 2, 3, 4, 5, 6]})
    text = demo_csv(frame).decode()
    assert '"=1+1",-1.5\n' in text and '"-2+3",6.0\n' in text and "'" not in text
    assert read_delimited(text.encode()).frame["id"].tolist() == frame["id"].tolist()


# Cells as exports hold them: words, codes with leading zeros, formulas, blanks, numbers with
# separators and signs, quotes and line breaks inside cells.
_CELL = st.one_of(
    st.sampled_from(["", " ", "N/A", "-2+3", "=SUM(A1)", "@x", "007", "1,234.50", "$12", "12%", "a,b", 'say "hi"',
                     "two\nlines", "yes", "no", "True", "1e5", "-0", "  padded  "]),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=8),
    st.integers(-10**6, 10**6).map(str),
    st.floats(-1e6, 1e6, allow_nan=False).map(lambda x: f"{x:.3f}"),
)


@settings(max_examples=examples(60), deadline=None)
@given(st.lists(st.tuples(_CELL, _CELL, _CELL), min_size=2, max_size=12))
def test_a_kept_demo_reads_back_exactly_the_frame_the_upload_gave(rows):
    """Upload -> keep (demo_csv) -> load as a demo: the same frame, value for value and type
    for type, so every figure of the kept demo is the upload's."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows([("a", "b", "c"), *rows])
    try:
        frame = read_delimited(buffer.getvalue().encode()).frame  # as an upload reads it
    except DataError:
        return  # not a table an upload accepts: nothing to keep
    again = read_delimited(demo_csv(frame)).frame
    pd.testing.assert_frame_equal(again, frame, check_dtype=True)


def test_a_rule_on_a_formula_like_value_flags_the_same_rows_on_the_upload_and_the_kept_demo(tmp_path):
    from proofdeck.model.scenario import build_scenario

    frame, draft = telco_draft()
    plans = np.where(np.arange(len(frame)) % 3 == 0, "-2+3", "basic")
    frame = frame.assign(plan=plans)
    draft = dataclasses.replace(draft, features=draft.features + ("plan",), rule='plan == "-2+3"')
    prepared = prepare(frame, draft)
    in_session = build_scenario(draft_spec(draft, prepared, "telco"), prepared.dataset())
    saved = save_demo(tmp_path, "telco", spec_toml(draft, prepared, "telco"), prepared.frame)
    kept = build_scenario(load_spec(saved.spec_path))
    # A third of the held-out rows has the plan: the rule flags them on both.
    expected = int((in_session.heldout["plan"] == "-2+3").sum())
    assert expected > 0 and in_session.rule_count == expected == kept.rule_count
    np.testing.assert_array_equal(in_session.rule_flags, kept.rule_flags)
    np.testing.assert_allclose(in_session.scores, kept.scores)


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("Churn (Q3) — Europe", "churn_q3_europe"), ("../../etc/passwd", "etc_passwd"), (".hidden", "hidden"),
        ("CON", "demo_con"), ("nul.txt", "demo_nul_txt"), ("顧客", "my_data"), ("", "my_data"),
        ("Café Überblick", "cafe_uberblick"), ("x" * 100, "x" * 40),
    ],
)
def test_safe_names(title, name):
    assert safe_name(title) == name


@settings(max_examples=examples(300), deadline=None)
@given(st.text())
def test_any_title_gives_a_safe_file_name(title):
    name = safe_name(title)
    assert re.fullmatch(r"[a-z0-9][a-z0-9_]{0,39}", name) and not name.endswith("_")
    assert name.split("_")[0] not in {"con", "prn", "aux", "nul", "com1", "lpt1"}


@settings(max_examples=examples(100), deadline=None)
@given(*[st.text(min_size=1, max_size=30).filter(str.strip)] * 2)
def test_any_words_make_a_spec_that_loads(tmp_path_factory, title, entity):
    frame, draft = telco_draft(title=title, question=title + "?", rule_description=entity)
    prepared = prepare(frame, draft)
    path = tmp_path_factory.mktemp("spec") / "x.toml"
    path.write_text(spec_toml(draft, prepared, "x"), encoding="utf-8")
    spec = load_spec(path)
    assert (spec.title, spec.question, spec.rule.description) == (title, title + "?", entity)


def test_an_upload_and_its_saved_bundle_give_the_same_figures(tmp_path):
    from proofdeck.model.scenario import build_scenario

    frame, draft = telco_draft()
    prepared = prepare(frame, draft)
    in_session = build_scenario(draft_spec(draft, prepared, "telco"), prepared.dataset())
    saved = save_demo(tmp_path, "telco", spec_toml(draft, prepared, "telco"), prepared.frame)
    from_bundle = build_scenario(load_spec(saved.spec_path))
    np.testing.assert_allclose(in_session.scores, from_bundle.scores)
    assert np.array_equal(in_session.rule_flags, from_bundle.rule_flags)
    assert np.array_equal(in_session.labels, from_bundle.labels)
