"""The app's pages, in story order: one list the sidebar, the next-step buttons and links read.

It lives apart from the shell so that page parts can link to pages without importing the
shell (which imports presentation mode, which draws page parts).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlencode

import streamlit as st

# (script, label, icon): the navigation, in story order.
PAGES = [
    ("app.py", "The pitch", ":material/campaign:"),
    ("pages/1_Decide.py", "Decide", ":material/tune:"),
    ("pages/2_Examples.py", "Examples", ":material/person_search:"),
    ("pages/3_Compare.py", "Rule vs model", ":material/compare_arrows:"),
    ("pages/4_Your_data.py", "Your data", ":material/upload_file:"),
    ("pages/5_Share.py", "Share", ":material/share:"),
]


def url_path(script: str) -> str:
    """The address path Streamlit gives a page script: "" for app.py, "Decide" for
    pages/1_Decide.py (the number prefix and the extension go)."""
    if "/" not in script:
        return ""
    return re.sub(r"^\d+_", "", Path(script).stem)


def app_address() -> str | None:
    """The app's address in the visitor's browser, without page or query (None when the
    browser has not told it, e.g. in a test)."""
    try:
        url = st.context.url
    except Exception:  # no browser context at all
        return None
    if not url:
        return None
    url = url.split("?", 1)[0].rstrip("/")
    for script, _, _ in PAGES:
        path = url_path(script)
        if path and url.endswith("/" + path):
            return url[: -len(path) - 1]
    return url


def page_address(script: str, params: dict[str, str]) -> str | None:
    """The full address of a page with these query parameters, or None when the browser has
    not told the app its address."""
    base = app_address()
    if base is None:
        return None
    path = url_path(script)
    return f"{base}/{path}?{urlencode(params)}" if path else f"{base}/?{urlencode(params)}"
