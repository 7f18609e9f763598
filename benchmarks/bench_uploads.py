"""Another viewer's speed while someone uploads a decompression bomb, or a large file.

Run from the repository root: ``python -m benchmarks --only uploads``.

One viewer sits on the Decide page of the churn demo; each of its moves is a key press on the
slider, timed to the new readout and to the end of the rerun (as in :mod:`benchmarks.bench_slider`).
Each round, on the same server and the same viewer:

- ``quiet``: ``upload_moves`` moves with nothing else going on (the baseline);
- then, for each upload kind, another session opens Your data and uploads a file, and the
  viewer moves again and again until that session shows the result (the refusal, or "Read N
  rows"); only moves that ended before the result was shown count:
  ``xlsx_bomb`` a workbook of ``bomb_cells`` tiny cells with no declared size (20 million
  zip to 1.3 MB; reading stops at the 2,000,000-cell limit), ``parquet_bomb`` ``bomb_zeros``
  rows of two int64 zero columns (400 million fit in 3.5 MB; decoding stops at the 1 GB
  bound), ``csv`` a churn-like export of ``large_upload_rows`` rows (read, then profiled).
  Every round's files differ a little, so no cache saves the work.

Variants are servers: ``isolated`` the app as it runs (uploads read in a child process), and
``in_process`` the same app reading uploads in the server process (``PROOFDECK_ISOLATED_READS=0``),
where it read them before issue 17 (with the same limits): the comparison shows what the
separate process buys. The
target (issue 17): the viewer within 1.5x of its quiet speed during any upload, as the ratio of
medians of the moves' times to the end of the rerun. Background refits are off
(``PROOFDECK_REFITS=0``), so nothing but the upload competes with the viewer.
"""

from __future__ import annotations

import re
import tempfile
import time
from pathlib import Path

from benchmarks.bench_slider import timed_move
from benchmarks.config import FULL, Config
from benchmarks.harness import (
    ROOT,
    VIEWPORT,
    BenchError,
    browser_missing,
    launch_browser,
    running_server,
    settle,
)
from benchmarks.report import PartResult

NAME = "uploads"
RESULT = re.compile(r"This file cannot be used|Read [\d,]+ rows and [\d,]+ columns")
LABELS = {"xlsx_bomb": "a workbook bomb", "parquet_bomb": "a Parquet bomb", "csv": "a large CSV"}
SERVERS = {"isolated": {}, "in_process": {"PROOFDECK_ISOLATED_READS": "0"}}
VARIANT_LABELS = {"isolated": "app", "in_process": "app reading in the server process"}


def _upload_file(kind: str, config: Config, folder: Path, round_index: int) -> Path:
    """The upload of one kind for one round (a little different each round: no cache hit)."""
    from benchmarks.synthetic import churn_like, parquet_zeros, workbook_bomb, write_csv

    if kind == "xlsx_bomb":
        path, data = folder / f"export_{round_index}.xlsx", workbook_bomb(config.bomb_cells + round_index)
    elif kind == "parquet_bomb":
        path, data = folder / f"export_{round_index}.parquet", parquet_zeros(config.bomb_zeros + round_index)
    else:
        return write_csv(churn_like(config.large_upload_rows, seed=200 + round_index, messy=True),
                         folder / f"customers_{round_index}.csv")
    path.write_bytes(data)
    return path


def _quiet(viewer, moves: int, timeout: float) -> list[tuple[float, float]]:
    return [timed_move(viewer, index, timeout) for index in range(moves)]


def _during_upload(browser, viewer, url: str, path: Path, config: Config) -> dict:
    """Upload ``path`` in a new session; move the viewer until that session shows the result."""
    context = browser.new_context(viewport=VIEWPORT)
    uploader = context.new_page()
    try:
        uploader.goto(url + "/Your_data", wait_until="commit", timeout=config.upload_timeout * 1000)
        chooser = uploader.locator("input[type=file]")
        chooser.wait_for(state="attached", timeout=config.upload_timeout * 1000)
        settle(uploader, config.upload_timeout * 1000)
        result = uploader.get_by_text(RESULT).first
        moves, index = [], 0
        started = time.perf_counter()
        chooser.set_input_files(str(path))
        while result.count() == 0:
            if time.perf_counter() - started > config.upload_timeout:
                raise BenchError(f"no result for {path.name} after {config.upload_timeout:.0f} s")
            move = timed_move(viewer, index, config.upload_timeout)
            index += 1
            if result.count() == 0:  # the move ended before the result was shown: it was during
                moves.append(move)
        shown = time.perf_counter() - started  # within one move of when it appeared
        return {"moves": moves, "seconds": shown, "message": result.inner_text()[:300]}
    finally:
        context.close()


def _measure(browser, variant: str, config: Config, folder: Path) -> dict:
    env = {"PROOFDECK_REFITS": "0", **SERVERS[variant]}
    out: dict = {"quiet": [], **{kind: [] for kind in config.upload_kinds}}
    with running_server(ROOT / "app.py", ROOT, f"{NAME}-{variant}", env=env) as server:
        context = browser.new_context(viewport=VIEWPORT)
        viewer = context.new_page()
        viewer.goto(f"{server.url}/Decide?demo=churn", wait_until="commit", timeout=config.upload_timeout * 1000)
        viewer.wait_for_selector("h5", state="visible", timeout=config.upload_timeout * 1000)
        settle(viewer, config.upload_timeout * 1000)
        _quiet(viewer, 2, config.upload_timeout)  # warm the fragment's code paths
        try:
            for round_index in range(config.upload_rounds):
                out["quiet"].append(_quiet(viewer, config.upload_moves, config.upload_timeout))
                for kind in config.upload_kinds:
                    path = _upload_file(kind, config, folder, round_index)
                    out[kind].append(_during_upload(browser, viewer, server.url, path, config))
                    path.unlink()
        except Exception as error:
            raise BenchError(f"{variant}: {type(error).__name__}: {str(error)[:300]}") from error
        finally:
            context.close()
    return out


def run(config: Config = FULL) -> dict:
    """A viewer's slider quiet and during each kind of upload, on each server variant."""
    missing = browser_missing()
    if missing:
        return {"skipped": missing}
    from playwright.sync_api import sync_playwright

    result = PartResult(NAME)
    measured = {}
    with tempfile.TemporaryDirectory(prefix="proofdeck-bench-") as folder, sync_playwright() as playwright:
        browser = launch_browser(playwright)
        try:
            for variant in config.upload_variants:
                measured[variant] = _measure(browser, variant, config, Path(folder))
        finally:
            browser.close()

    for variant, out in measured.items():
        label = VARIANT_LABELS[variant]
        quiet = [move for moves in out["quiet"] for move in moves]
        base = result.add(f"{label}, quiet: viewer's key press to rerun finished", [f * 1000 for _, f in quiet], "ms")
        result.add(f"{label}, quiet: viewer's key press to new readout", [r * 1000 for r, _ in quiet], "ms")
        for kind in config.upload_kinds:
            uploads = out[kind]
            moves = [move for upload in uploads for move in upload["moves"]]
            note = "" if moves else "the upload ended before one move did"
            figure = result.add(f"{label}, during {LABELS[kind]}: key press to rerun finished",
                                [f * 1000 for _, f in moves], "ms", baseline=base, note=note)
            result.add(f"{label}, during {LABELS[kind]}: key press to new readout", [r * 1000 for r, _ in moves], "ms")
            result.add(f"{label}: {LABELS[kind]} uploaded until its result was shown",
                       [upload["seconds"] for upload in uploads], "s")
            result.notes.append(f"{label}, {LABELS[kind]}: {sum(len(u['moves']) for u in uploads)} moves during "
                                f"{len(uploads)} uploads; the page said: {uploads[-1]['message'][:160]}")
            if variant == "isolated":
                result.target(f"viewer during {LABELS[kind]} / quiet (medians, rerun finished)",
                              figure.ratio, 1.5, note=note)
    if "xlsx_bomb" in config.upload_kinds:
        result.notes.append(f"the workbook bomb: {config.bomb_cells:,} cells; the Parquet bomb: "
                            f"{config.bomb_zeros:,} rows x 2 zeros; the CSV: {config.large_upload_rows:,} rows")
    return result.as_dict()


if __name__ == "__main__":
    import sys

    from benchmarks.cli import main

    main(["--only", NAME, *sys.argv[1:]])
