"""A team's own fitted classifier, on held-out rows it never saw: the model side of "your own model".

Anything with ``predict_proba`` works: a scikit-learn pipeline with its preprocessing, a bare
tree ensemble, or a wrapper around another library. Proofdeck does not refit it (so no refits for
stability or the leak check), and every row given counts as held out: the figures are honest only
if the model never trained on them, which :func:`held_out_checks` checks as far as it can.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from proofdeck.data.datasets import Dataset
from proofdeck.data.delimited import DataError
from proofdeck.data.spec import DemoSpec, SpecError
from proofdeck.model.model_files import ModelFileError, open_skops
from proofdeck.model.scenario import Scenario, scenario_from_scores
from proofdeck.model.training import FITTED, TrainedModel, split_feature_kinds
from proofdeck.words.wording import UNSEEN_NOT_SURE

# A held-out ranking this good is rarer than a leak or rows the model trained on.
SUSPICIOUS_AUC = 0.99


def describe_model(estimator: Any) -> str:
    """A short name for a team's model: its final step's class, and "in a pipeline" if it has steps."""
    steps = getattr(estimator, "steps", None)
    final = steps[-1][1] if steps else estimator
    return f"{type(final).__name__}{' in a pipeline' if steps else ''}"


def model_features(estimator: Any, frame: pd.DataFrame, exclude: Iterable[str]) -> tuple[str, ...]:
    """The columns the model reads: the names it was fitted with, or every column but ``exclude``.

    Raises
    ------
    DataError
        When the model names a column the data lacks, or was fitted without column names on a
        different number of columns.
    """
    named = getattr(estimator, "feature_names_in_", None)
    if named is not None:
        names = tuple(str(name) for name in named)
        missing = [name for name in names if name not in frame.columns]
        if missing:
            shown = ", ".join(f"'{name}'" for name in missing[:5])
            raise DataError(f"the model was fitted with column {shown}, which the data does not have")
        return names
    excluded = set(map(str, exclude))
    names = tuple(str(c) for c in frame.columns if str(c) not in excluded)
    width = getattr(estimator, "n_features_in_", None)
    if width is not None and width != len(names):
        raise DataError(f"the model was fitted on {width} columns without names, and the data has "
                        f"{len(names)} besides the id and the outcome; fit it on a DataFrame so the "
                        "columns can be matched by name")
    return names


def positive_index(estimator: Any, positive_value: Any, dataset: Dataset) -> int:
    """Which column of ``predict_proba`` is the outcome to find, from the model's ``classes_``.

    Raises
    ------
    DataError
        When the model is not a yes/no classifier, or none of its classes is the outcome value.
    """
    classes = list(getattr(estimator, "classes_", []))
    if not hasattr(estimator, "predict_proba"):
        raise DataError("the model has no predict_proba: Proofdeck needs a chance for each row to rank them")
    if len(classes) != 2:
        raise DataError(f"the model knows {len(classes)} classes; Proofdeck needs a yes/no classifier (two)")
    for index, value in enumerate(classes):
        if isinstance(value, (bool, np.bool_)):
            if bool(value) == (str(positive_value).strip().lower() in ("true", "1", "yes")):
                return index
        elif str(value).strip().lower() == str(positive_value).strip().lower():
            return index
        else:
            try:
                if float(value) == float(positive_value):
                    return index
            except (TypeError, ValueError):
                continue
    raise DataError(f"the model's classes are {classes[0]!r} and {classes[1]!r}; neither is the outcome "
                    f"value {positive_value!r}")


def wrap_model(estimator: Any, dataset: Dataset) -> TrainedModel:
    """The team's model as the app's :class:`TrainedModel` (kind ``fitted``)."""
    exclude = [dataset.target_column] + ([dataset.id_column] if dataset.id_column else [])
    features = model_features(estimator, dataset.frame, exclude)
    numeric, categorical = split_feature_kinds(dataset.frame, features)
    return TrainedModel(estimator, FITTED, features, numeric, categorical, describe_model(estimator),
                        positive_index(estimator, dataset.positive_value, dataset))


@dataclass(frozen=True)
class HeldOutCheck:
    """What can be checked about "the model never saw these rows"; ``notes`` are for the pages.

    Attributes
    ----------
    overlap : held-out ids that are also in the training ids given (0 when none were given).
    auc : how well the scores rank the outcome on these rows (1.0 is perfect).
    notes : one sentence per problem found.
    """

    overlap: int
    auc: float
    notes: tuple[str, ...]


UNKNOWN_SHARE = 0.2  # more values than this the model's encoders never saw, and a column is named


def _encoders(estimator: Any):
    """Every fitted part of a model that learned categories (one-hot, ordinal encoders), at any depth."""
    if getattr(estimator, "categories_", None) is not None and getattr(estimator, "feature_names_in_", None) is not None:
        yield estimator
    for _, part, *_ in getattr(estimator, "steps", None) or getattr(estimator, "transformers_", None) or ():
        if not isinstance(part, str):
            yield from _encoders(part)


def unknown_values(estimator: Any, frame: pd.DataFrame) -> dict[str, float]:
    """Columns whose values the model's encoders mostly never saw, with the share unseen.

    A column read with other types than the model was fitted on (True for "yes", 1.0 for "1")
    turns into "unknown" for an encoder, which then scores every row as if the column were
    missing, silently; this finds it.
    """
    shares = {}
    for encoder in _encoders(estimator):
        for name, categories in zip(encoder.feature_names_in_, encoder.categories_):
            if name not in frame.columns:
                continue
            values = frame[name].dropna()
            if values.empty:
                continue
            known = {str(c) for c in categories}
            share = float((~values.astype(str).isin(known)).mean())
            if share > UNKNOWN_SHARE:
                shares[str(name)] = share
    return shares


def held_out_checks(scenario: Scenario, training_ids: Iterable[Any] | None = None) -> HeldOutCheck:
    """Check what can be checked: ids shared with the training rows, a too-perfect score, and
    columns whose values the model's encoders never saw."""
    from sklearn.metrics import roc_auc_score

    notes = []
    if scenario.model is not None:
        unseen_values = unknown_values(scenario.model.pipeline, scenario.heldout)
        for name, share in list(unseen_values.items())[:3]:
            notes.append(f"{share:.0%} of the values in '{name}' are ones the model never saw when it was fitted: "
                         "check that the data was read as it was for fitting (\"yes\" is not True, \"1\" is not 1).")
    overlap = 0
    if training_ids is not None:
        trained = set(map(str, training_ids))
        overlap = int(scenario.ids.astype(str).isin(trained).sum())
        if overlap:
            notes.append(f"{overlap:,} of the {scenario.labels.size:,} held-out ids are also in the training "
                         "data: the model has seen them, so every figure flatters it. Leave them out.")
    auc = float(roc_auc_score(scenario.labels, scenario.scores))
    if auc >= SUSPICIOUS_AUC:
        notes.append(f"The model ranks these rows almost perfectly (AUC {auc:.3f}). That is rare on rows a model "
                     "never saw: check that no column is only known after the outcome, and that the model did "
                     "not train on these rows.")
    return HeldOutCheck(overlap, auc, tuple(notes))


def scenario_from_fitted(spec: DemoSpec, dataset: Dataset, estimator: Any, rule_text: str | None = None,
                         unseen: str = UNSEEN_NOT_SURE, training_ids: Iterable[Any] | None = None) -> Scenario:
    """A demo on a team's own fitted model: every row held out, scored and explainable here.

    Parameters
    ----------
    spec : the words, money and rule (its model section is not used).
    dataset : the held-out rows with their outcome.
    estimator : the fitted classifier or pipeline (``predict_proba``; ``classes_``).
    rule_text : today's rule, if any (else the model is compared with a random pick).
    unseen : the team's answer to "did the model never see these rows?".
    training_ids : the ids of the rows the model trained on, if known: any held-out row among
        them is named on every page (see :func:`held_out_checks`).

    Raises
    ------
    DataError
        The model and the data do not fit together (columns, classes).
    SpecError
        As :func:`proofdeck.model.scenario.scenario_from_scores`.
    """
    model = wrap_model(estimator, dataset)
    try:
        scores = model.score(dataset.frame)
    except Exception as error:  # the team's model, not ours: say what it said, in one line
        first = str(error).splitlines()[0][:200] if str(error) else "no detail"
        unseen_values = unknown_values(estimator, dataset.frame)
        hint = (f"; the model never saw most values of {', '.join(repr(c) for c in list(unseen_values)[:3])}: "
                "read the data as it was read for fitting (\"yes\" is not True, \"1\" is not 1)") if unseen_values else ""
        raise DataError(f"the model could not score the data ({type(error).__name__}: {first}){hint}") from None
    scenario = replace(scenario_from_scores(spec, dataset, scores, rule_text, unseen=unseen), model=model)
    return replace(scenario, held_out_notes=held_out_checks(scenario, training_ids).notes)


def scenario_from_model_file(spec: DemoSpec, dataset: Dataset) -> Scenario:
    """A spec whose ``[model]`` is ``kind = "fitted"``: its model file, on all of its data.

    Raises
    ------
    SpecError
        Naming ``[model] file`` for a file that cannot be opened or a model that does not fit
        the data.
    """
    try:
        estimator = open_skops(spec.model.file)
        return scenario_from_fitted(spec, dataset, estimator, spec.rule.expression or None, unseen=spec.model.unseen)
    except (ModelFileError, DataError) as error:
        raise SpecError(f"{spec.where}: [model] file: {error}") from None
