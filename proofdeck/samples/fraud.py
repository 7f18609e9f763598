"""Synthetic card payments at a payment provider, and whether each turned out to be fraud.

The population: every card payment a payment provider processes in a month for its merchants,
small businesses that sell online (about a third of payments, card not present) and in shops
with the provider's card readers. Its risk team can hold a payment for an analyst to review
before it is captured. About 2 in 1,000 payments are fraud (about 0.6% of the money; see
demos/fraud.toml for the published figures these are calibrated to), committed in a few
typical ways, each leaving its own traces: online cash-outs of stolen card numbers (resellable
goods, often at night, bigger baskets), card testing (bursts of tiny online charges), account
takeovers (a new device, often abroad) and stolen cards used in shops away from the
cardholder's home. Some fraud looks exactly like the cardholder's own spending ("friendly
fraud"), so no model can catch it all. No single signal is decisive: large genuine purchases
(travel, electronics, furniture) are common, people travel and buy new phones, and fraud
amounts are larger on average but overlap heavily with genuine ones (and seasoned fraudsters
stay just under a $1,000 limit). Today's rule, "every payment over $1,000, plus a new device
with a country mismatch", sends about 1.6% of payments to review and catches about a fifth
of the frauds and under half of their value; a gradient-boosted model, which weighs the signals
together, catches about twice as many frauds and about a third more fraud value with the same
number of reviews.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SEED = 20261215
# Enough rows that the held-out part (45%, demos/fraud.toml) has about 160 frauds, while the
# file stays near 7 MB.
ROWS = 175_000
FRAUD_RATE = 0.002

# Merchant categories: share of genuine transactions, typical amount (median, $), how spread
# out amounts are (log scale), and how often the card is not present (bought online).
CATEGORY_TABLE = {
    "grocery": (0.20, 45.0, 0.7, 0.08),
    "restaurants": (0.16, 32.0, 0.7, 0.15),
    "fuel": (0.10, 48.0, 0.4, 0.0),
    "retail": (0.14, 60.0, 0.9, 0.15),
    "online retail": (0.14, 55.0, 0.9, 0.97),
    "electronics": (0.05, 220.0, 0.9, 0.55),
    "travel": (0.05, 380.0, 0.8, 0.85),
    "furniture": (0.04, 420.0, 0.75, 0.3),
    "digital goods": (0.06, 15.0, 0.9, 0.99),
    "gift cards": (0.02, 80.0, 0.8, 0.6),
    "health": (0.04, 40.0, 0.8, 0.2),
}
CATEGORIES = list(CATEGORY_TABLE)
# Share of transactions per hour of day: daytime peaks, quiet nights.
HOUR_WEIGHTS = np.array(
    [1.2, 0.8, 0.6, 0.5, 0.5, 0.8, 1.5, 2.8, 4.0, 4.8, 5.2, 5.8]  # midnight to 11:00
    + [6.8, 6.4, 5.6, 5.4, 5.6, 6.2, 6.8, 6.6, 5.6, 4.4, 3.0, 2.0]  # noon to 23:00
)

# How fraud happens: share of frauds per scheme, and the category mix each one favours.
SCHEMES = ["cash-out", "card testing", "account takeover", "stolen card", "friendly fraud"]
SCHEME_SHARES = [0.33, 0.08, 0.25, 0.19, 0.15]
SCHEME_CATEGORIES = {
    "cash-out": {
        "electronics": 0.3,
        "gift cards": 0.2,
        "digital goods": 0.1,
        "online retail": 0.25,
        "retail": 0.05,
        "travel": 0.1,
    },
    "card testing": {"digital goods": 0.6, "online retail": 0.3, "gift cards": 0.1},
    "account takeover": {"online retail": 0.35, "travel": 0.25, "electronics": 0.25, "digital goods": 0.15},
    "stolen card": {"electronics": 0.3, "gift cards": 0.1, "retail": 0.25, "fuel": 0.15, "grocery": 0.2},
}


def _pick(rng: np.random.Generator, shares: dict[str, float], rows: int) -> np.ndarray:
    return rng.choice(list(shares), size=rows, p=list(shares.values()))


def _hours(rng: np.random.Generator, rows: int, night_share: float) -> np.ndarray:
    """Hours of day: the usual daytime pattern, with a given share moved into the night."""
    usual = rng.choice(24, size=rows, p=HOUR_WEIGHTS / HOUR_WEIGHTS.sum())
    return np.where(rng.random(rows) < night_share, rng.integers(0, 6, rows), usual)


def generate(rows: int = ROWS, seed: int = SEED) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    fraud = rng.random(rows) < FRAUD_RATE
    scheme = np.where(fraud, rng.choice(SCHEMES, size=rows, p=SCHEME_SHARES), "genuine")
    is_ = {name: scheme == name for name in SCHEMES}
    online_scheme = is_["cash-out"] | is_["card testing"] | is_["account takeover"]

    # Merchant category: the cardholder's usual mix, or the one the fraud scheme favours.
    category = rng.choice(CATEGORIES, size=rows, p=[CATEGORY_TABLE[c][0] for c in CATEGORIES])
    for name, shares in SCHEME_CATEGORIES.items():
        category = np.where(is_[name], _pick(rng, shares, rows), category)
    _, median, spread, online_p = (np.array(v) for v in zip(*[CATEGORY_TABLE[c] for c in category]))

    card_present = np.select(
        [online_scheme, is_["stolen card"]],
        [rng.random(rows) < 0.03, np.ones(rows, dtype=bool)],
        rng.random(rows) >= online_p,
    ).astype(int)
    online = card_present == 0

    hour = np.select(
        [is_["cash-out"] | is_["card testing"], is_["account takeover"]],
        [_hours(rng, rows, 0.2), _hours(rng, rows, 0.2)],
        _hours(rng, rows, 0.0),
    )

    # Amounts: log-normal around the category's typical basket; fraud baskets run larger
    # (and a few online frauds go for one big haul), card testing uses a few dollars at a time.
    shift = np.select(
        [is_["cash-out"], is_["account takeover"], is_["stolen card"], is_["friendly fraud"]],
        [0.7, 0.6, 0.1, 0.0],
        0.0,
    )
    amount = median * np.exp(rng.normal(shift, spread, rows)) + 0.5
    big_haul = (is_["cash-out"] | is_["account takeover"]) & (rng.random(rows) < 0.08)
    amount = np.where(big_haul, amount * 3.3, amount)
    testing_small = is_["card testing"] & (rng.random(rows) < 0.7)
    amount = np.where(testing_small, rng.uniform(0.5, 5.0, rows), amount)
    # Seasoned fraudsters know about the $1,000 review limit and stay just under it.
    under_limit = (is_["cash-out"] | is_["account takeover"]) & (rng.random(rows) < 0.15)
    amount = np.where(under_limit, rng.uniform(700.0, 999.99, rows), amount)
    amount = np.round(np.minimum(amount, 15_000.0), 2)  # the card limit

    # Distance between the purchase and the cardholder's home: mostly near, sometimes a trip;
    # stolen cards are used away from home, online fraud comes from far-away addresses.
    trip = rng.random(rows) < 0.05
    distance = rng.lognormal(1.6, 1.2, rows) * np.where(trip, 40.0, 1.0)
    distance = np.select(
        [is_["stolen card"], online_scheme],
        [rng.lognormal(3.4, 1.4, rows), rng.lognormal(3.0, 1.8, rows)],
        distance,
    )
    distance = np.round(np.minimum(distance, 19_000.0), 1)  # about the far side of the Earth

    # Abroad: genuine people abroad on a trip or buying from a foreign shop online.
    genuine_abroad = np.where(online, 0.05, np.where(distance > 500, 0.5, 0.004))
    abroad_p = np.select(
        [is_["cash-out"], is_["card testing"], is_["account takeover"], is_["stolen card"]],
        [0.3, 0.2, 0.6, 0.05],
        genuine_abroad,
    )
    country_mismatch = (rng.random(rows) < abroad_p).astype(int)
    # A new phone or browser: common online, rare in person (a freshly added wallet).
    genuine_new = np.where(online, 0.07, 0.015) + 0.05 * country_mismatch
    new_device_p = np.select(
        [is_["cash-out"], is_["card testing"], is_["account takeover"], is_["stolen card"]],
        [0.3 + 0.25 * country_mismatch, 0.2, 0.8, 0.03],
        genuine_new,
    )
    new_device = (rng.random(rows) < new_device_p).astype(int)

    # Transactions on the card in the last 24 hours: fraud comes in bursts.
    rate = np.select(
        [is_["cash-out"], is_["card testing"], is_["account takeover"], is_["stolen card"]],
        [2.0, 3.5, 1.9, 2.2],
        1.4,
    )
    txn_24h = rng.poisson(rate)

    frame = pd.DataFrame(
        {
            "transaction_id": [f"T{i:06d}" for i in rng.permutation(np.arange(1, rows + 1))],
            "amount": amount,
            "merchant_category": category,
            "hour": hour,
            "card_present": card_present,
            "distance_from_home_km": distance,
            "new_device": new_device,
            "country_mismatch": country_mismatch,
            "txn_last_24h": txn_24h,
            "is_fraud": np.where(fraud, "yes", "no"),
        }
    )
    # No location for many online purchases (no usable address or IP).
    unknown_distance = online & (rng.random(rows) < 0.45)
    frame.loc[unknown_distance, "distance_from_home_km"] = np.nan
    return frame
