"""An independent check of the headline figures: recomputed for every bundled demo from its CSV
with plain pandas, numpy and scikit-learn (own reading, own split, own model set-up, own rule,
own arithmetic; no Proofdeck function), then compared with what the pages show in AppTest."""

import tomllib

import numpy as np
import pandas as pd
import pytest
from conftest import DEMOS, ROOT, open_page
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder

# Today's rules, written again by hand in pandas (missing values never match).
RULES = {
    "churn": lambda d: (d["contract"] == "month-to-month") & (d["tenure_months"] < 6),
    "leads": lambda d: (d["lead_source"] == "referral") | ((d["company_size"] >= 200) & (d["pages_viewed"] >= 5)),
    "fraud": lambda d: (d["amount"] > 1000) | ((d["country_mismatch"] == 1) & (d["new_device"] == 1)),
    "campaign": lambda d: (d["contract"] == "monthly") & (d["tenure_months"] < 6),
}


def recompute(demo: str) -> dict[str, float]:
    spec = tomllib.loads((ROOT / "demos" / f"{demo}.toml").read_text())
    data, econ, settings = spec["data"], spec["economics"], spec.get("model", {})
    frame = pd.read_csv(ROOT / "demos" / data["path"])
    labels = (frame[data["target_column"]].astype(str).str.lower() == str(data["positive_value"]).lower()).to_numpy()
    # A past campaign's treatment column (spec [uplift]) is never a feature.
    treatment = spec.get("uplift", {}).get("treatment_column")
    features = [c for c in frame.columns if c not in (data["id_column"], data["target_column"], treatment)]
    seed, test_size = settings.get("seed", 42), settings.get("test_size", 0.3)
    train, test = train_test_split(np.arange(len(frame)), test_size=test_size, random_state=seed, stratify=labels)
    train, test = np.sort(train), np.sort(test)
    numeric = [c for c in features if pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])]
    categorical = [c for c in features if c not in numeric]
    steps = [(f"n{i}", SimpleImputer(strategy="median", add_indicator=True, keep_empty_features=True), [c])
             for i, c in enumerate(numeric)]
    steps += [(f"c{i}", make_pipeline(
        SimpleImputer(strategy="constant", fill_value="(missing)", keep_empty_features=True),
        OneHotEncoder(handle_unknown="infrequent_if_exist", min_frequency=5, sparse_output=False)), [c])
        for i, c in enumerate(categorical)]
    def new_model():
        return Pipeline([
            ("prepare", ColumnTransformer(steps, remainder="drop", sparse_threshold=0.0)),
            ("model", HistGradientBoostingClassifier(
                max_iter=200, learning_rate=0.06, max_leaf_nodes=15, min_samples_leaf=40, l2_regularization=1.0,
                early_stopping=True, validation_fraction=0.15, n_iter_no_change=20, random_state=seed)),
        ])

    model = new_model()
    model.fit(frame.iloc[train][numeric + categorical], labels[train])
    held = frame.iloc[test]
    scores = model.predict_proba(held[numeric + categorical])[:, 1]
    y = labels[test]
    rule = RULES[demo](held).fillna(False).to_numpy(dtype=bool)
    k = int(rule.sum())
    top = np.zeros(len(test), dtype=bool)
    top[np.argsort(-scores, kind="stable")[:k]] = True
    scale = econ.get("population", 0) / len(test) if econ.get("population", 0) else 1.0
    win = econ.get("win_rate", 1.0)
    values = held[econ["value_column"]].to_numpy(dtype=float) if "value_column" in econ else np.full(len(test), econ["value_per_won"])

    def net(flags):
        won = win * values[flags & y].sum() * scale
        spend = econ["cost_per_action"] * flags.sum() * scale + (econ.get("fixed_cost", 0) if flags.any() else 0)
        return won - spend - econ.get("cost_per_miss", 0) * (y & ~flags).sum() * scale

    effect = {}
    if treatment:
        # Two more models, on the train rows that got the action and on those that did not; each
        # held-out row's drop in the outcome's chance ranks it; what each pick of k changes is
        # the gap between the untreated and treated outcome rates among the picks, times k.
        offered = (frame[treatment].astype(str).str.lower() == str(spec["uplift"]["treated_value"]).lower()).to_numpy()
        chances = []
        for arm in (True, False):
            rows = train[offered[train] == arm]
            arm_model = new_model().fit(frame.iloc[rows][numeric + categorical], labels[rows])
            chances.append(arm_model.predict_proba(held[numeric + categorical])[:, 1])
        drop = chances[1] - chances[0]
        by_effect = np.zeros(len(test), dtype=bool)
        by_effect[np.argsort(-drop, kind="stable")[:k]] = True
        t = offered[test]

        def changed(flags):
            return (y[flags & ~t].mean() - y[flags & t].mean()) * flags.sum() * scale

        effect = {"rule": changed(rule), "risk": changed(top), "uplift": changed(by_effect)}
    return {
        "effect": effect,
        "actions": k * scale, "rule_reached": (rule & y).sum() * scale, "model_reached": (top & y).sum() * scale,
        "extra_net": net(top) - net(rule), "cost_per_won": (econ["cost_per_action"] * k * scale + econ.get("fixed_cost", 0))
        / (win * (top & y).sum() * scale),
    }


def money(value: float) -> str:
    """The pages' rounding ($293k, $1.19M) done here again, to compare strings."""
    size = abs(value)
    sign = "-" if value < 0 else "+"
    if size >= 1e6:
        return f"{sign}${size / 1e6:.3g}M"
    if size >= 1e4:
        return f"{sign}${size / 1e3:.3g}k"
    return f"{sign}${size:,.0f}"


@pytest.mark.parametrize("demo", DEMOS)
def test_pitch_and_rule_vs_model_match_an_independent_recomputation(demo):
    mine = recompute(demo)
    pitch = open_page("app.py", demo)
    headline = pitch.subheader[0].value
    assert f"With the same {mine['actions']:,.0f} " in headline
    metrics = {m.label: m.value for m in pitch.metric}
    assert metrics["Today's rule reaches"].startswith(f"{mine['rule_reached']:,.0f} ")
    assert metrics["The model reaches"].startswith(f"{mine['model_reached']:,.0f} ")
    compare = open_page("pages/3_Compare.py", demo)
    figures = {m.label: m.value for m in compare.metric}
    extra = next(value for label, value in figures.items() if label.startswith("Extra net value"))
    assert extra == money(mine["extra_net"]), (extra, mine["extra_net"])
    reached = figures[next(label for label in figures if label.startswith("Extra ") and "reached" in label)]
    assert reached == f"{mine['model_reached'] - mine['rule_reached']:+,.0f}"


def test_who_the_offer_changes_matches_an_independent_recomputation():
    mine = recompute("campaign")["effect"]
    compare = open_page("pages/3_Compare.py", "campaign")
    table = compare.table[0].value
    row = table.loc["Subscribers kept because of the offer"]
    for column, key in zip(table.columns, ("rule", "risk", "uplift")):
        assert row[column].startswith(f"{mine[key]:,.0f} ("), (column, row[column], mine[key])
