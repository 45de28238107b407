"""The outbox and the ledger: matched once, sent once, on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from core.errors import SubscriptionError
from storage.alerts import AlertRepository, CursorMoved, NewAlert
from storage.articles import ArticleRepository
from storage.database import Database
from storage.subscriptions import SubscriptionRepository
from tests.ingest.factories import make_article

NOW = datetime(2026, 1, 12, 9, tzinfo=UTC)


def stored(database: Database, n: int) -> str:
    article = make_article(f"Story number {n} in full.", f"Story {n}", f"https://t.example/{n}")
    ArticleRepository(database).save(article, [])
    return article.id


def stored_elsewhere(database: Database) -> str:
    """Story 1 as another outlet ("Other Wire") tells it."""
    article = replace(make_article("The same story, told elsewhere.", "Story 1 again",
                                   "https://other.example/1"), source="Other Wire")
    ArticleRepository(database).save(article, [])
    return article.id


def test_subscriptions_are_unique_per_chat_and_limited(database: Database) -> None:
    subs = SubscriptionRepository(database)
    first = subs.add(-1001234567890, "supergroup", 7, "Nara summit", "nara summit", now=NOW,
                     limit=2)
    assert (first.chat_id, first.thread_id, first.mode) == (-1001234567890, 7, "instant")
    with pytest.raises(SubscriptionError, match="already follows"):
        subs.add(-1001234567890, "supergroup", None, "Nara Summit", "nara summit", now=NOW,
                 limit=2)
    subs.add(-1001234567890, "supergroup", None, "coral", "coral", now=NOW, limit=2)
    with pytest.raises(SubscriptionError, match="follows 2 topics"):
        subs.add(-1001234567890, "supergroup", None, "rail", "rail", now=NOW, limit=2)
    assert [s.topic for s in subs.of_chat(-1001234567890)] == ["Nara summit", "coral"]
    assert subs.set_mode(first.id, "digest").mode == "digest"  # type: ignore[union-attr]
    assert subs.counts() == (2, 1)
    assert subs.set_active(-1001234567890, False, "blocked") is True
    assert subs.active() == [] and subs.counts() == (0, 0)
    assert subs.set_active(-1001234567890, False, "blocked") is False


def test_a_subscription_takes_another_spelling_of_its_topic_keeping_the_rest(
    database: Database,
) -> None:
    subs = SubscriptionRepository(database)
    name = subs.add(5, "private", None, "Australian Open", "australian open", now=NOW, limit=5)
    subs.set_mode(name.id, "digest")
    subs.add(5, "private", None, '"FA Cup"', '"fa cup"', now=NOW, limit=5)
    quoted = subs.retopic(name.id, '"Australian Open"', '"australian open"')
    assert quoted is not None
    assert (quoted.id, quoted.topic, quoted.mode, quoted.created_at) == (
        name.id, '"Australian Open"', "digest", name.created_at)
    assert subs.find(5, "australian open") is None
    with pytest.raises(SubscriptionError, match="already follows"):
        subs.retopic(name.id, '"FA Cup"', '"fa cup"')
    subs.remove(name.id)
    assert subs.retopic(name.id, "x", "x") is None


def test_matches_are_recorded_once_with_the_cursor(database: Database) -> None:
    alerts, subs = AlertRepository(database), SubscriptionRepository(database)
    assert alerts.cursor() is None
    stored(database, 1)
    assert alerts.start_cursor() == 1  # the archive that exists never alerts
    article = stored(database, 2)
    sub = subs.add(5, "private", None, "story", "story", now=NOW, limit=20)
    [changed] = alerts.changed_since(1, 10)
    assert changed.article_id == article and changed.revision == 2
    alert = NewAlert(5, sub.id, article, "story-a")
    assert alerts.record(1, 2, [], [alert, alert], NOW) == 1
    with pytest.raises(CursorMoved):  # a second matcher with the old cursor writes nothing
        alerts.record(1, 2, [], [NewAlert(5, sub.id, article, "story-b")], NOW)
    assert alerts.cursor() == 2 and alerts.queued() == 1
    [pending] = alerts.due(NOW, 10)
    assert (pending.topic, pending.ref.title, pending.story_id) == ("story", "Story 2",
                                                                    "story-a")
    alerts.mark_sent([pending], 1001, NOW)
    assert alerts.queued() == 0 and alerts.sent_count(5) == 1
    # the same story matched again (an update, a second outlet) is not queued again
    assert alerts.record(2, 2, [], [alert], NOW) == 0
    assert subs.get(sub.id).last_alert_at == NOW  # type: ignore[union-attr]


def test_a_failed_send_waits_and_a_gone_chat_loses_its_queue(database: Database) -> None:
    alerts, subs = AlertRepository(database), SubscriptionRepository(database)
    alerts.start_cursor()
    sub = subs.add(5, "private", None, "story", "story", now=NOW, limit=20)
    other = subs.add(6, "private", None, "story", "story", now=NOW, limit=20)
    article = stored(database, 1)
    alerts.record(0, 1, [], [NewAlert(5, sub.id, article, "s"), NewAlert(6, other.id, article,
                                                                           "s")], NOW)
    first, _ = alerts.due(NOW, 10)
    alerts.postpone([first], NOW + timedelta(seconds=30))
    assert [a.chat_id for a in alerts.due(NOW, 10)] == [6]
    assert len(alerts.due(NOW + timedelta(seconds=30), 10)) == 2
    subs.set_active(6, False, "blocked")
    assert alerts.drop_chat(6) == 1
    assert [a.chat_id for a in alerts.due(NOW + timedelta(minutes=1), 10)] == [5]
    subs.remove(sub.id)  # removing the topic drops what it queued
    assert alerts.queued() == 0


def test_another_outlets_report_edits_a_single_alert_once_per_outlet(database: Database) -> None:
    alerts, subs = AlertRepository(database), SubscriptionRepository(database)
    alerts.start_cursor()
    sub = subs.add(5, "private", None, "story", "story", now=NOW, limit=20)
    first, other = stored(database, 1), stored(database, 2)
    alerts.record(0, 2, [], [NewAlert(5, sub.id, first, "s1"),
                             NewAlert(5, sub.id, other, "s2")], NOW)
    one, two = alerts.due(NOW, 10)
    alerts.mark_sent([one], 1001, NOW)  # a message each
    alerts.mark_sent([two], 1002, NOW)
    elsewhere = stored_elsewhere(database)
    rewrite = stored(database, 3)  # the first outlet again ("Test Wire")
    assert alerts.record(2, 4, [], [NewAlert(5, sub.id, elsewhere, "s1"),
                                    NewAlert(5, sub.id, rewrite, "s1")], NOW) == 0
    [edit] = alerts.edits_due(NOW, 10)
    assert (edit.message_id, edit.ref.article_id, edit.subscription_id) == (1001, first, sub.id)
    assert [r.source for r in edit.also] == ["Other Wire"]
    alerts.record(4, 4, [], [NewAlert(5, sub.id, elsewhere, "s1")], NOW)  # again: no-op
    alerts.edited(edit, NOW)
    assert alerts.edits_due(NOW, 10) == []


def test_a_story_sent_among_others_is_not_edited(database: Database) -> None:
    alerts, subs = AlertRepository(database), SubscriptionRepository(database)
    alerts.start_cursor()
    sub = subs.add(5, "private", None, "story", "story", now=NOW, limit=20)
    first, second = stored(database, 1), stored(database, 2)
    alerts.record(0, 2, [], [NewAlert(5, sub.id, first, "s1"),
                             NewAlert(5, sub.id, second, "s2")], NOW)
    alerts.mark_sent(alerts.due(NOW, 10), 1001, NOW)  # one message, two stories (a digest)
    elsewhere = stored_elsewhere(database)
    alerts.record(2, 3, [], [NewAlert(5, sub.id, elsewhere, "s1")], NOW)
    assert alerts.edits_due(NOW, 10) == []


def test_a_stopped_topic_is_kept_for_undo_and_comes_back_as_it_was(database: Database) -> None:
    alerts, subs = AlertRepository(database), SubscriptionRepository(database)
    alerts.start_cursor()
    sub = subs.add(5, "supergroup", 7, "story", "story", now=NOW, limit=2)
    subs.set_mode(sub.id, "digest")
    subs.add(5, "supergroup", None, "coral", "coral", now=NOW, limit=2)
    alerts.record(0, 1, [], [NewAlert(5, sub.id, stored(database, 1), "s1")], NOW)
    later = NOW + timedelta(hours=1)
    stopped = subs.stop(sub.id, later)
    assert stopped is not None and stopped.id == sub.id
    assert subs.stop(sub.id, later) is None  # stopped already
    # a stopped topic is not followed: not listed, matched, counted, changed; its queue goes
    assert [s.topic for s in subs.of_chat(5)] == ["coral"]
    assert [s.topic for s in subs.active()] == ["coral"] and subs.counts() == (1, 1)
    assert subs.get(sub.id) is None and subs.find(5, "story") is None
    assert subs.set_mode(sub.id, "instant") is None and alerts.queued() == 0
    assert subs.resume(6, sub.id, limit=2) is None  # another chat's id
    back = subs.resume(5, sub.id, limit=2)
    assert back is not None and back[1] is True
    assert (back[0].id, back[0].thread_id, back[0].mode, back[0].created_at) == (
        sub.id, 7, "digest", NOW)
    assert subs.resume(5, sub.id, limit=2) == (back[0], False)  # Undo twice: nothing doubled
    assert [s.topic for s in subs.of_chat(5)] == ["story", "coral"]
    # a chat that filled up meanwhile is told so
    subs.stop(sub.id, later)
    subs.add(5, "supergroup", None, "rail", "rail", now=NOW, limit=2)
    with pytest.raises(SubscriptionError, match="follows 2 topics"):
        subs.resume(5, sub.id, limit=2)
    subs.remove(sub.id)
    assert subs.resume(5, sub.id, limit=3) is None  # removed since


def test_a_new_subscribe_takes_over_a_stopped_topic_and_undo_then_changes_nothing(
    database: Database,
) -> None:
    subs = SubscriptionRepository(database)
    sub = subs.add(5, "private", None, "Nara summit", "nara summit", now=NOW, limit=5)
    subs.set_mode(sub.id, "digest")
    subs.stop(sub.id, NOW)
    again = subs.add(5, "private", None, "Nara Summit", "nara summit", now=NOW, limit=5)
    assert (again.id, again.topic, again.mode) == (sub.id, "Nara Summit", "instant")
    assert subs.resume(5, sub.id, limit=5) == (again, False)
    assert len(subs.of_chat(5)) == 1
    # a respelled topic replaces a stopped one of that spelling
    quoted = subs.add(5, "private", None, '"Nara"', '"nara"', now=NOW, limit=5)
    subs.stop(quoted.id, NOW)
    assert subs.retopic(sub.id, '"Nara"', '"nara"') is not None
    assert subs.resume(5, quoted.id, limit=5) is None


def test_the_ledger_finds_the_alerts_subscription_by_id_whatever_its_spelling(
    database: Database,
) -> None:
    alerts, subs = AlertRepository(database), SubscriptionRepository(database)
    alerts.start_cursor()
    sub = subs.add(5, "private", None, "Australian Open", "australian open", now=NOW, limit=5)
    first = stored(database, 1)
    alerts.record(0, 1, [], [NewAlert(5, sub.id, first, "s1")], NOW)
    alerts.mark_sent(alerts.due(NOW, 10), 1001, NOW)
    subs.retopic(sub.id, '"Australian Open"', '"australian open"')  # the quote button
    alerts.record(1, 2, [], [NewAlert(5, sub.id, stored_elsewhere(database), "s1")], NOW)
    [edit] = alerts.edits_due(NOW, 10)
    assert (edit.topic, edit.subscription_id, edit.stopped_id) == ("Australian Open", sub.id,
                                                                   None)
    subs.stop(sub.id, NOW)  # stopped under the alert: the edit keeps its Undo
    [edit] = alerts.edits_due(NOW, 10)
    assert (edit.subscription_id, edit.stopped_id) == (None, sub.id)
