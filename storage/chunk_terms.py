"""Reading the chunks' terms, all of them or those written since a revision.

Every process's lexical index is fed from here (retrieval/lexical.py): it loads everything
once, then, whenever the revision has moved, only the articles written since.
"""

from __future__ import annotations

from collections.abc import Iterator

import sqlalchemy as sa

from core.models import ArticleTerms
from storage.database import Database
from storage.meta import read_revision
from storage.schema import articles, chunks, forgotten_articles


class ChunkTermsRepository:
    """Chunk terms grouped by article, in the order they were written."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def revision(self) -> int:
        """The number of the newest article write."""
        with self._db.read() as conn:
            return read_revision(conn)

    def changed_since(self, revision: int) -> Iterator[ArticleTerms]:
        """Every article written after ``revision`` (all of them for -1), with its chunks;
        articles forgotten since then come with no chunks."""
        query = (
            sa.select(articles.c.id, articles.c.revision, chunks.c.idx, chunks.c.terms)
            .select_from(articles.outerjoin(chunks, chunks.c.article_id == articles.c.id))
            .where(articles.c.revision > revision)
            .order_by(articles.c.revision, articles.c.id, chunks.c.idx)
        )
        with self._db.read() as conn:
            rows = conn.execute(query).all()
        current: tuple[str, int] | None = None
        parts: list[tuple[int, str]] = []
        for article_id, article_revision, index, terms in rows:
            if current is not None and current[0] != article_id:
                yield ArticleTerms(current[0], current[1], tuple(parts))
                parts = []
            current = (str(article_id), int(article_revision))
            if index is not None:
                parts.append((int(index), str(terms)))
        if current is not None:
            yield ArticleTerms(current[0], current[1], tuple(parts))
        if revision >= 0:  # a first load has nothing to drop
            yield from self._forgotten_since(revision)

    def _forgotten_since(self, revision: int) -> Iterator[ArticleTerms]:
        """Articles forgotten after ``revision``, as articles with no chunks left."""
        query = (
            sa.select(forgotten_articles.c.article_id, forgotten_articles.c.revision)
            .where(forgotten_articles.c.revision > revision)
            .order_by(forgotten_articles.c.revision)
        )
        with self._db.read() as conn:
            rows = conn.execute(query).all()
        for article_id, forgotten_revision in rows:
            yield ArticleTerms(str(article_id), int(forgotten_revision), ())
