"""Rule vs model: better than today, by how much, how sure; then why and where."""

import streamlit as st

from proofdeck.words import wording as w
from proofdeck.words.safe_text import md
from ui.compare import sections as parts
from ui.compare.effects import effect_tab
from ui.compare.sections import DECISION_CURVE_TAB
from ui.frame import state
from ui.frame.shell import page_setup
from ui.frame.widgets import analyst_quality, glossary_expander, next_steps, remembered_tabs

page = page_setup("Rule vs model")
spec, scenario, econ = page.spec, page.scenario, page.economics
nouns = spec.nouns

st.title(f"{scenario.baseline.title} or the model: which finds more {nouns.positives}?")
comparison = state.same_budget_comparison(scenario, econ)
parts.verdict_box(scenario, econ, comparison, page.analyst)

left, right = st.columns([3, 2])
with left:
    st.markdown(f"**Same budget:** {w.count(comparison.rule.actions)} {nouns.actions}{w.period_suffix(econ)} each.")
    parts.same_budget_table(scenario, econ, comparison)
with right:
    st.markdown(parts.same_reach_sentence(scenario, econ))
    if scenario.random_pick is not None:
        st.caption("No rule was given: the model is compared with a random pick of the same size. "
                   + w.random_pick_sentence(nouns, scenario.random_pick))
    else:
        st.caption(f"Today's rule: {md(spec.rule.description)}")
        st.markdown(w.code_span(spec.rule.expression))

names = ["Better than random?", "Where they agree", "Rule and model together", "By segment",
         "What if our guesses are off?"]
# The decision curve speaks of net benefit and threshold probabilities: analyst view only.
curve_names = [DECISION_CURVE_TAB] if page.analyst else []
if scenario.uplift is not None:  # a past campaign: what the action changes comes first
    effect, gains, agree, both, segments, sensitivity, *curve_tab = remembered_tabs(
        [md(w.effect_title(nouns)), *names, *curve_names], f"compare_tabs_{spec.key}")
    if effect.open is not False:
        with effect:
            effect_tab(scenario, econ, page.analyst)
else:
    effect = None
    gains, agree, both, segments, sensitivity, *curve_tab = remembered_tabs(
        [*names, *curve_names], f"compare_tabs_{spec.key}")
# Only the open tab runs: each computes its own comparison (bootstraps, break-evens).
first_open = gains.open is not False if effect is None else gains.open  # the first tab opens by default
if first_open:
    with gains:
        parts.gains_tab(scenario, page.model_flags)
if agree.open:
    with agree:
        parts.agreement_tab(scenario, page.model_flags, page.threshold)
if both.open:
    with both:
        parts.together_tab(scenario, econ, page.count, page.threshold)
if segments.open:
    with segments:
        parts.segment_tab(scenario, econ)
if sensitivity.open:
    with sensitivity:
        parts.sensitivity_tab(scenario, econ)
if curve_tab and curve_tab[0].open:
    with curve_tab[0]:
        parts.decision_curve_tab(scenario, econ)

glossary_expander(spec, page.analyst)
if page.analyst:
    analyst_quality(scenario)
next_steps(current="pages/3_Compare.py", scenario=scenario)
