"""What a subscription learns from its reader's taps: its own threshold.

A 👍 on a story that scored below the topic's bar says the bar is too high for this reader; a
👎 on one above it says the bar is too low. The learned bar is one that agrees with the most
taps — below every liked story by LIKE_MARGIN, above every disliked one by DISLIKE_MARGIN — and,
of those, the one nearest a target that each 👍 lowers a little ("more like this") and each 👎
raises a little, starting from the shipped bar (bench/alert_taps.py, docs/benchmarks.md).

The margins and steps shipped are the cautious ones: 0.02 past each tapped story, no steps.
The rule the seen sets chose (0.04 / 0.005, steps 0.01 / 0.02, close calls to 0.12) gained
recall there but cost 6-13 points of precision on the later sets; this one keeps their
precision (a reader's taps must not make alerts noisier) and gains no recall.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

LIKE_MARGIN = 0.02  # a liked story's score is at least this far above the learned bar
DISLIKE_MARGIN = 0.02  # and a disliked story's this far below it
LIKE_STEP = 0.0  # each 👍 moves the target this far down ("more like this")
DISLIKE_STEP = 0.0  # each 👎 this far up
LOWEST = 0.25  # taps never take a bar outside these: below, nearly everything matches
HIGHEST = 0.85
_OVER = 1e-4  # a disliked story must fall below the bar, not on it (scores >= bar alert)


@dataclass(frozen=True)
class Tap:
    """A reader's 👍 (liked) or 👎 on a story, with its score for the topic when tapped."""

    article_id: str
    liked: bool
    score: float


def learned_threshold(base: float, taps: Sequence[Tap]) -> float:
    """The bar that the most taps agree with; of equals, the one nearest the taps' target
    (``base`` moved down by each 👍 and up by each 👎); within [LOWEST, HIGHEST]."""
    if not taps:
        return base

    def bounded(bar: float) -> float:
        return min(HIGHEST, max(LOWEST, bar))

    # the bars a tap agrees with: at or below a liked story's, at or above a disliked one's
    liked = [bounded(t.score - LIKE_MARGIN) for t in taps if t.liked]
    disliked = [bounded(t.score + max(DISLIKE_MARGIN, _OVER)) for t in taps if not t.liked]
    target = bounded(base - LIKE_STEP * len(liked) + DISLIKE_STEP * len(disliked))

    def disagreements(bar: float) -> int:
        return sum(bar > top for top in liked) + sum(bar < bottom for bottom in disliked)

    # the count changes only at the taps' own bars, so the nearest best bar is one of them or
    # the target itself
    candidates = {target, *liked, *disliked}
    best = min(candidates, key=lambda bar: (disagreements(bar), abs(bar - target), bar))
    return round(best, 4)
