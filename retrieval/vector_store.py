"""Chroma as the vector store: embedded (PersistentClient) or a server (HttpClient)."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings

from core.errors import ConfigError, SearchIndexError
from core.models import Chunk

COLLECTION = "newsdesk_chunks"


def connect_chroma(chroma_url: str, persist_dir: Path) -> Any:
    """A Chroma client: HttpClient for a URL, else a PersistentClient under ``persist_dir``."""
    settings = ChromaSettings(anonymized_telemetry=False)
    if not chroma_url:
        persist_dir.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(persist_dir), settings=settings)
    parts = urlsplit(chroma_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"NEWSDESK_CHROMA_URL must be http(s)://host:port, got {chroma_url!r}")
    ssl = parts.scheme == "https"
    try:
        client = chromadb.HttpClient(
            host=parts.hostname, port=parts.port or (443 if ssl else 8000), ssl=ssl,
            settings=settings,
        )
        client.heartbeat()
    except Exception as exc:  # chroma raises assorted transport errors
        raise SearchIndexError(f"cannot reach the Chroma server at {chroma_url}: {exc}") from exc
    return client


class VectorStore:
    """The chunk collection: replace an article's chunks, query by embedding."""

    def __init__(self, client: Any, collection: str = COLLECTION) -> None:
        self.client = client  # the Chroma client (benchmarks hand it to LangChain's Chroma)
        self._name = collection
        self._collection = self._open()
        self._max_batch = int(getattr(client, "get_max_batch_size", lambda: 5000)())

    def _open(self) -> Any:
        try:
            return self.client.get_or_create_collection(
                self._name, configuration={"hnsw": {"space": "cosine"}}, embedding_function=None
            )
        except Exception as exc:
            raise SearchIndexError(
                f"cannot open the Chroma collection {self._name}: {exc}"
            ) from exc

    def remove(self, article_ids: Sequence[str]) -> None:
        """Remove every chunk of ``article_ids``."""
        self.replace(article_ids, [], np.zeros((0, 0), dtype=np.float32))

    def replace(
        self, article_ids: Sequence[str], chunks: Sequence[Chunk], embeddings: np.ndarray
    ) -> None:
        """Remove every chunk of ``article_ids`` and add ``chunks`` with their embeddings."""
        try:
            for start in range(0, len(article_ids), 500):
                part = list(article_ids[start : start + 500])
                self._collection.delete(where={"article_id": {"$in": part}})
            for start in range(0, len(chunks), self._max_batch):
                batch = chunks[start : start + self._max_batch]
                self._collection.add(
                    ids=[c.id for c in batch],
                    embeddings=embeddings[start : start + len(batch)],
                    documents=[c.text for c in batch],
                    metadatas=[{**c.metadata, "start": c.start, "end": c.end} for c in batch],
                )
        except Exception as exc:
            raise SearchIndexError(f"writing to the vector store failed: {exc}") from exc

    def nearest(
        self, embedding: np.ndarray, k: int, where: dict[str, Any] | None = None
    ) -> dict[str, np.ndarray]:
        """Ids and stored vectors of the ``k`` nearest chunks (no documents: the store has them)."""
        try:
            result = self._collection.query(
                query_embeddings=[embedding], n_results=k, where=where or None,
                include=["embeddings"],
            )
        except Exception as exc:
            raise SearchIndexError(f"vector search failed: {exc}") from exc
        return {
            chunk_id: np.asarray(vector, dtype=np.float32)
            for chunk_id, vector in zip(result["ids"][0], result["embeddings"][0], strict=True)
        }

    def embeddings(self, chunk_ids: list[str]) -> dict[str, np.ndarray]:
        """Stored vectors of the given chunks (missing ids are left out)."""
        if not chunk_ids:
            return {}
        try:
            got = self._collection.get(ids=chunk_ids, include=["embeddings"])
        except Exception as exc:
            raise SearchIndexError(f"reading vectors failed: {exc}") from exc
        return {
            chunk_id: np.asarray(vector, dtype=np.float32)
            for chunk_id, vector in zip(got["ids"], got["embeddings"], strict=True)
        }

    def documents(self, chunk_ids: list[str]) -> dict[str, str]:
        """Stored texts of the given chunks (missing ids are left out)."""
        try:
            got = self._collection.get(ids=chunk_ids, include=["documents"])
        except Exception as exc:
            raise SearchIndexError(f"reading chunks failed: {exc}") from exc
        return dict(zip(got["ids"], got["documents"], strict=True))

    def ids_containing(self, fragment: str) -> list[str]:
        """Ids of the chunks whose text contains ``fragment``."""
        try:
            got = self._collection.get(where_document={"$contains": fragment}, include=[])
        except Exception as exc:
            raise SearchIndexError(f"reading chunks failed: {exc}") from exc
        return list(got["ids"])

    def count(self) -> int:
        """Number of chunks in the collection."""
        try:
            return int(self._collection.count())
        except Exception as exc:
            raise SearchIndexError(f"the vector store is unavailable: {exc}") from exc

    def clear(self) -> None:
        """Drop and recreate the collection (before a full rebuild)."""
        with contextlib.suppress(Exception):  # absent already is fine
            self.client.delete_collection(self._name)
        self._collection = self._open()
