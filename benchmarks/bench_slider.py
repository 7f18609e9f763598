"""Slider latency in chromium: key press on the Decide page's slider to the new readout on screen.

Run from the repository root: ``python -m benchmarks --only slider``.

Each move is one key press (PageUp and PageDown in turn) on the page's first element of role
"slider"; its time runs until the readout (the first h5, the sentence the figures start with)
shows a new text: the server's rerun of the slider's fragment, the transfer and the drawing.
Before the next move the page is left to finish (charts may follow the figures). Variants:

- ``app``: the default demo (churn), ``/Decide``;
- ``app_big``: a generated churn-like demo of ``big_rows`` rows (1,000,000 in the full run),
  served from a temporary demos folder (PROOFDECK_DEMOS_DIR, PROOFDECK_DATA_ROOT); its first
  load, which reads and fits it, is recorded too;
- ``bare``: a bare app whose slider updates an h5 readout and six metrics, the baseline.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from benchmarks.config import FULL, Config
from benchmarks.harness import (
    ROOT,
    RUNNING,
    VIEWPORT,
    BenchError,
    browser_missing,
    launch_browser,
    running_server,
    settle,
    write_bare_apps,
)
from benchmarks.report import Figure, PartResult
from benchmarks.synthetic import big_demo

NAME = "slider"
READOUT = "h5"
CHANGED = "([sel, old]) => { const e = document.querySelector(sel); return e && e.innerText !== old; }"


def timed_move(page, index: int, timeout: float = 60.0) -> tuple[float, float]:
    """One key press (PageUp, then PageDown on odd ``index``) on the page's first slider:
    seconds to the new readout and to the end of the rerun; then the page is left to finish."""
    page.get_by_role("slider").first.focus()
    before = page.locator(READOUT).first.inner_text()
    pressed = time.perf_counter()
    page.keyboard.press("PageUp" if index % 2 == 0 else "PageDown")
    page.wait_for_function(CHANGED, arg=[READOUT, before], timeout=timeout * 1000)
    readout = time.perf_counter() - pressed
    page.wait_for_function(f"() => !document.querySelector('{RUNNING}')", timeout=timeout * 1000)
    finished = time.perf_counter() - pressed
    settle(page, timeout * 1000, quiet_ms=150)
    return readout, finished


def slider_moves(browser, url: str, moves: int, load_timeout: float, move_timeout: float = 60.0) -> dict:
    """Open ``url``, then time ``moves`` key presses: seconds to load, and for each move the
    seconds to the new readout and to the end of the rerun (charts drawn)."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    try:
        started = time.perf_counter()
        page.goto(url, wait_until="commit", timeout=load_timeout * 1000)
        page.wait_for_selector(READOUT, state="visible", timeout=load_timeout * 1000)
        loaded = time.perf_counter() - started
        settle(page, load_timeout * 1000)
        readout, finished = [], []
        for index in range(moves):
            to_readout, to_finished = timed_move(page, index, move_timeout)
            readout.append(to_readout)
            finished.append(to_finished)
        return {"load": loaded, "readout": readout, "finished": finished}
    except Exception as error:
        raise BenchError(f"slider at {url}: {type(error).__name__}: {str(error)[:300]}") from error
    finally:
        context.close()


def run(config: Config = FULL) -> dict:
    """Slider moves on the default demo, a big generated demo and the bare six-metric slider."""
    missing = browser_missing()
    if missing:
        return {"skipped": missing}
    from playwright.sync_api import sync_playwright

    result = PartResult(NAME)
    measured: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="proofdeck-bench-") as folder, sync_playwright() as playwright:
        folder = Path(folder)
        bare = write_bare_apps(folder / "bare")["bare_slider"]
        browser = launch_browser(playwright)
        try:
            for variant in config.slider_variants:
                if variant == "bare":
                    with running_server(bare, bare.parent, f"{NAME}-bare") as server:
                        measured[variant] = slider_moves(browser, server.url, config.moves, 120)
                elif variant == "app":
                    with running_server(ROOT / "app.py", ROOT, f"{NAME}-app") as server:
                        measured[variant] = slider_moves(browser, f"{server.url}/Decide?demo=churn", config.moves, 300)
                elif variant == "app_big" and config.big_rows > 0:
                    env = big_demo(folder / "big", config.big_rows)
                    with running_server(ROOT / "app.py", ROOT, f"{NAME}-app-big", env=env) as server:
                        measured[variant] = slider_moves(browser, f"{server.url}/Decide?demo=churn_big", config.moves,
                                                         config.big_load_timeout)
        finally:
            browser.close()

    labels = {"bare": "bare six-metric slider", "app": "app, churn demo",
              "app_big": f"app, {config.big_rows:,}-row demo"}
    figures: dict[str, Figure] = {}
    for variant in [v for v in ("bare", "app", "app_big") if v in measured]:
        figures[variant] = result.add(f"{labels[variant]}: key press to new readout",
                                      [t * 1000 for t in measured[variant]["readout"]], "ms",
                                      baseline=figures.get("bare"))
    for variant in [v for v in ("bare", "app", "app_big") if v in measured]:
        result.add(f"{labels[variant]}: key press to rerun finished (charts too)",
                   [t * 1000 for t in measured[variant]["finished"]], "ms")
        if variant != "bare":
            result.add(f"{labels[variant]}: first load of Decide (read + fit)", [measured[variant]["load"]], "s")
    bare_figure, app_figure, big_figure = (figures.get(v) for v in ("bare", "app", "app_big"))
    if app_figure is not None and bare_figure is not None:
        result.target("slider: app median / bare six-metric slider median", app_figure.ratio, 1.5)
    if big_figure is not None:
        scale = "" if config.big_rows == 1_000_000 else "; target at 1,000,000"
        label = f"slider median at {config.big_rows:,} rows (ms{scale})"
        result.target(label, big_figure.median, 250.0, unit="ms")
    return result.as_dict()


if __name__ == "__main__":
    import sys

    from benchmarks.cli import main

    main(["--only", NAME, *sys.argv[1:]])
