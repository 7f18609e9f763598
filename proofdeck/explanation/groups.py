"""Drivers as business concepts: columns gathered into a spec's groups ("Billing", "Contract").

People reason in concepts, not in columns: "Billing" is monthly charges, total charges and the
payment method together. A spec's ``[groups]`` names them; every column in no group stands
alone under its own label, so a spec without groups reads exactly as before.

Everything here works on per-column contributions in the model's log-odds
(:class:`~proofdeck.explanation.explain.Explanation.by_column`). A group's contribution on a
row is the plain sum of its columns' contributions, so the groups of a row still add up,
with the base value, to the model's log-odds exactly.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from proofdeck.data.spec import DemoSpec, heading_key
from proofdeck.explanation.explain import Reason, group_by_source, label_of, value_text

MAX_PARTS = 3  # columns quoted in one group's reason; more would make a sentence a list


@dataclass(frozen=True)
class Concept:
    """One business concept: a spec's group, or a column on its own.

    Attributes
    ----------
    name : what people see: the group's name, or the column's label.
    columns : the feature columns it gathers, as the spec lists them.
    named : True for a spec's group, False for a column standing alone.
    """

    name: str
    columns: tuple[str, ...]
    named: bool


def concepts_of(groups: Sequence[tuple[str, Sequence[str]]], features: Sequence[str],
                label: Callable[[str], str]) -> tuple[Concept, ...]:
    """The concepts a model's columns fall into, in the order their first column comes in the
    model's columns.

    Parameters
    ----------
    groups : (name, columns) pairs, as ``DemoSpec.groups``; columns the model does not use
        are left out, and a group left with none is dropped.
    features : the model's feature columns.
    label : column -> its label (``DemoSpec.label``).

    Returns
    -------
    tuple[Concept, ...]
        Every feature in exactly one concept. Names are distinct: a name met twice (two
        unlabelled columns that read alike) gets its column's name added.
    """
    owner = {}
    for name, columns in groups:
        for column in columns:
            owner.setdefault(column, name)
    members: dict[str, list[str]] = {}
    for column in features:
        members.setdefault(owner.get(column, f"\0{column}"), []).append(column)
    order = {name: [c for c in columns if c in set(features)] for name, columns in groups}
    concepts, seen = [], set()
    for key, columns in members.items():
        named = not key.startswith("\0")
        if named:  # a group's columns as its author listed them
            columns = list(dict.fromkeys(order[key]))
        name = key if named else label(columns[0])
        if heading_key(name) in seen:
            name = f"{name} ({columns[0]})"
        seen.add(heading_key(name))
        concepts.append(Concept(name, tuple(columns), named))
    return tuple(concepts)


def spec_concepts(spec: DemoSpec, features: Sequence[str]) -> tuple[Concept, ...]:
    """:func:`concepts_of` for a demo's spec and its model's columns."""
    return concepts_of(spec.groups, features, spec.label)


def scenario_concepts(scenario) -> tuple[Concept, ...]:
    """The concepts of the columns the scenario's model reads (those its explanations cover).

    A team's own fitted model can read more than the page's features: a pipeline fitted on a
    frame that still had the id column, which it drops inside, still names that column.
    """
    model = scenario.model
    features = model.features if model is not None else scenario.dataset.features
    return spec_concepts(scenario.spec, features)


def has_groups(concepts: Sequence[Concept]) -> bool:
    """Whether any concept gathers columns (else the columns are the concepts, and a page
    needs no way to open them)."""
    return any(concept.named for concept in concepts)


def by_concept(by_column: pd.DataFrame | pd.Series, concepts: Sequence[Concept]) -> pd.DataFrame | pd.Series:
    """Per-row contributions summed per concept (a Series for one row).

    Parameters
    ----------
    by_column : per-column contributions (``Explanation.by_column``, or one row of it).
    concepts : from :func:`concepts_of`, covering the contributions' columns.

    Returns
    -------
    One column (entry) per concept, named by the concept, in the concepts' order, indexed
    like ``by_column``. Being sums, they add up to the row's total contribution exactly.
    """
    one_row = isinstance(by_column, pd.Series)
    frame = by_column.to_frame().T if one_row else by_column
    name_of = {column: concept.name for concept in concepts for column in concept.columns}
    missing = [c for c in frame.columns if c not in name_of]
    if missing:
        raise ValueError(f"{len(missing)} column(s) belong to no concept, e.g. {missing[0]!r}")
    summed = group_by_source(frame.to_numpy(dtype=float), [name_of[c] for c in frame.columns])
    summed = summed.reindex(columns=[c.name for c in concepts if c.name in set(summed.columns)])
    summed.index = frame.index
    return summed.iloc[0].rename(by_column.name) if one_row else summed


def concept_importance(by_column: pd.DataFrame, concepts: Sequence[Concept]) -> pd.Series:
    """How much each concept moves scores on average: mean of |the row's group contribution|.

    Not the sum of its columns' importances: columns of a group often push the same row in
    opposite directions (a high monthly charge up, a long-paid total down), and what the group
    does to that row is their net. Summing each column's average size counts both pushes in
    full and makes a group of correlated columns look bigger than it is; the group's own
    per-row sum is what the example charts show, so the overall chart matches them. It is never
    more than the sum of the columns' importances (triangle inequality).

    Returns
    -------
    pd.Series
        One entry per concept, largest first.
    """
    grouped = by_concept(by_column, concepts)
    return grouped.abs().mean().sort_values(ascending=False, kind="stable").rename("importance")


@dataclass(frozen=True)
class GroupReason:
    """One concept's part in a score, with the columns that make it.

    Attributes
    ----------
    name : the concept's name ("Billing", or a column's label when it stands alone).
    contribution : the group's total in log-odds (positive pushes the score up).
    direction : "up" or "down".
    parts : the group's columns that push the same way as the total, largest first (at most
        :data:`MAX_PARTS`), as column reasons with their values.
    named : True for a spec's group.
    """

    name: str
    contribution: float
    direction: str
    parts: tuple[Reason, ...]
    named: bool

    @property
    def text(self) -> str:
        """"Billing: monthly charges 105, payment method electronic check"; a column standing
        alone reads as before: "Contract: month-to-month"."""
        if not self.named:
            return self.parts[0].text if self.parts else self.name
        if not self.parts:
            return self.name
        listed = ", ".join(f"{lower_first(p.label)} {p.value_text}" for p in self.parts)
        return f"{self.name}: {listed}"


def lower_first(label: str) -> str:
    """A label or sentence made to follow a colon: "Monthly charges" -> "monthly charges" inside a sentence; "UK region" stays."""
    if len(label) > 1 and label[0].isupper() and label[1].islower():
        return label[0].lower() + label[1:]
    return label


def top_group_reasons(contributions: pd.Series, row: pd.Series, concepts: Sequence[Concept],
                      labels=None, n: int = 3,
                      flag_columns: frozenset[str] | set[str] = frozenset()) -> list[GroupReason]:
    """The ``n`` concepts that move this example's score most, either way.

    Parameters
    ----------
    contributions : per-column contributions of one row (``Explanation.row(i)``).
    row : the example's raw values, indexed by column.
    concepts : from :func:`concepts_of`.
    labels : business labels by column (a dict or ``DemoSpec.label``).
    n : how many concepts.
    flag_columns : yes/no columns stored as 0/1 (their values read "yes"/"no").

    Returns
    -------
    list[GroupReason]
        Largest absolute group total first; concepts that made no difference are left out.
        A group's parts are its columns pushing the same way as its total (a column pulling
        against it is not a reason for where the group ends up).
    """
    totals = by_concept(contributions, concepts)
    of = {concept.name: concept for concept in concepts}
    reasons = []
    for name in totals.abs().sort_values(ascending=False, kind="stable").index[:n]:
        amount = float(totals[name])
        if abs(amount) < 1e-12:
            break
        sign = np.sign(amount)
        parts = [
            Reason(column, label_of(labels, column),
                   value_text(row.get(column), flag=column in flag_columns), float(contributions[column]),
                   "up" if contributions[column] > 0 else "down")
            for column in of[name].columns
            if np.sign(contributions[column]) == sign and abs(float(contributions[column])) >= 1e-12
        ]
        parts.sort(key=lambda part: -abs(part.contribution))
        reasons.append(GroupReason(name, amount, "up" if amount > 0 else "down", tuple(parts[:MAX_PARTS]),
                                   of[name].named))
    return reasons


def concept_values(concepts: Sequence[Concept], row: pd.Series, flag_columns=frozenset()) -> dict[str, str]:
    """Each lone column's value as text, keyed by its concept's name (for a chart's labels);
    a group has no single value, so it has none here."""
    return {concept.name: value_text(row.get(concept.columns[0]), flag=concept.columns[0] in flag_columns)
            for concept in concepts if not concept.named}
