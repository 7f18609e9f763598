"""Your data with your own fitted model: a skops model file and the held-out rows it never saw.

The rows are read as a notebook reads them (``pd.read_csv``, ``pd.read_parquet``), not with the
typed reading of the other modes, so the model gets the values it was fitted on; the model file
is opened only if every type in it is trusted (:mod:`proofdeck.model.model_files`).
"""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from proofdeck.api import Proof, ProofError, read_data_file
from proofdeck.data.spec import SpecError
from proofdeck.model.fitted import describe_model, model_features
from proofdeck.model.model_files import ModelFileError, open_skops
from proofdeck.upload.labels import rank_outcomes
from proofdeck.upload.profile import Profile
from proofdeck.words import wording as w
from proofdeck.words.safe_text import md
from ui.frame import state

OWN_MODEL = "Bring my own model"
_ANSWERS = {"Yes": True, "No": False, "Not sure": None}


@st.cache_resource(show_spinner="Opening your model (skops, trusted types only)...", max_entries=4)
def _model(digest: str, _raw: bytes):
    return open_skops(_raw)


@st.cache_data(show_spinner=False, max_entries=4)
def _rows(digest: str, name: str, _raw: bytes) -> pd.DataFrame:
    return read_data_file(name, _raw)


@st.cache_resource(show_spinner=False, max_entries=4)
def _scenario(key: str, _proof: Proof):
    return _proof.scenario


def model_file():
    """The model uploader; returns the opened model (or None, having said why)."""
    upload = st.file_uploader("Your fitted model, saved with skops.io.dump (.skops)", type=["skops"], key="yd_model",
                              help="A pickle or joblib file is never opened: opening one can run any code. "
                                   "In Python: `import skops.io as sio; sio.dump(model, \"model.skops\")`.")
    if upload is None:
        st.info("Add the model file too. For a model with your own classes or functions, use "
                "`proofdeck.Proof(model, X_test, y_test).run()` from Python instead (docs/own-model.md).",
                icon=":material/model_training:")
        return None
    raw = upload.getvalue()
    try:
        return _model(hashlib.sha256(raw).hexdigest(), raw)
    except ModelFileError as error:
        st.error(md(str(error), limit=600), icon=":material/gpp_bad:")
        return None


def own_model_steps(digest: str, upload, profile: Profile, model) -> None:
    """Steps 2 to 5 for a fitted model: the outcome, the id, the answer about held-out rows, the build."""
    try:
        rows = _rows(digest, upload.name, upload.getvalue())
    except ProofError as error:
        st.error(md(str(error), limit=600), icon=":material/error:")
        return
    names = [str(c) for c in rows.columns]
    prefix = f"yd_{digest[:12]}_fit"
    try:
        features = model_features(model, rows, exclude=[])
    except Exception as error:  # DataError: a column the model needs is missing
        st.error(md(str(error), limit=600), icon=":material/error:")
        return
    st.markdown("#### 2. Your model and what happened")
    st.caption(f"Your model: **{md(describe_model(model))}**, reading {len(features)} columns of this file.")
    others = [n for n in names if n not in features] or names
    ranked = [c.column for c in rank_outcomes(rows, profile)]
    guessed = next((c for c in ranked if c in others), None)
    left, middle, right = st.columns(3)
    outcome = left.selectbox("What actually happened (the outcome)", others,
                             index=others.index(guessed) if guessed in others else len(others) - 1, key=f"{prefix}_out")
    classes = [str(c) for c in getattr(model, "classes_", [])]
    positive = middle.selectbox("The outcome to find (one of your model's classes)", classes or ["yes"],
                                index=min(1, max(len(classes) - 1, 0)), key=f"{prefix}_pos")
    ids = ["(none)"] + [n for n in others if n != outcome]
    id_guess = profile.id_column if profile.id_column in ids else "(none)"
    id_column = right.selectbox("The id column", ids, index=ids.index(id_guess), key=f"{prefix}_id")
    said = st.radio("Did your model never see these rows while it was fitted?", list(_ANSWERS), index=2,
                    horizontal=True, key=f"{prefix}_unseen",
                    help="Every figure is measured on these rows, so they must be rows the model did not train on.")
    st.markdown("#### 3. Today's rule (optional)")
    rule = st.text_input("Today's rule, in the rule language (e.g. contract == \"month-to-month\")", key=f"{prefix}_rule",
                         help="Leave it empty to compare with a random pick of the same size.").strip()
    if not st.button("Build the dashboard", type="primary", icon=":material/rocket_launch:", key=f"{prefix}_build"):
        return
    positive_value = next((c for c in getattr(model, "classes_", []) if str(c) == positive), positive)
    proof = Proof(model, rows, outcome=outcome, positive=positive_value,
                  id_column=None if id_column == "(none)" else id_column, rule=rule or None,
                  title=upload.name.rsplit(".", 1)[0][:60] or "My model", never_saw=_ANSWERS[said],
                  key=f"upload-model-{digest[:6]}")
    try:
        with st.spinner("Scoring every row with your model..."):
            scenario = _scenario(f"{digest}:{outcome}:{positive}:{id_column}:{said}:{rule}", proof)
    except (ProofError, SpecError) as error:
        st.error(md(str(error), limit=800), icon=":material/error:")
        return
    state.add_upload(scenario, recipe=None)
    st.session_state["pd_demo"] = scenario.spec.key
    for note in scenario.held_out_notes:
        st.warning(md(note, limit=600), icon=":material/visibility:")
    from ui.your_data.steps import ready_note

    ready_note(scenario)
    st.caption(f"Explanations use {md(_explainer_text(scenario))}. Money figures start as example values: set yours "
               f"under Assumptions in the sidebar. {md(w.no_refits_sentence(scenario.spec.nouns))}")


def _explainer_text(scenario) -> str:
    from proofdeck.explanation.fitted import METHOD_TEXT, explainer_kind

    return METHOD_TEXT[explainer_kind(scenario.model.pipeline, scenario.model.features, scenario.heldout.head(50))]
