"""Four honest stories from the held-out examples: where the model wins and where it loses.

Each story is drawn at random (seeded) from *every* example that fits it, never picked for
how well it sells the model, and each carries the size of the pool it was drawn from, so a
page can say "one of 212 such customers". A new seed draws others ("show others").

The stories are: a positive the model catches and the rule misses; one the rule catches and the
model misses (a tool for selling models must show their failures too); a false alarm of the
model; and a positive both miss. The four pools cannot overlap, so the stories are always
different examples.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from proofdeck.data.spec import Nouns
from proofdeck.decisions.outcomes import as_flags
from proofdeck.words import wording as w

CAUGHT, RULE_ONLY, FALSE_ALARM, BOTH_MISSED = "caught", "rule_only", "false_alarm", "both_missed"
STORY_KINDS = (CAUGHT, RULE_ONLY, FALSE_ALARM, BOTH_MISSED)
# Whether the model gets each story right: pages mark the ones where it is wrong.
MODEL_RIGHT = {CAUGHT: True, RULE_ONLY: False, FALSE_ALARM: False, BOTH_MISSED: False}

# Fields in braces are filled from a demo's nouns; a_/an_ forms get the right article.
STORY_TITLES = {
    CAUGHT: "{A_positive} the model catches and the rule misses",
    RULE_ONLY: "{A_positive} the rule catches and the model misses",
    FALSE_ALARM: "An unneeded {action}: {a_entity} the model flags that is not {a_positive}",
    BOTH_MISSED: "{A_positive} both the model and the rule miss",
}
# Without a rule (a random pick is the baseline), a story cannot say what "the rule" did.
NO_RULE_TITLES = {
    CAUGHT: "{A_positive} the model catches",
    RULE_ONLY: "{A_positive} only a rule could catch",
    FALSE_ALARM: STORY_TITLES[FALSE_ALARM],
    BOTH_MISSED: "{A_positive} the model misses",
}
NO_RULE_EMPTY = {
    CAUGHT: "The model catches no {positive} in the held-out data.",
    RULE_ONLY: "No rule was given, so there is no {positive} for a rule to catch instead.",
    FALSE_ALARM: "The model flags no {entity} that is not {a_positive}: no unneeded {actions}.",
    BOTH_MISSED: "The model misses no {positive} in the held-out data.",
}
EMPTY_STORIES = {
    CAUGHT: "No {positive} in the held-out data is caught by the model and missed by the rule.",
    RULE_ONLY: "No {positive} in the held-out data is caught by the rule and missed by the model.",
    FALSE_ALARM: "The model flags no {entity} that is not {a_positive}: no unneeded {actions}.",
    BOTH_MISSED: "Every {positive} in the held-out data is caught by the model or the rule.",
}


@dataclass(frozen=True)
class Story:
    """One example to tell, or an empty slot when nothing fits.

    Attributes
    ----------
    kind : "caught", "rule_only", "false_alarm" or "both_missed".
    position : index into the held-out arrays, or None when no example fits this story.
    pool_size : how many held-out examples fit the story (the one shown is drawn from them).
    """

    kind: str
    position: int | None
    pool_size: int

    @property
    def available(self) -> bool:
        return self.position is not None


def _fill(template: str, nouns: Nouns) -> str:
    words = dict(vars(nouns))
    for name in ("entity", "positive", "action"):
        words[f"a_{name}"] = w.a(words[name])
        words[f"A_{name}"] = w.sentence_case(w.a(words[name]))
    return template.format(**words)


def story_title(kind: str, nouns: Nouns, rule: bool = True) -> str:
    """A story's title in the demo's words, e.g. "A churner the model catches and the rule
    misses"; with ``rule`` False (no rule was given) the titles speak of the model alone."""
    return _fill((STORY_TITLES if rule else NO_RULE_TITLES)[kind], nouns)


def empty_story_text(kind: str, nouns: Nouns, rule: bool = True) -> str:
    """What to show instead when no example fits a story."""
    return _fill((EMPTY_STORIES if rule else NO_RULE_EMPTY)[kind], nouns)


def story_pools(labels: np.ndarray, model_flags: np.ndarray, rule_flags: np.ndarray) -> dict[str, np.ndarray]:
    """Positions of every held-out example that fits each story."""
    labels, model = (np.asarray(a, dtype=bool) for a in (labels, model_flags))
    rule = as_flags(rule_flags)  # a random pick's weights say nothing about any one example
    if not (labels.shape == model.shape == rule.shape) or labels.ndim != 1:
        raise ValueError(
            f"labels, model flags and rule flags must be 1-D and the same length; got "
            f"{labels.shape}, {model.shape} and {rule.shape}"
        )
    return {
        CAUGHT: np.flatnonzero(labels & model & ~rule),
        RULE_ONLY: np.flatnonzero(labels & ~model & rule),
        FALSE_ALARM: np.flatnonzero(model & ~labels),
        BOTH_MISSED: np.flatnonzero(labels & ~model & ~rule),
    }


def pick_stories(
    labels: np.ndarray, model_flags: np.ndarray, rule_flags: np.ndarray, seed: int = 0
) -> list[Story]:
    """Draw one example at random for each of the four stories.

    Parameters
    ----------
    labels : True where the held-out example has the outcome.
    model_flags : True where the model acts on it (at the page's cut-off).
    rule_flags : True where today's rule acts on it (all False when there is no rule:
        ``Scenario.rule_acts``; the stories then tell the model alone).
    seed : the draw's seed; the same seed gives the same stories, another usually others.

    Returns
    -------
    list[Story]
        Always four, in the order caught, rule only, false alarm, both missed. A story nobody
        fits has ``position=None`` and ``pool_size=0``; show ``empty_story_text`` for it.
    """
    stories = []
    for kind, pool in story_pools(labels, model_flags, rule_flags).items():
        # One random stream per story, so an empty or changed pool never shifts the others.
        rng = np.random.default_rng([seed, STORY_KINDS.index(kind)])
        position = int(rng.choice(pool)) if pool.size else None
        stories.append(Story(kind=kind, position=position, pool_size=int(pool.size)))
    return stories
