"""``python -m proofdeck report``: writes the report (and the predictions), and fails in one line."""

from __future__ import annotations

import os
import subprocess
import sys

import pandas as pd
import pytest
from conftest import ROOT

from proofdeck.data.spec_files import load_spec
from proofdeck.model.scenario import build_scenario

CHURN = ROOT / "demos" / "churn.toml"


def run(*arguments: str, cwd=ROOT) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "proofdeck", *arguments], cwd=cwd, capture_output=True,
                          text=True, timeout=300, env=env)


def assert_one_clear_line(result: subprocess.CompletedProcess, *expected: str) -> str:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr and result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("python -m proofdeck: error: ")
    for text in expected:
        assert text in lines[0], lines[0]
    return lines[0]


@pytest.fixture(scope="module")
def churn():
    return build_scenario(load_spec(CHURN))


def test_report_with_a_threshold_writes_the_report_and_the_predictions(tmp_path, churn):
    report, predictions = tmp_path / "report.html", tmp_path / "out.csv"
    result = run("report", "demos/churn.toml", "--threshold", "0.3", "-o", str(report),
                 "--predictions", str(predictions))
    assert result.returncode == 0, result.stderr
    count = churn.sweep.count_at(0.3)
    assert count != churn.default_count
    page = report.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert f"({count:,} of the {churn.sweep.size:,} held out)" in page
    frame = pd.read_csv(predictions)
    assert len(frame) == churn.sweep.size and frame["model_acts"].sum() == count
    assert str(report) in result.stdout and "KB" in result.stdout


def test_report_without_a_setting_uses_the_rules_budget_and_top_k_sets_it(tmp_path, churn):
    assert run("report", str(CHURN), "-o", str(tmp_path / "a.html")).returncode == 0
    assert f"({churn.default_count:,} of the" in (tmp_path / "a.html").read_text(encoding="utf-8")
    assert run("report", str(CHURN), "--top", "250", "-o", str(tmp_path / "b.html")).returncode == 0
    assert "(250 of the 3,000 held out)" in (tmp_path / "b.html").read_text(encoding="utf-8")


def test_report_default_file_is_named_after_the_demo(tmp_path):
    result = run("report", str(CHURN), "--top", "100", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "churn-report.html").is_file()


def test_missing_spec_fails_in_one_line(tmp_path):
    result = run("report", str(tmp_path / "nope.toml"), "-o", str(tmp_path / "r.html"))
    assert_one_clear_line(result, "no spec file at", "nope.toml")
    assert not (tmp_path / "r.html").exists()


def test_broken_spec_fails_in_one_line_naming_the_file(tmp_path):
    (tmp_path / "demos").mkdir()
    broken = tmp_path / "demos" / "broken.toml"
    broken.write_text('title = "x"\n[data\npath = 1\n', encoding="utf-8")
    assert_one_clear_line(run("report", str(broken)), "demos/broken.toml", "not valid TOML")


def test_spec_with_a_bad_field_fails_in_one_line_naming_the_field(tmp_path):
    (tmp_path / "demos").mkdir()
    spec = CHURN.read_text(encoding="utf-8").replace("cost_per_action = 40", 'cost_per_action = "lots"')
    (tmp_path / "demos" / "churn.toml").write_text(spec, encoding="utf-8")
    assert_one_clear_line(run("report", str(tmp_path / "demos" / "churn.toml")), "[economics] cost_per_action")


def test_spec_whose_data_is_missing_fails_in_one_line_and_verbose_adds_the_detail(tmp_path):
    (tmp_path / "demos").mkdir()
    spec = tmp_path / "demos" / "churn.toml"
    spec.write_text(CHURN.read_text(encoding="utf-8"), encoding="utf-8")
    line = assert_one_clear_line(run("report", str(spec)), "demos/churn.toml", "[data] path")
    assert str(tmp_path) not in line  # no server path in the message
    verbose = run("report", str(spec), "--verbose")
    assert verbose.returncode != 0 and "Traceback" not in verbose.stderr
    assert verbose.stderr.splitlines()[-1] == line and str(tmp_path) in verbose.stderr


@pytest.mark.parametrize("threshold", ["abc", "-1", "2", "nan", "inf", ""])
def test_bad_threshold_fails_in_one_line(tmp_path, threshold):
    result = run("report", str(CHURN), "--threshold", threshold, "-o", str(tmp_path / "r.html"))
    assert_one_clear_line(result, "--threshold", "between 0 and 1")
    assert result.returncode == 2 and not (tmp_path / "r.html").exists()


@pytest.mark.parametrize("top", ["-5", "1.5", "many", "99999"])
def test_bad_top_fails_in_one_line(top):
    assert_one_clear_line(run("report", str(CHURN), "--top", top), "--top")


def test_threshold_and_top_together_fail_in_one_line():
    assert_one_clear_line(run("report", str(CHURN), "--top", "5", "--threshold", "0.2"), "not allowed with")


def test_unwritable_output_fails_in_one_line(tmp_path):
    assert_one_clear_line(run("report", str(CHURN), "-o", str(tmp_path / "no" / "such" / "r.html")),
                          "cannot write the report")


def test_no_command_fails_in_one_line():
    assert_one_clear_line(run(), "command")


def test_help_exits_cleanly():
    result = run("report", "--help")
    assert result.returncode == 0 and "--threshold" in result.stdout and "--predictions" in result.stdout


def test_samples_still_run_as_their_own_module(tmp_path):
    result = subprocess.run([sys.executable, "-m", "proofdeck.samples", str(tmp_path)], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.glob("*.csv")) == ["churn.csv", "leads.csv", "transactions.csv"]
