"""What search reads: chunks with their articles' references, and cited spans read back.

The hot path of every question: a few small rows by primary key, never whole articles.
Implements retrieval's ``ArticleSource`` protocol.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any, TypeVar

import sqlalchemy as sa

from core.models import ArticleRef, Passage, chunk_id, split_chunk_id
from storage.database import Database
from storage.schema import articles, chunks
from storage.types import UTCDateTime

_PAIRS = 256
_T = TypeVar("_T")


class PassageRepository:
    """Chunks by id for search, and the stored text of cited spans for verification."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def passages(self, chunk_ids: Sequence[str]) -> dict[str, Passage]:
        """Chunks given as "<article id>-<index>" with their articles' references, texts and
        stored terms.

        Only the chunks' own rows and the articles' short fields are read, never whole texts.
        """
        pairs = [split_chunk_id(c) for c in dict.fromkeys(chunk_ids)]
        found: dict[str, Passage] = {}
        with self._db.read() as conn:
            if conn.dialect.name == "postgresql":
                rows = conn.execute(_PG_PASSAGES, {"ids": [a for a, _ in pairs],
                                                   "idxs": [i for _, i in pairs]}).all()
                return dict(_passage(row) for row in rows)
            for begin in range(0, len(pairs), _PAIRS):
                part = _padded(pairs[begin : begin + _PAIRS])
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
                part = spans[begin : begin + _PAIRS]
                padded = _padded(part)
                params: dict[str, str | int] = {}
                for n, (article_id, start, end) in enumerate(padded):
                    params |= {f"a{n}": article_id, f"s{n}": start + 1,
                               f"l{n}": max(end - start, 0)}
                rows = conn.execute(_span_texts_query(len(padded)), params).all()
                found: dict[int, str] = {int(n): str(text) for n, text in rows}
                texts += [found.get(n) for n in range(len(part))]
        return texts


# PostgreSQL: the pairs as two arrays, joined by primary key (one plan, whatever the count)
_PG_PASSAGES = sa.text(
    'SELECT c.article_id, c.idx, c.start, c."end", c.text, c.terms, a.title, a.source, a.url,'
    " a.published FROM unnest(CAST(:ids AS text[]), CAST(:idxs AS integer[])) AS w(id, idx)"
    " JOIN chunks c ON c.article_id = w.id AND c.idx = w.idx"
    " JOIN articles a ON a.id = c.article_id"
).columns(published=UTCDateTime)


def _passage(row: sa.Row[Any]) -> tuple[str, Passage]:
    ref = ArticleRef(str(row.article_id), str(row.title), str(row.source), str(row.url),
                     row.published)
    key = chunk_id(str(row.article_id), int(row.idx))
    return key, Passage(key, ref, int(row.start), int(row.end), str(row.text),
                        str(row.terms or ""))


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
                  chunks.c.terms, articles.c.title, articles.c.source, articles.c.url,
                  articles.c.published)
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


def _padded(items: Sequence[_T]) -> list[_T]:
    """``items`` with its last repeated up to a power of two (at least 8): a handful of
    statement shapes, each built once and then served from the cache."""
    size = 8
    while size < len(items):
        size *= 2
    return [*items, *[items[-1]] * (size - len(items))] if items else []
