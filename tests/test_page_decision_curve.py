"""The decision curve on the Rule vs model page: an analyst-only tab with its chart, for every demo."""

import json

import numpy as np
import pandas as pd
import pytest
from conftest import DEMOS, analyst_toggle, bundled, open_page, open_tab, page_text

from proofdeck.decisions.decision_curve import own_ratio
from proofdeck.decisions.outcomes import outcome_of_flags
from proofdeck.words.wording import money
from ui.compare.sections import DECISION_CURVE_TAB

COMPARE = "pages/3_Compare.py"


def tab_labels(at) -> list[str]:
    return [tab.label for tab in at.tabs]


@pytest.mark.parametrize("demo", DEMOS)
def test_the_analyst_view_has_the_decision_curve_tab_with_its_chart(demo):
    at = open_tab(open_page(COMPARE, demo, analyst=True), f"compare_tabs_{demo}", DECISION_CURVE_TAB)
    assert DECISION_CURVE_TAB in tab_labels(at)
    charts = [chart for chart in at.main.get("plotly_chart") if "Decision curve" in chart.proto.spec]
    assert len(charts) == 1
    names = {trace.get("name") for trace in json.loads(charts[0].proto.spec)["data"]}
    assert {"model", "model: 95% band", "act on none"} <= names
    text = page_text(at, include_sidebar=False)
    assert "How to read it." in text and "At your prices:" in text
    assert "calibrated probability" in text
    table = at.dataframe[-1].value
    assert list(table.iloc[:, 0])[:2] == ["Model", "Today's rule"]
    assert "(95%:" in table.iloc[0, 1]


@pytest.mark.parametrize("demo", DEMOS)
def test_a_value_per_row_is_said_with_the_money_each_side_really_makes(demo):
    """Net benefit counts every positive alike: with a value per row (fraud's amounts) the tab
    says so, with the money counted row by row (outcome_of_flags) beside what the curve implies."""
    at = open_tab(open_page(COMPARE, demo, analyst=True), f"compare_tabs_{demo}", DECISION_CURVE_TAB)
    warnings = [warning.value for warning in at.warning if "net benefit counts every" in warning.value]
    sc = bundled(demo)
    econ = sc.spec.economics
    if not econ.value_column:
        assert not warnings
        return
    assert len(warnings) == 1
    pt = own_ratio(econ, sc.labels, sc.values)
    nothing = outcome_of_flags(np.zeros(sc.labels.size, dtype=bool), sc.labels, sc.values, econ).net_value
    rule = outcome_of_flags(sc.rule_flags, sc.labels, sc.values, econ).net_value - nothing
    model = outcome_of_flags(sc.scores >= pt, sc.labels, sc.values, econ).net_value - nothing
    assert f"the model makes {money(model)} and today's rule {money(rule)}" in warnings[0].replace("\\$", "$")


@pytest.mark.parametrize("demo", DEMOS)
def test_the_plain_view_has_no_decision_curve(demo):
    at = open_page(COMPARE, demo)
    assert DECISION_CURVE_TAB not in tab_labels(at)
    text = page_text(at, include_sidebar=False).lower()
    assert "net benefit" not in text and "decision curve" not in text


def test_a_remembered_decision_curve_tab_falls_back_when_the_analyst_view_is_turned_off():
    at = open_tab(open_page(COMPARE, "churn", analyst=True), "compare_tabs_churn", DECISION_CURVE_TAB)
    analyst_toggle(at).set_value(False).run()
    assert not at.exception, at.exception
    assert DECISION_CURVE_TAB not in tab_labels(at)
    assert "net benefit" not in page_text(at, include_sidebar=False).lower()


def own_scores_page(scale: float, shift: float):
    """A team's own scores uploaded (no rule: a random pick's average), then Rule vs model's
    decision curve in the analyst view."""
    rng = np.random.default_rng(5)
    labels = rng.random(1200) < 0.2
    raw = pd.DataFrame({
        "account": [f"A{i:05d}" for i in range(1200)],
        "risk_score": (np.clip(0.2 + 0.5 * labels + rng.normal(0, 0.2, 1200), 0, 1) * scale + shift).round(4),
        "churned": np.where(labels, "yes", "no"),
        "plan": rng.choice(["basic", "pro"], 1200),  # a column a rule could use (an upload needs one)
    }).to_csv(index=False).encode()
    at = open_page("pages/4_Your_data.py")
    at.segmented_control(key="yd_mode").set_value("Bring my own scores").run()
    at.file_uploader(key="yd_file").set_value(("scores.csv", raw, "text/csv")).run()
    at.button(key=next(b.key for b in at.button if b.key and b.key.endswith("_build"))).click().run()
    assert not at.exception and not at.error, (at.exception, [e.value for e in at.error])
    at.switch_page(COMPARE).run()
    analyst_toggle(at).set_value(True).run()
    return open_tab(at, f"compare_tabs_{at.session_state['pd_demo']}", DECISION_CURVE_TAB)


def test_own_scores_that_are_chances_get_the_curve_with_the_calibration_caveat():
    at = own_scores_page(1.0, 0.0)
    text = page_text(at, include_sidebar=False)
    assert "nothing here checked that they are calibrated" in text
    assert [c for c in at.main.get("plotly_chart") if "Decision curve" in c.proto.spec]
    assert "A random pick (average)" in list(at.dataframe[-1].value.iloc[:, 0])


def test_own_scores_outside_zero_to_one_get_a_plain_note_and_no_curve():
    at = own_scores_page(40.0, -10.0)
    assert not [c for c in at.main.get("plotly_chart") if "Decision curve" in c.proto.spec]
    assert any("not a probability" in info.value for info in at.info)
