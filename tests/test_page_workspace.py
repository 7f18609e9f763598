"""The team workspace through AppTest: save, reopen by link in another session, roles, a
conflict, the review loop (marks, error patterns, the charter, the report)."""

from __future__ import annotations

import pytest
from conftest import ROOT, demo_picker, open_page, page_text, readable
from messy import telco_export
from streamlit.testing.v1 import AppTest
from test_page_your_data import build, upload, write_rule

from proofdeck.sharing.report import report_html
from proofdeck.workspace.store import NO_SUCH
from ui.frame.save_panel import SAVE_CHANGES_LABEL, SAVE_LABEL

SHARE = "pages/5_Share.py"


def save(at, name: str = "Ann") -> dict[str, str]:
    """Fill the save form on the page and save; returns the three links' tokens by role."""
    form_name = next(t for t in at.text_input if t.label == "Your name")
    form_name.input(name)
    next(b for b in at.button if b.label == SAVE_LABEL).click().run()
    assert not at.exception, at.exception
    tokens = [code.value.split("poc=")[1].split("&")[0] for code in at.code if "poc=" in code.value][-3:]
    assert len(tokens) == 3, [c.value for c in at.code]
    return dict(zip(("viewer", "reviewer", "editor"), tokens))


def open_link(token: str, script: str | None = None, **params: str) -> AppTest:
    """A new session opening a link (as a fresh browser would): ?poc=<token>, then a page."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.query_params["poc"] = token
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, at.exception
    if script:
        at.switch_page(script).run()
        assert not at.exception, at.exception
    return at


def metrics(at) -> list[tuple[str, str]]:
    return [(m.label, m.value) for m in at.metric]


@pytest.fixture(scope="module")
def saved_churn():
    """Churn with another cost per offer, saved from the Share page."""
    at = open_page(SHARE, "churn")
    number = next(n for n in at.number_input if "offer" in n.label.lower() or "cost" in n.label.lower())
    number.set_value(55.0).run()
    tokens = save(at)
    at.switch_page("app.py").run()
    return tokens, metrics(at), page_text(at, include_sidebar=False)


def test_a_viewer_link_reopens_the_same_figures_in_a_new_session_and_changes_nothing(saved_churn):
    tokens, figures, _ = saved_churn
    at = open_link(tokens["viewer"])
    assert metrics(at) == figures
    assert demo_picker(at).value.startswith("saved-") and "(saved)" in demo_picker(at).format_func(demo_picker(at).value)
    at.switch_page(SHARE).run()
    text = page_text(at, include_sidebar=False)
    assert "viewer link" in text and "This link cannot change the saved item" in text
    assert not [b for b in at.button if b.label.startswith(SAVE_CHANGES_LABEL)]


def test_wrong_and_garbled_tokens_see_nothing_but_the_same_message(saved_churn):
    tokens, _, pitch = saved_churn
    wrong = tokens["viewer"][:-4] + ("AAAA" if not tokens["viewer"].endswith("AAAA") else "BBBB")
    answers = []
    for token in (wrong, "nonsense", tokens["viewer"].split(".")[0]):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.query_params["poc"] = token
        at.run()
        assert not at.exception
        answers.append([e.value for e in at.error])
        assert not at.metric and "poc" not in at.query_params
    assert all(answer == [NO_SUCH] for answer in answers), answers


def test_an_editor_saves_changes_a_viewer_sees_them_and_a_second_editor_is_told(saved_churn):
    tokens, _, _ = saved_churn
    first, second = open_link(tokens["editor"], SHARE), open_link(tokens["editor"], SHARE)
    for at, cost in ((first, 60.0), (second, 70.0)):
        number = next(n for n in at.number_input if "offer" in n.label.lower() or "cost" in n.label.lower())
        number.set_value(cost).run()
        assert any(b.label == SAVE_CHANGES_LABEL for b in at.button)
    next(t for t in first.text_input if t.label == "Your name").input("Bob").run()
    next(b for b in first.button if b.label == SAVE_CHANGES_LABEL).click().run()
    assert not first.exception and not first.error, [e.value for e in first.error]
    next(b for b in second.button if b.label == SAVE_CHANGES_LABEL).click().run()
    told = " ".join(readable(e.value) for e in second.error)
    assert "It changed since you opened it: Bob saved version 2" in told
    viewer = open_link(tokens["viewer"])
    cost = next(n for n in viewer.number_input if "offer" in n.label.lower() or "cost" in n.label.lower())
    assert cost.value == 60.0
    viewer.switch_page(SHARE).run()
    assert "(version 2," in page_text(viewer, include_sidebar=False)


def test_reviewers_mark_examples_and_the_team_sees_the_count_patterns_and_csv(saved_churn):
    tokens, _, _ = saved_churn
    reviewer = open_link(tokens["reviewer"], "pages/2_Examples.py")
    first_ids = reviewer.session_state["examples_table_ids_" + demo_picker(reviewer).value][:3]
    for number, example in enumerate(first_ids):
        at = open_link(tokens["reviewer"], "pages/2_Examples.py", example=str(example))
        verdict = next(r for r in at.radio if r.label.startswith("Is the model's call"))
        verdict.set_value("Wrong" if number < 2 else "Right")
        next(t for t in at.text_input if t.label.startswith("Why?")).input("moved abroad" if number < 2 else "")
        next(t for t in at.text_input if t.label == "Your name" and t.value == "").input(f"Rita {number % 2}")
        next(b for b in at.button if b.label == "Save my mark").click().run()
        assert not at.exception and not at.error, [e.value for e in at.error]
    viewer = open_link(tokens["viewer"])
    assert "3 customers reviewed by 2 people; the model was right on 1 of them." in page_text(viewer)
    viewer.switch_page("pages/2_Examples.py").run()
    text = page_text(viewer, include_sidebar=False)
    assert "Customers reviewers marked wrong" in text
    assert "This link can only view" not in text  # no example is open: no form to refuse
    csv = next(d for d in viewer.get("download_button") if "marks" in str(d.proto.label))
    assert csv is not None
    opened = open_link(tokens["viewer"], "pages/2_Examples.py", example=str(first_ids[0]))
    assert "moved abroad" in page_text(opened) and not [r for r in opened.radio if r.label.startswith("Is the")]
    assert any("a reviewer or editor link can mark examples" in caption.value for caption in opened.caption)
    assert any("moved abroad" in block.value for block in opened.markdown)  # the marks, in the open example


def test_presentation_mode_works_from_a_viewer_link(saved_churn):
    tokens, _, _ = saved_churn
    at = open_link(tokens["viewer"], mode="present", step="6")
    assert not at.exception
    assert "Expert review:" in page_text(at)


def test_an_upload_saved_to_the_workspace_is_rebuilt_from_its_data_in_another_session():
    at = upload("telco.csv", telco_export(1500))
    write_rule(at, 'Contract == "Month-to-month" and tenure < 6')
    build(at)
    assert any(b.label == SAVE_LABEL for b in at.button)
    tokens = save(at, name="Pat")
    at.switch_page("app.py").run()
    figures = metrics(at)
    other = open_link(tokens["viewer"])
    assert metrics(other) == figures and figures
    assert "Telco" in demo_picker(other).format_func(demo_picker(other).value)


def test_the_report_of_a_saved_item_counts_the_review_and_links_to_the_saved_view(saved_churn):
    from conftest import bundled

    from proofdeck.review.marks import make_mark

    scenario = bundled("churn")
    marks = [make_mark("7590", "wrong", "<script>alert(1)</script> =HYPERLINK()", "Rita"),
             make_mark("7591", "right", "", "Sam")]
    html = report_html(scenario, scenario.spec.economics, scenario.default_count, marks=marks,
                       saved_link="http://127.0.0.1:9/?demo=saved-x&poc=abc.def")
    assert "2 customers reviewed by 2 people; the model was right on 1 of them." in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
    assert 'href="http://127.0.0.1:9/?demo=saved-x&amp;poc=abc.def"' in html
    plain = report_html(scenario, scenario.spec.economics, scenario.default_count)
    assert "The team's review" not in plain and "Expert review" not in plain
