"""The decision curve on the Rule vs model page: an analyst-only tab with its chart, for every demo."""

import json

import numpy as np
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
    assert "How to read it." in text and "At your money:" in text
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
