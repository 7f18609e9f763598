"""Synthetic customers of a subscription business, and whether each churned within 90 days.

The outcome depends on the features through non-linear effects and interactions (risk falls
steeply over the first months, price matters only on monthly contracts, unhappy premium
customers leave), so the classic rule "monthly contract and tenure under 6 months" catches
a fair share of churners while a gradient-boosted model clearly does better.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SEED = 20261123
ROWS = 10_000


def generate(rows: int = ROWS, seed: int = SEED) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    contract = rng.choice(
        ["month-to-month", "one-year", "two-year"], size=rows, p=[0.55, 0.25, 0.20]
    )
    monthly = contract == "month-to-month"
    tenure = np.where(
        monthly,
        rng.exponential(14.0, rows),
        np.where(contract == "one-year", rng.uniform(3, 72, rows), rng.uniform(10, 72, rows)),
    )
    tenure = np.clip(np.floor(tenure), 0, 72).astype(int)
    plan = rng.choice(["basic", "standard", "premium"], size=rows, p=[0.40, 0.40, 0.20])
    base_price = np.select([plan == "basic", plan == "standard"], [29.0, 59.0], 94.0)
    monthly_charges = np.round(base_price + rng.gamma(2.0, 6.0, rows) - 6.0, 2)
    total_charges = np.round(monthly_charges * tenure * rng.normal(1.0, 0.04, rows), 2)
    payment = rng.choice(
        ["electronic check", "mailed check", "bank transfer", "credit card"],
        size=rows,
        p=[0.33, 0.20, 0.23, 0.24],
    )
    region = rng.choice(["north", "south", "east", "west"], size=rows, p=[0.3, 0.25, 0.25, 0.2])
    tickets = rng.poisson(0.5 + 0.4 * (plan == "premium") + 0.3 * monthly, rows)
    engagement = rng.gamma(2.5, 1.0, rows)
    logins = rng.poisson(engagement * 4.0)

    early = np.exp(-tenure / 4.0)
    logit = (
        -3.05
        + 0.8 * monthly
        + 1.6 * early * monthly
        + 0.4 * early
        + 0.05 * np.clip(monthly_charges - 60, -40, 60) * monthly
        - 0.02 * np.clip(monthly_charges - 60, -40, 60) * ~monthly
        + 0.9 * (payment == "electronic check") * monthly
        + 0.3 * np.minimum(tickets, 4)
        + 0.9 * (tickets >= 3)
        + 1.5 * ((plan == "premium") & (tickets >= 2))
        + 1.8 * np.exp(-logins / 2.5)
        - 0.6 * (contract == "two-year")
        + 0.3 * (region == "south")
        - 0.5 * (tenure > 36)
    )
    churned = rng.random(rows) < 1.0 / (1.0 + np.exp(-logit))

    frame = pd.DataFrame(
        {
            "customer_id": [f"C{i:05d}" for i in rng.permutation(np.arange(10_000, 10_000 + rows))],
            "tenure_months": tenure,
            "contract": contract,
            "monthly_charges": monthly_charges,
            "total_charges": total_charges,
            "payment_method": payment,
            "plan": plan,
            "region": region,
            "support_tickets_90d": tickets,
            "logins_30d": pd.array(logins, dtype="Int64"),
            "churned_90d": np.where(churned, "yes", "no"),
        }
    )
    # Real exports have holes: no total yet for brand-new customers, unknown logins for some.
    frame.loc[frame["tenure_months"] == 0, "total_charges"] = np.nan
    frame.loc[rng.random(rows) < 0.07, "logins_30d"] = pd.NA
    return frame
