"""The pitch page: how sure (bootstrap and refits), the ask (charter, impact, A/B test)."""

import time

import pytest
from conftest import DEMOS, ROOT, open_page, page_text

from proofdeck.data.spec_files import load_spec


@pytest.mark.parametrize("demo", DEMOS)
def test_the_ask_states_the_charter_the_impact_and_the_test(demo):
    at = open_page("app.py", demo)
    text = page_text(at, include_sidebar=False)
    charter = load_spec(ROOT / "demos" / f"{demo}.toml").charter
    assert "The ask" in text
    assert charter.action in text and charter.promise in text
    assert "Expected impact:" in text and "(95% interval)" in text
    assert "The test that settles the money:" in text and "each half needs about" in text
    assert "Which picks better, the model or today's rule:" in text and "each arm needs about" in text
    assert "80% power" in text and "plus the time the outcomes take to show" in text  # not cut short
    assert "A backtest on held-out data" in text


def _impact(at) -> str:
    text = page_text(at, include_sidebar=False)
    start = text.index("Expected impact:")
    return text[start:text.index("\n", start) if "\n" in text[start:] else None]


def test_the_impact_gives_the_data_range_and_the_range_with_the_money_guesses():
    at = open_page("app.py")
    impact = _impact(at)
    assert "from the held-out data at the assumed money (95% interval)" in impact
    assert "guessed ranges" in impact and "share of reached churners won 15% to 45%" in impact
    # Stating the win rate's range: the guess becomes the business's, and the wider range follows.
    at.slider(key="econ_churn_win_rate_range").set_value((5, 90)).run()
    moved = _impact(at)
    assert "share of reached churners won 5% to 90%" in moved and moved != impact
    data_part = impact.split(", and between")[0]
    assert moved.startswith(data_part)  # the data-only range does not move with the ranges
    assert "(a guess)" not in at.slider(key="econ_churn_win_rate_range").label


def test_editing_the_ask_changes_it_for_the_session_only():
    at = open_page("app.py")
    assert not at.main.text_input  # the editor's inputs are built once it is opened
    at.session_state["charter_churn_editor"] = True
    at.run()
    at.text_input(key="charter_churn_metric_to").input("15%").run()
    assert "from 22% to 15%" in page_text(at, include_sidebar=False)
    at.switch_page("pages/1_Decide.py").run()
    at.switch_page("app.py").run()
    assert "from 22% to 15%" in page_text(at, include_sidebar=False)
    assert "from 22% to 18%" in page_text(open_page("app.py"), include_sidebar=False)


def test_the_pitch_says_how_much_the_figures_move_across_other_test_groups(monkeypatch):
    monkeypatch.setenv("PROOFDECK_REFITS", "4")  # four folds, once
    at = open_page("app.py")
    deadline = time.time() + 240
    while "none is this page's split): the extra net value, each group scaled up" not in page_text(at):
        assert time.time() < deadline, "the refits never finished"
        assert "Checking how much this depends" in page_text(at)
        time.sleep(2)
        at.run()
    assert not at.exception
    text = page_text(at)
    assert "Tested again on 4 other test groups of about 2,500 customers (4 parts of the data, once;" in text
    assert "ahead of the rule in" in text and "luck of the split and of the training on 2,500 customers" in text


def test_the_pitch_never_says_bootstrap_in_the_business_view():
    text = page_text(open_page("app.py"))
    assert "bootstrap" not in text.lower()
    assert "bootstrap" in page_text(open_page("app.py", analyst=True)).lower()


@pytest.mark.parametrize("demo", DEMOS)
def test_the_pitch_shows_each_tests_sentence_whole(demo):
    # Issue 23, item 4: every sentence of "the test it needs" in full, as the report has it.
    from conftest import bundled

    from proofdeck.comparison.ab_test import ab_test_for
    from proofdeck.comparison.compare import same_budget

    sc = bundled(demo)
    econ = sc.spec.economics
    comparison = same_budget(sc.scores, sc.rule_flags, sc.labels, sc.values, econ)
    text = " ".join(page_text(open_page("app.py", demo), include_sidebar=False).replace("**", "").split())
    for label, sentence in ab_test_for(comparison.rule, comparison.model, econ).labelled(sc.spec.nouns, sc.baseline):
        assert f"{label}: {' '.join(sentence.split())}" in text


def test_the_assumptions_open_right_under_the_demo_picker():
    # Issue 23, item 5: above the page links, so their first inputs open within a 720 px sidebar.
    from conftest import _walk

    at = open_page("app.py")
    order = [getattr(node, "type", "") + ":" + str(getattr(node, "label", "")) for node in _walk(at.sidebar)]
    picker = next(i for i, item in enumerate(order) if item.endswith(":Demo"))
    money = next(i for i, item in enumerate(order) if item == "expander:Assumptions")
    first_cost = next(i for i, item in enumerate(order) if item.startswith("number_input:Cost per"))
    links = [i for i, item in enumerate(order) if item.startswith("page_link:")]
    assert picker < money < first_cost < min(links), order
