"""Presentation mode: the POC's story in six steps, key numbers large, no controls.

Turned on by the sidebar's "Presentation mode" switch or a link with ``?mode=present&step=N``.
The page setup (ui/frame/shell.py) calls :func:`present_if_on` on every page: when the mode is on it
draws the presentation instead of the page and the page stops there, so a copied link to any
page reopens the same step on a fresh server, and turning the mode off shows that page again
with the session's setting kept. The steps' words and figures come from
:mod:`proofdeck.sharing.story_steps`; this module only draws them.

Next and Back buttons step (the last step, the ask, stays put); the arrow keys and PageUp /
PageDown (what presentation clickers send) click them through a tiny script in the page.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from proofdeck.comparison.ab_test import ab_test_for
from proofdeck.data.spec import Economics
from proofdeck.explanation.stories import MODEL_RIGHT, empty_story_text, pick_stories, story_title
from proofdeck.model.scenario import Scenario
from proofdeck.review.marks import summarise
from proofdeck.sharing import story_steps as steps
from proofdeck.words import wording as w
from proofdeck.words.safe_text import md
from ui.frame import saved, state

NEXT_KEY, BACK_KEY, EXIT_KEY = "present_next", "present_back", "present_exit"
LONG = 1000  # characters: the A/B sentence and the charter's action run longer than md()'s 300

# Arrow keys step unless the reader is in a control that uses them (the slider; not the switch
# just clicked to start, a checkbox); PageUp and PageDown always step and are kept from the
# slider. Clicks the buttons; no network, no state.
KEYS_SCRIPT = """<script>
(() => {
  if (window.proofdeckPresentKeys) return;
  window.proofdeckPresentKeys = true;
  const buttons = {ArrowRight: "NEXT", PageDown: "NEXT", ArrowLeft: "BACK", PageUp: "BACK"};
  const controls = "input:not([type=checkbox]), textarea, select, [contenteditable], [role=slider], " +
    "[role=combobox], [role=listbox], [role=radiogroup], [role=tablist]";
  document.addEventListener("keydown", (event) => {
    const key = buttons[event.key];
    if (!key || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    const inControl = event.target instanceof Element && event.target.closest(controls);
    if (inControl && event.key.startsWith("Arrow")) return;
    const button = document.querySelector(".st-key-" + key + " button");
    if (!button || button.disabled) return;
    event.preventDefault();
    event.stopPropagation();
    button.click();
  }, true);
})();
</script>""".replace('"NEXT"', f'"{NEXT_KEY}"').replace('"BACK"', f'"{BACK_KEY}"')


_NOTICES = "pd_present_notices"


def link_notices(notices: list[str]) -> None:
    """Keep a bad link's notices for the step it opened on: drawn under the navigation, where
    they cover nothing, and gone once the presenter steps or leaves."""
    if notices:
        st.session_state[_NOTICES] = (current_step(), notices)


def _notices(step: int) -> None:
    kept = st.session_state.get(_NOTICES)
    if not kept:
        return
    if kept[0] != step:
        st.session_state.pop(_NOTICES, None)
        return
    st.caption(":material/link_off: " + " ".join(kept[1]), width="stretch")


def presenting() -> bool:
    """Whether this session is in presentation mode."""
    return bool(st.session_state.get(state.PRESENT))


def current_step() -> int:
    """The step shown (1 to 6); a missing or bad step from a link is 1."""
    return steps.step_number(st.session_state.get(state.STEP))


# Callbacks only change the session; the run that follows writes the address.


def start() -> None:
    """Turn presentation mode on at the first step."""
    st.session_state[state.PRESENT] = True
    st.session_state[state.STEP] = steps.FIRST


def stop() -> None:
    """Back to the usual pages; the session's setting and assumptions are kept."""
    st.session_state[state.PRESENT] = False
    st.session_state.pop(_NOTICES, None)


def _go(step: int) -> None:
    st.session_state[state.STEP] = steps.step_number(step)


def present_if_on(page) -> bool:
    """Draw the presentation when the mode is on and return True (the page then stops);
    return False and draw nothing otherwise.

    ``page`` is the :class:`ui.frame.shell.Page` of the page being run.
    """
    if not presenting():
        return False
    scenario = page.scenario
    step = current_step()
    st.session_state[state.STEP] = step  # a bad step from a link becomes 1, in the address too
    state.write_link(scenario)
    econ = state.economics(scenario)
    with st.container(key="pd_present"):
        _navigation(step, scenario)
        _notices(step)
        DRAW[steps.STEPS[step - 1].key](scenario, econ)
    st.html(KEYS_SCRIPT, unsafe_allow_javascript=True)
    return True


def _navigation(step: int, scenario: Scenario) -> None:
    """Back, where we are in the story, Next, and a way out."""
    row = st.container(horizontal=True, vertical_alignment="center", gap="small", key="pd_present_nav")
    row.button("Back", key=BACK_KEY, icon=":material/arrow_back:", disabled=step == steps.FIRST,
               on_click=_go, args=(steps.previous_step(step),), help="Left arrow or Page Up")
    names = []
    for number, item in enumerate(steps.STEPS, start=steps.FIRST):
        name = scenario.baseline.title if item.key == "rule" else item.name  # "A random pick" when no rule
        names.append(f":blue[**{number}. {name}**]" if number == step else f":gray[{number}. {name}]")
    row.markdown(" · ".join(names), width="stretch")
    row.button("Next", key=NEXT_KEY, icon=":material/arrow_forward:", type="primary",
               disabled=step == steps.LAST, on_click=_go, args=(steps.next_step(step),),
               help="Right arrow or Page Down")
    row.button("Exit", key=EXIT_KEY, icon=":material/close:", on_click=stop,
               help="Leave presentation mode; the setting is kept.")


# --- drawing a step's parts ------------------------------------------------------------------


def _figures(figures: tuple[steps.Figure, ...], key: str) -> None:
    """Key numbers, large, side by side."""
    with st.container(key=key):
        for column, figure in zip(st.columns(len(figures)), figures):
            column.metric(
                md(figure.label), figure.value, delta=_delta(figure.change),
                delta_color=figure.colour, delta_arrow="off" if figure.colour == "off" else "auto",
                border=True,
            )


def _delta(text: str | None) -> str | None:
    """A change line escaped for Markdown, its leading sign left bare: st.metric picks the
    arrow and colour by it ("-213 vs rule" must point down)."""
    if not text:
        return None
    if text[0] in "+-":
        return text[0] + md(text[1:])
    return md(text)


def _slide(slide: steps.Slide, key: str) -> None:
    st.title(md(slide.heading), anchor=False)
    if slide.subheading:
        st.subheader(md(slide.subheading, LONG), anchor=False)
    if slide.figures:
        _figures(slide.figures, key)
    for line in slide.lines:
        st.markdown(f"##### {md(line, LONG)}")
    for note in slide.notes:
        st.caption(md(note, LONG))


def _question(scenario: Scenario, econ: Economics) -> None:
    dataset = scenario.dataset
    _slide(steps.question_slide(scenario.spec, econ, len(dataset.frame), len(dataset.features),
                                dataset.positive_rate, scenario.sweep.size, scenario.unseen_note),
           "pd_present_figures_question")


def _rule(scenario: Scenario, econ: Economics) -> None:
    _slide(steps.rule_slide(scenario.spec, econ, scenario.rule_outcome(econ), scenario.sweep.size,
                            scenario.random_pick), "pd_present_figures_rule")


def _model(scenario: Scenario, econ: Economics) -> None:
    comparison = state.same_budget_comparison(scenario, econ)
    _slide(steps.model_slide(scenario.spec, econ, comparison, scenario.sweep.size, scenario.baseline,
                             scenario.unseen_note), "pd_present_figures_model")
    if scenario.uplift is not None:  # a past campaign: what the action changes is the story's point
        from proofdeck.comparison.effects import effect_verdicts
        from ui.frame import campaign

        # One line: the model slide is full at 1280x720. The effect ranking against the risk
        # ranking is the point; against today's rule is on Rule vs model.
        first = effect_verdicts(scenario, campaign.at_budget(scenario, econ))[0]
        st.markdown(f"**{md(w.effect_title(scenario.spec.nouns))}:** {md(first, LONG)}")


def _live(scenario: Scenario, econ: Economics) -> None:
    st.title(md(steps.live_heading(scenario.spec, econ)), anchor=False)
    _live_panel(scenario)


@st.fragment
def _live_panel(scenario: Scenario) -> None:
    """The Decide page's slider and what it moves; reruns alone when the slider moves, and
    moves the session's setting on every page."""
    from ui.decide.sections import setting_slider  # the Decide page's parts load only when needed

    spec, econ = scenario.spec, state.economics(scenario)
    count = setting_slider(scenario, econ, analyst=False)
    # What the next 5% would add, under the slider as on the Decide page.
    marginal = steps.live_marginal(spec, econ, scenario.sweep, state.top_k_bootstrap(scenario), count)
    if marginal:
        st.markdown(f":material/add_circle: {md(marginal, LONG)}")
    outcome = scenario.sweep.outcome_at_count(count, econ)
    rule = scenario.rule_outcome(econ)
    st.markdown(f"##### {md(w.readout(spec, outcome, scenario.threshold_at(count)), LONG)}")
    _figures(steps.live_figures(spec, econ, outcome, rule, scenario.baseline), "pd_present_figures_live")
    estimates = {name: getattr(outcome, name) for name in ("reached", "value_won", "net_value")}
    intervals = state.top_k_bootstrap(scenario).intervals_at(count, econ, estimates)
    st.caption(md(w.intervals_sentence(spec, econ, intervals, scenario.sweep.size), LONG))


def _examples(scenario: Scenario, econ: Economics) -> None:
    from ui.examples.sections import sentence_for  # shap loads only when the examples are shown

    spec, nouns = scenario.spec, scenario.spec.nouns
    count = state.count(scenario)
    flags, cutoff = scenario.flags_at(count), scenario.threshold_at(count)
    # The Examples page's draw, so the presenter sees the stories they prepared with.
    seed = state.story_seed(scenario)
    chosen = steps.story_choice(pick_stories(scenario.labels, flags, scenario.rule_acts, seed=seed))
    has_rule = not scenario.baseline.random
    st.title(md(f"Three {nouns.entities} the model never saw"), anchor=False)
    st.markdown(f"##### {md(steps.examples_line(spec, chosen), LONG)}")
    for column, story in zip(st.container(key="pd_present_stories").columns(len(chosen)), chosen):
        with column.container(border=True, key=f"pd_present_story_{story.kind}"):
            right = MODEL_RIGHT[story.kind]
            icon = ":green[:material/check_circle:]" if right else ":orange[:material/error:]"
            st.markdown(f"#### {icon} {md(story_title(story.kind, nouns, has_rule))}")
            if not story.available:
                st.caption(md(empty_story_text(story.kind, nouns, has_rule)))
                continue
            verdict = "The model is right" if right else "The model is wrong"
            st.caption(f"{verdict} · {md(spec.label(spec.id_column))} "
                       f"{md(scenario.ids.iloc[story.position])} · one of {story.pool_size:,} like this")
            st.markdown(sentence_for(scenario, story.position, flags, cutoff))


def _ask(scenario: Scenario, econ: Economics) -> None:
    spec = scenario.spec
    comparison = state.same_budget_comparison(scenario, econ)
    try:
        test, problem = ab_test_for(comparison.rule, comparison.model, econ), ""
    except ValueError as error:
        test, problem = None, str(error)
    the_ask = steps.ask(spec, econ, comparison, test, problem, charter=state.charter(scenario),
                        against=scenario.baseline)
    st.title("The ask", anchor=False)
    left, right = st.columns([1.15, 1], gap="large")
    with left:
        st.subheader(md(the_ask.action, LONG), anchor=False)
        st.markdown(f"**Owner:** {md(the_ask.owner)}")
        st.markdown(f"**The promise:** {md(the_ask.promise, LONG)}")
        marks = [(":green[:material/check_box:]" if done else ":gray[:material/check_box_outline_blank:]")
                 + f" {md(text)}" + (" · done" if done else "") for text, done in the_ask.checklist]
        st.markdown("  \n".join(["**Ready for production?**", *marks]))
        review = saved.marks_of(scenario)
        if review is not None:
            st.markdown("**Expert review:** " + md(summarise(review).sentence(spec.nouns.entity, spec.nouns.entities)))
    with right:
        data_range, *wider = the_ask.impact
        _figures((data_range,), "pd_present_figures_ask")
        for figure in wider:  # the range with the money assumptions' ranges too, on one line
            st.markdown(f"**{md(figure.label)}:** {md(figure.value)}" + (f" ({md(figure.change)})" if figure.change else ""))
        (label, sentence), *others = the_ask.tests
        st.markdown(f"**{md(label)}:** {md(sentence, LONG)}")
        for label, sentence in others:  # the model against the other arm: smaller, the slide is full
            st.caption(f"**{md(label)}:** {md(sentence, LONG)}")


DRAW: dict[str, Callable[[Scenario, Economics], None]] = {
    "question": _question,
    "rule": _rule,
    "model": _model,
    "live": _live,
    "examples": _examples,
    "ask": _ask,
}
