"""Realistic messy exports, made at test time with a seed (small, deterministic).

- ``telco_export``: like the well-known telco churn export: ids such as "7590-VHVEG", Yes/No
  columns, a 0/1 column, and TotalCharges written " " for brand-new customers.
- ``european_export``: semicolons, Windows-1252, CRLF, decimal commas with thousands dots,
  "12,5 %", and the outcome (ja/nein) in the middle of the file.
- ``crm_export``: "$1,234.50" amounts, "12%" shares, a Y/N outcome in the middle with blanks,
  a row-number column, a constant column, an all-empty column, a date, and a cancel date
  that is only filled in for customers who left (a leak).
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def telco_frame(n: int = 600, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    tenure = rng.integers(0, 72, n)
    contract = rng.choice(["Month-to-month", "One year", "Two year"], n, p=[0.55, 0.25, 0.2])
    monthly = np.round(rng.uniform(18, 118, n), 2)
    risk = 0.05 + 0.45 * (contract == "Month-to-month") * np.exp(-tenure / 18) + 0.1 * (monthly > 80)
    churn = rng.random(n) < risk
    letters = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    ids = [f"{rng.integers(1000, 9999)}-{''.join(rng.choice(letters, 5))}{i}" for i in range(n)]
    total = np.where(tenure == 0, " ", np.round(monthly * np.maximum(tenure, 1), 2).astype(str))
    return pd.DataFrame(
        {
            "customerID": ids,
            "gender": rng.choice(["Female", "Male"], n),
            "SeniorCitizen": rng.integers(0, 2, n),
            "Partner": rng.choice(["Yes", "No"], n),
            "tenure": tenure,
            "Contract": contract,
            "MonthlyCharges": monthly,
            "TotalCharges": total,
            "Churn": np.where(churn, "Yes", "No"),
        }
    )


def telco_export(n: int = 600, seed: int = 1) -> bytes:
    return telco_frame(n, seed).to_csv(index=False).encode()


def european_export(n: int = 500, seed: int = 2) -> bytes:
    rng = np.random.default_rng(seed)
    revenue = rng.gamma(2.0, 900.0, n)
    discount = rng.choice([0.0, 5.0, 12.5, 20.0], n)
    contract = rng.choice(["Monat", "Jahr"], n, p=[0.6, 0.4])
    left = rng.random(n) < 0.1 + 0.3 * (contract == "Monat") * (discount == 0)
    lines = ["Kunden-Nr;Umsatz (€);Rabatt;Gekündigt;Vertragsart;Region"]
    for i in range(n):
        money = f"{revenue[i]:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")
        lines.append(
            f"K{i:05d};{money} €;{str(discount[i]).replace('.', ',')} %;{'ja' if left[i] else 'nein'};"
            f"{contract[i]};{rng.choice(['Nord', 'Süd', 'Größere Städte'])}"
        )
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def crm_export(n: int = 400, seed: int = 3) -> bytes:
    rng = np.random.default_rng(seed)
    amount = rng.gamma(2.0, 700.0, n)
    share = rng.integers(0, 100, n)
    outcome = rng.random(n) < 0.15 + 0.5 * (share > 70)
    signup = pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 700, n), unit="D")
    cancel = pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 90, n), unit="D")
    blank_outcome = rng.random(n) < 0.03
    frame = pd.DataFrame(
        {
            "row": np.arange(1, n + 1),
            "Account ID": [f"A-{i:04d}" for i in range(n)],
            "Amount": [f"${a:,.2f}" for a in amount],
            "Outcome": np.where(blank_outcome, "", np.where(outcome, "Y", "N")),
            "Usage share": [f"{s}%" for s in share],
            "Segment": rng.choice(["SMB", "Mid", "Enterprise"], n),
            "Source system": "salesforce",
            "Notes": "",
            "Signup date": signup.strftime("%Y-%m-%d"),
            "Cancel date": np.where(outcome & ~blank_outcome, cancel.strftime("%Y-%m-%d"), ""),
        }
    )
    return frame.to_csv(index=False).encode()


def bank_campaign_frame(n: int = 4000, seed: int = 4) -> pd.DataFrame:
    """Shaped like the public bank marketing export: customer attributes (``default`` is a
    rare yes/no before the outcome), the campaign's calls, and the outcome ``y`` last. The
    length of the call (``duration``, known only once the call is over) follows the outcome
    closely: a column measured during the action, which no name gives away."""
    rng = np.random.default_rng(seed)
    months = np.array(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"])
    month = rng.choice(months, n, p=[0.03, 0.06, 0.02, 0.07, 0.3, 0.12, 0.15, 0.14, 0.02, 0.02, 0.05, 0.02])
    poutcome = rng.choice(["unknown", "failure", "other", "success"], n, p=[0.8, 0.11, 0.05, 0.04])
    contact = rng.choice(["cellular", "telephone", "unknown"], n, p=[0.65, 0.06, 0.29])
    housing = rng.random(n) < 0.55
    age = rng.integers(19, 90, n)
    logit = (-2.2 + 2.6 * (poutcome == "success") + 1.8 * np.isin(month, ["mar", "sep", "oct", "dec"])
             - 1.0 * housing - 1.4 * (contact == "unknown") + 0.06 * np.maximum(age - 55, 0)
             - 0.8 * (month == "may") + rng.normal(0, 0.3, n))
    y = rng.random(n) < 1 / (1 + np.exp(-logit))
    duration = np.round(np.exp(rng.normal(5.0 + 0.8 * y, 0.6, n))).astype(int)
    return pd.DataFrame({
        "age": age,
        "job": rng.choice(["admin.", "blue-collar", "technician", "services", "management", "retired"], n),
        "marital": rng.choice(["married", "single", "divorced"], n, p=[0.6, 0.28, 0.12]),
        "education": rng.choice(["primary", "secondary", "tertiary", "unknown"], n, p=[0.15, 0.5, 0.3, 0.05]),
        "default": np.where(rng.random(n) < 0.008, "yes", "no"),
        "balance": np.round(rng.gamma(1.2, 1200, n) - 300).astype(int),
        "housing": np.where(housing, "yes", "no"),
        "loan": np.where(rng.random(n) < 0.16, "yes", "no"),
        "contact": contact,
        "day": rng.integers(1, 32, n),
        "month": month,
        "duration": duration,
        "campaign": rng.integers(1, 8, n),
        "pdays": np.where(poutcome == "unknown", -1, rng.integers(1, 400, n)),
        "previous": np.where(poutcome == "unknown", 0, rng.integers(1, 6, n)),
        "poutcome": poutcome,
        "y": np.where(y, "yes", "no"),
    })


def bank_campaign_export(n: int = 4000, seed: int = 4) -> bytes:
    """The campaign file as the public export writes it: semicolons, every text quoted."""
    return bank_campaign_frame(n, seed).to_csv(index=False, sep=";", quoting=2).encode()


def hr_attrition_export(n: int = 1500, seed: int = 5) -> bytes:
    """Shaped like the public HR attrition table: the outcome (``Attrition``) second of many
    columns, other yes/no columns (``OverTime``) after it, and a constant ``Over18``."""
    rng = np.random.default_rng(seed)
    overtime = rng.random(n) < 0.28
    income = np.round(rng.gamma(2.2, 2900, n)).astype(int)
    years = rng.integers(0, 30, n)
    logit = -2.2 + 1.3 * overtime - 0.00012 * (income - 6000) - 0.06 * years + rng.normal(0, 0.6, n)
    left = rng.random(n) < 1 / (1 + np.exp(-logit))
    return pd.DataFrame({
        "Age": rng.integers(18, 61, n),
        "Attrition": np.where(left, "Yes", "No"),
        "BusinessTravel": rng.choice(["Travel_Rarely", "Travel_Frequently", "Non-Travel"], n, p=[0.7, 0.19, 0.11]),
        "Department": rng.choice(["Sales", "Research & Development", "Human Resources"], n, p=[0.3, 0.65, 0.05]),
        "EmployeeNumber": np.arange(1, n + 1),
        "Gender": rng.choice(["Female", "Male"], n),
        "MonthlyIncome": income,
        "Over18": "Y",
        "OverTime": np.where(overtime, "Yes", "No"),
        "PerformanceRating": rng.choice([3, 4], n, p=[0.85, 0.15]),
        "YearsAtCompany": years,
    }).to_csv(index=False).encode()
