"""Today's rule as a scikit-learn classifier, so rule and model share one interface.

Like human-learn's FunctionClassifier, but the rule is text in the safe rule language
(:mod:`proofdeck.rules.rule`), parsed at ``fit`` against the columns it is given. A numpy array is
read as columns named ``x0, x1, ...`` (scikit-learn's convention), so estimator checks work. So
is a frame whose column names are not all text (``pd.DataFrame(array)`` has 0, 1, ...): a rule
names columns in words, and scikit-learn too keeps feature names only when all are text.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.multiclass import unique_labels
from sklearn.utils.validation import check_is_fitted, validate_data

from proofdeck.rules.rule import Rule, parse_rule


class RuleClassifier(ClassifierMixin, BaseEstimator):
    """Predict the positive class where the rule matches.

    Parameters
    ----------
    expression : the rule, e.g. ``'contract == "month-to-month" and tenure_months < 6'``.

    Attributes
    ----------
    rule_ : the parsed :class:`~proofdeck.rules.rule.Rule`.
    classes_ : the classes seen in ``fit``, sorted. As in scikit-learn's binary convention the
        last one is the positive class (predicted where the rule matches) and the first one the
        negative class; with more than two classes the middle ones are never predicted.
    """

    def __init__(self, expression: str = "x0 > 0"):
        self.expression = expression

    @staticmethod
    def _has_text_names(X) -> bool:
        return isinstance(X, pd.DataFrame) and all(isinstance(name, str) for name in X.columns)

    def _frame(self, X) -> pd.DataFrame:
        if self._has_text_names(X):
            return X
        if isinstance(X, pd.DataFrame):  # names such as 0, 1: positional, like an array's
            return X.set_axis([f"x{i}" for i in range(X.shape[1])], axis=1)
        array = np.asarray(X)
        return pd.DataFrame(array, columns=[f"x{i}" for i in range(array.shape[1])])

    def fit(self, X, y):
        """Check the rule against X's columns and remember the classes (nothing is learned)."""
        if isinstance(X, pd.DataFrame):
            if self._has_text_names(X):
                self.feature_names_in_ = np.asarray(X.columns, dtype=object)
            elif hasattr(self, "feature_names_in_"):
                del self.feature_names_in_
            self.n_features_in_ = X.shape[1]
            frame = self._frame(X)
        else:
            X, y = validate_data(self, X, y, ensure_all_finite=False)
            frame = self._frame(X)
        self.classes_ = unique_labels(y)
        if len(self.classes_) < 2:
            raise ValueError("RuleClassifier needs two classes to know which one is positive")
        self.rule_: Rule = parse_rule(self.expression, frame)
        return self

    def _matches(self, X) -> np.ndarray:
        check_is_fitted(self, "rule_")
        if not isinstance(X, pd.DataFrame):
            X = validate_data(self, X, reset=False, ensure_all_finite=False)
        return self.rule_.evaluate(self._frame(X))

    def predict_proba(self, X) -> np.ndarray:
        """1.0 for the positive class where the rule matches, else 0.0 (a rule has no doubt)."""
        matches = self._matches(X).astype(float)
        proba = np.zeros((matches.size, len(self.classes_)))
        proba[:, 0], proba[:, -1] = 1.0 - matches, matches
        return proba

    def predict(self, X) -> np.ndarray:
        return np.where(self._matches(X), self.classes_[-1], self.classes_[0])
