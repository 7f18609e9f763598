"""Cold start in chromium: from launching ``streamlit run`` to the first figure on screen.

Run from the repository root: ``python -m benchmarks --only cold_start``.

The first figure is the pitch page's first ``st.metric`` value (the headline), and for the bare
one-line app its only element (also a metric). Each launch is a new server and a new browser
context; the browser itself is started once, before any clock runs. Variants, interleaved
launch by launch so a drifting machine moves them alike:

- ``app``: ``streamlit run app.py``, opening ``/`` (the pitch of the first demo);
- ``bare``: the same command on a one-line app written to a temporary folder;
- ``app_busy`` / ``bare_busy``: the same with one busy-looping process per core beside it
  (started before the launch, always killed after it).

Also recorded: the time until the server answers its health check (imports and start-up).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from benchmarks.config import FULL, Config
from benchmarks.harness import (
    APP_FIGURE_BYTES,
    BARE_FIGURE_BYTES,
    FIRST_FIGURE,
    ROOT,
    VIEWPORT,
    BenchError,
    browser_missing,
    busy_neighbours,
    launch_browser,
    start_server,
    stop,
    watch_for_bytes,
    write_bare_apps,
)
from benchmarks.report import PartResult

NAME = "cold_start"
LABELS = {
    "app": "app: launch to first figure on the pitch",
    "bare": "bare one-line app: launch to first figure",
    "app_busy": "app, all cores busy: launch to first figure",
    "bare_busy": "bare app, all cores busy: launch to first figure",
}


def launch_to_first_figure(browser, script: Path, cwd: Path, log_name: str, timeout: float,
                           marker: bytes) -> dict[str, float]:
    """One cold start: seconds from launch to the health check, to the first figure's message
    arriving in the browser, and to the first figure visible."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    seen: dict[str, float] = {}
    server = start_server(script, cwd, log_name)
    watch_for_bytes(page, marker, server.started, seen)
    try:
        healthy = server.wait_healthy(timeout)
        left_ms = max(timeout - healthy, 1.0) * 1000
        page.goto(server.url + "/", wait_until="commit", timeout=left_ms)
        page.wait_for_selector(FIRST_FIGURE, state="visible", timeout=left_ms)
        shown = time.perf_counter() - server.started
    except Exception as error:  # a Playwright timeout, mostly: say which launch and where the log is
        raise BenchError(f"{log_name}: no first figure within {timeout:.0f} s ({type(error).__name__}); "
                         f"see {server.log_path}") from error
    finally:
        context.close()
        stop(server.process)
    return {"healthy": healthy, "received": seen.get("at", float("nan")), "shown": shown}


def run(config: Config = FULL) -> dict:
    """Cold starts of the app and the bare app, quiet and beside busy neighbours."""
    missing = browser_missing()
    if missing:
        return {"skipped": missing}
    from playwright.sync_api import sync_playwright

    result = PartResult(NAME)
    runs: dict[str, list[dict[str, float]]] = {v: [] for v in config.cold_variants}
    with tempfile.TemporaryDirectory(prefix="proofdeck-bench-") as folder, sync_playwright() as playwright:
        bare = write_bare_apps(Path(folder))["bare_one_line"]
        browser = launch_browser(playwright)
        try:
            for launch in range(config.launches):
                for variant in config.cold_variants:
                    app = variant.startswith("app")
                    script, cwd = (ROOT / "app.py", ROOT) if app else (bare, bare.parent)
                    marker = APP_FIGURE_BYTES if app else BARE_FIGURE_BYTES["bare_one_line"]
                    args = (browser, script, cwd, f"{NAME}-{variant}-{launch}", config.launch_timeout, marker)
                    if variant.endswith("_busy"):
                        with busy_neighbours():
                            runs[variant].append(launch_to_first_figure(*args))
                    else:
                        runs[variant].append(launch_to_first_figure(*args))
        finally:
            browser.close()

    order = [v for v in ("bare", "app", "bare_busy", "app_busy") if v in runs]
    figures = {}
    for variant in order:
        baseline = {"app": "bare", "app_busy": "app", "bare_busy": "bare"}.get(variant)
        figures[variant] = result.add(LABELS[variant], [r["shown"] for r in runs[variant]], "s",
                                      baseline=figures.get(baseline))
    for variant in order:
        result.add(f"{variant}: launch to health check answered", [r["healthy"] for r in runs[variant]], "s")
        result.add(f"{variant}: launch to first figure's message in the browser",
                   [r["received"] for r in runs[variant]], "s")
        result.add(f"{variant}: drawing it (message to visible)",
                   [r["shown"] - r["received"] for r in runs[variant]], "s")
    if "app" in figures and "bare" in figures:
        result.target("cold start: app / bare app (first figure)", figures["app"].ratio, 1.5)
    if "app_busy" in figures and "app" in figures:
        result.target("cold start beside busy cores: busy / quiet app", figures["app_busy"].ratio, 2.0)
    if "app_busy" in figures and "bare_busy" in figures:
        result.notes.append(
            f"beside busy cores the app is {figures['app_busy'].median / figures['bare_busy'].median:.2f}x "
            "the bare app launched the same way")
    return result.as_dict()


if __name__ == "__main__":
    import sys

    from benchmarks.cli import main

    main(["--only", NAME, *sys.argv[1:]])
