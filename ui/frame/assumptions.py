"""The "Assumptions" form: the demo's unit economics, editable for this session."""

from __future__ import annotations

import math

import streamlit as st

from proofdeck.data.spec import ASSUMABLE, ECONOMICS_BOUNDS
from proofdeck.decisions.assumption_ranges import assumption_ranges
from proofdeck.model.scenario import Scenario
from proofdeck.words.safe_text import md
from ui.frame import state

# (field, label, kind) -- kind "money", "share" (shown in %), "count" or "text".
FIELDS = [
    ("cost_per_action", "Cost per {action}", "money"),
    ("value_per_won", "Value per {won}", "money"),
    ("win_rate", "Share of reached {positives} the {action} wins (%)", "share"),
    ("fixed_cost", "Fixed cost per {period}", "money"),
    ("cost_per_miss", "Extra cost per {positive} missed", "money"),
    ("population", "{entities} per {period}", "count"),
    ("period", "Period", "text"),
]


# The spec check's own ranges: a typed inf, NaN or 1e200 never reaches the money arithmetic.
BOUNDS = ECONOMICS_BOUNDS


def _key(scenario: Scenario, field: str) -> str:
    return f"econ_{scenario.spec.key}_{field}"


def _widget_value(field: str, kind: str, value):
    return round(value * 100, 2) if kind == "share" else value


def _changed(scenario: Scenario, field: str, kind: str) -> None:
    value = st.session_state[_key(scenario, field)]
    if kind == "share":
        value = max(value, 0.01) / 100
    if kind != "text" and not math.isfinite(float(value)):
        return
    elif kind != "text":
        value = float(value)
    elif not str(value).strip():
        return
    state.set_economics(scenario, **{field: value})


# The range sliders' labels never contain an input's own label, so each stays findable by it.
RANGE_LABELS = {
    "cost_per_action": "What one {action} may cost",
    "value_per_won": "What one {won} may be worth",
    "win_rate": "Share of reached {positives} that may be won (%)",
    "fixed_cost": "What the fixed cost may be",
    "cost_per_miss": "What one {positive} missed may cost",
}


def _range_changed(scenario: Scenario, field: str) -> None:
    low, high = st.session_state[_key(scenario, f"{field}_range")]
    if field == "win_rate":
        low, high = low / 100, high / 100
    likely = getattr(state.economics(scenario), field)
    stated = {name: (a, b) for name, a, b in state.economics(scenario).ranges}
    stated[field] = (min(float(low), likely), max(float(high), likely))  # the assumed figure stays inside
    state.set_economics(scenario, ranges=tuple((name, *stated[name]) for name in ASSUMABLE if name in stated))


def _money_step(likely: float) -> float:
    """A slider step of about a fiftieth of the assumed figure, rounded to a power of ten."""
    return float(10 ** math.floor(math.log10(max(likely, 1.0) / 50))) if likely >= 50 else 1.0


def ranges_form(scenario: Scenario, econ, words: dict[str, str]) -> None:
    """How far off each money assumption could be: the ask's wider range counts these."""
    moving = assumption_ranges(econ)
    if not moving:
        return
    with st.expander("How sure are these figures?", icon=":material/tune:"):
        st.caption("The ask's wider range lets each figure be anywhere from low to high, most likely the one "
                   "above. (a guess) marks Proofdeck's default: set what the business believes.")
        for item in moving:
            key = _key(scenario, f"{item.field}_range")
            label = RANGE_LABELS[item.field].format(**words) + (" (a guess)" if item.guessed else "")
            if item.field == "win_rate":
                st.session_state[key] = (round(item.low * 100), round(item.high * 100))
                st.slider(label, min_value=1, max_value=100, step=1, key=key,
                          on_change=_range_changed, args=(scenario, item.field))
                continue
            step = _money_step(item.likely)
            top = max(3 * item.likely, item.high, step)
            st.session_state[key] = (float(item.low), float(item.high))
            st.slider(label, min_value=0.0, max_value=float(math.ceil(top / step) * step), step=step, key=key,
                      format=econ.currency.replace("%", "%%") + "%.0f",
                      on_change=_range_changed, args=(scenario, item.field))


def _reset(scenario: Scenario) -> None:
    state.reset_economics(scenario)


def assumptions_form(scenario: Scenario) -> None:
    """Inputs prefilled from the spec, one under the other (they live in the sidebar, so the
    figures they move stay in view); edits apply to every page for this session."""
    econ = state.economics(scenario)
    words = {**vars(scenario.spec.nouns), "period": econ.period}
    for field, label, kind in FIELDS:
        key = _key(scenario, field)
        # Refilled on every run: a value a previous page's widget left behind must never show.
        # Edits reach the session's economics through the callback first, so nothing is lost.
        st.session_state[key] = _widget_value(field, kind, getattr(econ, field))
        text = label.format(**words)
        text = text[0].upper() + text[1:] + (" (an example value)" if field in econ.assumed else "")
        if kind == "text":
            st.text_input(text, key=key, max_chars=20, on_change=_changed, args=(scenario, field, kind))
            continue
        disabled = field == "value_per_won" and econ.value_column is not None
        help_text = (
            f"Each {scenario.spec.nouns.positive} is worth its own '{md(econ.value_column)}'."
            if disabled else None
        )
        low, high = BOUNDS[field]
        st.number_input(
            text,
            key=key,
            min_value=low * 100 if kind == "share" else low,
            max_value=high * 100 if kind == "share" else high,
            step=1.0 if kind in ("share", "money") else 1000.0,
            format="%.0f" if kind == "count" else "%.2f",
            disabled=disabled,
            help=help_text,
            on_change=_changed,
            args=(scenario, field, kind),
        )
    ranges_form(scenario, econ, words)
    st.button("Reset to the demo's values", on_click=_reset, args=(scenario,), icon=":material/restart_alt:")
    st.caption("Changes apply to every page for this session only; the demo file is not changed.")
