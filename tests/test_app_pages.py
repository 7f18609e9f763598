"""Every page of every demo, driven through app.py like a browser session (Streamlit AppTest)."""
import functools
import re

import pytest
from conftest import DEMOS, PAGE_SCRIPTS, TECHNICAL_WORDS, analyst_toggle, demo_picker, open_page, page_text


@functools.cache
def rendered(demo: str, script: str):
    """Each page of each demo opened once for the read-only checks below (none of them clicks)."""
    return open_page(script, demo)


@pytest.mark.parametrize("script", PAGE_SCRIPTS)
@pytest.mark.parametrize("demo", DEMOS)
def test_every_page_renders_for_every_demo(demo, script):
    at = rendered(demo, script)
    assert not at.exception, at.exception
    # The shared sidebar is on every page: demo picker, analyst switch, navigation.
    assert demo_picker(at).value == demo
    assert analyst_toggle(at).value is False
    assert len(at.sidebar.get("page_link")) >= len(PAGE_SCRIPTS)
    assert at.title, "every page has a title"
    assert "Traceback" not in page_text(at)


@pytest.mark.parametrize("demo", DEMOS)
def test_pitch_states_model_vs_rule_at_the_rules_budget(demo):
    at = open_page("app.py", demo)
    headline = at.subheader[0].value
    assert headline.startswith("With the same")
    assert "the model reaches" in headline
    labels = [metric.label for metric in at.metric]
    assert "Today's rule reaches" in labels and "The model reaches" in labels
    assert "95%" in page_text(at) and "held-out" in page_text(at)


def test_switching_demo_changes_the_words():
    at = open_page("app.py", DEMOS[0])
    first = page_text(at, include_sidebar=False)
    for other in DEMOS[1:]:
        demo_picker(at).set_value(other).run()
        assert not at.exception
        assert page_text(at, include_sidebar=False) != first


def test_analyst_switch_is_shared_by_pages():
    at = open_page("pages/1_Decide.py", analyst=True)
    assert analyst_toggle(at).value is True
    at.switch_page("app.py").run()
    assert analyst_toggle(at).value is True
    assert "ROC AUC" in page_text(at)


def test_chosen_demo_stays_when_switching_pages():
    at = open_page("app.py", DEMOS[-1])
    for script in PAGE_SCRIPTS[1:]:
        at.switch_page(script).run()
        assert demo_picker(at).value == DEMOS[-1]


@pytest.mark.parametrize("script", PAGE_SCRIPTS)
@pytest.mark.parametrize("demo", DEMOS)
def test_business_view_never_says_the_technical_words(demo, script):
    text = page_text(rendered(demo, script))
    assert not TECHNICAL_WORDS.findall(text), sorted(set(TECHNICAL_WORDS.findall(text)))


@pytest.mark.parametrize("script", PAGE_SCRIPTS)
def test_synthetic_demos_never_speak_of_real_customers(script):
    # The data are synthetic: no page may call its rows "real" customers, leads or transactions.
    for demo in DEMOS:
        text = page_text(rendered(demo, script), include_sidebar=False)
        assert not re.search(r"\breal (customers|leads|transactions|churners|buyers|frauds)\b", text, re.I), (demo, script)


@pytest.mark.parametrize("script", ["app.py", "pages/1_Decide.py", "pages/3_Compare.py"])
def test_where_money_is_compared_the_page_says_risk_is_not_uplift(script):
    text = page_text(open_page(script), include_sidebar=False)
    assert "does not prove that a retention offer changes the outcome" in text
    assert "for the rule's picks and the model's alike" in text
