"""Leakage guard: columns that may only be known after the outcome, or during the action.

Three signs; any one flags a column (the page leaves it out by default, and the user can put it
back after confirming it is known before acting):

1. **Too good alone.** Each column on its own is turned into a score on the train rows (its
   outcome rate per value, or per one of up to 50 quantile bins of a number; missing is a
   value of its own, since "has a cancel date" is a classic leak) and measured on the held-out
   rows, split as the model splits them. A held-out AUC of 0.97 or more means that, for 97 of
   100 pairs of a positive and a negative row, this one column alone orders them right. Honest
   single columns of real business data rarely pass 0.85 (the best single column of each
   bundled demo is well below, see the tests), and whole models of good proofs of concept
   usually land at 0.75-0.90; a column this far above that almost always restates the
   outcome (a status, a close date, a refund). Rare but true exceptions can be put back.
2. **A telling name.** Words such as refund, chargeback, cancel, churn, outcome, result,
   closed, terminated, after, "days to", "end date", or a distinctive word shared with the
   outcome column's name ("converted_date" next to "converted_60d").
3. **Dominance.** A column measured *during* the action (the length of a sales call, known
   only once the call is over) is neither perfect alone nor named like an outcome, but it
   dominates: alone it is far better than every other column (0.75 or more, and at least 0.12
   above the next best), or refitting a good model (0.80 or more) without it costs much of its
   ranking power (0.05 of its AUC, and 15% or more of its AUC above chance). Honest strong drivers exist too (a contract
   type in churn), so dominance asks the person, rather than deciding: the strongest drivers
   are shown with these measures and each gets a "known before we act?" question.

Nothing here can prove a file has no leak: :class:`LeakCheck` records what was checked and
what was found, so pages and the report say exactly that.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.metrics import roc_auc_score

from proofdeck.data.sampling import stratified_sample
from proofdeck.model.results_cache import load_record, results_key, save_record
from proofdeck.model.training import build_pipeline, fitting_threads, holdout_split, split_feature_kinds
from proofdeck.upload.profile import words_of
from proofdeck.words.wording import a

AUC_LIMIT = 0.97
DOMINANT_ALONE = 0.75  # alone this good...
DOMINANT_EDGE = 0.12  # ...and this far above the next best column alone
# Or the model, good with it (0.80 or more), loses at least 0.05 of its AUC and 15% of its AUC
# above chance without it. In a weak model one honest driver often carries most of the little
# ranking power there is, so the share alone would flag honest columns of modest files.
DOMINANT_LOSS = 0.15
DOMINANT_DROP = 0.05
DOMINANT_MODEL = 0.80
STRONGEST = 3  # the strongest columns refitted without, and asked about
CHECK_MAX_TRAIN = 20_000  # the refits train on a stratified sample of at most this many rows
MAX_ROWS = 200_000
MIN_HELDOUT_EACH = 10
_AFTER_WORDS = {
    "refund", "refunds", "refunded", "chargeback", "chargebacks", "cancel", "cancels", "cancelled",
    "canceled", "cancellation", "churn", "churned", "churns", "outcome", "outcomes", "result",
    "results", "closed", "terminated", "termination", "after", "post", "writeoff", "resolution",
    "resolved", "disputed", "dispute",
}
_AFTER_PAIRS = {("days", "to"), ("end", "date"), ("close", "date"), ("exit", "date"), ("status", "final"),
                ("final", "status"), ("status", "after"), ("written", "off"), ("charged", "back")}
_GENERIC = {"date", "days", "day", "month", "months", "year", "total", "count", "flag", "number", "value",
            "amount", "score", "rate", "type", "status", "customer", "user", "account", "last", "first"}


RECORD_VERSION = 1  # raise when what the check measures or how changes: cached records then miss


@dataclass(frozen=True)
class Leak:
    """A column flagged as possibly known only after the outcome.

    Attributes
    ----------
    column : the column.
    reason : a sentence for the page.
    auc : the column's held-out AUC on its own, when measured (None if not).
    by_name : flagged (also) because of its name.
    dominant : flagged because it dominates the model (see :class:`Driver`), not because it
        is too good alone or named like an outcome.
    """

    column: str
    reason: str
    auc: float | None
    by_name: bool
    dominant: bool = False


@dataclass(frozen=True)
class Driver:
    """One of the strongest columns, measured alone and by refitting the model without it.

    Attributes
    ----------
    column : the column.
    alone : its held-out AUC on its own.
    next_best : the best other column's held-out AUC on its own.
    with_it, without : the model's held-out AUC with every checked column, and refitted without
        this one (None when too few rows to refit).
    edge_low, drop_low : cautious lower bounds (see :func:`auc_gap_low`) of ``alone -
        next_best`` and ``with_it - without`` (None: not measured, the gap counts as it is).
    """

    column: str
    alone: float
    next_best: float
    with_it: float | None
    without: float | None
    edge_low: float | None = None
    drop_low: float | None = None

    @property
    def loss(self) -> float | None:
        """Share of the model's ranking power above chance (AUC - 0.5) lost without it."""
        if self.with_it is None or self.without is None or self.with_it <= 0.5:
            return None
        return max(self.with_it - self.without, 0.0) / (self.with_it - 0.5)

    @property
    def far_above_others(self) -> bool:
        edge = self.alone - self.next_best
        return self.alone >= DOMINANT_ALONE and edge >= DOMINANT_EDGE and _beyond_chance(self.edge_low)

    @property
    def carries_the_model(self) -> bool:
        if self.loss is None:
            return False
        # The drop's cautious bound itself must reach 0.05: a small file's model loses more
        # without any strong column by chance alone (its other columns are learned from few rows).
        drop = self.with_it - self.without if self.drop_low is None else self.drop_low
        return self.with_it >= DOMINANT_MODEL and drop >= DOMINANT_DROP and self.loss >= DOMINANT_LOSS

    @property
    def dominant(self) -> bool:
        return self.far_above_others or self.carries_the_model

    @property
    def measures(self) -> str:
        """The numbers in words: "alone it orders 84 of 100 pairs right (the next best
        column alone: 67); without it the model orders 77 instead of 89 (31% of its ranking
        power)"."""
        text = (f"alone it orders {_pairs(self.alone)} of 100 pairs right (the next best column alone: "
                f"{_pairs(self.next_best)})")
        if self.loss is not None:
            text += (f"; without it the model orders {_pairs(self.without)} instead of {_pairs(self.with_it)} "
                     f"({self.loss:.0%} of its ranking power)")
        return text


def _beyond_chance(low: float | None) -> bool:
    """A gap counts only if its cautious lower bound is above zero (not measured: it counts)."""
    return low is None or low > 0


@dataclass(frozen=True)
class LeakCheck:
    """What the guard checked in a file, and what it found (never a promise of no leak).

    Attributes
    ----------
    checked : every column checked alone and by its name.
    leaks : the flagged columns, most suspicious first.
    drivers : the strongest columns (up to :data:`STRONGEST`), refitted without, strongest first.
    measured : False when too few rows held out each outcome to measure AUCs (names only).
    rows : rows the measures used (a stratified sample of big files).
    """

    checked: tuple[str, ...]
    leaks: tuple[Leak, ...]
    drivers: tuple[Driver, ...]
    measured: bool
    rows: int

    @property
    def flagged(self) -> frozenset[str]:
        return frozenset(leak.column for leak in self.leaks)

    def as_record(self) -> dict:
        """Plain values (for a JSON file): :meth:`from_record` gives the same check back."""
        return {"version": RECORD_VERSION, "checked": list(self.checked), "measured": self.measured,
                "rows": self.rows, "leaks": [asdict(leak) for leak in self.leaks],
                "drivers": [asdict(driver) for driver in self.drivers]}

    @classmethod
    def from_record(cls, record: dict) -> LeakCheck:
        """The check a record holds; ValueError when it is not one of this version."""
        try:
            if record["version"] != RECORD_VERSION:
                raise ValueError("a record of another version of the leak guard")
            return cls(checked=tuple(str(name) for name in record["checked"]),
                       leaks=tuple(Leak(**leak) for leak in record["leaks"]),
                       drivers=tuple(Driver(**driver) for driver in record["drivers"]),
                       measured=bool(record["measured"]), rows=int(record["rows"]))
        except (KeyError, TypeError) as error:
            raise ValueError(f"not a leak check record ({error})") from None

    def unconfirmed(self, features: tuple[str, ...] | list[str], confirmed: tuple[str, ...] | list[str]) -> list[str]:
        """The strongest drivers the model uses that nobody confirmed as known before acting."""
        used, sure = set(features), set(confirmed)
        return [d.column for d in self.drivers if d.column in used and d.column not in sure]

    def unconfirmed_sentence(self, features, confirmed, action: str, label=str, detail: bool = True) -> str:
        """"" when every strong driver the model uses was confirmed as known before acting;
        else a sentence naming them: "Not confirmed as known before a retention offer:
        Tenure (alone it orders...). If one is only known after, every figure here flatters
        the model." (the measures only with ``detail``)."""
        names = self.unconfirmed(features, confirmed)
        if not names:
            return ""
        by_column = {d.column: d for d in self.drivers}
        if detail:
            listed = "; ".join(f"{label(name)} ({by_column[name].measures})" for name in names)
        else:
            shown = [label(name) for name in names]
            listed = (shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]) + (
                f" (the model's {'strongest driver' if len(shown) == 1 else 'strongest drivers'})")
        return (f"Not confirmed as known before {a(action)}: {listed}. If one is only known after, every figure "
                "here flatters the model.")

    def findings(self, features, confirmed, action: str, label=str, detail: bool = True) -> str:
        """What was checked, what was found, and what someone confirmed, in one paragraph
        (never "no leak": no check can prove a column is known in time)."""
        text = self.summary(label, detail)
        sure = [label(c) for c in features if c in set(confirmed)]
        if sure:
            text += f" Confirmed as known before {a(action)}: {', '.join(sure)}."
        else:
            text += f" No column was confirmed as known before {a(action)}."
        back = [label(leak.column) for leak in self.leaks if leak.column in set(features)]
        if back:
            text += f" Flagged but used by the model (put back): {', '.join(back)}."
        return text + " No check can prove a column is known in time."

    def summary(self, label=str, detail: bool = True) -> str:
        """What was checked and found, in words (``label`` turns a column name into its label):
        "16 columns were checked alone on held-out rows and by their names, and the model was
        refitted without each of its 3 strongest; flagged: Duration (...)" (the reasons only
        with ``detail``)."""
        how = "alone on held-out rows and by their names" if self.measured else (
            "by their names only (too few rows to measure them alone)")
        text = f"{len(self.checked)} column{'s were' if len(self.checked) != 1 else ' was'} checked {how}"
        refitted = [d for d in self.drivers if d.without is not None]
        if refitted:
            text += f", and the model was refitted without each of its {len(refitted)} strongest"
        if not self.leaks:
            return text + "; none was flagged."
        flagged = [f"{label(leak.column)} ({leak.reason})" if detail else label(leak.column) for leak in self.leaks]
        return text + "; flagged: " + "; ".join(flagged) + "."


def find_leaks(
    frame: pd.DataFrame,
    labels: np.ndarray,
    features: tuple[str, ...] | list[str],
    outcome_column: str | None = None,
    test_size: float = 0.3,
    seed: int = 42,
) -> tuple[Leak, ...]:
    """Flag the features that look known only after the outcome.

    Parameters
    ----------
    frame : rows aligned with ``labels`` (the rows that have an outcome); never modified.
    labels : True for the positive outcome.
    features : the columns to check.
    outcome_column : its name, to notice columns named like it.
    test_size, seed : the held-out split, as the model's (so it is the same split).

    Returns
    -------
    The flagged columns, most suspicious first.
    """
    labels = np.asarray(labels, dtype=bool)
    return _single_column_checks(frame, labels, tuple(features), outcome_column, test_size, seed)[0]


def _single_column_checks(frame, labels, features, outcome_column, test_size, seed):
    """(leaks, held-out AUC alone per column, row positions used, split of them or None)."""
    positions = np.arange(len(labels))
    if len(labels) > MAX_ROWS:
        positions = stratified_sample(labels, MAX_ROWS, seed)
    sub_labels = labels[positions]
    measurable = min(sub_labels.sum(), (~sub_labels).sum()) * test_size >= MIN_HELDOUT_EACH
    split = holdout_split(sub_labels, test_size, seed) if measurable else None
    leaks, aucs = [], {}
    for name in features:
        named = name_reason(name, outcome_column)
        auc = None
        if split is not None:
            auc = aucs[name] = single_column_auc(frame[name].iloc[positions], sub_labels, split.train, split.test)
        too_good = auc is not None and auc >= AUC_LIMIT
        if not (named or too_good):
            continue
        parts = []
        if too_good:
            parts.append(
                f"on its own it predicts the outcome almost perfectly on held-out rows "
                f"(right for {auc * 100:.0f} of 100 pairs)"
            )
        if named:
            parts.append(named)
        reason = "this column may only be known after the outcome: " + "; and ".join(parts)
        leaks.append(Leak(str(name), reason, auc, bool(named)))
    leaks.sort(key=lambda leak: -(leak.auc or 0.0))
    return tuple(leaks), aucs, positions, split


def check_columns(
    frame: pd.DataFrame,
    labels: np.ndarray,
    features: tuple[str, ...] | list[str],
    outcome_column: str | None = None,
    model_kind: str = "gradient_boosting",
    test_size: float = 0.3,
    seed: int = 42,
) -> LeakCheck:
    """Every sign of :mod:`this module <proofdeck.upload.leakage>` on a file's columns.

    Parameters
    ----------
    frame : rows aligned with ``labels``; never modified.
    labels : True for the positive outcome.
    features : the columns to check (usually every column but the id and the outcome).
    outcome_column : its name, to notice columns named like it.
    model_kind, test_size, seed : the model and held-out split the demo will use; the refits
        train on the train rows of that split (a stratified sample above
        :data:`CHECK_MAX_TRAIN`) and are measured on its held-out rows.

    Returns
    -------
    LeakCheck
        Too-good and named columns are flagged as :func:`find_leaks` flags them; among the
        others, the strongest alone are refitted without, and a dominant one is flagged too.
    """
    labels = np.asarray(labels, dtype=bool)
    features = tuple(features)
    leaks, aucs, positions, split = _single_column_checks(frame, labels, features, outcome_column, test_size, seed)
    if split is None:
        return LeakCheck(features, leaks, (), False, int(len(positions)))
    flagged = {leak.column for leak in leaks}
    kept = [name for name in features if name not in flagged]
    ranked = sorted(kept, key=lambda name: -aucs[name])
    drivers = []
    if ranked:
        sub = frame.iloc[positions]
        sub_labels = labels[positions]
        held = sub_labels[split.test]
        train = split.train
        if train.size > CHECK_MAX_TRAIN:
            train = train[stratified_sample(sub_labels[train], CHECK_MAX_TRAIN, seed)]
        full = _refit_scores(sub, sub_labels, kept, train, split.test, model_kind, seed)
        with_it = None if full is None else float(roc_auc_score(held, full))

        def alone(name: str) -> np.ndarray:
            return single_column_scores(sub[name], sub_labels, split.train, split.test)

        for name in ranked[:STRONGEST]:
            others = [c for c in kept if c != name]
            runner_up = max(others, key=lambda c: aucs[c], default=None)
            next_best = aucs[runner_up] if runner_up else 0.5
            edge_low = auc_gap_low(held, alone(name), alone(runner_up)) if runner_up else None
            reduced = _refit_scores(sub, sub_labels, others, train, split.test, model_kind, seed) if others else None
            without = (0.5 if not others else None if reduced is None else float(roc_auc_score(held, reduced)))
            drop_low = None
            if full is not None and reduced is not None:
                drop_low = auc_gap_low(held, full, reduced)
            drivers.append(Driver(name, aucs[name], next_best, with_it, without, edge_low, drop_low))
    drivers.sort(key=lambda d: -(d.loss if d.loss is not None else d.alone - 0.5))
    dominant = [
        Leak(d.column, "it dominates the model, as a column measured during or after the action would: "
             + d.measures, d.alone, False, dominant=True)
        for d in drivers if d.dominant
    ]
    return LeakCheck(features, tuple(leaks) + tuple(dominant), tuple(drivers), True, int(len(positions)))


def _refit_scores(frame: pd.DataFrame, labels: np.ndarray, features: list[str], train: np.ndarray,
                  test: np.ndarray, kind: str, seed: int) -> np.ndarray | None:
    """Held-out scores of the demo's kind of model trained on ``features`` (None if it cannot fit)."""
    from threadpoolctl import threadpool_limits

    numeric, categorical = split_feature_kinds(frame, tuple(features))
    pipeline = build_pipeline(kind, numeric, categorical, seed)
    x = frame.loc[:, list(features)]
    try:
        with threadpool_limits(limits=fitting_threads(train.size, len(features))):
            pipeline.fit(x.iloc[train], labels[train])
            return pipeline.predict_proba(x.iloc[test])[:, 1]
    except ValueError:  # e.g. a column with no usable values at all
        return None


def _pairs(auc: float | None) -> str:
    """An AUC as "pairs out of 100 ordered right"."""
    return "—" if auc is None else f"{auc * 100:.0f}"


def name_reason(name: str, outcome_column: str | None = None) -> str | None:
    """Why a column's name suggests it is known only after the outcome, or None."""
    words = words_of(name)
    hits = [w for w in words if w in _AFTER_WORDS]
    if hits:
        return f"its name has '{hits[0]}'"
    pairs = set(zip(words, words[1:]))
    for pair in _AFTER_PAIRS:
        if pair in pairs:
            return f"its name has '{' '.join(pair)}'"
    if outcome_column:
        shared = [w for w in words if w in set(words_of(outcome_column)) and len(w) >= 4 and w not in _GENERIC]
        if shared and str(name) != str(outcome_column):
            return f"its name shares '{shared[0]}' with the outcome's"
    return None


def single_column_auc(values: pd.Series, labels: np.ndarray, train: np.ndarray, test: np.ndarray) -> float:
    """Held-out AUC of one column used alone (its train outcome rate per value or bin)."""
    scores = single_column_scores(values, labels, train, test)
    if np.unique(labels[test]).size < 2 or np.unique(scores).size < 2:
        return 0.5
    return float(roc_auc_score(labels[test], scores))


def single_column_scores(values: pd.Series, labels: np.ndarray, train: np.ndarray, test: np.ndarray) -> np.ndarray:
    """The held-out rows' scores from one column alone: the train rows' outcome rate of the
    row's value (or number bin), smoothed towards the overall rate."""
    codes = _bins(values, train)
    n_codes = int(codes.max()) + 1
    positives = np.bincount(codes[train], weights=labels[train], minlength=n_codes)
    totals = np.bincount(codes[train], minlength=n_codes)
    prior = labels[train].mean()
    rate = (positives + prior) / (totals + 1.0)  # one smoothing row: unseen values get the prior
    return rate[codes[test]]


GAP_RESAMPLES = 200


def auc_gap_low(labels: np.ndarray, better: np.ndarray, worse: np.ndarray, resamples: int = GAP_RESAMPLES,
                seed: int = 0) -> float:
    """A cautious (one-sided 97.5%) lower bound of AUC(better) - AUC(worse) on the same rows:
    the 2.5th percentile over paired bootstrap resamples of the rows. On a small file a chance
    gap between two columns (or two models) stays near zero here, so it flags nothing."""
    labels = np.asarray(labels, dtype=bool)
    rng = np.random.default_rng(seed)
    first, second = _WeightedAuc(labels, better), _WeightedAuc(labels, worse)
    block = max(1, min(resamples, 4_000_000 // max(labels.size, 1)))  # about 32 MB of weights at a time
    gaps = []
    for start in range(0, resamples, block):
        # A resample as how often each row is drawn: both AUCs see the same rows (paired).
        counts = np.stack([np.bincount(rng.integers(0, labels.size, labels.size), minlength=labels.size)
                           for _ in range(min(block, resamples - start))]).astype(float)
        gaps.extend(first.aucs(counts) - second.aucs(counts))
    gaps = np.asarray(gaps)
    gaps = gaps[np.isfinite(gaps)]
    return float(np.quantile(gaps, 0.025)) if gaps.size else float("nan")


class _WeightedAuc:
    """AUC of fixed scores under row weights, in O(n) per weighting: the Mann-Whitney count
    (each positive's weight times the weight of negatives scored below it, ties counting half)
    over score groups found once. Many weightings at once, as the rows of a matrix: the sums
    per score group are one product with a sparse rows-to-groups matrix."""

    def __init__(self, labels: np.ndarray, scores: np.ndarray):
        labels = np.asarray(labels, dtype=bool)
        _, group = np.unique(np.asarray(scores, dtype=float), return_inverse=True)
        groups = int(group.max()) + 1 if group.size else 0

        def rows_to_groups(rows: np.ndarray) -> sparse.csr_matrix:
            return sparse.csr_matrix((np.ones(rows.size), (rows, group[rows])), shape=(labels.size, groups))

        self.positive_groups = rows_to_groups(np.flatnonzero(labels))
        self.negative_groups = rows_to_groups(np.flatnonzero(~labels))

    def aucs(self, weights: np.ndarray) -> np.ndarray:
        """The AUC under each row of ``weights`` (shape: weightings x rows); NaN without pairs."""
        weights = np.atleast_2d(np.asarray(weights, dtype=float))
        positive = np.asarray((self.positive_groups.T @ weights.T).T)  # weight per score group
        negative = np.asarray((self.negative_groups.T @ weights.T).T)
        before = np.cumsum(negative, axis=1) - negative  # weight of negatives in lower groups
        pairs = positive.sum(axis=1) * negative.sum(axis=1)
        wins = (positive * (before + 0.5 * negative)).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(pairs > 0, wins / np.where(pairs > 0, pairs, 1.0), np.nan)

    def auc(self, weights: np.ndarray) -> float:
        """The AUC under one weighting of the rows."""
        return float(self.aucs(weights)[0])


def _bins(values: pd.Series, train: np.ndarray) -> np.ndarray:
    """An integer code per row: quantile bins (numbers) or values (text); 0 is missing."""
    missing = values.isna().to_numpy()
    if pd.api.types.is_bool_dtype(values):
        values = values.astype(float)
    if pd.api.types.is_numeric_dtype(values):
        numbers = values.to_numpy(dtype=float, na_value=np.nan)
        fitted = numbers[train][~np.isnan(numbers[train])]
        if fitted.size == 0:
            return np.zeros(len(values), dtype=np.int64)
        edges = np.unique(np.quantile(fitted, np.linspace(0, 1, 51)[1:-1]))
        codes = np.searchsorted(edges, numbers, side="right") + 1
    else:
        # Values seen fewer than 5 times in training share one code, so rare ids do not count.
        text = values.astype(str).to_numpy()
        seen = pd.Series(text[train][~missing[train]]).value_counts()
        common = seen.index[seen >= 5]
        lookup = {value: index + 2 for index, value in enumerate(common)}
        codes = np.fromiter((lookup.get(v, 1) for v in text), dtype=np.int64, count=len(text))
    codes[missing] = 0
    return codes.astype(np.int64)


def check_demo(scenario, folder: Path | None) -> LeakCheck:
    """The leak guard on a demo's own files (a bundled demo): read from ``folder`` when the spec
    and data file have not changed since it was checked (see
    :mod:`proofdeck.model.results_cache`; the check refits the model a few times, which on the
    fraud demo takes seconds), else checked now and kept there. ``folder`` None: always checked."""
    spec = scenario.spec
    key = results_key(spec.path, spec.data_path) if spec.path is not None else None
    name = f"{spec.key}-leak-check"
    record = load_record(folder, name, key)
    if record is not None:
        try:
            return LeakCheck.from_record(record)
        except ValueError:
            pass  # another version's record: check again
    check = check_columns(scenario.dataset.frame, scenario.dataset.labels, tuple(scenario.dataset.features),
                          spec.target_column, spec.model.kind, spec.model.test_size, spec.model.seed)
    save_record(folder, name, key, check.as_record())
    return check
