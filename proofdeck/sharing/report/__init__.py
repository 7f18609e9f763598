"""The one-file report: a business case for the POC that opens offline, in any browser.

A single HTML file holds everything: the question and the answer, the data in one line, today's
rule against the model at the same budget with 95% intervals, the chosen setting's outcomes in
the Decide page's own words (with what the next 5% would add), the money and gains charts, what
each further 5% adds and "Worth it at other prices?" (the decision curve in money; interactive Plotly,
plotly.js inlined once), four honest examples, the assumptions, the charter with the A/B test it needs, and the
caveats. No font, image, style sheet or script is fetched from anywhere, and a Content Security
Policy in the file forbids the browser to try.

It is made in three steps, one module each:

- :mod:`.inputs` gathers what it is made from (the pages' comparison, summary, best setting,
  leak check, stories), computing only what the caller did not pass;
- :mod:`.build` words and formats it all into :mod:`.content`'s dataclasses, plain text and
  numbers (with :mod:`.charts`, :mod:`.examples` and :mod:`.caveats` for those sections);
- :mod:`.render` writes that content through an autoescaping Jinja2 template.

The same inputs give the same file (stories drawn with a fixed seed, fixed chart ids), so a
report can be rebuilt and compared.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from proofdeck.comparison.compare import SameBudget
from proofdeck.comparison.stability import Stability
from proofdeck.data.spec import Charter, Economics
from proofdeck.decisions.best_setting import BestSetting
from proofdeck.decisions.top_k_bootstrap import TopKBootstrap
from proofdeck.model.scenario import Scenario
from proofdeck.review.marks import Mark
from proofdeck.sharing.report.build import report_content, setting_text
from proofdeck.sharing.report.inputs import gather_inputs
from proofdeck.sharing.report.render import render_report
from proofdeck.upload.leakage import LeakCheck

if TYPE_CHECKING:  # shap is imported only when an example is explained
    from proofdeck.explanation.explain import ModelExplainer

__all__ = ["report_file_name", "report_html", "setting_text"]


def report_html(
    scenario: Scenario,
    economics: Economics,
    count: int,
    *,
    comparison: SameBudget | None = None,
    bootstrap: TopKBootstrap | None = None,
    best: BestSetting | None = None,
    explainer: ModelExplainer | None = None,
    check: LeakCheck | None = None,
    stability: Stability | None = None,
    charter: Charter | None = None,
    story_seed: int = 0,
    made_on: str | None = None,
    marks: Sequence[Mark] | None = None,
    saved_link: str | None = None,
) -> str:
    """The one-file HTML report of a demo at a setting and some assumptions.

    Parameters
    ----------
    scenario : the fitted demo.
    economics : the assumptions (the spec's own or a session's).
    count : held-out examples the model acts on (its top ones), as on the pages.
    comparison, bootstrap, best, explainer : precomputed pieces (a page passes its cached
        ones); each is computed when None, with the pages' own seeds and sizes
        (:func:`~proofdeck.sharing.report.inputs.gather_inputs`).
    check : what the leak guard checked and found (an upload's, made before it was built);
        None checks the model's columns (:func:`proofdeck.upload.leakage.check_columns`,
        a few refits of the model).
    stability : the model's gain across refits (:func:`proofdeck.comparison.stability.model_stability`),
        when computed; it is slow, so it is never computed here.
    charter : the POC's ask as edited for a session (default: the spec's own).
    story_seed : seed of the four examples (0 draws the ones the Examples page shows first).
    made_on : a date to print in the footer, e.g. "2025-06-01"; none by default, so the same
        inputs give the same bytes.
    marks : the team's review marks of a proof of concept saved in the workspace (None: not saved).
    saved_link : its viewer link, printed in the footer.

    Returns
    -------
    str
        A complete HTML document (about 5 MB: plotly.js is inlined once).
    """
    inputs = gather_inputs(scenario, economics, count, comparison=comparison, bootstrap=bootstrap, best=best,
                           explainer=explainer, check=check, stability=stability, charter=charter,
                           story_seed=story_seed)
    return render_report(report_content(scenario, economics, inputs, made_on, marks, saved_link))


def report_file_name(scenario: Scenario, count: int) -> str:
    """A file name for the report, e.g. ``churn-report-top-603.html``."""
    return f"{scenario.spec.key}-report-top-{int(count)}.html"
