"""An embedder as LangChain ``Embeddings``, for LangChain's vector stores and retrievers."""

from __future__ import annotations

from langchain_core.embeddings import Embeddings

from retrieval.embeddings import Embedder


class LangChainEmbeddings(Embeddings):
    """Adapter: LangChain's interface over one of our embedders (same vectors)."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Document embeddings as lists."""
        return [list(map(float, row)) for row in self.embedder.encode(texts)]

    def embed_query(self, text: str) -> list[float]:
        """One query embedding as a list."""
        return [float(x) for x in self.embedder.encode([text])[0]]
