"""Text from data shown literally: md() for Streamlit's Markdown, chart_text() for Plotly labels.

The unit tests pin the escaping; the browser test renders the attack strings of issue 11 in a
real Streamlit page (markdown, caption, subheader, widget label, alert, chart) and checks that
Chromium shows them as plain text and fetches nothing from any other host.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from browser_kit import fresh_server, needs_chromium
from conftest import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from proofdeck.words.safe_text import ELLIPSIS, MAX_SHOWN, WORD_JOINER, chart_text, md, plain, plain_words

ROOT = Path(__file__).resolve().parents[1]
ASCII_PUNCTUATION = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")

# What issue 11 reproduced, and what else Streamlit's Markdown would act on.
ATTACKS = [
    "![p](http://127.0.0.1:9/x.png) [link](http://127.0.0.1:9) **B**",
    '<a href="http://127.0.0.1:9">x</a>',
    "$x^2$",
    ":red[x]",
    ":material/home:",
    ":+1: :smile: :-1: :streamlit:",
    ":blue-background[bg] :small[x]",
    "www.example.com a@b.co http://127.0.0.1:9/y",
    "# head",
    "1. one",
    "- item",
    "> quote",
    "    code",
    "`code` ~~strike~~ _it_ *it*",
    "a\\*b\\",
    "&amp; &lt;",
    "x\n\n# two",
    "<script>alert(1)</script>",
    "\u202eevil",
]


def unescape(text: str) -> str:
    """What CommonMark displays for md()'s output: escapes resolved, word joiners invisible."""
    return re.sub(r"\\(.)", r"\1", text.replace(WORD_JOINER, ""))


def assert_fully_escaped(text: str) -> None:
    i = 0
    while i < len(text):
        if text[i] == "\\":
            assert text[i + 1] in ASCII_PUNCTUATION, text
            i += 2
        else:
            assert text[i] not in ASCII_PUNCTUATION, text
            i += 1


@pytest.mark.parametrize("attack", ATTACKS)
def test_md_escapes_every_attack_string_of_the_issue(attack):
    shown = md(attack)
    assert_fully_escaped(shown.replace(WORD_JOINER, ""))
    assert unescape(shown) == plain(attack)
    assert not re.search(r"\\[:@](?!\u2060)", shown)  # no shortcode, icon or e-mail link can form
    assert not re.search(r"(?i)www\\\.", shown)  # no bare www. link


def test_md_examples_read_as_expected():
    assert md("![p](http://h/x.png) **B**") == (
        "\\!\\[p\\]\\(http\\:\u2060\\/\\/h\\/x\\.png\\) \\*\\*B\\*\\*"
    )
    assert md(":red[x]") == "\\:\u2060red\\[x\\]"
    assert md("$x^2$") == "\\$x^2\\$".replace("^", "\\^")
    assert md("Customer 42") == "Customer 42"


def test_plain_makes_one_line_without_control_characters_and_caps_length():
    assert plain("a\nb\r\nc\td\x00e\x1b[31m") == "a b c de[31m"
    assert plain("\u202eabc\u2066") == "abc"
    assert plain(None) == ""
    long = plain("x" * 1000)
    assert len(long) == MAX_SHOWN and long.endswith(ELLIPSIS)


@settings(max_examples=examples(500), deadline=None)
@given(st.text(max_size=400), st.integers(1, 500))
def test_md_shows_exactly_the_plain_text_and_nothing_is_left_unescaped(text, limit):
    shown = md(text, limit)
    assert unescape(shown) == plain(text, limit).replace(WORD_JOINER, "")
    assert_fully_escaped(shown.replace(WORD_JOINER, ""))
    assert "\n" not in shown and "\r" not in shown
    assert len(plain(text, limit)) <= limit


@pytest.mark.parametrize(("text", "expected"), [
    ('<a href="http://127.0.0.1:9">x</a>', '&lt;a href="http://127.0.0.1:9"&gt;x&lt;/a&gt;'),
    ("<b>bold</b><br>", "&lt;b&gt;bold&lt;/b&gt;&lt;br&gt;"),
    ("R&D", "R&amp;D"),
    ("$x^2$", f"${WORD_JOINER}x^2$"),
    ("line\nbreak", "line break"),
])
def test_chart_text_escapes_plotly_markup(text, expected):
    assert chart_text(text) == expected


@settings(max_examples=examples(500), deadline=None)
@given(st.text(max_size=200))
def test_chart_text_shows_exactly_the_plain_text_and_holds_no_markup(text):
    shown = chart_text(text)
    assert "<" not in shown and ">" not in shown
    assert re.fullmatch(r"([^&]|&(amp|lt|gt);)*", shown)
    assert html.unescape(shown).replace(WORD_JOINER, "") == plain(text).replace(WORD_JOINER, "")


@pytest.mark.parametrize(("text", "expected"), [
    ("is_churn", "is churn"),
    ("Gekündigt", "Gekündigt"),
    ("O'Brien-Smith", "O'Brien-Smith"),
    ("Score 1.5 (v2.)", "Score 1.5 v2"),
    ("[x](http://127.0.0.1:9/a) ![i](h.png)", "x http 127.0.0.1 9 a i h png"),
    ("<img src=x> :material/home: :red[r] $x^2$ `c` a@b.co www.e.com", "img src x material home red r x 2 c a b co www e com"),
    ("- item", "item"),
    ("-- --- x", "x"),
    ("-1", "-1"),
    ("# head\n1. one", "head 1 one"),
    ("$$$", ""),
])
def test_plain_words_keeps_words_only(text, expected):
    assert plain_words(text) == expected


@settings(max_examples=examples(500), deadline=None)
@given(st.text(max_size=200))
def test_plain_words_are_safe_anywhere_and_stable(text):
    words = plain_words(text)
    assert re.fullmatch(r"[\w' .-]*", words) and "_" not in words
    assert not re.search(r"(?<!\d)\.|\.(?!\d)", words)  # a point only between digits
    assert not re.match(r"-+( |$)", words) and words == words.strip()  # no list item can start
    assert plain_words(words) == words
    assert unescape(md(words)) == words and chart_text(words) == words  # nothing to escape but punctuation


# --- in a real browser -----------------------------------------------------------------------

SCRIPT = """
import sys
sys.path.insert(0, {root!r})
import plotly.graph_objects as go
import streamlit as st
from proofdeck.words.safe_text import chart_text, md

ATTACKS = {attacks!r}
for i, text in enumerate(ATTACKS):
    with st.container(key=f"case{{i}}"):
        st.markdown(md(text))
        st.caption(md(text))
        st.subheader(md(text), anchor=False)
        st.checkbox(md(text), key=f"box{{i}}")
        st.error(md(text))
figure = go.Figure(go.Bar(x=[chart_text(t) for t in ATTACKS[:3]], y=[1, 2, 3]))
figure.update_layout(title=chart_text('<a href="http://127.0.0.1:9/t">title</a>'))
with st.container(key="chart"):
    st.plotly_chart(figure)
"""


@pytest.mark.browser
@needs_chromium
def test_md_and_chart_text_render_attacks_as_plain_text_in_a_browser(browser, tmp_path):
    (tmp_path / "attacks.py").write_text(SCRIPT.format(root=str(ROOT), attacks=ATTACKS))
    with fresh_server("attacks.py", cwd=tmp_path, log_name="server-attacks.log") as base:
        page = browser.new_page()
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        page.goto(base, timeout=120_000)
        page.wait_for_selector(f".st-key-case{len(ATTACKS) - 1}", timeout=120_000)
        page.locator(".st-key-chart .js-plotly-plot").wait_for(timeout=60_000)
        shown = page.evaluate("""count => [...Array(count).keys()].map(i => {
            const boxes = document.querySelectorAll(`.st-key-case${i} [data-testid=stMarkdownContainer]`);
            return [...boxes].map(box => ({
                text: box.innerText.trim(),
                markup: [...box.querySelectorAll('a, img, svg, math, code, pre, em, strong, del, ol, ul, blockquote, h1, h2')]
                    .map(element => element.tagName.toLowerCase()),
            }));
        })""", len(ATTACKS))
        chart_links = page.locator(".st-key-chart a").count()
        page.close()
    assert [url for url in requests if not url.startswith(base)] == []
    assert chart_links == 0
    for attack, boxes in zip(ATTACKS, shown):
        assert len(boxes) >= 4, attack  # markdown, caption, subheader, checkbox label (and alert)
        for box in boxes:
            assert box["markup"] == [], (attack, box)
            assert box["text"].replace(WORD_JOINER, "") == plain(attack), (attack, box)
