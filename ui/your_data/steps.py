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
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import streamlit as st

from proofdeck.data.datasets import DataError
from proofdeck.data.delimited import Table
from proofdeck.data.sampling import training_sample
from proofdeck.data.spec import SpecError
from proofdeck.model.scenario import MAX_TRAIN_ROWS, Scenario, build_scenario, scenario_from_scores
from proofdeck.upload.bundle import bundle_zip, safe_name, save_demo
from proofdeck.upload.draft import (
    NO_RULE,
    DemoDraft,
    Prepared,
    default_draft,
    draft_spec,
    prepare,
    rule_sentence,
    spec_toml,
)
from proofdeck.upload.ingest import MAX_UPLOAD_BYTES, read_upload
from proofdeck.upload.isolated import read_isolated
from proofdeck.upload.labels import Outcome, build_outcome, outcome_choice, rank_outcomes
from proofdeck.upload.leakage import LeakCheck, check_columns
from proofdeck.upload.own_scores import OwnScores, guess_score_columns, read_scores
from proofdeck.upload.profile import Profile, profile_table
from proofdeck.words import wording as w
from proofdeck.words.safe_text import md
from ui.frame import state
from ui.frame.save_panel import save_box
from ui.your_data.rule_editor import rule_editor
from ui.your_data.words_step import words_step

SAVE_ENV = "PROOFDECK_SAVE_DEMOS"  # "1": offer "save as a demo" (on a machine of one's own)
ISOLATE_ENV = "PROOFDECK_ISOLATED_READS"  # "0": read uploads in the server process (benchmarks only)
TRAIN, OWN_SCORES = "Train a model on my data", "Bring my own scores"


# --- cached reading, shared only by identical files -----------------------------------------------


def digest_of(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


_DIGESTS = "pd_upload_digests"  # Streamlit's id of an uploaded file -> the hash of its bytes


def upload_digest(upload) -> str:
    """The hash of an uploaded file, computed once per upload: every widget moved on this page
    reruns it, and hashing a 200 MB file each time would cost a second or more per click."""
    known = st.session_state.setdefault(_DIGESTS, {})
    file_id = getattr(upload, "file_id", None)
    if file_id is None or file_id not in known:
        if len(known) >= 4:  # a session uploads a few files; forget the oldest hashes
            known.pop(next(iter(known)))
        digest = digest_of(upload.getvalue())
        if file_id is None:
            return digest
        known[file_id] = digest
    return known[file_id]


@st.cache_resource(show_spinner="Reading the file...", max_entries=4)
def _read(digest: str, name: str, _upload) -> Table | str:
    reader = read_upload if os.environ.get(ISOLATE_ENV) == "0" else read_isolated
    try:
        return reader(name, _upload.getvalue(), MAX_UPLOAD_BYTES)
    except DataError as error:
        return str(error)


@st.cache_resource(show_spinner="Looking at every column...", max_entries=4)
def _profile(digest: str, _table: Table) -> Profile:
    return profile_table(_table)


@st.cache_resource(show_spinner="Checking for columns that give the answer away (each alone, and the model "
                   "refitted without its strongest)...", max_entries=8)
def _check(digest: str, outcome: str, positives: tuple[str, ...], features: tuple[str, ...],
           _frame: pd.DataFrame, _labels: np.ndarray) -> LeakCheck:
    return check_columns(_frame, _labels, features, outcome_column=outcome)


@st.cache_resource(show_spinner=False, max_entries=4)
def _fit(digest: str, recipe: str, _spec, _prepared: Prepared, max_train_rows: int | None) -> Scenario:
    return build_scenario(_spec, _prepared.dataset(), max_train_rows=max_train_rows)


@st.cache_resource(show_spinner=False, max_entries=4)
def _fit_scores(digest: str, recipe: str, _spec, _dataset, _scores: np.ndarray, rule: str, unseen: str) -> Scenario:
    return scenario_from_scores(_spec, _dataset, _scores, rule or None, unseen=unseen)


# --- step 1: the file ----------------------------------------------------------------------------


def read_step(upload) -> tuple[str, Table, Profile] | None:
    """Read and profile the uploaded file; show what was found. None when it cannot be used."""
    digest = upload_digest(upload)
    table = _read(digest, upload.name, upload)
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
    """Choose the outcome column (the likeliest first, with the reasons) and, for more than
    two values, which count as the outcome."""
    candidates = _candidates(digest, frame, profile)
    if not candidates:
        st.error("No column has between 2 and 50 different values, so none can be the outcome to find.",
                 icon=":material/error:")
        return None
    column = st.selectbox("The outcome to find (a yes/no column, or one with a few values)",
                          [c.column for c in candidates], key=f"yd_{digest[:12]}_outcome")
    first, others = candidates[0], [c for c in candidates[1:4] if c.reasons]
    guesses = f"First guess {md(first.sentence, limit=300)}."
    if others:
        guesses += " Also possible: " + "; ".join(md(c.sentence, limit=200) for c in others) + "."
    st.caption(guesses)
    choice = outcome_choice(frame, column)
    positives = choice.suggested
    if choice.needs_choice or not choice.suggested:
        positives = tuple(st.multiselect(
            f"Which values of '{md(column)}' count as the outcome?", list(choice.values),
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


@st.cache_resource(show_spinner=False, max_entries=4)
def _candidates(digest: str, _frame: pd.DataFrame, _profile: Profile):
    return rank_outcomes(_frame, _profile)


# --- step 3: the columns ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Columns:
    """Step 3's choices: the id, the model's columns, what was checked and what was confirmed."""

    id_column: str | None
    features: tuple[str, ...]
    check: LeakCheck
    known_before: tuple[str, ...]


def columns_step(digest: str, frame: pd.DataFrame, profile: Profile, outcome: Outcome) -> Columns:
    """The id column (guessed) and the columns the model learns from; columns that may be known
    only after the outcome (or during the action) are left out by default, and the strongest
    drivers each ask "known before we act?"."""
    names = [c.name for c in profile.columns if c.name != outcome.column]
    prefix = f"yd_{digest[:12]}"
    id_options = [""] + [c for c in profile.id_candidates if c != outcome.column] + \
        [n for n in names if n not in profile.id_candidates]
    id_column = st.selectbox("The id column (names each row)", id_options, key=f"{prefix}_id",
                             index=id_options.index(profile.id_column) if profile.id_column in id_options else 0,
                             format_func=lambda name: name or "(none: number the rows)")
    defaults = profile.features(id_column or "", outcome.column)
    rows = frame.iloc[outcome.rows]
    # Every column is checked, also those left out for another reason (a cancel date is a date
    # *and* a leak: people should hear the second reason before they add it back).
    checked = tuple(n for n in names if n != id_column and profile.column(n).distinct > 1)
    check = _check(digest, outcome.column, outcome.positives, checked, rows, outcome.labels)
    features_key = f"{prefix}_features_{outcome.column}"
    confirmed = _confirmed(prefix, outcome.column)
    for leak in check.leaks:
        st.warning(f"**{md(leak.column)}**: {md(leak.reason, limit=500)}. It is left out; if it is known before "
                   "you act, say so below (or add it back) and it is used.", icon=":material/visibility_off:")
    choices = [n for n in names if n != id_column]
    if features_key not in st.session_state:
        st.session_state[features_key] = [c for c in defaults if c not in check.flagged or c in confirmed]
    features = st.multiselect("Columns the model learns from", choices, key=features_key)
    _drivers_question(prefix, outcome.column, check, features_key)
    st.caption(f":material/fact_check: What was checked: {md(check.summary(detail=False), limit=1500)} No check can prove "
               "a column is known in time: only someone who knows how the data are collected can.")
    left_out = {name: why for name, why in profile.left_out(id_column or "").items()
                if name in choices and name not in features}
    if left_out:
        with st.expander(f"{len(left_out)} column(s) left out, and why"):
            for name, why in left_out.items():
                st.caption(f"**{md(name)}**: {md(why, limit=300)}")
    known = tuple(c for c in _confirmed(prefix, outcome.column) if c in features)
    return Columns(id_column or None, tuple(features), check, known)


def _confirmed(prefix: str, outcome: str) -> set[str]:
    """The columns this person confirmed as known before acting, for this outcome."""
    return st.session_state.setdefault(f"{prefix}_known_before_{outcome}", set())


def _drivers_question(prefix: str, outcome: str, check: LeakCheck, features_key: str) -> None:
    """One click per strongest driver: "known before we act?". Confirming a flagged column puts
    it back among the model's columns; taking the answer back leaves it out again."""
    if not check.drivers:
        return
    confirmed = _confirmed(prefix, outcome)

    def answered(column: str, key: str) -> None:
        chosen = list(st.session_state.get(features_key, []))
        if st.session_state[key]:
            confirmed.add(column)
            if column not in chosen:
                st.session_state[features_key] = chosen + [column]
        else:
            confirmed.discard(column)
            if column in check.flagged:
                st.session_state[features_key] = [c for c in chosen if c != column]

    st.markdown("**The strongest drivers: is each known before you act?** A column filled in during or after "
                "the action (how long the call lasted, a refund) makes every figure look better than it will be.")
    for driver in check.drivers:
        key = f"{prefix}_known_{outcome}_{driver.column}"
        st.session_state[key] = driver.column in confirmed
        st.checkbox(f"**{md(driver.column)}** is known before we act", key=key, on_change=answered,
                    args=(driver.column, key))
        st.caption(md(w.sentence_case(driver.measures), limit=400) + ".")


# --- step 6: build ---------------------------------------------------------------------------------


def build_step(digest: str, draft: DemoDraft, frame: pd.DataFrame, own: OwnScores | None = None,
               check: LeakCheck | None = None) -> None:
    """Fit (or take the user's scores) with visible progress, then add the demo to the picker.
    ``check`` is what the leak guard found, kept with the demo for the pitch and the report."""
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
    entities = md(draft.nouns.entities)
    with st.status("Building the dashboard...", expanded=True) as status:

        def step(number: int, text: str) -> None:  # the wait in words, where the person clicked
            status.update(label=f"{text} (step {number} of 3)")
            st.write(f"{text} (step {number} of 3)")

        try:
            step(1, "Preparing the data (your file is not changed)...")
            prepared = prepare(frame, draft)
            spec = draft_spec(draft, prepared, name)
            recipe = hashlib.sha256(spec_toml(draft, prepared, name).encode()).hexdigest()
            if own is None:
                train_rows = round(len(prepared.frame) * (1 - draft.model.test_size))
                sample = training_sample(np.zeros(train_rows, dtype=bool), MAX_TRAIN_ROWS)
                big = sample.is_sample
                step(2, f"Training the model on {'a stratified sample of ' if big else ''}"
                        f"{min(train_rows, MAX_TRAIN_ROWS) if big else train_rows:,} {entities}...")
                scenario = _fit(digest, recipe, spec, prepared, MAX_TRAIN_ROWS if big else None)
            else:
                step(2, "Reading your scores...")
                dataset = prepared.dataset()
                scores = pd.to_numeric(frame[own.score_column], errors="coerce").loc[dataset.frame.index].to_numpy()
                rule = "" if draft.rule == NO_RULE else draft.rule
                scenario = _fit_scores(digest, recipe, spec, dataset, scores, rule, own.unseen)
            step(3, f"Comparing the model with {scenario.baseline.name} on the {len(scenario.labels):,} "
                    f"{entities} it never saw, and measuring how sure that is...")
            state.same_budget_comparison(scenario, scenario.spec.economics)
        except (DataError, SpecError) as error:
            status.update(label="The dashboard could not be built", state="error")
            st.error(md(str(error), limit=600), icon=":material/error:")
            return
        status.update(label="The dashboard is ready", state="complete")
    # The recipe keeps the demo as files ("keep it", trained demos only: a spec trains a model) and
    # in the team workspace (both kinds: scores are saved with the data and rebuilt from them).
    scores = None if own is None else {"column": own.score_column, "rule": rule, "unseen": own.unseen}
    state.add_upload(scenario, {"draft": draft, "prepared": prepared, "name": name, "scores": scores}, check=check)
    st.session_state[built_key] = scenario.spec.key
    st.rerun()


def ready_note(scenario: Scenario) -> None:
    """Links to the pages for the demo just built, and how it is kept."""
    nouns = scenario.spec.nouns
    st.success(f"Your data is a demo for this session: **{md(scenario.spec.title)}**, chosen in the sidebar. "
               f"{len(scenario.labels):,} held-out {nouns.entities}; every page works on it.",
               icon=":material/check_circle:")
    from ui.frame.navigation import PAGES

    params = state.link_params(scenario)
    for column, (script, label, icon) in zip(st.columns(4), PAGES[:4]):
        column.page_link(script, label=label, icon=icon, query_params=params)
    if not scenario.refittable:
        st.caption(f":material/visibility: {md(w.unseen_answer_text(nouns, scenario.unseen), limit=400)} "
                   f"{md(scenario.unseen_note, limit=400)}")
    if scenario.trained_on and scenario.trained_on < len(scenario.split.train):
        st.caption(f"The model trained on a stratified sample of {scenario.trained_on:,} of the "
                   f"{len(scenario.split.train):,} training rows, each outcome keeping its share; every "
                   "figure is measured on all held-out rows.")


# --- step 7: keep it -------------------------------------------------------------------------------


def keep_step(scenario: Scenario) -> None:
    """Download the demo as a bundle (spec + data) and, on one's own machine, save it."""
    recipe = state.upload_recipe(scenario)
    save_box(scenario)
    if recipe is None or scenario.own_scores:
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
        positives = tuple(st.multiselect(f"Which values of '{md(outcome_column)}' count as the outcome?",
                                         list(choice.values), default=list(choice.values[:1]), key=f"{prefix}_pos"))
    try:
        own = read_scores(frame, id_column, score_column, outcome_column, positives or None)
    except DataError as error:
        st.error(md(str(error), limit=600), icon=":material/error:")
        return None
    for note in own.notes:
        st.caption(f":material/info: {md(note, limit=400)}")
    # The figures are only honest if the scores are held out; only the team can know.
    answers = {"Yes": w.UNSEEN_YES, "No": w.UNSEEN_NO, "Not sure": w.UNSEEN_NOT_SURE}
    said = st.radio(UNSEEN_QUESTION, list(answers), index=2, horizontal=True, key=f"{prefix}_unseen",
                    help="A model scores the rows it learned from better than new ones, so scores on rows it "
                         "trained on make every figure here look better than the model will do.")
    own = replace(own, unseen=answers[said])
    positives = positives or tuple(choice.suggested if choice else ())
    # Every row counts as held out: the model's settings are never used, and the largest test
    # share keeps the outcome check at its lowest (about 20 of each class).
    draft = default_draft(upload_name_of(digest), outcome_column, tuple(positives), id_column,
                          own.rule_columns, rule="", currency=profile.currency()[0] or "$",
                          columns=tuple(c.name for c in profile.columns))
    draft = replace(draft, model=replace(draft.model, test_size=0.9))
    return own, draft


UNSEEN_QUESTION = "Did these scores come from a model that never saw these rows?"


def upload_name_of(digest: str) -> str:
    return st.session_state.get("yd_file").name if st.session_state.get("yd_file") else f"upload-{digest[:6]}"


def draft_for(upload_name: str, outcome: Outcome, columns: Columns, profile: Profile) -> DemoDraft:
    """The first draft of the words, money and labels for this outcome and these columns."""
    draft = default_draft(upload_name, outcome.column, outcome.positives, columns.id_column, columns.features,
                          rule="", currency=profile.currency()[0] or "$",
                          columns=tuple(c.name for c in profile.columns))
    return replace(draft, known_before=columns.known_before)




def finish_draft(draft: DemoDraft, rule: str) -> DemoDraft:
    return replace(draft, rule=rule or NO_RULE, rule_description=rule_sentence(draft.nouns, rule))


__all__ = ["TRAIN", "OWN_SCORES", "read_step", "outcome_step", "columns_step", "words_step", "build_step",
           "ready_note", "keep_step", "scores_step", "draft_for", "finish_draft", "rule_editor", "Columns"]
