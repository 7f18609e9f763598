"""Do the pages' 95% intervals cover the truth about 95% of the time?

Held-out sets are drawn from worlds whose figures are known exactly (coverage_worlds.py); each
interval is computed with the functions the pages use and checked against the world's truth:

- paired: the model's extra net value over the rule at the rule's budget (``same_budget``);
- slider: net value and positives reached acting on the top share (``TopKBootstrap``);
- next 5%: the net value the next 5% of examples adds from there (``marginal.slice_value``,
  the same resamples), against the world's difference between the two shares;
- headline: the ranges a demo's headline carries (``SameBudget.headline_interval``): the extra
  net value, the extra value won and the change in the cost per won, at the pages' own number of
  resamples (``headline_coverage``; only the benchmark runs it, see docs/statistics.md);
- combined: the extra net value with the money assumptions' ranges counted too. Here the
  world's true money is itself drawn from those ranges for each held-out set, so the interval
  must cover a truth that moves with the money, as a real one would.

The suite's run is seeded and quick (QUICK_SIMS held-out sets per world, 300 resamples); its
band allows for the simulation's own error (3.3 standard errors of a 95% proportion). The long
run, ``python -m pytest -m coverage_long`` (left out unless asked for), holds them to 93.5-96.5%
on 2,000 sets per world; benchmarks/coverage_simulation.py prints the table in
docs/statistics.md.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
from coverage_worlds import CHURN, FRAUD, FRAUD_HEAVY, LEADS, World

from proofdeck.comparison.compare import same_budget
from proofdeck.decisions.assumption_ranges import assumption_ranges
from proofdeck.decisions.marginal import slice_size, slice_value
from proofdeck.decisions.sweep import ThresholdSweep
from proofdeck.decisions.top_k_bootstrap import TopKBootstrap

QUICK_SIMS = 150
LONG_SIMS = 2000
RESAMPLES = 300
SLIDER_SHARE = {"churn-like": 0.2, "leads-like": 0.15, "fraud-like": 0.015, "heavy-tailed fraud": 0.015}


def band(sims: int) -> tuple[float, float]:
    """Where a correct 95% interval's measured coverage lands (the long run: 93.5-96.5%)."""
    if sims >= 2000:
        return 0.935, 0.965
    error = 3.3 * math.sqrt(0.95 * 0.05 / sims)
    return 0.95 - error, min(0.95 + error, 0.995)


def true_money(world: World, rng: np.random.Generator):
    """The world's money drawn from the assumptions' ranges (most likely the assumed figure)."""
    drawn = {item.field: rng.triangular(item.low, item.likely, item.high)
             for item in assumption_ranges(world.economics) if not item.fixed}
    return replace(world.economics, **drawn)


def coverage(world: World, sims: int, seed: int = 0) -> dict[str, float]:
    """Share of held-out sets whose interval holds the truth, per interval."""
    hits = {"paired": 0, "combined": 0, "slider net value": 0, "slider reached": 0, "next 5%": 0}
    share = SLIDER_SHARE[world.name]
    for sim in range(sims):
        rng = np.random.default_rng([seed, sim])
        scores, rule, labels, values = world.draw(rng)
        comparison = same_budget(scores, rule, labels, values, world.economics, resamples=RESAMPLES, seed=sim)
        hits["paired"] += comparison.extra_net.contains(world.same_budget_truth())
        moved = replace(world, economics=true_money(world, rng))
        hits["combined"] += comparison.combined_net.contains(moved.same_budget_truth())

        count = int(round(share * world.rows))
        sweep = ThresholdSweep(scores, labels, values)
        outcome = sweep.outcome_at_count(count, world.economics)
        estimates = {"reached": outcome.reached, "net_value": outcome.net_value}
        bootstrap = TopKBootstrap(sweep.order, labels, values, resamples=RESAMPLES, seed=sim)
        found = bootstrap.intervals_at(count, world.economics, estimates, figures=("reached", "net_value"))
        truth = world.top_share_truth(count / world.rows)
        hits["slider net value"] += found["net_value"].contains(truth["net_value"])
        hits["slider reached"] += found["reached"].contains(truth["reached"])
        end = count + slice_size(world.rows)
        added = world.top_share_truth(end / world.rows)["net_value"] - truth["net_value"]
        hits["next 5%"] += slice_value(sweep, bootstrap, count, end, world.economics).value.contains(added)
    return {name: count / sims for name, count in hits.items()}


# The headline figures' own ranges (a demo may headline the extra value won or the change in
# the cost per won instead of the extra net value), each against the world's own figure. The
# same held-out sets as coverage(), but at the pages' own number of resamples (2,000 here).
HEADLINES = {"headline: extra net value": "net_value", "headline: extra value won": "value_won",
             "headline: cost per won's change": "cost_per_won"}


def headline_coverage(world: World, sims: int, seed: int = 0) -> dict[str, float]:
    """Share of held-out sets whose headline range (``SameBudget.headline_interval``, resampled
    as often as the pages do) holds the world's truth, per headline figure."""
    truths = world.same_budget_truths()
    hits = dict.fromkeys(HEADLINES, 0)
    for sim in range(sims):
        rng = np.random.default_rng([seed, sim])
        scores, rule, labels, values = world.draw(rng)
        comparison = same_budget(scores, rule, labels, values, world.economics, seed=sim)
        for name, figure in HEADLINES.items():
            hits[name] += comparison.headline_interval(figure).contains(truths[figure])
    return {name: count / sims for name, count in hits.items()}


# Ranges measured to cover more than 95% (too wide, never too narrow): the next 5%'s range is a
# bootstrap of a sum between two ranks, and redraws spread it about 7% more than new held-out
# sets do (docs/statistics.md); the long run holds it to at least 93.5% and at most 99%.
CONSERVATIVE = {"next 5%": 0.99}


def check_coverage(world: World, sims: int) -> None:
    low, high = band(sims)
    found = coverage(world, sims)
    outside = {name: round(share, 3) for name, share in found.items()
               if not low <= share <= max(high, CONSERVATIVE.get(name, 0.0))}
    assert not outside, f"coverage outside {low:.3f}-{high:.3f} over {sims} held-out sets: {outside}"


@pytest.mark.parametrize("world", [CHURN, LEADS, FRAUD], ids=lambda w: w.name)
def test_intervals_cover_the_truth_about_95_percent_of_the_time(world):
    check_coverage(world, QUICK_SIMS if world is not FRAUD else QUICK_SIMS * 2 // 3)


@pytest.mark.coverage_long
@pytest.mark.parametrize("world", [CHURN, LEADS, FRAUD], ids=lambda w: w.name)
def test_intervals_cover_93_5_to_96_5_percent_in_the_long_run(world):
    check_coverage(world, LONG_SIMS)


def test_the_world_truth_is_what_a_large_sample_says():
    """The worlds' exact truth against one very large held-out set (an independent check of
    coverage_worlds itself)."""
    world = replace(CHURN, rows=2_000_000)
    scores, rule, labels, _ = world.draw(np.random.default_rng(1))
    scale = world.economics.population / world.rows
    assert rule.mean() * world.economics.population == pytest.approx(world.rule_truth()["actions"], rel=0.01)
    assert (rule & labels).sum() * scale == pytest.approx(world.rule_truth()["reached"], rel=0.01)
    top = scores >= np.quantile(scores, 0.8)
    assert (top & labels).sum() * scale == pytest.approx(world.top_share_truth(0.2)["reached"], rel=0.01)
    # The headline truths at the rule's budget: the model's top share as many as the rule flags.
    truths = world.same_budget_truths()
    model = scores >= np.quantile(scores, 1 - rule.mean())
    econ = world.economics
    spend = econ.cost_per_action * rule.sum() * scale + econ.fixed_cost
    worth = econ.win_rate * econ.value_per_won * scale  # a reached churner's value won
    assert worth * ((model & labels).sum() - (rule & labels).sum()) == pytest.approx(truths["value_won"], rel=0.02)
    per_won = spend / (econ.win_rate * (model & labels).sum() * scale) - spend / (econ.win_rate * (rule & labels).sum() * scale)
    assert per_won == pytest.approx(truths["cost_per_won"], rel=0.02)


def test_the_heavy_world_is_heavier_than_the_demo():
    """Why the heavy-tailed world is only reported (docs/statistics.md), not held to 95%: one
    fraud there can carry a large share of the money, which no resampling of the held-out set
    can know about; the demo's own amounts are far from that."""
    rng = np.random.default_rng(0)
    heavy = FRAUD_HEAVY.draw(rng)[3][:400]
    demo = FRAUD.draw(rng)[3][:400]
    assert heavy.max() / heavy.sum() > 2 * demo.max() / demo.sum()
