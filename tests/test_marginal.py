"""The next 5%: marginal net value per slice, its 95% range, its words, its chart and the pages."""

import math
import re

import numpy as np
import pytest
from conftest import DEMOS, bundled, open_page
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from proofdeck.data.spec import Economics, Nouns
from proofdeck.decisions.bootstrap import Interval
from proofdeck.decisions.marginal import Slice, break_even, next_slice, slice_size, slice_table, slice_value
from proofdeck.decisions.slider_scale import slider_counts
from proofdeck.decisions.sweep import ThresholdSweep
from proofdeck.decisions.top_k_bootstrap import TopKBootstrap
from proofdeck.sharing.story_steps import live_marginal
from proofdeck.sharing.summary import marginal_chart
from proofdeck.words import wording as w

NOUNS = Nouns(entity="customer", entities="customers", positive="churner", positives="churners",
              positive_meaning="left", action="retention offer", actions="retention offers", act="offer",
              score="churn risk", won="customer kept", won_plural="customers kept")


def plain_marginal(scores, labels, values, start, end, econ) -> float:
    """Net value added by acting on the examples ranked start + 1 to end, by a plain loop:
    each one costs the cost per action, each positive among them wins win rate x its value and
    no longer costs a miss; starting from nobody also pays the fixed cost."""
    n = len(scores)
    scale = econ.population / n if econ.population > 0 else 1.0
    ranked = sorted(range(n), key=lambda i: (-scores[i], i))  # ties by held-out order
    total = 0.0
    for i in ranked[start:end]:
        total -= econ.cost_per_action * scale
        if labels[i]:
            worth = values[i] if econ.value_column else econ.value_per_won
            total += (econ.win_rate * worth + econ.cost_per_miss) * scale
    if start == 0 and end > 0:
        total -= econ.fixed_cost
    return total


def made(scores, labels, values=None, resamples=60):
    scores, labels = np.asarray(scores, float), np.asarray(labels, bool)
    values = np.ones(scores.size) if values is None else np.asarray(values, float)
    sweep = ThresholdSweep(scores, labels, values)
    return sweep, TopKBootstrap(sweep.order, labels, values, resamples=resamples)


# --- the slice and its value -----------------------------------------------------------------------


def test_slice_size_is_five_percent_rounded_half_up_and_at_least_one():
    assert [slice_size(n) for n in (0, 1, 9, 10, 29, 30, 50, 3000, 78750)] == [1, 1, 1, 1, 1, 2, 3, 150, 3938]


def test_slices_of_a_hand_made_dataset():
    # 40 customers, scores 40 down to 1: a slice is 5% of 40 = 2 of them. The churners are
    # ranked 1, 2 (slice 1), 3 (slice 2), 7 and 8 (slice 4) and 40 (the last slice).
    # An offer costs $10 and keeps half the churners it reaches, each worth $100 (+$50); a
    # churner missed costs $20, so reaching one adds 50 + 20 = $70; $30 fixed to start at all.
    # Slice 1: 2 x 70 - 2 x 10 - 30 = 90. Slice 2: 70 - 20 = 50. Slice 3: -20. Slice 4:
    # 140 - 20 = 120. Slices 5 to 19: -20 each. Slice 20: 70 - 20 = 50.
    labels = np.zeros(40, bool)
    labels[[0, 1, 2, 6, 7, 39]] = True
    scores = np.arange(40, 0, -1.0)
    econ = Economics(cost_per_action=10, value_per_won=100, win_rate=0.5, cost_per_miss=20, fixed_cost=30)
    sweep, boot = made(scores, labels)
    table = slice_table(sweep, boot, econ)
    assert [(p.start, p.end) for p in table] == [(2 * i, 2 * i + 2) for i in range(20)]
    assert [p.value.estimate for p in table] == [90, 50, -20, 120] + [-20] * 15 + [50]
    # Adding stops paying at 4 customers (slice 3 is the first to lose).
    assert break_even(table).start == 4
    # The slices add up to everyone's net value against nobody's.
    everyone = sweep.outcome_at_count(40, econ).net_value - sweep.outcome_at_count(0, econ).net_value
    assert sum(p.value.estimate for p in table) == pytest.approx(everyone)
    # Scaled to 4,000 customers a quarter (x100): money x100, the fixed cost once.
    quarter = Economics(cost_per_action=10, value_per_won=100, win_rate=0.5, cost_per_miss=20, fixed_cost=30,
                        population=4000, period="quarter")
    first = slice_value(sweep, boot, 0, 2, quarter)
    assert first.value.estimate == pytest.approx(2 * 7000 - 2 * 1000 - 30)
    assert first.actions == pytest.approx(200)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(1, 80), data=st.data())
def test_every_slice_matches_a_plain_loop(n, data):
    labels = data.draw(st.lists(st.booleans(), min_size=n, max_size=n))
    scores = data.draw(st.lists(st.sampled_from([0.1, 0.3, 0.5, 0.7, 0.9]), min_size=n, max_size=n))
    values = data.draw(st.lists(st.floats(1, 1000), min_size=n, max_size=n))
    econ = Economics(cost_per_action=data.draw(st.floats(0, 50)), value_per_won=200, win_rate=0.4,
                     fixed_cost=data.draw(st.floats(0, 100)), cost_per_miss=data.draw(st.floats(0, 30)),
                     population=data.draw(st.sampled_from([0.0, 10_000.0])),
                     value_column=data.draw(st.sampled_from([None, "worth"])))
    sweep, boot = made(scores, labels, values, resamples=20)
    table = slice_table(sweep, boot, econ)
    step = max(1, math.floor(0.05 * n + 0.5))
    edges = list(range(0, n, step)) + [n]
    assert [(p.start, p.end) for p in table] == list(zip(edges[:-1], edges[1:]))
    for piece in table:
        assert piece.value.estimate == pytest.approx(
            plain_marginal(scores, labels, values, piece.start, piece.end, econ), abs=1e-6)
    count = data.draw(st.integers(0, n))
    following = next_slice(sweep, boot, count, econ)
    expected = (max(n - step, 0), n) if count == n else (count, min(count + step, n))
    assert (following.start, following.end) == expected


# --- the interval of the difference ----------------------------------------------------------------


def reference_interval(boot, scores, labels, values, start, end, econ) -> tuple[float, float]:
    """The 95% range of a slice, resample by resample: each resample's net value at ``end``
    minus its own net value at ``start``, studentized by the slice's spread in that resample
    (each positive in the slice adds scale x (win x value + miss cost), over the slice's own
    examples: the count is fixed), as net value's range is."""
    n = len(scores)
    scale = econ.population / n if econ.population > 0 else 1.0
    win, miss = econ.win_rate, econ.cost_per_miss

    def error(examples, positives, value, squares):
        examples = max(examples, 1.0)
        linear = scale * (win * value + miss * positives)
        square = scale**2 * (win**2 * squares + 2 * win * miss * value + miss**2 * positives)
        return math.sqrt(examples * max(square / examples - (linear / examples) ** 2, 0.0))

    at_end, at_start = boot.outcomes_at(end, econ)["net_value"], boot.outcomes_at(start, econ)["net_value"]
    sums_end, sums_start = boot.sums_at(end), boot.sums_at(start)
    samples, errors = [], []
    for r in range(boot.resamples):
        samples.append(at_end[r] - at_start[r])
        positives = sums_end[r, 1] - sums_start[r, 1]
        if econ.value_column:
            value, squares = sums_end[r, 2] - sums_start[r, 2], sums_end[r, 3] - sums_start[r, 3]
        else:
            value, squares = econ.value_per_won * positives, econ.value_per_won**2 * positives
        errors.append(error(sums_end[r, 0] - sums_start[r, 0], positives, value, squares))
    ranked = sorted(range(n), key=lambda i: (-scores[i], i))
    inside = [i for i in ranked[start:end] if labels[i]]
    worth = [values[i] if econ.value_column else econ.value_per_won for i in inside]
    own = error(end - start, len(inside), sum(worth), sum(v * v for v in worth))
    estimate = plain_marginal(scores, labels, values, start, end, econ)
    if own <= 0:
        low, high = np.percentile(samples, [2.5, 97.5])
        return float(low), float(high)
    ratios = []
    for sample, spread in zip(samples, errors):
        gap = abs(sample - estimate)
        ratios.append(0.0 if gap == 0 else (gap / spread if spread > 0 else math.inf))
    ratios.sort()
    q = ratios[math.ceil(0.95 * (len(ratios) - 1))]  # the 95th percentile, rounded up to a resample
    if not math.isfinite(q):
        low, high = np.percentile(samples, [2.5, 97.5])
        return float(low), float(high)
    return estimate - q * own, estimate + q * own


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(2, 70), data=st.data())
def test_the_interval_is_of_the_difference_within_each_resample(n, data):
    labels = data.draw(st.lists(st.booleans(), min_size=n, max_size=n))
    scores = data.draw(st.lists(st.floats(0, 1), min_size=n, max_size=n))
    values = data.draw(st.lists(st.floats(1, 5000), min_size=n, max_size=n))
    econ = Economics(cost_per_action=data.draw(st.floats(0, 80)), value_per_won=300, win_rate=0.5,
                     fixed_cost=data.draw(st.sampled_from([0.0, 250.0])),
                     cost_per_miss=data.draw(st.sampled_from([0.0, 40.0])),
                     population=data.draw(st.sampled_from([0.0, 5000.0])),
                     value_column=data.draw(st.sampled_from([None, "worth"])))
    start = data.draw(st.integers(0, n - 1))
    end = data.draw(st.integers(start + 1, n))
    sweep, boot = made(scores, labels, values, resamples=40)
    found = slice_value(sweep, boot, start, end, econ).value
    low, high = reference_interval(boot, scores, labels, values, start, end, econ)
    assert found.low == pytest.approx(low, rel=1e-9, abs=1e-6)
    assert found.high == pytest.approx(high, rel=1e-9, abs=1e-6)


def test_neighbouring_slices_share_their_resamples():
    # A slice's range is of the difference, not the two settings' ranges subtracted: it is
    # much narrower than the naive "high at b minus low at a" on the churn demo.
    churn = bundled("churn")
    econ = churn.spec.economics
    boot = TopKBootstrap(churn.sweep.order, churn.labels, churn.values, resamples=200)
    k, step = churn.default_count, slice_size(churn.sweep.size)
    piece = slice_value(churn.sweep, boot, k, k + step, econ)
    both = {c: boot.intervals_at(c, econ, {f: getattr(churn.sweep.outcome_at_count(c, econ), f)
                                           for f in ("reached", "value_won", "net_value")})["net_value"]
            for c in (k, k + step)}
    naive = both[k + step].high - both[k].low, both[k + step].low - both[k].high
    assert piece.value.high - piece.value.low < 0.5 * (naive[0] - naive[1])
    assert piece.value.contains(piece.value.estimate)


# --- edges ---------------------------------------------------------------------------------------------


ECON = Economics(cost_per_action=10, value_per_won=100, win_rate=0.5, fixed_cost=30)


def test_at_nobody_the_next_slice_pays_the_fixed_cost():
    # 20 customers, a slice of 1; the top one is a churner: 50 - 10 - 30 fixed = 10.
    sweep, boot = made(np.linspace(1, 0, 20), [True] + [False] * 19)
    first = next_slice(sweep, boot, 0, ECON)
    assert (first.start, first.end, first.value.estimate) == (0, 1, 10)


def test_at_everyone_the_last_slice_is_told_in_the_past():
    # 20 customers, the lowest ranked a churner: the last slice adds 50 - 10 = 40.
    sweep, boot = made(np.linspace(1, 0, 20), [False] * 19 + [True])
    last = next_slice(sweep, boot, 20, ECON)
    assert (last.start, last.end, last.value.estimate) == (19, 20, 40)
    assert w.marginal_sentence(NOUNS, ECON, last, 20).startswith("The last 5% of customers (1 ")


def test_near_the_end_the_slice_is_what_is_left():
    # 60 customers: a slice is 3; at 58 only 2 are left ("the remaining 3.3%").
    sweep, boot = made(np.linspace(1, 0, 60), [True] * 60)
    rest = next_slice(sweep, boot, 58, ECON)
    assert (rest.start, rest.end) == (58, 60)
    assert w.marginal_sentence(NOUNS, ECON, rest, 58).startswith("The remaining 3.3% of customers (2 more")


def test_no_examples_no_slice():
    sweep, boot = made([], [])
    assert next_slice(sweep, boot, 0, ECON) is None and slice_table(sweep, boot, ECON) == ()
    assert w.marginal_sentence(NOUNS, ECON, None, 0) == "" and w.break_even_sentence(NOUNS, ECON, ()) == ""


def test_one_example():
    sweep, boot = made([0.5], [True])
    (only,) = slice_table(sweep, boot, ECON)
    assert (only.start, only.end, only.value.estimate) == (0, 1, 50 - 10 - 30)


@pytest.mark.parametrize("positive", [False, True])
def test_one_class_gives_a_sure_constant_slice(positive):
    # Nobody (or everybody) churns: every resample's slice holds the same, so the range is a point.
    # 30 customers, a slice of 2: -2 x 10 each, or 2 x (50 - 10) = 80 each.
    sweep, boot = made(np.linspace(1, 0, 30), [positive] * 30)
    middle = slice_value(sweep, boot, 10, 12, ECON)
    expected = 80 if positive else -20
    assert middle.value.estimate == expected
    assert (middle.value.low, middle.value.high) == pytest.approx((expected, expected))
    assert middle.sign == (1 if positive else -1)
    sentence = w.marginal_sentence(NOUNS, ECON, middle, 10)
    assert ("would add $80" if positive else "would lose $20") in sentence
    table = slice_table(sweep, boot, ECON)
    assert (break_even(table) is None) == positive


# --- words ---------------------------------------------------------------------------------------------


def piece(estimate, low, high, start=100, end=150, size=1000, actions=500.0):
    return Slice(start, end, size, actions, Interval(estimate, low, high))


QUARTER = Economics(cost_per_action=10, value_per_won=100, win_rate=0.5, population=10_000, period="quarter",
                    currency="€")


def test_words_of_a_gain():
    text = w.marginal_sentence(NOUNS, QUARTER, piece(32_800, 2968, 62_600), 100)
    assert text == ("The next 5% of customers (500 more retention offers per quarter) would add €32.8k of net value "
                    "(95% range €2,968 to €62.6k).")


def test_words_of_a_loss():
    text = w.marginal_sentence(NOUNS, QUARTER, piece(-27_200, -50_400, -4000), 100)
    assert text == ("The next 5% of customers (500 more retention offers per quarter) would lose €27.2k of net value "
                    "(95% range -€50.4k to -€4,000).")


@pytest.mark.parametrize("estimate", [11_200, -3_000, 0])
def test_words_when_the_range_spans_zero(estimate):
    text = w.marginal_sentence(NOUNS, QUARTER, piece(estimate, -16_600, 39_000), 100)
    assert "would roughly break even" in text and "spans zero" in text
    assert "would add" not in text and "would lose" not in text
    assert "-€16.6k to €39k" in text


def test_words_without_a_population_say_no_period():
    text = w.marginal_sentence(NOUNS, ECON, piece(500, 100, 900), 100)
    assert "per " not in text and "$500" in text


def test_break_even_words():
    gains = (piece(100, 50, 150, 0, 50), piece(40, 10, 70, 50, 100))
    assert w.break_even_sentence(NOUNS, QUARTER, gains) == (
        "Every 5% of customers adds net value, all the way to everyone.")
    crossing = gains + (piece(-20, -40, -5, 100, 150), piece(30, 5, 60, 150, 200))
    # 100 of 1,000 held out at 500 offers a slice of 50: 10 offers each, 1,000 before the crossing.
    assert w.break_even_sentence(NOUNS, QUARTER, crossing) == (
        "Retention offers stop paying beyond about 10% of customers (1,000 retention offers per quarter): "
        "the 5% after that loses net value.")
    unsure = gains + (piece(-20, -40, 5, 100, 150),)
    assert "not sharp" in w.break_even_sentence(NOUNS, QUARTER, unsure)
    losing = (piece(-5, -9, -1, 0, 50),)
    assert w.break_even_sentence(NOUNS, QUARTER, losing).startswith("Even the first 5% of customers loses")


# --- the chart ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("demo", DEMOS)
def test_chart_has_a_bar_per_slice_coloured_by_sign_with_its_range(demo):
    scenario = bundled(demo)
    econ = scenario.spec.economics
    boot = TopKBootstrap(scenario.sweep.order, scenario.labels, scenario.values, resamples=60)
    table = slice_table(scenario.sweep, boot, econ)
    from proofdeck.decisions.best_setting import best_setting

    best = best_setting(scenario.scores, scenario.labels, scenario.values, econ)
    figure = marginal_chart(scenario, econ, scenario.default_count, best, table)
    (bars,) = figure.data
    assert len(bars.y) == len(table) == math.ceil(scenario.sweep.size / slice_size(scenario.sweep.size))
    colours = {value >= 0: colour for value, colour in zip(bars.y, bars.marker.color)}
    assert len(set(colours.values())) == len(colours)  # one colour for gains, another for losses
    for value, up, down, part in zip(bars.y, bars.error_y.array, bars.error_y.arrayminus, table):
        assert value + up == pytest.approx(max(part.value.high, value))
        assert value - down == pytest.approx(min(part.value.low, value))
    lines = {(shape.type, shape.y0, shape.x0) for shape in figure.layout.shapes}
    assert ("line", 0, 0) in lines  # the break-even line spans the chart at zero
    marks = [shape.x0 for shape in figure.layout.shapes if shape.x0 == shape.x1 and shape.type == "line"]
    assert scenario.default_count / scenario.sweep.size in marks


# --- the pages ------------------------------------------------------------------------------------------


def sentence(at) -> str:
    found = [m.value for m in at.markdown if "of net value" in m.value and "material/add_circle" in m.value]
    assert len(found) == 1, found
    return found[0].replace("\\", "")  # md() escapes punctuation


@pytest.mark.parametrize("demo", DEMOS)
def test_decide_says_the_next_slice_and_it_moves_with_the_slider(demo):
    scenario = bundled(demo)
    econ, n = scenario.spec.economics, scenario.sweep.size
    at = open_page("pages/1_Decide.py", demo)
    assert not at.exception
    first = sentence(at)
    step = slice_size(n)
    more = round(step * econ.scale_for(n))
    assert f"{more:,} more {scenario.spec.nouns.actions}" in first
    assert re.search(r"95% range|spans zero", first)
    k = scenario.default_count
    worth = plain_marginal(scenario.scores, scenario.labels, scenario.values, k, k + step, econ)
    assert w.money(abs(worth), econ.currency) in first
    assert any(tab.label == "What each 5% adds" for tab in at.tabs)
    slider = at.select_slider(key=f"setting_slider_{demo}")
    target = next(int(c) for c in slider_counts(n, scenario.default_count) if c > scenario.default_count)
    slider.set_value(target).run()
    assert not at.exception
    assert sentence(at) != first


def test_presentation_live_slide_has_the_sentence():
    churn = bundled("churn")
    econ = churn.spec.economics
    boot = TopKBootstrap(churn.sweep.order, churn.labels, churn.values, resamples=60)
    k = churn.default_count
    text = live_marginal(churn.spec, econ, churn.sweep, boot, k)
    expected = plain_marginal(churn.scores, churn.labels, churn.values, k, k + slice_size(churn.sweep.size), econ)
    assert w.money(abs(expected), econ.currency) in text
