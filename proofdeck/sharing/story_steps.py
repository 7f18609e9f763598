"""The presentation's story in six steps: their order, their words and their big figures.

Presentation mode tells a POC in the order leadership follows it: the question, today's rule
and what it achieves, what the model changes at the same budget (with how sure that is), the
slider live, three examples (at least one where the model is wrong), and the ask. This module
says what each step shows, built from a demo's numbers; it draws nothing (ui/present/mode.py does),
so every sentence of every demo can be checked without a browser.

Steps are numbered from 1, as people count them and as a link carries them (``?step=3``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from proofdeck.comparison.ab_test import ABTestSize
from proofdeck.comparison.compare import SameBudget, how_sure_sentence
from proofdeck.data.spec import Charter, DemoSpec, Economics
from proofdeck.decisions.bootstrap import Interval
from proofdeck.decisions.marginal import next_slice
from proofdeck.decisions.outcomes import Outcome
from proofdeck.decisions.random_pick import RandomPick
from proofdeck.decisions.sweep import ThresholdSweep
from proofdeck.decisions.top_k_bootstrap import TopKBootstrap
from proofdeck.explanation.stories import BOTH_MISSED, CAUGHT, FALSE_ALARM, MODEL_RIGHT, RULE_ONLY, Story
from proofdeck.words import wording as w


@dataclass(frozen=True)
class Step:
    """One step of the story: a key pages use and a short name for the step indicator."""

    key: str
    name: str


STEPS = (
    Step("question", "The question"),
    Step("rule", "Today's rule"),
    Step("model", "The model"),
    Step("live", "Try it"),
    Step("examples", "Examples"),
    Step("ask", "The ask"),
)
FIRST, LAST = 1, len(STEPS)

RATIOS = frozenset({"cost_per_won", "roi", "value_to_cost"})
MISSING_CHARTER = "Not written down yet: add a [charter] section to the demo's spec."


def step_number(value: object) -> int:
    """The step to show for a value from a link or the session: a whole number from 1 to the
    last step is kept, anything else (missing, 0, negative, too large, text) starts at 1."""
    if isinstance(value, bool):
        return FIRST
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 6:
        number = int(value)
    else:
        return FIRST
    return number if FIRST <= number <= LAST else FIRST


def next_step(step: int) -> int:
    """The step after this one; the last step (the ask) stays where it is."""
    return min(step_number(step) + 1, LAST)


def previous_step(step: int) -> int:
    """The step before this one; the first stays where it is."""
    return max(step_number(step) - 1, FIRST)


def step_of(key: str) -> int:
    """The number of the step with this key ("ask" is 6)."""
    return next(i for i, step in enumerate(STEPS, start=FIRST) if step.key == key)


# --- what a step shows -------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """A key number shown large.

    Attributes
    ----------
    label : what it counts, in the demo's words.
    value : the number, formatted.
    change : a short line under it (a change against today's rule), or None.
    colour : how the change is coloured: "normal" (up is good), "inverse" (down is good) or
        "off" (neither).
    """

    label: str
    value: str
    change: str | None = None
    colour: str = "off"


@dataclass(frozen=True)
class Slide:
    """A step's words: a heading, an optional line under it, big figures, then sentences
    and small print."""

    heading: str
    subheading: str = ""
    figures: tuple[Figure, ...] = ()
    lines: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


def _per(econ: Economics) -> str:
    return w.period_suffix(econ)


def _cap(text: str) -> str:
    return w.sentence_case(text)


def question_slide(spec: DemoSpec, econ: Economics, rows: int, columns: int, positive_rate: float,
                   heldout: int, unseen_note: str = "") -> Slide:
    """Step 1: the question and the data in one line.

    Parameters
    ----------
    spec, econ : the demo and this session's assumptions.
    rows, columns : size of the demo's data (examples, and columns the model may use).
    positive_rate : share of examples with the outcome.
    heldout : examples set aside that the model never saw; every figure comes from them.
    unseen_note : for a team's own scores not known to be held out, the sentence that says
        so (:attr:`~proofdeck.model.scenario.Scenario.unseen_note`); it replaces "the model
        never saw".
    """
    nouns = spec.nouns
    # What a positive means is said under its figure, not twice.
    data = f"{w.count(rows)} {nouns.entities}, {w.count(columns)} columns each; {w.share(positive_rate)} are {nouns.positives}."
    figures = []
    if econ.population > 0:
        figures.append(Figure(f"{_cap(nouns.entities)} per {econ.period}", w.count(econ.population)))
    figures.append(Figure(_cap(nouns.positives), w.share(positive_rate), nouns.positive_meaning))
    if unseen_note:
        figures.append(Figure(f"Held-out {nouns.entities}", w.count(heldout), "every number that follows comes from them"))
    else:
        figures.append(Figure(f"{_cap(nouns.entities)} the model never saw", w.count(heldout),
                              "every number that follows comes from them"))
    notes = (("Synthetic sample data, generated for this demo.",) if spec.synthetic else ()) + (
        (unseen_note,) if unseen_note else ())
    return Slide(heading=spec.question, subheading=data, figures=tuple(figures), notes=notes)


def _headline_figure(spec: DemoSpec, econ: Economics, outcome: Outcome, rule: Outcome | None,
                     against: w.Baseline = w.TODAYS_RULE) -> Figure:
    key = spec.headline.figure
    # A total is per period; a cost per won (CAC) is a ratio, the same for any period.
    label = _cap(w.figure_name(key, spec.nouns, spec)) + ("" if key in RATIOS else _per(econ))
    value = w.format_figure(key, getattr(outcome, key), econ.currency)
    if rule is None:
        return Figure(label, value)
    return _against_rule(key, label, value, getattr(outcome, key), getattr(rule, key), econ, against)


def _against_rule(key: str, label: str, value: str, new: float, old: float, econ: Economics,
                  against: w.Baseline = w.TODAYS_RULE) -> Figure:
    change = w.change_against_rule(key, new, old, econ.currency, against)
    return Figure(label, value, change, "off" if change is None or w.is_same(change) else w.delta_color(key))


def _hit_rate_figure(spec: DemoSpec, outcome: Outcome, rule: Outcome | None,
                     against: w.Baseline = w.TODAYS_RULE) -> Figure:
    nouns = spec.nouns
    label = f"{_cap(nouns.actions)} that reach {w.a(nouns.positive)}"
    change = None if rule is None else f"{against.name}: {w.odds_text(rule.hit_rate)}"
    return Figure(label, w.odds_text(outcome.hit_rate), change)


def rule_slide(spec: DemoSpec, econ: Economics, rule: Outcome, heldout: int,
               pick: RandomPick | None = None) -> Slide:
    """Step 2: today's rule in words and what it achieves: actions, positives reached, how
    many in 10 actions reach one, and the demo's headline money figure.

    With ``pick`` (no rule was given) the step shows the random pick the model is compared
    with, as its average, and how far one pick typically lands from it.
    """
    nouns = spec.nouns
    per = _per(econ)
    figures = (
        Figure(f"{_cap(nouns.actions)}{per}", w.count(rule.actions)),
        Figure(f"{_cap(nouns.positives)} reached", w.count(rule.reached)),
        _hit_rate_figure(spec, rule, None),
        _headline_figure(spec, econ, rule, None),
    )
    line = f"{_cap(w.hit_rate_phrase(nouns, rule.hit_rate))}, and {w.coverage_phrase(nouns, rule.coverage)}."
    if pick is not None:
        return Slide(heading="No rule: a random pick", subheading=w.random_pick_sentence(nouns, pick),
                     figures=figures, lines=(f"On average, {line[:1].lower()}{line[1:]}",),
                     notes=(w.per_period(nouns, econ, heldout, never_saw=False),))
    return Slide(heading="Today's rule", subheading=spec.rule.description, figures=figures, lines=(line,),
                 notes=(w.per_period(nouns, econ, heldout),))


def range_value(interval: Interval, currency: str) -> str:
    """A 95% range as a big figure: "+$236k to +$350k" (a dash when it cannot be estimated)."""
    if not (math.isfinite(interval.low) and math.isfinite(interval.high)):
        return w.DASH
    return f"{w.money(interval.low, currency, signed=True)} to {w.money(interval.high, currency, signed=True)}"


def _range_figure(econ: Economics, interval: Interval, label: str) -> Figure:
    if not (math.isfinite(interval.low) and math.isfinite(interval.high)):
        return Figure(label, w.DASH, "too uncertain to estimate from these data")
    if not interval.excludes_zero:
        return Figure(label, range_value(interval, econ.currency), "it could go either way")
    return Figure(label, range_value(interval, econ.currency),
                  f"estimate {w.money(interval.estimate, econ.currency, signed=True)}",
                  "normal" if interval.low > 0 else "inverse")


def _extra_net_figure(econ: Economics, interval: Interval, label: str) -> Figure:
    """The extra net value, its 95% range on the line under it."""
    value = w.money(interval.estimate, econ.currency, signed=True)
    if not (math.isfinite(interval.low) and math.isfinite(interval.high)):
        return Figure(label, value, "95% range: too uncertain to estimate")
    if not interval.excludes_zero:
        return Figure(label, value, f"95% range: {range_value(interval, econ.currency)}, either way")
    return Figure(label, value, f"95% range: {range_value(interval, econ.currency)}",
                  "normal" if interval.low > 0 else "inverse")


def model_slide(spec: DemoSpec, econ: Economics, comparison: SameBudget, heldout: int,
                against: w.Baseline = w.TODAYS_RULE, unseen_note: str = "") -> Slide:
    """Step 3: what the model changes with the same number of actions, and how sure that is.

    The figures: positives reached and how many in 10 actions reach one (against today's
    rule), the demo's headline figure, and the extra net value with its 95% range (the
    headline figure already is the extra net value when the demo leads with net value).
    ``against`` names the baseline (today's rule, or a random pick); ``unseen_note`` is said
    for a team's own scores not known to be held out.
    """
    nouns, cur = spec.nouns, econ.currency
    rule, model = comparison.rule, comparison.model
    figures = [
        _against_rule("reached", f"{_cap(nouns.positives)} reached", w.count(model.reached),
                      model.reached, rule.reached, econ, against),
        _hit_rate_figure(spec, model, rule, against),
    ]
    if spec.headline.figure == "value_won":  # the headline carries its own range, never the net value's
        label, *_ = w.headline_metric(spec, econ, rule, model, against)
        figures.append(_extra_net_figure(econ, comparison.extra_value_won, label))
    elif spec.headline.figure == "cost_per_won":
        label, value, delta, colour = w.headline_metric(spec, econ, rule, model, against)
        spread = comparison.cost_per_won_change
        if delta and math.isfinite(spread.low) and math.isfinite(spread.high):
            delta += f"; 95% range {range_value(spread, cur)}"
        figures.append(Figure(label, value, delta, colour if delta else "off"))
    figures.append(_extra_net_figure(econ, comparison.extra_net, f"Extra net value{_per(econ)}"))
    sure = how_sure_sentence(nouns.entities, nouns.positives, comparison, cur, spec.headline.figure == "net_value",
                             against, headline=w.headline_of(spec))
    notes = (w.per_period(nouns, econ, heldout, never_saw=not unseen_note), w.uplift_caveat(nouns, econ, against, spec.uplift))
    assumed = w.assumed_money(nouns, econ)
    lines = (sure,) + ((unseen_note,) if unseen_note else ()) + ((assumed,) if assumed else ())
    return Slide(heading="The model, with the same budget",
                 subheading=w.same_budget_headline(spec, econ, comparison, against),
                 figures=tuple(figures), lines=lines, notes=notes)


def live_figures(spec: DemoSpec, econ: Economics, outcome: Outcome, rule: Outcome,
                 against: w.Baseline = w.TODAYS_RULE) -> tuple[Figure, ...]:
    """Step 4's four big figures at the slider's setting, each against today's rule: positives
    reached, how many in 10 actions reach one, the headline money figure, and net value (or
    the spend, when net value is the headline)."""
    nouns = spec.nouns
    last = "spend" if spec.headline.figure == "net_value" else "net_value"
    last_label = _cap(w.figure_name(last, nouns, spec)) + _per(econ)
    return (
        _against_rule("reached", f"{_cap(nouns.positives)} reached", w.count(outcome.reached),
                      outcome.reached, rule.reached, econ, against),
        _hit_rate_figure(spec, outcome, rule, against),
        _headline_figure(spec, econ, outcome, rule, against),
        _against_rule(last, last_label, w.format_figure(last, getattr(outcome, last), econ.currency),
                      getattr(outcome, last), getattr(rule, last), econ, against),
    )


def live_marginal(spec: DemoSpec, econ: Economics, sweep: ThresholdSweep, bootstrap: TopKBootstrap,
                  count: int) -> str:
    """Step 4's line under the slider: what the next 5% would add, with its 95% range (the
    Decide page's own sentence)."""
    count = int(min(max(count, 0), sweep.size))
    return w.marginal_sentence(spec.nouns, econ, next_slice(sweep, bootstrap, count, econ), count)


def live_heading(spec: DemoSpec, econ: Economics) -> str:
    """Step 4's heading: the room's "what if" (the slider's own label says what it counts)."""
    return f"Fewer or more {spec.nouns.actions}: you choose"


# --- examples ---------------------------------------------------------------------------------


def story_choice(stories: list[Story]) -> list[Story]:
    """Three of the four stories: one the model catches and the rule misses, one where the
    model is wrong against the rule (one the rule catches and the model misses; an unneeded
    action of the model when there is no such example), and one both miss."""
    by_kind = {story.kind: story for story in stories}
    wrong = by_kind[RULE_ONLY]
    if not wrong.available and by_kind[FALSE_ALARM].available:
        wrong = by_kind[FALSE_ALARM]
    return [by_kind[CAUGHT], wrong, by_kind[BOTH_MISSED]]


def examples_line(spec: DemoSpec, chosen: list[Story]) -> str:
    """How the examples were picked, and how many of them the model gets wrong."""
    wrong = sum(1 for story in chosen if story.available and not MODEL_RIGHT[story.kind])
    shown = sum(1 for story in chosen if story.available)
    drawn = (f"Each is drawn at random from all the {spec.nouns.entities} like it, not picked to flatter "
             "the model")
    if shown == 0:
        return drawn + "."
    ones = {1: "one", 2: "two", 3: "three"}
    return f"{drawn}: it is wrong on {ones.get(wrong, str(wrong)) if wrong else 'none'} of these {ones[shown]}."


# --- the ask -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ask:
    """Step 6: what the POC asks for.

    Attributes
    ----------
    action : what happens to a flagged example, and who does it.
    owner : who signs the ask.
    promise : the metric and the move it promises ("churn ... from 22% to 18%").
    checklist : (step, done) for each step of readiness for production.
    impact : the extra net value per period at today's budget as a 95% range: from the
        held-out data at the assumed money, then with the money assumptions' ranges too.
    tests : the A/B tests it needs, as (what it settles, one short sentence of sizes): action or
        not among the model's picks, then the model against the other arm; or one ("No A/B test can be
        sized", why) when none can be.
    """

    action: str
    owner: str
    promise: str
    checklist: tuple[tuple[str, bool], ...]
    impact: tuple[Figure, ...]
    tests: tuple[tuple[str, str], ...]

    @property
    def test(self) -> str:
        """The tests as one paragraph."""
        return " ".join(text for _, text in self.tests)


def ask(spec: DemoSpec, econ: Economics, comparison: SameBudget, test: ABTestSize | None,
        test_problem: str = "", charter: Charter | None = None, against: w.Baseline = w.TODAYS_RULE) -> Ask:
    """The ask from the charter, the same-budget comparison and the A/B sizing.

    Parameters
    ----------
    test : the A/B test sizing (``ab_test_for(comparison.rule, comparison.model, econ)``), or
        None when it cannot be sized; then ``test_problem`` says why.
    charter : the session's charter when it was edited; the spec's own by default.
    against : the baseline the test's other arm follows (today's rule, or a random pick).
    """
    charter = spec.charter if charter is None else charter
    if test is not None:
        tests = test.short_labelled(spec.nouns, against)  # a slide has room for the sizes only
    else:
        tests = (("The A/B test", f"No A/B test can be sized: {test_problem or f'{against.the} acts on nobody'}."),)
    impact = (_range_figure(econ, comparison.extra_net, f"Expected extra net value{_per(econ)}, 95% range"),
              _range_figure(econ, comparison.combined_net, "With the money assumptions' ranges too"))
    return Ask(
        action=charter.action or MISSING_CHARTER,
        owner=charter.owner or "not named yet",
        promise=_cap(charter.promise) if charter.promise else "No promised move written down yet.",
        checklist=tuple((w.readiness_step(step, against), done) for step, done in charter.checklist),
        impact=impact,
        tests=tests,
    )
