"""Two people on one server never see each other's session: setting, assumptions, uploads.

Context A (one browser session) uploads a small messy export on Your data and builds it, goes
back to the churn demo, moves the Decide slider by keyboard and changes the cost per action
in the sidebar's Assumptions. Context B (another session, same server) then opens
/Decide?demo=churn and must show the spec's default readout and cost, and no "(your data)"
demo in its picker. Then A must still show its own setting, cost and upload. Screenshots of
both land in tests/artifacts/isolation-*.png.
"""

from __future__ import annotations

import re

import pytest
from browser_kit import ARTIFACTS, fresh_server, needs_chromium, settle
from conftest import ROOT
from messy import telco_export

from proofdeck.data.spec_files import load_catalog

pytestmark = [pytest.mark.browser, needs_chromium]
SPEC = load_catalog(ROOT / "demos").specs["churn"]
COST_LABEL = f"Cost per {SPEC.nouns.action}"
READ_DONE = re.compile(r"Read [\d,]+ rows and [\d,]+ columns")


def _settle(page) -> None:
    settle(page)
    assert page.get_by_test_id("stException").count() == 0, "the page shows an exception"


def _readout(page) -> str:
    return page.locator("h5").first.inner_text()


def _cost(page):
    """The sidebar's cost-per-action input (the Assumptions expander opened first)."""
    sidebar = page.get_by_test_id("stSidebar")
    field = sidebar.get_by_label(COST_LABEL)
    if not field.is_visible():
        sidebar.get_by_text("Assumptions").click()
    field.wait_for(state="visible")
    return field


def _move_and_cost(page, keys: list[str], cost: str) -> None:
    """This session's own setting: slider keys pressed, then a cost per action typed."""
    page.get_by_test_id("stMain").get_by_role("slider").first.focus()
    for key in keys:
        page.keyboard.press(key)
        _settle(page)
    field = _cost(page)
    field.fill(cost)
    field.press("Enter")
    _settle(page)


def _picker_options(page) -> list[str]:
    """What the sidebar's demo picker offers (opened, read, closed again)."""
    picker = page.get_by_test_id("stSidebar").get_by_role("combobox", name="Demo")
    picker.click()
    options = page.get_by_role("option")
    options.first.wait_for()
    texts = [option.inner_text() for option in options.all()]
    page.keyboard.press("Escape")
    return texts


def _pick(page, title: str) -> None:
    picker = page.get_by_test_id("stSidebar").get_by_role("combobox", name="Demo")
    picker.click()
    page.get_by_role("option", name=title, exact=True).click()
    _settle(page)


def _go(page, link: str) -> None:
    """Move within the session by the sidebar's navigation (a reload would be a new session)."""
    page.get_by_test_id("stSidebar").get_by_role("link", name=link).click()
    page.wait_for_selector("h1", timeout=180_000)
    _settle(page)


def _open(context, url: str):
    page = context.new_page()
    page.goto(url, timeout=180_000)
    page.wait_for_selector("h5", timeout=180_000)
    _settle(page)
    return page


def test_two_sessions_on_one_server_keep_their_own_state(browser, tmp_path):
    upload = tmp_path / "telco_isolation.csv"
    upload.write_bytes(telco_export(600, seed=7))
    default_cost = f"{SPEC.economics.cost_per_action:.2f}"
    with fresh_server(log_name="server-isolation.log") as base:
        a_context = browser.new_context(viewport={"width": 1280, "height": 800})
        b_context = browser.new_context(viewport={"width": 1280, "height": 800})
        try:
            # A: the default view, then an upload built into a demo of A's session.
            a = _open(a_context, f"{base}/Decide?demo=churn")
            default_readout = _readout(a)
            assert _cost(a).input_value() == default_cost
            _go(a, "Your data")
            a.locator("input[type=file]").set_input_files(str(upload))
            a.get_by_text(READ_DONE).first.wait_for(timeout=120_000)
            _settle(a)
            rule = a.get_by_role("textbox", name="The same rule as text (you can edit it here too)")
            rule.fill('Contract == "Month-to-month" and tenure < 6')
            rule.press("Control+Enter")
            _settle(a)
            a.get_by_role("button", name=re.compile("Build the dashboard")).click()
            a.get_by_text("Your data is a demo for this session").wait_for(timeout=180_000)
            _settle(a)
            uploads = [o for o in _picker_options(a) if o.endswith("(your data)")]
            assert uploads, "A's upload is not in A's picker"

            # A: back to churn, the slider moved by keyboard, a new cost per action.
            _pick(a, SPEC.title)
            _go(a, "Decide")
            assert _readout(a) == default_readout
            _move_and_cost(a, ["ArrowRight"] * 4, "1234")
            a_readout = _readout(a)
            assert a_readout != default_readout
            assert _cost(a).input_value() == "1234.00"

            # B: a new session on the same server sees the spec's defaults and no upload.
            b = _open(b_context, f"{base}/Decide?demo=churn")
            assert _readout(b) == default_readout
            assert _cost(b).input_value() == default_cost
            b_options = _picker_options(b)
            assert SPEC.title in b_options
            assert not any("(your data)" in o for o in b_options), b_options
            # B acts too: its own slider move and cost, which must not reach A.
            _move_and_cost(b, ["ArrowLeft"], "5")
            b_readout = _readout(b)
            assert b_readout not in (default_readout, a_readout)
            b.screenshot(path=str(ARTIFACTS / "isolation-b.png"), full_page=True)

            # A again, after B acted and after a rerun of its own page: still A's.
            assert _readout(a) == a_readout
            _go(a, "Rule vs model")
            _go(a, "Decide")
            assert _readout(a) == a_readout
            assert _cost(a).input_value() == "1234.00"
            assert uploads == [o for o in _picker_options(a) if o.endswith("(your data)")]
            a.screenshot(path=str(ARTIFACTS / "isolation-a.png"), full_page=True)
            # ...and B kept its own after A's rerun.
            assert _readout(b) == b_readout
            assert _cost(b).input_value() == "5.00"
        except BaseException:
            for name, context in (("a", a_context), ("b", b_context)):
                for number, page in enumerate(context.pages):
                    page.screenshot(path=str(ARTIFACTS / f"isolation-failed-{name}{number}.png"), full_page=True)
            raise
        finally:
            a_context.close()
            b_context.close()
