"""Synthetic subscribers of a streaming service, a past retention campaign, and who cancelled.

Last quarter a random half of the subscribers got a retention offer (``offer_sent``), so the
data can show what the offer changes, not only who is at risk. As in real retention data,
risk and the offer's effect disagree. Every subscriber has a true chance of cancelling
without the offer and with it, made from four kinds of people:

- persuadables (the offer changes them): monthly plans, price-sensitive (a promotion used
  before, or a price well above the plan's usual), not unhappy: a middling risk that the offer
  cuts by 15 to 25 points;
- sure things (stay anyway): long, yearly plans, well used: a low risk the offer leaves alone;
- lost causes (leave whatever we do): many support tickets and hardly any viewing: the highest
  risk, and the offer takes off about one point;
- sleeping dogs (the offer makes them more likely to leave): long-standing yearly subscribers
  who watch little; the offer reminds them they pay, and adds about 8 points.

The outcome is drawn from the chance that applies (with the offer or without, as the campaign
decided), so a model of risk ranks the lost causes first and the offer's effect must be learnt
from the treated-versus-untreated difference. :func:`truth` gives every row's two chances, for
tests only: it is never a feature and no page shows it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SEED = 20261206
ROWS = 15_000


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _simulate(rows: int = ROWS, seed: int = SEED) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The data and the truth, from one seeded stream (both files come from one draw)."""
    rng = np.random.default_rng(seed)
    contract = rng.choice(["monthly", "yearly"], size=rows, p=[0.6, 0.4])
    monthly = contract == "monthly"
    tenure = np.where(monthly, rng.exponential(16.0, rows), rng.uniform(6, 84, rows))
    tenure = np.clip(np.floor(tenure), 1, 84).astype(int)
    plan = rng.choice(["basic", "standard", "premium"], size=rows, p=[0.35, 0.45, 0.20])
    base_price = np.select([plan == "basic", plan == "standard"], [9.0, 15.0], 22.0)
    price = np.round(base_price * rng.uniform(0.9, 1.35, rows), 2)
    promo_before = rng.random(rows) < 0.35
    tickets = rng.poisson(0.45, rows) + rng.binomial(1, 0.25, rows) * rng.poisson(3.0, rows)
    hours = np.round(rng.gamma(2.0, 6.0, rows), 1)
    region = rng.choice(["north", "south", "east", "west"], size=rows, p=[0.3, 0.25, 0.25, 0.2])

    # Chance of cancelling within 90 days without the offer.
    unhappy = (tickets >= 3) & (hours < 8)
    logit = (
        -2.6
        + 0.9 * monthly
        + 1.1 * np.exp(-tenure / 6.0)
        + 0.35 * np.minimum(tickets, 5)
        + 1.3 * np.exp(-hours / 4.0)
        + 1.6 * unhappy
        + 0.4 * (price / base_price - 1.1) * 4 * monthly
        - 0.4 * (tenure > 36)
    )
    without = _sigmoid(logit)
    # What the offer takes off that chance (negative: the offer puts them off).
    sensitive = promo_before | (price / base_price > 1.2)
    persuadable = monthly & sensitive & (tickets < 3)
    sleeping = ~monthly & (tenure > 36) & (hours < 8)
    effect = np.where(
        unhappy, 0.01,
        np.where(persuadable, 0.15 + 0.10 * np.clip(without / 0.4, 0, 1),
                 np.where(sleeping, -0.08, 0.04 * without)))
    with_offer = np.clip(without - effect, 0.005, 0.99)
    effect = without - with_offer

    offer = rng.random(rows) < 0.5  # the campaign picked at random
    chance = np.where(offer, with_offer, without)
    cancelled = rng.random(rows) < chance
    ids = [f"S{i:05d}" for i in rng.permutation(np.arange(10_000, 10_000 + rows))]
    frame = pd.DataFrame({
        "subscriber_id": ids,
        "tenure_months": tenure,
        "contract": contract,
        "plan": plan,
        "monthly_price": price,
        "used_promotion_before": np.where(promo_before, "yes", "no"),
        "support_tickets_90d": tickets,
        "viewing_hours_30d": hours,
        "region": region,
        "offer_sent": np.where(offer, "yes", "no"),
        "cancelled_90d": np.where(cancelled, "yes", "no"),
    })
    # Real exports have holes: viewing is unknown for some subscribers (an old app version).
    frame["viewing_hours_30d"] = frame["viewing_hours_30d"].mask(rng.random(rows) < 0.05)
    truth = pd.DataFrame({
        "subscriber_id": ids,
        "p_outcome_without": np.round(without, 6),
        "p_outcome_with": np.round(with_offer, 6),
        "true_uplift": np.round(without, 6) - np.round(with_offer, 6),
    })
    truth["true_uplift"] = truth["true_uplift"].round(6)
    return frame, truth


def generate(rows: int = ROWS, seed: int = SEED) -> pd.DataFrame:
    """The campaign's data: features, who got the offer, and who cancelled within 90 days."""
    return _simulate(rows, seed)[0]


def truth(rows: int = ROWS, seed: int = SEED) -> pd.DataFrame:
    """Each subscriber's true chance of cancelling without and with the offer, and the offer's
    true effect (the drop in that chance), for tests only.

    Columns: ``id`` (the subscriber id), ``p_outcome_without``, ``p_outcome_with``,
    ``true_uplift``.
    """
    return _simulate(rows, seed)[1].rename(columns={"subscriber_id": "id"})
