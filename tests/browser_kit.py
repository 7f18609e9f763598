"""Shared pieces of the browser tests: Debian's chromium driven by Playwright, a fresh server.

Browser tests skip with a clear reason when chromium or Playwright's Python package is absent
(``.ci/run`` installs chromium, so they run in CI). Servers listen on 127.0.0.1 only.
Walks check the views they pass with axe-core (:class:`Accessibility`).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from benchmarks import axe_check

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Without the background-networking flag, chromium calls Google's hosts at every start.
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--no-first-run", "--disable-sync"]
HAVE_CHROMIUM = Path(CHROMIUM).exists()
needs_chromium = pytest.mark.skipif(not HAVE_CHROMIUM, reason="Debian chromium not installed (apt-get install chromium)")


def playwright_api():
    """Playwright's sync API, or a skip with the reason."""
    return pytest.importorskip("playwright.sync_api", reason="Playwright's Python package is not installed")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def fresh_server(script: str = "app.py", cwd: Path = ROOT, env: dict[str, str] | None = None,
                 log_name: str | None = None) -> Iterator[str]:
    """A new ``streamlit run <script>`` on 127.0.0.1 that no session has visited yet; yields
    its base URL. The server's output goes to tests/artifacts/ for people to read."""
    ARTIFACTS.mkdir(exist_ok=True)
    port = free_port()
    log = open(ARTIFACTS / (log_name or f"server-{port}.log"), "w")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", script, "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=cwd, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 90
        while True:
            try:
                urllib.request.urlopen(f"{base}/_stcore/health", timeout=2)
                break
            except OSError:
                if time.time() > deadline or process.poll() is not None:
                    raise RuntimeError(f"streamlit did not start; see {log.name}") from None
                time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


# Counts the app's runs: every time Streamlit's script state (an attribute of the stApp
# element) turns to "running". Installed once per document; settle() reads it.
_COUNT_RUNS = """() => {
  if (window.__pdRuns !== undefined) return;
  window.__pdRuns = 0; window.__pdSettled = 0;
  new MutationObserver(changes => {
    for (const change of changes)
      if (change.target.getAttribute('data-test-script-state') === 'running' && change.oldValue !== 'running')
        window.__pdRuns += 1;
  }).observe(document.documentElement, {subtree: true, attributes: true, attributeOldValue: true,
                                        attributeFilter: ['data-test-script-state']});
}"""

# True once the app has been idle (its script not running, connected, no running indicator,
# nothing drawn stale) for ``quiet`` ms without a break: a rerun that starts in that time
# resets the clock. Polled by Playwright.
_IDLE_FOR = """(quiet) => {
  const app = document.querySelector('[data-testid=stApp]');
  const idle = !!app && app.getAttribute('data-test-script-state') === 'notRunning'
    && app.getAttribute('data-test-connection-state') === 'CONNECTED'
    && !document.querySelector('[data-testid=stStatusWidget]')
    && !document.querySelector('[data-stale=true]');
  const now = performance.now();
  if (!idle) { window.__pdIdleSince = null; return false; }
  if (window.__pdIdleSince == null) window.__pdIdleSince = now;
  return now - window.__pdIdleSince >= quiet;
}"""


def settle(page, quiet_ms: int = 300, start_ms: int = 1500) -> None:
    """Wait until what the last action started has finished, by Streamlit's own script state.

    When no run has started since the last settle, wait up to ``start_ms`` for the action's run
    to start (a busy server can take a moment; an action that reruns nothing costs this wait).
    Then wait until the app has been idle for ``quiet_ms`` in a row (the clock starts when it
    is idle, so a follow-up run the page asks for is waited for too)."""
    page.evaluate(_COUNT_RUNS)
    if not page.evaluate("() => window.__pdRuns > window.__pdSettled"):
        # Playwright's timeout here means the action started no run.
        with contextlib.suppress(Exception):
            page.wait_for_function("() => window.__pdRuns > window.__pdSettled", timeout=start_ms, polling=50)
    page.evaluate("() => { window.__pdIdleSince = null; }")
    page.wait_for_function(_IDLE_FOR, arg=quiet_ms, timeout=180_000, polling=50)
    page.evaluate("() => { window.__pdSettled = window.__pdRuns; }")


def click_until_shown(button, shown, settle_page, tries: int = 2, timeout: int = 30_000) -> None:
    """Click a button until what it should show appears: on a busy machine the first click can
    land while a dialog redraws, and is lost (a person would click again, and so do we)."""
    for _ in range(tries):
        button.click()
        try:
            shown.wait_for(timeout=timeout)
            return
        except Exception:  # noqa: BLE001 - Playwright's timeout: click again
            settle_page()


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)


class Accessibility:
    """axe-core's serious and critical WCAG 2 A/AA findings on the views a walk passes.

    A walk calls :meth:`check` on each view it wants checked (about half a second each) and
    :meth:`assert_clean` once at its end: a subtest that fails with every finding (rule,
    impact, selector, text), or is skipped with the reason when axe-playwright-python is
    absent, while the walk's own checks still run. The rules, impacts and the few findings
    excluded on purpose are in ``benchmarks/axe_check.py``, shared with the benchmark.
    """

    def __init__(self) -> None:
        self.missing = axe_check.axe_missing()
        self.views: list[str] = []
        self.findings: list[tuple[str, axe_check.Finding]] = []

    def check(self, page, view: str) -> None:
        if not self.missing:
            self.views.append(view)
            self.findings += [(view, finding) for finding in axe_check.check(page).found]

    def assert_clean(self, subtests) -> None:
        with subtests.test("no serious or critical accessibility finding", views=len(self.views)):
            pytest.importorskip("axe_playwright_python", reason=self.missing)
            assert self.views, "the walk checked no view"
            assert not self.findings, axe_check.report(self.findings, len(self.views))
