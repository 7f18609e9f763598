"""The rule as a scikit-learn classifier: same interface as the model, estimator checks."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.utils.estimator_checks import parametrize_with_checks

from proofdeck.rules.heuristic import RuleClassifier
from proofdeck.rules.positions import RuleError

# What a fixed rule cannot do, and so is expected to fail (the rest of the suite passes).
NOT_A_LEARNER = {
    "check_classifiers_train": "a rule does not learn from training data, so it misses blob accuracy",
    "check_estimators_nan_inf": "missing values are allowed on purpose: they never match a rule",
    "check_fit2d_1sample": "one sample has one class: a rule needs two to say which is positive",
}


@parametrize_with_checks([RuleClassifier("x0 > 0")], expected_failed_checks=lambda est: NOT_A_LEARNER)
def test_sklearn_compatible(estimator, check):
    check(estimator)


FRAME = pd.DataFrame({"contract": ["m", "y", "m", None], "tenure": [3, 2, 9, 1]})
Y = np.array(["no", "yes", "yes", "no"])


def test_predicts_like_the_rule_and_shares_the_model_interface():
    model = RuleClassifier('contract == "m" and tenure < 6').fit(FRAME, Y)
    assert model.classes_.tolist() == ["no", "yes"]
    assert model.predict(FRAME).tolist() == ["yes", "no", "no", "no"]
    assert model.predict_proba(FRAME)[:, 1].tolist() == [1.0, 0.0, 0.0, 0.0]
    assert clone(model).get_params() == {"expression": 'contract == "m" and tenure < 6'}


def test_frame_with_integer_column_names_reads_them_like_an_array():
    frame = pd.DataFrame(np.array([[1.0, -2.0], [-1.0, 3.0], [2.0, 0.5]]))  # columns 0 and 1
    model = RuleClassifier("x0 > 0 and x1 < 1").fit(frame, np.array([0, 1, 1]))
    assert model.predict(frame).tolist() == [1, 0, 1]  # rows 1 and 3 match
    assert model.predict(frame.to_numpy()).tolist() == [1, 0, 1]
    assert not hasattr(model, "feature_names_in_")


def test_unknown_column_is_reported_at_fit():
    with pytest.raises(RuleError, match="did you mean 'tenure'"):
        RuleClassifier("tenur < 6").fit(FRAME, Y)
