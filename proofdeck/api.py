"""Your own fitted model in two lines, from a notebook or a script.

    from proofdeck import Proof
    Proof(pipeline, X_test, y_test, rule='contract == "month-to-month"').run()     # the whole app
    Proof(pipeline, X_test, y_test).report("churn-report.html")                     # or the report

``Proof`` takes a fitted classifier (anything with ``predict_proba``: a scikit-learn pipeline
with its preprocessing, a tree ensemble, a wrapper), the held-out rows and their outcome, and
optionally today's rule and the money. The rows must be rows the model never trained on: every
figure is measured on them. Say so with ``never_saw=True`` (the pages otherwise say it was not
confirmed), and pass ``training_ids`` to have any held-out id the model trained on named.

``run()`` serves the app on it: the model is written as a skops file into a private folder,
trusted for exactly the types of the object you handed over (it is yours), and a Streamlit server
started on it opens with your model, every page included (explanations and the what-if too).
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Mapping
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from proofdeck.app_files import LAUNCH_ENV
from proofdeck.data.delimited import DataError
from proofdeck.data.spec import ModelSpec
from proofdeck.model.fitted import scenario_from_fitted
from proofdeck.model.model_files import open_skops
from proofdeck.model.scenario import Scenario
from proofdeck.model.training import FITTED
from proofdeck.upload.draft import NO_RULE, default_draft, draft_spec, prepare, rule_sentence
from proofdeck.words.wording import UNSEEN_NO, UNSEEN_NOT_SURE, UNSEEN_YES

_MODEL, _DATA, _SETTINGS = "model.skops", "heldout.parquet", "proof.json"
_MONEY = ("cost_per_action", "value_per_won", "win_rate", "fixed_cost", "population", "period", "currency")


class ProofError(ValueError):
    """Data or a model that cannot make a proof of concept, said plainly."""


def _positive_default(model: Any, outcome: pd.Series) -> Any:
    """The outcome value to find: scikit-learn's positive class (the second of ``classes_``)."""
    classes = list(getattr(model, "classes_", []))
    if len(classes) == 2:
        return classes[1]
    values = sorted(outcome.dropna().unique().tolist(), key=str)
    return values[-1] if values else None


class Proof:
    """A proof of concept on a team's own fitted model and held-out rows.

    Parameters
    ----------
    model : the fitted classifier or pipeline (``predict_proba`` and ``classes_``).
    data : the held-out rows: the model's columns (by the names it was fitted with), and the
        outcome unless ``y`` is given; an id column if there is one.
    y : the outcome of each row, if it is not a column of ``data``.
    outcome : the outcome column's name (default: ``y``'s name, or "outcome").
    positive : the outcome value to find (default: the model's positive class, ``classes_[1]``).
    id_column : a column naming each row (shown on the pages), if any.
    rule : today's rule in Proofdeck's rule language (``'plan == "basic" and tenure_months < 6'``);
        without one, the model is compared with a random pick of 10% of the rows.
    title, entity, question : words for the pages ("Customer churn", "customer").
    never_saw : True if the model never trained on these rows, False if it did; None: not sure.
    training_ids : ids of the rows the model trained on, to check against the held-out ids.
    key : the demo's key in the app's links.
    money : any of ``cost_per_action``, ``value_per_won``, ``win_rate``, ``fixed_cost``,
        ``population``, ``period``, ``currency``; the others keep example values the pages mark
        as assumed.
    """

    def __init__(self, model: Any, data: pd.DataFrame, y: Any = None, *, outcome: str | None = None,
                 positive: Any = None, id_column: str | None = None, rule: str | None = None,
                 title: str | None = None, entity: str = "customer", question: str | None = None,
                 never_saw: bool | None = None, training_ids: Iterable[Any] | None = None,
                 key: str = "your-model", **money: Any):
        unknown = sorted(set(money) - set(_MONEY))
        if unknown:
            raise TypeError(f"Proof() got unexpected arguments: {', '.join(unknown)} (money: {', '.join(_MONEY)})")
        if not isinstance(data, pd.DataFrame):
            raise ProofError("data must be a pandas DataFrame of the held-out rows, with the model's columns")
        frame = data.copy()  # the caller's frame is never changed
        if y is not None:
            series = pd.Series(np.asarray(y), index=frame.index)
            outcome = outcome or str(getattr(y, "name", None) or "outcome")
            if outcome in frame.columns:
                raise ProofError(f"data already has a column '{outcome}'; pass outcome= another name for y")
            frame[outcome] = series
        elif outcome is None:
            raise ProofError("give the outcome: y=, or outcome= naming its column in data")
        if outcome not in frame.columns:
            raise ProofError(f"data has no column '{outcome}'")
        if positive is None:
            positive = _positive_default(model, frame[outcome])
        self.model, self.frame, self.outcome, self.positive = model, frame, outcome, positive
        self.id_column, self.rule = id_column, rule
        self.title, self.entity, self.question = title or "My model", entity, question
        self.unseen = {True: UNSEEN_YES, False: UNSEEN_NO}.get(never_saw, UNSEEN_NOT_SURE)
        self.training_ids = None if training_ids is None else [str(i) for i in training_ids]
        self.money = dict(money)
        self.key = key  # the demo's key in links (?demo=your-model)

    # --- what the pages are made of ----------------------------------------------------------------

    def _draft(self):
        columns = tuple(str(c) for c in self.frame.columns)
        features = tuple(c for c in columns if c not in (self.outcome, self.id_column))
        draft = default_draft(f"{self.title}.csv", self.outcome, (str(self.positive),), self.id_column, features,
                              self.rule or NO_RULE, self.entity, self.money.get("currency", "$"), columns)
        econ = dataclasses.replace(draft.economics, **self.money).confirmed(*self.money)
        changes: dict[str, Any] = {"title": self.title, "economics": econ,
                                   "model": ModelSpec(kind=FITTED, unseen=self.unseen),
                                   "rule_description": rule_sentence(draft.nouns, self.rule or "")}
        if self.question:
            changes["question"] = self.question
        return dataclasses.replace(draft, **changes)

    @cached_property
    def scenario(self) -> Scenario:
        """The app's scenario on this model: every row held out, scored and explained here."""
        draft = self._draft()
        try:
            prepared = prepare(self.frame, draft, test_size=1.0)
            spec = draft_spec(draft, prepared, self.key)
            return scenario_from_fitted(spec, prepared.dataset(), self.model, self.rule or None,
                                        unseen=self.unseen, training_ids=self.training_ids)
        except DataError as error:
            raise ProofError(str(error)) from None

    @property
    def notes(self) -> tuple[str, ...]:
        """What the checks of "the model never saw these rows" found (shared ids, a too-perfect score)."""
        return self.scenario.held_out_notes

    # --- the report --------------------------------------------------------------------------------

    def report(self, path: str | Path = "proofdeck-report.html", top: int | None = None) -> Path:
        """Write the one-file HTML report (it opens offline) and return its path.

        ``top`` sets how many held-out rows the model acts on (default: as many as today's rule).
        """
        from proofdeck.sharing.report import report_html

        scenario = self.scenario
        count = scenario.default_count if top is None else int(top)
        if not 0 <= count <= scenario.labels.size:
            raise ProofError(f"top must be between 0 and {scenario.labels.size:,}")
        path = Path(path)
        path.write_text(report_html(scenario, scenario.spec.economics, count), encoding="utf-8")
        return path

    # --- the app -----------------------------------------------------------------------------------

    def save(self, folder: str | Path) -> Path:
        """Write what the app needs to rebuild this proof: the model (skops), the rows, the settings."""
        import skops.io as sio

        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        try:
            raw = sio.dumps(self.model)
        except Exception as error:
            raise ProofError(f"the model cannot be stored as a skops file ({type(error).__name__}: {error}); "
                             "use report(), which needs no file") from None
        (folder / _MODEL).write_bytes(raw)
        frame = self.frame.copy()
        frame.columns = [str(c) for c in frame.columns]
        frame.to_parquet(folder / _DATA, index=False)
        settings = {"outcome": self.outcome, "positive": _plain(self.positive), "id_column": self.id_column,
                    "rule": self.rule, "title": self.title, "entity": self.entity, "question": self.question,
                    "unseen": self.unseen, "training_ids": self.training_ids, "money": self.money,
                    "trusted": sorted(sio.get_untrusted_types(data=raw))}
        (folder / _SETTINGS).write_text(json.dumps(settings), encoding="utf-8")
        return folder

    @classmethod
    def load(cls, folder: str | Path) -> Proof:
        """The proof :meth:`save` wrote (the model opened with exactly the types it was saved with)."""
        folder = Path(folder)
        settings = json.loads((folder / _SETTINGS).read_text(encoding="utf-8"))
        model = open_skops(folder / _MODEL, trusted=tuple(settings["trusted"]))
        unseen = settings["unseen"]
        never_saw = {UNSEEN_YES: True, UNSEEN_NO: False}.get(unseen)
        return cls(model, pd.read_parquet(folder / _DATA), outcome=settings["outcome"],
                   positive=settings["positive"], id_column=settings["id_column"], rule=settings["rule"],
                   title=settings["title"], entity=settings["entity"], question=settings["question"],
                   never_saw=never_saw, training_ids=settings["training_ids"], **settings["money"])

    def run(self, port: int = 8501, block: bool = True, open_browser: bool = False) -> Launched:
        """Serve the whole app on this model at http://localhost:``port`` (Ctrl-C stops it).

        With ``block=False`` it returns at once with the server running (``.url``, ``.stop()``),
        for a notebook cell.
        """
        from proofdeck.app_files import app_root

        self.scenario  # noqa: B018 - fail here, in the caller's cell, not in the server
        folder = self.save(tempfile.mkdtemp(prefix="proofdeck-"))
        env = {**os.environ, LAUNCH_ENV: str(folder)}
        command = [sys.executable, "-m", "streamlit", "run", str(app_root() / "app.py"),
                   "--server.port", str(port), "--server.headless", str(not open_browser).lower(),
                   "--browser.gatherUsageStats", "false"]
        process = subprocess.Popen(command, env=env)  # noqa: S603 - our own interpreter and app
        launched = Launched(process, f"http://localhost:{port}", folder)
        if block:
            try:
                process.wait()
            except KeyboardInterrupt:
                launched.stop()
        return launched


@dataclasses.dataclass
class Launched:
    """A running app started by :meth:`Proof.run`."""

    process: subprocess.Popen
    url: str
    folder: Path

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the server (and remove its private folder)."""
        import shutil

        if self.process.poll() is None:
            self.process.terminate()
            deadline = time.monotonic() + timeout
            while self.process.poll() is None and time.monotonic() < deadline:
                time.sleep(0.1)
            if self.process.poll() is None:
                self.process.kill()
        shutil.rmtree(self.folder, ignore_errors=True)


MAX_DATA_BYTES = 200 * 1024 * 1024


def read_data_file(name: str, raw: bytes) -> pd.DataFrame:
    """Held-out rows from a file as a notebook reads them (``pd.read_csv`` or ``pd.read_parquet``).

    Not the app's typed reading of uploads (which turns "yes"/"no" into flags and "$1,200" into
    numbers): a model fitted elsewhere must get the values it was fitted on, and a data scientist
    made those with pandas' defaults.

    Raises
    ------
    ProofError
        Too large, not CSV or Parquet, or not readable.
    """
    import io

    if len(raw) > MAX_DATA_BYTES:
        raise ProofError(f"the data file is larger than {MAX_DATA_BYTES // (1024 * 1024)} MB")
    try:
        if raw[:4] == b"PAR1":
            return pd.read_parquet(io.BytesIO(raw))
        if raw[:4] == b"PK\x03\x04":
            raise ProofError("with your own model, give the held-out data as CSV or Parquet (as you scored it)")
        return pd.read_csv(io.BytesIO(raw), low_memory=False)
    except ProofError:
        raise
    except Exception as error:  # pandas raises many types for a broken file
        raise ProofError(f"{name} could not be read as CSV or Parquet ({type(error).__name__})") from None


def _plain(value: Any) -> Any:
    """A JSON-able copy of an outcome value (numpy scalars become Python ones)."""
    return value.item() if hasattr(value, "item") else value


def launched_proof(environ: Mapping[str, str] = os.environ) -> Proof | None:
    """The proof a :meth:`Proof.run` server was started on (None for a plain server)."""
    folder = environ.get(LAUNCH_ENV)
    return Proof.load(folder) if folder else None

