"""An uploaded table made into a demo: words and money with sensible defaults, the sentence
the pages will speak, the data as a demo reads it, and the spec as TOML.

The same prepared frame feeds the in-session demo and the "Keep it" bundle, so a bundle
loaded from demos/ gives the same figures. Preparing never changes the user's frame: when the
outcome needs a derived yes/no column (several values count as positive, or some outcomes are
only spaces) or the table has no id column, a copy gets the extra column.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from proofdeck.data.datasets import Dataset, build_dataset, treatment_problem
from proofdeck.data.delimited import DataError
from proofdeck.data.names import readable_name, words_of
from proofdeck.data.spec import (
    CATCHES,
    CONVERTS,
    PREVENTS,
    UPLOADS,
    DemoSpec,
    Economics,
    Headline,
    ModelSpec,
    Nouns,
    RuleSpec,
    SpecError,
    UpliftSpec,
    group_problem,
)
from proofdeck.data.spec_schema import validate_document
from proofdeck.upload.labels import build_outcome, outcome_missing
from proofdeck.words.safe_text import plain_words
from proofdeck.words.wording import money, plural, sentence_case, who

# Outcome words -> (positive, positives, meaning, negatives, action, actions, act, score, won,
# won_plural, cost per action, value per won, win rate), from the bundled demos' choices.
_PRESETS = {
    "churn": ("churner", "churners", "will leave", "{entities} {who} stay", "retention offer",
              "retention offers", "send a retention offer to", "churn risk", "{entity} kept",
              "{entities} kept", 40.0, 600.0, 0.3),
    "fraud": ("fraud", "frauds", "is fraudulent", "genuine {entities}", "manual review", "manual reviews",
              "manually review", "fraud risk", "fraud stopped", "frauds stopped", 4.0, 200.0, 0.9),
    "buy": ("buyer", "buyers", "will buy", "{entities} {who} never buy", "sales call", "sales calls", "call",
            "chance to buy", "customer acquired", "customers acquired", 150.0, 4800.0, 0.6),
    "default": ("defaulter", "defaulters", "will default", "{entities} {who} repay", "early call", "early calls",
                "call early", "default risk", "default avoided", "defaults avoided", 25.0, 1000.0, 0.3),
}
# What each kind's action does to the outcome (Economics.action_effect), as in the bundled demos.
_PRESET_EFFECTS = {"churn": PREVENTS, "fraud": CATCHES, "buy": CONVERTS, "default": PREVENTS}
_PRESET_WORDS = {
    "churn": "churn", "churned": "churn", "churner": "churn", "attrition": "churn", "cancel": "churn",
    "cancelled": "churn", "canceled": "churn", "left": "churn", "exited": "churn", "fraud": "fraud",
    "fraudulent": "fraud", "chargeback": "fraud", "converted": "buy", "conversion": "buy", "convert": "buy",
    "bought": "buy", "buy": "buy", "purchase": "buy", "purchased": "buy", "won": "buy", "default": "default",
    "defaulted": "default", "delinquent": "default",
}


NO_RULE = "False"  # a valid rule that picks nobody: a spec needs one; the pages then compare with a random pick

# Names that say only "the outcome" ("y", "target"): the nouns then say "outcome" for them.
_GENERIC_OUTCOME_NAMES = {"y", "target", "label", "outcome", "class", "result", "is", "the", "flag"}


@dataclass(frozen=True)
class DemoDraft:
    """Everything the user chose on the Your data page, enough to write a spec."""

    title: str
    question: str
    outcome: str
    positives: tuple[str, ...]
    id_column: str | None
    features: tuple[str, ...]
    rule: str
    rule_description: str
    nouns: Nouns
    economics: Economics
    description: str = ""
    model: ModelSpec = field(default_factory=ModelSpec)
    headline: Headline = field(default_factory=Headline)
    labels: tuple[tuple[str, str], ...] = ()
    known_before: tuple[str, ...] = ()
    groups: tuple[tuple[str, tuple[str, ...]], ...] = ()
    uplift: UpliftSpec | None = None  # a past campaign in the data (who got the action), if any


@dataclass(frozen=True)
class Prepared:
    """The data as the demo reads it (a copy with any extra column) and the columns' roles."""

    frame: pd.DataFrame
    target_column: str
    positive_value: str
    id_column: str
    features: tuple[str, ...]
    value_column: str | None = None

    def dataset(self) -> Dataset:
        """The labelled examples, exactly as a bundled demo of this data would load them."""
        return build_dataset(
            self.frame, self.target_column, self.positive_value, self.id_column, self.features, self.value_column
        )


def default_nouns(outcome: str, positives: tuple[str, ...], entity: str = "customer") -> Nouns:
    """Words for the pages, from the outcome's name and values ("Churn" = "Yes" -> churners)."""
    entity = plain_words(entity, "row")
    entities = plural(entity)
    preset = _preset(outcome, positives)
    if preset:
        (positive, positives_, meaning, negatives, action, actions, act, score, won, won_plural, *_) = preset
        fill = {"entity": entity, "entities": entities, "who": who(entities)}
        return Nouns(
            entity=entity, entities=entities, positive=positive, positives=positives_, positive_meaning=meaning,
            action=action, actions=actions, act=act, score=score, won=won.format(**fill),
            won_plural=won_plural.format(**fill), negatives=negatives.format(**fill),
        )
    # Words from the data are filtered to letters, digits and spaces: they go into sentences,
    # titles and labels everywhere, so no column name or value can carry Markdown or a link.
    name, value = plain_words(readable_name(outcome)) or "outcome", plain_words(" or ".join(positives))
    if set(words_of(outcome)) <= _GENERIC_OUTCOME_NAMES:
        name = "outcome"  # "customers with outcome yes", not "customers with Y yes"
    said = f"{name} {value}".strip()
    return Nouns(
        entity=entity, entities=entities,
        positive=f"{entity} with {said}", positives=f"{entities} with {said}",
        positive_meaning=f"has {said}", action="contact", actions="contacts", act="contact",
        score=f"chance of {said}", won=f"{entity} won over", won_plural=f"{entities} won over",
        negatives=f"other {entities}",
    )


def rule_sentence(nouns: Nouns, rule: str) -> str:
    """Today's rule in the words the pages use ("Contact every customer where tenure < 6.");
    pages put "Today's rule:" before it themselves."""
    if not rule.strip():
        return "No rule given: a random pick of the same size."
    return f"{sentence_case(nouns.act)} every {nouns.entity} where {rule}."


# The money an upload starts with is a bundled demo's, as an example: marked assumed until the
# person changes or confirms it, so no page states it as the business's own.
EXAMPLE_MONEY = ("cost_per_action", "value_per_won", "win_rate")


def default_economics(outcome: str, positives: tuple[str, ...], currency: str = "$") -> Economics:
    """Example money figures for the user to change (from a bundled demo of the same kind),
    marked as assumed; no population, so nothing is scaled to a period until one is given."""
    preset = _preset(outcome, positives)
    cost, value, win_rate = preset[-3:] if preset else (10.0, 100.0, 0.5)
    effect = _PRESET_EFFECTS.get(_preset_kind(outcome, positives) or "", PREVENTS)
    return Economics(currency=currency, cost_per_action=cost, value_per_won=value, win_rate=win_rate,
                     period="quarter", assumed=EXAMPLE_MONEY, action_effect=effect)


def default_labels(columns) -> tuple[tuple[str, str], ...]:
    """A readable label for each column ("MonthlyCharges" -> "Monthly charges"), distinct:
    a label two columns would share gets the column's own name instead."""
    labels, seen = [], set()
    for column in columns:
        label = readable_name(column)
        key = " ".join(label.casefold().split())
        if key in seen:
            label = str(column)
            key = " ".join(label.casefold().split())
        seen.add(key)
        labels.append((str(column), label))
    return tuple(labels)


def default_draft(
    file_name: str,
    outcome: str,
    positives: tuple[str, ...],
    id_column: str | None,
    features: tuple[str, ...],
    rule: str,
    entity: str = "customer",
    currency: str = "$",
    columns: tuple[str, ...] = (),
) -> DemoDraft:
    """A draft with every default filled in from the file's name and the outcome.

    ``columns`` are the file's columns, each given a readable label; ``currency`` the
    money's sign (see :meth:`proofdeck.upload.profile.Profile.currency`).
    """
    nouns = default_nouns(outcome, positives, entity)
    title = plain_words(re.sub(r"[_\-.]+", " ", Path(file_name).stem), "My data", limit=60).capitalize()
    return DemoDraft(
        title=title,
        question=f"Which {nouns.entities} should we {nouns.act}?",
        outcome=outcome,
        positives=tuple(positives),
        id_column=id_column,
        features=tuple(features),
        rule=rule,
        rule_description=rule_sentence(nouns, rule),
        nouns=nouns,
        economics=default_economics(outcome, positives, currency),
        labels=default_labels(columns),
    )


def talk_sentence(nouns: Nouns, economics: Economics) -> str:
    """How the pages will talk, e.g. "We will send a retention offer to the customers most
    likely to be churners; each retention offer costs $40 and each customer kept is worth $600."
    An example value nobody confirmed says so ("$600, an example value")."""
    def shown(field: str, text: str) -> str:
        return f"{text} (an example value)" if field in economics.assumed else text

    worth = (
        f"each {nouns.won} is worth its own {economics.value_column}"
        if economics.value_column
        else f"each {nouns.won} is worth {shown('value_per_won', money(economics.value_per_won, economics.currency))}"
    )
    return (
        f"We will {nouns.act} the {nouns.entities} most likely to be {nouns.positives}; each {nouns.action} "
        f"costs {shown('cost_per_action', money(economics.cost_per_action, economics.currency))} and {worth}."
    )


def prepare(frame: pd.DataFrame, draft: DemoDraft, test_size: float | None = None) -> Prepared:
    """The data a demo of this draft reads; the user's frame is never changed.

    Raises
    ------
    DataError
        When the outcome cannot be used (see :func:`proofdeck.upload.labels.build_outcome`).
    """
    # test_size: the share held out (1.0 for a model fitted elsewhere: every row is held out).
    outcome = build_outcome(frame, draft.outcome, draft.positives, test_size or draft.model.test_size)
    series = frame[draft.outcome]
    blank_text = bool((outcome_missing(series) & series.notna()).any())
    data, target, positive = frame, draft.outcome, outcome.positives[0]
    if len(outcome.positives) > 1 or blank_text:
        target = _free_name(frame, f"{draft.outcome} (outcome)")
        derived = pd.Series(np.nan, index=frame.index, dtype="str")
        derived.iloc[outcome.rows] = np.where(outcome.labels, "yes", "no")
        data, positive = frame.assign(**{target: derived}), "yes"
    id_column = draft.id_column
    if not id_column:
        id_column = _free_name(data, "row")
        data = data.assign(**{id_column: np.arange(1, len(data) + 1)})
    # A past campaign's treatment column is never a feature: it was decided after them.
    treatment = draft.uplift.treatment_column if draft.uplift else None
    features = tuple(f for f in draft.features if f not in (draft.outcome, target, id_column, treatment))
    if draft.uplift is not None:
        problem = treatment_problem(frame[treatment], draft.uplift.treated_value)
        if problem:
            raise DataError(f"the campaign column {problem}")
    return Prepared(data, target, positive, id_column, features, draft.economics.value_column)


def spec_toml(draft: DemoDraft, prepared: Prepared, name: str) -> str:
    """The draft as a spec file for demos/<name>.toml, reading data/<name>.csv.

    The text loads with :func:`proofdeck.data.spec_files.load_spec` as it is (checked here).

    Raises
    ------
    SpecError
        When a choice breaks the spec's rules (an empty title, a win rate above 1...), with
        the field named as in a spec file.
    """
    econ = draft.economics
    document = {
        "": {"title": draft.title, "question": draft.question, "description": draft.description, "order": 50},
        "data": {
            "path": f"../data/{name}.csv",
            "id_column": prepared.id_column,
            "target_column": prepared.target_column,
            "positive_value": prepared.positive_value,
            "features": list(prepared.features),
        } | ({"known_before": list(draft.known_before)} if draft.known_before else {}),
        "nouns": {k: getattr(draft.nouns, k) for k in _NOUN_FIELDS},
        "rule": {"expression": draft.rule, "description": draft.rule_description},
        "economics": {
            "currency": econ.currency, "cost_per_action": econ.cost_per_action,
            "value_per_won": econ.value_per_won, "win_rate": econ.win_rate, "fixed_cost": econ.fixed_cost,
            "cost_per_miss": econ.cost_per_miss, "population": econ.population, "period": econ.period,
        } | ({"value_column": econ.value_column} if econ.value_column else {})
          | ({"action_effect": econ.action_effect} if econ.action_effect != PREVENTS else {})
          | ({"assumed": list(econ.unconfirmed)} if econ.unconfirmed else {}),
        "headline": {"figure": draft.headline.figure},
        "model": {"kind": draft.model.kind, "test_size": draft.model.test_size, "seed": draft.model.seed},
    }
    if draft.uplift is not None:
        campaign = draft.uplift
        document["uplift"] = {"treatment_column": campaign.treatment_column, "treated_value": campaign.treated_value,
                              "randomised": campaign.randomised} | ({"note": campaign.note} if campaign.note else {})
    labels = {column: label for column, label in draft.labels if column in _shown_columns(draft, prepared)}
    if labels:
        document["data.labels"] = labels
    groups = _groups(draft, prepared)
    if groups:
        document["groups"] = {name: list(columns) for name, columns in groups}
    lines = ["# Proofdeck demo spec made on the Your data page (see docs/specs.md).", ""]
    for section, values in document.items():
        if section:
            lines += ["", f"[{section}]"]
        lines += [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in values.items()]
    text = "\n".join(lines) + "\n"
    validate_document(tomllib.loads(text), f"demos/{name}.toml")
    labels_of = {c: label for c, label in draft.labels}
    problem = group_problem(groups, prepared.features, lambda c: labels_of.get(c) or readable_name(c))
    if problem:
        raise SpecError(f"demos/{name}.toml: {problem}")
    return text


def draft_spec(draft: DemoDraft, prepared: Prepared, name: str) -> DemoSpec:
    """The draft as a DemoSpec for this session (its paths are placeholders under uploads/)."""
    spec_toml(draft, prepared, name)  # the same checks as the written file
    return DemoSpec(
        path=Path(UPLOADS) / f"{name}.toml", title=draft.title, question=draft.question,
        description=draft.description, synthetic=False, data_path=Path(UPLOADS) / f"{name}.csv",
        id_column=prepared.id_column, target_column=prepared.target_column,
        positive_value=prepared.positive_value, features=prepared.features,
        labels={c: label for c, label in draft.labels if c in _shown_columns(draft, prepared)}, nouns=draft.nouns,
        rule=RuleSpec(draft.rule, draft.rule_description), economics=draft.economics,
        headline=draft.headline, model=draft.model, order=50, known_before=draft.known_before,
        groups=_groups(draft, prepared),
        uplift=draft.uplift,
    )


def _groups(draft: DemoDraft, prepared: Prepared) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The draft's groups over the columns the model uses (a column dropped since is left out,
    and a group left empty with it)."""
    kept = [(name, tuple(c for c in columns if c in prepared.features)) for name, columns in draft.groups]
    return tuple((name, columns) for name, columns in kept if columns)


def _shown_columns(draft: DemoDraft, prepared: Prepared) -> set[str]:
    """Columns a demo of this draft can show (and so label): the data's columns."""
    return {str(c) for c in prepared.frame.columns}


_NOUN_FIELDS = ("entity", "entities", "positive", "positives", "positive_meaning", "negatives", "action",
                "actions", "act", "score", "won", "won_plural")


def _preset_kind(outcome: str, positives: tuple[str, ...]) -> str | None:
    for word in words_of(outcome) + [w for v in positives for w in words_of(v)]:
        if word in _PRESET_WORDS:
            return _PRESET_WORDS[word]
    return None


def _preset(outcome: str, positives: tuple[str, ...]):
    kind = _preset_kind(outcome, positives)
    return _PRESETS[kind] if kind else None



def _free_name(frame: pd.DataFrame, wanted: str) -> str:
    name, number = wanted, 2
    while name in frame.columns:
        name, number = f"{wanted} {number}", number + 1
    return name


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _toml_string(key)


def _toml_string(text: str) -> str:
    out = []
    for char in text:
        if char in ('"', "\\"):
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(type(value))  # pragma: no cover - only the types above are written
