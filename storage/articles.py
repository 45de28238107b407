"""Articles and their chunk spans: the source of truth from which every index is rebuilt.

Each article and its chunk spans are written in one transaction, so an article is stored whole
or not at all. ``indexed_hash`` records which version of an article the search indexes hold; an
article whose ``indexed_hash`` differs from its ``content_hash`` is pending (an ingest was
interrupted between the database and the index) and the next run completes it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from typing import Any

import sqlalchemy as sa

from core.models import Article, ArticleRef, Chunk, Passage
from core.terms import tokenize
from storage.database import Database
from storage.meta import REVISION_KEY, bump_revision
from storage.schema import articles, chunks, meta
from storage.types import UTCDateTime
from storage.upsert import upsert

_BATCH = 500
_PAIRS = 256


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
            for start in range(0, len(article_ids), _BATCH):
                part = list(article_ids[start : start + _BATCH])
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

    def chunk_spans(self, chunk_ids: Sequence[str]) -> dict[str, tuple[str, int, int]]:
        """(article id, start, end) of chunks given as "<article id>-<index>"."""
        wanted: dict[str, set[int]] = {}
        for chunk_id in chunk_ids:
            article_id, _, index = chunk_id.rpartition("-")
            wanted.setdefault(article_id, set()).add(int(index))
        ids = list(wanted)
        spans: dict[str, tuple[str, int, int]] = {}
        with self._db.read() as conn:
            for begin in range(0, len(ids), _BATCH):
                # by article id, the primary key's prefix: an index seek, not a scan
                part = ids[begin : begin + _BATCH]
                query = sa.select(
                    chunks.c.article_id, chunks.c.idx, chunks.c.start, chunks.c.end
                ).where(chunks.c.article_id.in_(part))
                for article_id, index, start, end in conn.execute(query):
                    if index in wanted[article_id]:
                        spans[f"{article_id}-{index}"] = (str(article_id), int(start), int(end))
        return spans

    def passages(self, chunk_ids: Sequence[str]) -> dict[str, Passage]:
        """Chunks given as "<article id>-<index>" with their articles' references and texts.

        Only the chunks' own rows and the articles' short fields are read, never whole texts.
        """
        pairs = []
        for chunk_id in dict.fromkeys(chunk_ids):
            article_id, _, index = chunk_id.rpartition("-")
            pairs.append((article_id, int(index)))
        found: dict[str, Passage] = {}
        with self._db.read() as conn:
            if conn.dialect.name == "postgresql":
                rows = conn.execute(_PG_PASSAGES, {"ids": [a for a, _ in pairs],
                                                   "idxs": [i for _, i in pairs]}).all()
                return dict(_passage(row) for row in rows)
            for begin in range(0, len(pairs), _PAIRS):
                part = pairs[begin : begin + _PAIRS]
                # padded to a power of two: a handful of statements, each built once
                part += part[-1:] * (_bucket(len(part)) - len(part))
                params: dict[str, str | int] = {f"a{n}": a for n, (a, _) in enumerate(part)}
                params |= {f"i{n}": i for n, (_, i) in enumerate(part)}
                found.update(_passage(row) for row in conn.execute(
                    _passages_query(len(part)), params))
        return found

    def span_texts(self, spans: Sequence[tuple[str, int, int]]) -> list[str | None]:
        """The stored text of each (article id, start, end) span; None for a missing article."""
        texts: list[str | None] = []
        with self._db.read() as conn:
            for begin in range(0, len(spans), _PAIRS):
                part = list(spans[begin : begin + _PAIRS])
                padded = part + part[-1:] * (_bucket(len(part)) - len(part))
                params: dict[str, str | int] = {}
                for n, (article_id, start, end) in enumerate(padded):
                    params |= {f"a{n}": article_id, f"s{n}": start + 1,
                               f"l{n}": max(end - start, 0)}
                rows = conn.execute(_span_texts_query(len(padded)), params).all()
                found: dict[int, str] = {int(n): str(text) for n, text in rows}
                texts += [found.get(n) for n in range(len(part))]
        return texts

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

    def iter_chunk_texts(self, batch: int = 2000) -> Iterator[tuple[str, str, str]]:
        """(chunk id, article title, chunk text) of every chunk, in pages."""
        text = sa.func.substr(articles.c.text, chunks.c.start + 1, chunks.c.end - chunks.c.start)
        last: tuple[str, int] = ("", -1)
        while True:
            query = (
                sa.select(chunks.c.article_id, chunks.c.idx, articles.c.title, text)
                .join(articles, articles.c.id == chunks.c.article_id)
                .where(sa.tuple_(chunks.c.article_id, chunks.c.idx) > sa.tuple_(*last))
                .order_by(chunks.c.article_id, chunks.c.idx)
                .limit(batch)
            )
            with self._db.read() as conn:
                rows = conn.execute(query).all()
            if not rows:
                return
            for article_id, index, title, chunk_text in rows:
                yield f"{article_id}-{index}", str(title), str(chunk_text)
            last = (str(rows[-1][0]), int(rows[-1][1]))

    def pending_ids(self) -> list[str]:
        """Articles whose current version is not yet in the index."""
        query = sa.select(articles.c.id).where(
            sa.or_(articles.c.indexed_hash.is_(None),
                   articles.c.indexed_hash != articles.c.content_hash)
        ).order_by(articles.c.id)
        with self._db.read() as conn:
            return [str(value) for value in conn.execute(query).scalars()]

    def count(self) -> int:
        """Number of articles."""
        return self._scalar_count(sa.select(sa.func.count()).select_from(articles))

    def chunk_count(self) -> int:
        """Number of chunk spans."""
        return self._scalar_count(sa.select(sa.func.count()).select_from(chunks))

    def revision(self) -> str:
        """Changes with every article write: derived indexes compare it to know they are stale."""
        query = sa.select(meta.c.value).where(meta.c.key == REVISION_KEY)
        with self._db.read() as conn:
            value = conn.execute(query).scalar()
        return "0" if value is None else str(value)

    # --- writes ----------------------------------------------------------------------------

    def save(self, article: Article, article_chunks: Sequence[Chunk]) -> None:
        """Insert or replace an article and its chunk spans in one transaction (pending)."""
        with self._db.write() as conn:
            upsert(conn, articles, {**_article_row(article), "indexed_hash": None}, ["id"])
            conn.execute(sa.delete(chunks).where(chunks.c.article_id == article.id))
            if article_chunks:
                conn.execute(sa.insert(chunks), [
                    {"article_id": c.article_id, "idx": c.index, "start": c.start, "end": c.end,
                     "text": c.text, "terms": chunk_terms(article.title, c.text)}
                    for c in article_chunks
                ])
            revision = bump_revision(conn)  # late: the meta row stays locked only briefly
            conn.execute(
                sa.update(articles).where(articles.c.id == article.id).values(revision=revision)
            )

    def mark_indexed(self, article_ids: Iterable[str]) -> None:
        """Record that the index now holds the current version of these articles."""
        ids = list(article_ids)
        with self._db.write() as conn:
            for start in range(0, len(ids), _BATCH):
                conn.execute(
                    sa.update(articles)
                    .where(articles.c.id.in_(ids[start : start + _BATCH]))
                    .values(indexed_hash=articles.c.content_hash)
                )

    def mark_all_unindexed(self) -> None:
        """Mark every article pending (before a full rebuild of the index)."""
        with self._db.write() as conn:
            conn.execute(sa.update(articles).values(indexed_hash=None))

    def _scalar_count(self, query: sa.Select[Any]) -> int:
        with self._db.read() as conn:
            return int(conn.execute(query).scalar() or 0)


# PostgreSQL: the pairs as two arrays, joined by primary key (one plan, whatever the count)
_PG_PASSAGES = sa.text(
    'SELECT c.article_id, c.idx, c.start, c."end", c.text, a.title, a.source, a.url,'
    " a.published FROM unnest(CAST(:ids AS text[]), CAST(:idxs AS integer[])) AS w(id, idx)"
    " JOIN chunks c ON c.article_id = w.id AND c.idx = w.idx"
    " JOIN articles a ON a.id = c.article_id"
).columns(published=UTCDateTime)


def _passage(row: sa.Row[Any]) -> tuple[str, Passage]:
    ref = ArticleRef(str(row.article_id), str(row.title), str(row.source), str(row.url),
                     row.published)
    chunk_id = f"{row.article_id}-{row.idx}"
    return chunk_id, Passage(chunk_id, ref, int(row.start), int(row.end), str(row.text))


@lru_cache(maxsize=16)
def _passages_query(pairs: int) -> sa.Select[Any]:
    """Chunks by (article, index): an OR of pairs, one primary-key seek each on both backends
    (SQLite would scan the whole table for a row-value IN list)."""
    wanted = sa.or_(*[
        sa.and_(chunks.c.article_id == sa.bindparam(f"a{n}"), chunks.c.idx == sa.bindparam(f"i{n}"))
        for n in range(pairs)
    ])
    return (
        sa.select(chunks.c.article_id, chunks.c.idx, chunks.c.start, chunks.c.end, chunks.c.text,
                  articles.c.title, articles.c.source, articles.c.url, articles.c.published)
        .join(articles, articles.c.id == chunks.c.article_id)
        .where(wanted)
    )


@lru_cache(maxsize=16)
def _span_texts_query(spans: int) -> sa.CompoundSelect[Any]:
    """(n, article text[start:end]) for numbered spans, in one round trip."""
    return sa.union_all(*[
        sa.select(sa.literal(n).label("n"),
                  sa.func.substr(articles.c.text, sa.bindparam(f"s{n}"), sa.bindparam(f"l{n}")))
        .where(articles.c.id == sa.bindparam(f"a{n}"))
        for n in range(spans)
    ])


def _bucket(count: int) -> int:
    size = 8
    while size < count:
        size *= 2
    return size


def chunk_terms(title: str, chunk_text: str) -> str:
    """What lexical search indexes for a chunk: the terms of its headline and its text."""
    return " ".join(tokenize(f"{title}\n{chunk_text}"))


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
