"""How stable is the model? Refit on repeated splits and seeds, compare with the rule each time.

Every other figure comes from one held-out split and one model seed. Here the demo is split
and fitted again R times (the spec's own seed first, then the next R - 1 seeds), and on each
repeat the model's top K is compared with today's rule on that repeat's held-out rows, K being
how many the rule flags there (the same budget). The spread of the model's extra positives
reached and extra net value across repeats says how much of a headline figure is luck of the
split and of the training, beside the bootstrap interval that covers the held-out sample.

Fitting is the slow part, so it is done once (:func:`repeated_fits`) and keeps only raw
held-out counts; the money for any economics is then a few array operations
(:func:`stability_of`), so a page can follow edited assumptions without refitting.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass, replace

import numpy as np
from threadpoolctl import threadpool_limits

from proofdeck.comparison.compare import top_k_flags
from proofdeck.data.datasets import Dataset, load_dataset
from proofdeck.data.spec import DemoSpec, Economics, SpecError
from proofdeck.decisions.bootstrap import Interval
from proofdeck.decisions.outcomes import Totals, outcome_arrays
from proofdeck.model.training import HoldoutSplit, holdout_split, train_model
from proofdeck.rules.heuristic import RuleClassifier
from proofdeck.rules.positions import RuleError
from proofdeck.words.wording import money, period_suffix

DEFAULT_REPEATS = 10


@dataclass(frozen=True)
class RepeatCounts:
    """Raw held-out counts of one repeat: rule and model at the rule's budget.

    Attributes
    ----------
    seed : seed of this repeat's split and model.
    totals : held-out examples, positives and their value.
    actions : examples the rule flags on the held-out rows (K); the model acts on its top K.
    rule_reached, model_reached : positives among them.
    rule_value, model_value : per-example value summed over those positives.
    train_rows : rows the model was fitted on.
    """

    seed: int
    totals: Totals
    actions: int
    rule_reached: int
    model_reached: int
    rule_value: float
    model_value: float
    train_rows: int


@dataclass(frozen=True)
class RepeatedFits:
    """The raw counts of every repeat, in seed order (the spec's own seed first)."""

    spec: DemoSpec
    repeats: tuple[RepeatCounts, ...]
    max_train_rows: int | None


@dataclass(frozen=True)
class Spread:
    """Summary of one figure across repeats (SD with ddof=1; NaN with fewer than two)."""

    low: float
    high: float
    median: float
    sd: float

    @classmethod
    def of(cls, values: np.ndarray) -> Spread:
        values = np.asarray(values, dtype=float)
        sd = float(np.std(values, ddof=1)) if values.size > 1 else float("nan")
        return cls(float(values.min()), float(values.max()), float(np.median(values)), sd)


@dataclass(frozen=True)
class Stability:
    """The model's gain over the rule at the rule's budget, repeat by repeat, per period.

    Attributes
    ----------
    seeds : the seed of each repeat; ``seeds[0]`` is the spec's, whose figures match the pages.
    extra_reached : model's positives reached minus the rule's, per repeat (scaled like
        :class:`~proofdeck.decisions.outcomes.Outcome`).
    extra_net : model's net value minus the rule's, per repeat.
    rule_net, model_net : the two net values, per repeat.
    reached, net : spread of ``extra_reached`` and ``extra_net``.
    economics : the assumptions the money was computed with.
    """

    spec: DemoSpec
    economics: Economics
    seeds: tuple[int, ...]
    extra_reached: np.ndarray
    extra_net: np.ndarray
    rule_net: np.ndarray
    model_net: np.ndarray
    reached: Spread
    net: Spread

    @property
    def repeats(self) -> int:
        return len(self.seeds)

    @property
    def model_wins(self) -> int:
        """Repeats in which the model's net value beats the rule's."""
        return int((self.extra_net > 0).sum())

    @property
    def summary(self) -> str:
        """One sentence for a page, in the demo's nouns and money."""
        cur, nouns = self.economics.currency, self.spec.nouns
        per = period_suffix(self.economics)
        net = self.net
        return (
            f"Trained and tested again on {self.repeats} different splits of the data, the "
            f"model's extra net value over today's rule at the same budget ranged from "
            f"{money(net.low, cur, signed=True)} to {money(net.high, cur, signed=True)}{per} "
            f"(middle {money(net.median, cur, signed=True)}, typical swing "
            f"{money(net.sd, cur)}); it beat the rule in {self.model_wins} of {self.repeats}, "
            f"reaching {self.reached.low:+,.0f} to {self.reached.high:+,.0f} more {nouns.positives}."
        )

    def compared_with(self, interval: Interval) -> str:
        """Set the spread across repeats beside a bootstrap interval of the same figure.

        A 95% interval spans about four standard deviations, so its width / 3.92 is the
        bootstrap's standard deviation in the same units as :attr:`Spread.sd`. A standard
        deviation from ten repeats is itself rough (for skewed money it can be off by half),
        so only a factor of two either way is called "less" or "more".
        """
        cur = self.economics.currency
        boot_sd = (interval.high - interval.low) / 3.92
        if not (np.isfinite(boot_sd) and np.isfinite(self.net.sd)):
            return "There are too few repeats or too few held-out rows to compare the two."
        size = self.net.sd / boot_sd if boot_sd > 0 else float("inf")
        if size < 0.5:
            how = "less than"
        elif size <= 2:
            how = "about as much as"
        else:
            how = "more than"
        return (
            f"Across {self.repeats} refits on other splits, the extra net value moves by about "
            f"{money(self.net.sd, cur)} (standard deviation): {how} the uncertainty from the "
            f"held-out sample ({money(boot_sd, cur)} for the 95% interval shown)."
        )


def _train_positions(split: HoldoutSplit, labels: np.ndarray, cap: int | None, seed: int) -> HoldoutSplit:
    """The split, with its train rows cut to about ``cap``: every positive, a sample of the rest.

    Rare positives are what a model learns from, so all of them stay; only the common class is
    sampled (seeded). Scores then run higher than the full model's, but their order, which is
    all a same-budget comparison uses, changes little.
    """
    if cap is None or split.train.size <= cap:
        return split
    train_labels = labels[split.train]
    positives, negatives = split.train[train_labels], split.train[~train_labels]
    keep = max(cap - positives.size, 0)
    if keep >= negatives.size:
        return split
    rng = np.random.default_rng(seed)
    sampled = rng.choice(negatives, size=keep, replace=False)
    return HoldoutSplit(train=np.sort(np.concatenate([positives, sampled])), test=split.test)


def repeated_fits(
    spec: DemoSpec,
    dataset: Dataset | None = None,
    repeats: int = DEFAULT_REPEATS,
    max_train_rows: int | None = None,
    threads: int | None = 1,
) -> RepeatedFits:
    """Split, fit and score the demo ``repeats`` times; keep each repeat's raw counts.

    Parameters
    ----------
    spec : the demo; its model kind, test size and seed are used. Repeat i uses seed
        ``spec.model.seed + i`` for both the stratified split and the model, so the first
        repeat is exactly the scenario the pages show (unless ``max_train_rows`` cuts it).
    dataset : the examples, when they do not come from ``spec.data_path`` (an upload).
    repeats : how many splits (at least 1).
    max_train_rows : fit each model on about this many train rows (every positive and a
        sample of the rest), to bound the cost on large uploads. None (the default) fits on
        every train row, like the pages; a cut model is a different, noisier model (on the
        fraud demo, 30,000 of 96,250 rows saved about a tenth of the time, lowered the median
        gain by about 13% and raised its spread by about 12%), so use it only when needed.
    threads : native threads each fit may use (None leaves the library defaults). One is
        the default: on a small shared machine more threads oversubscribe and run slower.

    Returns
    -------
    RepeatedFits
    """
    if repeats < 1:
        raise ValueError("repeats must be at least 1")
    if dataset is None:
        dataset = load_dataset(spec)
    labels, values = dataset.labels, dataset.values
    try:
        rule = RuleClassifier(spec.rule.expression).fit(dataset.frame, labels)
    except RuleError as error:
        raise SpecError(f"{spec.where}: [rule] expression: {error}") from None
    # The rule learns nothing, so its flags on every row serve every split.
    rule_flags_all = rule.predict_proba(dataset.frame)[:, -1] == 1.0
    limit = threadpool_limits(limits=threads) if threads else nullcontext()
    counts = []
    with limit:
        for seed in range(spec.model.seed, spec.model.seed + repeats):
            split = holdout_split(labels, spec.model.test_size, seed)
            fitted = _train_positions(split, labels, max_train_rows, seed)
            model = train_model(dataset, fitted, replace(spec.model, seed=seed))
            test_labels, test_values = labels[split.test], values[split.test]
            rule_flags = rule_flags_all[split.test]
            k = int(rule_flags.sum())
            model_flags = top_k_flags(model.score(dataset.frame.iloc[split.test]), k)
            counts.append(
                RepeatCounts(
                    seed=seed,
                    totals=Totals.of(test_labels, test_values),
                    actions=k,
                    rule_reached=int((rule_flags & test_labels).sum()),
                    model_reached=int((model_flags & test_labels).sum()),
                    rule_value=float(test_values[rule_flags & test_labels].sum()),
                    model_value=float(test_values[model_flags & test_labels].sum()),
                    train_rows=int(fitted.train.size),
                )
            )
    return RepeatedFits(spec=spec, repeats=tuple(counts), max_train_rows=max_train_rows)


def stability_of(fits: RepeatedFits, economics: Economics | None = None) -> Stability:
    """Money and spread of repeated fits under some economics (default: the spec's).

    Uses the same formula as every page (:func:`proofdeck.decisions.outcomes.outcome_arrays`), so the
    first repeat's figures equal the pages' "same budget" point figures.
    """
    economics = fits.spec.economics if economics is None else economics
    rule_net, model_net, extra_reached = [], [], []
    for r in fits.repeats:
        arrays = outcome_arrays(
            np.array([r.actions, r.actions]),
            np.array([r.rule_reached, r.model_reached]),
            np.array([r.rule_value, r.model_value]),
            r.totals,
            economics,
        )
        rule_net.append(arrays["net_value"][0])
        model_net.append(arrays["net_value"][1])
        extra_reached.append(arrays["reached"][1] - arrays["reached"][0])
    rule_net_a, model_net_a = np.array(rule_net), np.array(model_net)
    extra_net = model_net_a - rule_net_a
    extra_reached_a = np.array(extra_reached)
    return Stability(
        spec=fits.spec,
        economics=economics,
        seeds=tuple(r.seed for r in fits.repeats),
        extra_reached=extra_reached_a,
        extra_net=extra_net,
        rule_net=rule_net_a,
        model_net=model_net_a,
        reached=Spread.of(extra_reached_a),
        net=Spread.of(extra_net),
    )


def model_stability(
    spec: DemoSpec,
    economics: Economics | None = None,
    dataset: Dataset | None = None,
    repeats: int = DEFAULT_REPEATS,
    max_train_rows: int | None = None,
) -> Stability:
    """Refit the demo on ``repeats`` splits and summarise the model's gain over the rule.

    Parameters
    ----------
    spec : the demo (model kind, test size, first seed).
    economics : the assumptions for the money (default: the spec's).
    dataset : the examples, when they do not come from the spec's data file.
    repeats : how many splits and seeds.
    max_train_rows : cap on each fit's train rows (see :func:`repeated_fits`; default none).

    Returns
    -------
    Stability
        Per repeat and summarised: extra positives reached and extra net value, per period.
    """
    return stability_of(repeated_fits(spec, dataset, repeats, max_train_rows), economics)
