"""Numbers and sentences in the business's own words, built from a spec's nouns.

Pages never format numbers themselves: one place decides how money, counts and shares look,
so every page of every demo reads the same way. NaN is shown as an em dash.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from proofdeck.data.spec import CONVERTS, DemoSpec, Economics, Nouns, UpliftSpec
from proofdeck.decisions.marginal import Slice, break_even, slice_size
from proofdeck.decisions.outcomes import Outcome
from proofdeck.decisions.random_pick import RandomPick

DASH = "—"


@dataclass(frozen=True)
class Baseline:
    """What the model is compared with, named the same way in every sentence.

    Attributes
    ----------
    name : "today's rule", or "a random pick" when no rule was given.
    the : the second mention ("the rule", "the random pick").
    short : after "vs" and "same as" in a change ("+$12k vs rule", "same as random").
    random : True for a random pick: it acts on no example in particular, only on average.
    """

    name: str
    the: str
    short: str
    random: bool = False

    @property
    def title(self) -> str:
        """The name at the start of a sentence or as a heading: "Today's rule", "A random pick"."""
        return sentence_case(self.name)

    @property
    def same(self) -> str:
        """A change of nothing: "same as rule"."""
        return f"same as {self.short}"


TODAYS_RULE = Baseline("today's rule", "the rule", "rule")
RANDOM_PICK = Baseline("a random pick", "the random pick", "random", random=True)

# Names of each outcome figure; "{...}" fields are filled from the spec's nouns.
FIGURE_NAMES = {
    "actions": "{actions}",
    "reached": "{positives} reached",
    "missed": "{positives} missed",
    "unneeded": "unneeded {actions}",
    "left_alone": "left alone",
    "won": "{won_plural}",
    "spend": "spend",
    "value_won": "value won",
    "net_value": "net value",
    "roi": "ROI",
    "cost_per_won": "cost per won",
    "value_to_cost": "value per 1 spent",
    "missed_value": "value walking away",
}
# The technical name beside each business phrase (analyst view and glossary).
TECHNICAL = {
    "reached": "true positives",
    "unneeded": "false positives",
    "missed": "false negatives",
    "left_alone": "true negatives",
    "actions": "predicted positives",
    "hit_rate": "precision",
    "coverage": "recall",
    "share_acted": "queue rate",
    "cutoff": "decision threshold",
}


def _finite(value: float) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def money(value: float, currency: str = "$", signed: bool = False) -> str:
    """Money rounded for people: $4,530, $597k, $1.19M; negative as -$12k.

    Examples
    --------
    >>> [money(v) for v in (4530, 597_000, 1_190_000, -12_000, 2_500_000_000)]
    ['$4,530', '$597k', '$1.19M', '-$12k', '$2.5B']
    >>> money(2500, "€", signed=True), money(float("nan"))
    ('+€2,500', '—')
    """
    if not _finite(value):
        return DASH
    if math.isinf(value):
        return DASH
    sign = "-" if value < 0 else ("+" if signed and value > 0 else "")
    size = abs(value)
    if size >= 1e9:
        body = f"{size / 1e9:.3g}B"
    elif size >= 1e6:
        body = f"{size / 1e6:.3g}M"
    elif size >= 1e4:
        body = f"{size / 1e3:.3g}k"
    else:
        body = f"{size:,.0f}"
    return f"{sign}{currency}{body}"


def count(value: float, signed: bool = False) -> str:
    """A whole count with thousands separators."""
    if not _finite(value):
        return DASH
    rounded = int(round(value))
    return f"{rounded:+,}" if signed else f"{rounded:,}"


def share(value: float, signed: bool = False, points: bool = False) -> str:
    """A share as a percentage: 20%, 1.5%, 0.3% (one decimal below 10%)."""
    if not _finite(value):
        return DASH
    percent = value * 100
    digits = 1 if abs(percent) < 10 and percent != 0 else 0
    text = f"{percent:+,.{digits}f}" if signed else f"{percent:,.{digits}f}"
    return f"{text} pts" if points else f"{text}%"


def ratio(value: float) -> str:
    """A multiple such as 2.3x."""
    return DASH if not _finite(value) else f"{value:.1f}x"


def change(new: float, old: float) -> str:
    """Relative change in words: +46%, -12%; a dash when the old value is 0."""
    if not (_finite(new) and _finite(old)) or old == 0:
        return DASH
    return f"{(new - old) / abs(old) * 100:+.0f}%"


LOWER_IS_BETTER = frozenset({"missed", "unneeded", "spend", "cost_per_won", "miss_cost"})
NEUTRAL_FIGURES = frozenset({"actions"})


def delta_color(key: str) -> str:
    """How st.metric colours a change of this figure: lower is better, neutral or higher."""
    if key in NEUTRAL_FIGURES:
        return "off"
    return "inverse" if key in LOWER_IS_BETTER else "normal"


def money_figures(spec: DemoSpec) -> list[str]:
    """The money figures a page shows, the spec's headline first.

    A demo whose headline is the cost per won positive (CAC) also shows how many are won and
    the value per unit spent (LTV/CAC).
    """
    figures = ["spend", "value_won", "net_value", "roi", "cost_per_won"]
    if spec.headline.figure == "cost_per_won":
        figures = ["cost_per_won", "won", "value_to_cost", "spend", "value_won", "net_value"]
    else:
        figures.remove(spec.headline.figure)
        figures.insert(0, spec.headline.figure)
    return figures


def figure_name(key: str, nouns: Nouns, spec: DemoSpec | None = None) -> str:
    """Business name of an outcome figure, using the demo's own labels where it has them."""
    if spec is not None and key == "cost_per_won":
        return spec.headline.cost_per_won_label
    if spec is not None and key == "value_won":
        return spec.headline.value_won_label
    if spec is not None and key == "value_to_cost":
        return spec.headline.value_to_cost_label
    return FIGURE_NAMES[key].format(**vars(nouns))


def format_figure(key: str, value: float, currency: str, signed: bool = False) -> str:
    """Format an Outcome field by its kind (money, count, share or ratio).

    Examples
    --------
    >>> format_figure("net_value", 12_345, "$"), format_figure("cost_per_won", 90, "€")
    ('$12.3k', '€90')
    >>> format_figure("roi", 1.5, "$"), format_figure("value_to_cost", 2.5, "$")
    ('150%', '2.5x')
    >>> format_figure("actions", 400.4, "$"), format_figure("hit_rate", 0.064, "$")
    ('400', '6.4%')
    """
    if key in ("spend", "value_won", "net_value", "cost_per_won", "missed_value", "miss_cost"):
        return money(value, currency, signed)
    if key in ("roi",):
        return share(value, signed)
    if key in ("value_to_cost",):
        return ratio(value)
    if key in ("share_acted", "hit_rate", "coverage"):
        return share(value, signed)
    return count(value, signed)


def change_against_rule(key: str, value: float, baseline: float, currency: str,
                        against: Baseline = TODAYS_RULE) -> str | None:
    """How a figure differs from today's rule's (or a random pick's), in a form that cannot be
    misread.

    Counts and money as a signed difference ("+120 vs rule", "-$12k vs rule"); ROI in
    percentage points; a ratio such as value per 1 spent as a relative change ("+46% vs
    rule"), because a difference of two ratios printed as "2.4x" reads as a multiple.

    Examples
    --------
    >>> change_against_rule("net_value", 30_000, 18_000, "$")
    '+$12k vs rule'
    >>> change_against_rule("cost_per_won", 80, 90, "$")
    '-$10 vs rule'
    >>> change_against_rule("roi", 1.5, 1.2, "$"), change_against_rule("value_to_cost", 2.5, 2.0, "$")
    ('+30 pts vs rule', '+25% vs rule')
    >>> change_against_rule("actions", 400, 400, "$"), change_against_rule("actions", 380, 400, "$", RANDOM_PICK)
    ('same as rule', '-20 vs random')
    """
    difference = value - baseline
    versus = f" vs {against.short}"
    if not _finite(difference) or math.isinf(difference):
        return None
    if abs(difference) <= 1e-9 * max(abs(value), abs(baseline), 1.0):
        return against.same
    if key == "roi":
        return share(difference, signed=True, points=True) + versus
    if key in ("hit_rate", "coverage", "share_acted"):
        return share(difference, signed=True, points=True) + versus
    if key == "value_to_cost":
        relative = change(value, baseline)
        return None if relative == DASH else f"{relative}{versus}"
    return format_figure(key, difference, currency, signed=True) + versus


def is_same(delta: str | None) -> bool:
    """True for a change of nothing ("same as rule", "same as random")."""
    return bool(delta) and delta.startswith("same as ")


def readout(spec: DemoSpec, outcome: Outcome, threshold: float) -> str:
    """"Send a retention offer to the 8,040 customers (20%) with churn risk of 38% or more"."""
    nouns = spec.nouns
    if outcome.actions == 0:  # the slider's left end: nobody is picked, whatever the scores
        return f"No {nouns.entity} gets {a(nouns.action)} at this setting."
    return (
        f"{sentence_case(nouns.act)} the {count(outcome.actions)} {nouns.entities} "
        f"({share(outcome.share_acted)}) with {nouns.score} of {cutoff_text(threshold)} or more"
    )


def what_if_decisions(nouns: Nouns, model_now: bool, model_before: bool, rule_now: bool | None,
                      rule_before: bool, against: Baseline = TODAYS_RULE) -> list[str]:
    """The what-if's answer to "so would we act?": the model at the current setting and today's
    rule (``rule_now`` None when there is no rule: a random pick acts on no one in particular),
    each with what it did for the real values.

    >>> from proofdeck.data.spec import Nouns
    >>> n = Nouns("customer", "customers", "churner", "churners", "", "retention offer",
    ...           "retention offers", "", "churn risk", "", "")
    >>> what_if_decisions(n, True, False, False, False)
    ['The model at your setting: **a retention offer** (before: no retention offer)', "Today's rule: **no retention offer** (as before)"]
    """
    def said(acts: bool) -> str:
        return a(nouns.action) if acts else f"no {nouns.action}"

    def line(who_: str, now: bool, before: bool) -> str:
        return f"{who_}: **{said(now)}** " + ("(as before)" if now == before else f"(before: {said(before)})")

    lines = [line("The model at your setting", model_now, model_before)]
    if rule_now is not None and not against.random:
        lines.append(line(against.title, rule_now, rule_before))
    return lines


def cutoff_text(threshold: float) -> str:
    """A score cut-off as the slider shows it, e.g. 37.7%."""
    return DASH if not _finite(threshold) else f"{threshold * 100:.1f}%"


def code_span(text: str) -> str:
    """Text as Markdown inline code, whatever backticks it holds (CommonMark: a fence longer
    than any run of backticks inside, padded with spaces when there are backticks)."""
    text = " ".join(str(text).split())  # one line: a code span cannot hold a line break
    runs = [len(run) for run in re.findall(r"`+", text)]
    fence = "`" * (max(runs, default=0) + 1)
    return f"{fence} {text} {fence}" if runs else f"{fence}{text}{fence}"


_PHRASE_TAIL = re.compile(r" (with|who|that|whose|of|in|on|at|from) ")


def plural(noun: str) -> str:
    """English plural of a noun or a noun phrase: the head noun changes, what follows it stays
    ("sales call" -> "sales calls", "customer with Churn yes" -> "customers with Churn yes")."""
    tail = _PHRASE_TAIL.search(noun)
    head, rest = (noun[:tail.start()], noun[tail.start():]) if tail else (noun, "")
    if not head:
        return noun
    if head.endswith(("s", "x", "z", "ch", "sh")):
        head += "es"
    elif head.endswith("y") and head[-2:-1] not in "aeiou":
        head = head[:-1] + "ies"
    else:
        head += "s"
    return head + rest


# Words that start with a vowel letter but a consonant sound ("a user", "a one-off call"), and
# the reverse ("an hour"): English picks the article by sound, not by letter.
_CONSONANT_SOUND = re.compile(r"(?i)^(u[nrs]i|use|usa|uk|one|once|eu|ewe|uni|ur[ai]|uti)")


def article(noun: str) -> str:
    """"a" or "an" for a noun or noun phrase, by its first sound: "an early call", "a user",
    "an hour", "a retention offer" -> "a"... (an uppercase initialism is read letter by
    letter: "an SMS", "a KYC check").

    >>> [article(n) for n in ("early call", "retention offer", "user", "hour", "SMS", "KYC check")]
    ['an', 'a', 'a', 'an', 'an', 'a']
    """
    word = noun.strip()
    if not word:
        return "a"
    first = word.split()[0]
    if first.isupper() and len(first) > 1:  # an initialism: the first letter's name decides
        return "an" if first[0] in "AEFHILMNORSX" else "a"
    if _CONSONANT_SOUND.match(word):
        return "a"
    if word[0].lower() in "aeiou" or re.match(r"(?i)^(hour|honest|honou?r|heir)", word):
        return "an"
    return "a"


def a(noun: str) -> str:
    """The noun with its indefinite article: a("early call") -> "an early call"."""
    return f"{article(noun)} {noun}"


# Head nouns that name people: a relative clause after them takes "who"; any other noun (a
# transaction, a claim, a fraud, an upload's own word) takes "that", which is right for things
# and still correct English for people ("customers that stay").
_PEOPLE_WORDS = """
customer client user subscriber member patient lead prospect applicant borrower employee student
person people buyer churner defaulter visitor guest donor shopper player seller merchant driver
rider tenant policyholder holder owner candidate worker caller reader viewer
listener learner teacher doctor nurse agent partner supplier vendor investor saver lender
renter traveller traveler passenger fan follower voter citizen resident individual adult child kid
parent contact recipient participant respondent
"""
_PEOPLE = frozenset(_PEOPLE_WORDS.split())


def _head_word(noun: str) -> str:
    """The head noun of a noun or noun phrase, singular: "churners" -> "churner",
    "customers with Churn yes" -> "customer", "new business customer" -> "customer"."""
    tail = _PHRASE_TAIL.search(noun)
    head = (noun[:tail.start()] if tail else noun).strip().lower()
    word = head.split()[-1] if head.split() else ""
    if word in _PEOPLE:
        return word
    for candidate in (word[:-3] + "y" if word.endswith("ies") else "", word[:-2], word[:-1]):
        if candidate and candidate in _PEOPLE and plural(candidate) == word:
            return candidate
    return word


def who(noun: str) -> str:
    """The relative pronoun after a noun: "who" for people, "that" for things.

    >>> [who(n) for n in ("customers", "churner", "leads", "transactions", "frauds", "claims", "rows")]
    ['who', 'who', 'who', 'that', 'that', 'that', 'that']
    """
    return "who" if _head_word(noun) in _PEOPLE else "that"


def sentence_case(text: str) -> str:
    """Capitalise the first letter only: "CAC" stays "CAC", "net value" becomes "Net value"."""
    return text[:1].upper() + text[1:]


def odds_text(rate: float) -> str:
    """A share as people say it: "6.4 in 10" from 2 in 10 up, "1 in 70" below."""
    if not _finite(rate):
        return DASH
    if rate >= 0.195:
        return f"{rate * 10:.1f}".rstrip("0").rstrip(".") + " in 10"
    if rate <= 0:
        return "none"
    return f"1 in {round(1 / rate):,}"


def hit_rate_phrase(nouns: Nouns, hit_rate: float) -> str:
    """"6.4 in 10 retention offers go to a churner"; "1 in 70 manual reviews find a fraud"."""
    if not _finite(hit_rate):
        return f"no {nouns.actions} are sent"
    if hit_rate <= 0:
        return f"no {nouns.action} goes to {a(nouns.positive)}"
    return f"{odds_text(hit_rate)} {nouns.actions} go to {a(nouns.positive)}"


def coverage_phrase(nouns: Nouns, coverage: float) -> str:
    """"we reach 58% of all churners"."""
    return f"we reach {share(coverage)} of all {nouns.positives}"


def period_suffix(econ: Economics) -> str:
    """" per quarter" when figures are scaled to a population per period, else "": with no
    population the figures are for the held-out rows, and no page may say "per quarter"."""
    return f" per {econ.period}" if econ.population > 0 else ""


def per_period(nouns: Nouns, economics: Economics, n_heldout: int, never_saw: bool = True) -> str:
    """Caption saying how held-out counts were scaled.

    ``never_saw`` False leaves out "the model never saw": scores from a team's own model are
    held out only if it never trained on these rows, which Proofdeck cannot know
    (:func:`unseen_note` says so).
    """
    unseen = " the model never saw" if never_saw else ""
    if economics.population > 0:
        return (
            f"Per {economics.period}, for {count(economics.population)} {nouns.entities}; "
            f"estimated from {count(n_heldout)} held-out {nouns.entities}{unseen}."
        )
    return f"For the {count(n_heldout)} held-out {nouns.entities}{unseen}."


# Did the scores come from a model that never saw these rows? (asked for the team's own scores)
UNSEEN_YES, UNSEEN_NO, UNSEEN_NOT_SURE = "yes", "no", "not sure"
UNSEEN_ANSWERS = (UNSEEN_YES, UNSEEN_NO, UNSEEN_NOT_SURE)


def unseen_note(nouns: Nouns, answer: str) -> str:
    """One plain sentence on whether the figures are honest, for scores from a team's own
    model; empty when it was confirmed that the model never saw these rows."""
    if answer == UNSEEN_YES:
        return ""
    if answer == UNSEEN_NO:
        return (f"The model behind the {nouns.score} saw some of these {nouns.entities} while it learned, so "
                f"these figures flatter it: expect it to do worse on {nouns.entities} it has not seen.")
    return (f"These figures are only honest if the model behind the {nouns.score} never saw these "
            f"{nouns.entities} while it learned, and that was not confirmed.")


def unseen_answer_text(nouns: Nouns, answer: str) -> str:
    """The team's answer to "did the scores come from a model that never saw these rows?"."""
    said = {UNSEEN_YES: "yes, it never saw them", UNSEEN_NO: "no, it saw some of them",
            UNSEEN_NOT_SURE: "not sure"}.get(answer, "not sure")
    return f"Did the {nouns.score} come from a model that never saw these {nouns.entities}? Your answer: {said}."


def readiness_step(step: str, against: Baseline = TODAYS_RULE) -> str:
    """A step of the readiness checklist in the baseline's words: without a rule, a shadow run
    goes beside what is done today, not beside a rule that does not exist."""
    return step.replace("today's rule", "what is done today") if against.random else step


def no_refits_sentence(nouns: Nouns) -> str:
    """Why there is no check across other splits for a team's own scores."""
    return (f"The {nouns.score} comes from the team's own model, so nothing is refitted here: how much the "
            "figures depend on one split of the data is not measured.")


def random_pick_sentence(nouns: Nouns, pick: RandomPick) -> str:
    """The baseline without a rule, with its spread: "A random pick of 120 of the 1,200
    held-out customers reaches 25.4 churners on average; one pick typically lands between 17
    and 34. Every figure uses that average, not one draw."."""
    low, high = pick.typical()
    return (
        f"A random pick of {count(pick.picked)} of the {count(pick.examples)} held-out {nouns.entities} reaches "
        f"{pick.mean:,.1f} {nouns.positives} on average; one pick typically lands between {count(low)} and "
        f"{count(high)}. Every figure uses that average, not one draw."
    )


def interval_words(low: float, high: float, kind: str, currency: str = "$") -> str:
    """"between +34% and +61%" for a 95% interval; kind is "change", "money" or "count"."""
    if kind == "change":
        return f"between {low * 100:+.0f}% and {high * 100:+.0f}%"
    if kind == "money":
        return f"between {money(low, currency, signed=True)} and {money(high, currency, signed=True)}"
    return f"between {count(low, signed=True)} and {count(high, signed=True)}"


def change_range_text(low: float, high: float, more: str = "more", fewer: str = "fewer") -> str:
    """A 95% range of a relative change in words: "148% to 331% more", "5% fewer to 20% more"."""
    if not (_finite(low) and _finite(high)):
        return DASH

    def side(value: float) -> str:
        return f"{abs(value) * 100:,.0f}% {more if value >= 0 else fewer}"

    if low >= 0:
        return f"{abs(low) * 100:,.0f}% to {side(high)}"
    if high <= 0:
        return f"{abs(high) * 100:,.0f}% to {side(low)}"
    return f"{side(low)} to {side(high)}"


def range_text(low: float, high: float, kind: str, currency: str = "$") -> str:
    """Two ends of a range, "1,120 to 1,460" or "$202k to $263k" (kind "count" or "money")."""
    if not (_finite(low) and _finite(high)):
        return DASH
    if kind == "money":
        return f"{money(low, currency)} to {money(high, currency)}"
    return f"{count(low)} to {count(high)}"


def intervals_sentence(spec: DemoSpec, econ: Economics, intervals: dict, n_heldout: int) -> str:
    """How sure the key figures are, as 95% ranges that keep their skew:
    "How sure: in 95% of redraws of the 3,000 held-out customers, churners reached 1,120 to
    1,460; revenue kept $202k to $263k; net value $40k to $90k."."""
    cur = econ.currency
    parts = [
        f"{spec.nouns.positives} reached {range_text(intervals['reached'].low, intervals['reached'].high, 'count')}",
        f"{spec.headline.value_won_label} "
        f"{range_text(intervals['value_won'].low, intervals['value_won'].high, 'money', cur)}",
        f"net value {range_text(intervals['net_value'].low, intervals['net_value'].high, 'money', cur)}",
    ]
    return (
        f"How sure: in 95% of redraws of the {count(n_heldout)} held-out {spec.nouns.entities}, "
        + "; ".join(parts) + "."
    )


def slider_label(actions: float, share_acted: float) -> str:
    """A slider position: "8,040 (20%)"."""
    return f"{count(actions)} ({share(share_acted)})"


def uplift_caveat(nouns: Nouns, econ: Economics, against: Baseline = TODAYS_RULE,
                  campaign: UpliftSpec | None = None) -> str:
    """Risk is not uplift: what the money comparison assumes, and what would settle it. With a
    past campaign in the data (``campaign``), what that campaign does show instead."""
    if campaign is not None:
        return campaign_caveat(nouns, econ, campaign)
    picks = "the model's picks and a random pick's" if against.random else "the rule's picks and the model's"
    return (
        f"The money assumes {a(nouns.action)} wins {share(econ.win_rate)} of the {nouns.positives} it "
        f"reaches, for {picks} alike. A high {nouns.score} does not prove "
        f"that {a(nouns.action)} changes the outcome; a test that gives the {nouns.action} to some "
        "picks and holds others back settles it (the ask sizes it)."
    )


# How each money field is named when a page says it is still an example value.
_ASSUMED_NAMES = {
    "cost_per_action": "the cost per {action}",
    "value_per_won": "the value of each {won}",
    "win_rate": "the share of reached {positives} {a_action} wins",
    "fixed_cost": "the fixed cost",
    "cost_per_miss": "the cost of each {positive} missed",
}


def assumed_money(nouns: Nouns, econ: Economics) -> str:
    """"" when every money figure is the business's own; else one sentence naming the example
    values: "Assumed, not confirmed: the cost per retention offer ($40) and the value of each
    customer kept ($600) are example values; every money figure rests on them."."""
    names = []
    fill = {**vars(nouns), "a_action": a(nouns.action)}
    for field in econ.unconfirmed:
        value = getattr(econ, field)
        shown = share(value) if field == "win_rate" else money(value, econ.currency)
        names.append(f"{_ASSUMED_NAMES[field].format(**fill)} ({shown})")
    if not names:
        return ""
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    verb = "is an example value" if len(names) == 1 else "are example values"
    return f"Assumed, not confirmed: {listed} {verb}; every money figure rests on {'it' if len(names) == 1 else 'them'}."


def headline_gain(spec: DemoSpec, econ: Economics, rule: Outcome, model: Outcome) -> str:
    """What the model's difference is worth, in the demo's headline figure.

    "worth $293k more per quarter" (net value), "at a CAC of $687 instead of $1,053"
    (cost per won), "preventing $2.8M more fraud losses per month" (value won).
    """
    per = period_suffix(econ)
    figure, cur = spec.headline.figure, econ.currency
    if figure == "cost_per_won":
        label = spec.headline.cost_per_won_label
        return f"at a {label} of {money(model.cost_per_won, cur)} instead of {money(rule.cost_per_won, cur)}"
    if figure == "value_won":
        extra = model.value_won - rule.value_won
        direction = "more" if extra >= 0 else "less"
        return f"with {money(abs(extra), cur)} {direction} {spec.headline.value_won_label}{per}"
    extra = model.net_value - rule.net_value
    return f"worth {money(abs(extra), cur)} {'more' if extra >= 0 else 'less'}{per}"


def headline_metric(spec: DemoSpec, econ: Economics, rule: Outcome, model: Outcome,
                    against: Baseline = TODAYS_RULE) -> tuple[str, str, str | None, str]:
    """(label, value, delta, delta colour) of the headline figure for st.metric: the model's
    figure (or its gain) against today's rule (or a random pick)."""
    figure, cur = spec.headline.figure, econ.currency
    period = period_suffix(econ)
    if figure == "cost_per_won":
        delta = model.cost_per_won - rule.cost_per_won
        shown = None if not _finite(delta) else money(delta, cur, signed=True) + f" vs {against.short}"
        return f"{spec.headline.cost_per_won_label} with the model", money(model.cost_per_won, cur), shown, "inverse"
    if figure == "value_won":
        label = f"Extra {spec.headline.value_won_label}{period}"
        return label, money(model.value_won - rule.value_won, cur, signed=True), None, "normal"
    return f"Extra net value{period}", money(model.net_value - rule.net_value, cur, signed=True), None, "normal"


def headline_of(spec: DemoSpec) -> tuple[str, str]:
    """(figure, label) of the figure the demo headlines, for the sentence that gives its own
    95% interval (``compare.how_sure_sentence``)."""
    return spec.headline.figure, figure_name(spec.headline.figure, spec.nouns, spec)


def same_budget_headline(spec: DemoSpec, econ: Economics, comparison: Any, against: Baseline = TODAYS_RULE) -> str:
    """The one sentence leadership asks for, with its honesty built in.

    ``comparison`` is a :class:`proofdeck.comparison.compare.SameBudget` (not imported here:
    words are a lower layer than the comparison that uses them). Against a random pick the
    baseline's figure is its average, and the sentence says so.
    """
    nouns = spec.nouns
    rule, model = comparison.rule, comparison.model
    per = period_suffix(econ)
    opening = f"With the same {count(rule.actions)} {nouns.actions}{per}, the model reaches"
    average = " on average" if against.random else ""
    if not comparison.clear:
        return (
            f"{opening} {count(model.reached)} {nouns.positives} and {against.name} "
            f"{count(rule.reached)}{average}: the held-out data do not show a clear difference."
        )
    instead = (f"the {count(rule.reached)} {against.name} reaches on average" if against.random
               else count(rule.reached))
    return (
        f"{opening} {count(model.reached)} {nouns.positives} instead of {instead} "
        f"({change(model.reached, rule.reached)}), {headline_gain(spec, econ, rule, model)}."
    )


# --- what the action changes (a past campaign in the data, spec [uplift]) -----------------------


def campaign_caveat(nouns: Nouns, econ: Economics, campaign: UpliftSpec) -> str:
    """What the money assumes, and what the past campaign in the data shows instead."""
    how = "at random" if campaign.randomised else "not at random"
    text = (
        f"The money here assumes {a(nouns.action)} wins {share(econ.win_rate)} of the {nouns.positives} it "
        f"reaches. A past campaign gave {a(nouns.action)} to some {nouns.entities} and not to others ({how}), "
        f"so the data also show what the {nouns.action} changes: \"Who the {nouns.action} changes\" on Rule vs "
        f"model ranks {nouns.entities} by the {nouns.action}'s effect instead of by {nouns.score}."
    )
    return text + ("" if campaign.randomised else " " + not_randomised(nouns))


def not_randomised(nouns: Nouns) -> str:
    """The plain warning every effect figure carries when the campaign was not randomised."""
    return (f"The campaign did not pick who got the {nouns.action} at random, so these estimates of what "
            f"it changes may be biased: those who got it may differ in ways the data do not show.")


def campaign_sentence(spec: DemoSpec) -> str:
    """The campaign's note and what its design allows, in one or two sentences."""
    campaign, nouns = spec.uplift, spec.nouns
    if campaign is None:
        return ""
    note = (campaign.note.strip().rstrip(".") + ". ") if campaign.note.strip() else ""
    if campaign.randomised:
        return note + (f"Who got the {nouns.action} was decided at random, so among similar {nouns.entities} the "
                       f"difference between those who got it and those who did not is what the {nouns.action} "
                       "changed.")
    return note + not_randomised(nouns)


def effect_title(nouns: Nouns) -> str:
    """"Who the offer changes": the tab and section title."""
    return f"Who the {nouns.action} changes"


def effect_ranking(nouns: Nouns) -> str:
    """"the offer's effect": what the second ranking ranks by."""
    return f"the {nouns.action}'s effect"


def changed_name(nouns: Nouns) -> str:
    """"Subscribers kept because of the offer": the outcomes the action changes."""
    return f"{sentence_case(nouns.won_plural)} because of the {nouns.action}"


def group_names(spec: DemoSpec) -> dict[str, str]:
    """The four groups in the demo's words (the spec's own, else made from the nouns)."""
    nouns, campaign = spec.nouns, spec.uplift
    converts = spec.economics.action_effect == CONVERTS
    defaults = {
        "persuadables": f"{nouns.entities} the {nouns.action} changes",
        "sure_things": f"{nouns.positives} anyway" if converts else f"{nouns.non_positives} anyway",
        "lost_causes": f"{nouns.non_positives} whatever we do" if converts else f"{nouns.positives} whatever we do",
        "sleeping_dogs": f"{nouns.entities} the {nouns.action} puts off",
    }
    if campaign is None:
        return defaults
    return {key: getattr(campaign, key) or default for key, default in defaults.items()}


def effect_policy_names(spec: DemoSpec, against: Baseline = TODAYS_RULE) -> dict[str, str]:
    """The three policies compared at one budget, as tables and sentences name them."""
    nouns = spec.nouns
    return {
        "rule": against.title,
        "risk": f"Ranked by {nouns.score}",
        "uplift": f"Ranked by {effect_ranking(nouns)}",
    }


def effect_verdict(nouns: Nouns, difference, first: str, second: str) -> str:
    """One plain sentence on a paired difference of changed outcomes (an Interval): "Ranked
    by the offer's effect keeps about 1,200 more subscribers than ranked by cancellation
    risk, at the same budget (95% interval: 500 to 1,900 more)."."""
    more = difference.estimate >= 0
    size = count(abs(difference.estimate))
    low, high = difference.low, difference.high
    if not (math.isfinite(low) and math.isfinite(high)):
        sure = "too few held-out rows to say how sure"
    else:
        sure = f"95% interval: {count(low, signed=True)} to {count(high, signed=True)}"
    if difference.excludes_zero:
        return (f"{first} gives about {size} {'more' if more else 'fewer'} {nouns.won_plural} than "
                f"{second[0].lower() + second[1:]} at the same budget ({sure}).")
    return (f"{first} and {second[0].lower() + second[1:]} are not clearly different at the same budget "
            f"({sure} {nouns.won_plural}).")


# --- the next slice: what acting on 5% more adds -----------------------------------------------


def slice_share_text(share_of_all: float) -> str:
    """A slice's share, "5%" when it is a whole percent (a slice of 150 of 3,000), else as
    :func:`share` writes it ("2.3%").

    >>> slice_share_text(150 / 3000), slice_share_text(3938 / 78750), slice_share_text(7 / 300)
    ('5%', '5%', '2.3%')
    """
    percent = share_of_all * 100
    if _finite(share_of_all) and percent >= 1 and abs(percent - round(percent)) < 0.05:
        return f"{round(percent):,}%"
    return share(share_of_all)


def marginal_sentence(nouns: Nouns, econ: Economics, piece: Slice | None, setting: int) -> str:
    """What the slice after the setting (``setting`` examples acted on) adds, with its 95% range.

    "The next 5% of customers (2,000 more retention offers per quarter) would add $32.8k of net
    value (95% range $1,491 to $64.1k)."; "would lose" when the whole range is below zero, "would
    roughly break even" when it spans zero; at everyone, "The last 5% ... add ...". "" when
    there is no slice.
    """
    if piece is None or not _finite(piece.value.estimate):
        return ""
    cur, per, found = econ.currency, period_suffix(econ), piece.value
    part = slice_share_text(piece.share)
    last = piece.start < setting  # everyone is acted on: the slice already in
    if last:
        opening = f"The last {part} of {nouns.entities} ({count(piece.actions)} {nouns.actions}{per})"
    else:
        which = "next" if piece.end - piece.start == slice_size(piece.size) else "remaining"
        opening = f"The {which} {part} of {nouns.entities} ({count(piece.actions)} more {nouns.actions}{per})"
    would = "" if last else "would "
    span = range_text(found.low, found.high, "money", cur)
    if not (_finite(found.low) and _finite(found.high)) or found.low <= 0 <= found.high:
        return (f"{opening} {would}roughly break even: about {money(found.estimate, cur, signed=True)} "
                f"of net value, and the 95% range ({span}) spans zero.")
    if found.estimate >= 0:
        return f"{opening} {would}add {money(found.estimate, cur)} of net value (95% range {span})."
    return f"{opening} {would}lose {money(-found.estimate, cur)} of net value (95% range {span})."


def break_even_sentence(nouns: Nouns, econ: Economics, table: tuple[Slice, ...]) -> str:
    """Where adding more stops paying, from every slice's marginal net value.

    "Retention offers stop paying beyond about 35% of customers (14,000 retention offers per
    quarter): the 5% after that loses net value." "" when there are no slices.
    """
    if not table:
        return ""
    per, part = period_suffix(econ), slice_share_text(table[0].share)
    losing = break_even(table)
    if losing is None:
        return f"Every {part} of {nouns.entities} adds net value, all the way to everyone."
    sure = "" if losing.value.high < 0 else " Its 95% range spans zero, so the point is not sharp."
    if losing.start == 0:
        return f"Even the first {part} of {nouns.entities} loses net value at these assumptions.{sure}"
    # Actions per held-out example are the same in every slice (the population's scale).
    before = losing.actions / (losing.end - losing.start) * losing.start
    return (f"{sentence_case(nouns.actions)} stop paying beyond about {slice_share_text(losing.share_start)} of "
            f"{nouns.entities} ({count(before)} {nouns.actions}{per}): the {part} after that loses net value.{sure}")
