"""Accessibility: axe-core's serious and critical WCAG 2 A/AA findings on every view of the app.

Run from the repository root: ``python -m benchmarks.bench_accessibility`` (prints a table of
every view) or ``python -m benchmarks --only accessibility`` (not part of the default run: it
measures no time).

One server (``streamlit run app.py`` on a free port of 127.0.0.1) and Debian's chromium at
1280x720. Each view is a deep link opened in a new browser context (a new session): every page
of every demo (``/Decide?demo=leads``) and presentation mode of every demo
(``/?demo=leads&mode=present&step=1``), 21 views with three demos. Once the page has finished
running (no running indicator, twice in a row), axe-core (``axe-playwright-python``) runs with
the tags in :mod:`benchmarks.axe_check` and every element with a serious or critical finding
is counted by rule id. The baseline is a one-line app (``st.title``) opened the same way.
Findings excluded on purpose (inside Streamlit's own components) are counted apart, and so are
the elements axe could not judge (its "incomplete" results, e.g. text over a gradient).
"""

from __future__ import annotations

import tempfile
from collections import Counter
from pathlib import Path

from benchmarks.axe_check import axe_missing, check
from benchmarks.config import FULL, Config
from benchmarks.harness import ROOT, browser_missing, launch_browser, running_server, settle
from benchmarks.report import PartResult

NAME = "accessibility"
VIEWPORT = {"width": 1280, "height": 720}
BARE_TITLE = 'import streamlit as st; st.title("A bare app")\n'
# URL path of each page (Streamlit's pages/ discovery), in the sidebar's order.
PAGE_PATHS = {"pitch": "", "Decide": "Decide", "Examples": "Examples", "Compare": "Compare",
              "Your data": "Your_data", "Share": "Share"}


def app_views(demos: tuple[str, ...]) -> dict[str, str]:
    """Name -> path and query of every view: each page of each demo, then presentation mode."""
    views = {f"{demo} {page}": f"/{path}?demo={demo}" for demo in demos for page, path in PAGE_PATHS.items()}
    views.update({f"{demo} presenting": f"/?demo={demo}&mode=present&step=1" for demo in demos})
    return views


def open_view(browser, url: str, timeout_ms: float):
    """A new session on the URL, once it has finished running."""
    page = browser.new_page(viewport=VIEWPORT)
    page.goto(url, timeout=timeout_ms)
    page.wait_for_selector("h1", timeout=timeout_ms)
    settle(page, timeout_ms, quiet_ms=500)
    return page


def count_views(browser, base: str, views: dict[str, str], timeout_ms: float) -> dict[str, dict]:
    """Per view: serious and critical elements by 'rule (impact)', and the excluded ones."""
    counted = {}
    for name, path in views.items():
        page = open_view(browser, base + path, timeout_ms)
        try:
            result = check(page)
        finally:
            page.close()
        counted[name] = {kind: dict(Counter(f"{f.rule} ({f.impact})" for f in getattr(result, kind)))
                         for kind in ("found", "excluded", "review")}
        counted[name]["examples"] = [f.line() for f in result.found[:3]]
        counted[name]["review_examples"] = [f.line() for f in result.review[:3]]
    return counted


def run(config: Config = FULL) -> dict:
    """Findings on every view of the app, and on a bare one-line app."""
    missing = browser_missing() or axe_missing()
    if missing:
        return {"skipped": missing}
    from playwright.sync_api import sync_playwright

    result = PartResult(NAME)
    timeout_ms = config.a11y_timeout * 1000
    counted: dict[str, dict[str, dict]] = {}
    with tempfile.TemporaryDirectory(prefix="proofdeck-bench-") as folder, sync_playwright() as playwright:
        bare = Path(folder) / "bare_title.py"
        bare.write_text(BARE_TITLE, encoding="utf-8")
        browser = launch_browser(playwright)
        try:
            if "bare" in config.a11y_variants:
                with running_server(bare, bare.parent, f"{NAME}-bare") as server:
                    counted["bare"] = count_views(browser, server.url, {"bare one-line app": "/"}, timeout_ms)
            if "app" in config.a11y_variants:
                env = {"PROOFDECK_REFITS": "0"}  # the background refits change no element
                with running_server(ROOT / "app.py", ROOT, f"{NAME}-app", env=env) as server:
                    counted["app"] = count_views(browser, server.url, app_views(config.a11y_demos), timeout_ms)
        finally:
            browser.close()
    for variant, views in counted.items():
        label = "bare one-line app" if variant == "bare" else f"app, {len(views)} views"
        totals = sum((Counter(v["found"]) for v in views.values()), Counter())
        result.add(f"{label}: serious or critical elements", [sum(totals.values())], "count")
        for rule, count in sorted(totals.items()):
            result.add(f"{label}: {rule}", [count], "count")
        excluded = sum((Counter(v["excluded"]) for v in views.values()), Counter())
        for rule, count in sorted(excluded.items()):
            result.add(f"{label}: excluded {rule}", [count], "count", note="inside Streamlit's components")
        review = sum((Counter(v["review"]) for v in views.values()), Counter())
        for rule, count in sorted(review.items()):
            result.add(f"{label}: axe could not judge {rule}", [count], "count", note="incomplete: look at them")
        result.notes += [f"{name}: {_cell(v['found']) or 'none'}" for name, v in views.items()]
    return {**result.as_dict(), "views": counted}


def _cell(counts: dict[str, int]) -> str:
    return ", ".join(f"{rule} {count}" for rule, count in sorted(counts.items()))


def views_table(result: dict) -> str:
    """One line per view: its serious and critical elements by rule, and the total."""
    views = {name: v for variant in ("bare", "app") for name, v in result.get("views", {}).get(variant, {}).items()}
    rules = sorted({rule for v in views.values() for rule in v["found"]})
    header = f"{'view':<22} " + " ".join(f"{rule:>28}" for rule in rules) + f" {'total':>6}"
    lines = [header, "-" * len(header)]
    for name, v in views.items():
        lines.append(f"{name:<22} " + " ".join(f"{v['found'].get(rule, 0):>28}" for rule in rules)
                     + f" {sum(v['found'].values()):>6}")
    app = result.get("views", {}).get("app", {})
    if app:
        lines.append(f"{'all app views':<22} " + " ".join(f"{sum(v['found'].get(r, 0) for v in app.values()):>28}"
                                                          for r in rules)
                     + f" {sum(sum(v['found'].values()) for v in app.values()):>6}")
    return "\n".join(lines)


if __name__ == "__main__":
    import sys

    from benchmarks.cli import main

    report = main(["--only", NAME, *sys.argv[1:]])
    part = report.get("parts", {}).get(NAME, {})
    if "views" in part:
        print("\nserious and critical elements per view (axe-core, WCAG 2 A/AA):\n" + views_table(part))
