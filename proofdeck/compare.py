"""Rule versus model, fairly: at the same budget, with bootstrap uncertainty.

"Same budget" means the model acts on exactly as many examples as the rule flags (its top K
by score), so the two differ only in *whom* they pick.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from proofdeck.bootstrap import DEFAULT_RESAMPLES, Interval, bootstrap_outcomes, interval, relative_change
from proofdeck.outcomes import Outcome, outcome_of_flags
from proofdeck.spec import Economics


def top_k_flags(scores: np.ndarray, k: int) -> np.ndarray:
    """Flags for the k highest scores (ties broken by position, deterministically)."""
    scores = np.asarray(scores, dtype=float)
    flags = np.zeros(scores.size, dtype=bool)
    flags[np.argsort(-scores, kind="stable")[: max(int(k), 0)]] = True
    return flags


@dataclass(frozen=True)
class SameBudget:
    """Rule and model acting on the same number of examples, with 95% intervals."""

    rule: Outcome
    model: Outcome
    rule_reached: Interval
    model_reached: Interval
    extra_reached: Interval
    reached_change: Interval  # relative: +0.46 means 46% more positives reached
    rule_net: Interval
    model_net: Interval
    extra_net: Interval
    resamples: int

    @property
    def clear(self) -> bool:
        """True when the data show a difference in positives reached (interval excludes 0)."""
        return self.extra_reached.excludes_zero


def same_budget(
    scores: np.ndarray,
    rule_flags: np.ndarray,
    labels: np.ndarray,
    values: np.ndarray,
    economics: Economics,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = 0,
) -> SameBudget:
    """Compare the rule with the model's top K (K = examples the rule flags)."""
    rule_flags = np.asarray(rule_flags, dtype=bool)
    model_flags = top_k_flags(scores, int(rule_flags.sum()))
    rule = outcome_of_flags(rule_flags, labels, values, economics)
    model = outcome_of_flags(model_flags, labels, values, economics)
    boot = bootstrap_outcomes(
        {"rule": rule_flags, "model": model_flags}, labels, values, economics, resamples, seed
    )
    r, m = boot["rule"], boot["model"]
    return SameBudget(
        rule=rule,
        model=model,
        rule_reached=interval(rule.reached, r["reached"]),
        model_reached=interval(model.reached, m["reached"]),
        extra_reached=interval(model.reached - rule.reached, m["reached"] - r["reached"]),
        reached_change=interval(
            float(relative_change(model.reached, rule.reached)),
            relative_change(m["reached"], r["reached"]),
        ),
        rule_net=interval(rule.net_value, r["net_value"]),
        model_net=interval(model.net_value, m["net_value"]),
        extra_net=interval(model.net_value - rule.net_value, m["net_value"] - r["net_value"]),
        resamples=resamples,
    )
