"""Today's rule, the ranking by risk and the ranking by the action's effect, on a scenario with
a past campaign (``scenario.uplift``): what each changes at one budget, and their curves.

The three act on as many held-out examples (today's rule's budget, or any count the Decide
slider picks); see :mod:`proofdeck.uplift.estimate` for the estimator and its intervals.
"""

from __future__ import annotations

import numpy as np

from proofdeck.data.spec import Economics
from proofdeck.model.scenario import Scenario
from proofdeck.uplift.estimate import CampaignBootstrap, UpliftComparison, ranking

POLICY_KEYS = ("rule", "risk", "uplift")


def effect_at_budget(scenario: Scenario, economics: Economics, count: int | None = None,
                     boot: CampaignBootstrap | None = None, with_rule: bool = True) -> UpliftComparison:
    """What each policy changes at one budget, with 95% intervals and paired differences.

    Parameters
    ----------
    count : the budget for the two rankings; default today's rule's (its flags, or a random
        pick's size). With ``with_rule`` the rule keeps its own picks, of its own size.
    boot : the campaign's resamples, drawn once (``scenario.uplift.bootstrap()``).
    with_rule : compare today's rule too (the Decide slider compares only the rankings).

    Raises
    ------
    ValueError
        When the scenario has no past campaign.
    """
    campaign = scenario.uplift
    if campaign is None:
        raise ValueError("this demo has no past campaign ([uplift] in its spec)")
    count = scenario.default_count if count is None else int(count)
    policies: dict[str, np.ndarray] = {}
    if with_rule:
        policies["rule"] = scenario.rule_flags
    policies["risk"] = scenario.sweep.order
    policies["uplift"] = campaign.order
    return campaign.at_budget(policies, economics, scenario.values, count=count, boot=boot)


def effect_curves(scenario: Scenario, economics: Economics) -> dict[str, np.ndarray]:
    """Estimated outcomes changed per period if the action goes to the top ``k`` of each
    ranking, for every ``k``: ``share_acted`` (k / n) and one curve per ranking
    (``risk``, ``uplift``), plus ``random`` (the whole held-out set's effect, spread evenly)."""
    campaign = scenario.uplift
    n = campaign.treated.size
    scale = economics.scale_for(n)
    everyone = campaign.curve(ranking(np.zeros(n)))[-1]
    return {
        "share_acted": np.arange(n + 1) / max(n, 1),
        "risk": campaign.curve(scenario.sweep.order) * scale,
        "uplift": campaign.curve(campaign.order) * scale,
        "random": everyone * scale * np.arange(n + 1) / max(n, 1),
    }


def estimate_text(found, kind: str, currency: str = "$") -> str:
    """"5,570 (3,770 to 7,480)": an estimate with its 95% interval, kind "count" or "money"."""
    from proofdeck.words import wording as w

    value = w.money(found.estimate, currency) if kind == "money" else w.count(found.estimate)
    return f"{value} ({w.range_text(found.low, found.high, kind, currency)})"


def effect_table(scenario: Scenario, economics: Economics, comparison: UpliftComparison) -> list[dict[str, str]]:
    """The same-budget table in words: one row per figure, one column per policy.

    Rows: outcomes the action changes, what they are worth, the spend, the net value (each with
    its 95% interval; the spend is fixed), then the four groups' estimated counts among the
    picks. Plain text; pages and the report escape it where they draw it.
    """
    from proofdeck.words import wording as w

    spec, cur = scenario.spec, economics.currency
    names = w.effect_policy_names(spec, scenario.baseline)
    keys = [key for key in POLICY_KEYS if key in comparison.policies]
    effects = {key: comparison.policies[key] for key in keys}
    rows = [
        (w.changed_name(spec.nouns), lambda e: estimate_text(e.changed, "count")),
        (f"What they are worth{w.period_suffix(economics)}", lambda e: estimate_text(e.value, "money", cur)),
        (f"Spend{w.period_suffix(economics)}", lambda e: w.money(e.spend, cur)),
        (f"Net value{w.period_suffix(economics)}", lambda e: estimate_text(e.net_value, "money", cur)),
    ]
    for group, words in w.group_names(spec).items():
        rows.append((f"Picks: {words} (estimated)", lambda e, group=group: w.count(e.groups[group])))
    table = []
    for label, cell in rows:
        table.append({"": w.sentence_case(label), **{names[key]: cell(effects[key]) for key in keys}})
    return table


def effect_verdicts(scenario: Scenario, comparison: UpliftComparison) -> list[str]:
    """Plain sentences: the effect ranking against the risk ranking, then against today's rule."""
    from proofdeck.words import wording as w

    spec = scenario.spec
    names = w.effect_policy_names(spec, scenario.baseline)
    sentences = [w.effect_verdict(spec.nouns, comparison.differences[("uplift", "risk")], names["uplift"],
                                  names["risk"])]
    if ("uplift", "rule") in comparison.differences:
        sentences.append(w.effect_verdict(spec.nouns, comparison.differences[("uplift", "rule")], names["uplift"],
                                          names["rule"]))
    return sentences
