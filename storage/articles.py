"""Articles and their chunk spans: the source of truth from which every index is rebuilt.

Each article and its chunk spans are written in one transaction, so an article is stored whole
or not at all. ``indexed_hash`` records which version of an article the search indexes hold; an
article whose ``indexed_hash`` differs from its ``content_hash`` is pending (an ingest was
interrupted between the database and the index) and the next run completes it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from core.models import Article, Chunk
from core.terms import chunk_terms
from storage.database import Database, in_batches
from storage.meta import bump_revision
from storage.removal import remove_articles
from storage.schema import (
    PENDING_ARTICLES,
    article_sources,
    articles,
    chunks,
    forgotten_articles,
)
from storage.upsert import insert_ignoring_conflicts, upsert

# an article whose current version the search indexes do not hold yet (indexed: 0022)
PENDING = PENDING_ARTICLES


class ArticleRepository:
    """Reads and writes articles with their chunk spans; safe to share between threads."""

    def __init__(self, database: Database) -> None:
        self._db = database

    # --- reads -----------------------------------------------------------------------------

    def hash_of(self, article_id: str) -> str | None:
        """Content hash stored for an article id, or None when absent."""
        query = sa.select(articles.c.content_hash).where(articles.c.id == article_id)
        with self._db.read() as conn:
            value = conn.execute(query).scalar()
        return None if value is None else str(value)

    def text_length(self, article_id: str) -> int | None:
        """Length of an article's stored text, or None when it is not stored."""
        query = sa.select(sa.func.length(articles.c.text)).where(articles.c.id == article_id)
        with self._db.read() as conn:
            value = conn.execute(query).scalar()
        return None if value is None else int(value)

    def id_with_hash(self, content_hash: str) -> str | None:
        """Id of an article with exactly this content, if any."""
        query = sa.select(articles.c.id).where(articles.c.content_hash == content_hash).limit(1)
        with self._db.read() as conn:
            value = conn.execute(query).scalar()
        return None if value is None else str(value)

    def get(self, article_id: str) -> Article | None:
        """One article by id."""
        return self.get_many([article_id]).get(article_id)

    def get_many(self, article_ids: Sequence[str]) -> dict[str, Article]:
        """Articles by id (missing ids are left out)."""
        found: dict[str, Article] = {}
        with self._db.read() as conn:
            for part in in_batches(article_ids):
                for row in conn.execute(sa.select(articles).where(articles.c.id.in_(part))):
                    article = to_article(row)
                    found[article.id] = article
        return found

    def chunks_of(self, article_id: str) -> list[Chunk]:
        """The stored chunk spans of an article, in order."""
        article = self.get(article_id)
        if article is None:
            return []
        query = (
            sa.select(chunks.c.idx, chunks.c.start, chunks.c.end)
            .where(chunks.c.article_id == article_id)
            .order_by(chunks.c.idx)
        )
        with self._db.read() as conn:
            rows = conn.execute(query).all()
        return [Chunk(article_id, i, s, e, article.text[s:e]) for i, s, e in rows]

    def iter_articles(self, batch: int = 200) -> Iterator[Article]:
        """Every article, in id order, in pages so memory stays flat."""
        last = ""
        while True:
            query = sa.select(articles).where(articles.c.id > last).order_by(articles.c.id)
            with self._db.read() as conn:
                rows = conn.execute(query.limit(batch)).all()
            if not rows:
                return
            for row in rows:
                yield to_article(row)
            last = str(rows[-1].id)

    def pending_ids(self) -> list[str]:
        """Articles whose current version is not yet in the index."""
        query = sa.select(articles.c.id).where(PENDING).order_by(articles.c.id)
        with self._db.read() as conn:
            return [str(value) for value in conn.execute(query).scalars()]

    def count(self) -> int:
        """Number of articles."""
        return self._scalar_count(sa.select(sa.func.count()).select_from(articles))

    def chunk_count(self) -> int:
        """Number of chunk spans."""
        return self._scalar_count(sa.select(sa.func.count()).select_from(chunks))

    # --- writes ----------------------------------------------------------------------------

    def save(self, article: Article, article_chunks: Sequence[Chunk],
             source_id: int | None = None) -> None:
        """Insert or replace an article and its chunk spans in one transaction (pending),
        linked to the registered source that brought it (``source_id``)."""
        with self._db.write() as conn:
            _write(conn, article, article_chunks, source_id)

    def save_many(self, items: Iterable[tuple[Article, Sequence[Chunk]]]) -> None:
        """``save`` each (article, chunks) in turn, all in one transaction (bulk loads)."""
        with self._db.write() as conn:
            for article, article_chunks in items:
                _write(conn, article, article_chunks, None)

    def forget(self, article_id: str, now: datetime) -> bool:
        """Remove an article and its chunks for good; False when it was not stored.

        It is remembered as forgotten, so that no later ingest stores it again and every
        process's lexical index drops it at the new revision; every row that pointed at it
        goes too (storage/removal.py).
        """
        with self._db.write() as conn:
            return remove_articles(conn, [article_id], now).articles > 0

    def is_forgotten(self, article_id: str) -> bool:
        """True when an admin removed this article for good."""
        query = sa.select(forgotten_articles.c.article_id).where(
            forgotten_articles.c.article_id == article_id)
        with self._db.read() as conn:
            return conn.execute(query).first() is not None

    def mark_indexed(self, article_ids: Iterable[str]) -> None:
        """Record that the index now holds the current version of these articles."""
        ids = list(article_ids)
        with self._db.write() as conn:
            for part in in_batches(ids):
                conn.execute(
                    sa.update(articles)
                    .where(articles.c.id.in_(part))
                    .values(indexed_hash=articles.c.content_hash)
                )

    def mark_unindexed(self, article_ids: Sequence[str]) -> None:
        """Mark these articles pending: the next ingest indexes them again."""
        with self._db.write() as conn:
            conn.execute(sa.update(articles).where(articles.c.id.in_(list(article_ids)))
                         .values(indexed_hash=None))

    def mark_all_unindexed(self) -> None:
        """Mark every article pending (before a full rebuild of the index)."""
        with self._db.write() as conn:
            conn.execute(sa.update(articles).values(indexed_hash=None))

    def _scalar_count(self, query: sa.Select[Any]) -> int:
        with self._db.read() as conn:
            return int(conn.execute(query).scalar() or 0)


def _write(conn: sa.Connection, article: Article, article_chunks: Sequence[Chunk],
           source_id: int | None) -> None:
    upsert(conn, articles, {**_article_row(article), "indexed_hash": None}, ["id"])
    if source_id is not None:
        insert_ignoring_conflicts(conn, article_sources, {
            "article_id": article.id, "source_id": source_id}, ["article_id", "source_id"])
    conn.execute(sa.delete(chunks).where(chunks.c.article_id == article.id))
    if article_chunks:
        conn.execute(sa.insert(chunks), [
            {"article_id": c.article_id, "idx": c.index, "start": c.start, "end": c.end,
             "text": c.text, "terms": chunk_terms(article.title, c.text)}
            for c in article_chunks
        ])
    revision = bump_revision(conn)  # late: the meta row stays locked only briefly
    conn.execute(sa.update(articles).where(articles.c.id == article.id).values(revision=revision))


def _article_row(article: Article) -> dict[str, Any]:
    return {
        "id": article.id,
        "url": article.url,
        "title": article.title,
        "source": article.source,
        "published": article.published,
        "authors": json.dumps(list(article.authors), ensure_ascii=False),
        "text": article.text,
        "content_hash": article.content_hash,
        "fetched_at": article.fetched_at,
    }


def to_article(row: sa.Row[Any]) -> Article:
    """An Article from a row of the articles table."""
    return Article(
        id=str(row.id),
        url=str(row.url),
        title=str(row.title),
        source=str(row.source),
        published=row.published,
        authors=tuple(json.loads(str(row.authors))),
        text=str(row.text),
        content_hash=str(row.content_hash),
        fetched_at=row.fetched_at,
    )
