"""Proofdeck's landing page, "The pitch": the question, the data, today's rule, the headline."""


from ui.pitch.first_paint import FIRST_PAINTS, first_visit_progress, pitch_first_paint, title

# The first screen comes from cached held-out results before scikit-learn and pandas load (they
# take seconds on a fresh server); the imports below happen once it is on its way to the browser.
# With nothing cached, a box says what the first visitor waits for, step by step.
with FIRST_PAINTS.painting():
    first = pitch_first_paint()
FIRST_PAINTS.wait_for_others()  # a room's headlines first, then everyone's rest of the page
progress = None if first is not None else first_visit_progress()

from ui.frame import state  # noqa: E402
from ui.frame.shell import page_setup  # noqa: E402
from ui.frame.widgets import analyst_quality, next_steps  # noqa: E402
from ui.pitch.charter import the_ask  # noqa: E402
from ui.pitch.sections import data_rule_model, headline_box, stability_note, trust_notes  # noqa: E402

page = page_setup("The pitch", progress)
spec, scenario, econ = page.spec, page.scenario, page.economics

if first is not None and first.spec.key == spec.key:
    comparison = state.same_budget_comparison(scenario, econ)
    with first.stability_slot:
        stability_note(scenario, comparison)
else:
    if progress is not None:
        progress.step(3, f"Comparing the model with {scenario.baseline.name} on the {scenario.sweep.size:,} "
                         f"{spec.nouns.entities} it never saw...")
    if progress is None or progress.spec.key != spec.key:
        title(spec)
    comparison = headline_box(scenario, econ, page.analyst)
    if progress is not None:
        progress.done()
trust_notes(scenario, econ)
data_rule_model(scenario, comparison)
the_ask(scenario, econ, comparison)

if page.analyst:
    analyst_quality(scenario)
next_steps(current="app.py", scenario=scenario)
