"""The benchmarks still run: every part imports and its smallest configuration works.

No figure is asserted (the machines are shared): only that each part measures something with
a sane shape. The browser parts run against the bare apps alone (seconds each; the app's own
browser tests cover the app) and carry the ``browser`` mark; the whole file takes about 20 s,
plus about 30 s for the soak's one iteration (every page and an upload) against the app (the only part that needs it).
"""

from __future__ import annotations

import importlib
import io
import json
import math
import os
from concurrent.futures import ThreadPoolExecutor

import pytest
from browser_kit import ROOT, needs_chromium, playwright_api

from benchmarks import cli
from benchmarks.config import SMALLEST
from benchmarks.fit_counter import MARK, fit_counts, install
from benchmarks.harness import busy_neighbours
from benchmarks.report import PartResult, table
from benchmarks.synthetic import big_demo

ALL_PARTS = {**cli.PARTS, **cli.EXTRAS}


def _check_shape(result: dict) -> None:
    assert "error" not in result, result.get("traceback")
    measured = [figure for figure in result["figures"] if figure["runs"]]
    assert measured, "a part measured nothing"
    for figure in measured:
        assert figure["min"] <= figure["median"] <= figure["max"], figure["name"]


@pytest.mark.parametrize("name", sorted(ALL_PARTS))
def test_every_part_is_a_module_with_run(name):
    module = importlib.import_module(ALL_PARTS[name][0])
    assert name == module.NAME
    assert callable(module.run)


@pytest.mark.parametrize("name", ["sweep", "explain", "stability"])
def test_compute_parts_run_in_their_smallest_configuration(name):
    result = importlib.import_module(ALL_PARTS[name][0]).run(SMALLEST)
    _check_shape(result)


@needs_chromium
@pytest.mark.browser
@pytest.mark.parametrize("name", ["cold_start", "slider", "viewers", "accessibility"])
def test_browser_parts_run_against_the_bare_apps(name):
    playwright_api()
    if name == "accessibility":
        pytest.importorskip("axe_playwright_python", reason="axe-playwright-python is not installed")
    # These parts start their own Playwright, which cannot start in a thread where the
    # session's chromium (the ``browser`` fixture of an earlier test) already runs one.
    with ThreadPoolExecutor(1) as worker:
        result = worker.submit(importlib.import_module(ALL_PARTS[name][0]).run, SMALLEST).result()
    _check_shape(result)
    assert all(f["name"].startswith("bare") for f in result["figures"])


def test_ingest_runs_in_its_smallest_configuration_with_both_fits_and_the_targets():
    result = importlib.import_module(ALL_PARTS["ingest"][0]).run(SMALLEST)
    _check_shape(result)
    names = [f["name"] for f in result["figures"]]
    assert "held-out AUC, model fitted on all training rows" in names
    assert {t["unit"] for t in result["targets"]} == {"s", "MB"}


def test_fit_counter_prints_one_line_per_fit():
    import proofdeck.model.scenario as scenario
    from proofdeck.data.spec_files import load_spec

    original = scenario.build_scenario
    stream = io.StringIO()
    uninstall = install(stream)
    try:
        scenario.build_scenario(load_spec(ROOT / "demos" / "churn.toml"))
    finally:
        uninstall()
    assert fit_counts(stream.getvalue()) == {"build_scenario": 1, "train_model": 1}
    assert scenario.build_scenario is original


def test_fit_counts_ignore_other_log_lines():
    log = f"{MARK} train_model 0.2\nTraining the model\n{MARK} build_scenario 0.3\n{MARK}x train_model 1\n"
    assert fit_counts(log) == {"train_model": 1, "build_scenario": 1}


def test_busy_neighbours_are_killed_on_the_way_out():
    with busy_neighbours(1, warm=0.0) as processes:
        assert all(p.poll() is None for p in processes)
    assert all(p.poll() is not None for p in processes)


def test_busy_neighbours_are_killed_when_the_block_fails():
    with pytest.raises(RuntimeError), busy_neighbours(1, warm=0.0) as processes:
        raise RuntimeError("a launch failed")
    assert all(p.poll() is not None for p in processes)


def test_big_demo_is_a_loadable_catalog_of_one(tmp_path, monkeypatch):
    from proofdeck.data.spec_files import load_catalog

    env = big_demo(tmp_path, rows=300)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    catalog = load_catalog(env["PROOFDECK_DEMOS_DIR"])
    assert list(catalog.specs) == ["churn_big"]
    assert catalog.specs["churn_big"].data_path == (tmp_path / "data" / "churn_big.csv").resolve()


def test_a_ratio_is_of_medians_and_a_missed_target_says_so():
    part = PartResult("demo")
    bare = part.add("bare", [1.0, 2.0, 9.0], "s")
    app = part.add("app", [3.0, 4.0, 5.0], "s", baseline=bare)
    part.target("app / bare", app.ratio, 1.5)
    part.target("not measured", math.nan, 1.0)
    empty = part.add("lost", [math.nan, math.nan], "s")
    assert app.ratio == pytest.approx(2.0)
    assert empty.values == [] and "2 of 2 runs" in empty.note
    text = table({"demo": part.as_dict()})
    assert "MISSED" in text and "not measured" in text


def test_the_command_writes_json_and_labels_a_quick_run(tmp_path, capsys):
    out = tmp_path / "latest.json"
    cli.main(["--quick", "--only", "sweep", "--out", str(out)])
    printed = capsys.readouterr().out
    report = json.loads(out.read_text())
    assert "not meaningful" in printed
    assert list(report["parts"]) == ["sweep"]
    assert report["config"]["name"] == "quick"
    assert report["machine"]["cores"] == os.cpu_count()


# The soak drives the app itself, in the session's chromium (the ``browser`` fixture).
@needs_chromium
@pytest.mark.browser
def test_soak_walks_every_page_and_builds_an_upload_in_the_sessions_chromium(browser):
    from benchmarks import bench_soak

    result = bench_soak.run(SMALLEST, browser=browser)
    _check_shape(result)
    figures = {f["name"]: f for f in result["figures"]}
    assert figures["iterations (fresh sessions)"]["median"] == SMALLEST.soak_iterations, result["notes"]
    assert figures["uploads built on Your data"]["median"] == 1, result["notes"]
    assert figures["errors on pages (exceptions, tracebacks, timeouts)"]["median"] == 0, result["notes"]
    assert figures["server log lines with 'Traceback'"]["median"] == 0, result["notes"]
    assert figures["server memory at the end"]["median"] > 0


def test_soak_growth_is_the_slope_over_the_second_half():
    from benchmarks.bench_soak import growth_per_100

    assert growth_per_100([500.0, 100.0, 200.0, 201.0, 202.0, 203.0]) == pytest.approx(100.0)
    assert math.isnan(growth_per_100([300.0]))
    assert math.isnan(growth_per_100([364.0, 500.0, 588.0, 590.0]))  # a --quick run: too few to say
