"""Your data, step 4: the words the pages speak, the money, the columns' labels and concepts.

Everything starts drafted from the file (the outcome's name, a bundled demo's money as an
example, readable column names) and is drafted again when the outcome changes, except what the
person typed: their edits are kept per file, whatever outcome they pick next. Money nobody
typed or confirmed stays marked as an example on every page (``Economics.assumed``).
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

import pandas as pd
import streamlit as st

from proofdeck.data.spec import ECONOMICS_BOUNDS, Nouns, heading_key
from proofdeck.data.spec_schema import MAX_GROUP_NAME
from proofdeck.upload.draft import DemoDraft, talk_sentence
from proofdeck.words import wording as w
from proofdeck.words.safe_text import md, plain_words

_WORDS = (("entity", "One row is a..."), ("positive", "Someone with the outcome is a..."),
          ("action", "What we do for them (one)"), ("score", "The model's score is called"))
# (field, label, to the widget, from the widget)
_MONEY = (
    ("cost_per_action", "Cost per {action}", float, float),
    ("value_per_won", "Value of each {won}", float, float),
    ("win_rate", "Share of reached {positives} won (%)", lambda v: float(v) * 100, lambda v: float(v) / 100),
)
CURRENCIES = ("$", "€", "£", "¥", "₹", "CHF ", "SEK ", "NOK ", "DKK ", "PLN ", "CA$", "A$")


def _edits(prefix: str) -> dict:
    """What this person typed for this file, by field: kept when the outcome changes."""
    return st.session_state.setdefault(f"{prefix}_edits", {})


def _remember(prefix: str, field: str, key: str) -> None:
    _edits(prefix)[field] = st.session_state[key]


def draft_key(draft: DemoDraft) -> str:
    """Short fingerprint of what the words are drafted from (the outcome and its values): a new
    outcome draws fresh inputs, so no word of the first guess is left behind."""
    return hashlib.sha256(repr((draft.outcome, draft.positives)).encode()).hexdigest()[:8]


def words_step(digest: str, draft: DemoDraft, detected_currency: tuple[str | None, str]) -> DemoDraft:
    """The nouns, the money and the labels, with a live sentence showing how the pages will talk."""
    prefix = f"yd_{digest[:12]}"
    edits, fresh = _edits(prefix), draft_key(draft)
    columns = st.columns(4)
    typed = {}
    for column, (field, label) in zip(columns, _WORDS):
        key = f"{prefix}_{field}_{fresh}"
        value = column.text_input(label, value=edits.get(field, getattr(draft.nouns, field)), key=key, max_chars=40,
                                  on_change=_remember, args=(prefix, field, key))
        typed[field] = plain_words(value, getattr(draft.nouns, field))
    nouns = _nouns(draft.nouns, typed)
    economics = _money(prefix, fresh, nouns, draft, detected_currency)
    st.info(f"How the pages will talk: {md(talk_sentence(nouns, economics), limit=600)}", icon=":material/chat:")
    labels = _labels(prefix, draft)
    groups = _concepts(prefix, draft, labels)
    return replace(draft, nouns=nouns, economics=economics, labels=labels, groups=groups,
                   question=f"Which {nouns.entities} should get {w.a(nouns.action)}?")


def _money(prefix: str, fresh: str, nouns: Nouns, draft: DemoDraft, detected: tuple[str | None, str]):
    """The unit economics: example values until typed or confirmed, the currency found in the
    file, and a population only if the person gives one (no "per quarter" without it)."""
    econ, edits = draft.economics, _edits(prefix)
    words = {**vars(nouns)}
    sign, where = detected
    currency_key = f"{prefix}_currency"
    options = list(dict.fromkeys(([sign] if sign else []) + list(CURRENCIES)))
    cells = st.columns([1.3, 2, 2, 2]) + st.columns([3, 1.5, 3.5])[:2]
    currency = cells[0].selectbox("Currency", options, key=currency_key,
                                  index=options.index(edits.get("currency", sign or "$")),
                                  on_change=_remember, args=(prefix, "currency", currency_key),
                                  help=f"Found in the file: {md(where)}." if sign else "No currency sign was found in "
                                  "the file.")
    changes, typed_fields = {}, set()
    for cell, (field, label, shown, read) in zip(cells[1:4], _MONEY):
        key = f"{prefix}_{field}_{fresh}"
        low, high = ECONOMICS_BOUNDS[field]
        value = edits.get(field, shown(getattr(econ, field)))
        if field == "win_rate":
            low, high = 0.01, 100.0
        entered = cell.number_input(label.format(**words), value=float(value), min_value=float(low),
                                    max_value=float(high), key=key, on_change=_remember, args=(prefix, field, key))
        changes[field] = read(entered)
        if field in edits:
            typed_fields.add(field)
    population_key = f"{prefix}_population"
    population = cells[4].number_input(f"{w.sentence_case(nouns.entities)} per period (0: figures for the "
                                       "held-out rows only)", value=float(edits.get("population", 0.0)),
                                       min_value=0.0, max_value=ECONOMICS_BOUNDS["population"][1], step=1000.0,
                                       format="%.0f", key=population_key,
                                       on_change=_remember, args=(prefix, "population", population_key))
    period_key = f"{prefix}_period"
    period = plain_words(cells[5].text_input("Period", value=edits.get("period", econ.period), key=period_key,
                                             max_chars=20, on_change=_remember,
                                             args=(prefix, "period", period_key)), "quarter")
    confirm_key = f"{prefix}_money_confirmed"
    confirmed = st.checkbox("These are our own figures (not examples)", key=confirm_key,
                            value=bool(edits.get("confirmed", False)), on_change=_remember,
                            args=(prefix, "confirmed", confirm_key))
    assumed = () if confirmed else tuple(f for f in econ.assumed if f not in typed_fields)
    if assumed:
        named = [label.format(**words).split(" (%)")[0].lower() for field, label, *_ in _MONEY if field in assumed]
        st.caption(f":material/warning: {md(w.sentence_case(_join(named)))} {'is' if len(named) == 1 else 'are'} "
                   "example values from a bundled demo of the same kind. Every page and the report say "
                   "\"assumed, not confirmed\" until you change them or tick the box.")
    return replace(econ, currency=currency, population=population, period=period, assumed=assumed, **changes)


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _labels(prefix: str, draft: DemoDraft) -> tuple[tuple[str, str], ...]:
    """Readable labels for the columns, editable in one table; used on every page."""
    edits = _edits(prefix)
    current = dict(draft.labels)  # the editor keeps the person's edits itself (its input stays the draft)
    with st.expander("Column names as the pages show them", icon=":material/label:"):
        key = f"{prefix}_labels"
        table = pd.DataFrame({"Column in the file": list(current), "Shown as": list(current.values())})
        edited = st.data_editor(table, key=key, hide_index=True, width="stretch", disabled=["Column in the file"],
                                column_config={"Shown as": st.column_config.TextColumn(max_chars=60)})
        chosen, seen, clashes = {}, {}, []
        for column, label in zip(edited["Column in the file"], edited["Shown as"]):
            text = " ".join(str(label or "").split()) or dict(draft.labels).get(column, column)
            fold = text.casefold()
            if fold in seen:
                clashes.append(f"'{column}' and '{seen[fold]}'")
                text = dict(draft.labels).get(column, column)
            seen.setdefault(text.casefold(), column)
            chosen[column] = text
        if clashes:
            st.warning("Two columns cannot share a label (tables use labels as headings): "
                       + md(", ".join(clashes), limit=300) + " keep their first labels.")
        changed = {c: label for c, label in chosen.items() if label != dict(draft.labels).get(c)}
        edits["labels"] = changed
    return tuple((c, chosen.get(c, label)) for c, label in draft.labels)


def _concepts(prefix: str, draft: DemoDraft, labels: tuple[tuple[str, str], ...]) -> tuple:
    """Business concepts: a "Concept" beside each column the model uses (blank: its own); the
    pages then explain in concepts ("Billing"), with the columns a click away. Kept in the
    draft's spec and the downloadable one."""
    features = [c for c in draft.features if c not in (draft.outcome, draft.id_column)]
    shown = dict(labels)
    owner = {column: name for name, columns in draft.groups for column in columns}
    with st.expander("Business concepts: columns that belong together (optional)", icon=":material/category:"):
        st.caption("Give columns that belong together one concept, e.g. \"Billing\" for the charges and the "
                   "payment method: explanations, stories, the drivers chart and the error patterns then speak in "
                   "concepts, with the columns a click away. Leave it blank for a column to stand on its own.")
        key = f"{prefix}_concepts_{hashlib.sha256(repr(features).encode()).hexdigest()[:8]}"
        table = pd.DataFrame({"Column": [shown.get(c, c) for c in features],
                              "Concept": [owner.get(c, "") for c in features]})
        edited = st.data_editor(table, key=key, hide_index=True, width="stretch", disabled=["Column"],
                                column_config={"Concept": st.column_config.TextColumn(
                                    max_chars=MAX_GROUP_NAME, help="Blank: the column stands on its own")})
        groups: dict[str, list[str]] = {}
        spelling: dict[str, str] = {}  # one concept however it is capitalised
        label_keys = {heading_key(label): column for column, label in labels}
        refused = []
        for column, concept in zip(features, edited["Concept"]):
            text = " ".join("".join(ch for ch in str(concept or "") if ch.isprintable()).split())[:MAX_GROUP_NAME]
            if not text:
                continue
            if heading_key(text) in label_keys:
                refused.append(text)
                continue
            name = spelling.setdefault(heading_key(text), text)
            groups.setdefault(name, []).append(column)
        if refused:
            st.warning("A concept cannot be named like a column (a sentence could mean either): "
                       + md(", ".join(dict.fromkeys(refused)), limit=300) + " left out; give it another name.",
                       icon=":material/warning:")
        elif groups:
            st.caption(f"{len(groups)} concept{'s' if len(groups) != 1 else ''}: "
                       + md(", ".join(groups), limit=400) + ".")
    return tuple((name, tuple(columns)) for name, columns in groups.items())


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
        nouns = replace(nouns, action=action, actions=w.plural(action), act=f"give {w.a(action)} to")
    return nouns
