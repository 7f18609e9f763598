"""Pieces of the Examples page: stories, the table, which example is open, and drivers.

An example opens in a dialog over the page, wherever the reader is (a story's "Open", a table
row, or a link with ?example=). Each source opens an example only when it changes (a click, a
new selection, a new link), so no source keeps winning on later reruns.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import streamlit as st

from proofdeck.explanation import examples as ex
from proofdeck.explanation.groups import scenario_concepts
from proofdeck.explanation.stories import MODEL_RIGHT, empty_story_text, pick_stories, story_title
from proofdeck.model.scenario import Scenario
from proofdeck.words import wording as w
from proofdeck.words.safe_text import md
from ui.frame import state

SAMPLE_FOR_DRIVERS = 2000
EXAMPLE_PARAM = "example"


# --- cached explanation machinery (shap is imported here, on first use, not at app start) ---


@st.cache_resource(show_spinner="Preparing explanations...", max_entries=8)
def _explainer(key: str, _scenario: Scenario):
    from proofdeck.explanation.explain import make_explainer

    return make_explainer(_scenario.model, _scenario.typical_rows)


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
def _driver_contributions(key: str, _scenario: Scenario) -> pd.DataFrame:
    from proofdeck.explanation.explain import sample_contributions

    frame = _scenario.heldout[list(_scenario.model.features)]
    return sample_contributions(explainer(_scenario), frame, max_rows=SAMPLE_FOR_DRIVERS)


def drivers(scenario: Scenario) -> pd.Series | None:
    """Mean size of each column's contribution on at most 2,000 held-out examples (cached);
    None when the scores come from the user's own model (nothing here to explain)."""
    from proofdeck.explanation.explain import column_importance

    if scenario.own_scores:
        return None
    return column_importance(_driver_contributions(state.cache_key(scenario), scenario))


def concept_drivers(scenario: Scenario) -> pd.Series | None:
    """The same, per business concept (the spec's groups; a column in none on its own)."""
    from proofdeck.explanation.groups import concept_importance

    if scenario.own_scores:
        return None
    return concept_importance(_driver_contributions(state.cache_key(scenario), scenario), concepts(scenario))


def concepts(scenario: Scenario):
    """The demo's business concepts over the model's columns."""
    return scenario_concepts(scenario)


def reasons_for(scenario: Scenario, position: int, n: int = 3):
    """The concepts that move this example's score most (a column in no group on its own)."""
    from proofdeck.explanation.groups import top_group_reasons

    if scenario.own_scores:
        return []
    row = scenario.heldout.iloc[position]
    return top_group_reasons(explanation(scenario, position).row(0), row, concepts(scenario), scenario.spec.label,
                             n=n, flag_columns=scenario.flag_columns)


def sentence_for(scenario: Scenario, position: int, model_flags: np.ndarray, cutoff: float) -> str:
    from proofdeck.explanation.explain import explanation_sentence

    # Reasons quote labels, group names and values from the data: escaped, so they show as written.
    return md(explanation_sentence(
        scenario.spec.nouns.score, float(scenario.scores[position]), reasons_for(scenario, position),
        cutoff, acted=bool(model_flags[position]),
    ), limit=1000)


# --- which example is open ------------------------------------------------------------------


def _open_key(scenario: Scenario) -> str:
    return f"pd_open_example_{scenario.spec.key}"


def _table_generation(scenario: Scenario) -> int:
    return st.session_state.get(f"pd_table_generation_{scenario.spec.key}", 0)


def _clear_table_selection(scenario: Scenario) -> None:
    """A new table key drops a stale row selection, so the same row can open again."""
    st.session_state[f"pd_table_generation_{scenario.spec.key}"] = _table_generation(scenario) + 1


def open_example(scenario: Scenario, example_id: str, from_table: bool = False) -> None:
    st.session_state[_open_key(scenario)] = str(example_id)
    if not from_table:
        _clear_table_selection(scenario)


def close_example(scenario: Scenario) -> None:
    st.session_state.pop(_open_key(scenario), None)
    _clear_table_selection(scenario)
    if EXAMPLE_PARAM in st.query_params:
        del st.query_params[EXAMPLE_PARAM]


def open_position(scenario: Scenario) -> int | None:
    """The held-out position of the open example, or None when none is open.

    A link's ?example= opens its example once, when it first arrives (also when this session
    has opened others before); an id that is not held out gets a short notice instead.
    """
    seen_key = f"pd_example_param_{scenario.spec.key}"
    wanted = st.query_params.get(EXAMPLE_PARAM)
    if wanted and wanted != st.session_state.get(seen_key):
        st.session_state[seen_key] = wanted
        if scenario.position_of(wanted) is None:
            st.toast(f"No held-out {scenario.spec.nouns.entity} has that id; showing the list instead.",
                     icon=":material/info:")
        else:
            open_example(scenario, wanted)
    opened = st.session_state.get(_open_key(scenario))
    return None if opened is None else scenario.position_of(opened)


# --- the page's parts -----------------------------------------------------------------------


def stories(scenario: Scenario, model_flags: np.ndarray, cutoff: float) -> None:
    """Four examples drawn at random from four honest pools: where the model wins and loses."""
    spec, nouns = scenario.spec, scenario.spec.nouns
    seed_key = state.story_seed_key(scenario)
    seed = state.story_seed(scenario)
    picked = pick_stories(scenario.labels, model_flags, scenario.rule_acts, seed=seed)
    has_rule = not scenario.baseline.random
    for pair in (picked[:2], picked[2:]):
        for column, story in zip(st.columns(2), pair):
            with column.container(border=True):
                icon = ":green[:material/check_circle:]" if MODEL_RIGHT[story.kind] else ":orange[:material/error:]"
                st.markdown(f"{icon} **{story_title(story.kind, nouns, has_rule)}**")
                if not story.available:
                    st.caption(empty_story_text(story.kind, nouns, has_rule))
                    continue
                example_id = str(scenario.ids.iloc[story.position])
                st.caption(f"{md(spec.label(spec.id_column))} {md(example_id)} · one of "
                           f"{story.pool_size:,} like this")
                st.markdown(sentence_for(scenario, story.position, model_flags, cutoff))
                st.button("Open", key=f"story_open_{story.kind}", on_click=open_example,
                          args=(scenario, example_id), icon=":material/open_in_full:")
    st.button("Show others", key=f"stories_again_{spec.key}", icon=":material/shuffle:",
              on_click=_next_seed, args=(seed_key,))


def _next_seed(seed_key: str) -> None:
    st.session_state[seed_key] = st.session_state.get(seed_key, 0) + 1


def table_filters(scenario: Scenario) -> ex.ExampleFilter:
    spec, nouns = scenario.spec, scenario.spec.nouns
    changed = dict(on_change=_clear_table_selection, args=(scenario,))
    outcome_col, score_col, search_col = st.columns([2.2, 1.6, 1.4], vertical_alignment="bottom")
    outcomes = outcome_col.multiselect("Outcome", ex.outcome_labels(nouns), key=f"filter_outcome_{spec.key}",
                                       placeholder="All outcomes", **changed)
    low, high = score_col.slider(w.sentence_case(nouns.score), 0, 100, (0, 100), format="%d%%",
                                 key=f"filter_score_{spec.key}", **changed)
    search = search_col.text_input(f"Search {md(spec.label(spec.id_column).lower())}", key=f"filter_search_{spec.key}",
                                   placeholder="id contains...", **changed)
    # Without a rule nothing disagrees with the model: a random pick acts on nobody in particular.
    disagree = False if scenario.baseline.random else st.checkbox(
        "Only where the rule and the model disagree", key=f"filter_disagree_{spec.key}", **changed)
    return ex.ExampleFilter(tuple(outcomes), disagree, (low / 100, high / 100), search)


def _row_picked(scenario: Scenario, table_key: str, ids_key: str) -> None:
    """Open the example of a newly selected row (the ids are those the table showed)."""
    rows = st.session_state[table_key].selection.rows
    shown = st.session_state.get(ids_key, [])
    if rows and rows[0] < len(shown):
        open_example(scenario, shown[rows[0]], from_table=True)


def examples_table(scenario: Scenario, model_flags: np.ndarray, cutoff: float, top_columns: list[str]) -> None:
    """The held-out examples, filterable and downloadable; picking a row opens it."""
    from proofdeck.words.csv_safe import to_safe_csv

    spec, nouns = scenario.spec, scenario.spec.nouns
    frame = ex.filter_examples(ex.examples_frame(scenario, model_flags, top_columns), table_filters(scenario))
    shown = ex.readable_table(frame, spec, top_columns)
    st.caption(f"{len(frame):,} of {len(scenario.scores):,} held-out {nouns.entities}. "
               f"Click a row to open it. The model's decisions are at your setting: "
               f"{nouns.score} of {w.cutoff_text(cutoff)} or more.")
    demo, generation = spec.key, _table_generation(scenario)
    table_key, ids_key = f"examples_table_{demo}_{generation}", f"examples_table_ids_{demo}"
    st.session_state[ids_key] = frame[ex.ID].tolist()
    st.dataframe(
        shown, hide_index=True, height=320, width="stretch", selection_mode="single-row", key=table_key,
        on_select=functools.partial(_row_picked, scenario, table_key, ids_key),
        column_config={shown.columns[1]: st.column_config.ProgressColumn(format="percent", min_value=0, max_value=1)},
    )
    st.download_button("Download these rows (CSV)", to_safe_csv(shown), file_name=f"{demo}-examples.csv",
                       mime="text/csv", icon=":material/download:")


def concept_members(scenario: Scenario) -> str:
    """"**Billing**: Monthly charges, Total charges, Payment method" for each group, one a line
    (escaped: names and labels come from the spec or an upload)."""
    spec = scenario.spec
    return "  \n".join(f"**{md(c.name)}**: {md(', '.join(spec.label(col) for col in c.columns))}"
                       for c in concepts(scenario) if c.named)


def drivers_chart(scenario: Scenario) -> None:
    """What drives the score overall, by concept; a toggle opens it by column."""
    from proofdeck.charts.explanation import importance_figure
    from proofdeck.explanation.groups import has_groups

    spec, nouns = scenario.spec, scenario.spec.nouns
    grouped = concept_drivers(scenario)
    if grouped is None:
        return
    st.markdown(f"#### What drives the {nouns.score} overall")
    by_columns = has_groups(concepts(scenario)) and st.toggle(
        "Show columns", key=f"drivers_columns_{spec.key}",
        help="The chart by each column of the data instead of by business concept.")
    if by_columns:
        figure = importance_figure(drivers(scenario), spec.label, nouns.score)
    else:
        figure = importance_figure(grouped, {name: name for name in grouped.index}, nouns.score)
    st.plotly_chart(figure, key="drivers_chart", config={"displayModeBar": False})
    what = "column" if by_columns or not has_groups(concepts(scenario)) else "concept"
    st.caption(f"Average influence of each {what} on the {nouns.score}, over up to 2,000 held-out "
               f"{nouns.entities}." + (" A concept's influence is that of its columns together on each "
                                        f"{nouns.entity}, where they can push against each other." if what == "concept" else ""))
    if has_groups(concepts(scenario)) and not by_columns:
        with st.expander("Which columns make each concept"):
            st.markdown(concept_members(scenario))
