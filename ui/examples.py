"""Pieces of the Examples page: stories, the table, one example's story, what-if, drivers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from proofdeck import examples as ex
from proofdeck import wording as w
from proofdeck.scenario import Scenario
from proofdeck.stories import empty_story_text, pick_stories, story_title
from ui import state

SAMPLE_FOR_DRIVERS = 2000


# --- cached explanation machinery (shap is imported here, on first use, not at app start) ---


@st.cache_resource(show_spinner="Preparing explanations...", max_entries=8)
def _explainer(key: str, _scenario: Scenario):
    from proofdeck.explain import make_explainer

    train = _scenario.dataset.frame.iloc[_scenario.split.train]
    return make_explainer(_scenario.model, train)


def explainer(scenario: Scenario):
    return _explainer(state.cache_key(scenario), scenario)


@st.cache_data(show_spinner=False, max_entries=256)
def _explanation(key: str, position: int, _scenario: Scenario):
    row = _scenario.heldout.iloc[[position]]
    return explainer(_scenario).explain(row[list(_scenario.model.features)])


def explanation(scenario: Scenario, position: int):
    """Per-column contributions of one held-out example (cached)."""
    return _explanation(state.cache_key(scenario), position, scenario)


@st.cache_data(show_spinner="Measuring what drives the model...", max_entries=8)
def _drivers(key: str, _scenario: Scenario) -> pd.Series:
    from proofdeck.explain import importance

    frame = _scenario.heldout[list(_scenario.model.features)]
    return importance(explainer(_scenario), frame, max_rows=SAMPLE_FOR_DRIVERS)


def drivers(scenario: Scenario) -> pd.Series:
    """Mean size of each column's contribution on at most 2,000 held-out examples (cached)."""
    return _drivers(state.cache_key(scenario), scenario)


# --- which example is open ------------------------------------------------------------------


def selected_key(scenario: Scenario) -> str:
    return f"open_example_{scenario.spec.key}"


def open_example(scenario: Scenario, example_id: str) -> None:
    st.session_state[selected_key(scenario)] = str(example_id)


def selected_position(scenario: Scenario) -> int:
    """The open example: from the session, else a shared link's ?example=, else the top score."""
    key = selected_key(scenario)
    if key not in st.session_state and st.query_params.get("example"):
        st.session_state[key] = st.query_params["example"]
    position = scenario.position_of(st.session_state.get(key, ""))
    if position is None:
        position = int(np.argmax(scenario.scores))
        st.session_state[key] = str(scenario.ids.iloc[position])
    return position


def reasons_for(scenario: Scenario, position: int, n: int = 3):
    from proofdeck.explain import top_reasons

    row = scenario.heldout.iloc[position]
    return top_reasons(explanation(scenario, position).row(0), row, scenario.spec.label, n=n)


def sentence_for(scenario: Scenario, position: int) -> str:
    from proofdeck.explain import explanation_sentence

    return explanation_sentence(
        scenario.spec.nouns.score, float(scenario.scores[position]), reasons_for(scenario, position),
        scenario.dataset.positive_rate,
    )


# --- the page's parts -----------------------------------------------------------------------


def stories(scenario: Scenario, cutoff: float) -> None:
    """Three examples drawn at random from three honest categories, each with its reason."""
    spec, nouns = scenario.spec, scenario.spec.nouns
    seed_key = f"story_seed_{spec.key}"
    seed = st.session_state.get(seed_key, 0)
    picked = pick_stories(scenario.labels, scenario.scores >= cutoff, scenario.rule_flags, seed=seed)
    for column, story in zip(st.columns(3), picked):
        with column.container(border=True):
            st.markdown(f"**{story_title(story.kind, nouns)}**")
            if not story.available:
                st.caption(empty_story_text(story.kind, nouns))
                continue
            example_id = str(scenario.ids.iloc[story.position])
            st.caption(f"{spec.label(spec.id_column)} {example_id} · one of {story.pool_size:,} like this")
            st.markdown(sentence_for(scenario, story.position))
            st.button("Open", key=f"story_open_{story.kind}", on_click=open_example,
                      args=(scenario, example_id), icon=":material/open_in_full:")
    st.button("Show others", key=f"stories_again_{spec.key}", icon=":material/shuffle:",
              on_click=_next_seed, args=(seed_key,))


def _next_seed(seed_key: str) -> None:
    st.session_state[seed_key] = st.session_state.get(seed_key, 0) + 1


def table_filters(scenario: Scenario) -> ex.ExampleFilter:
    spec, nouns = scenario.spec, scenario.spec.nouns
    outcome_col, disagree_col, score_col, search_col = st.columns([2.2, 1.3, 1.6, 1.2], vertical_alignment="bottom")
    outcomes = outcome_col.multiselect("Outcome", ex.outcome_labels(nouns), key=f"filter_outcome_{spec.key}",
                                       placeholder="All outcomes")
    disagree = disagree_col.checkbox("Rule and model disagree", key=f"filter_disagree_{spec.key}")
    low, high = score_col.slider(nouns.score.capitalize(), 0, 100, (0, 100), format="%d%%",
                                 key=f"filter_score_{spec.key}")
    search = search_col.text_input(f"Search {spec.label(spec.id_column).lower()}", key=f"filter_search_{spec.key}",
                                   placeholder="id contains...")
    return ex.ExampleFilter(tuple(outcomes), disagree, (low / 100, high / 100), search)


def examples_table(scenario: Scenario, cutoff: float, top_columns: list[str]) -> None:
    """The held-out examples, filterable and downloadable; picking a row opens it."""
    spec, nouns = scenario.spec, scenario.spec.nouns
    frame = ex.filter_examples(ex.examples_frame(scenario, cutoff, top_columns), table_filters(scenario))
    shown = frame.drop(columns=[ex.POSITION]).rename(columns={
        ex.ID: spec.label(spec.id_column), ex.SCORE: nouns.score.capitalize(),
        ex.MODEL: f"Model: {nouns.action}?", ex.RULE: f"Rule: {nouns.action}?",
        ex.ACTUAL: f"Actually a {nouns.positive}?", ex.OUTCOME: "Outcome", **{c: spec.label(c) for c in top_columns},
    })
    st.caption(f"{len(frame):,} of {len(scenario.scores):,} held-out {nouns.entities}. "
               f"Click a row to open it. The model's decisions are at {nouns.score} of {w.cutoff_text(cutoff)} or more.")
    event = st.dataframe(
        shown, hide_index=True, height=320, width="stretch", on_select="rerun", selection_mode="single-row",
        key=f"examples_table_{spec.key}",
        column_config={nouns.score.capitalize(): st.column_config.ProgressColumn(format="percent", min_value=0, max_value=1)},
    )
    rows = event.selection.rows if event is not None else []
    if rows:
        open_example(scenario, frame.iloc[rows[0]][ex.ID])
    elif len(frame) == 1 and st.session_state.get(f"filter_search_{spec.key}", "").strip():
        open_example(scenario, frame.iloc[0][ex.ID])  # a search that finds one opens it
    st.download_button("Download these rows (CSV)", shown.to_csv(index=False).encode("utf-8"),
                       file_name=f"{spec.key}-examples.csv", mime="text/csv", icon=":material/download:")
