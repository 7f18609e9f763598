"""Proofdeck against explainerdashboard on the same fitted model, in chromium (issue 22).

Run from the repository root (only on request, not in the default run):
``python -m benchmarks --only peer [--peer-python /work/peer-venv/bin/python]``.

The peer lives in its own venv (``--peer-python``; never installed into the project's
environment nor listed in a requirements file) and is started by that interpreter running
``peer_dashboard.py``. Both get one pipeline fitted here once on the telco export
(``peer_inputs.py``): Proofdeck as a skops file through ``Proof.save`` and a server started as
``Proof.run`` starts it, the peer as the same fitted object in a joblib file. Then, in
alternating rounds (Proofdeck, the peer, Proofdeck, ...), each a fresh server on a free port of
127.0.0.1 and a new browser context:

- launch to first chart: from launching the server's process to the first Plotly chart with
  its data drawn (Proofdeck: the Decide page of the launched model; the peer: its first tab,
  the feature importances);
- the cut-off: one arrow key on the cut-off slider (Proofdeck: Decide's slider; the peer: the
  "Global cutoff" slider of its Classification Stats tab), timed to the first response
  (Proofdeck: the readout's new text; the peer: its confusion matrix redrawn) and to idle
  (Streamlit's running widget gone; Dash's "Updating..." title and loading marks gone);
- the server's memory: VmRSS of its process tree at the first chart and after the moves.

Requests to anything but 127.0.0.1 are refused in the browser and counted. Each one's file for
sharing (Proofdeck's one-file report, the peer's static HTML export) is counted for external
scripts and stylesheets and opened in chromium with the network refused.
"""

from __future__ import annotations

import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks.config import FULL, Config
from benchmarks.harness import (
    LOGS,
    ROOT,
    RUNNING,
    BenchError,
    Server,
    browser_missing,
    child_process,
    free_port,
    launch_browser,
    refuse_network,
    settle,
    start_server,
    stop,
    tree_rss_mb,
)
from benchmarks.peer_exports import exports, round_table
from benchmarks.peer_inputs import ID, fit_pipeline, proof, same_scores, telco_split, write_peer_bundle
from benchmarks.report import PartResult

NAME = "peer"
TOOLS = ("proofdeck", "peer")
PEER_SCRIPT = Path(__file__).with_name("peer_dashboard.py")
SCREEN = {"width": 1280, "height": 720}
DRAWN = ".js-plotly-plot g.trace"  # a chart with its data drawn: an empty Dash graph draws bare axes
READOUT = "h5"
CHANGED = "([sel, old]) => { const e = document.querySelector(sel); return e && e.innerText !== old; }"
STREAMLIT_IDLE = f"() => !document.querySelector('{RUNNING}')"
DASH_IDLE = "() => document.title !== 'Updating...' && !document.querySelector('[data-dash-is-loading=\"true\"]')"
PEER_TAB, PEER_CARD = "Classification Stats", "Global cutoff"
PEER_GRAPH = '[id^="confusionmatrix-graph"] .js-plotly-plot'
HOOK = ("(g) => { window.__benchRedrawn = false; if (!g.__benchHooked) { g.__benchHooked = true; "
        "g.on('plotly_afterplot', () => { window.__benchRedrawn = true; }); } }")
PEER_VERSIONS = ("import importlib.metadata as m; print(' '.join(f'{p}=={m.version(p)}' for p in "
                 "('explainerdashboard', 'scikit-learn', 'pandas', 'numpy', 'dash', 'shap')))")


def peer_missing(python: str) -> str | None:
    """Why the peer cannot run here, or None; its versions are asked for at the same time."""
    if not Path(python).exists():
        return (f"no peer venv at {python}: create one apart from the project's environment "
                "(python -m venv, then pip install explainerdashboard scikit-learn pandas) or pass --peer-python")
    check = subprocess.run([python, "-c", PEER_VERSIONS], capture_output=True, text=True, timeout=300)  # noqa: S603
    return None if check.returncode == 0 else f"{python} cannot import explainerdashboard: {check.stderr[-300:]}"


def peer_versions(python: str) -> str:
    return subprocess.run([python, "-c", PEER_VERSIONS], capture_output=True, text=True,  # noqa: S603
                          timeout=300).stdout.strip()


def start_peer(python: str, bundle: Path, log_name: str) -> Server:
    """The peer's dashboard on a free port of 127.0.0.1, launched now (not waited for)."""
    LOGS.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log_path = LOGS / f"{log_name}.log"
    with open(log_path, "w", encoding="utf-8") as log:
        started = time.perf_counter()
        process = child_process([python, str(PEER_SCRIPT), str(bundle), "--port", str(port)], cwd=bundle.parent,
                                stdout=log, stderr=subprocess.STDOUT)
    return Server(process, f"http://127.0.0.1:{port}", log_path, started, health="/")


def _key(index: int) -> str:
    return "ArrowRight" if index % 2 == 0 else "ArrowLeft"


def proofdeck_moves(page, moves: int, timeout_ms: float) -> list[tuple[float, float]]:
    """Arrow keys on Decide's slider: seconds to the readout's new text, and to the app idle."""
    settle(page, timeout_ms)
    timings = []
    for index in range(moves):
        page.get_by_role("slider").first.focus()
        before = page.locator(READOUT).first.inner_text()
        pressed = time.perf_counter()
        page.keyboard.press(_key(index))
        page.wait_for_function(CHANGED, arg=[READOUT, before], timeout=timeout_ms)
        response = time.perf_counter() - pressed
        page.wait_for_function(STREAMLIT_IDLE, timeout=timeout_ms)
        timings.append((response, time.perf_counter() - pressed))
        settle(page, timeout_ms, quiet_ms=150)
    return timings


def dash_settle(page, timeout_ms: float, quiet_ms: int = 300) -> None:
    for _ in range(2):
        page.wait_for_function(DASH_IDLE, timeout=timeout_ms)
        page.wait_for_timeout(quiet_ms)


def peer_moves(page, moves: int, timeout_ms: float) -> list[tuple[float, float]]:
    """Arrow keys on the peer's global cut-off: seconds to its confusion matrix redrawn, and to idle."""
    page.locator(f"text={PEER_TAB} >> visible=true").first.click()
    graph = page.locator(PEER_GRAPH).first
    graph.locator(".main-svg").first.wait_for(state="visible", timeout=timeout_ms)
    dash_settle(page, timeout_ms)
    slider = page.locator(".card", has_text=PEER_CARD).get_by_role("slider").first
    timings = []
    for index in range(moves):
        graph.evaluate(HOOK)
        slider.focus()
        pressed = time.perf_counter()
        page.keyboard.press(_key(index))
        page.wait_for_function("() => window.__benchRedrawn", timeout=timeout_ms)
        response = time.perf_counter() - pressed
        page.wait_for_function(DASH_IDLE, timeout=timeout_ms)
        timings.append((response, time.perf_counter() - pressed))
        dash_settle(page, timeout_ms, quiet_ms=150)
    return timings


def one_round(browser, tool: str, inputs: dict[str, Path], config: Config, log_name: str, shots: bool) -> dict:
    """One fresh server of ``tool`` and one new browser context: launch to first chart, memory, moves."""
    if tool == "proofdeck":
        from proofdeck.app_files import LAUNCH_ENV

        server, path = start_server(ROOT / "app.py", ROOT, log_name, env={LAUNCH_ENV: str(inputs[tool])}), "/Decide"
    else:
        server, path = start_peer(config.peer_python, inputs[tool], log_name), "/"
    context = browser.new_context(viewport=SCREEN)
    refused = refuse_network(context)
    page = context.new_page()
    timeout_ms = config.peer_timeout * 1000
    try:
        healthy = server.wait_healthy(config.peer_timeout)
        page.goto(server.url + path, wait_until="commit", timeout=timeout_ms)
        page.wait_for_selector(DRAWN, state="visible", timeout=timeout_ms)
        shown = time.perf_counter() - server.started
        rss_first = tree_rss_mb(server.pid)
        if shots:
            page.screenshot(path=LOGS / f"{log_name}-first-chart.png")
        moved = (proofdeck_moves if tool == "proofdeck" else peer_moves)(page, config.peer_moves, timeout_ms)
        if shots:
            page.screenshot(path=LOGS / f"{log_name}-after-moves.png")
        rss_end = tree_rss_mb(server.pid)
    except Exception as error:
        raise BenchError(f"{log_name}: {type(error).__name__}: {str(error)[:300]}; see {server.log_path}") from error
    finally:
        context.close()
        stop(server.process)
    return {"healthy": healthy, "first_chart": shown, "rss_first_chart": rss_first, "rss_end": rss_end,
            "response": [m[0] for m in moved], "idle": [m[1] for m in moved], "refused": refused}


def prepare(folder: Path, config: Config) -> tuple[dict[str, Path], dict]:
    """Fit the one pipeline, write each tool's files, and check both get the same probabilities."""
    import sklearn

    split = telco_split(config.peer_rows)
    model = fit_pipeline(split)
    ours = model.predict_proba(split.test.drop(columns=ID))[:, 1]
    made = proof(model, split)
    saved = made.save(folder / "proofdeck")
    (folder / "peer").mkdir()
    bundle = write_peer_bundle(folder / "peer" / "bundle.joblib", model, split)
    scores_path = folder / "peer" / "scores.npy"
    subprocess.run([config.peer_python, str(PEER_SCRIPT), str(bundle), "--scores", str(scores_path)],  # noqa: S603
                   check=True, capture_output=True, timeout=config.peer_timeout)
    reopened = type(made).load(saved).model.predict_proba(split.test.drop(columns=ID))[:, 1]
    facts = {
        "model": f"{type(model).__name__}: {' + '.join(type(s).__name__ for _, s in model.steps)}",
        "rows": {"train": len(split.train), "held_out": len(split.test)},
        "sklearn": {"proofdeck": sklearn.__version__, "peer": peer_versions(config.peer_python)},
        "largest_difference": {"proofdeck_skops_file": same_scores(ours, reopened),
                               "peer_explainer": same_scores(ours, np.load(scores_path))},
        "held_out_auc": _auc(split.y_test.to_numpy(), ours),
    }
    return {"proofdeck": saved, "peer": bundle, "proof": made}, facts


def _auc(y: np.ndarray, scores: np.ndarray) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(y, scores))


def run(config: Config = FULL) -> dict:
    """Alternating rounds of both tools on one fitted model, then each one's file for sharing."""
    missing = browser_missing() or peer_missing(config.peer_python)
    if missing:
        return {"skipped": missing}
    from playwright.sync_api import sync_playwright

    result = PartResult(NAME)
    rounds: dict[str, list[dict]] = {tool: [] for tool in TOOLS}
    with tempfile.TemporaryDirectory(prefix="proofdeck-bench-peer-") as folder, sync_playwright() as playwright:
        inputs, facts = prepare(Path(folder), config)
        browser = launch_browser(playwright)
        try:
            for number in range(config.peer_rounds):
                for tool in TOOLS:
                    rounds[tool].append(one_round(browser, tool, inputs, config, f"{NAME}-{tool}-{number}",
                                                  shots=number == 0))
            shared = exports(browser, inputs, Path(folder), config, PEER_SCRIPT)
        finally:
            browser.close()

    labels = {"first_chart": ("launch to first chart", "s", 1), "healthy": ("launch to the server answering", "s", 1),
              "response": ("cut-off key to first response", "ms", 1000), "idle": ("cut-off key to idle", "ms", 1000),
              "rss_first_chart": ("server memory at first chart", "MB", 1), "rss_end": ("server memory after moves",
                                                                                       "MB", 1)}
    for key, (label, unit, scale) in labels.items():
        values = {tool: [v * scale for r in rounds[tool] for v in np.atleast_1d(r[key])] for tool in TOOLS}
        peer = result.add(f"peer: {label}", values["peer"], unit)
        result.add(f"proofdeck: {label}", values["proofdeck"], unit, baseline=peer)
    result.notes += facts_notes(facts, rounds, shared)
    print(round_table(rounds, labels), flush=True)
    return {**result.as_dict(), "facts": facts, "rounds": rounds, "exports": shared}


def facts_notes(facts: dict, rounds: dict[str, list[dict]], shared: dict) -> list[str]:
    notes = [f"one model for both: {facts['model']}, fitted once on {facts['rows']['train']:,} rows, "
             f"{facts['rows']['held_out']:,} held out (AUC {facts['held_out_auc']:.3f})",
             f"scikit-learn: project {facts['sklearn']['proofdeck']}; peer venv {facts['sklearn']['peer']}",
             "largest probability difference from the fitted object: Proofdeck's skops file "
             f"{facts['largest_difference']['proofdeck_skops_file']:.1e}, the peer's explainer "
             f"{facts['largest_difference']['peer_explainer']:.1e}"]
    for tool in TOOLS:
        refused = sorted({url for r in rounds[tool] for url in r["refused"]})
        notes.append(f"{tool}: requests off 127.0.0.1 refused in the browser: {len(refused)}"
                     + (f" ({', '.join(refused[:3])})" if refused else ""))
    notes += [shared[tool]["note"] for tool in TOOLS if tool in shared]
    return notes


if __name__ == "__main__":
    import sys

    from benchmarks.cli import main

    main(["--only", NAME, *sys.argv[1:]])
