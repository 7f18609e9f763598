"""Text from data, shown literally: one escaping helper for Markdown, one for chart labels.

Streamlit renders Markdown in ``st.markdown``, ``st.caption``, ``st.subheader``, widget and
page-link labels, ``st.table`` cells, ``st.error`` and friends: links, images (the browser fetches their URLs),
LaTeX between dollars, colour directives (``:red[...]``), emoji shortcodes and
``:material/...:`` icons. Plotly renders a subset of HTML in labels (``<a href>``, ``<b>``,
``<br>``). Ids, category values, column names and labels from uploads may hold any of these,
so every piece of data-derived text goes through :func:`md` (Markdown places) or
:func:`chart_text` (Plotly labels) before it is shown. Text Proofdeck writes itself is not
escaped: escape the pieces, then put them into the sentence. Words Proofdeck drafts from data
and then builds its own sentences from (an upload's nouns and title) are made
:func:`plain_words` instead, which need no escaping anywhere.
"""

from __future__ import annotations

import html
import re
import unicodedata

MAX_SHOWN = 300  # characters of one value shown; longer ones end with an ellipsis
ELLIPSIS = "…"

# Every ASCII punctuation character may be backslash-escaped in CommonMark, and an escaped
# character is always literal, so escaping all of them is safe and covers what Streamlit adds
# to Markdown: $ (LaTeX), : (directives, icons), [ ] ( ) ! (links and images), < > & (HTML).
_PUNCTUATION = re.compile(r"""([!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])""")
# Streamlit replaces emoji shortcodes (":smile:"), icons (":material/home:") and GFM's bare
# links ("http://...", "www.x.com", "a@b.co") in the text after Markdown's own escapes are gone.
# A word joiner (invisible, never a line break) after every ":" and "@" and inside "www."
# keeps those patterns from forming while the text reads the same.
_LINK_OR_SHORTCODE = re.compile(r"\\[:@]|(?i:www)(?=\\\.)")
WORD_JOINER = "\u2060"
_SPACES = re.compile(r"\s+")
# What plain_words keeps: letters, digits, spaces, dashes, apostrophes, and a point between
# digits ("1.5"); nothing else, so no Markdown, HTML, LaTeX, directive or bare link can form.
_NOT_A_WORD = re.compile(r"(?:(?<!\d)\.|\.(?!\d)|[^\w\s'.-]|_)+")
_LIST_MARKER = re.compile(r"^(?:-+(?: |$))+")  # "- item" and "---" at a line's start; "-1" is a number


def plain(text: object, limit: int = MAX_SHOWN) -> str:
    """One line of printable text: control and direction-override characters removed, line
    breaks and tabs made spaces, runs of spaces folded, ends trimmed, capped at ``limit``.

    Parameters
    ----------
    text : anything; ``str(text)`` is used (None gives "").
    limit : most characters kept; longer text keeps ``limit - 1`` and ends with "…".
    """
    if text is None:
        return ""
    kept = []
    for char in str(text):
        category = unicodedata.category(char)
        if char in "\t\n\r\v\f\x85\u2028\u2029":
            kept.append(" ")
        elif category == "Cc" or category == "Cs" or _is_bidi_control(char):
            continue
        else:
            kept.append(char)
    line = _SPACES.sub(" ", "".join(kept)).strip()
    if len(line) > limit:
        line = line[: max(limit - 1, 0)].rstrip() + ELLIPSIS
    return line


def plain_words(text: object, fallback: str = "", limit: int = MAX_SHOWN) -> str:
    """Text from data made into words that are safe anywhere without escaping: Markdown, a
    chart label, HTML, a TOML string. For words Proofdeck builds sentences from (an upload's
    nouns and title, words typed on Your data), where :func:`md` would leave backslashes in
    charts and the report.

    Letters, digits, spaces, dashes and apostrophes are kept, and a point between two digits;
    every other character becomes a space ("is_churn" -> "is churn", "[x](http://h)" ->
    "x http h"). Spaces are folded, and dashes that would start a list ("- item") go.
    The text is first made :func:`plain` (at most ``limit`` characters); ``fallback`` when
    nothing is left.

    >>> plain_words("![x](http://h/i.png) churn_flag yes"), plain_words("**", "row")
    ('x http h i png churn flag yes', 'row')
    """
    words = _SPACES.sub(" ", _NOT_A_WORD.sub(" ", plain(text, limit))).strip()
    return _LIST_MARKER.sub("", words).strip() or fallback


def _is_bidi_control(char: str) -> bool:
    # Right-to-left overrides and isolates can make a value read as something else.
    return char in "\u200e\u200f\u061c" or "\u202a" <= char <= "\u202e" or "\u2066" <= char <= "\u2069"


def md(text: object, limit: int = MAX_SHOWN) -> str:
    """Text that Streamlit's Markdown shows exactly as written, on one line.

    Every ASCII punctuation character is backslash-escaped (so no link, image, emphasis,
    HTML, LaTeX, colour directive, heading or list can start), every ``:`` and ``@`` and the
    ``www`` of ``www.`` get an invisible word joiner after them (so no emoji shortcode,
    ``:material/...:`` icon or bare link forms), and the text is first made :func:`plain`
    (one line, no control characters, at most ``limit`` characters). The result displays
    as ``plain(text, limit)`` does; only the invisible word joiners are added.
    """
    escaped = _PUNCTUATION.sub(r"\\\1", plain(text, limit))
    return _LINK_OR_SHORTCODE.sub(lambda match: match.group(0) + WORD_JOINER, escaped)


def chart_text(text: object, limit: int = MAX_SHOWN) -> str:
    """Text that a Plotly label, title or hover text shows exactly as written, on one line.

    ``&``, ``<`` and ``>`` become HTML entities (Plotly shows entities as the characters and
    would otherwise read ``<a href=...>``, ``<b>`` or ``<br>`` as markup); the text is first
    made :func:`plain`. A dollar at both ends would ask Plotly for LaTeX; a word joiner
    after the first one prevents it.
    """
    line = plain(text, limit)
    if len(line) > 1 and line.startswith("$") and line.endswith("$"):
        line = "$" + WORD_JOINER + line[1:]
    return html.escape(line, quote=False)
