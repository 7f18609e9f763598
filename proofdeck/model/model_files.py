"""Opening a model file safely: skops only, and only types known to be data.

A pickle (or joblib) file runs code when it is opened, so Proofdeck never opens one from a user.
skops stores a model as data and, before opening, lists the types it would create; a type that is
neither on skops's own trusted list nor on :data:`SAFE_INTERNALS` (parts of scikit-learn models
that skops does not list but that hold only numbers) is refused by name. A team launching the app
on its own model from a notebook (``proofdeck.Proof(...).run()``) may trust more types, those of
the object it handed over, through :data:`TRUSTED_TYPES_ENV`; an upload never can.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

TRUSTED_TYPES_ENV = "PROOFDECK_TRUSTED_MODEL_TYPES"  # comma-separated; set by Proof.run only
MAX_MODEL_BYTES = 200 * 1024 * 1024

# Internals of scikit-learn models that skops does not trust by default; each holds arrays only.
SAFE_INTERNALS = (
    "numpy.dtype",
    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
    "sklearn.ensemble._hist_gradient_boosting.binning._BinMapper",
    "sklearn._loss.loss.HalfBinomialLoss",
    "sklearn._loss.link.LogitLink",
    "sklearn._loss.link.Interval",
    "sklearn.tree._tree.Tree",
    "sklearn.neural_network._stochastic_optimizers.AdamOptimizer",
    "sklearn.neural_network._stochastic_optimizers.SGDOptimizer",
    "sklearn.utils._bunch.Bunch",
)


class ModelFileError(ValueError):
    """A model file that cannot be used, with a message a person can act on."""


def _environment_trust() -> tuple[str, ...]:
    return tuple(name.strip() for name in os.environ.get(TRUSTED_TYPES_ENV, "").split(",") if name.strip())


def open_skops(source: str | Path | bytes, trusted: tuple[str, ...] = ()) -> Any:
    """The object in a skops file, opened only if every type in it is trusted.

    Parameters
    ----------
    source : the file's path or bytes.
    trusted : types trusted on top of skops's defaults and :data:`SAFE_INTERNALS`.

    Raises
    ------
    ModelFileError
        Not a skops file (a pickle, say), too large, an untrusted type (named), or a file that
        fails to open.
    """
    import skops.io as sio  # imported here: only model files need it

    try:
        raw = source if isinstance(source, bytes) else Path(source).read_bytes()
    except OSError as error:
        raise ModelFileError(f"the model file cannot be read: {error.strerror or error}") from None
    if len(raw) > MAX_MODEL_BYTES:
        raise ModelFileError(f"the model file is larger than {MAX_MODEL_BYTES // (1024 * 1024)} MB")
    allowed = set(SAFE_INTERNALS) | set(trusted) | set(_environment_trust())
    try:
        untrusted = [name for name in sio.get_untrusted_types(data=raw) if name not in allowed]
    except Exception:  # zipfile and JSON errors for files that are not skops files
        raise ModelFileError("this is not a skops model file (save the model with skops.io.dump; a pickle "
                             "or joblib file is never opened, since opening one can run any code)") from None
    if untrusted:
        shown = ", ".join(sorted(untrusted)[:5])
        raise ModelFileError(f"the model file holds types Proofdeck does not trust, so it was not opened: {shown}")
    try:
        return sio.loads(raw, trusted=sorted(allowed | set(sio.get_untrusted_types(data=raw))))
    except Exception as error:
        raise ModelFileError(f"the model file could not be opened ({type(error).__name__})") from None
