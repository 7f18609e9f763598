"""The report's four examples in words: who each one is, and why the model scored it so."""

from __future__ import annotations

from proofdeck.explanation.stories import MODEL_RIGHT, empty_story_text, story_title
from proofdeck.model.scenario import Scenario
from proofdeck.sharing.report import content as c
from proofdeck.sharing.report.inputs import ReportInputs
from proofdeck.words.safe_text import plain


def examples(scenario: Scenario, inputs: ReportInputs) -> c.ExamplesSection:
    """The four examples drawn in ``inputs.stories``: ids and reasons made one printable line."""
    from proofdeck.explanation.explain import explanation_sentence
    from proofdeck.explanation.groups import has_groups, scenario_concepts, top_group_reasons

    spec, nouns, count = scenario.spec, scenario.spec.nouns, inputs.count
    flags = scenario.flags_at(count)
    cutoff = scenario.threshold_at(count)
    has_rule = not scenario.baseline.random
    concepts = scenario_concepts(scenario)
    stories = []
    for story in inputs.stories:
        right = MODEL_RIGHT[story.kind]
        mark = "✓ The model is right" if right else "✗ The model is wrong"
        title = story_title(story.kind, nouns, has_rule)
        if not story.available:
            stories.append(c.StoryText(story.kind, right, mark, title, None,
                                       empty_story_text(story.kind, nouns, has_rule)))
            continue
        row = scenario.heldout.iloc[story.position]
        reasons = [] if scenario.own_scores else top_group_reasons(
            inputs.contributions[story.position], row, concepts, spec.label, flag_columns=scenario.flag_columns)
        sentence = explanation_sentence(nouns.score, float(scenario.scores[story.position]), reasons, cutoff,
                                        acted=bool(flags[story.position]))
        example_id = scenario.ids.iloc[story.position]
        who = (f"{spec.label(spec.id_column)} {plain(example_id, 80)} · one of "
               f"{story.pool_size:,} like this in the held-out data")
        stories.append(c.StoryText(story.kind, right, mark, title, who, plain(sentence, 1000)))
    intro = (f"Each is drawn at random from every held-out {nouns.entity} that fits it, not picked to flatter the "
             "model; " + (f"the {nouns.score} comes from the business's own model, so Proofdeck cannot say why it "
                          "is high or low." if scenario.own_scores
                          else "the reasons are the business concepts (groups of columns) that moved its score "
                               "most, with the columns inside each that pushed the same way."
                          if has_groups(concepts) else "the reasons are the columns that moved its score most."))
    return c.ExamplesSection(intro, tuple(stories))
