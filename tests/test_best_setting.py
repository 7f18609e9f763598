"""The best net value: chosen on held-out rows, its worth estimated on rows it was not chosen on."""

import numpy as np
import pytest

from proofdeck.data.spec import Economics
from proofdeck.decisions.best_setting import best_setting
from proofdeck.decisions.sweep import ThresholdSweep

ECON = Economics(cost_per_action=40, value_per_won=600, win_rate=0.3, fixed_cost=5000, population=40000)


def noisy_case(seed: int, size: int = 3000):
    rng = np.random.default_rng(seed)
    scores = rng.random(size)
    labels = rng.random(size) < 0.05 + 0.3 * scores
    return scores, labels, np.ones(size)


def test_shown_figure_is_not_the_in_sample_maximum():
    scores, labels, values = noisy_case(0)
    best = best_setting(scores, labels, values, ECON)
    curve = ThresholdSweep(scores, labels, values).curve(ECON)
    assert best.in_sample_net == pytest.approx(curve["net_value"].max())
    assert best.honest_net != pytest.approx(best.in_sample_net)
    assert best.optimism == pytest.approx(best.in_sample_net - best.honest_net)


def test_chosen_count_maximises_net_value_on_all_rows():
    scores, labels, values = noisy_case(1)
    best = best_setting(scores, labels, values, ECON)
    sweep = ThresholdSweep(scores, labels, values)
    assert sweep.outcome_at_count(best.count, ECON).net_value == pytest.approx(best.in_sample_net)
    assert best.share == pytest.approx(best.count / scores.size)


def test_honest_estimate_is_lower_on_average_than_the_maximum():
    # The maximum of a noisy curve is biased up; cross-fitting removes most of that bias.
    gaps = [best_setting(*noisy_case(seed, 800), ECON).optimism for seed in range(20)]
    assert np.mean(gaps) > 0


def test_too_few_positives_to_fold_gives_no_honest_figure():
    scores = np.linspace(0, 1, 50)
    labels = np.zeros(50, dtype=bool)
    labels[-1] = True
    best = best_setting(scores, labels, np.ones(50), ECON)
    assert np.isnan(best.honest_net) and best.fold_shares == ()
