"""Retention in the database: which articles are due, what an editable alert holds back, and
that a removed article leaves nothing pointing at it; on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from core.models import Chunk, QuotedSpan, Turn
from retrieval.lexical import LexicalIndex
from storage.articles import ArticleRepository
from storage.chunk_terms import ChunkTermsRepository
from storage.confirmations import ConfirmationRepository
from storage.conversations import ConversationRepository
from storage.database import Database
from storage.retention import Cutoffs, RetentionRepository
from storage.schema import alert_edits, alert_outbox, article_sources, sent_alerts, stories
from storage.sources import SourceRepository
from storage.subscriptions import SubscriptionRepository
from tests.ingest.factories import make_article

NOW = datetime(2026, 12, 6, 12, tzinfo=UTC)
CUTOFF = Cutoffs(NOW - timedelta(days=30))  # NEWSDESK_RETENTION_DAYS=30
HOLD = NOW - timedelta(days=7)  # the alerts' edit window
CHAT = 5


def store(database: Database, name: str, days_ago: float,
          published: datetime | None = NOW) -> str:
    """An article named ``name`` (also its one distinctive word), stored ``days_ago``."""
    article = replace(make_article(f"{name} reports on the harbour.", f"{name} headline",
                                   f"https://t.example/{name}"),
                      fetched_at=NOW - timedelta(days=days_ago), published=published)
    ArticleRepository(database).save(article, [Chunk(article.id, 0, 0, len(article.text),
                                                     article.text)])
    return article.id


def alerted(database: Database, story: str, article_id: str, at: datetime,
            message_id: int | None) -> None:
    """The chat was alerted to ``story`` through ``article_id`` at ``at``."""
    with database.write() as conn:
        conn.execute(sa.insert(stories).values(article_id=article_id, story_id=story, at=at))
        conn.execute(sa.insert(sent_alerts).values(
            chat_id=CHAT, story_id=story, article_id=article_id, topic="harbour",
            message_id=message_id, sent_at=at))


def test_due_is_counted_from_when_an_article_was_stored(database: Database) -> None:
    old = store(database, "old", 40, published=NOW - timedelta(days=1))
    store(database, "reissued", 1, published=NOW - timedelta(days=700))  # stored yesterday
    undated = store(database, "undated", 31, published=None)
    retention = RetentionRepository(database)
    assert retention.due_ids(CUTOFF, HOLD, 10) == [old, undated]  # the longest stored first
    assert retention.due_ids(CUTOFF, HOLD, 1) == [old]
    due = retention.count_due(CUTOFF, HOLD)
    assert (due.articles, due.passages, due.held) == (2, 2, 0)
    assert retention.oldest_kept(CUTOFF, HOLD) == NOW - timedelta(days=1)
    assert retention.oldest_kept(Cutoffs(NOW + timedelta(days=1)), HOLD) is None


def test_a_story_whose_alert_can_still_be_edited_waits(database: Database) -> None:
    subscription = SubscriptionRepository(database).add(CHAT, "private", None, "harbour",
                                                        "harbour", now=NOW, limit=5)
    lead, also, queued, done, plain = (store(database, name, 40) for name in
                                       ("lead", "also", "queued", "done", "plain"))
    alerted(database, "s1", lead, NOW - timedelta(days=2), 11)
    alerted(database, "s2", done, NOW - timedelta(days=20), 12)  # its window has passed
    with database.write() as conn:  # another outlet's report, to be added to the s1 alert
        conn.execute(sa.insert(stories).values(article_id=also, story_id="s1",
                                               at=NOW - timedelta(days=1)))
        conn.execute(sa.insert(alert_edits).values(chat_id=CHAT, story_id="s1", article_id=also,
                                                   source="Other Wire", created_at=NOW))
        conn.execute(sa.insert(stories).values(article_id=queued, story_id="s3",
                                               at=NOW - timedelta(days=1)))
        conn.execute(sa.insert(alert_outbox).values(
            chat_id=CHAT, subscription_id=subscription.id, article_id=queued, story_id="s3",
            created_at=NOW - timedelta(days=1)))
    retention = RetentionRepository(database)
    assert set(retention.due_ids(CUTOFF, HOLD, 10)) == {done, plain}
    assert retention.count_due(CUTOFF, HOLD).held == 3
    assert retention.held(CUTOFF, HOLD) == 3
    a_week_later = NOW + timedelta(days=8) - timedelta(days=7)
    assert set(retention.due_ids(CUTOFF, a_week_later, 10)) == {lead, also, queued, done, plain}


def test_a_pruned_article_leaves_nothing_pointing_at_it(database: Database) -> None:
    gone, kept = store(database, "zanzibar", 40), store(database, "kept", 2)
    lexical = LexicalIndex(ChunkTermsRepository(database))  # another process's, loaded before
    assert [hit.chunk_id for hit in lexical.search("zanzibar", 5)] == [f"{gone}-0"]
    # one digest message carried both stories; s9 is kept, and another outlet adds to s8
    alerted(database, "s8", gone, NOW - timedelta(days=40), 21)
    alerted(database, "s9", kept, NOW - timedelta(days=40), 21)
    with database.write() as conn:
        conn.execute(sa.insert(alert_edits).values(chat_id=CHAT, story_id="s8", article_id=kept,
                                                   source="Other Wire", created_at=NOW))
    turns = ConversationRepository(database, clock=lambda: NOW)
    turns.add("chat", Turn("harbour?", (gone, kept), (QuotedSpan(gone, 0, 8),
                                                      QuotedSpan(kept, 0, 4))))
    offers = ConfirmationRepository(database, clock=lambda: NOW)
    more = offers.create("more", CHAT, CHAT, {"citations": json.dumps([{"article_id": gone}]),
                                              "more": "[]"}, timedelta(days=7))
    other = offers.create("more", CHAT, CHAT, {"citations": json.dumps([{"article_id": kept}]),
                                               "more": "[]"}, timedelta(days=7))

    removed = RetentionRepository(database).remove([gone, kept], CUTOFF, HOLD, NOW)

    assert (removed.articles, removed.passages) == (1, 1)  # the fresh one was not due
    articles = ArticleRepository(database)
    assert articles.get(gone) is None and articles.chunks_of(gone) == []
    assert articles.is_forgotten(gone) and articles.get(kept) is not None
    assert lexical.search("zanzibar", 5) == []  # caught up by revision, like /forget
    assert [hit.chunk_id for hit in lexical.search("kept", 5)] == [f"{kept}-0"]
    with database.read() as conn:
        ledger = conn.execute(sa.select(sent_alerts.c.story_id, sent_alerts.c.message_id)).all()
        assert [tuple(row) for row in ledger] == [("s9", None)]  # no longer a lone alert
        for table in (stories, alert_edits, alert_outbox):
            assert conn.execute(sa.select(table.c.article_id)).scalars().all() in ([], [kept])
        assert conn.execute(sa.select(sa.func.count()).select_from(alert_edits)).scalar() == 0
    assert turns.recent("chat") == [Turn("harbour?", (kept,), (QuotedSpan(kept, 0, 4),))]
    assert offers.take(more.token, "more", CHAT) == "expired"
    assert offers.take(other.token, "more", CHAT) != "expired"


def test_a_source_s_own_retention_and_an_article_two_sources_brought(
        database: Database) -> None:
    sources = SourceRepository(database)
    brief = sources.add("Brief", "https://brief.example/rss", "url", now=NOW, keep_days=10)
    wire = sources.add("Wire", "https://wire.example/rss", "url", now=NOW)  # the default
    archive = sources.add("Archive", "https://archive.example/rss", "url", now=NOW,
                          keep_days=400)

    def brought(name: str, days_ago: float, *by: int) -> str:
        article = replace(make_article(f"{name} reports.", f"{name} headline",
                                       f"https://t.example/{name}"),
                          fetched_at=NOW - timedelta(days=days_ago))
        for source in by or (None,):
            ArticleRepository(database).save(article, [], source_id=source)
        return article.id

    brief_old = brought("briefold", 12, brief.id)  # past the brief's 10 days
    brief_new = brought("briefnew", 5, brief.id)
    both = brought("both", 12, brief.id, wire.id)  # the wire keeps it 30 days
    kept_long = brought("kept", 40, archive.id)  # the archive keeps it 400 days
    wire_old = brought("wireold", 40, wire.id)
    unlinked = brought("loose", 40)  # no registered source: the default
    retention = RetentionRepository(database)
    keeps = {brief.id: NOW - timedelta(days=10), archive.id: NOW - timedelta(days=400)}

    with_default = Cutoffs(NOW - timedelta(days=30), keeps)
    assert set(retention.due_ids(with_default, HOLD, 10)) == {brief_old, wire_old, unlinked}
    # retention off by default: only what a source's own retention lets go
    assert retention.due_ids(Cutoffs(None, keeps), HOLD, 10) == [brief_old]
    assert not Cutoffs(None).prunes and retention.due_ids(Cutoffs(None), HOLD, 10) == []
    assert {brief_new, both, kept_long}.isdisjoint(retention.due_ids(with_default, HOLD, 10))
    # removed with its links; a source removed lets its articles follow the default
    retention.remove([brief_old], with_default, HOLD, NOW)
    with database.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(article_sources).where(
            article_sources.c.article_id == brief_old)).scalar() == 0
    sources.remove("Archive")
    assert kept_long in retention.due_ids(with_default, HOLD, 10)
