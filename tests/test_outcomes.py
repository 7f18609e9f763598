"""Business outcomes on handmade cases worked out by hand, and the leads demo's CAC."""

import math

import numpy as np
import pytest
from conftest import bundled, open_page

from proofdeck.data.spec import Economics
from proofdeck.decisions.outcomes import outcome_of_flags
from proofdeck.words import wording as w


def test_per_example_value_economics_by_hand():
    # Four transactions, fraud-style: a reached fraud is worth its own amount.
    amounts = np.array([100.0, 2000.0, 50.0, 500.0])
    fraud = np.array([True, True, False, True])
    reviewed = np.array([True, False, True, True])
    econ = Economics(cost_per_action=5, win_rate=0.9, cost_per_miss=20, value_column="amount")
    outcome = outcome_of_flags(reviewed, fraud, amounts, econ)
    # Reviewed 3; frauds reached: #0 and #3 (100 + 500); missed: #1 (2,000); unneeded: #2.
    assert (outcome.actions, outcome.reached, outcome.missed, outcome.unneeded) == (3, 2, 1, 1)
    assert outcome.spend == 15  # 3 reviews x 5
    assert outcome.value_won == pytest.approx(540)  # 0.9 x (100 + 500)
    assert outcome.missed_value == 2000  # the missed fraud's own amount
    assert outcome.miss_cost == 20  # one chargeback fee
    assert outcome.net_value == pytest.approx(505)  # 540 - 15 - 20
    assert outcome.roi == pytest.approx((540 + 2 * 20 - 15) / 15)  # fees avoided count as gain
    assert outcome.cost_per_won == pytest.approx(15 / 1.8)  # 0.9 x 2 frauds stopped


def test_value_column_is_ignored_without_it_in_the_economics():
    flags = np.array([True, False])
    labels = np.array([True, True])
    econ = Economics(cost_per_action=1, value_per_won=10)
    assert outcome_of_flags(flags, labels, np.array([999.0, 5.0]), econ).value_won == 10


def test_fixed_cost_only_when_acting_and_scaling_to_the_population():
    labels = np.array([True, False, False, False])
    econ = Economics(cost_per_action=2, value_per_won=100, fixed_cost=50, population=400)
    nobody = outcome_of_flags(np.zeros(4, bool), labels, np.ones(4), econ)
    assert nobody.spend == 0 and math.isnan(nobody.roi) and math.isnan(nobody.hit_rate)
    one = outcome_of_flags(np.array([True, False, False, False]), labels, np.ones(4), econ)
    # 1 of 4 held-out examples -> 100 of 400 per period.
    assert one.actions == 100 and one.reached == 100
    assert one.spend == 2 * 100 + 50
    assert one.value_won == 100 * 100


@pytest.fixture(scope="module")
def leads():
    return bundled("leads")


def test_leads_cac_by_hand(leads):
    econ = leads.spec.economics
    n = len(leads.labels)
    calls = leads.rule_flags.sum()
    buyers_reached = (leads.rule_flags & leads.labels).sum()
    scale = econ.population / n
    spend = econ.cost_per_action * calls * scale + econ.fixed_cost
    acquired = econ.win_rate * buyers_reached * scale
    outcome = leads.rule_outcome(econ)
    assert outcome.cost_per_won == pytest.approx(spend / acquired)
    assert outcome.value_to_cost == pytest.approx(econ.win_rate * econ.value_per_won * buyers_reached * scale / spend)


def test_leads_pitch_shows_the_model_cac(leads):
    econ = leads.spec.economics
    model = leads.model_outcome_at_rule_budget(econ)
    at = open_page("app.py", "leads")
    metric = [m for m in at.metric if m.label == "CAC with the model"][0]
    assert metric.value == w.money(model.cost_per_won, econ.currency)
    assert "at a CAC of" in at.subheader[0].value


def test_cac_rises_as_the_net_widens(leads):
    curve = leads.sweep.curve(leads.spec.economics)
    share, cac = curve["share_acted"], curve["cost_per_won"]
    wide, narrow = cac[share >= 0.8][0], cac[share >= 0.15][0]
    assert wide > narrow
