"""Scoring where the data lives: the model file, one piece, pandas chunks, Dask and Spark.

The oracle is Proofdeck's own held-out scores and rule flags (``scenario.scores``,
``scenario.rule_acts``), made by the app's own fit and rule evaluation; every engine must give
them bit for bit, since a row's score depends only on that row.
"""

from __future__ import annotations

import dataclasses
import os
import pickle
import shutil
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import skops.io as skops_io
from conftest import ROOT, bundled, examples
from hypothesis import given, settings
from hypothesis import strategies as st

from proofdeck.cli import main
from proofdeck.data.spec import ModelSpec
from proofdeck.data.spec_files import load_spec
from proofdeck.model.scenario import build_scenario
from proofdeck.scoring import jobs
from proofdeck.scoring.model_file import (
    ModelFileError,
    model_bytes,
    read_model,
    scoring_model_of,
    write_model,
)
from proofdeck.scoring.score import score_frame


@pytest.fixture(scope="module")
def churn():
    return bundled("churn")


@pytest.fixture(scope="module")
def model_file(churn, tmp_path_factory) -> Path:
    return write_model(scoring_model_of(churn), tmp_path_factory.mktemp("model") / "churn.skops")


@pytest.fixture(scope="module")
def table(churn, tmp_path_factory) -> Path:
    """The held-out rows as a Parquet file, with every column as the app read it."""
    path = tmp_path_factory.mktemp("table") / "heldout.parquet"
    churn.heldout.to_parquet(path, index=False)
    return path


def _aligned(scores: pd.DataFrame, scenario) -> pd.DataFrame:
    """The scores file's rows in the scenario's held-out order (engines may reorder rows)."""
    id_column = scenario.dataset.id_column
    assert scores[id_column].is_unique
    return scores.set_index(id_column).loc[scenario.ids.to_numpy()]


def _assert_matches(scores: pd.DataFrame, scenario) -> None:
    rows = _aligned(scores, scenario)
    assert len(rows) == scenario.labels.size
    assert np.array_equal(rows["score"].to_numpy(dtype=float), scenario.scores)  # exactly, not close
    assert np.array_equal(rows["rule_flag"].eq("yes").to_numpy(), scenario.rule_acts)
    target = scenario.dataset.target_column
    assert np.array_equal(rows[target].astype(str).eq(scenario.dataset.positive_value).to_numpy(), scenario.labels)


# --- the model file ---------------------------------------------------------------------------------


def test_model_file_round_trip_gives_the_same_scores(churn):
    back = read_model(model_bytes(scoring_model_of(churn)))
    assert back.features == tuple(churn.model.features)
    assert back.rule == churn.rule.text and back.id_column == "customer_id"
    assert np.array_equal(back.pipeline.predict_proba(churn.heldout.loc[:, list(back.features)])[:, 1], churn.scores)


def test_a_pickle_is_refused_not_opened(churn, tmp_path):
    raw = pickle.dumps(churn.model.pipeline)
    with pytest.raises(ModelFileError, match="not a skops model file"):
        read_model(raw)


def test_a_file_with_an_untrusted_type_is_refused_by_name():
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer

    # A function inside a model is code: skops stores it by name, and it must not be trusted.
    document = {"format": "proofdeck-scoring-model/1", "pipeline": make_pipeline(FunctionTransformer(os.getcwd))}
    with pytest.raises(ModelFileError, match="does not trust.*(FunctionTransformer|getcwd)"):
        read_model(skops_io.dumps(document))


def test_a_skops_file_that_is_not_a_proofdeck_model_says_so():
    from sklearn.linear_model import LogisticRegression

    with pytest.raises(ModelFileError, match="not a Proofdeck scoring model"):
        read_model(skops_io.dumps(LogisticRegression()))


def test_scores_from_a_team_model_have_nothing_to_export(churn):
    own = dataclasses.replace(churn, model=None)
    with pytest.raises(ModelFileError, match="your own model"):
        scoring_model_of(own)


# --- one piece --------------------------------------------------------------------------------------


def test_one_piece_gives_the_apps_scores_flags_and_outcomes(churn):
    model = scoring_model_of(churn)
    _assert_matches(score_frame(model, churn.heldout), churn)


def test_engine_types_do_not_change_a_score(churn):
    """Spark and Dask hand numbers over as int32 or text and missing text as None."""
    model = scoring_model_of(churn)
    frame = churn.heldout.copy()
    frame["tenure_months"] = frame["tenure_months"].astype("int32")
    frame["monthly_charges"] = frame["monthly_charges"].astype(str)
    frame["plan"] = frame["plan"].astype(object)
    frame.loc[frame.index[:50], "plan"] = None
    expected = churn.heldout.copy()
    expected.loc[expected.index[:50], "plan"] = np.nan
    reference = churn.model.pipeline.predict_proba(expected.loc[:, list(model.features)])[:, 1]
    assert np.array_equal(score_frame(model, frame)["score"].to_numpy(), reference)


def test_a_missing_column_is_named(churn):
    model = scoring_model_of(churn)
    with pytest.raises(ModelFileError, match="'contract'"):
        score_frame(model, churn.heldout.drop(columns=["contract"]))


def test_a_table_without_outcome_is_scored_without_one(churn):
    model = scoring_model_of(churn)
    out = score_frame(model, churn.heldout.drop(columns=[churn.dataset.target_column]))
    assert list(out.columns) == ["customer_id", "score", "rule_flag"]


def test_a_logistic_regression_scores_the_same_in_pieces():
    spec = load_spec(ROOT / "demos" / "leads.toml")
    spec = dataclasses.replace(spec, model=ModelSpec(kind="logistic_regression", test_size=spec.model.test_size,
                                                      seed=spec.model.seed))
    scenario = build_scenario(spec)
    model = scoring_model_of(scenario)
    pieces = [score_frame(model, scenario.heldout.iloc[start:start + 333]) for start in range(0, len(scenario.heldout), 333)]
    _assert_matches(pd.concat(pieces, ignore_index=True), scenario)


# --- pandas chunks ----------------------------------------------------------------------------------


@settings(max_examples=examples(8), deadline=None)
@given(chunk_rows=st.integers(min_value=1, max_value=4000), csv=st.booleans())
def test_pandas_chunks_of_any_size_give_the_same_file(churn, model_file, table, tmp_path_factory, chunk_rows, csv):
    folder = tmp_path_factory.mktemp("chunks")
    source = table
    if csv:
        source = folder / "heldout.csv"
        churn.heldout.to_csv(source, index=False)
    destination = folder / ("scores.csv" if csv else "scores.parquet")
    rows = jobs.score_with_pandas(model_file, source, destination, chunk_rows=max(chunk_rows, 50))
    assert rows == churn.labels.size
    scores = pd.read_csv(destination) if csv else pd.read_parquet(destination)
    _assert_matches(scores, churn)


def test_the_scores_file_opens_as_your_own_scores(churn, model_file, table, tmp_path):
    """The file is what the Your data page reads: the same checks, the same ranking."""
    from proofdeck.upload.ingest import read_upload
    from proofdeck.upload.own_scores import read_scores

    destination = tmp_path / "scores.csv"
    jobs.score_with_pandas(model_file, table, destination)
    upload = read_upload(destination.name, destination.read_bytes())
    own = read_scores(upload.frame, "customer_id", "score", "churned_90d", positives="yes")
    assert own.is_probability
    order = np.argsort(-own.scores, kind="stable")
    assert np.array_equal(np.sort(own.scores), np.sort(churn.scores))
    assert own.labels[order][:200].sum() == np.sort(churn.labels[np.argsort(-churn.scores, kind="stable")][:200]).sum()


# --- Dask and Spark ---------------------------------------------------------------------------------


def test_a_local_dask_cluster_gives_the_apps_scores(churn, model_file, table, tmp_path):
    distributed = pytest.importorskip("distributed", reason="dask[distributed] is not installed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  host="127.0.0.1") as cluster, distributed.Client(cluster) as client:
        for source in (table, _as_csv(churn, tmp_path)):
            destination = tmp_path / f"dask-{source.suffix[1:]}.parquet"
            rows = jobs.score_with_dask(model_file, source, destination, client=client, blocksize="64KB")
            assert rows == churn.labels.size
            _assert_matches(pd.read_parquet(destination), churn)


def _as_csv(scenario, folder: Path) -> Path:
    path = folder / "heldout.csv"
    scenario.heldout.to_csv(path, index=False)
    return path


def _spark_reason() -> str | None:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed (pip install -r requirements-dev.txt)"
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        return "no Java runtime (apt-get install -y default-jre-headless; .ci/run installs it)"
    return None


@pytest.mark.skipif(_spark_reason() is not None, reason=_spark_reason() or "")
def test_a_local_spark_session_gives_the_apps_scores(churn, model_file, table, tmp_path, monkeypatch):
    from pyspark.sql import SparkSession

    # Spark's Python workers import proofdeck from this checkout, as a cluster would from its install.
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    monkeypatch.setenv("PYSPARK_PYTHON", sys.executable)
    spark = (SparkSession.builder.master("local[2]").appName("proofdeck-test")
             .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
             .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate())
    try:
        for source in (table, _as_csv(churn, tmp_path)):
            destination = tmp_path / f"spark-{source.suffix[1:]}.csv"
            rows = jobs.score_with_spark(spark, model_file, source, destination)
            assert rows == churn.labels.size
            _assert_matches(pd.read_csv(destination), churn)
    finally:
        spark.stop()


# --- the command line -------------------------------------------------------------------------------


def test_export_and_score_from_the_command_line(churn, table, tmp_path, capsys):
    model = tmp_path / "churn.skops"
    assert main(["export-model", "churn", "-o", str(model)]) == 0
    scores = tmp_path / "scores.parquet"
    assert main(["score", str(model), str(table), "-o", str(scores), "--chunk-rows", "700"]) == 0
    assert "3,000 rows scored with pandas" in capsys.readouterr().out
    _assert_matches(pd.read_parquet(scores), churn)


def test_command_line_mistakes_are_one_line(table, tmp_path, capsys):
    not_a_model = tmp_path / "model.skops"
    not_a_model.write_bytes(pickle.dumps({"a": 1}))
    assert main(["score", str(not_a_model), str(table), "-o", str(tmp_path / "x.csv")]) == 1
    assert main(["score", str(tmp_path / "none.skops"), str(table), "-o", str(tmp_path / "x.csv")]) == 1
    errors = capsys.readouterr().err.splitlines()
    assert errors == ["proofdeck: error: this is not a skops model file (save the model with skops.io.dump; a pickle "
                      "or joblib file is never opened, since opening one can run any code)",
                      f"proofdeck: error: no model file at {tmp_path / 'none.skops'}"]
