"""Links that reopen a view: encode/decode, and the round trip through the pages (AppTest)."""

import math

import pytest
from conftest import ROOT, analyst_toggle, demo_picker, open_page
from hypothesis import given
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest
from test_page_decide import target

from proofdeck.data.spec import ECONOMICS_BOUNDS
from proofdeck.data.spec_files import load_spec
from proofdeck.sharing.links import View, decode, encode

CHURN = load_spec(ROOT / "demos" / "churn.toml")
SIZE = 3000


def fresh(path: str = "app.py", **params: str) -> AppTest:
    """A new session opened from a link: the params are the address's query string."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    if path != "app.py":
        at.switch_page(path).run()
    assert not at.exception, at.exception
    return at


@given(
    st.one_of(st.none(), st.integers(0, SIZE)),
    st.dictionaries(st.sampled_from(list(ECONOMICS_BOUNDS)), st.floats(0.0001, 1.0)),
    st.booleans(),
)
def test_encode_then_decode_gives_the_same_view(count, changes, analyst):
    changes = {k: v for k, v in changes.items() if k != "value_per_won" or not CHURN.economics.value_column}
    view = View(demo="churn", count=count, economics=changes, analyst=analyst)
    back, notices = decode(encode(view), CHURN, SIZE)
    assert notices == []
    assert back.count == count and back.analyst == analyst
    expected = {k: v for k, v in changes.items() if v != getattr(CHURN.economics, k)}
    assert back.economics == pytest.approx(expected)


@given(st.floats(0.0001, 1.0), st.floats(0.0001, 1.0), st.floats(0.0, 1e6), st.floats(0.0, 1e6))
def test_money_ranges_travel_in_a_link(a, b, c, d):
    ranges = (("win_rate", min(a, b), max(a, b)), ("cost_per_action", min(c, d), max(c, d)))
    back, notices = decode(encode(View(demo="churn", economics={"ranges": ranges})), CHURN, SIZE)
    assert notices == []
    # Read back in the order of the money fields, each end exactly.
    assert back.economics["ranges"] == (ranges[1], ranges[0])


@pytest.mark.parametrize("raw", ["0.5~0.2", "0.2", "a~b", "0.2~7", "nan~0.3", "0.1~0.2~0.3"])
def test_a_bad_range_in_a_link_is_ignored_with_a_notice(raw):
    view, notices = decode({"win_rate_range": raw}, CHURN, SIZE)
    assert "ranges" not in view.economics
    assert len(notices) == 1 and "range for win rate" in notices[0]


@given(st.dictionaries(st.sampled_from(["top", "cost_per_action", "win_rate", "analyst", "mode", "period", "step",
                                        "win_rate_range"]),
                       st.text(max_size=30)))
def test_any_garbage_decodes_to_a_valid_view_with_notices(params):
    view, notices = decode(params, CHURN, SIZE)
    assert view.count is None or 0 <= view.count <= SIZE
    for name, value in view.economics.items():
        if name == "ranges":
            assert all(ECONOMICS_BOUNDS[f][0] <= lo <= hi <= ECONOMICS_BOUNDS[f][1] for f, lo, hi in value)
        elif name != "period":
            low, high = ECONOMICS_BOUNDS[name]
            assert math.isfinite(value) and low <= value <= high
    assert all(isinstance(n, str) and n for n in notices)


def test_link_reopens_demo_setting_assumptions_and_analyst_on_a_fresh_session():
    at = fresh("pages/1_Decide.py", demo="leads", top="700", cost_per_action="180", analyst="1")
    assert demo_picker(at).value == "leads"
    assert at.select_slider(key="setting_slider_leads").value == 700
    assert analyst_toggle(at).value is True
    assert at.number_input(key="econ_leads_cost_per_action").value == 180.0
    readout = [m.value for m in at.markdown if m.value.startswith("##### ")][0]
    assert "Call the 1,167 leads" in readout  # 700 of 3,600 held-out leads, scaled to 6,000 a quarter


def test_the_address_follows_every_change():
    at = open_page("pages/1_Decide.py")
    assert at.query_params.get("demo") == ["churn"] or at.query_params.get("demo") == "churn"
    target(at, "afford").set_value(5000).run()
    at.button(key="set_afford_churn").click().run()
    at.number_input(key="econ_churn_cost_per_action").set_value(55.0).run()
    params = {k: (v[-1] if isinstance(v, list) else v) for k, v in at.query_params.items()}
    assert params["top"] == str(at.select_slider(key="setting_slider_churn").value)
    assert params["cost_per_action"] == "55"
    # ...and that address, opened elsewhere, shows the same page.
    again = fresh("pages/1_Decide.py", **params)
    readout = [m.value for m in at.markdown if m.value.startswith("##### ")][0]
    assert [m.value for m in again.markdown if m.value.startswith("##### ")][0] == readout


def test_garbage_in_a_link_falls_back_with_a_notice_never_an_error():
    at = fresh("app.py", demo="churn", top="-3", cost_per_action="1e999", win_rate="abc",
               analyst="maybe", mode="party")
    toasts = " ".join(t.value for t in at.toast)
    assert "out of range" in toasts and "not possible here" in toasts and "unknown" in toasts
    at.switch_page("pages/1_Decide.py").run()
    assert not at.exception
    assert at.select_slider(key="setting_slider_churn").value == 603  # the rule's budget
    assert at.number_input(key="econ_churn_cost_per_action").value == 40.0
    assert analyst_toggle(at).value is False


def test_assumptions_stay_shown_after_switching_pages():
    # The bug: the sidebar's inputs came back as 0.00 on the next page (a forgotten widget).
    at = open_page("app.py")
    at.number_input(key="econ_churn_cost_per_action").set_value(65.0).run()
    for script in ("pages/1_Decide.py", "pages/2_Examples.py", "pages/3_Compare.py", "app.py"):
        at.switch_page(script).run()
        assert at.number_input(key="econ_churn_cost_per_action").value == 65.0, script
        assert at.number_input(key="econ_churn_value_per_won").value == 600.0, script


def test_an_unknown_demo_in_a_link_opens_the_first_demo():
    at = fresh("app.py", demo="no-such-demo")
    assert demo_picker(at).value == "churn"
