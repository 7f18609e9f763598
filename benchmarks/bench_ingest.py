"""A million rows through the Your data path, step by step, with the process's peak memory.

Run from the repository root: ``python -m benchmarks --only ingest``.

A churn-like export (the churn sample's generator at ``ingest_rows`` rows, total charges
written as "$1,234.50" with blanks) goes through what the Your data page does with an upload,
in a fresh process per run so its memory is only what the path needs:
read_upload -> profile_table -> build_outcome -> find_leaks -> default_draft, prepare,
draft_spec -> build_scenario(spec, prepared.dataset(), max_train_rows=200,000) (fit, score,
the rest) -> same_budget. Seconds per step; the peak resident memory (VmHWM) of that process,
and the largest resident size sampled during each step. The baseline is plain
``pandas.read_csv`` of the same file in a process of its own.

Then, in the same process, the model is fitted again on every training row, to show the
held-out figures both ways (AUC, and the extra positives reached at the rule's budget): the
stratified sample is only worth it if quality holds.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from benchmarks.config import FULL, Config
from benchmarks.harness import ROOT, BenchError
from benchmarks.report import PartResult

NAME = "ingest"
PATH_STEPS = (
    "read the file's bytes", "hash (sha256)", "read_upload", "profile_table", "build_outcome", "find_leaks",
    "draft: default_draft, prepare, draft_spec", "prepared.dataset()", "build_scenario: fit", "build_scenario: score",
    "build_scenario: split, rule, sweep", "same_budget (bootstrap)",
)


# --- the child process ----------------------------------------------------------------------------


def _status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field):
            return int(line.split()[1]) / 1024
    return float("nan")


class _Steps:
    """Seconds and the largest sampled resident size of each step (sampled every 20 ms)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.peak: dict[str, float] = {}
        self._high = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.wait(0.02):
            self._high = max(self._high, _status_mb("VmRSS:"))

    @contextmanager
    def step(self, name: str):
        self._high = _status_mb("VmRSS:")
        started = time.perf_counter()
        yield
        self.seconds[name] = time.perf_counter() - started
        self.peak[name] = max(self._high, _status_mb("VmRSS:"))

    def close(self) -> None:
        self._stop.set()
        self._thread.join()


def _reset_peak() -> bool:
    """Reset this process's VmHWM (Linux: write 5 to clear_refs); False where not allowed."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def child_baseline(path: Path) -> dict:
    """Plain pandas: the file's bytes read into a frame, and the memory that takes."""
    import io

    import pandas as pd

    base = _status_mb("VmRSS:")
    started = time.perf_counter()
    frame = pd.read_csv(io.BytesIO(path.read_bytes()))
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "peak": _status_mb("VmHWM:"), "base": base, "rows": len(frame)}


def child_path(path: Path, train_sample_rows: int, all_rows: bool) -> dict:
    """The Your data page's steps on one file, timed; then the all-rows fit for comparison."""
    import hashlib

    import proofdeck.model.scenario as scenario_module
    from benchmarks.synthetic import CHURN_RULE, OUTCOME
    from proofdeck.comparison.compare import same_budget
    from proofdeck.model.metrics import ranking_quality
    from proofdeck.model.training import TrainedModel
    from proofdeck.upload.draft import default_draft, draft_spec, prepare
    from proofdeck.upload.ingest import read_upload
    from proofdeck.upload.labels import build_outcome
    from proofdeck.upload.leakage import find_leaks
    from proofdeck.upload.profile import profile_table

    # build_scenario fits and scores inside; time those two by wrapping what it calls.
    fits, scores = [], []
    train_model, score = scenario_module.train_model, TrainedModel.score

    def timed_train(*args, **kwargs):
        started = time.perf_counter()
        try:
            return train_model(*args, **kwargs)
        finally:
            fits.append(time.perf_counter() - started)

    def timed_score(self, frame):
        started = time.perf_counter()
        try:
            return score(self, frame)
        finally:
            scores.append(time.perf_counter() - started)

    scenario_module.train_model, TrainedModel.score = timed_train, timed_score

    base = _status_mb("VmRSS:")
    steps = _Steps()
    with steps.step("read the file's bytes"):
        raw = path.read_bytes()
    with steps.step("hash (sha256)"):
        hashlib.sha256(raw).hexdigest()
    with steps.step("read_upload"):
        table = read_upload(path.name, raw, max_bytes=1 << 31)
    with steps.step("profile_table"):
        profile = profile_table(table)
    frame = table.frame
    with steps.step("build_outcome"):
        outcome = build_outcome(frame, OUTCOME, None, 0.3)
    id_column = profile.id_column
    with steps.step("find_leaks"):
        checked = tuple(c.name for c in profile.columns
                        if c.name not in (outcome.column, id_column) and c.distinct > 1)
        leaks = find_leaks(frame.iloc[outcome.rows], outcome.labels, checked, outcome_column=outcome.column)
    leaked = {leak.column for leak in leaks}
    features = tuple(c for c in profile.features(id_column or "", outcome.column) if c not in leaked)
    with steps.step("draft: default_draft, prepare, draft_spec"):
        draft = default_draft(path.name, outcome.column, outcome.positives, id_column, features, rule=CHURN_RULE)
        prepared = prepare(frame, draft)
        spec = draft_spec(draft, prepared, "upload-bench")
    with steps.step("prepared.dataset()"):
        dataset = prepared.dataset()
    with steps.step("build_scenario"):
        scenario = scenario_module.build_scenario(spec, dataset, max_train_rows=train_sample_rows)
    built, built_peak = steps.seconds.pop("build_scenario"), steps.peak.pop("build_scenario")
    steps.seconds["build_scenario: fit"], steps.seconds["build_scenario: score"] = fits[-1], scores[-1]
    steps.seconds["build_scenario: split, rule, sweep"] = built - fits[-1] - scores[-1]
    for part in ("fit", "score", "split, rule, sweep"):
        steps.peak[f"build_scenario: {part}"] = built_peak  # sampled over the whole call
    econ = scenario.spec.economics
    with steps.step("same_budget (bootstrap)"):
        comparison = same_budget(scenario.scores, scenario.rule_flags, scenario.labels, scenario.values, econ)
    figures = {
        "rows": len(frame), "columns": frame.shape[1], "file_mb": len(raw) / 1e6, "base": base,
        "peak": _status_mb("VmHWM:"), "seconds": steps.seconds, "step_peak": steps.peak,
        "features": list(features), "leaks": sorted(leaked), "train_rows": int(scenario.split.train.size),
        "trained_on": scenario.trained_on, "heldout": int(scenario.split.test.size),
        "sample": {"auc": ranking_quality(scenario.labels, scenario.scores).roc_auc,
                   "extra_reached": comparison.extra_reached.estimate, "fit": fits[-1]},
        "conversions": [c.sentence for c in table.conversions],
    }
    steps.close()
    if all_rows:
        del comparison
        figures["peak_reset"] = _reset_peak()
        started = time.perf_counter()
        everything = scenario_module.build_scenario(spec, dataset, max_train_rows=None)
        build_all = time.perf_counter() - started
        comparison = same_budget(everything.scores, everything.rule_flags, everything.labels, everything.values, econ)
        figures["all"] = {"auc": ranking_quality(everything.labels, everything.scores).roc_auc,
                          "extra_reached": comparison.extra_reached.estimate, "fit": fits[-1],
                          "build": build_all, "trained_on": everything.trained_on, "peak": _status_mb("VmHWM:")}
    return figures


# --- the parent: generate, run the children, summarise ------------------------------------------


def _child(mode: str, path: Path, config: Config) -> dict:
    args = [sys.executable, "-m", "benchmarks.bench_ingest", "--child", mode, str(path),
            str(config.train_sample_rows), "1" if config.ingest_all_rows else "0"]
    try:
        done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=config.ingest_timeout)
    except subprocess.TimeoutExpired:
        raise BenchError(f"{mode} run took over {config.ingest_timeout:.0f} s") from None
    if done.returncode != 0:
        raise BenchError(f"{mode} run failed: {done.stderr.strip()[-600:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(config: Config = FULL) -> dict:
    """The Your data path on a generated export, ``ingest_runs`` times, each in a fresh process."""
    from benchmarks.synthetic import churn_like, write_csv

    result = PartResult(NAME)
    baselines, paths = [], []
    with tempfile.TemporaryDirectory(prefix="proofdeck-bench-") as folder:
        path = write_csv(churn_like(config.ingest_rows, seed=7, messy=True), Path(folder) / "export.csv")
        for _ in range(config.ingest_runs):
            baselines.append(_child("baseline", path, config))
            paths.append(_child("path", path, config))

    rows, first = config.ingest_rows, paths[0]
    result.notes.append(
        f"{rows:,} rows x {first['columns']} columns, {first['file_mb']:.0f} MB of CSV; {first['train_rows']:,} "
        f"training rows, the model fitted on {first['trained_on']:,}; {first['heldout']:,} held out; "
        f"leaks found: {', '.join(first['leaks']) or 'none'}")
    read_csv = result.add("plain pandas.read_csv of the file (baseline)", [b["seconds"] for b in baselines], "s")
    for step in PATH_STEPS:
        values = [p["seconds"][step] for p in paths]
        label = step if step != "build_scenario: fit" else f"build_scenario: fit on {first['trained_on']:,} rows"
        result.add(label, values, "s", baseline=read_csv if step == "read_upload" else None)
    totals = [sum(p["seconds"].values()) for p in paths]
    total = result.add("total: loaded, profiled, trained, scored, compared", totals, "s", baseline=read_csv)
    peak = result.add("peak memory of the process (VmHWM)", [p["peak"] for p in paths], "MB")
    result.add("  of which above the imports", [p["peak"] - p["base"] for p in paths], "MB")
    result.add("peak memory of plain pandas.read_csv (baseline)", [b["peak"] for b in baselines], "MB")
    worst = max(PATH_STEPS, key=lambda s: first["step_peak"].get(s, 0))
    result.notes.append(f"largest resident size during the page path: at '{worst}' "
                        f"({first['step_peak'][worst]:,.0f} MB, sampled)")
    result.add(f"held-out AUC, model fitted on {first['trained_on']:,} rows", [p["sample"]["auc"] for p in paths], "")
    result.add("extra positives reached at the rule's budget (sample)", [p["sample"]["extra_reached"] for p in paths], "")
    if config.ingest_all_rows and "all" in first:
        sample_fit = result.add("fit on the sample (baseline for the all-rows fit)", [p["sample"]["fit"] for p in paths], "s")
        result.add(f"fit on all {first['train_rows']:,} training rows", [p["all"]["fit"] for p in paths], "s",
                   baseline=sample_fit)
        result.add("held-out AUC, model fitted on all training rows", [p["all"]["auc"] for p in paths], "")
        result.add("extra positives reached at the rule's budget (all rows)",
                   [p["all"]["extra_reached"] for p in paths], "")
        result.add("peak memory while fitting on all rows", [p["all"]["peak"] for p in paths], "MB",
                   note="" if first.get("peak_reset") else "VmHWM could not be reset: includes the page path")
        lost = [p["all"]["auc"] - p["sample"]["auc"] for p in paths]
        result.notes.append(f"AUC given up by the sample: {min(lost):+.4f} to {max(lost):+.4f} "
                            "(all rows minus sample)")
    scale = "" if rows == 1_000_000 else f" (at {rows:,} rows; target at 1,000,000)"
    result.target(f"1M rows loaded, trained and scored (s){scale}", total.median, 90.0, unit="s")
    result.target(f"peak memory (MB){scale}", peak.median, 4096.0, unit="MB")
    return result.as_dict()


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        mode, file = sys.argv[2], Path(sys.argv[3])
        if mode == "baseline":
            answer = child_baseline(file)
        else:
            answer = child_path(file, int(sys.argv[4]), sys.argv[5] == "1")
        print(json.dumps(answer))
    else:
        from benchmarks.cli import main

        main(["--only", NAME, *sys.argv[1:]])
