"""Taps in the database: one per story, replaced or taken back, the learned bar stored with
the subscription, gone with it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from storage.database import Database
from storage.subscriptions import SubscriptionRepository, TapRow

NOW = datetime(2026, 12, 6, 12, tzinfo=UTC)
CHAT = 501


def lowest_score(rows: Sequence[TapRow]) -> float | None:
    """A stand-in for alerts.learning: the bar is the lowest tapped score, None without taps."""
    return min((r.score for r in rows), default=None)


def test_a_tap_per_story_replaced_or_taken_back_and_the_bar_kept(database: Database) -> None:
    repo = SubscriptionRepository(database)
    nara = repo.add(CHAT, "private", None, "Nara summit", "nara summit", now=NOW, limit=20)
    seen: list[list[TapRow]] = []

    def learn(rows: Sequence[TapRow]) -> float | None:
        seen.append(list(rows))
        return lowest_score(rows)

    first = repo.tap(nara.id, CHAT, "a1", True, 0.40, now=NOW, learn=learn)
    assert first is not None and first.liked is True
    assert (first.subscription.taps, first.subscription.threshold) == (1, 0.40)
    repo.tap(nara.id, CHAT, "a2", False, 0.62, now=NOW, learn=learn)
    changed = repo.tap(nara.id, CHAT, "a1", False, 0.40, now=NOW, learn=learn)  # changed mind
    assert changed is not None and changed.subscription.taps == 2
    assert sorted((r.article_id, r.liked) for r in seen[-1]) == [("a1", False), ("a2", False)]
    undone = repo.tap(nara.id, CHAT, "a1", None, 0.0, now=NOW, learn=learn)
    assert undone is not None and undone.liked is None
    assert (undone.subscription.taps, undone.subscription.threshold) == (1, 0.62)
    assert repo.get(nara.id) == undone.subscription
    repo.tap(nara.id, CHAT, "a2", None, 0.0, now=NOW, learn=learn)
    assert repo.of_chat(CHAT)[0].threshold is None  # no taps left: the shipped bar


def test_a_tap_for_another_chat_or_a_gone_topic_changes_nothing(database: Database) -> None:
    repo = SubscriptionRepository(database)
    nara = repo.add(CHAT, "private", None, "Nara summit", "nara summit", now=NOW, limit=20)
    assert repo.tap(nara.id, CHAT + 1, "a1", True, 0.4, now=NOW, learn=lowest_score) is None
    repo.stop(nara.id, NOW)
    assert repo.tap(nara.id, CHAT, "a1", True, 0.4, now=NOW, learn=lowest_score) is None
    repo.resume(CHAT, nara.id, limit=20)
    assert repo.tap(nara.id, CHAT, "a1", True, 0.4, now=NOW, learn=lowest_score) is not None
    repo.remove(nara.id)
    again = repo.add(CHAT, "private", None, "Nara summit", "nara summit", now=NOW, limit=20)
    assert (again.taps, again.threshold) == (0, None)
    tapped = repo.tap(again.id, CHAT, "a1", True, 0.5, now=NOW, learn=len)
    assert tapped is not None and tapped.subscription.threshold == 1  # the old taps went
