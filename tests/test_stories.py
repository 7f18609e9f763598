"""Four stories: honest random draws with the promised outcomes, the model's failures included."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import bundled, examples
from hypothesis import given, settings
from hypothesis import strategies as st

from proofdeck.data.spec_files import load_spec
from proofdeck.explanation.stories import (
    BOTH_MISSED,
    CAUGHT,
    FALSE_ALARM,
    RULE_ONLY,
    STORY_KINDS,
    empty_story_text,
    pick_stories,
    story_pools,
    story_title,
)

ROOT = Path(__file__).resolve().parents[1]


def random_arrays(n: int = 500, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.random(n) < 0.25, rng.random(n) < 0.3, rng.random(n) < 0.2


def assert_promises_kept(stories, labels, model, rule) -> None:
    """Each story's example has the outcome its title promises."""
    for story in stories:
        if story.position is None:
            continue
        i = story.position
        if story.kind == CAUGHT:
            assert labels[i] and model[i] and not rule[i]
        elif story.kind == RULE_ONLY:
            assert labels[i] and not model[i] and rule[i]
        elif story.kind == FALSE_ALARM:
            assert model[i] and not labels[i]
        else:
            assert story.kind == BOTH_MISSED
            assert labels[i] and not model[i] and not rule[i]


def test_four_distinct_examples_with_the_promised_outcomes():
    labels, model, rule = random_arrays()
    stories = pick_stories(labels, model, rule, seed=4)
    assert [s.kind for s in stories] == list(STORY_KINDS)
    positions = [s.position for s in stories]
    assert None not in positions and len(set(positions)) == 4
    assert_promises_kept(stories, labels, model, rule)
    pools = story_pools(labels, model, rule)
    assert [s.pool_size for s in stories] == [pools[kind].size for kind in STORY_KINDS]
    assert stories[0].pool_size == int((labels & model & ~rule).sum())


def test_same_seed_same_stories_other_seeds_draw_others():
    labels, model, rule = random_arrays()
    assert pick_stories(labels, model, rule, seed=7) == pick_stories(labels, model, rule, seed=7)
    draws = {tuple(s.position for s in pick_stories(labels, model, rule, seed=seed)) for seed in range(10)}
    assert len(draws) >= 8
    # Every member of a pool can be drawn: nothing is cherry-picked out.
    caught = {pick_stories(labels, model, rule, seed=seed)[0].position for seed in range(400)}
    assert caught == set(story_pools(labels, model, rule)[CAUGHT].tolist())


def test_empty_pools_are_returned_visibly_and_do_not_shift_the_others():
    labels, model, rule = random_arrays()
    everyone_in_rule = np.ones_like(rule)  # the rule acts on everyone: nobody caught or missed by both
    stories = pick_stories(labels, model, everyone_in_rule, seed=2)
    assert [s.kind for s in stories] == list(STORY_KINDS)
    assert stories[0].position is None and stories[0].pool_size == 0 and not stories[0].available
    assert stories[3].position is None and stories[3].pool_size == 0
    assert stories[1].available and stories[2].available
    # The false alarm drawn does not depend on the other pools.
    assert stories[2] == pick_stories(labels, model, rule, seed=2)[2]


def test_nothing_flagged_and_nothing_to_tell():
    labels = np.zeros(20, dtype=bool)
    stories = pick_stories(labels, labels, labels)
    assert all(s.position is None and s.pool_size == 0 for s in stories)


def test_mismatched_lengths_are_refused():
    with pytest.raises(ValueError, match="same length"):
        pick_stories(np.ones(5, bool), np.ones(4, bool), np.ones(5, bool))


@settings(max_examples=examples(60), deadline=None)
@given(
    st.lists(st.tuples(st.booleans(), st.booleans(), st.booleans()), min_size=0, max_size=40),
    st.integers(0, 2**32 - 1),
)
def test_promises_hold_for_any_flags(rows, seed):
    labels, model, rule = (np.array([r[k] for r in rows], dtype=bool) for k in range(3))
    stories = pick_stories(labels, model, rule, seed=seed)
    assert len(stories) == 4
    assert_promises_kept(stories, labels, model, rule)
    drawn = [s.position for s in stories if s.position is not None]
    assert len(drawn) == len(set(drawn))
    assert all((s.position is None) == (s.pool_size == 0) for s in stories)


def test_titles_and_empty_texts_use_the_demos_nouns():
    nouns = load_spec(ROOT / "demos" / "churn.toml").nouns
    assert story_title(CAUGHT, nouns) == "A churner the model catches and the rule misses"
    assert story_title(FALSE_ALARM, nouns) == (
        "An unneeded retention offer: a customer the model flags that is not a churner"
    )
    assert story_title(BOTH_MISSED, nouns) == "A churner both the model and the rule miss"
    assert story_title(RULE_ONLY, nouns) == "A churner the rule catches and the model misses"
    for kind in STORY_KINDS:
        assert "{" not in empty_story_text(kind, nouns)
    from dataclasses import replace

    assert story_title(CAUGHT, replace(nouns, positive="early adopter")).startswith("An early adopter ")


def test_stories_on_the_churn_demo_at_the_rules_budget():
    scenario = bundled("churn")
    model_flags = scenario.flags_at(scenario.rule_count)
    stories = pick_stories(scenario.labels, model_flags, scenario.rule_flags, seed=0)
    assert all(s.available for s in stories)
    assert len({s.position for s in stories}) == 4
    assert_promises_kept(stories, scenario.labels, model_flags, scenario.rule_flags)
    row = scenario.heldout.iloc[stories[0].position]
    assert row["contract"] != "month-to-month" or row["tenure_months"] >= 6  # the rule let it pass
