"""A team's own fitted model: the Proof API, its explanations, the checks, the command line and the app.

Oracles: the model's own ``predict_proba`` on the held-out rows (scores), the rule evaluated by a
plain loop over rows, exact additivity of contributions to the model's log-odds, hand-made
leaky and overlapping data whose problems are known by construction.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import skops.io as sio
from conftest import ROOT, TECHNICAL_WORDS, page_text
from sklearn.compose import make_column_transformer
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler
from streamlit.testing.v1 import AppTest

from proofdeck import Proof, ProofError
from proofdeck.cli import main
from proofdeck.data.spec import SpecError
from proofdeck.data.spec_files import load_spec
from proofdeck.explanation.explain import make_explainer
from proofdeck.model.model_files import ModelFileError, open_skops
from proofdeck.model.scenario import build_scenario

NUMERIC = ["tenure_months", "monthly_charges", "total_charges", "support_tickets_90d", "logins_30d"]
TEXT = ["contract", "payment_method", "plan", "region"]
RULE = 'contract == "month-to-month" and tenure_months < 6'


def _prepare():
    return make_column_transformer((make_pipeline(SimpleImputer(), StandardScaler()), NUMERIC),
                                   (OneHotEncoder(handle_unknown="ignore"), TEXT))


@pytest.fixture(scope="module")
def split():
    frame = pd.read_csv(ROOT / "data" / "churn.csv")
    outcome = frame.pop("churned_90d")
    return train_test_split(frame, outcome, test_size=0.3, random_state=1, stratify=outcome)


@pytest.fixture(scope="module")
def forest(split):
    x_train, _, y_train, _ = split
    return make_pipeline(_prepare(), RandomForestClassifier(60, max_depth=7, random_state=0)).fit(
        x_train.drop(columns="customer_id"), y_train)


@pytest.fixture(scope="module")
def proof(forest, split):
    _, x_test, _, y_test = split
    return Proof(forest, x_test, y_test, id_column="customer_id", rule=RULE, title="Churn", never_saw=True,
                 cost_per_action=40, value_per_won=600, win_rate=0.3, population=40000)


# --- the API ------------------------------------------------------------------------------------------


def test_the_scenario_scores_every_row_with_the_model_and_the_rule_by_a_loop(proof, forest, split):
    _, x_test, _, y_test = split
    sc = proof.scenario
    assert sc.fitted_elsewhere and not sc.refittable and sc.split.train.size == 0
    expected = forest.predict_proba(x_test.drop(columns="customer_id"))[:, list(forest.classes_).index("yes")]
    assert np.array_equal(sc.scores, expected)
    rule = [row.contract == "month-to-month" and row.tenure_months < 6 for row in x_test.itertuples()]
    assert np.array_equal(sc.rule_acts, np.array(rule))
    assert np.array_equal(sc.labels, (y_test == "yes").to_numpy())
    assert sc.spec.economics.cost_per_action == 40 and "cost_per_action" not in sc.spec.economics.assumed
    assert sc.model.name == "RandomForestClassifier in a pipeline"
    assert proof.notes == ()
    assert x_test.columns.tolist()[0] == "customer_id" and "churned_90d" not in x_test  # the caller's frame


def test_the_positive_class_follows_the_models_classes(split):
    x_train, x_test, y_train, y_test = split
    flipped = (y_train == "no").map({True: "stayed", False: "left"})  # classes_ = ["left", "stayed"]
    model = make_pipeline(_prepare(), LogisticRegression(max_iter=500)).fit(x_train.drop(columns="customer_id"), flipped)
    proof = Proof(model, x_test, (y_test == "no").map({True: "stayed", False: "left"}), id_column="customer_id",
                  positive="left")
    by_hand = model.predict_proba(x_test.drop(columns="customer_id"))[:, 0]  # "left" is the first class
    assert np.array_equal(proof.scenario.scores, by_hand)


@pytest.mark.parametrize("estimator, method", [
    (RandomForestClassifier(30, max_depth=5, random_state=0), "trees"),
    (HistGradientBoostingClassifier(max_iter=30, random_state=0), "trees"),
    (LogisticRegression(max_iter=500), "linear"),
    (MLPClassifier((8,), max_iter=60, random_state=0), "black box"),
])
def test_explanations_add_up_to_the_models_log_odds_per_original_column(split, estimator, method):
    x_train, x_test, y_train, y_test = split
    model = make_pipeline(_prepare(), estimator).fit(x_train.drop(columns="customer_id").head(1500), y_train.head(1500))
    sc = Proof(model, x_test.head(300), y_test.head(300), id_column="customer_id").scenario
    explainer = make_explainer(sc.model, sc.typical_rows)
    assert explainer.method == method
    rows = sc.heldout.head(4)
    explained = explainer.explain(rows)
    assert list(explained.by_column.columns) == NUMERIC + TEXT or set(explained.by_column.columns) == set(NUMERIC + TEXT)
    probability = model.predict_proba(rows[list(sc.model.features)])[:, 1]
    # Every explainer adds up exactly (the kernel explainer by its constraint), in log-odds.
    assert np.allclose(1 / (1 + np.exp(-(explained.base_value + explained.by_column.sum(axis=1)))), probability,
                       atol=1e-6)


def test_a_bare_classifier_without_a_pipeline_is_explained_by_its_columns():
    rng = np.random.default_rng(3)
    frame = pd.DataFrame({"a": rng.normal(size=600), "b": rng.normal(size=600)})
    labels = (frame.a + 0.5 * rng.normal(size=600) > 0.8).rename("flagged")
    model = HistGradientBoostingClassifier(max_iter=20).fit(frame.head(400), labels.head(400))
    sc = Proof(model, frame.tail(200), labels.tail(200)).scenario
    explained = make_explainer(sc.model, sc.typical_rows).explain(sc.heldout.head(5))
    assert list(explained.by_column.columns) == ["a", "b"]
    assert (explained.by_column["a"].abs() >= explained.by_column["b"].abs()).mean() >= 0.6


def test_checks_name_shared_ids_a_too_perfect_score_and_unseen_values(forest, split):
    x_train, x_test, y_train, y_test = split
    shared = Proof(forest, x_test, y_test, id_column="customer_id", training_ids=x_test.customer_id.head(25))
    assert any("25 of the 3,000 held-out ids are also in the training data" in n for n in shared.notes)
    assert "25 of the 3,000" in shared.scenario.unseen_note
    # A model that was handed the outcome: a leak, ranked perfectly.
    leaky_x = x_train.assign(flag=(y_train == "yes").astype(int)).drop(columns="customer_id")
    leaky = make_pipeline(make_column_transformer(("passthrough", ["flag"])), LogisticRegression()).fit(leaky_x, y_train)
    leak = Proof(leaky, x_test.assign(flag=(y_test == "yes").astype(int)), y_test, id_column="customer_id")
    assert any("almost perfectly (AUC 1.000)" in n for n in leak.notes)
    # Text read another way (upper case): the encoder ignores what it never saw, silently.
    shouted = Proof(forest, x_test.assign(region=x_test.region.str.upper()), y_test, id_column="customer_id")
    assert any("100% of the values in 'region' are ones the model never saw" in n for n in shouted.notes)
    # "month-to-month" read as True/False: this encoder refuses; the message says why.
    as_flags = x_test.assign(contract=x_test.contract.eq("month-to-month"))
    with pytest.raises(ProofError, match="never saw most values of 'contract'"):
        _ = Proof(forest, as_flags, y_test, id_column="customer_id").scenario


def test_bad_inputs_say_what_to_fix(forest, split):
    _, x_test, _, y_test = split
    with pytest.raises(ProofError, match="give the outcome"):
        Proof(forest, x_test)
    with pytest.raises(ProofError, match="fitted with column 'plan'"):
        _ = Proof(forest, x_test.drop(columns="plan"), y_test, id_column="customer_id").scenario
    three = make_pipeline(_prepare(), LogisticRegression(max_iter=300)).fit(
        x_test.drop(columns="customer_id"), np.resize(["a", "b", "c"], len(x_test)))
    with pytest.raises(ProofError, match="3 classes"):
        _ = Proof(three, x_test, y_test, id_column="customer_id").scenario
    with pytest.raises(ProofError, match="no row of 'churned_90d' is \"maybe\""):
        _ = Proof(forest, x_test, y_test, id_column="customer_id", positive="maybe").scenario


def test_the_report_is_written_with_the_models_name_and_explained_stories(proof, tmp_path):
    path = proof.report(tmp_path / "report.html")
    page = path.read_text(encoding="utf-8")
    assert "RandomForestClassifier in a pipeline scored and explained here" in page
    assert "Subscription" not in page and "Contract" in page  # reasons by column: no concepts were given


def test_a_pipeline_fitted_with_the_id_column_still_in_its_frame_is_explained_and_reported(split, tmp_path,
                                                                                          monkeypatch):
    # A common notebook pattern: the id stays in the frame and the pipeline drops it inside.
    x_train, x_test, y_train, y_test = split
    model = make_pipeline(_prepare(), LogisticRegression(max_iter=500)).fit(x_train, y_train)
    assert "customer_id" in model.feature_names_in_
    proof = Proof(model, x_test.iloc[:400], y_test.iloc[:400], id_column="customer_id", rule=RULE, never_saw=True)
    page = proof.report(tmp_path / "report.html").read_text(encoding="utf-8")
    assert "LogisticRegression in a pipeline" in page
    scenario = proof.scenario
    contributions = make_explainer(scenario.model, scenario.typical_rows).explain(scenario.heldout.head(25)).by_column
    assert (contributions["customer_id"] == 0).all()  # a column the model drops cannot move a score
    from proofdeck.app_files import LAUNCH_ENV

    monkeypatch.setenv(LAUNCH_ENV, str(proof.save(tmp_path / "launch")))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.run()
    at.switch_page("pages/2_Examples.py").run()
    assert not at.exception, at.exception
    assert at.get("plotly_chart"), "the drivers chart"


# --- model files ---------------------------------------------------------------------------------------


def test_a_model_file_with_a_function_that_runs_commands_is_refused_by_name():
    import os

    # Never fitted or called: a file that would call os.system when the model runs.
    hostile = make_pipeline(FunctionTransformer(os.system), LogisticRegression())
    with pytest.raises(ModelFileError, match="does not trust.*(posix|os).system"):
        open_skops(sio.dumps(hostile))
    with pytest.raises(ModelFileError, match="never opened"):
        open_skops(b"\x80\x04\x95pickle bytes")


def test_a_spec_of_kind_fitted_opens_its_model_file(forest, split, tmp_path):
    _, x_test, _, y_test = split
    (tmp_path / "demos").mkdir()
    (tmp_path / "data").mkdir()
    x_test.assign(churned_90d=y_test).to_parquet(tmp_path / "data" / "held.parquet", index=False)
    (tmp_path / "data" / "forest.skops").write_bytes(sio.dumps(forest))
    spec = (ROOT / "demos" / "churn.toml").read_text(encoding="utf-8")
    spec = spec.replace('path = "../data/churn.csv"', 'path = "../data/held.parquet"')
    spec = spec.replace('kind = "gradient_boosting"', 'kind = "fitted"\nfile = "../data/forest.skops"\nunseen = "yes"')
    (tmp_path / "demos" / "mine.toml").write_text(spec, encoding="utf-8")
    sc = build_scenario(load_spec(tmp_path / "demos" / "mine.toml"))
    assert sc.fitted_elsewhere and sc.held_out_confirmed and sc.labels.size == len(x_test)
    assert np.array_equal(sc.scores, forest.predict_proba(x_test.drop(columns="customer_id"))[:, 1])
    (tmp_path / "data" / "forest.skops").write_bytes(b"not a model")
    with pytest.raises(SpecError, match=r"\[model\] file: this is not a skops model file"):
        build_scenario(load_spec(tmp_path / "demos" / "mine.toml"))


def test_the_command_line_writes_the_report_of_a_model_file(forest, split, tmp_path, capsys):
    _, x_test, _, y_test = split
    (tmp_path / "forest.skops").write_bytes(sio.dumps(forest))
    x_test.assign(churned_90d=y_test).to_csv(tmp_path / "held.csv", index=False)
    code = main(["report", str(tmp_path / "held.csv"), "--model", str(tmp_path / "forest.skops"),
                 "--outcome", "churned_90d", "--id", "customer_id", "--rule", RULE, "--never-saw",
                 "-o", str(tmp_path / "r.html")])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert "your RandomForestClassifier in a pipeline acts on" in out.out
    assert (tmp_path / "r.html").stat().st_size > 100_000
    assert main(["report", str(tmp_path / "held.csv"), "--model", str(tmp_path / "forest.skops")]) == 2
    assert "--model needs --outcome" in capsys.readouterr().err


# --- the app, as Proof.run serves it --------------------------------------------------------------------


def test_a_launched_server_opens_every_page_on_the_model(proof, tmp_path, monkeypatch):
    from proofdeck.app_files import LAUNCH_ENV

    monkeypatch.setenv(LAUNCH_ENV, str(proof.save(tmp_path / "launch")))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.run()
    assert not at.exception, at.exception
    assert at.session_state["pd_demo"] == "your-model"
    assert "RandomForestClassifier in a pipeline" in page_text(at)
    for script in ("pages/1_Decide.py", "pages/2_Examples.py", "pages/3_Compare.py", "pages/5_Share.py"):
        at.switch_page(script).run()
        assert not at.exception, (script, at.exception)
        assert not TECHNICAL_WORDS.search(page_text(at, include_sidebar=False)), script
    at.switch_page("pages/2_Examples.py").run()
    assert at.get("plotly_chart"), "the drivers chart of the team's model"


# --- Your data: a model file and its held-out rows --------------------------------------------------


def test_your_data_builds_every_page_on_an_uploaded_model_file(forest, split):
    from test_page_your_data import YOUR_DATA, upload

    _, x_test, _, y_test = split
    at = upload("held.csv", x_test.assign(churned_90d=y_test).to_csv(index=False).encode(), mode="Bring my own model")
    at.file_uploader(key="yd_model").set_value(("forest.skops", sio.dumps(forest), "application/octet-stream")).run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert "RandomForestClassifier in a pipeline" in page_text(at, include_sidebar=False)
    prefix = next(b.key for b in at.button if b.key and b.key.endswith("_fit_build")).rsplit("_", 1)[0]
    assert at.selectbox(key=f"{prefix}_out").value == "churned_90d"
    assert at.selectbox(key=f"{prefix}_pos").value == "yes"
    at.selectbox(key=f"{prefix}_id").set_value("customer_id")
    at.radio(key=f"{prefix}_unseen").set_value("Yes")
    at.text_input(key=f"{prefix}_rule").input(RULE)
    at.button(key=f"{prefix}_build").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert "Your data is a demo for this session" in page_text(at, include_sidebar=False)
    assert "SHAP's tree explainer (exact)" in page_text(at, include_sidebar=False)
    for script in ("pages/2_Examples.py", "pages/3_Compare.py", YOUR_DATA):
        at.switch_page(script).run()
        assert not at.exception, (script, at.exception)


def test_your_data_refuses_a_pickle_named_skops(forest, split):
    import pickle

    from test_page_your_data import upload

    _, x_test, _, y_test = split
    at = upload("held.csv", x_test.assign(churned_90d=y_test).to_csv(index=False).encode(), mode="Bring my own model")
    at.file_uploader(key="yd_model").set_value(("model.skops", pickle.dumps(forest), "application/octet-stream")).run()
    assert not at.exception
    assert any("pickle or joblib file is never opened" in e.value for e in at.error)
