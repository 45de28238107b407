"""What a subscription learns from its reader's taps: its own threshold.

A 👍 on a story that scored below the topic's bar says the bar is too high for this reader; a
👎 on one above it says the bar is too low. The learned bar is the one that agrees with the
most taps, the shipped one where taps leave a choice, kept a little past the tapped story so
its neighbours follow it (bench/alert_taps.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

MARGIN = 0.02  # how far past a tapped story's score the learned bar sits
LOWEST = 0.25  # taps never take a bar outside these: below, nearly everything matches
HIGHEST = 0.85


@dataclass(frozen=True)
class Tap:
    """A reader's 👍 (liked) or 👎 on a story, with its score for the topic when tapped."""

    article_id: str
    liked: bool
    score: float


def learned_threshold(base: float, taps: Sequence[Tap]) -> float:
    """The bar that the most taps agree with; of equals, the one nearest ``base``."""
    if not taps:
        return base
    candidates = {base}
    for tap in taps:
        bar = tap.score - MARGIN if tap.liked else tap.score + MARGIN
        candidates.add(min(HIGHEST, max(LOWEST, bar)))

    def disagreements(bar: float) -> int:
        return sum(1 for t in taps if (t.score >= bar) != t.liked)

    best = min(candidates, key=lambda bar: (disagreements(bar), abs(bar - base)))
    return round(best, 4)
