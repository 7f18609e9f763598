"""Decide for a demo with a past campaign: rank by risk or by the action's effect, and, ranked
by effect, what the action changes at the slider's count next to the ranking by risk."""

from __future__ import annotations

import streamlit as st

from proofdeck.comparison.effects import estimate_text
from proofdeck.data.spec import Economics
from proofdeck.model.scenario import Scenario
from proofdeck.words import wording as w
from proofdeck.words.safe_text import md
from ui.frame import campaign

RISK, EFFECT = "risk", "effect"


def rank_key(scenario: Scenario) -> str:
    return f"rank_by_{scenario.spec.key}"


def _chosen(scenario: Scenario) -> None:
    campaign.set_rank_by(scenario, st.session_state[rank_key(scenario)])


def rank_by_choice(scenario: Scenario) -> str:
    """"Rank by: cancellation risk | the offer's effect"; returns the session's choice."""
    nouns, key = scenario.spec.nouns, rank_key(scenario)
    labels = {RISK: md(w.sentence_case(nouns.score)), EFFECT: md(w.sentence_case(w.effect_ranking(nouns)))}
    st.session_state[key] = campaign.rank_by(scenario)  # survives a page switch, as the slider does
    st.radio("Rank by", [RISK, EFFECT], format_func=labels.get, key=key, horizontal=True,
             on_change=_chosen, args=(scenario,),
             help=f"A past campaign shows what the {md(nouns.action)} changes, not only who is at risk.")
    return campaign.rank_by(scenario)


def effect_figures(scenario: Scenario, econ: Economics, count: int) -> None:
    """At the slider's count: outcomes the action changes, spend and net value for the ranking
    by effect, beside the ranking by risk, with 95% intervals and a plain verdict."""
    spec, nouns, cur = scenario.spec, scenario.spec.nouns, econ.currency
    comparison = campaign.at_budget(scenario, econ, count, with_rule=False)
    names = w.effect_policy_names(spec, scenario.baseline)
    if not spec.uplift.randomised:
        st.warning(w.not_randomised(nouns), icon=":material/warning:")
    per = w.period_suffix(econ)
    for column, key in zip(st.columns(2), ("uplift", "risk")):
        effect = comparison.policies[key]
        with column.container(border=True):
            st.markdown(f"**{md(names[key])}**")
            st.metric(md(w.changed_name(nouns)), w.count(effect.changed.estimate))
            st.caption("95% interval: " + w.range_text(effect.changed.low, effect.changed.high, "count"))
            st.metric(f"Net value{per}", w.money(effect.net_value.estimate, cur))
            st.caption(f"95% interval: {w.range_text(effect.net_value.low, effect.net_value.high, 'money', cur)}; "
                       f"spend {w.money(effect.spend, cur)}, worth "
                       f"{estimate_text(effect.value, 'money', cur)}")
    st.markdown(md(w.effect_verdict(nouns, comparison.differences[("uplift", "risk")], names["uplift"],
                                    names["risk"])))
    st.caption(md(w.campaign_sentence(spec), limit=1200)
               + f" The figures below rank by {md(nouns.score)}, as before.")
