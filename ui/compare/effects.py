"""The "Who the {action} changes" tab of Rule vs model, for a demo with a past campaign:
today's rule, the ranking by risk and the ranking by the action's effect at the rule's budget,
with intervals and a verdict, and the curve of each ranking."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from proofdeck.charts.base import PLOTLY_CONFIG
from proofdeck.charts.uplift import effect_curve_figure
from proofdeck.comparison.effects import effect_table, effect_verdicts
from proofdeck.data.spec import Economics
from proofdeck.model.scenario import Scenario
from proofdeck.words import wording as w
from proofdeck.words.safe_text import md
from ui.frame import campaign


def effect_tab(scenario: Scenario, econ: Economics, analyst: bool) -> None:
    """The three policies at the rule's budget, a plain verdict, the curve and the campaign note."""
    spec, nouns = scenario.spec, scenario.spec.nouns
    comparison = campaign.at_budget(scenario, econ)
    if not spec.uplift.randomised:
        st.warning(w.not_randomised(nouns), icon=":material/warning:")
    actions = comparison.policies["rule"].actions
    st.markdown(f"**Same budget:** {w.count(actions)} {md(nouns.actions)}{w.period_suffix(econ)} each, "
                f"chosen three ways. Measured on the held-out {md(nouns.entities)} of the past campaign.")
    for sentence in effect_verdicts(scenario, comparison):
        st.markdown(f"**{md(sentence)}**")
    st.table(pd.DataFrame(effect_table(scenario, econ, comparison)).set_index(""))
    how = (f"{campaign.bootstrap(scenario).resamples:,} bootstrap resamples" if analyst
           else "redrawing them many times")
    st.caption(
        f"In brackets: 95% intervals from {how} of the {scenario.sweep.size:,} held-out {md(nouns.entities)}, "
        f"the same number picked in every redraw. Among the picks, the {md(nouns.entities)} {w.who(nouns.entities)} got the "
        f"{md(nouns.action)} in the campaign are compared with those who did not; the gap, times the picks, is "
        f"what the {md(nouns.action)} changes. The four groups are estimates from two models of each "
        f"{md(nouns.entity)}'s chances with and without the {md(nouns.action)}."
    )
    curves = campaign.curves(scenario, econ)
    rule_effect = comparison.policies["rule"]
    share = scenario.rule_count / max(scenario.sweep.size, 1)
    figure = effect_curve_figure(curves, (share, rule_effect.changed.estimate), nouns, analyst,
                                 scenario.baseline.name)
    st.plotly_chart(figure, key="effect_chart", config=PLOTLY_CONFIG)
    st.caption(md(w.campaign_sentence(spec), limit=1200))
