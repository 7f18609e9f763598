"""``proofdeck report``: writes the report (and the predictions), and fails in one line.

The command runs in this process (``cli.main``), as a console script would run it, so a test
costs the report and not a new interpreter; test_packaging.py runs the installed commands.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from dataclasses import dataclass

import pandas as pd
import pytest
from conftest import ROOT, bundled

from proofdeck import cli

CHURN = ROOT / "demos" / "churn.toml"


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


def run(*arguments: str, cwd=ROOT) -> Result:
    """``proofdeck <arguments>`` run in ``cwd``: its exit code and what it printed."""
    out, err = io.StringIO(), io.StringIO()
    before = os.getcwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = cli.main(list(arguments))
            except SystemExit as leaving:  # --help: argparse prints and exits
                code = leaving.code or 0
    finally:
        os.chdir(before)
    return Result(code, out.getvalue(), err.getvalue())


def assert_one_clear_line(result: Result, *expected: str) -> str:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr and result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("proofdeck: error: ")
    for text in expected:
        assert text in lines[0], lines[0]
    return lines[0]


@pytest.fixture(scope="module")
def churn():
    return bundled("churn")


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
    assert sorted(p.name for p in tmp_path.glob("*.csv")) == [
        "campaign.csv", "campaign_truth.csv", "churn.csv", "leads.csv", "transactions.csv"]


def test_top_beyond_the_held_out_part_is_refused_before_anything_is_fitted(monkeypatch):
    def no_fit(*arguments, **options):
        raise AssertionError("the model was fitted before --top was checked")

    monkeypatch.setattr("proofdeck.model.scenario.build_scenario", no_fit)
    line = assert_one_clear_line(run("report", str(CHURN), "--top", "3001"), "--top 3001")
    assert "3,000 held-out examples" in line  # churn: 10,000 rows, test_size 0.3


def test_a_bundled_demo_can_be_named_instead_of_its_spec_file(tmp_path):
    result = run("report", "churn", "--top", "10", "-o", str(tmp_path / "churn.html"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "churn.html").is_file()
    assert_one_clear_line(run("report", "../demos/churn"), "no spec file at")


def test_python_dash_m_proofdeck_is_the_same_command():
    result = subprocess.run([sys.executable, "-m", "proofdeck", "report", "--top", "x", "churn"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 2 and result.stderr.startswith("proofdeck: error: argument --top")
