"""The runnable examples in the package's docstrings are part of the suite: they must stay true."""

import doctest
import importlib

import pytest

MODULES = [
    "proofdeck.comparison.ab_test",
    "proofdeck.data.names",
    "proofdeck.data.spec",
    "proofdeck.decisions.outcomes",
    "proofdeck.decisions.sweep",
    "proofdeck.rules.describe",
    "proofdeck.rules.evaluate",
    "proofdeck.rules.parse",
    "proofdeck.rules.positions",
    "proofdeck.rules.rule",
    "proofdeck.words.safe_text",
    "proofdeck.words.wording",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
