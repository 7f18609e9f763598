"""Worlds with a known truth, for checking that the pages' 95% intervals cover it about 95% of
the time.

Each world is a population of examples described exactly, so its figures per period are known
without sampling: a model score on ``levels`` equally likely levels (plus jitter inside a level,
so scores do not tie), a positive rate that rises with the score, today's rule flagging an
example with a chance that rises with the score too (worse than the model, as in the demos),
and, for positives, a value that is constant or lognormal (heavy-tailed, like fraud amounts).

A held-out set is ``rows`` examples drawn from it; an interval computed on that set covers when
the population's own figure falls inside. The truth is worked out here from the description
(sums over levels), independently of the code under test.

The three worlds mirror the demos' shapes: churn (3,000 held-out customers, 22% churn), leads
(3,600 leads, 10% buy) and fraud (78,750 payments, about 0.2% fraud, each fraud's amount drawn
from the fraud demo's own 357 fraud amounts: skewed, $0.80 to $3,307). A fourth, heavier world
draws amounts from a lognormal with the same log-spread (1.57) capped only at the $15,000 card
limit: there one fraud can carry a large share of the money, and the pages say so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import norm

from proofdeck.data.spec import Economics

DATA = Path(__file__).resolve().parent.parent / "data"


def _logistic(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


@dataclass(frozen=True)
class World:
    name: str
    rows: int
    economics: Economics
    slope: float  # how fast the positive rate rises with the score (logit per unit score)
    intercept: float
    rule_slope: float  # the rule's chance of flagging rises more slowly than the risk
    rule_intercept: float
    value_sigma: float | None = None  # lognormal log-SD of a positive's value; None: constant
    value_mu: float = 0.0
    value_cap: float = np.inf  # the most a value can be (a card limit)
    value_pool: tuple[float, ...] = ()  # positives' values drawn from these, with replacement
    power: float = 1.0  # >1 concentrates the positives at the top scores (fraud)
    levels: int = 200
    _level: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "_level", (np.arange(self.levels) + 0.5) / self.levels)

    # --- the population, exactly ---------------------------------------------------------
    @property
    def positive_rate(self) -> np.ndarray:
        return _logistic(self.intercept + self.slope * self._level**self.power)

    @property
    def rule_rate(self) -> np.ndarray:
        return _logistic(self.rule_intercept + self.rule_slope * self._level**self.power)

    @property
    def mean_value(self) -> float:
        """A positive's expected worth: its value with a value column, else value per won."""
        if self.value_pool:
            return float(np.mean(self.value_pool))
        if self.value_sigma is None:
            return self.economics.value_per_won
        mu, sigma, cap = self.value_mu, self.value_sigma, self.value_cap
        below = np.exp(mu + sigma**2 / 2) * norm.cdf((np.log(cap) - mu - sigma**2) / sigma)
        return float(below + cap * norm.sf((np.log(cap) - mu) / sigma))  # E[min(value, cap)]

    def _per_period(self, acted: float, reached: float) -> dict[str, float]:
        """Figures per period of a policy acting on a share ``acted`` of the population and
        reaching a share ``reached`` of it that are positives."""
        econ = self.economics
        people = econ.population
        positives = float(self.positive_rate.mean())
        won_value = econ.win_rate * reached * people * self.mean_value
        spend = econ.cost_per_action * acted * people + (econ.fixed_cost if acted > 0 else 0.0)
        miss = econ.cost_per_miss * (positives - reached) * people
        return {"actions": acted * people, "reached": reached * people, "value_won": won_value,
                "spend": spend, "net_value": won_value - spend - miss}

    def rule_truth(self) -> dict[str, float]:
        return self._per_period(float(self.rule_rate.mean()),
                                float((self.rule_rate * self.positive_rate).mean()))

    def top_share_truth(self, share: float) -> dict[str, float]:
        """Acting on the top ``share`` of the population by score."""
        levels = share * self.levels
        full = int(np.floor(levels))
        rates = self.positive_rate[::-1]  # highest level first
        reached = rates[:full].sum() + (levels - full) * (rates[full] if full < self.levels else 0.0)
        return self._per_period(share, float(reached / self.levels))

    def same_budget_truth(self) -> float:
        """The model's extra net value over the rule when it acts on as many as the rule."""
        return self.top_share_truth(float(self.rule_rate.mean()))["net_value"] - self.rule_truth()["net_value"]

    def same_budget_truths(self) -> dict[str, float]:
        """Model minus rule at the rule's budget, per period: the extra net value, the extra
        value won, and the change in the cost per won (each side's spend over its wins, then
        the difference of the two ratios)."""
        model, rule = self.top_share_truth(float(self.rule_rate.mean())), self.rule_truth()
        win_rate = self.economics.win_rate
        return {"net_value": model["net_value"] - rule["net_value"],
                "value_won": model["value_won"] - rule["value_won"],
                "cost_per_won": model["spend"] / (win_rate * model["reached"])
                - rule["spend"] / (win_rate * rule["reached"])}

    # --- a held-out sample ---------------------------------------------------------------
    def draw(self, rng: np.random.Generator):
        """(scores, rule flags, labels, values) of ``rows`` examples."""
        level = rng.integers(0, self.levels, self.rows)
        scores = (level + rng.random(self.rows)) / self.levels
        labels = rng.random(self.rows) < self.positive_rate[level]
        rule = rng.random(self.rows) < self.rule_rate[level]
        if self.value_pool:
            values = np.asarray(self.value_pool)[rng.integers(0, len(self.value_pool), self.rows)]
        elif self.value_sigma is None:
            values = np.ones(self.rows)
        else:
            values = np.minimum(rng.lognormal(self.value_mu, self.value_sigma, self.rows), self.value_cap)
        return scores, rule, labels, values


CHURN = World(
    "churn-like", rows=3000,
    economics=Economics(cost_per_action=40, value_per_won=600, win_rate=0.3, fixed_cost=5000,
                        population=40000, period="quarter"),
    intercept=-3.2, slope=3.6, rule_intercept=-2.6, rule_slope=2.4,
)
LEADS = World(
    "leads-like", rows=3600,
    economics=Economics(cost_per_action=150, value_per_won=4800, win_rate=0.6, fixed_cost=3000,
                        population=6000, period="quarter"),
    intercept=-4.6, slope=4.0, rule_intercept=-2.4, rule_slope=1.6,
)
def _fraud_amounts() -> tuple[float, ...]:
    """The fraud demo's own fraud amounts (357 of them: skewed, from $0.80 to $3,307)."""
    frame = pd.read_csv(DATA / "transactions.csv", usecols=["amount", "is_fraud"])
    return tuple(frame.loc[frame["is_fraud"] == "yes", "amount"].astype(float))


FRAUD = World(
    "fraud-like", rows=78_750,
    economics=Economics(cost_per_action=8, value_column="amount", win_rate=0.85, cost_per_miss=25,
                        population=600_000, period="month"),
    intercept=-8.5, slope=6.3, power=10, rule_intercept=-6, rule_slope=6,
    value_pool=_fraud_amounts(),
)
# Heavier than the demo's amounts: lognormal with the same log-spread and no limit below the
# card's $15,000; a single fraud can carry a large share of the money.
FRAUD_HEAVY = World(
    "heavy-tailed fraud", rows=78_750,
    economics=Economics(cost_per_action=8, value_column="amount", win_rate=0.85, cost_per_miss=25,
                        population=600_000, period="month"),
    intercept=-8.5, slope=6.3, power=10, rule_intercept=-6, rule_slope=6,
    value_sigma=1.57, value_mu=4.84, value_cap=15_000.0,
)
WORLDS = (CHURN, LEADS, FRAUD)
