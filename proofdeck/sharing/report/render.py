"""The report's content written as one HTML file, through an autoescaping Jinja2 template.

The template (``templates/report.html.j2``, package data read with :mod:`importlib.resources`)
is rendered with ``autoescape=True``: every field of the content is HTML-escaped wherever the
template writes it, so text from a spec, the data or a session (ids, values, column names, the
ask) is only ever text, even in a place a template author did not think of. ``StrictUndefined``
makes a misspelt field an error rather than a blank.

Only two pieces are written as they are, and both are checked here: the style sheet
(``templates/report.css``) and plotly.js, Plotly's own bundle. The charts' data go through
Jinja2's ``|tojson``, whose output is safe inside a ``<script>``: it writes ``<``, ``>``, ``&``
and ``'`` as ``\\u003c`` escapes, so no ``</script>`` or ``<!--`` from a label can end the script
or change how the browser reads it; Plotly's JSON encoder, used by ``|tojson`` here, already
escapes ``<``, ``>`` and ``/`` the same way, as ``plotly.io.to_html`` did for this report before.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from jinja2 import Environment, StrictUndefined, Template
from markupsafe import Markup
from plotly.io.json import to_json_plotly
from plotly.offline import get_plotlyjs

from proofdeck.sharing.report.content import Report

TEMPLATES = resources.files("proofdeck.sharing.report") / "templates"
# What would end a <style> or <script> element early, or change how a browser reads the rest
# of a script (an HTML comment's opening there makes "</script>" mean something else).
_ENDS_RAW_TEXT = re.compile(r"</(style|script)|<!--", re.IGNORECASE)


def _plotly_json(value, **_ignored) -> str:
    """JSON as plotly.io.to_html writes a figure's data (numbers, arrays and dates by Plotly's
    own encoder); ``|tojson`` escapes the result for a <script>."""
    return to_json_plotly(value)


@cache
def _template() -> Template:
    environment = Environment(autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                              keep_trailing_newline=True)
    environment.policies["json.dumps_function"] = _plotly_json
    environment.policies["json.dumps_kwargs"] = {}
    return environment.from_string((TEMPLATES / "report.html.j2").read_text(encoding="utf-8"))


def _trusted(text: str, what: str) -> Markup:
    """Text of our own (the style sheet, plotly.js) to write inside a <style> or <script> as it
    is, once checked that nothing in it could end that element early."""
    if _ENDS_RAW_TEXT.search(text):
        raise ValueError(f"{what} holds '</style', '</script' or '<!--': it cannot be written inline")
    return Markup(text)  # checked above; our own style sheet or Plotly's bundle


@cache
def style() -> Markup:
    """The report's style sheet, to write inside its <style> element."""
    return _trusted((TEMPLATES / "report.css").read_text(encoding="utf-8"), "the report's style sheet")


@cache
def plotly_js() -> Markup:
    """plotly.js, the version bundled with the plotly package, to write inside a <script> once."""
    return _trusted(get_plotlyjs(), "plotly.js")


def render_report(report: Report) -> str:
    """The report as a complete HTML document (about 5 MB: plotly.js is inlined once)."""
    return _template().render(r=report, style=style(), plotly_js=plotly_js())
