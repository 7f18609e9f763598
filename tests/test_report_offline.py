"""The report in a real Chromium with the network off, and the Share page's link and download.

Each demo's report is opened from a file in a browser context that is offline and aborts every
request not for a file: its charts must be drawn (SVG inside each Plotly chart) and nothing may
be requested but the file itself. Screenshots land in tests/artifacts/report-<demo>.png.
"""

from __future__ import annotations

import pytest
from browser_kit import ARTIFACTS, fresh_server, needs_chromium, settle
from conftest import DEMOS, bundled

from proofdeck.sharing.report import report_html
from proofdeck.words import wording as w

pytestmark = [pytest.mark.browser, needs_chromium]


def open_offline(browser, path, shot: str | None = None, viewport=(1100, 900)) -> dict:
    """Open a report file with the network off; returns what the page drew and requested."""
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]}, offline=True)
    requests, failed, errors = [], [], []
    page = context.new_page()
    page.on("request", lambda request: requests.append(request.url))
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))

    def only_files(route):
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            route.abort()

    page.route("**/*", only_files)
    try:
        page.goto(path.as_uri())
        page.wait_for_function("""() => { const plots = [...document.querySelectorAll('.js-plotly-plot')];
            return plots.length > 0 && plots.every(plot => plot.querySelector('svg.main-svg')); }""", timeout=60_000)
        drawn = page.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot')].map(plot => ({
            id: plot.id,
            svgs: plot.querySelectorAll('svg.main-svg').length,
            lines: plot.querySelectorAll('.scatterlayer .trace path.js-line').length,
            bars: plot.querySelectorAll('.barlayer .trace .point path').length,
            width: plot.getBoundingClientRect().width,
        }))""")
        if shot:
            page.screenshot(path=str(ARTIFACTS / shot), full_page=True)
        return {"drawn": drawn, "requests": requests, "failed": failed, "errors": errors,
                "text": page.inner_text("body")}
    finally:
        context.close()


@pytest.mark.parametrize("demo", DEMOS)
def test_report_opens_offline_with_its_charts_drawn_and_no_request(browser, tmp_path, demo):
    scenario = bundled(demo)
    report = tmp_path / f"report-{demo}.html"
    report.write_text(report_html(scenario, scenario.spec.economics, scenario.default_count), encoding="utf-8")
    seen = open_offline(browser, report, shot=f"report-{demo}.png")
    assert [chart["id"] for chart in seen["drawn"]] == ["money-chart", "gains-chart", "marginal-chart"] + (
        [] if bundled(demo).spec.economics.value_column else ["prices-chart"])  # no prices chart with a value per row
    for chart in seen["drawn"]:
        # Lines drawn, or bars for what each 5% adds.
        assert chart["svgs"] >= 2 and chart["lines"] + chart["bars"] >= 1 and chart["width"] > 500, chart
    assert seen["requests"] == [report.as_uri()], seen["requests"]
    assert seen["failed"] == [] and seen["errors"] == [], (seen["failed"], seen["errors"])
    assert scenario.spec.question in seen["text"]


def test_report_reads_on_a_phone(browser, tmp_path):
    scenario = bundled("churn")
    report = tmp_path / "report.html"
    report.write_text(report_html(scenario, scenario.spec.economics, scenario.default_count), encoding="utf-8")
    seen = open_offline(browser, report, shot="report-churn-phone.png", viewport=(390, 844))
    assert all(360 > chart["width"] > 250 for chart in seen["drawn"]), seen["drawn"]
    assert seen["errors"] == []


def test_share_page_link_reopens_the_view_and_its_download_opens_offline(browser, tmp_path):
    scenario = bundled("churn")
    econ = scenario.spec.economics
    readout = w.readout(scenario.spec, scenario.sweep.outcome_at_count(700, econ), scenario.threshold_at(700))
    with fresh_server(log_name="server-share.log") as base:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
        page = context.new_page()
        page.goto(f"{base}/Share?demo=churn&top=700", timeout=180_000)
        page.wait_for_selector("h1", timeout=180_000)
        settle(page)
        page.get_by_test_id("stRadio").get_by_text("Decide", exact=True).click()  # the link opens Decide
        settle(page)
        link = page.locator("[data-testid=stCode] code").first.inner_text().strip()
        assert link == f"{base}/Decide?demo=churn&top=700"
        page.screenshot(path=str(ARTIFACTS / "share-churn.png"), full_page=True)
        with page.expect_download(timeout=180_000) as download:
            page.get_by_role("button", name="Download the report (HTML)").click()
        saved = tmp_path / download.value.suggested_filename
        download.value.save_as(saved)
        with page.expect_download(timeout=180_000) as csv_download:
            page.get_by_role("button", name="Download the predictions (CSV)").click()
        rows = csv_download.value.path().read_text(encoding="utf-8").splitlines()
        context.close()
        # The link, opened in another browser context, shows the same setting.
        other = browser.new_context(viewport={"width": 1280, "height": 900})
        elsewhere = other.new_page()
        elsewhere.goto(link, timeout=180_000)
        elsewhere.wait_for_selector("h1", timeout=180_000)
        settle(elsewhere)
        assert readout in elsewhere.inner_text("body")
        other.close()
    assert saved.name == "churn-report-top-700.html"
    seen = open_offline(browser, saved)
    assert len(seen["drawn"]) == 4 and seen["errors"] == [] and seen["requests"] == [saved.as_uri()]
    assert readout in seen["text"]
    assert len(rows) == scenario.sweep.size + 1 and rows[0] == '"id","score","rank","rule_acts","model_acts","outcome"'
