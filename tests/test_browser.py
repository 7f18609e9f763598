"""What a person sees: every page deep-linked on a fresh server, in a real Chromium.

Uses Debian's chromium (apt-get install chromium) driven by Playwright; skips with a reason
when either is missing. Screenshots land in tests/artifacts/ for people to look at. Every page
opened is checked with axe-core: no serious or critical WCAG 2 A/AA finding (with the rehearsal,
which checks the pitch, Decide, Examples and Rule vs model of every demo, and presentation mode's
walk, every view of every demo is checked).
"""

from __future__ import annotations

import pytest
from browser_kit import ARTIFACTS, ROOT, Accessibility, fresh_server, needs_chromium, settle
from conftest import DEMOS

from proofdeck.data.spec_files import load_catalog

# URL path of each page under Streamlit's pages/ discovery, and a text it must show.
PAGE_URLS = {"app.py": "", "pages/1_Decide.py": "Decide", "pages/2_Examples.py": "Examples", "pages/3_Compare.py": "Compare",
             "pages/4_Your_data.py": "Your_data", "pages/5_Share.py": "Share"}

pytestmark = [pytest.mark.browser, needs_chromium]


def open_and_check(browser, url: str, shot: str, accessibility: Accessibility, viewport=(1280, 720)) -> str:
    """Open a URL, wait for the app to finish, check the shared sidebar, save a screenshot, run axe."""
    page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
    try:
        page.goto(url, timeout=180_000)
        page.wait_for_selector("h1", timeout=180_000)
        settle(page)
        if viewport[0] < 700:
            # Phones start with the sidebar folded away: keep a picture, then open it.
            page.screenshot(path=str(ARTIFACTS / f"{shot}-main.png"), full_page=True)
            page.get_by_test_id("stExpandSidebarButton").click()
        sidebar = page.get_by_test_id("stSidebar")
        sidebar.get_by_text("Analyst view").wait_for(timeout=60_000)
        assert sidebar.get_by_text("Demo", exact=True).count() == 1, "demo picker missing from the sidebar"
        assert page.get_by_test_id("stException").count() == 0, "the page shows an exception"
        page.screenshot(path=str(ARTIFACTS / f"{shot}.png"), full_page=True)
        accessibility.check(page, shot)
        # The picker's choice sits in an input's value, which inner_text leaves out.
        picked = sidebar.get_by_role("combobox", name="Demo").input_value()
        return page.inner_text("body") + f"\nDemo picked: {picked}"
    finally:
        page.close()


@pytest.mark.parametrize("script", list(PAGE_URLS))
def test_deep_link_on_a_fresh_server_has_the_shared_sidebar(browser, script, subtests):
    # The very first request to this server is the page's own URL: no session ran app.py.
    accessibility = Accessibility()
    with fresh_server() as base:
        text = open_and_check(browser, f"{base}/{PAGE_URLS[script]}", f"deeplink-{PAGE_URLS[script] or 'pitch'}",
                              accessibility)
    assert "Proofdeck" in text
    assert "Demo picked: Customer churn" in text
    accessibility.assert_clean(subtests)


def test_pages_of_every_other_demo_render_from_a_link(browser, subtests):
    # The default demo's pages are the deep links above, and the rehearsal walks the pitch,
    # Decide, Examples and Rule vs model of every demo; here the other pages, from a link.
    specs = load_catalog(ROOT / "demos").specs
    accessibility = Accessibility()
    with fresh_server() as base:
        for demo in [d for d in DEMOS if d != "churn"]:
            for path in ("Compare", "Your_data", "Share"):
                text = open_and_check(browser, f"{base}/{path}?demo={demo}", f"{demo}-{path or 'pitch'}", accessibility)
                assert "Traceback" not in text
                # The link's demo is the one picked, and (on the pages about it) its nouns show.
                assert f"Demo picked: {specs[demo].title}" in text, (demo, path)
                if path != "Your_data":
                    assert specs[demo].nouns.entities in text.lower(), (demo, path)
    accessibility.assert_clean(subtests)


def test_phone_width_decide_page(browser, subtests):
    accessibility = Accessibility()
    with fresh_server() as base:
        text = open_and_check(browser, f"{base}/Decide", "phone-decide", accessibility, viewport=(390, 844))
    assert "cast a wide net" in text
    accessibility.assert_clean(subtests)
