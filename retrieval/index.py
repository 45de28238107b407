"""The search index: embeds chunks and keeps the vector store (and lexical index) in step."""

from __future__ import annotations

from collections.abc import Sequence

from ingest.models import Chunk
from ingest.store import ArticleStore
from retrieval.embeddings import Embedder
from retrieval.lexical import LexicalIndex
from retrieval.vector_store import VectorStore


def embedding_text(chunk: Chunk) -> str:
    """What gets embedded for a chunk: its headline gives a passage its topic."""
    title = str(chunk.metadata.get("title", ""))
    return f"{title}\n\n{chunk.text}" if title else chunk.text


class SearchIndex:
    """Implements the pipeline's ChunkIndex: vectors per batch, BM25 rebuilt when stale."""

    def __init__(
        self, embedder: Embedder, vectors: VectorStore, lexical: LexicalIndex, store: ArticleStore
    ) -> None:
        self.embedder = embedder
        self.vectors = vectors
        self.lexical = lexical
        self._store = store

    def index_chunks(self, article_ids: Sequence[str], chunks: Sequence[Chunk]) -> None:
        """Embed ``chunks`` and make them the only chunks of ``article_ids`` in the index."""
        embeddings = self.embedder.encode([embedding_text(c) for c in chunks])
        self.vectors.replace(article_ids, chunks, embeddings)

    def finish(self) -> None:
        """Bring the lexical index up to the store's revision (a no-op when it already is)."""
        revision = self._store.revision()
        if self.lexical.revision != revision:
            self.lexical.rebuild(
                ((cid, f"{title}\n{text}") for cid, title, text in self._store.iter_chunk_texts()),
                revision,
            )

    def clear(self) -> None:
        """Empty the index before a full rebuild."""
        self.vectors.clear()
