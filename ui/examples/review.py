"""The team's review on the Examples page: marks on one example, what the wrong ones share.

Anyone with a reviewer or editor link to a saved proof of concept marks the model's call on an
example right or wrong, with a reason and their name; everyone with a link sees the marks. The
error patterns work on any demo: the examples reviewers marked wrong, or the model's own
mistakes on the held-out outcome.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from proofdeck.explanation.groups import scenario_concepts
from proofdeck.model.scenario import Scenario
from proofdeck.review.marks import RIGHT, WRONG, latest_verdicts, marks_csv, marks_frame, summarise
from proofdeck.review.patterns import disagreement, grouped_sentence, over_represented, under_groups
from proofdeck.words import wording as w
from proofdeck.words.safe_text import md
from proofdeck.workspace.store import WorkspaceError
from proofdeck.workspace.tokens import can_review
from ui.frame import saved, state
from ui.frame.save_panel import NAME

MARK_LABEL = "Save my mark"


def mark_form(scenario: Scenario, position: int) -> None:
    """In an open example: the team's marks on it, and a form to add one (reviewers, editors)."""
    entry = saved.entry_of(scenario)
    if entry is None:
        return
    nouns = scenario.spec.nouns
    example_id = str(scenario.ids.iloc[position])
    st.markdown("##### The team's review")
    marks = [m for m in (saved.marks_of(scenario) or []) if m.example_id == example_id]
    for mark in marks:
        icon = ":green[:material/check_circle:]" if mark.verdict == RIGHT else ":red[:material/cancel:]"
        reason = f": {md(mark.reason, limit=300)}" if mark.reason else ""
        st.markdown(f"{icon} **{md(mark.reviewer, limit=60)}** says the model is {mark.verdict}{reason} "
                    f":gray[({mark.marked_at:%d %b %Y %H:%M} UTC)]")
    if not marks:
        st.caption(f"Nobody has marked this {nouns.entity} yet.")
    if not can_review(entry.role):
        st.caption("This link can only view: a reviewer or editor link can mark examples.")
        return
    with st.form(key=f"mark_{scenario.spec.key}_{example_id}", border=True, clear_on_submit=True):
        verdict = st.radio(f"Is the model's call on this {nouns.entity} right?", ["Right", "Wrong"], horizontal=True,
                           index=None)
        reason = st.text_input("Why? (a few words; needed for \"wrong\")", max_chars=300)
        name = st.text_input("Your name", value=st.session_state.get(NAME, ""), max_chars=60)
        clicked = st.form_submit_button(MARK_LABEL, icon=":material/rate_review:")
    if not clicked:
        return
    if verdict is None:
        st.error("Pick right or wrong first.", icon=":material/error:")
        return
    st.session_state[NAME] = name.strip()[:60]
    try:
        saved.workspace().add_mark(entry.token, example_id, verdict.lower(), reason, name)
    except (ValueError, WorkspaceError) as error:
        st.error(md(str(error), limit=300), icon=":material/error:")
        return
    st.toast("Mark saved: the team sees it now.", icon=":material/rate_review:")
    st.rerun()


def team_review(scenario: Scenario) -> None:
    """The review so far (saved items): who marked what, as a table and a CSV."""
    nouns = scenario.spec.nouns
    marks = saved.marks_of(scenario)
    st.markdown("#### The team's review")
    if marks is None:
        st.caption(f"Save this proof of concept to the team workspace (on the Share page) and send a reviewer "
                   f"link: the people who know the business can then mark each {nouns.entity} the model got right "
                   "or wrong, and say why.")
        return
    st.markdown(summarise(marks).sentence(nouns.entity, nouns.entities))
    if not marks:
        st.caption(f"Open a {nouns.entity} below or in the table above to mark it (with a reviewer or editor link).")
        return
    st.dataframe(marks_frame(marks), hide_index=True, height=min(320, 38 + 35 * len(marks)), width="stretch")
    st.download_button("Download the marks (CSV)", marks_csv(marks), file_name=f"{scenario.spec.key}-review-marks.csv",
                       mime="text/csv", icon=":material/download:", key="marks_csv",
                       help="Cells that a spreadsheet would run as a formula start with an apostrophe.")


def _groups(scenario: Scenario, model_flags: np.ndarray, marks: list | None) -> dict[str, tuple]:
    """The groups one can look into: label -> (group mask, base mask, group noun, base noun)."""
    nouns, labels = scenario.spec.nouns, scenario.labels
    size = labels.size
    groups: dict[str, tuple] = {}
    if marks:
        wrong_ids = {i for i, verdict in latest_verdicts(marks).items() if verdict == WRONG}
        group = scenario.ids.astype(str).isin(wrong_ids).to_numpy()
        if group.any():
            groups[f"{w.sentence_case(nouns.entities)} reviewers marked wrong"] = (
                group, np.ones(size, dtype=bool), "marked wrong", f"all held-out {nouns.entities}")
    groups[f"{w.sentence_case(nouns.positives)} the model missed"] = (
        labels & ~model_flags, labels.copy(), f"missed {nouns.positives}", f"all held-out {nouns.positives}")
    groups[f"{w.sentence_case(nouns.actions)} the model wasted"] = (
        model_flags & ~labels, model_flags.copy(), f"wasted {nouns.actions}",
        f"all {nouns.entities} the model acts on")
    return groups


@st.cache_data(show_spinner="Looking for what they have in common...", max_entries=32)
def _patterns(demo_key: str, label: str, group_bytes: bytes, base_bytes: bytes, _scenario: Scenario):
    group = np.frombuffer(group_bytes, dtype=bool)
    base = np.frombuffer(base_bytes, dtype=bool)
    frame = _scenario.heldout.loc[:, list(_scenario.dataset.features)]
    labels = {c: _scenario.spec.label(c) for c in frame.columns}
    return over_represented(frame, group, base=base, labels=labels)


def concepts(scenario: Scenario):
    return scenario_concepts(scenario)


def error_patterns(scenario: Scenario, model_flags: np.ndarray) -> None:
    """What the wrong ones have in common, in words, and where rule and model disagree."""
    nouns = scenario.spec.nouns
    st.markdown("#### Where the model goes wrong")
    groups = _groups(scenario, model_flags, saved.marks_of(scenario))
    label = st.segmented_control("Look into", list(groups), default=list(groups)[0],
                                 key=f"error_group_{scenario.spec.key}") or list(groups)[0]
    group, base, group_noun, base_noun = groups[label]
    if not group.any():
        st.caption("None at this setting: nothing to look into.")
        return
    patterns = _patterns(state.cache_key(scenario), label, np.ascontiguousarray(group).tobytes(),
                         np.ascontiguousarray(base).tobytes(), scenario)
    if patterns:
        group_of = {column: c.name for c in concepts(scenario) if c.named for column in c.columns}
        st.markdown("\n".join(f"- {md(grouped_sentence(p, group_noun, base_noun, group), limit=400)}"
                               for group, p in under_groups(patterns, group_of)))
        st.caption("Each is clearly more common among them than among the rest, more than chance would explain "
                   "(a one-sided Fisher exact test, p < 0.05). A pattern says where to look (a rule, a column, more "
                   "data), not why.")
    else:
        st.caption(f"Nothing stands out: no column value is clearly more common among the {w.count(int(group.sum()))} "
                   f"{group_noun} than among {base_noun}.")
    if not scenario.baseline.random:
        split = disagreement(scenario.rule_acts.astype(bool), model_flags, group)
        st.markdown(md(split.sentence(group_noun, f"all held-out {nouns.entities}", scenario.baseline.name), limit=400))


