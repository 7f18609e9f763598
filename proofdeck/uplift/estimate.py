"""What a policy changes, measured on the held-out rows of a past campaign.

Within any set of held-out rows, those that got the action in the campaign and those that did
not are two samples of the same people when the campaign was randomised. The difference of
their rates of the hoped-for result (:func:`~proofdeck.uplift.outcome.won_outcome`) is what the
action changes per row, and times the rows acted on it is the estimated number of outcomes the
action changes. A ranking's uplift (Qini) curve is that estimate for its top ``k``, at every
``k``; :class:`CampaignBootstrap` gives 95% intervals of it by resampling the held-out rows,
with the same ``k`` in every resample, so every policy spends the same and the paired
difference measures only *whom* each one picks.

Money: each changed outcome is worth the value of a won example (``value_per_won``, or each
row's own value with a value column) plus, unless the action converts, the miss cost it avoids;
net value is that worth minus the spend (``cost_per_action`` x acted on, plus the fixed cost),
the gain over doing nothing. The win rate does not enter: the campaign measures the effect.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

from proofdeck.data.spec import CONVERTS, Economics
from proofdeck.decisions.bootstrap import Interval, _count_blocks, interval
from proofdeck.decisions.outcomes import policy_weights

RESAMPLES = 1000
GROUPS = ("persuadables", "sure_things", "lost_causes", "sleeping_dogs")


def ranking(scores: np.ndarray) -> np.ndarray:
    """Positions from the highest score to the lowest, ties broken by position (as
    ``compare.top_k_flags`` and the sweep break them)."""
    return np.argsort(-np.asarray(scores, dtype=float), kind="stable")


def qini_curve(order: np.ndarray, treated: np.ndarray, won: np.ndarray) -> np.ndarray:
    """The Qini curve of a ranking: for every ``k`` from 0 to ``n``, the extra hoped-for
    results among the treated rows of the top ``k``, beyond what as many untreated rows of the
    top ``k`` had: ``W_t(k) - W_c(k) x N_t(k) / N_c(k)`` (0 while the top holds no untreated
    row).

    Parameters
    ----------
    order : positions from the highest score to the lowest (:func:`ranking`).
    treated : True for rows that got the action in the campaign.
    won : 1 where the row ended as the action hopes (or its worth), 0 elsewhere.

    Examples
    --------
    Four rows in score order: treated and won, untreated and lost, treated and lost, untreated
    and won. At k = 2: one treated win, no untreated win: 1. At k = 4: one treated win against
    one untreated win among as many untreated rows: 1 - 1 x 2 / 2 = 0.

    >>> qini_curve(np.arange(4), np.array([1, 0, 1, 0], bool), np.array([1.0, 0, 0, 1])).tolist()
    [0.0, 1.0, 1.0, 1.0, 0.0]
    """
    treated = np.asarray(treated, dtype=bool)[order]
    won = np.asarray(won, dtype=float)[order]
    n_t = np.concatenate([[0], np.cumsum(treated)])
    n_c = np.concatenate([[0], np.cumsum(~treated)])
    w_t = np.concatenate([[0.0], np.cumsum(won * treated)])
    w_c = np.concatenate([[0.0], np.cumsum(won * ~treated)])
    ratio = np.divide(n_t, n_c, out=np.zeros(n_t.size), where=n_c > 0)
    return w_t - w_c * ratio


def changed_curve(order: np.ndarray, treated: np.ndarray, won: np.ndarray) -> np.ndarray:
    """Estimated outcomes the action changes if it goes to the top ``k``, for every ``k`` from
    0 to ``n``: (treated rate - untreated rate of the hoped-for result in the top ``k``) x k.
    NaN while the top holds no treated or no untreated row.

    It is the Qini curve scaled from the treated rows to all ``k`` rows: ``qini(k) x k / N_t(k)``.
    """
    treated = np.asarray(treated, dtype=bool)[order]
    won = np.asarray(won, dtype=float)[order]
    n_t = np.concatenate([[0], np.cumsum(treated)]).astype(float)
    n_c = np.concatenate([[0], np.cumsum(~treated)]).astype(float)
    w_t = np.concatenate([[0.0], np.cumsum(won * treated)])
    w_c = np.concatenate([[0.0], np.cumsum(won * ~treated)])
    with np.errstate(divide="ignore", invalid="ignore"):
        gap = np.where((n_t > 0) & (n_c > 0), w_t / n_t - w_c / n_c, np.nan)
    return gap * np.arange(n_t.size)


def changed_of_weights(weights: np.ndarray, treated: np.ndarray, won: np.ndarray, size: float) -> float:
    """Estimated outcomes changed by acting on ``size`` rows like those ``weights`` picks:
    (treated rate - untreated rate of the hoped-for result among the picks) x size."""
    weights = np.asarray(weights, dtype=float)
    treated = np.asarray(treated, dtype=bool)
    won = np.asarray(won, dtype=float)
    n_t, n_c = weights[treated].sum(), weights[~treated].sum()
    if n_t <= 0 or n_c <= 0:
        return float("nan")
    return float((np.dot(weights[treated], won[treated]) / n_t - np.dot(weights[~treated], won[~treated]) / n_c) * size)


def worth_per_row(economics: Economics, values: np.ndarray) -> np.ndarray:
    """What one changed outcome of each row is worth: its value (``value_per_won``, or the
    row's own with a value column) plus the miss cost it avoids unless the action converts."""
    base = np.asarray(values, dtype=float) if economics.value_column else np.full(len(values), economics.value_per_won)
    return base + (0.0 if economics.action_effect == CONVERTS else economics.cost_per_miss)


def spend_of(actions: float, economics: Economics, examples: int) -> float:
    """Spend of acting on ``actions`` held-out rows, per period: cost per action x actions
    scaled to the population, plus the fixed cost once anyone is acted on."""
    scale = economics.scale_for(examples)
    return economics.cost_per_action * actions * scale + (economics.fixed_cost if actions > 0 else 0.0)


def four_groups(p_with: np.ndarray, p_without: np.ndarray, action_effect: str) -> dict[str, np.ndarray]:
    """Each row's estimated share of the four groups, from the two models' probabilities of
    the outcome with and without the action.

    With q1 and q0 the chances of the hoped-for result with and without the action, a row is
    counted, as far as the two chances say, as: persuadable (the action changes it) max(q1 - q0,
    0); sleeping dog (the action puts it off) max(q0 - q1, 0); sure thing (fine either way)
    min(q0, q1); lost cause (lost either way) 1 - max(q0, q1). The four add up to 1 for every
    row; they assume no row is both changed for the better and for the worse.

    Examples
    --------
    A subscriber who cancels with chance 0.6 without the offer and 0.4 with it stays with 0.4
    and 0.6: persuadable 0.2, sure thing 0.4, lost cause 0.4, sleeping dog 0.

    >>> groups = four_groups(np.array([0.4]), np.array([0.6]), "prevents")
    >>> {name: round(float(share[0]), 3) for name, share in groups.items()}
    {'persuadables': 0.2, 'sure_things': 0.4, 'lost_causes': 0.4, 'sleeping_dogs': 0.0}
    """
    p_with, p_without = np.asarray(p_with, dtype=float), np.asarray(p_without, dtype=float)
    q1, q0 = (p_with, p_without) if action_effect == CONVERTS else (1 - p_with, 1 - p_without)
    return {
        "persuadables": np.clip(q1 - q0, 0, None),
        "sure_things": np.minimum(q0, q1),
        "lost_causes": 1 - np.maximum(q0, q1),
        "sleeping_dogs": np.clip(q0 - q1, 0, None),
    }


@dataclass(frozen=True)
class PolicyEffect:
    """What one policy changes at its budget, per period, with 95% intervals.

    Attributes
    ----------
    actions : rows acted on, scaled to the population.
    changed : estimated outcomes the action changes among them (e.g. subscribers kept).
    value : what those are worth; ``spend`` what acting costs (fixed: no interval);
        ``net_value`` value - spend.
    groups : estimated counts of the four groups among the picks (:func:`four_groups`).
    """

    actions: float
    changed: Interval
    value: Interval
    spend: float
    net_value: Interval
    groups: dict[str, float]


class CampaignBootstrap:
    """Resamples of the held-out rows of a campaign, drawn once, to measure any policy.

    Each resample draws the ``n`` held-out rows again with replacement (seeded). A ranking acts
    on the first ``k`` draws in its order, the same ``k`` in every resample; a set of flags (or
    a random pick's weights) acts on its drawn rows, and its estimate is scaled to the same
    budget it has on the held-out rows. So every policy spends the same in every resample.
    """

    def __init__(self, treated: np.ndarray, won: np.ndarray, resamples: int = RESAMPLES, seed: int = 0):
        self.treated = np.asarray(treated, dtype=bool)
        self.won = np.asarray(won, dtype=float)
        self.size = self.treated.size
        blocks = list(_count_blocks(self.size, resamples, seed))
        # Few draws of one row exceed a handful; int16 keeps a large held-out set in memory.
        self.counts = np.vstack(blocks).astype(np.int16) if blocks else np.zeros((0, self.size), np.int16)
        self.resamples = self.counts.shape[0]
        self._orders: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}

    def _columns(self, worth: np.ndarray | float) -> np.ndarray:
        """Per row: treated, treated won, treated won x worth, and the same for untreated."""
        t = self.treated
        worth = np.broadcast_to(np.asarray(worth, dtype=float), (self.size,))
        return np.column_stack([t, t * self.won, t * self.won * worth,
                                ~t, ~t * self.won, ~t * self.won * worth]).astype(float)

    @staticmethod
    def _gaps(sums: np.ndarray, size: float) -> tuple[np.ndarray, np.ndarray]:
        """Per resample, (treated rate - untreated rate) x size, of won and of its worth."""
        with np.errstate(divide="ignore", invalid="ignore"):
            rate_t = sums[:, 1:3] / sums[:, [0]]
            rate_c = sums[:, 4:6] / sums[:, [3]]
        gap = (rate_t - rate_c) * size
        return gap[:, 0], gap[:, 1]

    def _prepared(self, order: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The draws in this ranking's order, the draws before each row, and the least of
        those over resamples (kept per ranking: a slider asks the same ranking again and again)."""
        key = hashlib.sha1(np.ascontiguousarray(order).tobytes()).hexdigest()
        if key not in self._orders:
            counts = self.counts[:, order].astype(np.float32)
            before = np.cumsum(counts, axis=1, dtype=np.float32) - counts
            if len(self._orders) >= 3:  # the rankings a page compares; an old one makes room
                self._orders.pop(next(iter(self._orders)))
            self._orders[key] = (counts, before, before.min(axis=0))
        return self._orders[key]

    def ranked(self, order: np.ndarray, count: int, worth: np.ndarray | float = 1.0) -> tuple[np.ndarray, np.ndarray]:
        """Per resample, (changed, their worth) when acting on the first ``count`` draws in
        ``order``; ``worth`` is what one changed outcome of each row is worth."""
        order = np.asarray(order)
        count = int(min(max(count, 0), self.size))
        counts, before, least = self._prepared(order)
        # Rows past the point where every resample has already drawn ``count`` add nothing.
        reach = int(np.searchsorted(least, count, side="left"))
        taken = np.clip(count - before[:, :reach], 0, counts[:, :reach])
        sums = taken.astype(float) @ self._columns(worth)[order[:reach]]
        return self._gaps(sums, count)

    def flagged(self, policy: np.ndarray, worth: np.ndarray | float = 1.0) -> tuple[np.ndarray, np.ndarray]:
        """Per resample, (changed, worth) when acting on the drawn rows a policy picks (flags or
        a random pick's weights), scaled to the policy's held-out size."""
        weights = policy_weights(policy)
        sums = (self.counts @ (self._columns(worth) * weights[:, None]))
        return self._gaps(sums, float(weights.sum()))


@dataclass(frozen=True)
class UpliftComparison:
    """Policies at the same budget: what each changes, and paired differences.

    Attributes
    ----------
    count : the budget, in held-out rows (the same for every policy).
    policies : name -> :class:`PolicyEffect`, in the order given.
    differences : (first, second) -> the 95% interval of first - second, changed outcomes.
    net_differences : the same for net value (spend cancels: only the worth differs).
    """

    count: int
    policies: dict[str, PolicyEffect]
    differences: dict[tuple[str, str], Interval]
    net_differences: dict[tuple[str, str], Interval]


@dataclass
class CampaignUplift:
    """A demo's past campaign on its held-out rows, and the two models' estimates.

    Attributes
    ----------
    treated : True for held-out rows that got the action in the campaign.
    won : 1 where a held-out row ended as the action hopes.
    p_with, p_without : the two models' probabilities of the outcome with and without the
        action, per held-out row.
    effect : the estimated change in the chance of the hoped-for result (the ranking score).
    randomised : whether the campaign picked at random (else the estimates may be biased).
    action_effect : the spec's ``Economics.action_effect``.
    """

    treated: np.ndarray
    won: np.ndarray
    p_with: np.ndarray
    p_without: np.ndarray
    randomised: bool
    action_effect: str
    seed: int = 0

    @property
    def effect(self) -> np.ndarray:
        q1, q0 = (self.p_with, self.p_without) if self.action_effect == CONVERTS else (1 - self.p_with, 1 - self.p_without)
        return q1 - q0

    @property
    def order(self) -> np.ndarray:
        return ranking(self.effect)

    @property
    def groups(self) -> dict[str, np.ndarray]:
        return four_groups(self.p_with, self.p_without, self.action_effect)

    def curve(self, order: np.ndarray) -> np.ndarray:
        """Estimated changed outcomes at every ``k`` for this ranking (held-out counts)."""
        return changed_curve(order, self.treated, self.won)

    def bootstrap(self) -> CampaignBootstrap:
        """Resamples of these held-out rows, seeded (draw once, reuse for any economics)."""
        return CampaignBootstrap(self.treated, self.won, seed=self.seed)

    def effect_of(self, weights: np.ndarray, samples: tuple[np.ndarray, np.ndarray], economics: Economics,
                  values: np.ndarray) -> PolicyEffect:
        """One policy's :class:`PolicyEffect`, from its pick weights on the held-out rows (flags,
        a random pick's weights or a top ``k``) and its resamples."""
        weights = policy_weights(weights)
        n = self.treated.size
        size = float(weights.sum())
        scale = economics.scale_for(n)
        worth = worth_per_row(economics, values)
        changed = changed_of_weights(weights, self.treated, self.won, size)
        value = changed_of_weights(weights, self.treated, self.won * worth, size)
        spend = spend_of(size, economics, n)
        changed_samples, worth_samples = samples
        groups = {name: float(np.dot(weights, share) * scale) for name, share in self.groups.items()}
        return PolicyEffect(
            actions=size * scale,
            changed=interval(changed * scale, changed_samples * scale),
            value=interval(value * scale, worth_samples * scale),
            spend=spend,
            net_value=interval(value * scale - spend, worth_samples * scale - spend),
            groups=groups,
        )

    def at_budget(self, policies: dict[str, np.ndarray], economics: Economics, values: np.ndarray,
                  count: int | None = None, boot: CampaignBootstrap | None = None) -> UpliftComparison:
        """Policies compared at one budget.

        Parameters
        ----------
        policies : name -> either an order of the held-out rows (a ranking: int positions, acting
            on its top ``count``) or flags / weights (a fixed pick such as today's rule).
        count : the budget for the rankings; by default the first fixed pick's size.
        boot : resamples drawn once (:meth:`bootstrap`), reused across calls.
        """
        boot = boot or self.bootstrap()
        n = self.treated.size
        worth = worth_per_row(economics, values)
        fixed = [p for p in policies.values() if not _is_order(p, n)]
        if count is None:
            count = int(round(policy_weights(fixed[0]).sum())) if fixed else 0
        effects, draws = {}, {}
        for name, policy in policies.items():
            if _is_order(policy, n):
                weights = np.zeros(n)
                weights[np.asarray(policy)[:count]] = 1.0
                draws[name] = boot.ranked(np.asarray(policy), count, worth)
            else:
                weights = policy_weights(policy)
                draws[name] = boot.flagged(policy, worth)
            effects[name] = self.effect_of(weights, draws[name], economics, values)
        scale = economics.scale_for(n)
        differences, net = {}, {}
        names = list(policies)
        for i, first in enumerate(names):
            for second in names[i + 1:]:
                for pair, a, b in (((first, second), first, second), ((second, first), second, first)):
                    differences[pair] = interval(
                        effects[a].changed.estimate - effects[b].changed.estimate,
                        (draws[a][0] - draws[b][0]) * scale)
                    net[pair] = interval(
                        effects[a].net_value.estimate - effects[b].net_value.estimate,
                        (draws[a][1] - draws[b][1]) * scale - (effects[a].spend - effects[b].spend))
        return UpliftComparison(count=int(count), policies=effects, differences=differences, net_differences=net)


def _is_order(policy: np.ndarray, n: int) -> bool:
    """A ranking is a permutation of the held-out positions (integers); flags are booleans and
    weights floats."""
    policy = np.asarray(policy)
    return policy.dtype.kind in "iu" and policy.size == n
