"""What a subscription keeps of its topic and a story of its headline, on SQLite and
PostgreSQL; rows from before 0017 have none."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import sqlalchemy as sa

from storage import migrate
from storage.alerts import AlertRepository, StoryRow
from storage.articles import ArticleRepository
from storage.database import Database
from storage.subscriptions import KeptTopic, SubscriptionRepository
from tests.ingest.factories import make_article

NOW = datetime(2026, 12, 6, 9, tzinfo=UTC)
VECTOR = np.array([0.6, 0.8, 0.0], dtype=np.float32)
NARA = KeptTopic('{"text": "Nara summit"}', VECTOR, "model-a")


def test_a_subscription_keeps_its_topic_until_respelled(database: Database) -> None:
    subs = SubscriptionRepository(database)
    kept = subs.add(5, "private", None, "Nara summit", "nara summit", now=NOW, limit=5,
                    kept=NARA)
    plain = subs.add(5, "private", None, "rail", "rail", now=NOW, limit=5)  # kept by none
    first, second = subs.followed()
    assert (first.subscription, first.parsed, first.model) == (kept, NARA.parsed, "model-a")
    assert first.vector is not None and np.array_equal(first.vector, VECTOR)
    assert (second.subscription, second.parsed, second.vector, second.model) == (
        plain, None, None, None)
    # computed on first use: stored unless the topic was respelled meanwhile
    rail = KeptTopic('{"text": "rail"}', VECTOR, "model-a")
    assert subs.keep_topics({plain.id: ("rail", rail), kept.id: ("Nara", NARA)}) == 1
    assert [f.parsed for f in subs.followed()] == [NARA.parsed, rail.parsed]
    # a respelled topic keeps what was computed of the new spelling, or nothing
    quoted = KeptTopic('{"text": "\\"rail\\""}')
    subs.retopic(plain.id, '"rail"', '"rail"', quoted)
    subs.retopic(kept.id, "Nara summit talks", "nara summit talks")
    first, second = subs.followed()
    assert subs.followed_one(kept.id) == first and subs.followed_one(999) is None
    assert (first.parsed, first.vector, first.model) == (None, None, None)
    assert (second.parsed, second.vector, second.model) == (quoted.parsed, None, None)


def test_a_story_keeps_its_headline_vector_and_updates_it(database: Database) -> None:
    alerts, articles = AlertRepository(database), ArticleRepository(database)
    alerts.start_cursor()
    article = make_article("Leaders met in Nara.", "Summit opens", "https://t.example/1")
    articles.save(article, [])
    [changed] = alerts.changed_since(0, 10)
    assert (changed.headline, changed.headline_vector, changed.headline_model) == (
        None, None, None)
    story = StoryRow(article.id, "Summit opens", "s1", VECTOR, terms=frozenset({"nara"}),
                     headline_vector=VECTOR, model="model-a")
    alerts.record(0, 1, [story], [], NOW)
    [changed] = alerts.changed_since(0, 10)
    assert (changed.headline, changed.headline_model) == ("Summit opens", "model-a")
    assert np.array_equal(changed.headline_vector, VECTOR)  # type: ignore[arg-type]
    # matched again with a new headline: the story stays, its headline vector is replaced
    other = np.array([0.0, 0.6, 0.8], dtype=np.float32)
    alerts.record(1, 1, [StoryRow(article.id, "Summit opens in Nara", "s2", None,
                                  headline_vector=other, model="model-a")], [], NOW)
    [changed] = alerts.changed_since(0, 10)
    assert changed.headline == "Summit opens in Nara"
    assert np.array_equal(changed.headline_vector, other)  # type: ignore[arg-type]
    [kept] = alerts.recent_stories(NOW, 400)
    assert (kept.story_id, kept.terms) == ("s1", frozenset({"nara"}))
    assert np.array_equal(kept.vector, VECTOR)  # type: ignore[arg-type]


def test_rows_from_before_0017_keep_nothing(database_url: str, tmp_path: Path) -> None:
    database = Database(database_url or f"sqlite:///{tmp_path / 'newsdesk.sqlite3'}")
    migrate.upgrade(database, to="0016")
    with database.write() as conn:
        conn.execute(sa.text("INSERT INTO chats (chat_id) VALUES (5)"))
        conn.execute(sa.text("INSERT INTO subscriptions (id, chat_id, topic, topic_key, "
                             "created_at) VALUES (41, 5, 'Nara summit', 'nara summit', :t)"),
                     {"t": NOW})
    migrate.upgrade(database)
    [followed] = SubscriptionRepository(database).followed()
    assert (followed.subscription.id, followed.topic) == (41, "Nara summit")
    assert (followed.parsed, followed.vector, followed.model) == (None, None, None)
    database.dispose()
