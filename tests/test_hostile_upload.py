"""A hostile upload through AppTest: names, values, ids, the file name and the rule are
Markdown and HTML attacks (tests/hostile_upload.py); every page, tab, dialog and presentation
step built from them must hand Streamlit only escaped (or plain-word) text.

The check reads what Streamlit receives, element by element: every string of every element's
message that Streamlit renders as Markdown (bodies, labels, help, metric figures, dialog
titles, tab and expander labels, the options of radios and sliders, st.table's cells) must
hold none of the attacks' pieces as written. Literal places are left out (code blocks, code
spans, the options of select boxes, what a text box holds, dataframes' cells); Plotly labels
are checked for markup. The browser version is test_hostile_upload_browser.py.

A static guard below also reads the code: a Markdown-bearing Streamlit call never gets a
column label, a column name, an id or a spec's title or rule description unescaped.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Sequence

import hostile_upload as hostile
import pytest
from conftest import ROOT, analyst_toggle, open_page, open_tab
from conftest import _strings as plotly_strings
from streamlit.testing.v1 import AppTest

from proofdeck.upload.draft import default_draft, default_nouns
from proofdeck.words.safe_text import plain_words
from ui.present.mode import EXIT_KEY, NEXT_KEY

PORT = 9  # nothing listens there, and AppTest renders no Markdown: nothing is ever fetched
YOUR_DATA = "pages/4_Your_data.py"
PAGES = ["app.py", "pages/1_Decide.py", "pages/2_Examples.py", "pages/3_Compare.py", YOUR_DATA,
         "pages/5_Share.py"]

# Fields Streamlit shows literally (never as Markdown), by message type.
LITERAL = {
    "Code": {"code_text"},
    "Selectbox": {"options", "default", "raw_value", "value", "placeholder"},
    "MultiSelect": {"options", "default", "raw_values", "value", "placeholder"},
    "TextArea": {"default", "value", "placeholder"},
    "TextInput": {"default", "value", "placeholder"},
    "PlotlyChart": {"spec", "config"},
    "Arrow": {"data", "styler", "columns"},
    "PageLink": {"page", "page_script_hash", "query_string"},
}
ANY_LITERAL = {"id", "form_id", "key", "type", "icon", "url", "css", "theme"}
_ESCAPED = re.compile(r"\\[!-/:-@\[-`{-~]")
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.DOTALL)
_CHART_MARKUP = re.compile(r"<(a|img|b|br|i|span|sup|sub|em|s|u)\b", re.IGNORECASE)


def active(markdown: str) -> str:
    """What Markdown may still act on: escaped characters and code spans (both shown
    literally) replaced by a character no attack holds."""
    return _CODE_SPAN.sub("\0", _ESCAPED.sub("\0", markdown))


def _messages(at: AppTest):
    """(where, message) of every element drawn, the dialogs' included."""
    def walk(node, where):
        for child in getattr(node, "children", {}).values():
            proto = getattr(child, "proto", None)
            if proto is not None:
                yield f"{where}/{type(child).__name__}", proto
            yield from walk(child, where)

    for name, root in at._tree.children.items():
        yield from walk(root, str(name))


def _strings(message, path=""):
    """(field, text) of every string in a protobuf message, literal fields left out."""
    kind = type(message).__name__
    for field, value in message.ListFields():
        if field.name in ANY_LITERAL or field.name in LITERAL.get(kind, ()):
            continue
        for item in value if isinstance(value, Sequence) and not isinstance(value, str) else [value]:
            if isinstance(item, str):
                yield f"{path}{kind}.{field.name}", item
            elif hasattr(item, "ListFields"):
                yield from _strings(item, f"{path}{kind}.{field.name}>")


def _table_cells(proto) -> list[tuple[str, str]]:
    """st.table renders Markdown in its cells, headers and index."""
    import pyarrow as pa

    table = pa.ipc.open_stream(proto.arrow_data.data).read_all()
    cells = [str(name) for name in table.column_names]
    for column in table.columns:
        cells += [str(value) for value in column.to_pylist()]
    return [("Table cell", cell) for cell in cells]


def unsafe_text(at: AppTest, port: int = PORT) -> list[tuple[str, str, str]]:
    """(element, field, text) of each Markdown source or chart label holding an attack as written."""
    found, pieces = [], hostile.payloads(port)
    for where, proto in _messages(at):
        kind = type(proto).__name__
        if kind == "PlotlyChart":
            found += [(where, "chart text", text) for text in plotly_strings(json.loads(proto.spec))
                      if _CHART_MARKUP.search(text) or (len(text) > 1 and text[0] == text[-1] == "$")]
            continue
        texts = _table_cells(proto) if kind == "Table" else list(_strings(proto))
        found += [(where, field, text) for field, text in texts if any(piece in active(text) for piece in pieces)]
    return found


def assert_safe(at: AppTest, step: str) -> None:
    assert not at.exception, (step, at.exception)
    found = unsafe_text(at)
    assert not found, f"{step}: {len(found)} unescaped\n" + "\n".join(map(repr, found[:40]))


def _prefix(at: AppTest, suffix: str = "_outcome") -> str:
    return next(box.key for box in at.selectbox if box.key and box.key.endswith(suffix)).rsplit("_", 1)[0]


def _upload(raw: bytes, mode: str | None = None) -> AppTest:
    at = open_page(YOUR_DATA)
    if mode:
        at.segmented_control(key="yd_mode").set_value(mode).run()
    at.file_uploader(key="yd_file").set_value((hostile.file_name(PORT), raw, "text/csv")).run()
    assert_safe(at, "uploaded")
    return at


@pytest.fixture(scope="module")
def built() -> AppTest:
    """The hostile file uploaded (outcome, id and features as guessed), a rule with a mistake
    written, then the hostile rule, and the dashboard built."""
    at = _upload(hostile.csv_bytes(PORT))
    prefix, names = _prefix(at), hostile.columns(PORT)
    assert at.selectbox(key=f"{prefix}_outcome").value == names["outcome"]
    assert at.selectbox(key=f"{prefix}_id").value == names["id"]
    assert at.multiselect(key=f"{prefix}_positives_{names['outcome']}").value == [hostile.outcome_values(PORT)[0]]
    assert names["closed"] not in at.multiselect(key=f"{prefix}_features_{names['outcome']}").value  # a leak
    assert at.warning, "the leak is named in a warning"
    at.text_area(key=f"{prefix}_rule_text").input(hostile.bad_rule(PORT)).run()
    assert at.error, "the unknown column is named in an error"
    assert_safe(at, "a rule with a mistake")
    at.text_area(key=f"{prefix}_rule_text").input(hostile.rule(PORT)).run()
    assert not at.error, [e.value for e in at.error]
    assert_safe(at, "rule written")
    at.button(key=f"{prefix}_build").click().run()
    assert not at.error, [e.value for e in at.error]
    assert_safe(at, "built")
    return at


def test_every_page_and_tab_gets_only_escaped_text(built):
    at = built
    key = at.session_state["pd_demo"]
    for analyst in (False, True):
        analyst_toggle(at).set_value(analyst).run()
        for script in PAGES:
            at.switch_page(script).run()
            assert_safe(at, f"{script}, analyst {analyst}")
            if script in ("pages/1_Decide.py", "pages/3_Compare.py"):
                tabs = "decide_tabs" if script == "pages/1_Decide.py" else "compare_tabs"
                names = [tab.label for tab in at.tabs]
                assert len(names) >= 3, (script, names)
                for name in names:
                    open_tab(at, f"{tabs}_{key}", name)
                    assert_safe(at, f"{script}, {name}, analyst {analyst}")
    analyst_toggle(at).set_value(False).run()


def test_every_story_in_its_dialog_and_a_what_if_get_only_escaped_text(built):
    at = built
    key = at.session_state["pd_demo"]
    at.switch_page("pages/2_Examples.py").run()
    stories = [button.key for button in at.button if button.key and button.key.startswith("story_open_")]
    assert len(stories) >= 2
    for story in stories:
        at.button(key=story).click().run()
        assert_safe(at, f"example dialog {story}")
    at.button(key=f"FormSubmitter:whatif_form_{key}-Score it").click().run()
    assert_safe(at, "what-if scored")


def test_every_presentation_step_gets_only_escaped_text(built):
    at = built
    at.switch_page("app.py").run()
    next(toggle for toggle in at.sidebar.toggle if toggle.label == "Presentation mode").set_value(True).run()
    for step in range(1, 7):
        assert_safe(at, f"presentation step {step}")
        if step < 6:
            at.button(key=NEXT_KEY).click().run()
    at.button(key=EXIT_KEY).click().run()
    assert_safe(at, "presentation left")


def test_the_drafted_words_and_title_are_plain_words(built):
    spec = built.session_state["pd_uploads"][built.session_state["pd_demo"]][0].spec
    for text in [*vars(spec.nouns).values(), spec.title, spec.question]:
        assert re.fullmatch(r"[\w' .?-]*", text) and "_" not in text, text
    assert spec.nouns.positive_meaning.startswith("has Result click me ")


def test_words_drafted_from_names_and_values_are_plain_words():
    names, values = hostile.columns(PORT), hostile.outcome_values(PORT)
    nouns = default_nouns(names["outcome"], values[:2])
    assert nouns.positive_meaning == "has Result click me 127.0.0.1 09 outcome-link o 127.0.0.1 09 o gif " \
        "img src http 127.0.0.1 9 yes png yes or no http 127.0.0.1 9 no"
    assert default_nouns("Gekündigt", ("ja",)).positive_meaning == "has Gekündigt ja"
    assert default_nouns("is_member", ("1.0",)).score == "chance of Is member 1.0"
    assert default_nouns("label", ("-1",)).positive_meaning == "has outcome -1"  # a name that says only "outcome"
    assert default_nouns("$$$", ("[]",)).positive_meaning == "has outcome"
    assert default_nouns("Churn", ("Yes",)).positives == "churners"  # presets as before
    draft = default_draft(hostile.file_name(PORT), names["outcome"], values[:1], names["id"], (), rule="")
    assert draft.title.startswith("F http 47 47 2130706433 9 47 file img src") and draft.title == plain_words(draft.title)
    assert default_draft("telco_export-2024.csv", "Churn", ("Yes",), None, (), "").title == "Telco export 2024"


def test_own_scores_from_a_hostile_file_get_only_escaped_text():
    at = _upload(hostile.scores_csv(PORT), mode="Bring my own scores")
    prefix, names = _prefix(at, "_own_score"), hostile.columns(PORT)
    at.selectbox(key=f"{prefix}_id").set_value(names["id"]).run()
    at.selectbox(key=f"{prefix}_score").set_value(hostile.score_column(PORT)).run()
    at.selectbox(key=f"{prefix}_outcome").set_value(names["outcome"]).run()
    assert_safe(at, "scores chosen")  # the outcome's values are chosen under a label naming it
    rule_key = next(area.key for area in at.text_area if area.key.endswith("_rule_text"))
    at.text_area(key=rule_key).input(hostile.rule(PORT)).run()
    at.button(key=next(b.key for b in at.button if b.key and b.key.endswith("_build"))).click().run()
    assert not at.error, [e.value for e in at.error]
    assert_safe(at, "built on own scores")
    for script in PAGES:
        at.switch_page(script).run()
        assert_safe(at, f"{script} on own scores")


# --- a guard on the code ---------------------------------------------------------------------

# Streamlit calls whose text arguments are rendered as Markdown.
MARKDOWN_CALLS = {
    "markdown", "caption", "title", "header", "subheader", "info", "warning", "error", "success", "toast",
    "metric", "expander", "tabs", "page_link", "selectbox", "multiselect", "radio", "checkbox", "toggle",
    "text_input", "number_input", "text_area", "button", "download_button", "form_submit_button", "dialog",
    "popover", "slider", "select_slider", "segmented_control", "pills", "status", "write", "table",
    "file_uploader", "link_button",
}
TEXT_ARGUMENTS = {"label", "help", "body", "value", "delta", "title", "data", "placeholder"}
NUMBER_CALLS = {"number_input", "slider", "checkbox", "toggle"}  # their value is a number or a switch
ESCAPES = {"md", "chart_text", "code_span", "plain_words"}
# Where data-derived text comes from: a column's label, and attributes and names that hold
# a column name, an id, a value, or a spec's title or rule.
DATA_CALLS = {"label", "label_of"}
DATA_ATTRIBUTES = {"title", "description", "expression", "value_column", "id_column", "column", "ids",
                   "heldout", "iloc"}
DATA_NAMES = {"column", "outcome_column", "example_id", "first", "value", "name", "why", "leak"}


def _proofdecks_own(node: ast.AST) -> bool:
    """Words Proofdeck writes itself: the baseline's names ("Today's rule", "A random pick")."""
    return (isinstance(node, ast.Name) and node.id == "against") or (
        isinstance(node, ast.Attribute) and node.attr == "baseline")


def _unescaped_data(node: ast.AST):
    if isinstance(node, ast.Call):
        called = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        if called in ESCAPES:
            return
        if called in DATA_CALLS:
            yield node
            return
    if isinstance(node, ast.Attribute) and _proofdecks_own(node.value):
        return
    if (isinstance(node, ast.Attribute) and node.attr in DATA_ATTRIBUTES) or (
            isinstance(node, ast.Name) and node.id in DATA_NAMES and isinstance(node.ctx, ast.Load)):
        yield node
        return
    for child in ast.iter_child_nodes(node):
        yield from _unescaped_data(child)


def test_no_markdown_call_gets_data_text_unescaped():
    """A guard that needs no data: labels, column names, ids, titles and rules reach Streamlit's
    Markdown only through md() (or chart_text(), code_span(), plain_words())."""
    found = []
    for path in sorted([*ROOT.joinpath("ui").rglob("*.py"), *ROOT.joinpath("pages").glob("*.py"), ROOT / "app.py"]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "attr", None) in MARKDOWN_CALLS):
                continue
            texts = node.args[:1] + [keyword.value for keyword in node.keywords if keyword.arg in TEXT_ARGUMENTS
                                     and not (keyword.arg == "value" and node.func.attr in NUMBER_CALLS)]
            found += [f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(source)}"
                      for text in texts for source in _unescaped_data(text)]
    assert not found, "data text reaches Markdown unescaped:\n" + "\n".join(found)


def test_the_guard_catches_what_it_is_for():
    def caught(code: str) -> list[str]:
        call = ast.parse(code).body[0].value
        texts = call.args[:1] + [keyword.value for keyword in call.keywords if keyword.arg in TEXT_ARGUMENTS]
        return [ast.unparse(source) for text in texts for source in _unescaped_data(text)]

    assert caught('st.caption(f"{spec.label(spec.id_column)} {md(example_id)}")') == ["spec.label(spec.id_column)"]
    assert caught("st.multiselect(f\"Which values of '{column}' count?\", values)") == ["column"]
    assert caught('box.selectbox(spec.label(column), options, key=key)') == ["spec.label(column)"]
    assert caught('st.markdown(spec.rule.description)') == ["spec.rule.description"]
    assert caught('st.caption(f"Today\'s rule: {md(spec.rule.description)}")') == []
    assert caught('st.markdown(f"**{nouns.positives}**")') == []  # drafted as plain words
