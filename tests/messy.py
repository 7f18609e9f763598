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
