"""A room of viewers: N browser sessions opening the pitch at once on a warmed server.

Run from the repository root: ``python -m benchmarks --only viewers``.

Each viewer is its own chromium context (its own Streamlit session); all N start loading at
the same moment and each one's time runs until its first figure (the first ``st.metric``
value) is visible. Variants, room after room, so a drifting machine moves them alike:

- ``app``: the pitch (``/``) on a server warmed by one viewer (the model fitted, the
  background stability refits finished), who stays connected;
- ``app_upload``: the same while another session uploads a churn-like CSV of
  ``upload_rows`` rows on the Your data page (its time until "Read N rows" is shown is
  recorded); a new file each room, so no cache saves the work;
- ``bare``: a bare app (a title, three metrics and a paragraph) warmed and opened the same way.

Server memory is the server process's resident size (VmRSS): with the one warm viewer, after
every viewer of a room has finished loading, and the highest sampled during the room. The
app's server is started through :mod:`benchmarks.fit_counter`, so the proof that the model was
fitted once is a count of ``build_scenario`` calls in its log.
"""

from __future__ import annotations

import asyncio
import math
import os
import re
import statistics
import tempfile
import threading
import time
from pathlib import Path

from benchmarks.config import FULL, Config
from benchmarks.fit_counter import fit_counts
from benchmarks.harness import (
    APP_FIGURE_BYTES,
    BARE_FIGURE_BYTES,
    FIRST_FIGURE,
    ROOT,
    RUNNING,
    VIEWPORT,
    BenchError,
    Server,
    browser_missing,
    cpu_seconds,
    launch_browser,
    start_server,
    stop,
    watch_for_bytes,
    write_bare_apps,
)
from benchmarks.report import PartResult

NAME = "viewers"
READ_DONE = re.compile(r"Read [\d,]+ rows and [\d,]+ columns")
DEFAULT_REFITS = 10  # ui/frame/stability.py's default when PROOFDECK_REFITS is not set


class _MemorySampler:
    """The highest resident size of a process, sampled every 100 ms while it runs."""

    def __init__(self, server: Server) -> None:
        self.server, self.high = server, server.rss_mb()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            rss = self.server.rss_mb()
            if rss == rss:
                self.high = max(self.high, rss)

    def __enter__(self) -> _MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


async def _first_figure(page, url: str, start: float, timeout_ms: float) -> float:
    await page.goto(url, wait_until="commit", timeout=timeout_ms)
    await page.wait_for_selector(FIRST_FIGURE, state="visible", timeout=timeout_ms)
    return time.perf_counter() - start


async def _settled(page, timeout_ms: float) -> None:
    for _ in range(2):
        await page.wait_for_function(f"() => !document.querySelector('{RUNNING}')", timeout=timeout_ms)
        await page.wait_for_timeout(300)


async def _warm(browser, server: Server, timeout: float):
    """One viewer opens the page and stays: the server has fitted and drawn it once."""
    context = await browser.new_context(viewport=VIEWPORT)
    page = await context.new_page()
    await _first_figure(page, server.url + "/", time.perf_counter(), timeout * 1000)
    await _settled(page, timeout * 1000)
    return context


def _wait_for_refits(server: Server, wanted: int, timeout: float) -> int:
    """Wait until the server's log shows ``wanted`` fits in all (the background refits done)."""
    deadline = time.perf_counter() + timeout
    while True:
        fits = fit_counts(server.log()).get("train_model", 0)
        if fits >= wanted or time.perf_counter() > deadline:
            return fits
        time.sleep(0.5)


async def _uploader(browser, server: Server, timeout: float):
    """A session on the Your data page, ready to upload; returns (context, upload coroutine maker)."""
    context = await browser.new_context(viewport=VIEWPORT)
    page = await context.new_page()
    await page.goto(server.url + "/Your_data", wait_until="commit", timeout=timeout * 1000)
    chooser = page.locator("input[type=file]")
    await chooser.wait_for(state="attached", timeout=timeout * 1000)
    await _settled(page, timeout * 1000)

    async def upload(path: Path, start: float) -> float:
        await chooser.set_input_files(str(path))
        await page.get_by_text(READ_DONE).first.wait_for(state="visible", timeout=timeout * 1000)
        return time.perf_counter() - start

    return context, upload


async def _room(browser, server: Server, viewers: int, timeout: float, marker: bytes, upload=None) -> dict:
    """N viewers at once (and maybe an upload): each one's seconds to its first figure's
    message and to the figure visible, the server's memory and CPU seconds."""
    contexts = [await browser.new_context(viewport=VIEWPORT) for _ in range(viewers)]
    pages = [await context.new_page() for context in contexts]
    try:
        with _MemorySampler(server) as memory:
            cpu = cpu_seconds(server.pid)
            start = time.perf_counter()
            received = [{} for _ in pages]
            for page, seen in zip(pages, received):
                watch_for_bytes(page, marker, start, seen)
            uploading = asyncio.ensure_future(upload(start)) if upload else None
            times = await asyncio.gather(*(_first_figure(p, server.url + "/", start, timeout * 1000) for p in pages))
            await asyncio.gather(*(_settled(p, timeout * 1000) for p in pages))
            uploaded = await uploading if uploading else None
            all_sessions = server.rss_mb()
            cpu = cpu_seconds(server.pid) - cpu
        return {"times": list(times), "received": [seen.get("at", math.nan) for seen in received],
                "uploaded": uploaded, "rss_all": all_sessions, "rss_peak": memory.high, "cpu": cpu}
    finally:
        for context in contexts:
            await context.close()


async def _measure(config: Config, folder: Path) -> dict:
    from playwright.async_api import async_playwright

    from benchmarks.synthetic import churn_like, write_csv

    bare_script = write_bare_apps(folder / "bare")["bare_room"]
    wanted = {"app": any(v.startswith("app") for v in config.room_variants), "bare": "bare" in config.room_variants}
    servers: dict[str, Server] = {}
    rooms: dict[str, list[dict]] = {v: [] for v in config.room_variants}
    out: dict = {"rooms": rooms}
    try:
        if wanted["app"]:
            servers["app"] = start_server(ROOT / "app.py", ROOT, f"{NAME}-app", count_fits=True)
        if wanted["bare"]:
            servers["bare"] = start_server(bare_script, bare_script.parent, f"{NAME}-bare")
        for server in servers.values():
            server.wait_healthy(120)
        async with async_playwright() as playwright:
            browser = await launch_browser(playwright)
            try:
                warm = {}
                for kind, server in servers.items():
                    warm[kind] = await _warm(browser, server, config.viewer_timeout)
                    if kind == "app":
                        refits = int(os.environ.get("PROOFDECK_REFITS", DEFAULT_REFITS) or 0)
                        out["fits_after_warm"] = await asyncio.to_thread(
                            _wait_for_refits, server, 1 + refits, config.refits_timeout)
                        out["refits_wanted"] = refits
                    await asyncio.sleep(1.0)
                    out[f"rss_one_{kind}"] = server.rss_mb()
                for index in range(config.rooms):
                    for variant in config.room_variants:
                        kind = "bare" if variant == "bare" else "app"
                        upload = None
                        if variant == "app_upload" and config.upload_rows > 0:
                            path = write_csv(churn_like(config.upload_rows, seed=100 + index),
                                             folder / f"customers_{index}.csv")
                            context, send = await _uploader(browser, servers[kind], config.viewer_timeout)

                            async def upload(start, send=send, path=path):
                                return await send(path, start)
                        try:
                            marker = BARE_FIGURE_BYTES["bare_room"] if kind == "bare" else APP_FIGURE_BYTES
                            rooms[variant].append(await _room(browser, servers[kind], config.viewers,
                                                              config.viewer_timeout, marker, upload))
                        except Exception as error:
                            raise BenchError(f"room {index + 1}, {variant}: {type(error).__name__}: "
                                             f"{str(error)[:300]}") from error
                        finally:
                            if upload is not None:
                                await context.close()
                for context in warm.values():
                    await context.close()
            finally:
                await browser.close()
        if "app" in servers:
            out["fits"] = dict(fit_counts(servers["app"].log()))
            out["app_log"] = str(servers["app"].log_path)
    finally:
        for server in servers.values():
            stop(server.process)
    return out


def _slowest(values: list[float]) -> float:
    measured = [v for v in values if not math.isnan(v)]
    return max(measured) if len(measured) == len(values) else math.nan


def run(config: Config = FULL) -> dict:
    """Rooms of ``viewers`` sessions on the app, the app during an upload, and the bare app."""
    missing = browser_missing()
    if missing:
        return {"skipped": missing}
    result = PartResult(NAME)
    with tempfile.TemporaryDirectory(prefix="proofdeck-bench-") as folder:
        measured = asyncio.run(_measure(config, Path(folder)))
    rooms, n = measured["rooms"], config.viewers
    labels = {"bare": "bare app", "app": "app (pitch)", "app_upload": "app (pitch) during an upload"}
    slowest, median = {}, {}
    order = [v for v in ("bare", "app", "app_upload") if rooms.get(v)]
    for variant in order:
        runs = rooms[variant]
        slowest[variant] = result.add(f"{labels[variant]}: slowest of {n} viewers to first figure",
                                      [max(r["times"]) for r in runs], "s", baseline=slowest.get("bare"))
        median[variant] = result.add(f"{labels[variant]}: median of {n} viewers to first figure",
                                     [statistics.median(r["times"]) for r in runs], "s", baseline=median.get("bare"))
    for variant in order:
        runs = rooms[variant]
        result.add(f"{labels[variant]}: slowest first figure's message in the browser",
                   [_slowest(r["received"]) for r in runs], "s")
        result.add(f"{labels[variant]}: server CPU seconds per viewer", [r["cpu"] / n for r in runs], "s")
    if rooms.get("app_upload") and rooms["app_upload"][0]["uploaded"] is not None:
        result.add(f"upload of {config.upload_rows:,} rows: file set to 'Read N rows' shown",
                   [r["uploaded"] for r in rooms["app_upload"]], "s")
    for kind in ("bare", "app"):
        if f"rss_one_{kind}" not in measured:
            continue
        one = result.add(f"{labels[kind]}: server memory with one session", [measured[f"rss_one_{kind}"]], "MB")
        for variant in [v for v in order if (v == "bare") == (kind == "bare")]:
            runs = rooms[variant]
            result.add(f"{labels[variant]}: server memory, every viewer in", [r["rss_all"] for r in runs], "MB",
                       baseline=one)
            result.add(f"{labels[variant]}: server peak memory during the room", [r["rss_peak"] for r in runs], "MB")
            result.add(f"{labels[variant]}: memory per added session", [(r["rss_all"] - one.median) / n for r in runs],
                       "MB")
    if "fits" in measured:
        builds, fits = measured["fits"].get("build_scenario", 0), measured["fits"].get("train_model", 0)
        result.add("app: demo builds (build_scenario calls) over warm-up and every room", [builds], "count")
        result.add("app: model fits in all (train_model, background refits included)", [fits], "count")
        result.target("room: the model fitted once (build_scenario calls)", builds if builds else None, 1, unit="count",
                      note="" if builds else "no fit counted: the counter saw nothing")
        if measured.get("fits_after_warm", 0) < 1 + measured.get("refits_wanted", 0):
            result.notes.append(f"the background refits had not all finished after {config.refits_timeout:.0f} s of "
                                f"warm-up ({measured.get('fits_after_warm')} fits of {1 + measured['refits_wanted']})")
        result.notes.append(f"fit lines are in {measured['app_log']}")
    for variant in ("app", "app_upload"):
        if variant in slowest and "bare" in slowest:
            result.target(f"room: slowest viewer, {labels[variant]} / bare app", slowest[variant].ratio, 1.5)
    result.notes.append("Streamlit keeps a closed session for server.disconnectedSessionTTL (120 s by default), "
                        "so later rooms' memory includes earlier rooms' sessions that have not expired yet")
    return result.as_dict()


if __name__ == "__main__":
    import sys

    from benchmarks.cli import main

    main(["--only", NAME, *sys.argv[1:]])
