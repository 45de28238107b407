"""A subscription's own bar, learned from its reader's 👍 / 👎 (alerts.learning)."""

from __future__ import annotations

import pytest

from alerts import learning
from alerts.learning import Tap, learned_threshold

BASE = 0.47


def like(score: float, article: str = "a") -> Tap:
    return Tap(article, True, score)


def dislike(score: float, article: str = "b") -> Tap:
    return Tap(article, False, score)


def alerts(bar: float, score: float) -> bool:
    """What matching does with a score at a bar."""
    return score >= bar


def test_no_taps_keep_the_shipped_bar() -> None:
    assert learned_threshold(BASE, []) == BASE
    assert learned_threshold(0.6, ()) == 0.6


def test_a_liked_story_below_the_bar_lowers_it_past_the_story() -> None:
    bar = learned_threshold(BASE, [like(0.41)])
    assert bar == pytest.approx(0.41 - learning.LIKE_MARGIN)
    assert alerts(bar, 0.41)


def test_a_disliked_story_above_the_bar_raises_it_past_the_story() -> None:
    bar = learned_threshold(BASE, [dislike(0.55)])
    assert bar == pytest.approx(0.55 + max(learning.DISLIKE_MARGIN, 1e-4), abs=1e-4)
    assert not alerts(bar, 0.55)


def test_a_liked_story_above_the_bar_moves_it_down_by_at_most_a_step() -> None:
    bar = learned_threshold(BASE, [like(0.70)])
    assert bar == pytest.approx(BASE - learning.LIKE_STEP)
    assert alerts(bar, 0.70)


def test_a_disliked_story_far_below_the_bar_moves_it_up_by_at_most_a_step() -> None:
    bar = learned_threshold(BASE, [dislike(0.20)])
    assert bar == pytest.approx(BASE + learning.DISLIKE_STEP)


def test_taps_that_a_bar_can_separate_are_all_kept() -> None:
    taps = [like(0.42), dislike(0.33), like(0.60), dislike(0.36, "c")]
    bar = learned_threshold(BASE, taps)
    assert all(alerts(bar, t.score) == t.liked for t in taps)


def test_conflicting_taps_follow_the_majority() -> None:
    """No bar agrees with every tap: the one that agrees with most wins."""
    taps = [like(0.40), like(0.45, "c"), dislike(0.50), like(0.55, "d")]
    bar = learned_threshold(BASE, taps)
    assert alerts(bar, 0.40) and alerts(bar, 0.45) and alerts(bar, 0.55)
    taps = [dislike(0.40), like(0.50), dislike(0.55, "c"), dislike(0.60, "d")]
    bar = learned_threshold(BASE, taps)
    assert not alerts(bar, 0.40) and not alerts(bar, 0.55) and not alerts(bar, 0.60)


def test_a_tie_between_taps_leaves_the_bar_near_the_target() -> None:
    """A 👍 and a 👎 on the same score: every bar disagrees with one of them."""
    bar = learned_threshold(BASE, [like(0.45), dislike(0.45)])
    assert abs(bar - BASE) <= max(learning.LIKE_STEP, learning.DISLIKE_STEP) + 1e-9


def test_taps_never_take_the_bar_out_of_bounds() -> None:
    low = learned_threshold(BASE, [like(0.05), like(0.10, "c")])
    high = learned_threshold(BASE, [dislike(0.97), dislike(0.99, "c")])
    assert low == learning.LOWEST
    assert high == learning.HIGHEST
    many = learned_threshold(BASE, [like(0.9, str(n)) for n in range(200)])
    assert learning.LOWEST <= many <= learning.HIGHEST


def test_the_order_of_taps_does_not_matter() -> None:
    taps = [like(0.44), dislike(0.52), like(0.61, "c"), dislike(0.38, "d")]
    assert learned_threshold(BASE, taps) == learned_threshold(BASE, taps[::-1])
