"""Where rule and model agree, and the rule and the model used together as policies.

Domain experts' rules and data together often beat either alone, so "rule OR model" and
"rule AND model" are evaluated as policies too, with bootstrap intervals.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from proofdeck.data.spec import Economics
from proofdeck.decisions.bootstrap import Interval, bootstrap_outcomes, interval
from proofdeck.decisions.outcomes import Outcome, as_flags, outcome_of_flags

# --- agreement -----------------------------------------------------------------------------


def agreement(rule_flags: np.ndarray, model_flags: np.ndarray, labels: np.ndarray) -> pd.DataFrame:
    """Where rule and model agree: the four cells of rule yes/no by model yes/no.

    Returns
    -------
    pandas.DataFrame
        Indexed by (``rule``, ``model``) booleans in the order (yes, yes), (yes, no),
        (no, yes), (no, no); columns ``examples``, ``positives`` (held-out counts),
        ``positive_rate`` (share of the cell that are positives, NaN for an empty cell) and
        ``share_of_examples``. ``table["examples"].unstack()`` gives the 2x2 grid.
    """
    rule_flags = as_flags(rule_flags)  # a random pick has no cell: it agrees with nobody in particular
    model_flags = np.asarray(model_flags, dtype=bool)
    labels = np.asarray(labels, dtype=bool)
    rows = []
    for rule in (True, False):
        for model in (True, False):
            cell = (rule_flags == rule) & (model_flags == model)
            examples, positives = int(cell.sum()), int((cell & labels).sum())
            rate = positives / examples if examples else float("nan")
            rows.append((rule, model, examples, positives, rate, examples / labels.size if labels.size else float("nan")))
    columns = ["rule", "model", "examples", "positives", "positive_rate", "share_of_examples"]
    table = pd.DataFrame(rows, columns=columns)
    return table.set_index(["rule", "model"])


def cell_positions(
    rule_flags: np.ndarray, model_flags: np.ndarray, rule: bool, model: bool
) -> np.ndarray:
    """Positions (0-based) of the held-out examples in one agreement cell."""
    rule_flags = as_flags(rule_flags)
    model_flags = np.asarray(model_flags, dtype=bool)
    return np.flatnonzero((rule_flags == bool(rule)) & (model_flags == bool(model)))


# --- rule and model together ---------------------------------------------------------------

POLICIES = ("rule", "model", "rule OR model", "rule AND model")


@dataclass(frozen=True)
class PolicyResult:
    """One way of choosing whom to act on, with 95% bootstrap intervals.

    ``extra_net`` is its net value minus the rule's, on the same resamples (paired), so it
    says whether the policy beats today's rule; it is exactly 0 for the rule itself.
    """

    name: str
    outcome: Outcome
    reached: Interval
    net_value: Interval
    extra_net: Interval


def combined_policies(
    rule_flags: np.ndarray,
    model_flags: np.ndarray,
    labels: np.ndarray,
    values: np.ndarray,
    economics: Economics,
    resamples: int | None = None,
    seed: int = 0,
) -> dict[str, PolicyResult]:
    """The rule, the model, and the two ways of using them together, as four policies.

    "rule OR model" acts on anyone either flags (wider net); "rule AND model" only on those
    both flag (more selective). All four are bootstrapped on the same resamples.

    Parameters
    ----------
    rule_flags, model_flags : held-out flags; the model's usually ``cutoff_flags(scores, t)``.
    labels, values : held-out outcomes and per-example values.
    economics : unit economics.
    resamples, seed : bootstrap settings (seeded, so results are reproducible).

    Returns
    -------
    dict
        Policy name (see :data:`POLICIES`) -> :class:`PolicyResult`, in that order.
    """
    rule_flags = as_flags(rule_flags)  # "rule OR model" needs a rule's own decisions
    model_flags = np.asarray(model_flags, dtype=bool)
    policies = dict(
        zip(
            POLICIES,
            (rule_flags, model_flags, rule_flags | model_flags, rule_flags & model_flags),
            strict=True,
        )
    )
    boot = bootstrap_outcomes(policies, labels, values, economics, resamples, seed)
    outcomes = {name: outcome_of_flags(flags, labels, values, economics) for name, flags in policies.items()}
    rule_net, rule_boot = outcomes["rule"].net_value, boot["rule"]["net_value"]
    return {
        name: PolicyResult(
            name=name,
            outcome=outcome,
            reached=interval(outcome.reached, boot[name]["reached"]),
            net_value=interval(outcome.net_value, boot[name]["net_value"]),
            extra_net=interval(outcome.net_value - rule_net, boot[name]["net_value"] - rule_boot),
        )
        for name, outcome in outcomes.items()
    }
