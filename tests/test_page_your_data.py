"""The Your data page through AppTest: a file becomes a demo for this session, every page works."""

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import demo_picker, open_page, open_tab, page_text, readable
from messy import crm_export, european_export, telco_export

from proofdeck.data.spec_files import load_spec
from proofdeck.model.scenario import build_scenario
from proofdeck.upload.bundle import safe_name

FILES = Path(__file__).parent / "files"
YOUR_DATA = "pages/4_Your_data.py"
OTHER_PAGES = ["app.py", "pages/1_Decide.py", "pages/2_Examples.py", "pages/3_Compare.py"]


def upload(name: str, raw: bytes, mode: str | None = None):
    at = open_page(YOUR_DATA)
    if mode:
        at.segmented_control(key="yd_mode").set_value(mode).run()
    at.file_uploader(key="yd_file").set_value((name, raw, "text/csv")).run()
    assert not at.exception, at.exception
    return at


def prefix(at) -> str:
    return next(s.key for s in at.selectbox if s.key.startswith("yd_") and s.key.endswith("_id") or
                s.key.startswith("yd_") and s.key.endswith("_outcome")).rsplit("_", 1)[0]


def write_rule(at, text: str) -> None:
    at.text_area(key=f"{prefix(at)}_rule_text").input(text).run()
    assert not at.exception, at.exception


def build(at) -> None:
    at.button(key=f"{prefix(at)}_build").click().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]


@pytest.mark.parametrize(("name", "message"), [
    ("empty.csv", "the file is empty"),
    ("header_only.csv", "a header row but no data rows"),
    ("garbage.csv", "is named .csv but is binary data"),
    ("zip_named.csv", "is named .csv but is a zip archive"),
    ("duplicated_names.csv", "column names appear twice"),
    ("ragged.csv", "line 3 has 3 fields"),
])
def test_a_bad_file_gets_its_own_message_and_is_not_altered(name, message):
    raw = (FILES / name).read_bytes()
    at = upload(name, raw)
    errors = " ".join(readable(e.value) for e in at.error)
    assert "This file cannot be used" in errors and message in errors
    assert (FILES / name).read_bytes() == raw


def test_html_and_script_in_names_and_values_show_as_text():
    at = upload("html_script.csv", (FILES / "html_script.csv").read_bytes())
    assert "This file cannot be used" not in " ".join(e.value for e in at.error)  # read fine, too small to use
    markdown = " ".join(m.value for group in (at.markdown, at.caption, at.error, at.warning) for m in group)
    # Every "<" and "](" from the file is backslash-escaped: shown as text, never markup.
    assert not re.search(r"(?<!\\)<(script|img)", markdown) and "](http" not in markdown


def test_a_messy_telco_export_becomes_a_demo_and_every_page_works():
    at = upload("telco.csv", telco_export(2000))
    text = page_text(at, include_sidebar=False)
    assert "'TotalCharges' was text and is read as numbers" in text
    assert at.selectbox(key=f"{prefix(at)}_outcome").value == "Churn"
    assert at.selectbox(key=f"{prefix(at)}_id").value == "customerID"
    write_rule(at, 'Contract == "Month-to-month" and tenure < 6')
    assert "Today's rule: Flags" in page_text(at, include_sidebar=False)
    build(at)
    key = demo_picker(at).value
    assert key.startswith("upload-") and "Telco (your data)" in demo_picker(at).options
    for script in OTHER_PAGES:
        at.switch_page(script).run()
        assert not at.exception, (script, at.exception)
        assert demo_picker(at).value == key
        text = page_text(at, include_sidebar=False)
        assert "Today's rule: Today's rule" not in text, script  # the rule's sentence says it once
    at.switch_page("app.py").run()
    assert 'Send a retention offer to every customer where Contract == "Month-to-month" and tenure < 6.' in (
        page_text(at, include_sidebar=False))


def test_numbers_with_decimal_commas_and_a_leak_in_a_semicolon_export():
    at = upload("european.csv", european_export(1500))
    text = page_text(at, include_sidebar=False)
    assert "decimal commas read as decimal points" in text and "semicolons" in text
    at2 = upload("crm.csv", crm_export(1500))
    warnings = " ".join(readable(w.value) for w in at2.warning)
    assert "may only be known after the outcome" in warnings


def test_a_rule_with_an_unknown_column_points_at_the_problem():
    at = upload("telco.csv", telco_export(1500))
    write_rule(at, "tenur < 6")
    errors = " ".join(readable(e.value) for e in at.error)
    assert "unknown column 'tenur' at 1:1" in errors and "did you mean 'tenure'" in errors


def test_the_builder_and_the_text_stay_in_step():
    at = upload("telco.csv", telco_export(1500))
    p = prefix(at)
    at.selectbox(key=f"{p}_rule_col_0").set_value("tenure").run()
    at.selectbox(key=f"{p}_rule_op_0").set_value("<").run()
    at.number_input(key=f"{p}_rule_val_0").set_value(6).run()
    assert at.text_area(key=f"{p}_rule_text").value == "tenure < 6"
    write_rule(at, 'tenure < 12 or Contract == "Month-to-month"')
    assert at.selectbox(key=f"{p}_rule_col_0").value == "tenure"
    assert at.number_input(key=f"{p}_rule_val_0").value == 12
    assert at.radio(key=f"{p}_rule_joiner").value == "or"


def test_an_outcome_with_one_class_is_refused_with_the_reason():
    frame = pd.DataFrame({"id": range(300), "x": np.arange(300) % 7, "bought": ["yes"] * 299 + [""]})
    at = upload("one.csv", frame.to_csv(index=False).encode())
    errors = " ".join(readable(e.value) for e in at.error)
    assert errors, "one class must be refused"


def test_figures_match_a_bundled_demo_built_from_the_same_file(tmp_path):
    at = upload("telco.csv", telco_export(2000))
    write_rule(at, 'Contract == "Month-to-month" and tenure < 6')
    build(at)
    downloads = at.get("download_button")
    assert downloads, "keep it: a bundle to download"
    # Rebuild through the spec files the bundle holds, as a bundled demo.
    recipe = next(v for k, v in at.session_state["pd_uploads"].items())[1]
    from proofdeck.upload.draft import spec_toml

    name = safe_name(recipe["draft"].title)
    (tmp_path / "demos").mkdir()
    (tmp_path / "data").mkdir()
    (tmp_path / "demos" / f"{name}.toml").write_text(spec_toml(recipe["draft"], recipe["prepared"], name))
    from proofdeck.upload.bundle import demo_csv

    (tmp_path / "data" / f"{name}.csv").write_bytes(demo_csv(recipe["prepared"].frame))
    bundled = build_scenario(load_spec(tmp_path / "demos" / f"{name}.toml"))
    uploaded = next(v for k, v in at.session_state["pd_uploads"].items())[0]
    np.testing.assert_allclose(bundled.scores, uploaded.scores)
    np.testing.assert_array_equal(bundled.rule_flags, uploaded.rule_flags)
    at.switch_page("app.py").run()
    headline = at.subheader[0].value
    econ = bundled.spec.economics
    assert f"{bundled.rule_outcome(econ).actions:,.0f}" in headline


def own_scores_csv(n: int = 1200) -> bytes:
    rng = np.random.default_rng(5)
    labels = rng.random(n) < 0.2
    return pd.DataFrame({
        "account": [f"A{i:05d}" for i in range(n)],
        "risk_score": np.clip(0.2 + 0.5 * labels + rng.normal(0, 0.2, n), 0, 1).round(4),
        "churned": np.where(labels, "yes", "no"),
        "plan": rng.choice(["basic", "pro"], n),
    }).to_csv(index=False).encode()


def test_bring_your_own_scores_gives_decide_and_rule_vs_model():
    at = upload("scores.csv", own_scores_csv(), mode="Bring my own scores")
    key = next(s.key for s in at.selectbox if s.key.endswith("_own_score"))
    assert at.selectbox(key=key).value == "risk_score"
    build_key = next(b.key for b in at.button if b.key and b.key.endswith("_build"))
    at.button(key=build_key).click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    for script in OTHER_PAGES:
        at.switch_page(script).run()
        assert not at.exception, (script, at.exception)
    at.switch_page("app.py").run()
    assert "random pick" in page_text(at, include_sidebar=False)


UNSEEN_QUESTION = "Did these scores come from a model that never saw these rows?"
NOT_CONFIRMED = "only honest if the model behind the churn risk never saw these customers while it learned, and that " \
                "was not confirmed"
FLATTER = "saw some of these customers while it learned, so these figures flatter it"
NO_REFITS = "nothing is refitted here"
REFIT_WORDS = re.compile(r"other splits|trained and tested again|ranged from", re.IGNORECASE)
MONEY_PAGES = ["app.py", "pages/1_Decide.py", "pages/3_Compare.py", "pages/5_Share.py"]


def build_own_scores(rule: str = "", answer: str | None = None):
    """Upload scores from "the team's own model", answer the question, maybe write a rule, build."""
    at = upload("scores.csv", own_scores_csv(), mode="Bring my own scores")
    question = next(radio for radio in at.radio if radio.label == UNSEEN_QUESTION)
    assert question.options == ["Yes", "No", "Not sure"] and question.value == "Not sure"
    if answer:
        question.set_value(answer).run()
    if rule:
        at.text_area(key=next(t.key for t in at.text_area if t.key.endswith("_rule_text"))).input(rule).run()
    at.button(key=next(b.key for b in at.button if b.key and b.key.endswith("_build"))).click().run()
    assert not at.exception and not at.error, (at.exception, [e.value for e in at.error])
    return at


def test_own_scores_without_a_rule_are_set_against_a_random_picks_average_and_never_refitted(monkeypatch):
    monkeypatch.setenv("PROOFDECK_REFITS", "2")  # the background refits would start, were anything refitted
    at = build_own_scores()
    assert "Your answer: not sure" in page_text(at, include_sidebar=False)
    for script in ["app.py", "pages/1_Decide.py", "pages/2_Examples.py", "pages/3_Compare.py", "pages/5_Share.py"]:
        at.switch_page(script).run()
        assert not at.exception, (script, at.exception)
        text = page_text(at, include_sidebar=False)
        assert "today's rule" not in text.lower() and "the rule" not in text.lower(), script
        assert not REFIT_WORDS.search(text) and "Checking how much" not in text, script
        assert NOT_CONFIRMED in text, script  # every page of figures says it, not only the pitch
        if script in ("app.py", "pages/3_Compare.py"):
            assert NO_REFITS in text, script
            assert "a random pick reaches on average" in text and "one pick typically lands between" in text
    assert "Rule: retention offer?" not in page_text(at.switch_page("pages/2_Examples.py").run())
    at.switch_page("pages/3_Compare.py").run()
    tabs = f"compare_tabs_{at.session_state['pd_demo']}"
    assert "nothing to agree with" in page_text(open_tab(at, tabs, "Where they agree"))
    assert "nothing to combine with the model" in page_text(open_tab(at, tabs, "Rule and model together"))


@pytest.mark.parametrize(("answer", "said"), [("No", FLATTER), ("Yes", None)])
def test_own_scores_with_a_rule_say_whether_the_figures_are_honest(monkeypatch, answer, said):
    monkeypatch.setenv("PROOFDECK_REFITS", "2")
    at = build_own_scores('plan == "basic"', answer)
    assert f"Your answer: {'no, it saw some of them' if answer == 'No' else 'yes, it never saw them'}" in \
        page_text(at, include_sidebar=False)
    for script in MONEY_PAGES:
        at.switch_page(script).run()
        assert not at.exception, (script, at.exception)
        text = page_text(at, include_sidebar=False)
        assert "random pick" not in text.replace("picking at random", "").replace("Better than random", ""), script
        assert not REFIT_WORDS.search(text) and "Checking how much" not in text, script
        assert (said in text) if said else (FLATTER not in text and NOT_CONFIRMED not in text), script
    assert "Today's rule reaches" in page_text(at.switch_page("app.py").run()) and NO_REFITS in page_text(at)


def test_an_uploaded_demo_is_never_seen_by_another_session():
    at = upload("telco.csv", telco_export(1500))
    write_rule(at, "tenure < 6")
    build(at)
    other = open_page("app.py")
    assert not any("(your data)" in option for option in demo_picker(other).options)


def test_the_file_is_hashed_once_however_often_the_page_reruns(monkeypatch):
    import ui.your_data.steps as steps

    hashed = []
    real = steps.digest_of
    monkeypatch.setattr(steps, "digest_of", lambda raw: hashed.append(len(raw)) or real(raw))
    raw = telco_export(400)
    at = upload("telco.csv", raw)
    outcome = at.selectbox(key=f"{prefix(at)}_outcome")
    for choice in [*outcome.options[:2], outcome.value]:  # three more reruns of the page
        outcome.set_value(choice).run()
        assert not at.exception, at.exception
    assert hashed == [len(raw)]


def test_a_session_keeps_its_last_four_uploads_and_says_which_it_let_go():
    from streamlit.testing.v1 import AppTest

    def script():
        from types import SimpleNamespace

        from ui.frame import state

        for number in range(1, 7):
            spec = SimpleNamespace(key=f"upload-{number}", title=f"File number {number}")
            state.add_upload(SimpleNamespace(spec=spec), recipe=None)
        import streamlit as st

        st.write(" ".join(state.uploads()))

    at = AppTest.from_function(script).run()
    assert not at.exception, at.exception
    assert at.markdown[0].value == "upload-3 upload-4 upload-5 upload-6"
    let_go = [toast.value for toast in at.toast]
    assert len(let_go) == 2 and "File number 1" in let_go[0] and "File number 2" in let_go[1]
    assert "keeps the last 4" in let_go[0]


def test_an_upload_groups_columns_into_concepts_kept_in_its_spec(tmp_path):
    at = upload("telco.csv", telco_export(2000))
    key = next(k for k in at.session_state._state.filtered_state if "_concepts_" in str(k))
    concept = "Billing <b>x</b> [y](javascript:z)"
    # The editor's first and fourth rows get one concept (any spelling of it counts once).
    at.session_state[key] = {"edited_rows": {0: {"Concept": concept}, 3: {"Concept": concept.upper()}},
                             "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception, at.exception
    write_rule(at, 'Contract == "Month-to-month" and tenure < 6')
    build(at)
    uploaded, recipe = next(iter(at.session_state["pd_uploads"].values()))[:2]
    draft, prepared = recipe["draft"], recipe["prepared"]
    columns = [c for c in draft.features if c not in (draft.outcome, draft.id_column)]
    assert draft.groups == ((concept, (columns[0], columns[3])),)
    assert uploaded.spec.groups == draft.groups
    from proofdeck.upload.draft import spec_toml

    name = safe_name(draft.title)
    text = spec_toml(draft, prepared, name)
    assert "[groups]" in text
    (tmp_path / "demos").mkdir()
    (tmp_path / "demos" / f"{name}.toml").write_text(text)
    assert load_spec(tmp_path / "demos" / f"{name}.toml").groups == draft.groups
    at.switch_page("pages/2_Examples.py").run()
    assert not at.exception, at.exception
    markdown = " ".join(m.value for m in at.markdown)
    assert "Billing \\<b\\>x\\<\\/b\\>" in markdown  # the concept's columns, escaped
    assert not re.search(r"(?<!\\)<b>", markdown) and "](javascript" not in markdown
    charts = " ".join(chart.proto.spec for chart in at.get("plotly_chart"))
    assert "Billing" in charts and "<b>x" not in charts
