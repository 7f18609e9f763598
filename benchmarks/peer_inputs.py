"""What ``bench_peer`` gives both tools: the telco export, one fitted pipeline, each one's files.

The telco export is the tests' (``tests/messy.py``: ids like "7590-VHVEG", Yes/No columns,
TotalCharges written " " for new customers) at the real export's 7,043 rows, read with
``pd.read_csv`` and cleaned as a data scientist would (TotalCharges made a number). One
scikit-learn pipeline (median imputing, one-hot encoding, gradient boosting, fixed seed) is
fitted once on a stratified 70% and handed to both tools with the other 30% held out:

- Proofdeck: ``Proof(...).save(folder)``, the model as a skops file, as ``Proof.run`` does;
- the peer: the same fitted object in a joblib file (our own file, in the benchmark's own
  temporary folder), with the rows as numpy arrays so that neither venv's pandas storage has to
  exist in the other.
"""

from __future__ import annotations

import io
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks.harness import ROOT

OUTCOME, ID = "Churn", "customerID"
NUMBERS = ["SeniorCitizen", "tenure", "MonthlyCharges", "TotalCharges"]
CATEGORIES = ["gender", "Partner", "Contract"]
RULE = 'Contract == "Month-to-month" and tenure < 12'  # today's rule in the Proofdeck spec
SEED = 0


@dataclass
class Split:
    train: pd.DataFrame
    test: pd.DataFrame  # held out: the id, the model's columns
    y_train: pd.Series
    y_test: pd.Series


def telco_split(rows: int = 7043, seed: int = SEED) -> Split:
    """The telco export as pandas reads it, TotalCharges made a number, split 70/30 by outcome."""
    from sklearn.model_selection import train_test_split

    sys.path.insert(0, str(ROOT / "tests"))
    from messy import telco_export

    frame = pd.read_csv(io.BytesIO(telco_export(rows)))
    frame["TotalCharges"] = pd.to_numeric(frame["TotalCharges"], errors="coerce")
    y = (frame.pop(OUTCOME) == "Yes").astype(int).rename(OUTCOME)
    train, test, y_train, y_test = train_test_split(frame, y, test_size=0.3, stratify=y, random_state=seed)
    return Split(train.drop(columns=ID), test, y_train, y_test)


def fit_pipeline(split: Split, seed: int = SEED):
    """The one model both tools get: imputing and one-hot encoding, then gradient boosting."""
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import GradientBoostingClassifier
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder

    prep = ColumnTransformer([("num", SimpleImputer(strategy="median"), NUMBERS),
                              ("cat", OneHotEncoder(handle_unknown="ignore"), CATEGORIES)])
    model = Pipeline([("prep", prep), ("model", GradientBoostingClassifier(random_state=seed))])
    return model.fit(split.train, split.y_train)


def proof(model, split: Split):
    """Proofdeck's side, as a data scientist would call it (docs/own-model.md)."""
    from proofdeck.api import Proof

    return Proof(model, split.test, split.y_test, id_column=ID, rule=RULE, title="Telco export",
                 entity="customer", never_saw=True)


def write_peer_bundle(path: Path, model, split: Split) -> Path:
    """The fitted pipeline and the held-out rows for the peer's venv, in a joblib file."""
    import joblib

    rows = split.test.drop(columns=ID)
    columns = {c: rows[c].to_numpy(dtype=object if rows[c].dtype.kind not in "biufc" else None) for c in rows}
    joblib.dump({"model": model, "X": columns, "y": split.y_test.to_numpy(), "outcome": OUTCOME,
                 "labels": ["No", "Yes"], "ids": [str(i) for i in split.test[ID]], "id_name": ID}, path)
    return path


def same_scores(ours: np.ndarray, theirs: np.ndarray) -> float:
    """The largest difference between the probabilities each side gets from the model."""
    if ours.shape != theirs.shape:
        return float("inf")
    return float(np.max(np.abs(ours - theirs))) if ours.size else 0.0


class _Externals(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.styles: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        found = dict(attrs)
        if tag == "script" and _remote(found.get("src")):
            self.scripts.append(found["src"])
        elif tag == "link" and "stylesheet" in (found.get("rel") or "").lower() and _remote(found.get("href")):
            self.styles.append(found["href"])


def _remote(url: str | None) -> bool:
    return bool(url) and url.strip().lower().startswith(("http://", "https://", "//"))


def external_resources(html: str) -> dict[str, list[str]]:
    """The scripts (``<script src=http...>``) and stylesheets an HTML file fetches from the network."""
    parser = _Externals()
    parser.feed(html)
    parser.close()
    return {"scripts": parser.scripts, "stylesheets": parser.styles}
