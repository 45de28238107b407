"""The search index: embeds chunks and keeps the vector store (and lexical index) in step."""

from __future__ import annotations

from collections.abc import Sequence

from ingest.models import Chunk
from retrieval.embeddings import Embedder
from retrieval.vector_store import VectorStore


def embedding_text(chunk: Chunk) -> str:
    """What gets embedded for a chunk: its headline gives a passage its topic."""
    title = str(chunk.metadata.get("title", ""))
    return f"{title}\n\n{chunk.text}" if title else chunk.text


class SearchIndex:
    """Implements the pipeline's ChunkIndex over an embedder and a vector store."""

    def __init__(self, embedder: Embedder, vectors: VectorStore) -> None:
        self.embedder = embedder
        self.vectors = vectors

    def index_chunks(self, article_ids: Sequence[str], chunks: Sequence[Chunk]) -> None:
        """Embed ``chunks`` and make them the only chunks of ``article_ids`` in the index."""
        embeddings = self.embedder.encode([embedding_text(c) for c in chunks])
        self.vectors.replace(article_ids, chunks, embeddings)

    def finish(self) -> None:
        """Called once after a run wrote chunks."""

    def clear(self) -> None:
        """Empty the index before a full rebuild."""
        self.vectors.clear()

    def chunk_count(self) -> int:
        """Chunks held by the vector store."""
        return self.vectors.count()
