"""How stable is the model? Refit on disjoint test groups (repeated K-fold), compare with the rule.

Every other figure comes from one held-out split and one model seed. Here the demo's rows are
cut into K stratified parts (folds), and each part is tested by a model trained on the other
K - 1 parts, at a seed of its own; the cutting is done R times over (rounds), with other seeds.
Within a round every row is tested exactly once and the test groups are disjoint. None of them
is the page's own held-out split, which is not counted among them. On each test group the
model's top K is compared with today's rule, K being how many the rule flags there (the same
budget), and the money is scaled to the population per period like every page's figures.

What the spread measures: luck of the split and of the training, on test groups of n / K rows
(fewer than the page's held-out rows). Its standard deviation is pooled within rounds, where
the test groups are disjoint: a group's figure then varies like a sample of n / K rows drawn
with replacement (the finite-population shrink and the groups' fixed total cancel; stratified,
each holds its share of positives, which takes a little off), so chance in the tested rows
alone would give about the bootstrap's standard deviation of the page's held-out set rescaled
by sqrt(held-out rows / group rows). :meth:`Stability.compared_with` sets the two
side by side, and reads only a clear excess (over :data:`SPREAD_FACTOR` times, and over what
chance allows for so few groups, :func:`chance_bound`) as "the training moves it too". The
reading is one-sided on purpose: the page's bootstrap keeps each policy's flags fixed, so the
number of actions varies in it and its interval of a same-budget difference runs somewhat wide
(with fixed scores and light-tailed values the groups' SD came to about 0.75 of it); and with
heavy-tailed money an SD from ten groups is rough (with lognormal values of sigma 1.5 it
exceeded twice the chance SD in about 1 of 8 simulations without any training luck). So "within
chance" means no sign of more, never "less than the interval's uncertainty".

Fitting is the slow part, so it is done once (:func:`repeated_fits`) and keeps only raw counts
per test group; the money for any economics is then a few array operations
(:func:`stability_of`), so a page can follow edited assumptions without refitting.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass, replace

import numpy as np
from scipy.stats import chi2
from sklearn.model_selection import StratifiedKFold
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

DEFAULT_FOLDS = 5
DEFAULT_ROUNDS = 2
DEFAULT_FITS = DEFAULT_FOLDS * DEFAULT_ROUNDS
# The groups' SD is called more than chance only above this many times the chance SD (see above).
SPREAD_FACTOR = 2.0


def fold_plan(fits: int) -> tuple[int, int]:
    """Folds and rounds for about ``fits`` model fits: five folds once there are five fits.

    >>> [fold_plan(n) for n in (1, 2, 4, 5, 8, 10, 15)]
    [(2, 1), (2, 1), (4, 1), (5, 1), (5, 2), (5, 2), (5, 3)]
    """
    if fits < 1:
        raise ValueError("fits must be at least 1")
    folds = min(DEFAULT_FOLDS, max(fits, 2))
    return folds, max(1, round(fits / folds))


@dataclass(frozen=True)
class FoldSplit:
    """One test group: which round, which fold, and the rows trained and tested on."""

    round: int
    fold: int
    split: HoldoutSplit


def fold_splits(labels: np.ndarray, folds: int, rounds: int, seed: int) -> tuple[FoldSplit, ...]:
    """Repeated stratified K-fold over every row: ``rounds`` x ``folds`` disjoint test groups.

    Round r shuffles with seed ``seed + 1 + r``; within a round each row is in exactly one
    test group, and the outcome rate is about the same in every group. Folds are cut to the
    rarer class's count when it has fewer rows than ``folds`` (never under two).

    Raises
    ------
    ValueError
        When either class has fewer than two rows (nothing to test on twice).
    """
    labels = np.asarray(labels, dtype=bool)
    rarer = int(min(labels.sum(), (~labels).sum()))
    folds = min(folds, rarer)
    if folds < 2:
        raise ValueError("each outcome needs at least two examples to be tested on separate groups")
    positions = np.arange(labels.size)
    result = []
    for r in range(rounds):
        cutter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed + 1 + r)
        for f, (train, test) in enumerate(cutter.split(positions, labels)):
            result.append(FoldSplit(r, f, HoldoutSplit(train=np.sort(train), test=np.sort(test))))
    return tuple(result)


@dataclass(frozen=True)
class RepeatCounts:
    """Raw counts of one test group: rule and model at the rule's budget.

    Attributes
    ----------
    seed : seed of this group's model.
    totals : examples tested, positives and their value.
    actions : examples the rule flags in the group (K); the model acts on its top K.
    rule_reached, model_reached : positives among them.
    rule_value, model_value : per-example value summed over those positives.
    train_rows : rows the model was fitted on.
    round, fold : which round of the repeated K-fold, and which of its test groups.
    """

    seed: int
    totals: Totals
    actions: int
    rule_reached: int
    model_reached: int
    rule_value: float
    model_value: float
    train_rows: int
    round: int = 0
    fold: int = 0


@dataclass(frozen=True)
class RepeatedFits:
    """The raw counts of every test group, round by round, with what the figures are set beside.

    Attributes
    ----------
    repeats : one :class:`RepeatCounts` per test group (``folds`` x ``rounds`` of them).
    heldout_rows : the page's held-out rows, whose bootstrap interval the spread is set beside
        (and the size figures are scaled to when the economics name no population).
    folds, rounds : the K of the K-fold, and how many times it was cut.
    """

    spec: DemoSpec
    repeats: tuple[RepeatCounts, ...]
    max_train_rows: int | None
    heldout_rows: int = 0
    folds: int = 0
    rounds: int = 1


@dataclass(frozen=True)
class Spread:
    """Summary of one figure across test groups.

    ``sd`` is pooled within groups (``groups`` labels each value's round): the square root of
    the summed squared deviations from each round's mean over the summed (size - 1); with one
    group that is the plain SD with ddof=1. NaN with no degrees of freedom. ``df`` is their count.
    """

    low: float
    high: float
    median: float
    sd: float
    df: int = 0

    @classmethod
    def of(cls, values: np.ndarray, groups: np.ndarray | None = None) -> Spread:
        values = np.asarray(values, dtype=float)
        groups = np.zeros(values.size, dtype=int) if groups is None else np.asarray(groups)
        squares, df = 0.0, 0
        for g in np.unique(groups):
            part = values[groups == g]
            squares += float(((part - part.mean()) ** 2).sum())
            df += part.size - 1
        sd = float(np.sqrt(squares / df)) if df > 0 else float("nan")
        return cls(float(values.min()), float(values.max()), float(np.median(values)), sd, df)


def chance_bound(df: int) -> float:
    """How far above 1 the ratio (spread SD / chance SD) may go by chance alone: the 97.5th
    percentile of sqrt(chi-square(df) / df), e.g. 1.48 for ten groups in two rounds (8 df)."""
    return float(np.sqrt(chi2.ppf(0.975, df) / df)) if df > 0 else float("inf")


def _rounds_text(rounds: int) -> str:
    return {1: "once", 2: "twice over"}.get(rounds, f"{rounds} times over")


@dataclass(frozen=True)
class Stability:
    """The model's gain over the rule at the rule's budget, test group by test group, per period.

    Attributes
    ----------
    seeds : the model seed of each group (none is the page's model's).
    rounds : each group's round of the repeated K-fold.
    extra_reached : model's positives reached minus the rule's, per group (scaled like
        :class:`~proofdeck.decisions.outcomes.Outcome`: to the population per period, or to the
        page's held-out rows when the economics name no population).
    extra_net : model's net value minus the rule's, per group.
    rule_net, model_net : the two net values, per group.
    reached, net : spread of ``extra_reached`` and ``extra_net`` (SD pooled within rounds).
    economics : the assumptions the money was computed with.
    folds : the K of the K-fold; fold_rows : rows in a test group (the mean, to the unit);
    heldout_rows : the page's held-out rows.
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
    rounds: tuple[int, ...] = ()
    folds: int = 0
    fold_rows: int = 0
    heldout_rows: int = 0

    @property
    def repeats(self) -> int:
        """Test groups (model fits): folds x rounds."""
        return len(self.seeds)

    @property
    def round_count(self) -> int:
        return len(set(self.rounds)) or 1

    @property
    def model_wins(self) -> int:
        """Test groups in which the model's net value beats the rule's."""
        return int((self.extra_net > 0).sum())

    def chance_sd_for(self, interval: Interval) -> float:
        """The bootstrap's SD of the page's figure (95% width / 3.92), rescaled from the page's
        held-out rows to a test group's: sampling SD of a figure scaled per period goes as one
        over the square root of the rows it was measured on."""
        boot_sd = (interval.high - interval.low) / 3.92
        if not (self.fold_rows > 0 and self.heldout_rows > 0):
            return float("nan")
        return float(boot_sd * np.sqrt(self.heldout_rows / self.fold_rows))

    def _groups(self) -> str:
        nouns = self.spec.nouns
        return f"{self.repeats} other test groups of about {self.fold_rows:,} {nouns.entities}"

    def _scaled(self) -> str:
        econ, nouns = self.economics, self.spec.nouns
        if econ.population > 0:
            return f"scaled like the page's figures to {econ.population:,.0f} {nouns.entities} per {econ.period}"
        return f"scaled to the page's {self.heldout_rows:,} held-out {nouns.entities}"

    @property
    def summary(self) -> str:
        """What was done and the range, in the demo's nouns and money (the report's sentence)."""
        cur, nouns = self.economics.currency, self.spec.nouns
        per = period_suffix(self.economics)
        net, k = self.net, self.folds
        return (
            f"Tested again on {self._groups()}, none of them this page's held-out split: the data were cut "
            f"into {k} parts {_rounds_text(self.round_count)}, and each part was tested by a model trained "
            f"on the other {k - 1}, so within a round every {nouns.entity} is tested exactly once. "
            f"With each group's counts {self._scaled()}, the model's extra net value over today's rule at "
            f"the same budget ranged from {money(net.low, cur, signed=True)} to "
            f"{money(net.high, cur, signed=True)}{per} (middle {money(net.median, cur, signed=True)}, "
            f"typical swing {money(net.sd, cur)} between the groups of a round); it beat the rule in "
            f"{self.model_wins} of {self.repeats}, reaching {self.reached.low:+,.0f} to "
            f"{self.reached.high:+,.0f} more {nouns.positives}."
        )

    def _reading(self, interval: Interval) -> tuple[float, float, bool] | None:
        """(chance SD at a group's size, the groups' SD over it, whether that is clearly more),
        or None when there is nothing to compare (one group per round, no interval)."""
        chance = self.chance_sd_for(interval)
        if not (np.isfinite(chance) and chance > 0 and np.isfinite(self.net.sd)):
            return None
        ratio = self.net.sd / chance
        return chance, ratio, ratio > max(SPREAD_FACTOR, chance_bound(self.net.df))

    def compared_with(self, interval: Interval) -> str:
        """Set the spread across test groups beside what chance alone gives at their size.

        The page's 95% bootstrap interval spans about 3.92 standard deviations of sampling
        noise on the page's held-out rows; rescaled to a test group's rows
        (:meth:`chance_sd_for`) it is what the groups' SD would be if only the luck of which
        rows are tested moved the figure. Only a clear excess is read as the training moving
        the figure too (module docstring: why the reading is one-sided).
        """
        cur, entities = self.economics.currency, self.spec.nouns.entities
        reading = self._reading(interval)
        if reading is None:
            return "There are too few test groups or held-out rows to set their spread beside the 95% interval."
        chance, ratio, more = reading
        lead = (
            f"That swing is the luck of the split and of the training, on groups of {self.fold_rows:,} "
            f"{entities}. The luck of which {entities} are tested would alone move it by about "
            f"{money(chance, cur)} on groups that size (the 95% interval shown, from {self.heldout_rows:,} "
            f"held-out {entities}, rescaled to {self.fold_rows:,}): "
        )
        if not more:
            return lead + ("the swing is within that, so these groups show no sign that the figure depends on "
                           "the training more than the interval allows.")
        return lead + (f"the swing is {ratio:.1f} times that, more than chance explains, so the figure also "
                       "depends on which rows the model trained on, which the interval does not cover.")

    def caption(self, interval: Interval) -> str:
        """The pages' short sentence: the range, the wins, and the spread beside chance."""
        econ, net, nouns = self.economics, self.net, self.spec.nouns
        cur, per = econ.currency, period_suffix(econ)
        scaled = ("each group scaled up like the figures above" if econ.population > 0
                  else f"each group scaled to the {self.heldout_rows:,} held-out {nouns.entities}")
        head = (
            f"Tested again on {self._groups()} ({self.folds} parts of the data, "
            f"{_rounds_text(self.round_count)}; none is this page's split): the extra net value, {scaled}, "
            f"ranged from {money(net.low, cur, signed=True)} to {money(net.high, cur, signed=True)}{per}, "
            f"ahead of the rule in {self.model_wins} of {self.repeats}."
        )
        reading = self._reading(interval)
        if reading is None:
            return head
        chance, ratio, more = reading
        swing = f"(typical swing {money(net.sd, cur)} against about {money(chance, cur)})"
        what = f"luck of the split and of the training on {self.fold_rows:,} {nouns.entities}"
        if not more:
            return (f"{head} That spread, {what}, is within what chance in which {nouns.entities} are tested "
                    f"gives at that size {swing}.")
        return (f"{head} That spread, {what}, is {ratio:.1f} times what chance in which {nouns.entities} are "
                f"tested gives at that size {swing}: the figure depends on the training too.")


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
    folds: int = DEFAULT_FOLDS,
    rounds: int = DEFAULT_ROUNDS,
    max_train_rows: int | None = None,
    threads: int | None = 1,
) -> RepeatedFits:
    """Cut the demo into ``folds`` test groups ``rounds`` times over; fit, score, keep raw counts.

    Parameters
    ----------
    spec : the demo; its model kind, test size and seed are used. Round r is cut with seed
        ``spec.model.seed + 1 + r`` (:func:`fold_splits`); the i-th test group's model (counting
        across rounds) uses seed ``spec.model.seed + 1 + i``. The page's own split and model
        (seed ``spec.model.seed``, ``test_size`` held out) are not among them.
    dataset : the examples, when they do not come from ``spec.data_path`` (an upload).
    folds : test groups per round (at least 2; fewer when a class has fewer rows).
    rounds : how many times the rows are cut (at least 1). Fits: folds x rounds.
    max_train_rows : fit each model on about this many train rows (every positive and a
        sample of the rest), to bound the cost on large uploads. None (the default) fits on
        every train row; a cut model is a different, noisier model (on the fraud demo, 30,000
        of 96,250 rows saved about a tenth of the time, lowered the median gain by about 13%
        and raised its spread by about 12%), so use it only when needed.
    threads : native threads each fit may use (None leaves the library defaults). One is
        the default: on a small shared machine more threads oversubscribe and run slower.

    Returns
    -------
    RepeatedFits
    """
    if rounds < 1:
        raise ValueError("rounds must be at least 1")
    if folds < 2:
        raise ValueError("folds must be at least 2")
    if dataset is None:
        dataset = load_dataset(spec)
    labels, values = dataset.labels, dataset.values
    try:
        rule = RuleClassifier(spec.rule.expression).fit(dataset.frame, labels)
    except RuleError as error:
        raise SpecError(f"{spec.where}: [rule] expression: {error}") from None
    # The rule learns nothing, so its flags on every row serve every test group.
    rule_flags_all = rule.predict_proba(dataset.frame)[:, -1] == 1.0
    heldout_rows = int(holdout_split(labels, spec.model.test_size, spec.model.seed).test.size)
    groups = fold_splits(labels, folds, rounds, spec.model.seed)
    limit = threadpool_limits(limits=threads) if threads else nullcontext()
    counts = []
    with limit:
        for index, group in enumerate(groups):
            seed = spec.model.seed + 1 + index
            test = group.split.test
            fitted = _train_positions(group.split, labels, max_train_rows, seed)
            model = train_model(dataset, fitted, replace(spec.model, seed=seed))
            test_labels, test_values = labels[test], values[test]
            rule_flags = rule_flags_all[test]
            k = int(rule_flags.sum())
            model_flags = top_k_flags(model.score(dataset.frame.iloc[test]), k)
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
                    round=group.round,
                    fold=group.fold,
                )
            )
    return RepeatedFits(spec=spec, repeats=tuple(counts), max_train_rows=max_train_rows,
                        heldout_rows=heldout_rows, folds=max(g.fold for g in groups) + 1, rounds=rounds)


def stability_of(fits: RepeatedFits, economics: Economics | None = None) -> Stability:
    """Money and spread of the test groups under some economics (default: the spec's).

    Uses the same formula as every page (:func:`proofdeck.decisions.outcomes.outcome_arrays`):
    each group's counts are scaled to the population per period, so a group of n / K rows and
    the page's held-out rows give figures of the same size. With no population (figures for the
    held-out rows), each group is scaled to the page's held-out rows instead.
    """
    economics = fits.spec.economics if economics is None else economics
    scaling = economics
    if economics.population <= 0 and fits.heldout_rows > 0:
        scaling = replace(economics, population=float(fits.heldout_rows))
    rule_net, model_net, extra_reached = [], [], []
    for r in fits.repeats:
        arrays = outcome_arrays(
            np.array([r.actions, r.actions]),
            np.array([r.rule_reached, r.model_reached]),
            np.array([r.rule_value, r.model_value]),
            r.totals,
            scaling,
        )
        rule_net.append(arrays["net_value"][0])
        model_net.append(arrays["net_value"][1])
        extra_reached.append(arrays["reached"][1] - arrays["reached"][0])
    rule_net_a, model_net_a = np.array(rule_net), np.array(model_net)
    extra_net = model_net_a - rule_net_a
    extra_reached_a = np.array(extra_reached)
    rounds = np.array([r.round for r in fits.repeats])
    return Stability(
        spec=fits.spec,
        economics=economics,
        seeds=tuple(r.seed for r in fits.repeats),
        extra_reached=extra_reached_a,
        extra_net=extra_net,
        rule_net=rule_net_a,
        model_net=model_net_a,
        reached=Spread.of(extra_reached_a, rounds),
        net=Spread.of(extra_net, rounds),
        rounds=tuple(int(x) for x in rounds),
        folds=fits.folds,
        fold_rows=int(round(np.mean([r.totals.examples for r in fits.repeats]))),
        heldout_rows=fits.heldout_rows,
    )


def model_stability(
    spec: DemoSpec,
    economics: Economics | None = None,
    dataset: Dataset | None = None,
    folds: int = DEFAULT_FOLDS,
    rounds: int = DEFAULT_ROUNDS,
    max_train_rows: int | None = None,
) -> Stability:
    """Refit the demo on ``folds`` x ``rounds`` disjoint test groups; summarise its gain over the rule.

    Parameters
    ----------
    spec : the demo (model kind, seed).
    economics : the assumptions for the money (default: the spec's).
    dataset : the examples, when they do not come from the spec's data file.
    folds, rounds : the repeated K-fold (see :func:`repeated_fits`).
    max_train_rows : cap on each fit's train rows (see :func:`repeated_fits`; default none).

    Returns
    -------
    Stability
        Per test group and summarised: extra positives reached and extra net value, per period.
    """
    return stability_of(repeated_fits(spec, dataset, folds, rounds, max_train_rows), economics)
