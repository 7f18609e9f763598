"""What the report says, as plain values: every sentence, number and colour decided once.

The report's content is a tree of small frozen dataclasses holding text (already worded and
formatted, never HTML) and the few numbers behind its table. :func:`~.build.report_content`
fills it from the comparison objects the pages use; :func:`~.render.render_report` writes it out
through an autoescaping template. A test can read what the report says here, without parsing
HTML, and a hostile value is only ever text: the template escapes every field.

A change's colour is its ``tone``: "good" (an improvement), "bad" (worse) or "neutral".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

from proofdeck.sharing.summary import GridCell

Tone = Literal["good", "bad", "neutral"]


@dataclass(frozen=True)
class Card:
    """A figure in a card: its name, its value, and its change against the baseline, coloured."""

    label: str
    value: str
    delta: str | None = None
    tone: Tone = "neutral"


@dataclass(frozen=True)
class Header:
    """The top of the page and the browser tab's title."""

    title: str
    kicker: str  # "Customer churn · a proof of concept · synthetic sample data"
    question: str
    description: str


@dataclass(frozen=True)
class AskLine:
    """The ask, said in the answer box: what happens, and who signs ("" when nobody is named)."""

    action: str
    owner: str


@dataclass(frozen=True)
class Answer:
    """The answer box: the one sentence, three cards, how sure, and the ask."""

    headline: str
    cards: tuple[Card, ...]
    unseen: str | None  # the note on scores of unknown provenance, said in the box itself
    how_sure: str
    ask: AskLine | None


@dataclass(frozen=True)
class BaselineText:
    """Today's rule (its sentence, its expression and what it picks), or a random pick in one
    sentence (``description`` and ``expression`` None)."""

    title: str
    description: str | None
    expression: str | None
    text: str


@dataclass(frozen=True)
class DataSection:
    heading: str
    data_line: str
    baseline: BaselineText
    model_text: str


@dataclass(frozen=True)
class ComparisonRow:
    """One figure of the same-budget table: the baseline, the model, their difference.

    ``rule`` and ``model`` are the figures themselves (per period, scaled as the pages do);
    the texts are how the table shows them. ``difference_text`` is signed ("+$12k", "-3").
    """

    key: str
    name: str
    rule: float
    model: float
    rule_text: str
    model_text: str
    difference_text: str
    interval: str  # the 95% interval of the difference, or "" for figures without one

    @property
    def difference(self) -> float:
        """Model minus baseline."""
        return self.model - self.rule

    @property
    def sign(self) -> int:
        """+1 when the model's figure is higher, -1 lower, 0 the same (or not a number)."""
        difference = self.difference
        if not math.isfinite(difference) or difference == 0:
            return 0
        return 1 if difference > 0 else -1


@dataclass(frozen=True)
class SameBudgetSection:
    heading: str
    entities: str
    picker: str  # who the baseline acts on: "today's rule on those it flags"
    score: str
    per: str  # the first column's heading: "Per quarter", "Per held-out set"
    baseline_title: str
    rows: tuple[ComparisonRow, ...]
    verdict: str
    relative: str
    note: str


@dataclass(frozen=True)
class SettingSection:
    """The chosen setting, in the Decide page's own words and numbers."""

    where: str
    readout: str
    rates: str
    cards: tuple[Card, ...]
    intervals: str
    actions: str  # "Where the {actions} go"
    grid: tuple[GridCell, ...]
    grid_note: str
    caveat: str
    marginal: str = ""  # what the next 5% would add (the sentence under the Decide slider)


@dataclass(frozen=True)
class Chart:
    """An interactive Plotly chart: its figure as plain JSON-ready data, and its caption."""

    div_id: str
    data: list[dict[str, Any]]
    layout: dict[str, Any]
    config: dict[str, Any]
    width: str  # CSS: "100%", "640px"
    height: str
    caption: str


@dataclass(frozen=True)
class ChartsSection:
    money: Chart
    gains: Chart
    # The decision curve in money against the price of one action ("Worth it at other
    # prices?"); None when the scores are not probabilities or the money gives no price.
    prices: Chart | None = None
    marginal: Chart | None = None  # what each further 5% adds, with the break-even line


@dataclass(frozen=True)
class StoryText:
    """One of the four examples: whether the model is right, its title, who it is (None when
    no held-out example fits) and the sentence (the reasons, or why the slot is empty)."""

    kind: str
    right: bool
    mark: str
    title: str
    who: str | None
    text: str


@dataclass(frozen=True)
class ExamplesSection:
    intro: str
    stories: tuple[StoryText, ...]


@dataclass(frozen=True)
class AssumptionRow:
    name: str
    value: str
    source: str


@dataclass(frozen=True)
class Step:
    """A step towards production, done or to do."""

    text: str
    done: bool


@dataclass(frozen=True)
class AskSection:
    terms: tuple[tuple[str, str], ...]  # (term, what it says), e.g. ("Who signs", "Head of retention")
    steps: tuple[Step, ...]
    ab_tests: tuple[tuple[str, str], ...]  # (what it settles, one sentence), or one ("", why none can be sized)


@dataclass(frozen=True)
class Footer:
    """Where the report came from. ``link_query`` reopens the same view in the app ("?demo=churn&top=700");
    None for an upload, which no link can reopen. ``saved_link`` is the full address of a proof of
    concept saved in the team workspace (its viewer link), when the report was made from one."""

    made_on: str | None
    source: str
    setting: str  # "the model acting on its top 15% of customers (540 of the 3,600 held out)"
    link_query: str | None
    saved_link: str | None = None


@dataclass(frozen=True)
class ReviewSection:
    """The team's review of held-out examples: one sentence and every mark, newest first."""

    sentence: str
    rows: tuple[tuple[str, str, str, str, str], ...]  # example, verdict, reason, reviewer, when (UTC)


@dataclass(frozen=True)
class EffectSection:
    """Who the action changes, from a past campaign in the data: today's rule, the ranking by
    risk and the ranking by the action's effect at the rule's budget (spec ``[uplift]``)."""

    heading: str  # "Who the offer changes"
    intro: str
    columns: tuple[str, ...]  # the three policies, as the table heads them
    rows: tuple[tuple[str, ...], ...]  # (figure, one cell per policy)
    verdicts: tuple[str, ...]
    warning: str | None  # said first when the campaign was not randomised
    note: str  # how it is estimated, and the campaign's own note


@dataclass(frozen=True)
class Report:
    """Everything the one-file report says, in reading order."""

    header: Header
    answer: Answer
    data: DataSection
    same_budget: SameBudgetSection
    setting: SettingSection
    charts: ChartsSection
    examples: ExamplesSection
    assumptions: tuple[AssumptionRow, ...]
    ask: AskSection
    caveats: tuple[str, ...]
    footer: Footer
    review: ReviewSection | None = None
    effect: EffectSection | None = None
