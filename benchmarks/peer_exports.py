"""``bench_peer``'s files for sharing, opened with the network refused, and its per-round table.

Proofdeck's one-file report (``Proof.report``) and the peer's static HTML export
(``ExplainerDashboard.save_html``) are each counted for scripts and stylesheets fetched from the
network, then opened from disk in chromium with every request off the machine refused: the
charts that draw are counted.
"""

from __future__ import annotations

import contextlib
import statistics
import subprocess
import time
from pathlib import Path

from benchmarks.harness import LOGS, refuse_network
from benchmarks.peer_inputs import external_resources

DRAWN = ".js-plotly-plot g.trace"
# Every chart the file holds (Plotly's placeholder div, drawn or not) and whether it drew.
CHARTS = ("() => [...new Set(document.querySelectorAll('.plotly-graph-div, .js-plotly-plot'))]"
          ".map(g => !!g.querySelector('g.trace'))")
OPEN_TIMEOUT_MS = 30_000


def opened_offline(browser, path: Path, shot: Path) -> dict:
    """Open a file with the network refused: its Plotly charts, how many drew, what was refused."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    refused = refuse_network(context)
    page = context.new_page()
    try:
        page.goto(path.as_uri(), wait_until="load", timeout=OPEN_TIMEOUT_MS)
        with contextlib.suppress(Exception):  # no chart drew: that is the finding, counted below
            page.wait_for_selector(DRAWN, state="attached", timeout=OPEN_TIMEOUT_MS)
        page.wait_for_timeout(1000)
        charts = page.evaluate(CHARTS)
        page.screenshot(path=shot)
    finally:
        context.close()
    return {"plotly_charts": len(charts), "charts_drawn": sum(charts), "refused": refused}


def check_file(browser, path: Path, what: str, seconds: float) -> dict:
    html = path.read_text(encoding="utf-8", errors="replace")
    found = external_resources(html)
    opened = opened_offline(browser, path, LOGS / f"peer-export-{path.stem}.png")
    offline = opened["charts_drawn"] > 0 and opened["charts_drawn"] == opened["plotly_charts"]
    note = (f"{what}: {len(found['scripts'])} external <script src=http...>, {len(found['stylesheets'])} external "
            f"stylesheets, {len(html) / 1e6:.1f} MB, written in {seconds:.1f} s; opened with the network refused "
            f"{opened['charts_drawn']} of {opened['plotly_charts']} Plotly charts drew, "
            f"{len(opened['refused'])} requests refused: {'works offline' if offline else 'does NOT work offline'}")
    return {**found, **opened, "bytes": len(html.encode()), "seconds": seconds, "offline": offline, "note": note}


def exports(browser, inputs: dict, folder: Path, config, peer_script: Path) -> dict:
    """Each tool's file for sharing, written once (not timed against each other) and checked."""
    LOGS.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    report = inputs["proof"].report(folder / "proofdeck-report.html")
    shared = {"proofdeck": check_file(browser, report, "Proofdeck's one-file report",
                                      time.perf_counter() - started)}
    export = folder / "peer-export.html"
    started = time.perf_counter()
    subprocess.run([config.peer_python, str(peer_script), str(inputs["peer"]), "--html", str(export)],  # noqa: S603
                   check=True, capture_output=True, timeout=config.peer_timeout)
    shared["peer"] = check_file(browser, export, "the peer's static HTML export (save_html)",
                                time.perf_counter() - started)
    return shared


def round_table(rounds: dict[str, list[dict]], labels: dict[str, tuple[str, str, float]]) -> str:
    """Each figure per round (a round's moves as their median), the median of all, Proofdeck / peer."""
    count = max(len(r) for r in rounds.values())
    heads = "".join(f"{f'round {n + 1}':>10}" for n in range(count))
    header = f"{'figure':<40} {'tool':<10}{heads}{'median':>10}  proofdeck / peer"
    lines = ["peer: Proofdeck against explainerdashboard, same fitted model", header, "-" * len(header)]
    for key, (label, unit, scale) in labels.items():
        medians = {}
        for tool in ("proofdeck", "peer"):
            per_round = [statistics.median([v * scale for v in _values(r[key])]) for r in rounds[tool]]
            every = [v * scale for r in rounds[tool] for v in _values(r[key])]
            medians[tool] = statistics.median(every)
            cells = "".join(f"{_fmt(v, unit):>10}" for v in per_round)
            ratio = f"  {medians['proofdeck'] / medians['peer']:.2f}x" if tool == "peer" and medians["peer"] else ""
            lines.append(f"{(label + f' ({unit})') if tool == 'proofdeck' else '':<40} {tool:<10}{cells}"
                         f"{_fmt(medians[tool], unit):>10}{ratio}")
    return "\n".join(lines)


def _values(value) -> list[float]:
    return list(value) if isinstance(value, list | tuple) else [value]


def _fmt(value: float, unit: str) -> str:
    return f"{value:.0f}" if unit in ("ms", "MB") else f"{value:.1f}"
