"""The positions of the Decide slider: how many examples the model acts on, spread for people.

A slider that is linear in the score (or in the count) puts every sensible setting of a rare
outcome, such as fraud, in a sliver at one end. Proofdeck's slider is over counts, in three
even parts: from nobody to today's rule's budget, from that budget to three times it, and from
there to everyone. The useful range (the rule's budget to three times it) therefore always
takes a third of the width, whatever the prevalence; the readout says the exact figures.
"""

from __future__ import annotations

import numpy as np

STEPS_PER_PART = 100


def slider_counts(size: int, anchor: int, steps_per_part: int = STEPS_PER_PART) -> np.ndarray:
    """Distinct counts from 0 to ``size`` for a slider, ``anchor`` included.

    Parameters
    ----------
    size : held-out examples (the most the model can act on).
    anchor : today's rule's count; the parts are [0, anchor], [anchor, 3 anchor] and
        [3 anchor, size] (two parts when 3 anchor reaches ``size``).
    steps_per_part : at most this many steps in each part. The outer parts never get more
        steps than the middle one, so the middle part keeps at least a third of the width.

    Returns
    -------
    numpy.ndarray
        Sorted, distinct integer counts.
    """
    size = max(int(size), 0)
    anchor = int(min(max(anchor, 0), size))
    if size == 0:
        return np.array([0])
    if anchor == 0 or anchor == size:  # nothing to centre on: even steps over everything
        return np.unique(np.linspace(0, size, min(size, 3 * steps_per_part) + 1).round().astype(int))
    top = min(3 * anchor, size)
    middle = _part(anchor, top, steps_per_part)
    steps = len(middle) - 1
    parts = [_part(0, anchor, steps), middle]
    if top < size:
        parts.append(_part(top, size, steps))
    return np.unique(np.concatenate(parts))


def _part(low: int, high: int, steps: int) -> np.ndarray:
    steps = max(min(steps, high - low), 1)
    return np.linspace(low, high, steps + 1).round().astype(int)


def position_share(counts: np.ndarray, low: int, high: int) -> float:
    """Share of the slider's width between the positions of two counts (for checks)."""
    counts = np.asarray(counts)
    if counts.size < 2:
        return 0.0
    first = int(np.searchsorted(counts, low, side="left"))
    last = int(np.searchsorted(counts, high, side="right")) - 1
    return max(last - first, 0) / (counts.size - 1)
