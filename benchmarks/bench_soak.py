"""A bounded soak: many short browser sessions against one server, its memory and its errors.

Run from the repository root: ``python -m benchmarks --only soak`` (not part of the default
run: it is long, and no target of issue 14 depends on it).

One server (``streamlit run app.py`` on a free port of 127.0.0.1) lives for the whole soak.
Each iteration is a fresh browser context (a new Streamlit session) on the next demo: it opens
the pitch, then by the sidebar's links Decide (the slider moved by keyboard, the first
assumption in the sidebar's Assumptions changed), Examples, Rule vs model and Share; every
``soak_upload_every`` iterations it also uploads a newly generated churn-like CSV on Your data,
writes today's rule and builds it. The loop stops after ``soak_iterations`` or
``soak_time_cap`` seconds, whichever comes first.

Errors counted: an ``stException`` element on a page, "Traceback" in a page's text, a step that
timed out (the iteration is then abandoned), and lines with "Traceback" in the server's log.
Memory is the server process's VmRSS after each iteration (its context closed); growth is the
least-squares slope over the second half of the iterations, per 100 iterations. Streamlit keeps
a closed session for ``server.disconnectedSessionTTL`` (120 s by default), so the samples include
the sessions of the last two minutes, uploads among them.
"""

from __future__ import annotations

import math
import re
import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks.config import FULL, Config
from benchmarks.harness import (
    ROOT,
    VIEWPORT,
    browser_missing,
    launch_browser,
    peak_rss_mb,
    running_server,
    settle,
)
from benchmarks.report import PartResult

NAME = "soak"
PAGES = ("Decide", "Examples", "Rule vs model", "Share")  # after the pitch, by the sidebar's links
READ_DONE = re.compile(r"Read [\d,]+ rows and [\d,]+ columns")
BUILT = "Your data is a demo for this session"
RULE_BOX = "The same rule as text (you can edit it here too)"
QUIET_MS = 150  # no running indicator for this long, twice, and a step is done
UPLOAD_RULE = 'contract == "month-to-month" and tenure_months < 6'


class StepTimeout(Exception):
    """A step of an iteration did not finish in time; the iteration is abandoned."""


class Iteration:
    """One session's walk: every check it makes adds to ``errors``."""

    def __init__(self, context, index: int, timeout_ms: float, errors: list[str]) -> None:
        self.page = context.new_page()
        self.page.set_default_timeout(timeout_ms)
        self.index, self.timeout_ms, self.errors = index, timeout_ms, errors

    def check(self, where: str) -> None:
        """Wait for the page to finish running, then look for an exception or a traceback."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        try:
            settle(self.page, self.timeout_ms, quiet_ms=QUIET_MS)
        except PlaywrightTimeout:
            raise StepTimeout(where) from None
        shown = self.page.get_by_test_id("stException").count()
        if shown:
            self.errors.append(f"iteration {self.index}, {where}: {shown} exception element(s) on the page")
        if "Traceback" in self.page.inner_text("body"):
            self.errors.append(f"iteration {self.index}, {where}: 'Traceback' in the page's text")

    def go(self, link: str) -> None:
        self.page.get_by_test_id("stSidebar").get_by_role("link", name=link, exact=True).click()
        self.page.wait_for_selector("h1")
        self.check(link)

    def move_slider(self, moves: int) -> None:
        slider = self.page.get_by_role("slider").first
        slider.focus()
        key = "ArrowRight" if self.index % 2 == 0 else "ArrowLeft"
        for _ in range(moves):
            self.page.keyboard.press(key)
            self.check("Decide slider")

    def change_assumption(self) -> None:
        """The first figure in the sidebar's Assumptions (what an action costs), a new value."""
        sidebar = self.page.get_by_test_id("stSidebar")
        field = sidebar.get_by_role("spinbutton").first
        if not field.is_visible():
            sidebar.get_by_text("Assumptions").click()
        field.wait_for(state="visible")
        field.fill(str(5 + self.index % 40))
        field.press("Enter")
        self.check("Assumptions")

    def upload_and_build(self, path: Path) -> None:
        page = self.page
        self.go("Your data")
        page.locator("input[type=file]").set_input_files(str(path))
        page.get_by_text(READ_DONE).first.wait_for()
        self.check("Your data: read")
        rule = page.get_by_role("textbox", name=RULE_BOX)
        rule.fill(UPLOAD_RULE)
        rule.press("Control+Enter")
        self.check("Your data: rule")
        page.get_by_role("button", name=re.compile("Build the dashboard")).click()
        page.get_by_text(BUILT).first.wait_for()
        self.check("Your data: built")
        self.go("Decide")  # the picker now holds the upload: its Decide page too


def _walk(browser, url: str, demo: str, index: int, config: Config, upload: Path | None, errors: list[str]) -> bool:
    """One iteration in a fresh context; False if a step timed out (counted as an error)."""
    from playwright.sync_api import Error as PlaywrightError

    context = browser.new_context(viewport=VIEWPORT)
    try:
        walk = Iteration(context, index, config.soak_step_timeout * 1000, errors)
        walk.page.goto(f"{url}/?demo={demo}")
        walk.page.wait_for_selector("h1")
        walk.check("the pitch")
        for link in PAGES:
            walk.go(link)
            if link == "Decide":
                walk.move_slider(config.soak_moves)
                walk.change_assumption()
        if upload is not None:
            walk.upload_and_build(upload)
        return True
    except (StepTimeout, PlaywrightError) as error:  # a Playwright timeout is a PlaywrightError
        where = str(error).splitlines()[0][:160]
        errors.append(f"iteration {index}: timed out or failed at {where}")
        return False
    finally:
        context.close()


MIN_GROWTH_POINTS = 3


def growth_per_100(samples: list[float]) -> float:
    """Least-squares slope of memory over the second half of the iterations, per 100 iterations."""
    half = samples[len(samples) // 2:]
    if len(half) < MIN_GROWTH_POINTS:  # a slope through two or three points says nothing
        return math.nan
    return float(np.polyfit(np.arange(len(half)), np.asarray(half), 1)[0] * 100)


def soak(config: Config, browser) -> dict:
    """The loop against a new server with a Playwright (sync) ``browser``; the raw figures."""
    from benchmarks.synthetic import churn_like, write_csv

    demos = [d for d in config.soak_demos if (ROOT / "demos" / f"{d}.toml").exists()]
    errors: list[str] = []
    samples: list[float] = []
    seconds: list[float] = []
    uploads, stopped = 0, None
    with tempfile.TemporaryDirectory(prefix="proofdeck-soak-") as folder, \
            running_server(ROOT / "app.py", ROOT, f"{NAME}-{config.name}") as server:
        start_rss = server.rss_mb()
        began = time.perf_counter()
        for index in range(config.soak_iterations):
            if time.perf_counter() - began > config.soak_time_cap:
                stopped = f"the time cap ({config.soak_time_cap:.0f} s)"
                break
            upload = None
            if config.soak_upload_every and index % config.soak_upload_every == config.soak_upload_every - 1:
                upload = write_csv(churn_like(config.soak_upload_rows, seed=1000 + index, messy=True),
                                   Path(folder) / f"customers_{index}.csv")
            started = time.perf_counter()
            done = _walk(browser, server.url, demos[index % len(demos)], index + 1, config, upload, errors)
            uploads += int(done and upload is not None)
            seconds.append(time.perf_counter() - started)
            samples.append(server.rss_mb())
            if server.process.poll() is not None:
                errors.append(f"the server exited ({server.process.returncode}) after iteration {index + 1}")
                stopped = "the server exiting"
                break
        wall = time.perf_counter() - began
        peak = peak_rss_mb(server.pid)
        log = server.log()
    return {"errors": errors, "samples": samples, "seconds": seconds, "uploads": uploads, "start_rss": start_rss,
            "peak_rss": peak, "wall": wall, "log_tracebacks": sum("Traceback" in line for line in log.splitlines()),
            "log": str(server.log_path), "demos": demos, "stopped": stopped}


def run(config: Config = FULL, browser=None) -> dict:
    """The soak; with ``browser`` (a Playwright sync Browser) it uses that one, else its own."""
    missing = browser_missing()
    if missing:
        return {"skipped": missing}
    if browser is None:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            own = launch_browser(playwright)
            try:
                measured = soak(config, own)
            finally:
                own.close()
    else:
        measured = soak(config, browser)
    return report(config, measured).as_dict()


def report(config: Config, measured: dict) -> PartResult:
    result = PartResult(NAME)
    samples, errors = measured["samples"], measured["errors"]
    done = len(samples)
    result.add("iterations (fresh sessions)", [done], "count",
               note=f"of {config.soak_iterations}")
    result.add("uploads built on Your data", [measured["uploads"]], "count")
    result.add("errors on pages (exceptions, tracebacks, timeouts)", [len(errors)], "count")
    result.add("server log lines with 'Traceback'", [measured["log_tracebacks"]], "count")
    start = result.add("server memory at start (healthy, no session)", [measured["start_rss"]], "MB")
    first = result.add("server memory after the first iteration", samples[:1] or [math.nan], "MB", baseline=start)
    result.add("server memory at the end", samples[-1:] or [math.nan], "MB", baseline=first)
    result.add("server peak memory (VmHWM)", [measured["peak_rss"]], "MB")
    result.add("memory growth per 100 iterations, second half", [growth_per_100(samples)], "MB",
               note="least-squares slope")
    result.add("seconds per iteration", measured["seconds"], "s")
    result.add("wall time of the loop", [measured["wall"]], "s")
    if measured["stopped"]:
        result.notes.append(f"stopped after {done} of {config.soak_iterations} iterations by {measured['stopped']}")
    result.notes.append(f"demos cycled: {', '.join(measured['demos'])}; an upload of {config.soak_upload_rows:,} "
                        f"rows every {config.soak_upload_every} iterations; server log {measured['log']}")
    if done:
        shown = sorted({*range(0, done, max(1, done // 10)), done - 1})
        result.notes.append("server memory (MB) by iteration: " + ", ".join(f"{i + 1}: {samples[i]:,.0f}" for i in shown))
    result.notes.extend(errors[:10])
    if len(errors) > 10:
        result.notes.append(f"... and {len(errors) - 10} more errors")
    result.notes.append("closed sessions live on for server.disconnectedSessionTTL (120 s by default), so the "
                        "memory includes the last two minutes' sessions and their uploads")
    return result


if __name__ == "__main__":
    import sys

    from benchmarks.cli import main

    main(["--only", NAME, *sys.argv[1:]])
