"""Benchmark: how long a slider move takes to show new figures in a real browser.

Run from the repository root: python -m benchmarks.bench_slider [demo]
Starts `streamlit run app.py`, opens the Decide page in Debian's chromium, moves the cut-off
slider with the keyboard and times each move from key press until the readout sentence
changes on screen (server rerun of the fragment + transfer + render). Prints the median and
p90 over 20 moves. Not a test: figures are for people to read.
"""

from __future__ import annotations

import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
READOUT = "h5"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main(demo: str = "churn", moves: int = 20) -> None:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port), "--server.headless", "true"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1)
                break
            except OSError:
                time.sleep(0.3)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            page.goto(f"http://127.0.0.1:{port}/Decide?demo={demo}", timeout=180_000)
            page.wait_for_selector(READOUT, timeout=180_000)
            page.wait_for_timeout(3000)
            thumb = page.get_by_role("slider").first
            thumb.focus()
            timings = []
            for index in range(moves):
                before = page.locator(READOUT).first.inner_text()
                key = "PageUp" if index % 2 == 0 else "PageDown"
                start = time.perf_counter()
                page.keyboard.press(key)
                page.wait_for_function(
                    "([sel, old]) => document.querySelector(sel) && document.querySelector(sel).innerText !== old",
                    arg=[READOUT, before], timeout=30_000,
                )
                timings.append(time.perf_counter() - start)
                page.wait_for_timeout(400)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=20)
    timings_ms = sorted(t * 1000 for t in timings)
    print(f"demo {demo}: {moves} slider moves, key press to new readout on screen")
    print(f"  median {statistics.median(timings_ms):.0f} ms, p90 {timings_ms[int(0.9 * len(timings_ms)) - 1]:.0f} ms, "
          f"min {timings_ms[0]:.0f} ms, max {timings_ms[-1]:.0f} ms")


if __name__ == "__main__":
    main(*(sys.argv[1:2] or ["churn"]))
