"""Demo specs: what one demo declares, as frozen dataclasses.

A spec declares everything a page needs to speak one business's language: the data file,
the outcome, the nouns, today's rule, the unit economics and the model settings. Pages read
all of their words and money from here, so adding a demo is a TOML file and a CSV.

Specs are read from TOML files by :mod:`proofdeck.data.spec_files` and checked field by field
against :mod:`proofdeck.data.spec_schema`. Every problem is one :class:`SpecError` naming the
file (relative to the folder that holds it, never an absolute path), the field and what is
wrong, e.g. ``demos/churn.toml: [economics] cost_per_action: expected a number, got text``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from proofdeck.data.names import readable_name

MODEL_KINDS = ("gradient_boosting", "logistic_regression", "fitted")  # fitted: a team's own model file
UNSEEN_CHOICES = ("yes", "no", "not sure")
# What the action does to the outcome, as a test would see it (Economics.action_effect).
PREVENTS, CATCHES, CONVERTS = "prevents", "catches", "converts"
ACTION_EFFECTS = (PREVENTS, CATCHES, CONVERTS)
HEADLINE_FIGURES = ("net_value", "cost_per_won", "value_won")
UPLOADS = "uploads"  # the placeholder folder of specs made in a session from an upload

# Sensible range of every money, count and share field, inclusive: (low, high). The spec check
# and the Assumptions form use the same ranges, so no figure can overflow or become nan.
ECONOMICS_BOUNDS: dict[str, tuple[float, float]] = {
    "cost_per_action": (0.0, 1e9),
    "value_per_won": (0.0, 1e9),
    "win_rate": (0.0001, 1.0),
    "fixed_cost": (0.0, 1e12),
    "cost_per_miss": (0.0, 1e9),
    "population": (0.0, 1e12),
}
# Names of keys and columns are quoted in messages only when they are short and plain.
_PLAIN_NAME = re.compile(r"[\w .()/-]{1,60}")


class SpecError(ValueError):
    """A demo spec that cannot be used, with a message naming file and field.

    Attributes
    ----------
    detail : what only the server log should see (a value from the file, a resolved path),
        or None. ``str(error)`` is safe to show to visitors.
    """

    def __init__(self, message: str, detail: str | None = None):
        super().__init__(message)
        self.detail = detail


def spec_where(path: str | Path) -> str:
    """The spec file as named in messages: its folder and file name, e.g. ``demos/churn.toml``.

    Never an absolute path, so a message can be shown to anyone.
    """
    path = Path(path)
    return f"{path.parent.name}/{path.name}" if path.parent.name else path.name


@dataclass(frozen=True)
class Nouns:
    """The business words a demo uses for the technical ideas (DESIGN.md, Vocabulary)."""

    entity: str
    entities: str
    positive: str
    positives: str
    positive_meaning: str
    action: str
    actions: str
    act: str
    score: str
    won: str
    won_plural: str
    negatives: str = ""

    @property
    def non_positives(self) -> str:
        """Plural noun for examples without the outcome, e.g. "customers who stayed"."""
        return self.negatives or f"other {self.entities}"


@dataclass(frozen=True)
class Economics:
    """Unit economics of the action; every money figure is derived from these.

    Attributes
    ----------
    cost_per_action : money spent on each example acted on (one offer, one call).
    value_per_won : money gained per positive the action wins, unless ``value_column`` is set,
        in which case each example's own value is used (e.g. a transaction amount).
    win_rate : share of reached positives the action actually wins (0 to 1].
    fixed_cost : cost per period of running the programme at all (only when acting on anyone).
    cost_per_miss : extra cost of each positive that is not acted on (e.g. a chargeback fee).
    population : examples per period; held-out counts are scaled up to it (0 = no scaling).
    period : the period the population refers to ("quarter", "month").
    value_column : a column with each example's own value (replaces ``value_per_won``).
    assumed : fields that still hold example values nobody confirmed (an upload starts with
        a bundled demo's money as placeholders); every page says so until they are changed
        or confirmed.
    action_effect : what the action does to the outcome, as a test would see it (which
        outcome an A/B test can count, see :mod:`proofdeck.comparison.ab_test`):
        ``"prevents"`` (the default): the action prevents the outcome for the positives it
        wins, and a prevented outcome is never seen (an offer keeps a churner: the customer
        simply stays); ``"catches"``: the action stops the positives it wins and shows them,
        and the ones it misses still show later (a review stops a fraud; a missed one comes
        back as a chargeback); ``"converts"``: the action turns the positives it wins into
        the outcome the value comes from, and the money counts nothing without it (a call
        signs a would-be buyer).
    ranges : stated (field, low, high) ranges of money fields (spec: ``win_rate_range =
        [0.2, 0.45]``); fields without one get a guessed range (decisions/assumption_ranges.py).
    """

    currency: str = "$"
    cost_per_action: float = 0.0
    value_per_won: float = 0.0
    win_rate: float = 1.0
    fixed_cost: float = 0.0
    cost_per_miss: float = 0.0
    population: float = 0.0
    period: str = "period"
    value_column: str | None = None
    assumed: tuple[str, ...] = ()
    action_effect: str = PREVENTS
    ranges: tuple[tuple[str, float, float], ...] = ()

    @property
    def unconfirmed(self) -> tuple[str, ...]:
        """The money fields still holding example values nobody confirmed (in field order)."""
        return tuple(name for name in ASSUMABLE if name in self.assumed)

    def confirmed(self, *names: str) -> Economics:
        """These economics with the named fields confirmed as the business's own (someone set
        them), the others as they were."""
        return replace(self, assumed=tuple(a for a in self.assumed if a not in names))

    def scale_for(self, n_heldout: int) -> float:
        """Factor that turns held-out counts into counts per period for the population.

        Examples
        --------
        >>> Economics(population=1000, period="quarter").scale_for(10)  # 1,000 a quarter
        100.0
        >>> Economics().scale_for(10)  # no population: held-out counts stay as they are
        1.0
        """
        if self.population <= 0 or n_heldout <= 0:
            return 1.0
        return self.population / n_heldout


# Money fields an upload starts with as example values (see Economics.assumed).
ASSUMABLE = ("cost_per_action", "value_per_won", "win_rate", "fixed_cost", "cost_per_miss")


@dataclass(frozen=True)
class RuleSpec:
    expression: str
    description: str


@dataclass(frozen=True)
class ModelSpec:
    """The model: a kind Proofdeck fits on a held-out split, or ``fitted``: the team's own model,
    read from ``file`` (skops), with every row of the data held out. ``unseen`` is the team's
    answer to "did that model never see these rows?" ("yes", "no" or "not sure")."""

    kind: str = "gradient_boosting"
    test_size: float = 0.3
    seed: int = 42
    file: str | None = None
    unseen: str = "not sure"


@dataclass(frozen=True)
class Headline:
    """Which money figure leads every page, and the demo's names for figures."""

    figure: str = "net_value"
    cost_per_won_label: str = "cost per won"
    value_won_label: str = "value won"
    value_to_cost_label: str = "value per 1 spent"


# The readiness checklist for production, in the order a POC goes through it.
READINESS = {
    "backtest": "A backtest on held-out data",
    "gold_set": "A hand-checked gold set",
    "shadow_run": "A shadow run beside today's rule",
    "ab_test": "An A/B test",
}


@dataclass(frozen=True)
class Charter:
    """The POC's ask: what happens to a flagged example and who does it, the metric and the move
    it promises, and how ready it is for production.

    Attributes
    ----------
    action : what happens to a flagged example, and who does it ("the retention team calls").
    owner : who signs the ask ("Head of retention").
    metric : the business metric the POC moves ("churn among contacted customers").
    metric_from, metric_to : the promise, as people say it ("22%" to "18%").
    done : keys of :data:`READINESS` already done (a backtest is what Proofdeck itself shows).
    """

    action: str = ""
    owner: str = ""
    metric: str = ""
    metric_from: str = ""
    metric_to: str = ""
    done: tuple[str, ...] = ("backtest",)

    @property
    def promise(self) -> str:
        """"quarterly churn across all active customers from 22% to 18%" (empty when not stated)."""
        if not self.metric:
            return ""
        if self.metric_from and self.metric_to:
            return f"{self.metric} from {self.metric_from} to {self.metric_to}"
        return self.metric

    @property
    def checklist(self) -> list[tuple[str, bool]]:
        """(step, done) for every readiness step, in order."""
        return [(text, key in self.done) for key, text in READINESS.items()]


@dataclass(frozen=True)
class UpliftSpec:
    """A past campaign in the data: who got the action, so its effect can be estimated.

    Attributes
    ----------
    treatment_column : the column that says who got the action in the past campaign. It is
        never a feature of the risk model (it was decided after the features were recorded).
    treated_value : the value of that column that marks "got the action", as text; matched
        ignoring case and spaces, as ``positive_value`` is.
    randomised : True when the campaign picked who got the action at random; otherwise every
        uplift figure says the effect estimates may be biased.
    note : one plain sentence about the campaign (when, who ran it), or "".
    persuadables, sure_things, lost_causes, sleeping_dogs : the demo's words for the four
        groups of :mod:`proofdeck.uplift` (those the action changes, those fine anyway, those
        lost whatever is done, those the action puts off); "" uses words from the nouns.
    """

    treatment_column: str
    treated_value: str
    randomised: bool
    note: str = ""
    persuadables: str = ""
    sure_things: str = ""
    lost_causes: str = ""
    sleeping_dogs: str = ""


@dataclass(frozen=True)
class DemoSpec:
    """One demo: its data and outcome, words, today's rule, money, model and charter.

    Everything a page needs to tell one business's story: it is built from a TOML file by
    :func:`~proofdeck.data.spec_files.load_spec` (docs/specs.md describes every field) or in a
    session from an upload (:func:`proofdeck.upload.draft.draft_spec`), and never changes
    after that: a session's own money is a separate :class:`Economics`.

    Attributes
    ----------
    path : the spec file; its name without ``.toml`` is :attr:`key`. An upload's path lies in
        the placeholder folder :data:`UPLOADS` (no such file exists on the server).
    title : short name shown in the demo picker, e.g. "Customer churn".
    question : the business question, the pitch page's title.
    description : a few sentences of context (may be empty).
    synthetic : True when the data are made-up sample data; every page says so.
    data_path : the CSV, resolved and checked to lie inside an allowed folder.
    id_column : the column that names each example (shown in tables, used in links).
    target_column : the outcome column.
    positive_value : the outcome value to find ("yes", "1", "fraud"), as text; the data are
        matched ignoring case and spaces.
    features : the columns the model may use, or None for every column but the id and the
        outcome.
    labels : column -> readable name for tables and sentences (see :meth:`label`).
    nouns : the business words for the technical ideas ("customer", "churner", "offer").
    rule : today's rule: its expression in the rule language and one plain sentence.
    economics : the unit economics every money figure comes from.
    headline : which money figure leads every page, and the demo's names for figures.
    model : which model to fit, the held-out share and the seed.
    order : position in the demo picker, lowest first.
    charter : the POC's ask: the action and its owner, the promised move, readiness.
    known_before : columns someone confirmed are known before the action is taken (the leak
        guard asks about the strongest ones that are not).
    groups : business concepts, each a name and the feature columns it gathers, in the spec's
        order (``[groups] Billing = ["monthly_charges", "payment_method"]``). Explanations,
        stories, the drivers chart and the error patterns speak in these; a column in no
        group stands on its own under its label (see :mod:`proofdeck.explanation.groups`).
    uplift : the past campaign in the data (``[uplift]``), or None when there is none.
    """

    path: Path
    title: str
    question: str
    description: str
    synthetic: bool
    data_path: Path
    id_column: str
    target_column: str
    positive_value: str
    features: tuple[str, ...] | None
    labels: dict[str, str]
    nouns: Nouns
    rule: RuleSpec
    economics: Economics
    headline: Headline
    model: ModelSpec
    order: int = 100
    charter: Charter = field(default_factory=Charter)
    known_before: tuple[str, ...] = ()
    groups: tuple[tuple[str, tuple[str, ...]], ...] = ()
    uplift: UpliftSpec | None = None

    @property
    def key(self) -> str:
        """Short identifier of the demo: its file name without extension."""
        return self.path.stem

    def label(self, column: str) -> str:
        """Readable label of a column, falling back to the column name made readable
        ("MonthlyCharges" -> "Monthly charges", see :func:`proofdeck.data.names.readable_name`)."""
        if column in self.labels:
            return self.labels[column]
        return readable_name(column)

    @property
    def uploaded(self) -> bool:
        """Made in a session from an uploaded file (no file on the server: no link reopens it)."""
        return self.path.parent == Path(UPLOADS)

    @property
    def where(self) -> str:
        """The spec file as named in messages (``demos/churn.toml``); see :func:`spec_where`."""
        return spec_where(self.path)

    def label_clash(self, columns: Iterable[str], reserved: Iterable[str] = ()) -> str | None:
        """Say which two columns would be shown under the same heading, or None.

        Parameters
        ----------
        columns : the data's columns that may be shown (labelled or not).
        reserved : headings a table adds itself (e.g. "Outcome"); a label may not take them.

        Returns
        -------
        A message such as ``[data.labels] plan_name: same label as plan``, or None.
        Comparison ignores case and repeated spaces, as people read headings.
        """
        seen: dict[str, str] = {heading_key(h): f"the table's own column {h!r}" for h in reserved}
        for column in columns:
            key = heading_key(self.label(column))
            if key in seen:
                return f"[data.labels] {shown_name(column)}: same label as {seen[key]}"
            seen[key] = shown_name(column)
        return None


def group_problem(groups: Iterable[tuple[str, Iterable[str]]], columns: Iterable[str] | None,
                  label: Any) -> str | None:
    """What is wrong with a spec's groups against the data's columns, or None.

    Parameters
    ----------
    groups : (name, columns) pairs, as :attr:`DemoSpec.groups`.
    columns : the feature columns a group may gather; None skips that check (the columns
        are known only once the data is read).
    label : column -> its label (``DemoSpec.label``); a group may not be named like one, or
        a sentence "raised most by Contract" could mean the column or the group.

    Returns
    -------
    A message such as ``[groups] Billing: column total_charges is not a column the model
    uses``; names are quoted only when plain (:func:`shown_name`).
    """
    allowed = None if columns is None else list(columns)
    labels = {} if allowed is None else {heading_key(label(c)): c for c in allowed}
    for name, members in groups:
        where = f"[groups] {shown_name(name)}"
        if allowed is not None:
            for column in members:
                if column not in allowed:
                    return f"{where}: {shown_name(column)} is not a column the model uses"
        clash = labels.get(heading_key(name))
        if clash is not None:
            return f"{where}: is named like the column {shown_name(clash)}; give the group another name"
    return None


def heading_key(text: str) -> str:
    """A heading as people compare headings: case and repeated spaces do not count."""
    return " ".join(str(text).casefold().split())


def shown_name(name: Any) -> str:
    """A key or column name for a message: itself when short and plain, else a placeholder."""
    text = str(name)
    return text if _PLAIN_NAME.fullmatch(text) else "(a name with unusual characters)"
