"""What the offer changes (issue 21): the uplift estimators against plain loops and worked
examples, and the campaign demo's model against the truth its generator knows."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT, bundled, examples
from hypothesis import given, settings
from hypothesis import strategies as st

from proofdeck.data.datasets import load_dataset
from proofdeck.data.spec import Economics, SpecError
from proofdeck.data.spec_files import DATA_ROOT_ENV, load_catalog, load_spec
from proofdeck.uplift.estimate import (
    CampaignBootstrap,
    changed_curve,
    four_groups,
    qini_curve,
    ranking,
    spend_of,
    worth_per_row,
)
from proofdeck.uplift.outcome import won_outcome

CAMPAIGN = (ROOT / "demos" / "campaign.toml").read_text(encoding="utf-8")


def reference_qini(order, treated, won):
    """The Qini curve by a plain loop over k: treated wins minus untreated wins scaled to as
    many untreated rows as treated ones (0 while no untreated row is in the top)."""
    out = []
    for k in range(len(order) + 1):
        top = list(order[:k])
        n_t = sum(1 for i in top if treated[i])
        n_c = k - n_t
        w_t = sum(won[i] for i in top if treated[i])
        w_c = sum(won[i] for i in top if not treated[i])
        out.append(w_t - w_c * n_t / n_c if n_c else w_t)
    return out


def reference_changed(order, treated, won, k):
    top = list(order[:k])
    t = [won[i] for i in top if treated[i]]
    c = [won[i] for i in top if not treated[i]]
    if not t or not c:
        return float("nan")
    return (sum(t) / len(t) - sum(c) / len(c)) * k


def test_qini_on_a_hand_worked_example():
    # Six rows in score order: T won, C lost, T won, C won, T lost, C lost.
    # k=1: 1 - 0 = 1.  k=2: 1 - 0 x 1/1 = 1.  k=3: 2 - 0 x 2/1 = 2.  k=4: 2 - 1 x 2/2 = 1.
    # k=5: 2 - 1 x 3/2 = 0.5.  k=6: 2 - 1 x 3/3 = 1.
    treated = np.array([1, 0, 1, 0, 1, 0], bool)
    won = np.array([1, 0, 1, 1, 0, 0], float)
    assert qini_curve(np.arange(6), treated, won).tolist() == [0, 1, 1, 2, 1, 0.5, 1]
    # Changed at k=4: treated rate 2/2, untreated rate 1/2: (1 - 0.5) x 4 = 2.
    # At k=6: 2/3 - 1/3 = 1/3, x 6 = 2.
    curve = changed_curve(np.arange(6), treated, won)
    assert np.isnan(curve[0]) and np.isnan(curve[1])
    assert curve[4] == pytest.approx(2.0) and curve[6] == pytest.approx(2.0)


@settings(max_examples=examples(200), deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.booleans(), st.integers(0, 5)), min_size=1, max_size=30))
def test_curves_agree_with_a_plain_loop(rows):
    treated = np.array([r[0] for r in rows])
    won = np.array([float(r[1]) for r in rows])
    scores = np.array([float(r[2]) for r in rows])
    order = ranking(scores)
    # The ranking breaks ties by position, as a stable sort does.
    assert order.tolist() == sorted(range(len(rows)), key=lambda i: (-scores[i], i))
    assert qini_curve(order, treated, won) == pytest.approx(reference_qini(order, treated, won))
    got = changed_curve(order, treated, won)
    for k in range(len(rows) + 1):
        want = reference_changed(order, treated, won, k)
        assert (np.isnan(got[k]) and np.isnan(want)) or got[k] == pytest.approx(want)


def test_four_groups_add_up_and_follow_the_effect_direction():
    p_with, p_without = np.array([0.1, 0.5, 0.9]), np.array([0.3, 0.5, 0.6])
    groups = four_groups(p_with, p_without, "prevents")
    assert sum(groups.values()) == pytest.approx(np.ones(3))
    # Row 0 cancels 0.3 without, 0.1 with: persuadable 0.2, stays anyway 0.7, lost anyway 0.1.
    assert [groups[g][0] for g in ("persuadables", "sure_things", "lost_causes", "sleeping_dogs")] == \
        pytest.approx([0.2, 0.7, 0.1, 0.0])
    # Row 2: the offer raises the risk from 0.6 to 0.9: 0.3 of a sleeping dog.
    assert groups["sleeping_dogs"][2] == pytest.approx(0.3)
    # An action that converts hopes for the outcome: the same probabilities swap roles.
    converts = four_groups(p_with, p_without, "converts")
    assert converts["sleeping_dogs"][0] == pytest.approx(0.2)
    assert won_outcome(np.array([True, False]), "prevents").tolist() == [0.0, 1.0]


def test_money_of_a_worked_example():
    # 10 held-out rows for 1,000 a quarter (scale 100); an offer costs $15, each subscriber
    # kept is worth $120 and a missed canceller costs $5 more; the fixed cost is $2,000.
    econ = Economics(cost_per_action=15, value_per_won=120, cost_per_miss=5, fixed_cost=2000,
                     population=1000, period="quarter")
    # Acting on 4 held-out rows: spend 15 x 4 x 100 + 2,000 = 8,000.
    assert spend_of(4, econ, 10) == 8000
    assert spend_of(0, econ, 10) == 0
    # Each changed outcome is worth 120 + 5 (a prevented cancellation also avoids the miss cost).
    assert worth_per_row(econ, np.ones(10)).tolist() == [125.0] * 10
    from dataclasses import replace
    assert worth_per_row(replace(econ, action_effect="converts"), np.ones(10)).tolist() == [120.0] * 10


def test_policy_money_against_a_hand_computation():
    """Four rows picked of eight: 2 treated (both stayed), 2 untreated (one stayed).
    Changed = (2/2 - 1/2) x 4 = 2 held-out, 200 per quarter at scale 100; worth 120 each:
    24,000; spend 15 x 4 x 100 = 6,000; net 18,000."""
    from proofdeck.uplift.estimate import CampaignUplift

    treated = np.array([1, 1, 0, 0, 1, 0, 1, 0], bool)
    stayed = np.array([1, 1, 1, 0, 0, 0, 1, 1], float)
    campaign = CampaignUplift(treated=treated, won=stayed, p_with=np.full(8, 0.2), p_without=np.full(8, 0.3),
                              randomised=True, action_effect="prevents")
    econ = Economics(cost_per_action=15, value_per_won=120, population=800, period="quarter")
    flags = np.array([1, 1, 1, 1, 0, 0, 0, 0], bool)
    result = campaign.at_budget({"rule": flags}, econ, np.ones(8))
    effect = result.policies["rule"]
    assert effect.changed.estimate == pytest.approx(200)
    assert effect.value.estimate == pytest.approx(24_000)
    assert effect.spend == pytest.approx(6_000)
    assert effect.net_value.estimate == pytest.approx(18_000)
    # Each of the 4 picks is 0.1 persuadable, 0.7 sure thing, 0.2 lost cause: x 4 x 100.
    assert effect.groups["persuadables"] == pytest.approx(40)
    assert effect.groups["lost_causes"] == pytest.approx(80)


def test_bootstrap_ranked_takes_the_first_k_draws_of_every_resample():
    boot = CampaignBootstrap(np.array([1, 0, 1, 0], bool), np.array([1.0, 0, 0, 1]), resamples=50)
    order = np.array([0, 1, 2, 3])
    # Whatever is drawn, a resample acts on exactly k draws: the weights of its rows add up to k.
    counts = boot.counts[:, order].astype(float)
    before = np.cumsum(counts, axis=1) - counts
    taken = np.clip(2 - before, 0, counts)
    assert np.allclose(taken.sum(axis=1), 2)
    changed, _ = boot.ranked(order, 2)
    # By a loop: the first two draws in order, rates of treated and untreated among them.
    for r in range(boot.resamples):
        draws = [i for i in order for _ in range(int(boot.counts[r, i]))][:2]
        t = [boot.won[i] for i in draws if boot.treated[i]]
        c = [boot.won[i] for i in draws if not boot.treated[i]]
        want = (np.mean(t) - np.mean(c)) * 2 if t and c else np.nan
        assert (np.isnan(changed[r]) and np.isnan(want)) or changed[r] == pytest.approx(want)


# --- the campaign demo against its known truth ---------------------------------------------

@pytest.fixture(scope="module")
def campaign():
    scenario = bundled("campaign")
    truth = pd.read_csv(ROOT / "data" / "campaign_truth.csv").set_index("id")
    true_uplift = truth.loc[scenario.ids.astype(str), "true_uplift"].to_numpy()
    risk = ranking(scenario.scores)
    comparison = scenario.uplift.at_budget(
        {"rule": scenario.rule_flags, "risk": risk, "uplift": scenario.uplift.order},
        scenario.spec.economics, scenario.values)
    return scenario, true_uplift, risk, comparison


def test_the_treatment_column_is_never_a_feature():
    scenario = bundled("campaign")
    assert scenario.spec.uplift.treatment_column not in scenario.dataset.features
    assert scenario.model is not None and "offer_sent" not in scenario.model.features


def test_ranking_by_the_offers_effect_holds_clearly_more_true_uplift_than_ranking_by_risk(campaign):
    scenario, true_uplift, risk, _ = campaign
    k = scenario.rule_count
    by_effect = true_uplift[scenario.uplift.order[:k]].sum()
    by_risk = true_uplift[risk[:k]].sum()
    assert by_effect > 2 * by_risk, (by_effect, by_risk)
    assert by_effect > true_uplift[scenario.rule_flags].sum()


@pytest.mark.parametrize("policy", ["rule", "risk", "uplift"])
def test_estimated_changed_outcomes_cover_the_true_expected_value(campaign, policy):
    scenario, true_uplift, risk, comparison = campaign
    k = scenario.rule_count
    picks = {"rule": scenario.rule_flags, "risk": risk[:k], "uplift": scenario.uplift.order[:k]}[policy]
    expected = true_uplift[picks].sum() * scenario.spec.economics.scale_for(scenario.labels.size)
    found = comparison.policies[policy].changed
    assert found.low < found.estimate < found.high
    assert found.contains(expected), (found, expected)


def test_the_paired_difference_says_the_effect_ranking_beats_the_risk_ranking(campaign):
    *_, comparison = campaign
    assert comparison.differences[("uplift", "risk")].low > 0
    assert comparison.net_differences[("uplift", "risk")].low > 0
    # Every policy spends the same at one budget.
    spends = {round(p.spend) for p in comparison.policies.values()}
    assert len(spends) == 1


# --- spec validation -------------------------------------------------------------------------

@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    monkeypatch.delenv(DATA_ROOT_ENV, raising=False)
    (tmp_path / "demos").mkdir()
    (tmp_path / "data").mkdir()
    shutil.copy(ROOT / "data" / "campaign.csv", tmp_path / "data" / "campaign.csv")
    return tmp_path


def write(project: Path, old: str, new: str) -> Path:
    assert old in CAMPAIGN, old
    path = project / "demos" / "bad.toml"
    path.write_text(CAMPAIGN.replace(old, new, 1), encoding="utf-8")
    return path


def dataset_error(path: Path) -> str:
    with pytest.raises(SpecError) as caught:
        load_dataset(load_spec(path))
    return str(caught.value)


def test_an_unknown_treatment_column_is_named(project):
    message = dataset_error(write(project, 'treatment_column = "offer_sent"', 'treatment_column = "offered"'))
    assert "[uplift] treatment_column" in message and "offered" in message and "/tmp" not in message


def test_a_treated_value_nobody_has_is_refused(project):
    message = dataset_error(write(project, 'treated_value = "yes"', 'treated_value = "sent"'))
    assert "[uplift] treatment_column" in message and "no row holds the treated value" in message


def test_a_one_valued_treatment_column_is_refused(project):
    frame = pd.read_csv(project / "data" / "campaign.csv")
    frame["offer_sent"] = "yes"
    frame.to_csv(project / "data" / "campaign.csv", index=False)
    message = dataset_error(write(project, "order = 4", "order = 4"))
    assert "only one value" in message


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("randomised = true\n", "", "[uplift] randomised: missing"),
    ("randomised = true", 'randomised = "yes"', "[uplift] randomised: expected true or false"),
    ('treatment_column = "offer_sent"', 'treatment_column = "cancelled_90d"', "must be a column of its own"),
    ('treatment_column = "offer_sent"', 'treatment_column = ""', "[uplift] treatment_column: must not be empty"),
    ('note = "', 'colour = "red"\nnote = "', "[uplift] colour: unknown key"),
])
def test_bad_uplift_sections_give_one_clear_message(project, old, new, expected):
    write(project, old, new)
    catalog = load_catalog(project / "demos")
    assert list(catalog.errors) == ["bad"]
    assert expected in catalog.errors["bad"], catalog.errors["bad"]


def test_the_treatment_column_may_not_be_a_listed_feature(project):
    write(project, 'known_before = [', 'features = ["tenure_months", "offer_sent"]\nknown_before = [')
    catalog = load_catalog(project / "demos")
    assert "must not be one of [data] features" in catalog.errors["bad"]


def test_a_rule_on_the_treatment_column_is_refused(project):
    from proofdeck.model.scenario import build_scenario

    path = write(project, 'expression = \'contract == "monthly" and tenure_months < 6\'',
                 "expression = 'offer_sent == \"yes\"'")
    with pytest.raises(SpecError, match="treatment column"):
        build_scenario(load_spec(path))


def test_a_spec_without_uplift_has_none():
    assert bundled("churn").uplift is None
    assert load_spec(ROOT / "demos" / "churn.toml").uplift is None


def test_an_uploads_draft_with_a_campaign_keeps_it_out_of_the_features_and_writes_it(tmp_path):
    from dataclasses import replace

    from proofdeck.data.delimited import DataError
    from proofdeck.data.spec import UpliftSpec
    from proofdeck.upload.draft import default_draft, draft_spec, prepare, spec_toml

    frame = pd.read_csv(ROOT / "data" / "campaign.csv").head(3000)
    features = tuple(c for c in frame.columns if c not in ("subscriber_id", "cancelled_90d"))
    draft = default_draft("campaign.csv", "cancelled_90d", ("yes",), "subscriber_id", features,
                          'contract == "monthly"')
    draft = replace(draft, uplift=UpliftSpec("offer_sent", "yes", randomised=False))
    prepared = prepare(frame, draft)
    assert "offer_sent" in features and "offer_sent" not in prepared.features
    text = spec_toml(draft, prepared, "mine")
    (tmp_path / "demos").mkdir()
    (tmp_path / "demos" / "mine.toml").write_text(text, encoding="utf-8")
    loaded = load_spec(tmp_path / "demos" / "mine.toml")
    assert loaded.uplift == UpliftSpec("offer_sent", "yes", randomised=False)
    assert draft_spec(draft, prepared, "mine").uplift == loaded.uplift
    with pytest.raises(DataError, match="no row holds the treated value"):
        prepare(frame, replace(draft, uplift=UpliftSpec("offer_sent", "sent", randomised=True)))


def test_a_campaign_not_picked_at_random_says_its_estimates_may_be_biased():
    from dataclasses import replace

    from proofdeck.sharing.report.build import effect_section
    from proofdeck.words import wording as w

    scenario = bundled("campaign")
    spec = replace(scenario.spec, uplift=replace(scenario.spec.uplift, randomised=False))
    warning = "did not pick who got the offer at random, so these estimates of what it changes may be biased"
    assert warning in w.uplift_caveat(spec.nouns, spec.economics, campaign=spec.uplift)
    assert warning in w.campaign_sentence(spec)
    assert warning not in w.campaign_sentence(scenario.spec)
    section = effect_section(replace(scenario, spec=spec), spec.economics)
    assert section.warning is not None and warning in section.warning
    assert effect_section(scenario, scenario.spec.economics).warning is None


def test_a_dataset_built_with_every_column_still_leaves_the_treatment_out():
    """A saved proof of concept rebuilds its examples from the spec with every column: the
    scenario itself keeps the campaign's column out of the features."""
    from proofdeck.data.datasets import build_dataset
    from proofdeck.model.scenario import build_scenario

    spec = load_spec(ROOT / "demos" / "campaign.toml")
    frame = pd.read_csv(ROOT / "data" / "campaign.csv").head(4000)
    dataset = build_dataset(frame, spec.target_column, spec.positive_value, spec.id_column)
    assert "offer_sent" in dataset.features
    scenario = build_scenario(spec, dataset)
    assert "offer_sent" not in scenario.dataset.features and "offer_sent" not in scenario.model.features
    assert scenario.uplift is not None and scenario.uplift.treated.any() and not scenario.uplift.treated.all()
