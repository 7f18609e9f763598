"""Proofdeck: sell a machine-learning proof of concept in the business's own words.

``from proofdeck import Proof`` is the door for a model fitted elsewhere (:mod:`proofdeck.api`);
it is imported on first use, so ``import proofdeck`` stays light for the app's first paint.
"""


def __getattr__(name: str):
    if name in ("Proof", "ProofError"):
        from proofdeck import api

        return getattr(api, name)
    raise AttributeError(f"module 'proofdeck' has no attribute {name!r}")
