"""What the report is made from: the comparison objects the pages use, gathered in one place.

A page passes its cached pieces; :func:`gather_inputs` computes only what is missing, with the
pages' own seeds and sizes, so the report's numbers are the pages' numbers. Nothing else in the
report computes anything slow: the content builder only words and formats.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from proofdeck.comparison.compare import SameBudget, same_budget
from proofdeck.comparison.stability import Stability
from proofdeck.data.spec import Charter, Economics
from proofdeck.decisions.best_setting import BestSetting, best_setting
from proofdeck.decisions.marginal import Slice
from proofdeck.decisions.top_k_bootstrap import TopKBootstrap
from proofdeck.explanation.stories import Story, pick_stories
from proofdeck.model.scenario import Scenario
from proofdeck.sharing.summary import SettingSummary, marginal_table, setting_summary
from proofdeck.upload.leakage import LeakCheck, check_columns

if TYPE_CHECKING:  # shap is imported only when an example is explained
    from proofdeck.explanation.explain import ModelExplainer


@dataclass(frozen=True)
class ReportInputs:
    """Everything the report's content is built from, for one demo at one setting.

    Attributes
    ----------
    count : held-out examples the model acts on (clipped to 0..held-out size).
    comparison : today's rule (or a random pick) against the model at the rule's budget.
    summary : what the Decide page says at ``count``.
    best : the best setting by net value.
    check : what the leak guard checked and found; None for the business's own scores.
    stability : the model's gain across refits, when measured.
    charter : the POC's ask.
    stories : the four examples, drawn as the Examples page draws them.
    contributions : each available story's explanation (its row of column contributions), by
        held-out position; empty for the business's own scores.
    marginal : every 5% slice's marginal net value with its 95% range (the Decide page's chart).
    """

    count: int
    comparison: SameBudget
    summary: SettingSummary
    best: BestSetting
    check: LeakCheck | None
    stability: Stability | None
    charter: Charter
    stories: tuple[Story, ...]
    contributions: dict[int, Any]
    marginal: tuple[Slice, ...] = ()


def gather_inputs(
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
) -> ReportInputs:
    """The report's inputs, each piece given or computed here (see :func:`~proofdeck.sharing.report.report_html`).

    Computed when None: the same-budget comparison, the top-k bootstrap and the best setting
    (the pages' seeds and sizes), the leak check (a few refits of the model; never for the
    business's own scores), the explainer (only when a story needs one). ``stability`` is slow
    and never computed here.
    """
    sc, spec = scenario, scenario.spec
    count = int(min(max(count, 0), sc.sweep.size))
    if comparison is None:
        comparison = same_budget(sc.scores, sc.rule_flags, sc.labels, sc.values, economics)
    if bootstrap is None:
        bootstrap = TopKBootstrap(sc.sweep.order, sc.labels, sc.values)
    if best is None:
        best = best_setting(sc.scores, sc.labels, sc.values, economics)
    if check is None and sc.refittable:
        check = check_columns(sc.dataset.frame, sc.dataset.labels, tuple(sc.model.features), spec.target_column,
                              spec.model.kind, spec.model.test_size, spec.model.seed)
    stories = tuple(pick_stories(sc.labels, sc.flags_at(count), sc.rule_acts, seed=story_seed))
    return ReportInputs(
        count=count,
        comparison=comparison,
        summary=setting_summary(sc, economics, count, bootstrap),
        best=best,
        check=check,
        stability=stability,
        charter=spec.charter if charter is None else charter,
        stories=stories,
        contributions=story_contributions(sc, stories, explainer),
        marginal=marginal_table(sc, economics, bootstrap),
    )


def story_contributions(scenario: Scenario, stories: tuple[Story, ...],
                        explainer: ModelExplainer | None = None) -> dict[int, Any]:
    """Each available story's column contributions, by held-out position (shap, through the
    model's explainer, made here when None). Empty for the business's own scores."""
    positions = [story.position for story in stories if story.available]
    if not positions or scenario.own_scores:
        return {}
    from proofdeck.explanation.explain import make_explainer

    if explainer is None:
        explainer = make_explainer(scenario.model, scenario.typical_rows)
    rows = scenario.heldout.iloc[positions]
    explained = explainer.explain(rows[list(scenario.model.features)])
    return {position: explained.row(i) for i, position in enumerate(positions)}
