"""Searching the index: the top chunks for a query, with their article metadata."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from retrieval.embeddings import Embedder
from retrieval.vector_store import VectorHit, VectorStore


@dataclass(frozen=True)
class SearchHit:
    """A chunk found for a query."""

    chunk_id: str
    article_id: str
    title: str
    source: str
    url: str
    published: str
    start: int
    end: int
    text: str
    score: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


def hit_from_vector(hit: VectorHit) -> SearchHit:
    """A SearchHit from a vector-store hit and its metadata."""
    meta = hit.metadata
    return SearchHit(
        chunk_id=hit.chunk_id,
        article_id=str(meta.get("article_id", "")),
        title=str(meta.get("title", "")),
        source=str(meta.get("source", "")),
        url=str(meta.get("url", "")),
        published=str(meta.get("published", "")),
        start=int(meta.get("start", 0)),
        end=int(meta.get("end", 0)),
        text=hit.text,
        score=round(hit.score, 4),
    )


class DenseSearcher:
    """Vector search over the chunk collection."""

    def __init__(self, embedder: Embedder, vectors: VectorStore) -> None:
        self._embedder = embedder
        self._vectors = vectors

    def search(self, query: str, k: int = 5, since: datetime | None = None) -> list[SearchHit]:
        """The ``k`` chunks closest in meaning to ``query``, published after ``since``."""
        where = {"published_ts": {"$gte": since.timestamp()}} if since else None
        vector = self._embedder.encode([query])[0]
        return [hit_from_vector(h) for h in self._vectors.query(vector, k, where)]
