"""The search index: embeds chunks and keeps the vector store in step with the database.

The lexical side needs nothing here: chunk terms are written with the chunks themselves.
"""

from __future__ import annotations

from collections.abc import Sequence

from core.models import Chunk
from retrieval.embeddings import Embedder
from retrieval.vector_store import VectorStore


def embedding_text(chunk: Chunk) -> str:
    """What gets embedded for a chunk: its headline gives a passage its topic."""
    title = str(chunk.metadata.get("title", ""))
    return f"{title}\n\n{chunk.text}" if title else chunk.text


class SearchIndex:
    """Implements the pipeline's ChunkIndex with the embedding model and Chroma."""

    def __init__(self, embedder: Embedder, vectors: VectorStore) -> None:
        self.embedder = embedder
        self.vectors = vectors

    def index_chunks(self, article_ids: Sequence[str], chunks: Sequence[Chunk]) -> None:
        """Embed ``chunks`` and make them the only chunks of ``article_ids`` in the index."""
        embeddings = self.embedder.encode([embedding_text(c) for c in chunks])
        self.vectors.replace(article_ids, chunks, embeddings)

    def clear(self) -> None:
        """Empty the index before a full rebuild."""
        self.vectors.clear()
