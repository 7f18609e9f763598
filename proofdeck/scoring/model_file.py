"""A fitted model as a file a team can take to its cluster: skops, never pickle.

The file holds the scikit-learn pipeline and what scoring needs besides it: the feature columns
and how each was read (number or text), the id and outcome columns, the value that marks the
outcome, and today's rule with the column kinds it was checked against. It is written with
skops (``skops.io``), which stores objects as data and, when loading, refuses any type not on a
short list of scikit-learn, numpy and builtin types unless the caller trusts it; so a file from
elsewhere cannot run code when it is opened, as a pickle can.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from proofdeck.model.model_files import ModelFileError, open_skops
from proofdeck.model.scenario import Scenario

FORMAT = "proofdeck-scoring-model/1"

@dataclass(frozen=True)
class ScoringModel:
    """A fitted pipeline with what a scoring job needs to give Proofdeck's own scores.

    Attributes
    ----------
    pipeline : the fitted scikit-learn pipeline (``predict_proba`` on the feature columns).
    features : the feature columns, in the pipeline's order.
    numeric : the features read as numbers (the others are read as text).
    id_column, target_column, positive_value : the id, the outcome and the value to find.
    rule : today's rule in Proofdeck's rule language, or None.
    rule_kinds : the column kinds the rule was checked against.
    title : the demo's title, for the job's log.
    """

    pipeline: Any
    features: tuple[str, ...]
    numeric: tuple[str, ...]
    id_column: str | None
    target_column: str
    positive_value: str
    rule: str | None = None
    rule_kinds: dict[str, str] = field(default_factory=dict)
    title: str = ""


def scoring_model_of(scenario: Scenario) -> ScoringModel:
    """The scenario's fitted model and rule, ready to be written as a file.

    Raises
    ------
    ModelFileError
        When the scores came from the team's own model: there is no model here to export.
    """
    if scenario.model is None:
        raise ModelFileError("these scores came from your own model, so there is no fitted model here to export")
    dataset, rule = scenario.dataset, scenario.rule
    return ScoringModel(
        pipeline=scenario.model.pipeline,
        features=tuple(scenario.model.features),
        numeric=tuple(scenario.model.numeric),
        id_column=dataset.id_column,
        target_column=dataset.target_column,
        positive_value=str(dataset.positive_value),
        rule=None if rule is None else rule.text,
        rule_kinds={} if rule is None else dict(rule.kinds),
        title=scenario.spec.title,
    )


def model_bytes(model: ScoringModel) -> bytes:
    """The model as the bytes of a skops file."""
    import skops.io as sio  # imported here: only exports and jobs need it

    return sio.dumps(_as_document(model))


def write_model(model: ScoringModel, path: str | Path) -> Path:
    """Write the model to a skops file (``.skops``) and return its path."""
    path = Path(path)
    path.write_bytes(model_bytes(model))
    return path


def read_model(source: str | Path | bytes) -> ScoringModel:
    """Read a model file written by :func:`write_model`, trusting only known types.

    Raises
    ------
    ModelFileError
        As :func:`proofdeck.model.model_files.open_skops`, or a skops file that is not a
        Proofdeck scoring model.
    """
    return _from_document(open_skops(source))


def _as_document(model: ScoringModel) -> dict[str, Any]:
    """Builtins and the pipeline only: the shapes skops stores as data."""
    return {
        "format": FORMAT,
        "pipeline": model.pipeline,
        "features": list(model.features),
        "numeric": list(model.numeric),
        "id_column": model.id_column,
        "target_column": model.target_column,
        "positive_value": model.positive_value,
        "rule": model.rule,
        "rule_kinds": dict(model.rule_kinds),
        "title": model.title,
    }


def _from_document(document: Any) -> ScoringModel:
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ModelFileError("this skops file is not a Proofdeck scoring model (export one with "
                             "`proofdeck export-model`)")
    try:
        return ScoringModel(
            pipeline=document["pipeline"],
            features=tuple(str(name) for name in document["features"]),
            numeric=tuple(str(name) for name in document["numeric"]),
            id_column=document["id_column"],
            target_column=str(document["target_column"]),
            positive_value=str(document["positive_value"]),
            rule=document["rule"],
            rule_kinds={str(k): str(v) for k, v in dict(document["rule_kinds"]).items()},
            title=str(document.get("title", "")),
        )
    except (KeyError, TypeError) as error:
        raise ModelFileError(f"the model file is missing a part ({error})") from None
