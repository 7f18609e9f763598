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


class SliderAxis:
    """A chart's x-axis spaced like the Decide slider: each of the slider's counts at its own
    position (0 to 1, evenly), so a mark at the slider's setting sits at the same fraction of
    the chart's width as the slider's handle does of its track.

    Parameters
    ----------
    counts : the slider's counts, one per position, sorted (what the slider offers).
    size : held-out examples (the count at 100%).
    anchor : today's rule's count (the ticks mark it, twice and three times it).
    """

    def __init__(self, counts, size: int, anchor: int):
        self.counts = np.asarray(counts, dtype=float)
        self.size = max(int(size), 1)
        self.anchor = int(anchor)
        self._positions = (np.linspace(0.0, 1.0, self.counts.size) if self.counts.size > 1
                           else np.zeros(self.counts.size))

    def position(self, counts) -> np.ndarray:
        """Where counts sit on the axis (0 to 1), between the slider's positions linearly."""
        if self.counts.size < 2:
            return np.zeros(np.shape(counts))
        return np.interp(np.asarray(counts, dtype=float), self.counts, self._positions)

    def tick_counts(self) -> np.ndarray:
        """Counts to label: nobody, the rule's budget, twice and three times it, then the
        last part in thirds up to everyone (even quarters when there is no budget to centre on)."""
        size, anchor = int(self.counts[-1]) if self.counts.size else 0, self.anchor
        if size == 0:
            return np.array([0])
        if anchor <= 0 or anchor >= size:
            return np.unique(np.interp(np.linspace(0, 1, 5), self._positions, self.counts).round().astype(int))
        top = min(3 * anchor, size)
        ticks = [0, anchor, min(2 * anchor, size), top]
        if top < size:
            ticks += list(np.linspace(top, size, 4)[1:].round().astype(int))
        return np.unique(np.array(ticks, dtype=int))
