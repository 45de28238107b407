"""BM25's raw material in the database: which chunks hold which terms, how often.

Written with the chunks (ArticleRepository.save), read by retrieval's LexicalIndex, which owns
the ranking formula. The same SQL runs on SQLite and PostgreSQL, so both rank alike.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from core.models import Chunk
from core.terms import tokenize
from storage.database import Database
from storage.meta import REVISION_KEY
from storage.schema import chunk_terms, chunks, meta

_TERMS_PER_QUERY = 64


@dataclass(frozen=True)
class Corpus:
    """How many chunks there are and their mean length in terms."""

    chunks: int
    mean_length: float


def chunk_terms_text(title: str, chunk_text: str) -> str:
    """What lexical search indexes for a chunk: its article's headline and its text."""
    return f"{title}\n{chunk_text}"


def write_chunks(conn: Connection, title: str, article_chunks: Sequence[Chunk]) -> None:
    """Insert chunk rows with their terms (an article's old ones must be deleted first)."""
    chunk_rows: list[dict[str, Any]] = []
    term_rows: list[dict[str, Any]] = []
    for chunk in article_chunks:
        counts = Counter(tokenize(chunk_terms_text(title, chunk.text)))
        length = sum(counts.values())
        chunk_rows.append({"article_id": chunk.article_id, "idx": chunk.index,
                           "start": chunk.start, "end": chunk.end, "terms": length})
        term_rows += [{"term": term, "article_id": chunk.article_id, "idx": chunk.index,
                       "tf": tf, "length": length} for term, tf in counts.items()]
    if chunk_rows:
        conn.execute(sa.insert(chunks), chunk_rows)
    if term_rows:
        conn.execute(sa.insert(chunk_terms), term_rows)


class PostingsRepository:
    """Term statistics and BM25 candidate scoring, in SQL."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def revision(self) -> str:
        """Changes with every article write (cached statistics compare it)."""
        query = sa.select(meta.c.value).where(meta.c.key == REVISION_KEY)
        with self._db.read() as conn:
            value = conn.execute(query).scalar()
        return "0" if value is None else str(value)

    def corpus(self) -> Corpus:
        """Chunk count and mean chunk length in terms."""
        with self._db.read() as conn:
            count, mean = conn.execute(
                sa.select(sa.func.count(), sa.func.avg(chunks.c.terms))
            ).one()
        return Corpus(int(count or 0), float(mean or 0.0))

    def document_frequencies(self, terms: Iterable[str]) -> dict[str, int]:
        """In how many chunks each term occurs (absent terms are left out)."""
        wanted = sorted(set(terms))[:_TERMS_PER_QUERY]
        if not wanted:
            return {}
        query = (
            sa.select(chunk_terms.c.term, sa.func.count())
            .where(chunk_terms.c.term.in_(wanted))
            .group_by(chunk_terms.c.term)
        )
        with self._db.read() as conn:
            return {str(term): int(n) for term, n in conn.execute(query)}

    def best_chunks(
        self, weights: Mapping[str, float], k: int, *, k1: float, b: float, mean_length: float
    ) -> list[tuple[str, float]]:
        """The ``k`` chunks with the highest BM25 sum over ``weights`` (term → idf x count)."""
        if not weights or mean_length <= 0:
            return []
        tf = chunk_terms.c.tf
        weight = sa.case(
            {term: sa.literal(float(w)) for term, w in weights.items()}, value=chunk_terms.c.term
        )
        saturation = tf * (k1 + 1.0) / (
            tf + k1 * (1.0 - b) + (k1 * b / mean_length) * chunk_terms.c.length
        )
        score = sa.func.sum(weight * saturation).label("score")
        query = (
            sa.select(chunk_terms.c.article_id, chunk_terms.c.idx, score)
            .where(chunk_terms.c.term.in_(list(weights)))
            .group_by(chunk_terms.c.article_id, chunk_terms.c.idx)
            .order_by(score.desc(), chunk_terms.c.article_id, chunk_terms.c.idx)
            .limit(k)
        )
        with self._db.read() as conn:
            return [(f"{a}-{i}", float(s)) for a, i, s in conn.execute(query)]
