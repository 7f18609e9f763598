"""A demo made ready for the pages: data, rule and model scored on the held-out split.

Data flows one way (DESIGN.md): spec -> dataset -> rule flags and model scores on the held-out
split -> a threshold sweep computed once. Pages then only look things up.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np
import pandas as pd

from proofdeck.data.datasets import Dataset, load_dataset
from proofdeck.data.sampling import stratified_sample
from proofdeck.data.spec import DemoSpec, Economics, SpecError
from proofdeck.decisions.outcomes import Outcome, as_flags, outcome_of_flags, policy_size
from proofdeck.decisions.random_pick import RandomPick, random_pick_weights
from proofdeck.decisions.sweep import ThresholdSweep
from proofdeck.model.training import FITTED, HoldoutSplit, TrainedModel, holdout_split, train_model
from proofdeck.model.two_models import fit_two_models
from proofdeck.rules.heuristic import RuleClassifier
from proofdeck.rules.parse import FLAG, column_kinds
from proofdeck.rules.positions import RuleError
from proofdeck.rules.rule import Rule
from proofdeck.uplift.estimate import CampaignUplift
from proofdeck.uplift.outcome import treated_rows, won_outcome
from proofdeck.words.wording import (
    RANDOM_PICK,
    TODAYS_RULE,
    UNSEEN_ANSWERS,
    UNSEEN_NOT_SURE,
    UNSEEN_YES,
    Baseline,
    unseen_note,
)

_SERIALS = itertools.count(1)


@dataclass
class Scenario:
    """Everything computed once per demo. Held-out arrays are aligned with ``heldout``.

    ``model`` is None when the scores come from the user's own model ("bring your own
    scores"): every row then counts as held out, and there is nothing to explain. ``rule`` is
    None when no rule was given: the model is then compared with a random pick of the same
    size, and ``rule_flags`` holds weights, the chance ``k / n`` that a random pick of ``k``
    acts on each row (:func:`~proofdeck.decisions.outcomes.policy_weights`), so every figure
    of the baseline is the random pick's average, never one draw. ``trained_on`` says how many
    rows the model learned from (fewer than the train split when it trained on a stratified
    sample of a big file). ``unseen`` is the answer to "did the scores come from a model that
    never saw these rows?": "yes" by construction for a model trained here, the team's own
    answer ("yes", "no" or "not sure") for its own scores.
    """

    spec: DemoSpec
    dataset: Dataset
    rule: Rule | None
    split: HoldoutSplit
    model: TrainedModel | None
    heldout: pd.DataFrame
    labels: np.ndarray
    values: np.ndarray
    scores: np.ndarray
    rule_flags: np.ndarray
    sweep: ThresholdSweep
    trained_on: int = 0
    unseen: str = UNSEEN_YES
    # Problems found with "the model never saw these rows" for a team's own model (shared ids,
    # a too-perfect ranking; proofdeck/model/fitted.py), one sentence each, for every page.
    held_out_notes: tuple[str, ...] = ()
    # The past campaign in the data (the spec's [uplift]) on the held-out rows, with the two
    # models' estimates of what the action changes; None when the spec has none.
    uplift: CampaignUplift | None = None
    # A number no other scenario built in this process shares (unlike id(), never reused
    # after eviction), so per-scenario caches cannot hand one file's results to another.
    serial: int = field(default_factory=lambda: next(_SERIALS), init=False, compare=False, repr=False)

    @property
    def own_scores(self) -> bool:
        """The scores came from the user's own model, not one trained here."""
        return self.model is None

    @property
    def ids(self) -> pd.Series:
        return self.dataset.ids.iloc[self.split.test]

    @cached_property
    def flag_columns(self) -> frozenset[str]:
        """Feature columns that hold yes/no answers (0/1 or true/false): shown as yes/no."""
        kinds = column_kinds(self.dataset.frame.loc[:, list(self.dataset.features)])
        return frozenset(name for name, kind in kinds.items() if kind == FLAG)

    @property
    def rule_count(self) -> int:
        """How many held-out examples today's rule (or the random pick) acts on."""
        return policy_size(self.rule_flags)

    @property
    def baseline(self) -> Baseline:
        """What the model is compared with, as every page and the report name it."""
        return RANDOM_PICK if self.rule is None else TODAYS_RULE

    @property
    def random_pick(self) -> RandomPick | None:
        """The random pick the model is compared with when no rule was given (else None)."""
        if not self.baseline.random:
            return None
        return RandomPick(int(self.labels.size), self.rule_count, int(np.asarray(self.labels, dtype=bool).sum()))

    @property
    def rule_acts(self) -> np.ndarray:
        """Where today's rule acts, one yes or no per held-out example; nowhere when there is no
        rule (a random pick acts on no example in particular)."""
        if self.baseline.random:
            return np.zeros(self.labels.size, dtype=bool)
        return as_flags(self.rule_flags)

    @property
    def fitted_elsewhere(self) -> bool:
        """A team's own fitted model, explained here but never refitted."""
        return self.model is not None and self.model.fitted_elsewhere

    @property
    def refittable(self) -> bool:
        """The model was fitted here, so it can be refitted (stability, the leak guard)."""
        return self.model is not None and not self.model.fitted_elsewhere

    @property
    def typical_rows(self) -> pd.DataFrame:
        """Rows standing for "a typical example" for the explainers: the training rows, or the
        held-out rows for a model fitted elsewhere (its training rows are not here)."""
        if self.split.train.size:
            return self.dataset.frame.iloc[self.split.train]
        return self.heldout

    @property
    def held_out_confirmed(self) -> bool:
        """Whether the model is known never to have seen these rows (always, when trained here)."""
        return self.unseen == UNSEEN_YES

    @property
    def unseen_note(self) -> str:
        """One plain sentence when the figures are honest only if the team's model never saw
        these rows and that was not confirmed (or was denied); empty otherwise."""
        notes = () if self.held_out_confirmed else (unseen_note(self.spec.nouns, self.unseen),)
        return " ".join((*notes, *self.held_out_notes))

    def position_of(self, example_id: str) -> int | None:
        """Index into the held-out arrays of the example with this id (None if not held out)."""
        matches = np.flatnonzero(self.ids.astype(str).to_numpy() == str(example_id))
        return int(matches[0]) if matches.size else None

    def rule_outcome(self, economics: Economics) -> Outcome:
        return outcome_of_flags(self.rule_flags, self.labels, self.values, economics)

    def model_outcome_at_rule_budget(self, economics: Economics) -> Outcome:
        """The model's top-K, where K is how many the rule flags."""
        return self.sweep.outcome_at_count(self.rule_count, economics)

    @property
    def default_count(self) -> int:
        """Where pages start: the model acting on exactly as many examples as today's rule
        (as many as there are positives, when the rule flags nobody)."""
        return self.rule_count or int(self.labels.sum())

    def flags_at(self, count: int) -> np.ndarray:
        """The model's decisions when it acts on its ``count`` highest-scoring examples."""
        return self.sweep.flags_at_count(count)

    def threshold_at(self, count: int) -> float:
        """The lowest score acted on at that count (inf when acting on nobody)."""
        return self.sweep.threshold_at_count(count)


MIN_HELDOUT_PER_CLASS = 20  # fewer positives (or others) held out, and no figure means much
# Above this many training rows the model trains on a stratified sample (pages say so): the
# time to fit stays near a minute at a million rows, and quality holds (benchmarks measure it).
MAX_TRAIN_ROWS = 200_000


def build_scenario(spec: DemoSpec, dataset: Dataset | None = None, max_train_rows: int | None = None) -> Scenario:
    """Load, split, fit and score a demo. Raises SpecError with the field at fault.

    Any other failure (a model that cannot be fitted on these columns, say) is turned into a
    SpecError too, with the detail kept for the server log: a page shows one message, never a
    traceback.

    Parameters
    ----------
    spec : the demo's words, rule, economics and model settings.
    dataset : the examples, when they do not come from ``spec.data_path`` (an upload, which
        lives in memory only); by default the spec's data file is read.
    max_train_rows : train on a stratified sample of at most about this many train rows
        (each outcome keeps its share; see :mod:`proofdeck.data.sampling`); None trains on all.
        Every figure is still measured on all held-out rows.
    """
    try:
        return _build(spec, dataset, max_train_rows)
    except SpecError:
        raise
    except Exception as error:  # one message per demo; the detail goes to the log
        raise SpecError(
            f"{spec.where}: the demo could not be prepared ({type(error).__name__})",
            detail=f"{type(error).__name__}: {error}",
        ) from error


def _build(spec: DemoSpec, dataset: Dataset | None, max_train_rows: int | None) -> Scenario:
    if dataset is None:
        dataset = load_dataset(spec)
    if spec.uplift is not None and spec.uplift.treatment_column in dataset.features:
        # However the examples were built (a saved proof of concept, an upload), who got the action
        # in a past campaign is never something the risk model learns from.
        dataset = replace(dataset, features=tuple(f for f in dataset.features if f != spec.uplift.treatment_column))
    if spec.model.kind == FITTED:
        # The team's own model: nothing to split or fit (proofdeck/model/fitted.py).
        from proofdeck.model.fitted import scenario_from_model_file

        return scenario_from_model_file(spec, dataset)
    split = holdout_split(dataset.labels, spec.model.test_size, spec.model.seed)
    held_positives = int(dataset.labels[split.test].sum())
    held_others = int(split.test.size - held_positives)
    if min(held_positives, held_others) < MIN_HELDOUT_PER_CLASS:
        raise SpecError(
            f"{spec.where}: [model] test_size: the held-out part would have {held_positives} "
            f"positive and {held_others} other rows; at least {MIN_HELDOUT_PER_CLASS} of each are "
            "needed to say anything (use a larger test_size or more rows)"
        )
    # Rule and model share one interface: both are scikit-learn classifiers fitted on the
    # train rows and asked for the probability of the positive class on the held-out rows.
    try:
        rule = RuleClassifier(spec.rule.expression).fit(dataset.frame.iloc[split.train], dataset.labels[split.train])
    except RuleError as error:
        raise SpecError(f"{spec.where}: [rule] expression: {error}") from None
    fit_on = split
    if max_train_rows is not None and split.train.size > max_train_rows:
        chosen = stratified_sample(dataset.labels[split.train], max_train_rows, seed=spec.model.seed)
        fit_on = HoldoutSplit(train=split.train[chosen], test=split.test)
    model = train_model(dataset, fit_on, spec.model)
    heldout = dataset.frame.iloc[split.test]
    labels = dataset.labels[split.test]
    values = dataset.values[split.test]
    scores = model.score(heldout)
    uplift = None
    if spec.uplift is not None:
        if spec.uplift.treatment_column in rule.rule_.columns:
            raise SpecError(f"{spec.where}: [rule] expression: must not use the past campaign's "
                            "treatment column (who got the action is not known before deciding)")
        uplift = _campaign(spec, dataset, split, labels)
    return Scenario(
        spec=spec,
        dataset=dataset,
        rule=rule.rule_,
        split=split,
        model=model,
        heldout=heldout,
        labels=labels,
        values=values,
        scores=scores,
        rule_flags=rule.predict_proba(heldout)[:, -1] == 1.0,
        sweep=ThresholdSweep(scores, labels, values),
        trained_on=int(fit_on.train.size),
        uplift=uplift,
    )


def _campaign(spec: DemoSpec, dataset: Dataset, split: HoldoutSplit, labels: np.ndarray) -> CampaignUplift:
    """The past campaign's held-out rows and the two models fitted on its train rows."""
    treated = treated_rows(dataset, spec.uplift)
    try:
        models = fit_two_models(dataset, split, treated, spec.model)
    except ValueError as error:
        raise SpecError(f"{spec.where}: [uplift] treatment_column: {error}") from None
    p_with, p_without = models.probabilities(dataset.frame.iloc[split.test])
    return CampaignUplift(
        treated=treated[split.test], won=won_outcome(labels, spec.economics.action_effect),
        p_with=p_with, p_without=p_without, randomised=spec.uplift.randomised,
        action_effect=spec.economics.action_effect, seed=spec.model.seed,
    )


RANDOM_SHARE = 0.1  # without a rule, the model is compared with a random pick of this share


def scenario_from_scores(spec: DemoSpec, dataset: Dataset, scores: np.ndarray, rule_text: str | None = None,
                         random_share: float = RANDOM_SHARE, unseen: str = UNSEEN_NOT_SURE) -> Scenario:
    """A demo on scores from the user's own model (scored anywhere: a warehouse, Spark...).

    Every row counts as held out: Proofdeck never saw how the scores were made, so it cannot
    hold any out itself, nor refit the model (the pages say so). Without a rule, the model is
    compared with a random pick of ``random_share`` of the rows, as its average: the baseline
    is the weight k / n on every row, not one seeded draw.

    Parameters
    ----------
    unseen : the team's answer to "did these scores come from a model that never saw these
        rows?" ("yes", "no" or "not sure"); the pages and the report say what it means.

    Raises
    ------
    SpecError
        For a rule that does not fit the columns, or too few positives or others to say anything.
    """
    if unseen not in UNSEEN_ANSWERS:
        raise ValueError(f"unseen must be one of {UNSEEN_ANSWERS}, not {unseen!r}")
    labels, values = dataset.labels, dataset.values
    scores = np.asarray(scores, dtype=float)
    positives = int(labels.sum())
    if min(positives, labels.size - positives) < MIN_HELDOUT_PER_CLASS:
        raise SpecError(f"the file has {positives} positive and {labels.size - positives} other rows; "
                        f"at least {MIN_HELDOUT_PER_CLASS} of each are needed to say anything")
    rule = None
    if rule_text:
        try:
            rule = RuleClassifier(rule_text).fit(dataset.frame, labels)
        except RuleError as error:
            raise SpecError(f"today's rule: {error}") from None
        rule_flags = rule.predict_proba(dataset.frame)[:, -1] == 1.0
    else:
        rule_flags = random_pick_weights(labels.size, round(random_share * labels.size))
    everything = np.arange(labels.size)
    return Scenario(
        spec=spec, dataset=dataset, rule=None if rule is None else rule.rule_,
        split=HoldoutSplit(train=np.zeros(0, dtype=int), test=everything), model=None,
        heldout=dataset.frame, labels=labels, values=values, scores=scores, rule_flags=rule_flags,
        sweep=ThresholdSweep(scores, labels, values), trained_on=0, unseen=unseen,
    )
