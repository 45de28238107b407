"""Retention end to end, on SQLite and PostgreSQL: a pruned article is gone from the database,
the vectors and every process's lexical search, and nothing points at it any more."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from pydantic import ValidationError
from telegram.ext import ApplicationBuilder

from bot.container import Container
from bot.settings import Settings
from bot.telegram.retention import JOB_NAME, ScheduledPrune, summary
from core.models import QuotedSpan, Turn
from ingest.identity import article_id
from ingest.pipeline import SourceSpec
from retrieval.embeddings import Embedder
from storage.schema import (
    alert_edits,
    alert_outbox,
    confirmations,
    conversation_turns,
    sent_alerts,
    stories,
)

STORIES = {
    "zanzibar": "Zanzibar ferry timetable changes for the winter season",
    "lighthouse": "Lighthouse keepers return to Port Halden after repairs",
    "marathon": "Winter marathon draws a record field along the river",
}


def write_news(folder: Path) -> None:
    folder.mkdir()
    for name, title in STORIES.items():
        (folder / f"{name}.md").write_text(
            f"---\ntitle: {title}\nurl: https://news.example/{name}\npublished: 2026-01-09\n"
            f"---\n{title}. The {name} story goes on for a while, with details that matter to "
            f"readers who follow {name} closely, and a second sentence about the {name}.\n")


def stored_days_ago(container: Container, name: str, days: float) -> str:
    """Make the article about ``name`` look stored ``days`` ago; its id."""
    key = article_id(f"https://news.example/{name}", "")
    with container.database.write() as conn:
        conn.execute(sa.text("UPDATE articles SET fetched_at = :at WHERE id = :id"),
                     {"at": _stamp(container, datetime.now(UTC) - timedelta(days=days)),
                      "id": key})
    return key


def _stamp(container: Container, moment: datetime) -> object:
    from storage.types import to_sortable_text

    return moment if container.database.dialect == "postgresql" else to_sortable_text(moment)


def alerted(container: Container, story: str, key: str, days_ago: float) -> None:
    at = datetime.now(UTC) - timedelta(days=days_ago)
    with container.database.write() as conn:
        conn.execute(sa.insert(stories).values(article_id=key, story_id=story, at=at))
        conn.execute(sa.insert(sent_alerts).values(chat_id=7, story_id=story, article_id=key,
                                                   topic="news", message_id=3, sent_at=at))


@pytest.fixture
def other(settings: Settings, embedder: Embedder) -> Iterator[Container]:
    """Another process on the same database and vectors (its own lexical index)."""
    built = Container(settings, embedder=embedder)
    yield built
    built.close()


def test_a_pruned_article_is_gone_everywhere(container: Container, other: Container,
                                             tmp_path: Path) -> None:
    write_news(tmp_path / "news")
    assert container.pipeline.run([SourceSpec(str(tmp_path / "news"))]).added == 3
    gone = stored_days_ago(container, "zanzibar", 40)
    waiting = stored_days_ago(container, "lighthouse", 40)
    kept = article_id("https://news.example/marathon", "")
    alerted(container, "old", gone, 35)
    alerted(container, "recent", waiting, 2)  # another report may still be added to it
    container.conversations.add("7", Turn("zanzibar ferry?", (gone,), (QuotedSpan(gone, 0, 9),)))
    assert other.lexical.search("zanzibar", 5)  # loaded before the prune

    dry = container.retention.prune(30, dry_run=True)
    assert (dry.articles, dry.held, dry.dry_run) == (1, 1, True)
    assert container.articles.count() == 3
    report = container.retention.prune(30)
    assert (report.articles, report.passages, report.held) == (1, dry.passages, 1)
    assert report.passages >= 1 and report.oldest_kept is not None
    assert report.oldest_kept < datetime.now(UTC) - timedelta(days=39)  # the held one

    assert container.articles.get(gone) is None
    assert {a.id for a in container.articles.iter_articles()} == {waiting, kept}
    assert container.vectors.embeddings([f"{gone}-0"]) == {}
    assert container.vectors.count() == container.articles.chunk_count()
    for process in (container, other):
        assert all(not hit.chunk_id.startswith(gone)
                   for hit in process.lexical.search("zanzibar ferry", 10))
    hits = container.questions.passages("Zanzibar ferry timetable", k=5)
    assert gone not in {hit.ref.article_id for hit in hits}
    with container.database.read() as conn:
        for table in (sent_alerts, stories, alert_outbox, alert_edits):
            assert gone not in conn.execute(sa.select(table.c.article_id)).scalars().all()
        for text in conn.execute(sa.select(conversation_turns.c.article_ids,
                                           conversation_turns.c.quoted)).all():
            assert gone not in "".join(text)
        assert gone not in "".join(conn.execute(sa.select(confirmations.c.payload)).scalars())

    again = container.pipeline.run([SourceSpec(str(tmp_path / "news"))])
    assert (again.added, again.forgotten) == (0, 1)  # a folder keeps it, the archive does not
    assert container.retention.prune(30, dry_run=True).articles == 0


def test_the_daily_job_runs_even_with_retention_off_for_the_sources_own(
        container: Container) -> None:
    app = ApplicationBuilder().token("123:TEST").build()
    # a source may be given a retention of its own at any time (`newsdesk sources keep`)
    ScheduledPrune(container.retention, container.ingest_runner, days=0).install(app)
    assert app.job_queue is not None
    assert [job.name for job in app.job_queue.get_jobs_by_name(JOB_NAME)] == [JOB_NAME]
    off = ScheduledPrune(container.retention, container.ingest_runner, days=0).prune()
    assert (off.cutoff, off.articles, off.sources_keeping) == (None, 0, 0)
    assert summary(off).startswith("removed 0 articles (0 passages); ")
    report = ScheduledPrune(container.retention, container.ingest_runner, days=30).prune()
    assert summary(report).startswith("removed 0 articles (0 passages) stored before ")
    assert summary(report).endswith("0 wait for their alerts' edit window; oldest kept none")


def test_retention_days_is_off_by_default_and_bounded() -> None:
    assert Settings().retention_days == 0
    assert Settings(retention_days=3650).retention_days == 3650
    for wrong in (-1, 3651):
        with pytest.raises(ValidationError, match="retention_days"):
            Settings(retention_days=wrong)


def test_a_prune_in_batches_of_one_article_removes_every_old_one(
        container: Container, tmp_path: Path) -> None:
    from bot.services.retention import RetentionService
    from storage.retention import RetentionRepository

    write_news(tmp_path / "news")
    assert container.pipeline.run([SourceSpec(str(tmp_path / "news"))]).added == 3
    old = {stored_days_ago(container, name, 40) for name in ("zanzibar", "lighthouse")}
    service = RetentionService(RetentionRepository(container.database), container.articles,
                               lambda: container.vectors, batch=1)
    assert service.prune(30).articles == 2
    assert old.isdisjoint(a.id for a in container.articles.iter_articles())
    assert container.vectors.count() == container.articles.chunk_count()
