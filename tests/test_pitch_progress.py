"""A first visitor's wait on the pitch: progress in words, the headline's figures before its
intervals (issue 22). Nothing here is timed: a slow part is held (it stops the script) and the
test looks at what is already on the page."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]


def test_the_headline_shows_its_three_figures_before_the_intervals_exist():
    def script():
        import streamlit as st

        from proofdeck.data.spec_files import load_spec
        from proofdeck.model.scenario import build_scenario
        from ui.pitch import first_paint
        from ui.pitch.sections import same_budget_points

        @st.cache_resource
        def scenario():
            return build_scenario(load_spec("demos/churn.toml"))

        sc = scenario()
        points = same_budget_points(sc.scores, sc.rule_flags, sc.labels, sc.values, sc.spec.economics)

        def bootstrap_still_running():
            st.stop()  # the intervals never arrive: what is on the page was drawn before them

        first_paint.headline_box(sc.spec, sc.spec.economics, bootstrap_still_running, sc.sweep.size, False,
                                 points=points)

    at = AppTest.from_function(script, default_timeout=120).run()
    assert not at.exception, at.exception
    # The figures, counted independently from the held-out rows: the rule's flags and the
    # model's top K by score (K = as many as the rule flags), reached = flagged positives.
    from proofdeck.data.spec_files import load_spec
    from proofdeck.model.scenario import build_scenario

    sc = build_scenario(load_spec(ROOT / "demos" / "churn.toml"))
    k = int(sc.rule_flags.sum())
    rule_reached = int((sc.rule_flags.astype(bool) & sc.labels).sum())
    top = pd.Series(sc.scores).sort_values(ascending=False, kind="stable").index[:k]
    model_reached = int(sc.labels[top].sum())
    per_quarter = sc.spec.economics.population / len(sc.labels)  # held-out counts scaled to the population
    values = [m.value for m in at.metric]
    assert len(values) == 3
    assert values[0] == f"{round(rule_reached * per_quarter):,} churners"
    assert values[1] == f"{round(model_reached * per_quarter):,} churners"
    text = " ".join(m.value for m in at.markdown) + " ".join(c.value for c in at.caption)
    assert "Measuring how sure these figures are" in text and f"on the {len(sc.labels):,} customers" in text
    assert not at.subheader  # the sentence that needs the intervals is not there yet
    assert "How sure" not in text


def test_the_headline_fills_in_its_sentence_once_the_intervals_exist():
    def script():
        import streamlit as st

        from proofdeck.comparison.compare import same_budget, same_budget_points
        from proofdeck.data.spec_files import load_spec
        from proofdeck.model.scenario import build_scenario
        from ui.pitch import first_paint

        @st.cache_resource
        def scenario():
            return build_scenario(load_spec("demos/churn.toml"))

        sc = scenario()
        econ = sc.spec.economics
        arrays = sc.scores, sc.rule_flags, sc.labels, sc.values, econ
        first_paint.headline_box(sc.spec, econ, lambda: same_budget(*arrays), sc.sweep.size, False,
                                 points=same_budget_points(*arrays))

    at = AppTest.from_function(script, default_timeout=120).run()
    assert not at.exception, at.exception
    assert at.subheader and at.subheader[0].value.startswith("With the same")
    captions = " ".join(c.value for c in at.caption)
    assert captions.startswith("95% range: ")  # the headline's own range, under its figure (issue 23)
    assert "How sure:" in captions and "Measuring how sure" not in captions


def test_a_first_fit_says_what_it_trains_on_as_step_two_of_three():
    def script():
        import streamlit as st

        from ui.frame import state
        from ui.pitch.first_paint import Progress

        spec_path = state.ROOT / "demos" / "leads.toml"
        progress = Progress(state.load_spec(spec_path))
        progress.step(1, "Loading the analysis tools...")
        state._FITTED.clear()
        state._scenario.clear()
        st.session_state["steps"] = []
        original = progress.step

        def step(number, text):
            st.session_state["steps"].append((number, text))
            original(number, text)

        progress.step = step
        state.scenario_for(spec_path, progress)
        state.scenario_for(spec_path, progress)  # fitted: nothing more to announce
        st.stop()

    at = AppTest.from_function(script, default_timeout=180).run()
    assert not at.exception, at.exception
    rows = len(pd.read_csv(ROOT / "data" / "leads.csv"))
    steps = at.session_state["steps"]
    assert len(steps) == 1 and steps[0][0] == 2
    assert steps[0][1].startswith(f"Training the model on {rows:,} ")
    assert "(30% of them kept aside to test it)" in steps[0][1]
    labels = [status.label for status in at.get("expandable")] if at.get("expandable") else []
    body = " ".join(c.value for c in at.caption)
    assert "(step 2 of 3)" in " ".join(labels) + body
