"""Presentation mode in a real Chromium at 1280x720: arrow keys, a clicker's PageUp/PageDown,
the buttons, a deep link to a step, a screenshot of every step of every demo, and axe-core on
every step (no serious or critical WCAG 2 A/AA finding).

Screenshots land in tests/artifacts/present-<demo>-<step>.png for people to look at.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from browser_kit import ARTIFACTS, Accessibility, fresh_server, needs_chromium, settle
from conftest import DEMOS

from proofdeck.sharing import story_steps as steps

pytestmark = [pytest.mark.browser, needs_chromium]
VIEWPORT = {"width": 1280, "height": 720}
BIG_NUMBER_PX = 40  # key numbers on a step, at least (the pages' own are about 30)


@pytest.fixture(scope="module")
def server():
    """One server for every test here; the first request it gets is a deep link to a step."""
    with fresh_server(log_name="server-present.log") as base:
        yield base


def url_step(page) -> int | None:
    values = parse_qs(urlparse(page.url).query).get("step")
    return int(values[0]) if values else None


def wait_for_step(page, step: int) -> None:
    page.wait_for_function("n => new URLSearchParams(location.search).get('step') === String(n)", arg=step,
                           timeout=60_000)
    settle(page, 400)
    marked = page.locator(".st-key-pd_present_nav strong").inner_text()
    assert marked.startswith(f"{step}. "), marked


def open_page(browser, url: str, outside: list[str], base: str):
    page = browser.new_page(viewport=VIEWPORT)
    page.on("request", lambda request: None if request.url.startswith(base) else outside.append(request.url))
    page.goto(url, timeout=180_000)
    page.wait_for_selector("h1", timeout=180_000)
    settle(page)
    return page


def overflow_px(page) -> int:
    """How far the step reaches below the window (0 when it fits without scrolling)."""
    return page.evaluate("() => { const m = document.querySelector('[data-testid=stMain]');"
                         " return m.scrollHeight - m.clientHeight; }")


def smallest_number_px(page) -> float:
    sizes = page.evaluate("() => [...document.querySelectorAll('.st-key-pd_present [data-testid=stMetricValue] p')]"
                          ".map(p => parseFloat(getComputedStyle(p).fontSize))")
    return min(sizes) if sizes else float("inf")


def thumb(page) -> str:
    """The page's own slider (the sidebar's Assumptions hold range sliders too)."""
    return page.get_by_test_id("stMain").get_by_test_id("stSliderThumbValue").first.inner_text()


def test_walk_every_demo_with_the_keyboard_and_a_screenshot_of_each_step(browser, server, subtests):
    outside: list[str] = []
    accessibility = Accessibility()
    too_tall, too_small = [], []
    for index, demo in enumerate(DEMOS):
        # The first demo opens at step 3: the very first request to this server is that link.
        start = 3 if index == 0 else 1
        page = open_page(browser, f"{server}/?demo={demo}&mode=present&step={start}", outside, server)
        try:
            wait_for_step(page, start)
            for step in range(start - 1, 0, -1):
                page.keyboard.press("ArrowLeft")
                wait_for_step(page, step)
            for step in range(steps.FIRST, steps.LAST + 1):
                assert page.get_by_test_id("stException").count() == 0, (demo, step)
                assert page.get_by_test_id("stExpandSidebarButton").is_visible()  # the sidebar is folded away
                page.screenshot(path=str(ARTIFACTS / f"present-{demo}-{step}.png"))
                accessibility.check(page, f"{demo} presenting, step {step}")
                if overflow_px(page) > 2:
                    too_tall.append((demo, step, overflow_px(page)))
                if smallest_number_px(page) < BIG_NUMBER_PX:
                    too_small.append((demo, step, smallest_number_px(page)))
                if step < steps.LAST:
                    page.keyboard.press("ArrowRight" if step % 2 else "PageDown")
                    wait_for_step(page, step + 1)
            # Past the end: the ask stays.
            page.keyboard.press("ArrowRight")
            page.keyboard.press("PageDown")
            settle(page, quiet_ms=800)  # a step change would rerun within this; none may come
            assert url_step(page) == steps.LAST
            assert "The ask" in page.locator("h1").first.inner_text()
            # Back with a clicker's PageUp and with the button.
            page.keyboard.press("PageUp")
            wait_for_step(page, steps.LAST - 1)
            page.get_by_role("button", name="Back").first.click()
            wait_for_step(page, steps.LAST - 2)
        finally:
            page.close()
    assert not too_tall, f"steps that need scrolling at 1280x720 (demo, step, px): {too_tall}"
    assert not too_small, f"key numbers smaller than {BIG_NUMBER_PX}px (demo, step, px): {too_small}"
    assert not outside, f"requests to other hosts: {outside[:5]}"
    accessibility.assert_clean(subtests)


def test_switch_on_decide_slider_live_and_exit_back_to_decide(browser, server):
    outside: list[str] = []
    page = open_page(browser, f"{server}/Decide?demo=leads", outside, server)
    try:
        on_decide = thumb(page)
        page.get_by_test_id("stSidebar").get_by_text("Presentation mode").click()
        wait_for_step(page, 1)
        page.keyboard.press("ArrowRight")  # arrows work straight after the switch, no click needed
        wait_for_step(page, 2)
        for step in (3, 4):
            page.get_by_role("button", name="Next").first.click()
            wait_for_step(page, step)
        assert thumb(page) == on_decide  # the session's setting, not the slider's first position
        readout = page.locator(".st-key-pd_present h5").first.inner_text()
        # Arrows on the slider move the slider, not the story.
        page.get_by_test_id("stMain").get_by_role("slider").first.focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_function("old => document.querySelector('.st-key-pd_present h5').innerText !== old",
                               arg=readout, timeout=60_000)
        settle(page, 400)
        moved = thumb(page)
        assert moved != on_decide and url_step(page) == 4
        # A clicker's PageDown steps on even from the slider; coming back shows the moved setting.
        page.keyboard.press("PageDown")
        wait_for_step(page, 5)
        page.keyboard.press("PageUp")
        wait_for_step(page, 4)
        assert thumb(page) == moved
        page.screenshot(path=str(ARTIFACTS / "present-leads-4-moved.png"))
        page.get_by_role("button", name="Exit").first.click()
        page.wait_for_function("() => !new URLSearchParams(location.search).has('mode')", timeout=60_000)
        settle(page)
        assert urlparse(page.url).path.endswith("/Decide")
        assert page.get_by_test_id("stSidebar").get_by_text("Demo", exact=True).count() == 1
        assert thumb(page) == moved  # the setting is kept, and shown
        page.screenshot(path=str(ARTIFACTS / "present-exit-decide.png"))
    finally:
        page.close()
    assert not outside, f"requests to other hosts: {outside[:5]}"
