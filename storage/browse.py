"""Read-only views over the articles for browsing and `newsdesk stats`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from core.models import Article
from storage.articles import PENDING, to_article
from storage.database import Database
from storage.schema import articles, chunks


@dataclass(frozen=True)
class StoreStats:
    """Counts for `newsdesk stats`."""

    articles: int
    chunks: int
    sources: int
    pending: int
    newest_title: str | None
    newest_published: datetime | None
    # the archive's age: when its longest-stored and newest articles were stored (retention
    # counts from there)
    oldest_stored: datetime | None = None
    newest_stored: datetime | None = None


@dataclass(frozen=True)
class OutletCount:
    """An outlet, how many of its articles are stored, and its newest publication time."""

    name: str
    articles: int
    newest: datetime | None


class BrowseRepository:
    """Newest articles, outlets, counts."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def newest(self, limit: int) -> list[Article]:
        """The most recently published articles (undated ones last, by fetch time)."""
        query = (
            sa.select(articles)
            .order_by(articles.c.published.desc().nulls_last(), articles.c.fetched_at.desc())
            .limit(limit)
        )
        with self._db.read() as conn:
            return [to_article(row) for row in conn.execute(query)]

    def article(self, article_id: str) -> Article | None:
        """One stored article, None when there is no such article (any more)."""
        with self._db.read() as conn:
            row = conn.execute(sa.select(articles).where(articles.c.id == article_id)).first()
        return to_article(row) if row is not None else None

    def outlets(self) -> list[OutletCount]:
        """Each outlet with its article count and newest publication time, biggest first."""
        count = sa.func.count().label("n")
        query = (
            sa.select(articles.c.source, count, sa.func.max(articles.c.published))
            .group_by(articles.c.source)
            .order_by(count.desc(), articles.c.source)
        )
        with self._db.read() as conn:
            return [OutletCount(str(s), int(n), p) for s, n, p in conn.execute(query)]

    def stats(self) -> StoreStats:
        """Counts, the newest article, and when the oldest and newest were stored."""
        with self._db.read() as conn:
            article_count, outlet_count, pending_count, oldest, newest_stored = conn.execute(
                sa.select(
                    sa.func.count(),
                    sa.func.count(sa.distinct(articles.c.source)),
                    sa.func.count().filter(PENDING),
                    sa.func.min(articles.c.fetched_at),
                    sa.func.max(articles.c.fetched_at),
                )
            ).one()
            chunk_count = conn.execute(sa.select(sa.func.count()).select_from(chunks)).scalar()
            newest = conn.execute(
                sa.select(articles.c.title, articles.c.published)
                .where(articles.c.published.is_not(None))
                .order_by(articles.c.published.desc())
                .limit(1)
            ).first()
        return StoreStats(
            articles=int(article_count),
            chunks=int(chunk_count or 0),
            sources=int(outlet_count),
            pending=int(pending_count or 0),
            newest_title=str(newest.title) if newest else None,
            newest_published=newest.published if newest else None,
            oldest_stored=oldest,
            newest_stored=newest_stored,
        )
