"""The Your data page's steps: a file becomes a demo, for this session only.

The file is read in a separate, limited process (:mod:`proofdeck.upload.isolated`), so a
file that takes long to read, or a decompression bomb, never slows the other viewers.
Reading, profiling and leak checks are cached by the file's content hash (bounded), so a
rerun never reads the file again and two viewers with different files never share anything;
the same file with the same choices is fitted once. Nothing the user gave is altered: every
step works on copies, and the file's bytes are never written anywhere unless the user keeps
the demo.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import replace

import numpy as np
import pandas as pd
import streamlit as st

from proofdeck.data.datasets import DataError
from proofdeck.data.delimited import Table
from proofdeck.data.sampling import training_sample
from proofdeck.data.spec import ECONOMICS_BOUNDS, Nouns, SpecError
from proofdeck.model.scenario import MAX_TRAIN_ROWS, Scenario, build_scenario, scenario_from_scores
from proofdeck.upload.bundle import bundle_zip, safe_name, save_demo
from proofdeck.upload.draft import (
    DemoDraft,
    Prepared,
    default_draft,
    draft_spec,
    prepare,
    rule_sentence,
    spec_toml,
    talk_sentence,
)
from proofdeck.upload.ingest import MAX_UPLOAD_BYTES, read_upload
from proofdeck.upload.isolated import read_isolated
from proofdeck.upload.labels import Outcome, build_outcome, outcome_candidates, outcome_choice
from proofdeck.upload.leakage import find_leaks
from proofdeck.upload.own_scores import OwnScores, guess_score_columns, read_scores
from proofdeck.upload.profile import Profile, profile_table
from proofdeck.words import wording as w
from proofdeck.words.safe_text import md
from ui import state
from ui.rule_editor import rule_editor

SAVE_ENV = "PROOFDECK_SAVE_DEMOS"  # "1": offer "save as a demo" (on a machine of one's own)
ISOLATE_ENV = "PROOFDECK_ISOLATED_READS"  # "0": read uploads in the server process (benchmarks only)
TRAIN, OWN_SCORES = "Train a model on my data", "Bring my own scores"


# --- cached reading, shared only by identical files -----------------------------------------------


def digest_of(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


@st.cache_resource(show_spinner="Reading the file...", max_entries=4)
def _read(digest: str, name: str, _raw: bytes) -> Table | str:
    reader = read_upload if os.environ.get(ISOLATE_ENV) == "0" else read_isolated
    try:
        return reader(name, _raw, MAX_UPLOAD_BYTES)
    except DataError as error:
        return str(error)


@st.cache_resource(show_spinner="Looking at every column...", max_entries=4)
def _profile(digest: str, _table: Table) -> Profile:
    return profile_table(_table)


@st.cache_resource(show_spinner="Checking for columns that give the answer away...", max_entries=8)
def _leaks(digest: str, outcome: str, positives: tuple[str, ...], features: tuple[str, ...],
           _frame: pd.DataFrame, _labels: np.ndarray):
    return find_leaks(_frame, _labels, features, outcome_column=outcome)


@st.cache_resource(show_spinner=False, max_entries=4)
def _fit(digest: str, recipe: str, _spec, _prepared: Prepared, max_train_rows: int | None) -> Scenario:
    return build_scenario(_spec, _prepared.dataset(), max_train_rows=max_train_rows)


@st.cache_resource(show_spinner=False, max_entries=4)
def _fit_scores(digest: str, recipe: str, _spec, _dataset, _scores: np.ndarray, rule: str) -> Scenario:
    return scenario_from_scores(_spec, _dataset, _scores, rule or None)


# --- step 1: the file ----------------------------------------------------------------------------


def read_step(upload) -> tuple[str, Table, Profile] | None:
    """Read and profile the uploaded file; show what was found. None when it cannot be used."""
    raw = upload.getvalue()
    digest = digest_of(raw)
    table = _read(digest, upload.name, raw)
    if isinstance(table, str):
        st.error(f"This file cannot be used: {md(table, limit=600)}", icon=":material/error:")
        return None
    profile = _profile(digest, table)
    frame = table.frame
    st.success(f"Read {profile.rows:,} rows and {len(profile.columns):,} columns ({md(table.kind)}).",
               icon=":material/task_alt:")
    for note in profile.notes:
        st.caption(f":material/info: {md(note, limit=600)}")
    with st.expander("Preview and profile", expanded=True):
        st.dataframe(frame.head(20), hide_index=True, height=240)
        st.dataframe(pd.DataFrame([{
            "Column": c.name, "Kind": c.kind, "Missing": f"{c.missing_share:.0%}", "Different values": c.distinct,
            "Examples": ", ".join(c.examples), "Left out of the model because": c.left_out or "",
        } for c in profile.columns]), hide_index=True, height=min(38 + 35 * len(profile.columns), 420))
    return digest, table, profile


# --- step 2: the outcome ---------------------------------------------------------------------------


def outcome_step(digest: str, frame: pd.DataFrame, profile: Profile, test_size: float) -> Outcome | None:
    """Choose the outcome column and, for more than two values, which count as the outcome."""
    candidates = outcome_candidates(profile)
    if not candidates:
        st.error("No column has between 2 and 50 different values, so none can be the outcome to find.",
                 icon=":material/error:")
        return None
    column = st.selectbox("The outcome to find (a yes/no column, or one with a few values)", candidates,
                          key=f"yd_{digest[:12]}_outcome")
    choice = outcome_choice(frame, column)
    positives = choice.suggested
    if choice.needs_choice or not choice.suggested:
        positives = tuple(st.multiselect(
            f"Which values of '{column}' count as the outcome?", list(choice.values),
            default=[v for v in choice.suggested if v in choice.values] or list(choice.values[:1]),
            key=f"yd_{digest[:12]}_positives_{column}",
        ))
    else:
        other = [v for v in choice.values if v not in positives]
        st.caption(f"The outcome to find: '{md(column)}' is " + " or ".join(f'"{md(v)}"' for v in positives)
                   + (f" (the rest: {', '.join(md(v) for v in other[:3])})." if other else "."))
    if not positives:
        st.warning("Pick at least one value that counts as the outcome.")
        return None
    try:
        outcome = build_outcome(frame, column, positives, test_size)
    except DataError as error:
        st.error(md(str(error), limit=600), icon=":material/error:")
        return None
    st.caption(md(outcome.sentence, limit=600))
    return outcome


# --- step 3: the columns ---------------------------------------------------------------------------


def columns_step(digest: str, frame: pd.DataFrame, profile: Profile, outcome: Outcome) -> tuple[str | None, tuple[str, ...]]:
    """The id column (guessed) and the columns the model learns from, leaks left out by default."""
    names = [c.name for c in profile.columns if c.name != outcome.column]
    id_options = [""] + [c for c in profile.id_candidates if c != outcome.column] + \
        [n for n in names if n not in profile.id_candidates]
    id_column = st.selectbox("The id column (names each row)", id_options, key=f"yd_{digest[:12]}_id",
                             index=id_options.index(profile.id_column) if profile.id_column in id_options else 0,
                             format_func=lambda name: name or "(none: number the rows)")
    defaults = profile.features(id_column or "", outcome.column)
    rows = frame.iloc[outcome.rows]
    # Every column is checked, also those left out for another reason (a cancel date is a date
    # *and* a leak: people should hear the second reason before they add it back).
    checked = tuple(n for n in names if n != id_column and profile.column(n).distinct > 1)
    leaks = _leaks(digest, outcome.column, outcome.positives, checked, rows, outcome.labels)
    leaked = {leak.column for leak in leaks}
    for leak in leaks:
        st.warning(f"'{md(leak.column)}': {md(leak.reason, limit=400)} It is left out; add it back below "
                   "if it is known before the outcome.", icon=":material/visibility_off:")
    choices = [n for n in names if n != id_column]
    features = st.multiselect("Columns the model learns from", choices, key=f"yd_{digest[:12]}_features_{outcome.column}",
                              default=[c for c in defaults if c not in leaked])
    left_out = {name: why for name, why in profile.left_out(id_column or "").items()
                if name in choices and name not in features}
    if left_out:
        with st.expander(f"{len(left_out)} column(s) left out, and why"):
            for name, why in left_out.items():
                st.caption(f"**{md(name)}**: {md(why, limit=300)}")
    return id_column or None, tuple(features)


# --- step 4: words and money -----------------------------------------------------------------------

_WORDS = (("entity", "One row is a..."), ("positive", "Someone with the outcome is a..."),
          ("action", "What we do for them (one)"), ("score", "The model's score is called"))


def _plain_word(text: str, fallback: str) -> str:
    """Words from a person become the demo's nouns: plain letters, digits, spaces and dashes."""
    kept = "".join(ch for ch in text if ch.isalnum() or ch in " -'")
    return " ".join(kept.split())[:40] or fallback


def words_step(digest: str, draft: DemoDraft) -> DemoDraft:
    """The nouns and the unit economics, with a live sentence showing how the pages will talk."""
    nouns, econ = draft.nouns, draft.economics
    prefix = f"yd_{digest[:12]}"
    columns = st.columns(4)
    typed = {}
    for column, (field, label) in zip(columns, _WORDS):
        typed[field] = _plain_word(column.text_input(label, value=getattr(nouns, field), key=f"{prefix}_{field}",
                                                    max_chars=40), getattr(nouns, field))
    nouns = _nouns(nouns, typed)
    money = st.columns(5)
    cost = money[0].number_input(f"Cost per {nouns.action}", value=float(econ.cost_per_action), min_value=0.0,
                                 max_value=ECONOMICS_BOUNDS["cost_per_action"][1], key=f"{prefix}_cost")
    value = money[1].number_input(f"Value of each {nouns.won}", value=float(econ.value_per_won), min_value=0.0,
                                  max_value=ECONOMICS_BOUNDS["value_per_won"][1], key=f"{prefix}_value")
    win = money[2].number_input(f"Share of reached {nouns.positives} won (%)", value=float(econ.win_rate * 100),
                                min_value=0.01, max_value=100.0, key=f"{prefix}_win")
    population = money[3].number_input(f"{w.sentence_case(nouns.entities)} per period (0: no scaling)",
                                       value=float(econ.population), min_value=0.0,
                                       max_value=ECONOMICS_BOUNDS["population"][1], step=1000.0, format="%.0f",
                                       key=f"{prefix}_population")
    period = _plain_word(money[4].text_input("Period", value="quarter", key=f"{prefix}_period", max_chars=20), "period")
    economics = replace(econ, cost_per_action=cost, value_per_won=value, win_rate=win / 100,
                        population=population, period=period)
    st.info(f"How the pages will talk: {md(talk_sentence(nouns, economics), limit=600)}", icon=":material/chat:")
    return replace(draft, nouns=nouns, economics=economics,
                   question=f"Which {nouns.entities} should get a {nouns.action}?")


def _nouns(base: Nouns, typed: dict[str, str]) -> Nouns:
    """The drafted nouns with the person's edits: a changed word re-derives the words made
    from it; an unchanged one keeps the draft's (better) wording, e.g. "customers kept"."""
    nouns = replace(base, score=typed["score"])
    entity, positive, action = typed["entity"], typed["positive"], typed["action"]
    if entity != base.entity:
        nouns = replace(nouns, entity=entity, entities=w.plural(entity), won=f"{entity} won",
                        won_plural=f"{w.plural(entity)} won", negatives=f"other {w.plural(entity)}")
    if positive != base.positive:
        nouns = replace(nouns, positive=positive, positives=w.plural(positive), negatives=f"other {nouns.entities}")
    if action != base.action:
        nouns = replace(nouns, action=action, actions=w.plural(action), act=f"give a {action} to")
    return nouns



# --- step 6: build ---------------------------------------------------------------------------------


def build_step(digest: str, draft: DemoDraft, frame: pd.DataFrame, own: OwnScores | None = None) -> None:
    """Fit (or take the user's scores) with visible progress, then add the demo to the picker."""
    name = f"upload-{safe_name(draft.title)[:24]}-{digest[:6]}"
    built_key = f"yd_{digest[:12]}_built"
    clicked = st.button("Build the dashboard", type="primary", icon=":material/rocket_launch:",
                        key=f"yd_{digest[:12]}_build")
    built = state.uploads().get(st.session_state.get(built_key, ""))
    if not clicked:
        if built is not None:  # the news goes where the person clicked, not at the top of a long page
            ready_note(built)
            keep_step(built)
        return
    with st.status("Building the dashboard...", expanded=True) as status:
        try:
            st.write("Preparing the data (your file is not changed)...")
            prepared = prepare(frame, draft)
            spec = draft_spec(draft, prepared, name)
            recipe = hashlib.sha256(spec_toml(draft, prepared, name).encode()).hexdigest()
            if own is None:
                train_rows = round(len(prepared.frame) * (1 - draft.model.test_size))
                sample = training_sample(np.zeros(train_rows, dtype=bool), MAX_TRAIN_ROWS)
                big = sample.is_sample
                st.write(f"Training the model on {'a stratified sample of ' if big else ''}"
                         f"{min(train_rows, MAX_TRAIN_ROWS) if big else train_rows:,} rows...")
                scenario = _fit(digest, recipe, spec, prepared, MAX_TRAIN_ROWS if big else None)
            else:
                st.write("Reading your scores...")
                dataset = prepared.dataset()
                scores = pd.to_numeric(frame[own.score_column], errors="coerce").loc[dataset.frame.index].to_numpy()
                rule = "" if draft.rule == NO_RULE else draft.rule
                scenario = _fit_scores(digest, recipe, spec, dataset, scores, rule)
            st.write("Comparing with today's rule on held-out rows...")
            state.same_budget_comparison(scenario, scenario.spec.economics)
        except (DataError, SpecError) as error:
            status.update(label="The dashboard could not be built", state="error")
            st.error(md(str(error), limit=600), icon=":material/error:")
            return
        status.update(label="The dashboard is ready", state="complete")
    # Scores from one's own model cannot become a spec demo (a spec trains a model), so only
    # trained demos keep their recipe for "keep it".
    state.add_upload(scenario, {"draft": draft, "prepared": prepared, "name": name} if own is None else None)
    st.session_state[built_key] = scenario.spec.key
    st.rerun()


def ready_note(scenario: Scenario) -> None:
    """Links to the pages for the demo just built, and how it is kept."""
    nouns = scenario.spec.nouns
    st.success(f"Your data is a demo for this session: **{md(scenario.spec.title)}**, chosen in the sidebar. "
               f"{len(scenario.labels):,} held-out {nouns.entities}; every page works on it.",
               icon=":material/check_circle:")
    from ui.shell import PAGES

    params = state.link_params(scenario)
    for column, (script, label, icon) in zip(st.columns(4), PAGES[:4]):
        column.page_link(script, label=label, icon=icon, query_params=params)
    if scenario.trained_on and scenario.trained_on < len(scenario.split.train):
        st.caption(f"The model trained on a stratified sample of {scenario.trained_on:,} of the "
                   f"{len(scenario.split.train):,} training rows, each outcome keeping its share; every "
                   "figure is measured on all held-out rows.")


# --- step 7: keep it -------------------------------------------------------------------------------


def keep_step(scenario: Scenario) -> None:
    """Download the demo as a bundle (spec + data) and, on one's own machine, save it."""
    recipe = state.upload_recipe(scenario)
    if recipe is None:
        st.caption("A demo on your own scores lasts for this session: a spec file trains its own model, so "
                   "it cannot be kept as one.")
        return
    draft, prepared = recipe["draft"], recipe["prepared"]
    keep = safe_name(draft.title)
    try:
        text = spec_toml(draft, prepared, keep)
        bundle = bundle_zip(keep, text, prepared.frame)
    except (DataError, SpecError) as error:
        st.caption(f"This demo cannot be kept as files: {md(str(error), limit=400)}")
        return
    st.download_button("Download it as a demo (spec and data, zip)", bundle, file_name=f"{keep}.zip",
                       mime="application/zip", icon=":material/download:",
                       help=f"Unzip next to app.py: demos/{keep}.toml and data/{keep}.csv load with no edits.")
    if os.environ.get(SAVE_ENV) == "1":
        if st.button(f"Save as a demo here (demos/{keep}.toml)", icon=":material/save:"):
            try:
                saved = save_demo(state.ROOT, keep, text, prepared.frame)
            except (FileExistsError, DataError) as error:
                st.error(md(str(error)), icon=":material/error:")
            else:
                st.success(f"Saved {saved.spec_path.parent.name}/{saved.spec_path.name} and "
                           f"{saved.data_path.parent.name}/{saved.data_path.name}.", icon=":material/save:")
    else:
        st.caption(f"Saving into this server's demos/ folder is off; set {SAVE_ENV}=1 on your own machine to allow it.")


def scores_step(digest: str, frame: pd.DataFrame, profile: Profile) -> tuple[OwnScores, DemoDraft] | None:
    """Bring your own scores: which columns hold the id, the score and the outcome."""
    guess = guess_score_columns(profile)
    names = [c.name for c in profile.columns]
    prefix = f"yd_{digest[:12]}_own"
    left, middle, right = st.columns(3)

    def pick(box, label: str, guessed: str | None, key: str) -> str:
        return box.selectbox(label, names, index=names.index(guessed) if guessed in names else 0, key=key)

    id_column = pick(left, "The id column", guess.id_column, f"{prefix}_id")
    score_column = pick(middle, "The score from your model", guess.score_column, f"{prefix}_score")
    outcome_column = pick(right, "What actually happened", guess.outcome_column, f"{prefix}_outcome")
    choice = outcome_choice(frame, outcome_column) if outcome_column in frame.columns else None
    positives = choice.suggested if choice else ()
    if choice and (choice.needs_choice or not positives):
        positives = tuple(st.multiselect(f"Which values of '{outcome_column}' count as the outcome?",
                                         list(choice.values), default=list(choice.values[:1]), key=f"{prefix}_pos"))
    try:
        own = read_scores(frame, id_column, score_column, outcome_column, positives or None)
    except DataError as error:
        st.error(md(str(error), limit=600), icon=":material/error:")
        return None
    for note in own.notes:
        st.caption(f":material/info: {md(note, limit=400)}")
    positives = positives or tuple(choice.suggested if choice else ())
    # Every row counts as held out: the model's settings are never used, and the largest test
    # share keeps the outcome check at its lowest (about 20 of each class).
    draft = default_draft(upload_name_of(digest), outcome_column, tuple(positives), id_column,
                          own.rule_columns, rule="")
    draft = replace(draft, model=replace(draft.model, test_size=0.9))
    return own, draft


def upload_name_of(digest: str) -> str:
    return st.session_state.get("yd_file").name if st.session_state.get("yd_file") else f"upload-{digest[:6]}"


def draft_for(upload_name: str, outcome: Outcome, id_column: str | None, features: tuple[str, ...]) -> DemoDraft:
    return default_draft(upload_name, outcome.column, outcome.positives, id_column, features, rule="")


NO_RULE = "False"  # a valid rule that picks nobody: the spec needs one; the page compares with a random pick


def finish_draft(draft: DemoDraft, rule: str) -> DemoDraft:
    return replace(draft, rule=rule or NO_RULE, rule_description=rule_sentence(draft.nouns, rule))


__all__ = ["TRAIN", "OWN_SCORES", "read_step", "outcome_step", "columns_step", "words_step", "build_step",
           "ready_note", "keep_step", "scores_step", "draft_for", "finish_draft", "rule_editor"]
