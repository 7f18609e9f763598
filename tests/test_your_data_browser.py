"""Your data in a real browser, as a product manager does it: a messy European export
(semicolons, Windows-1252, decimal commas, "12,5 %", the ja/nein outcome in the middle)
is uploaded, today's rule typed, the dashboard built, and every page opened on it.

Screenshots: tests/artifacts/your-data-<step>.png.
"""

from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
from browser_kit import ARTIFACTS, fresh_server, needs_chromium, settle
from messy import european_export

from proofdeck.upload.ingest import CELLS_ENV

pytestmark = [pytest.mark.browser, needs_chromium]


@contextmanager
def your_data_page(browser, log_name: str, env: dict[str, str] | None = None):
    """A fresh server and a 1280x720 page on Your data, ready: (page, its main area, base URL)."""
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    try:
        with fresh_server(log_name=log_name, env=env) as base:
            page.goto(f"{base}/Your_data", timeout=180_000)
            page.wait_for_selector("h1", timeout=180_000)
            settle(page)
            yield page, page.get_by_test_id("stMain"), base
    finally:
        page.close()


def in_viewport(page, locator) -> bool:
    box = locator.bounding_box()
    viewport = page.viewport_size
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"]


def test_a_messy_export_becomes_a_dashboard_in_a_few_clicks(browser, tmp_path):
    export = tmp_path / "european.csv"
    export.write_bytes(european_export(3000))
    original = export.read_bytes()
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    main = page.get_by_test_id("stMain")
    with fresh_server(log_name="server-your-data.log") as base:
        page.goto(f"{base}/Your_data", timeout=180_000)
        page.wait_for_selector("h1", timeout=180_000)
        settle(page)
        page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(export))
        page.get_by_text("The outcome to find").first.wait_for(timeout=120_000)
        settle(page)
        text = main.inner_text()
        assert "separated by semicolons" in text and "Windows-1252" in text
        assert "'Umsatz (€)' was text and is read as numbers" in text
        assert "'Gekündigt' is \"ja\"" in text  # the outcome in the middle of the file, guessed
        page.screenshot(path=str(ARTIFACTS / "your-data-1-read.png"))

        rule = page.get_by_role("textbox", name="The same rule as text")
        rule.fill("Vertragsart == 'Monat' and Rabatt < 5")
        page.keyboard.press("Control+Enter")
        settle(page)
        preview = main.get_by_text(re.compile(r"Today's rule: Flags [\d,]+ of 3,000 rows"))
        assert preview.count() == 1
        page.screenshot(path=str(ARTIFACTS / "your-data-2-rule.png"))

        page.get_by_role("button", name="Build the dashboard").click()
        ready = main.get_by_text("is a demo for this session")
        ready.wait_for(timeout=180_000)
        settle(page)
        # The news shows where the person clicked, not at the top of a long page.
        assert in_viewport(page, ready), "the 'ready' note is out of sight after Build"
        page.screenshot(path=str(ARTIFACTS / "your-data-3-built.png"))
        picker = page.get_by_test_id("stSidebar").get_by_role("combobox", name="Demo")
        assert picker.input_value() == "European (your data)"

        main.get_by_role("link", name="The pitch").first.click()
        page.wait_for_selector("h1", timeout=180_000)
        settle(page)
        headline = main.get_by_text(re.compile(r"^With the same [\d,]+ contacts")).inner_text()
        assert "customers with Gekündigt ja" in headline
        page.screenshot(path=str(ARTIFACTS / "your-data-4-pitch.png"))
        for name in ("Decide", "Examples", "Rule vs model", "Share"):
            page.get_by_test_id("stSidebar").get_by_role("link", name=name).click()
            page.wait_for_selector("h1", timeout=180_000)
            settle(page)
            assert page.get_by_test_id("stException").count() == 0, name
            assert picker.input_value() == "European (your data)", name
            assert "Gekündigt" in main.inner_text(), name
            page.screenshot(path=str(ARTIFACTS / f"your-data-5-{name.replace(' ', '-').lower()}.png"))
    page.close()
    assert export.read_bytes() == original  # nothing the user gave is altered
    assert [url for url in requests if not url.startswith((base, "data:", "blob:"))] == []


def test_a_product_managers_path_from_the_telco_export_to_a_confirmed_dashboard(browser, tmp_path):
    """Upload, keep the guessed outcome, answer the three drivers, type the money and confirm it,
    write the rule, build: every click a person makes. The time it took is printed (a figure for
    the notes, never asserted: the machine is shared)."""
    import time

    from messy import telco_export

    export = tmp_path / "WA_Fn-UseC_-Telco-Customer-Churn.csv"
    export.write_bytes(telco_export(7043))
    with your_data_page(browser, "server-your-data-telco.log") as (page, main, _):
        started = time.perf_counter()
        page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(export))
        page.get_by_text("The strongest drivers").first.wait_for(timeout=120_000)
        settle(page)
        assert "First guess 'Churn'" in main.inner_text()
        questions = main.get_by_test_id("stCheckbox").filter(has_text="is known before we act")
        assert questions.count() == 3
        for index in range(3):
            questions.nth(index).click()
            settle(page)
        for name, value in (("Cost per retention offer", "35"), ("Value of each customer kept", "700")):
            field = main.get_by_role("spinbutton", name=name)
            field.fill(value)
            field.press("Enter")
            settle(page)
        population = main.get_by_role("spinbutton", name=re.compile("Customers per period"))
        population.fill("40000")
        population.press("Enter")
        settle(page)
        main.get_by_test_id("stCheckbox").filter(has_text="These are our own figures").click()
        settle(page)
        rule = page.get_by_role("textbox", name="The same rule as text")
        rule.fill('Contract == "Month-to-month" and tenure < 6')
        page.keyboard.press("Control+Enter")
        settle(page)
        page.get_by_role("button", name="Build the dashboard").click()
        main.get_by_text("is a demo for this session").wait_for(timeout=180_000)
        settle(page)
        took = time.perf_counter() - started
        print(f"\ntelco export, 7,043 rows: file chosen to a confirmed dashboard in {took:.1f} s of clicks")
        main.get_by_role("link", name="The pitch").first.click()
        page.wait_for_selector("h1", timeout=180_000)
        settle(page)
        text = main.inner_text()
        assert "per quarter" in text and "Assumed, not confirmed" not in text and "Not confirmed as known" not in text
        page.screenshot(path=str(ARTIFACTS / "your-data-telco-pitch.png"))


def test_a_decompression_bomb_is_refused_as_too_large_by_a_real_server(browser, tmp_path):
    # 500,000 tiny cells with no declared size, over the server's cell limit (lowered to
    # 300,000 for this server, as an operator may: the bound is the same code at any size, and
    # a busy machine still gives the nice-10 reader time to reach it): the reader in its own
    # process stops and the page says "too large", then a normal file in the same session reads.
    from benchmarks.synthetic import workbook_bomb

    bomb = tmp_path / "export.xlsx"
    bomb.write_bytes(workbook_bomb(500_000))
    export = tmp_path / "european.csv"
    export.write_bytes(european_export(500))
    with your_data_page(browser, "server-your-data-bomb.log", env={CELLS_ENV: "300000"}) as (page, main, _):
        chooser = page.get_by_test_id("stFileUploaderDropzoneInput")
        chooser.set_input_files(str(bomb))
        refusal = main.get_by_text("This file cannot be used: the first sheet is too large")
        refusal.wait_for(timeout=180_000)
        assert "more than 300,000 cells" in refusal.inner_text() and "damaged" not in refusal.inner_text()
        page.screenshot(path=str(ARTIFACTS / "your-data-bomb.png"))
        chooser.set_input_files(str(export))
        main.get_by_text("Read 500 rows").wait_for(timeout=180_000)
        assert page.get_by_test_id("stException").count() == 0
    log = (ARTIFACTS / "server-your-data-bomb.log").read_text(encoding="utf-8", errors="replace")
    assert "Traceback" not in log
