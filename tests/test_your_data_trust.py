"""Your data never yields a wrong or over-confident story (issue 17), on files shaped like real
exports: a bank campaign whose call length is known only after the call, an HR table whose
outcome comes second, a European export with amounts in euros, and the telco export.

Each flow uploads, answers the page as a person would, builds, and reads the pages and the
report; the expected words come from the files' own construction (tests/messy.py), not from
the functions under test.
"""

from __future__ import annotations

import re

import pytest
from conftest import open_page, page_text, readable
from messy import bank_campaign_export, european_export, hr_attrition_export, telco_export
from test_page_your_data import build, prefix, upload, write_rule

PAGES = ["app.py", "pages/1_Decide.py", "pages/3_Compare.py"]


def _main_text(at) -> str:
    return page_text(at, include_sidebar=False)


def _report(at) -> str:
    """The report of the session's demo, as the Share page builds it (its text only)."""
    from proofdeck.sharing.report import report_html

    scenario, _, check = next(iter(at.session_state["pd_uploads"].values()))
    economics = at.session_state["pd_economics"].get(scenario.spec.key, scenario.spec.economics) if (
        "pd_economics" in at.session_state) else scenario.spec.economics
    html = report_html(scenario, economics, scenario.default_count, check=check)
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)  # plotly.js is full of "$1"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture(scope="module")
def bank():
    """The campaign file after upload, before anything is answered."""
    return bank_campaign_export(3000)


def test_the_campaign_outcome_is_y_and_the_call_length_is_caught_and_asked_about(bank):
    at = upload("bank-full.csv", bank)
    p = prefix(at)
    # The outcome: 'y' (last, named like an outcome, 11% yes), not 'default' (a rare attribute).
    assert at.selectbox(key=f"{p}_outcome").value == "y"
    text = _main_text(at)
    assert "First guess 'y': named like an outcome ('y'), the last column, yes/no" in text
    assert "Also possible: 'default': named like an outcome ('default'), yes/no" in text
    # duration follows the outcome by construction (messy.py): flagged as dominating, left out.
    warnings = " ".join(readable(w.value) for w in at.warning)
    assert "**duration**: it dominates the model" in warnings and "the next best column alone" in warnings
    features_key = f"{p}_features_y"
    assert "duration" not in at.multiselect(key=features_key).value
    assert "What was checked: 16 columns were checked alone on held-out rows" in text
    assert "none was flagged" not in text and "no leak" not in text.lower()
    # One click per strongest driver; confirming the flagged one puts it back.
    questions = [c for c in at.checkbox if c.label.endswith("is known before we act")]
    assert len(questions) == 3 and readable(questions[0].label).startswith("**duration**")
    questions[0].check().run()
    assert "duration" in at.multiselect(key=features_key).value
    at.checkbox(key=questions[0].key).uncheck().run()
    assert "duration" not in at.multiselect(key=features_key).value


def test_words_are_drafted_again_for_a_new_outcome_unless_edited(bank):
    at = upload("bank-full.csv", bank)
    p = prefix(at)

    def word(label: str) -> str:
        return next(t for t in at.text_input if t.label.startswith(label)).value

    assert word("Someone with the outcome") == "customer with outcome yes"
    next(t for t in at.text_input if t.label == "One row is a...").input("client").run()
    # Another outcome: its words replace the first guess's everywhere...
    at.selectbox(key=f"{p}_outcome").set_value("loan").run()
    assert word("Someone with the outcome") == "customer with Loan yes"
    assert "outcome yes" not in _main_text(at)
    # ...but the word the person typed stays, whatever the outcome.
    assert word("One row is a...") == "client"


def test_a_built_campaign_demo_says_what_is_assumed_unconfirmed_and_checked(bank):
    at = upload("bank-full.csv", bank)
    write_rule(at, 'poutcome == "success"')
    build(at)
    for script in PAGES:
        at.switch_page(script).run()
        assert not at.exception, (script, at.exception)
        text = _main_text(at)
        # Example money is said to be an example on every page with money, and no population
        # was given: nothing is "per quarter".
        assert "Assumed, not confirmed: the cost per contact ($10)" in text, script
        assert "per quarter" not in text and "per period" not in text, script
    at.switch_page("app.py").run()
    text = _main_text(at)
    assert "Not confirmed as known before a contact:" in text and "strongest drivers" in text
    assert "flagged: Duration" in text and "No column was confirmed" in text
    report = _report(at)
    assert "Assumed, not confirmed" in report and "Not confirmed as known before a contact" in report
    assert "flagged: Duration (it dominates the model" in report and "No check can prove" in report
    assert "No column looks like" not in report
    # An upload's report cannot point at a link that would reopen it.
    assert "?demo=upload-" not in report and "No link reopens it" in report


def test_confirmed_money_and_a_population_speak_per_quarter_and_drop_the_example_note():
    at = upload("telco.csv", telco_export(1500))
    p = prefix(at)
    cost = next(n for n in at.number_input if n.label.startswith("Cost per"))
    cost.set_value(55.0).run()
    at.number_input(key=f"{p}_population").set_value(40000.0).run()
    text = _main_text(at)
    assert "costs $55 and" in text and "$600 (an example value)" in text
    at.checkbox(key=f"{p}_money_confirmed").check().run()
    assert "(an example value)" not in _main_text(at)
    write_rule(at, 'Contract == "Month-to-month" and tenure < 6')
    build(at)
    for script in PAGES:
        at.switch_page(script).run()
        text = _main_text(at)
        assert "Assumed, not confirmed" not in text, script
        assert "per quarter" in text, script
    # Labels: the export's machine names are read as words on the pages.
    at.switch_page("pages/2_Examples.py").run()
    text = _main_text(at)
    assert "Customer ID" in text and "Monthly charges" in text and "Monthlycharges" not in text


def test_a_european_export_keeps_its_euros_on_every_page_and_in_the_report():
    at = upload("kunden.csv", european_export(1500))
    p = prefix(at)
    assert at.selectbox(key=f"{p}_currency").value == "€"
    write_rule(at, 'Vertragsart == "Monat"')
    build(at)
    for script in PAGES:
        at.switch_page(script).run()
        text = _main_text(at)
        assert "€" in text and not re.search(r"\$\d", text), script
    report = _report(at)
    assert "€" in report and not re.search(r"[-+]?\$\d", report)


def test_the_hr_outcome_second_of_many_columns_is_still_the_first_guess():
    at = upload("hr.csv", hr_attrition_export(1200))
    assert at.selectbox(key=f"{prefix(at)}_outcome").value == "Attrition"


def test_a_link_to_a_demo_that_does_not_exist_says_so():
    at = open_page("app.py")
    at.query_params["demo"] = "nope"
    at.session_state["pd_demo"] = None
    at.run()
    toasts = " ".join(readable(t.value) for t in at.toast)
    assert "The link asks for a demo called 'nope', which is not here" in toasts
