"""Synthetic inbound B2B leads, and whether each became a paying customer within 60 days.

A software vendor gets a steady stream of inbound leads: people who filled in a form after a
referral, a search, an ad, a webinar, a trade show or a bought contact list. Sales can call
only some of them. The outcome depends on the features through non-linear effects and
interactions: reading more pages helps with diminishing returns, mid-sized companies buy most
often (tiny ones lack budget, huge ones take longer than 60 days to sign), leads with a free
e-mail address rarely buy unless someone referred them, interest fades within weeks of the
first visit, and a webinar matters mostly for leads who also read the site. Today's rule,
"every referral, plus companies of 200+ people who viewed 5+ pages", is sensible, but a
gradient-boosted model ranks the leads clearly better at the same number of calls.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SEED = 20261207
ROWS = 12_000

SOURCES = ["referral", "organic search", "paid ads", "webinar", "trade show", "cold list", "partner"]
SOURCE_SHARES = [0.07, 0.27, 0.24, 0.11, 0.07, 0.14, 0.10]
SOURCE_EFFECT = {
    "referral": 1.7,
    "organic search": 0.3,
    "paid ads": 0.0,
    "webinar": 0.4,
    "trade show": 0.7,
    "cold list": -1.1,
    "partner": 0.8,
}
INDUSTRIES = ["software", "finance", "healthcare", "retail", "manufacturing", "education", "government"]
INDUSTRY_SHARES = [0.26, 0.14, 0.13, 0.15, 0.14, 0.10, 0.08]
INDUSTRY_EFFECT = {
    "software": 0.5,
    "finance": 0.3,
    "healthcare": -0.2,
    "retail": 0.0,
    "manufacturing": 0.0,
    "education": -0.4,
    "government": -1.2,  # procurement rarely closes inside 60 days
}
COUNTRIES = ["US", "UK", "DE", "FR", "CA", "AU", "NL", "IN", "BR"]
COUNTRY_SHARES = [0.42, 0.12, 0.09, 0.07, 0.07, 0.05, 0.05, 0.08, 0.05]
LEVELS = ["executive", "director", "manager", "individual contributor", "student"]
LEVEL_SHARES = [0.09, 0.16, 0.30, 0.37, 0.08]
LEVEL_EFFECT = {
    "executive": 0.3,
    "director": 0.7,
    "manager": 0.3,
    "individual contributor": -0.3,
    "student": -2.5,
}


def generate(rows: int = ROWS, seed: int = SEED) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    source = rng.choice(SOURCES, size=rows, p=SOURCE_SHARES)
    industry = rng.choice(INDUSTRIES, size=rows, p=INDUSTRY_SHARES)
    country = rng.choice(COUNTRIES, size=rows, p=COUNTRY_SHARES)
    level = rng.choice(LEVELS, size=rows, p=LEVEL_SHARES)

    # Employees: log-normal with a heavy tail; trade shows and partners bring bigger firms.
    bigger = np.isin(source, ["trade show", "partner"]) * 0.8 - (source == "cold list") * 0.3
    size = np.exp(rng.normal(3.9 + bigger, 1.6, rows))
    size = np.clip(np.round(size), 1, 250_000).astype(int)
    log_size = np.log10(size)

    # Free e-mail addresses (gmail and friends): mostly freelancers, students, tiny firms.
    free_email_p = np.clip(0.55 - 0.13 * log_size + 0.35 * (level == "student"), 0.03, 0.95)
    free_email = (rng.random(rows) < free_email_p).astype(int)

    # Engagement drives pages viewed and webinar attendance; webinar leads attend by definition.
    engagement = rng.gamma(1.6, 1.0, rows) * np.where(source == "cold list", 0.5, 1.0)
    pages = rng.poisson(0.5 + engagement * 3.0 + 1.0 * (source == "referral"))
    webinar = np.where(
        source == "webinar", rng.random(rows) < 0.85, rng.random(rows) < 0.04 + 0.04 * engagement
    ).astype(int)
    days = np.clip(np.floor(rng.exponential(24.0, rows)), 0, 180).astype(int)

    source_effect = np.array([SOURCE_EFFECT[s] for s in source])
    industry_effect = np.array([INDUSTRY_EFFECT[s] for s in industry])
    level_effect = np.array([LEVEL_EFFECT[s] for s in level])
    referral = source == "referral"

    logit = (
        -4.35
        + source_effect
        + industry_effect
        + level_effect
        # Diminishing returns: the first pages say much more than the twentieth.
        + 2.4 * (1.0 - np.exp(-pages / 4.0))
        # Sweet spot of company size around 300 employees: tiny firms lack budget, large
        # ones take longer than 60 days to sign.
        - np.minimum(np.where(log_size < 2.5, 1.25, 0.75) * (log_size - 2.5) ** 2, 3.0)
        # Free e-mail leads rarely buy unless someone referred them.
        - np.where(referral, 0.3, 2.0) * free_email
        # Interest fades: recent first visits convert far more often.
        + 1.6 * np.exp(-days / 12.0)
        - 0.6 * (days > 75)
        # A webinar helps mostly when the lead also reads the site.
        + 1.0 * (webinar * (pages >= 4))
        + 0.2 * webinar
        + 0.2 * np.isin(country, ["US", "UK", "CA", "AU"])
        - 0.3 * (country == "IN")
        # What no form captures: budget cycles, a champion inside, a competitor's renewal.
        + rng.normal(0.0, 0.7, rows)
    )
    converted = rng.random(rows) < 1.0 / (1.0 + np.exp(-logit))

    frame = pd.DataFrame(
        {
            "lead_id": [f"L{i:05d}" for i in rng.permutation(np.arange(1, rows + 1))],
            "lead_source": source,
            "company_size": pd.array(size, dtype="Int64"),
            "industry": industry,
            "job_level": level,
            "country": country,
            "free_email_domain": free_email,
            "pages_viewed": pages,
            "webinar_attended": webinar,
            "days_since_first_visit": days,
            "converted_60d": np.where(converted, "yes", "no"),
        }
    )
    # Real CRM exports have holes: enrichment fails for free e-mail addresses more often, and
    # the industry field is optional on the form.
    unknown_size = rng.random(rows) < np.where(free_email == 1, 0.35, 0.06)
    frame.loc[unknown_size, "company_size"] = pd.NA
    frame.loc[rng.random(rows) < 0.09, "industry"] = np.nan
    return frame
