"""Your data: upload an export (or your own model's scores) and get the whole dashboard."""

import streamlit as st

from proofdeck.rules.parse import column_kinds
from proofdeck.upload.ingest import MAX_UPLOAD_BYTES
from ui.frame import state
from ui.frame.shell import page_setup
from ui.frame.widgets import next_steps
from ui.your_data import steps
from ui.your_data.campaign_step import campaign_step
from ui.your_data.model_step import OWN_MODEL, model_file, own_model_steps

page = page_setup("Your data")
st.title("Your data: from an export to a dashboard")
st.caption(
    "Upload a table with one row per customer, lead or transaction and a column saying what happened. "
    "It stays in this session until you save it to the team workspace (below, once built): a link never "
    "carries the data itself."
)
mode = st.segmented_control("Start from", [steps.TRAIN, steps.OWN_SCORES, OWN_MODEL], default=steps.TRAIN,
                            key="yd_mode")
upload = st.file_uploader(
    "A CSV or TSV (any delimiter, UTF-8 or Latin-1), Parquet or Excel (.xlsx) file",
    type=["csv", "tsv", "txt", "parquet", "pq", "xlsx"], key="yd_file",
    help=f"Up to {MAX_UPLOAD_BYTES // 1_000_000} MB. Scores: one row per example with an id, your model's "
         "score and what happened; any other columns can be used by today's rule.",
)
if upload is None:
    if page.scenario.spec.key in state.uploads():  # back on this page after building: the demo is kept
        steps.ready_note(page.scenario)
        steps.keep_step(page.scenario)
    st.info("Start with a file. Real exports are fine: semicolons, blanks in numbers, thousands separators, "
            "currency and percent signs, yes/no outcomes anywhere in the file.", icon=":material/upload_file:")
    next_steps(current="pages/4_Your_data.py", scenario=page.scenario)
    st.stop()

read = steps.read_step(upload)
if read is None:
    st.stop()
digest, table, profile = read
frame = table.frame

if mode == OWN_MODEL:  # a model fitted elsewhere, on rows it never saw
    model = model_file()
    if model is not None:
        own_model_steps(digest, upload, profile, model)
    next_steps(current="pages/4_Your_data.py", scenario=page.scenario)
    st.stop()

if mode == steps.OWN_SCORES:
    st.markdown("#### 2. Your scores and what happened")
    picked = steps.scores_step(digest, frame, profile)
    if picked is None:
        st.stop()
    own, draft = picked
    rule_columns = list(own.rule_columns)
    rule_rows, rule_labels = own.frame, own.labels
else:
    own = None
    st.markdown("#### 2. The outcome")
    outcome = steps.outcome_step(digest, frame, profile, test_size=0.3)
    if outcome is None:
        st.stop()
    st.markdown("#### 3. The columns")
    columns = steps.columns_step(digest, frame, profile, outcome)
    if not columns.features:
        st.warning("Pick at least one column for the model to learn from.")
        st.stop()
    draft = steps.draft_for(upload.name, outcome, columns, profile)
    rule_columns = list(columns.features)
    rule_rows, rule_labels = frame.iloc[outcome.rows], outcome.labels

st.markdown("#### 4. Words and money")
draft = steps.words_step(digest, draft, profile.currency())
if own is None:  # a past campaign in the data (optional): what the action changes, too
    draft = campaign_step(digest, frame, draft)
    rule_columns = [c for c in rule_columns if c in draft.features]
st.markdown("#### 5. Today's rule")
kinds = column_kinds(rule_rows.loc[:, rule_columns]) if rule_columns else {}
empty = ("No rule yet: without one, your scores are compared with a random pick of the same size." if own is not None
         else "The dashboard compares the model with today's rule: pick a column above, or write the rule as text.")
rule = steps.rule_editor(f"yd_{digest[:12]}", rule_rows, [c for c in rule_columns if c in kinds],
                         rule_labels, str, empty_note=empty)
if not rule and own is None:
    st.stop()
st.markdown("#### 6. Build")
steps.build_step(digest, steps.finish_draft(draft, rule), frame, own, check=None if own else columns.check)
next_steps(current="pages/4_Your_data.py", scenario=page.scenario)
