"""Chroma as the vector store: embedded (PersistentClient) or a server (HttpClient).

Every Chroma call goes through ``_chroma_errors``: whatever Chroma raises (its own errors,
SQLite's, a panic of its Rust core) becomes one SearchIndexError line saying what failed.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings

from core.errors import ConfigError, SearchIndexError
from core.models import Chunk, chunk_id

COLLECTION = "newsdesk_chunks"


REBUILD = "move that folder aside and run `newsdesk reindex` to rebuild it from the database"


@contextlib.contextmanager
def _chroma_errors(what: str, hint: str = "") -> Iterator[None]:
    """Anything Chroma raises, as ``SearchIndexError("{what}: {its first line}; {hint}")``."""
    try:
        yield
    except BaseException as exc:
        # pyo3's PanicException (Chroma's Rust core) is a BaseException; Ctrl-C and exits pass
        if not isinstance(exc, Exception) and type(exc).__name__ != "PanicException":
            raise
        message = f"{what}: {_first_line(exc)}"
        raise SearchIndexError(f"{message}; {hint}" if hint else message) from exc


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0][:300] if lines else type(exc).__name__


def connect_chroma(chroma_url: str, persist_dir: Path) -> Any:
    """A Chroma client: HttpClient for a URL, else a PersistentClient under ``persist_dir``."""
    settings = ChromaSettings(anonymized_telemetry=False)
    if not chroma_url:
        persist_dir.mkdir(parents=True, exist_ok=True)
        with _chroma_errors(f"cannot open the vector store at {persist_dir}", REBUILD):
            return chromadb.PersistentClient(path=str(persist_dir), settings=settings)
    parts = urlsplit(chroma_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"NEWSDESK_CHROMA_URL must be http(s)://host:port, got {chroma_url!r}")
    ssl = parts.scheme == "https"
    with _chroma_errors(f"cannot reach the Chroma server at {chroma_url}"):
        client = chromadb.HttpClient(
            host=parts.hostname, port=parts.port or (443 if ssl else 8000), ssl=ssl,
            settings=settings,
        )
        client.heartbeat()
    return client


def reopen_chroma(persist_dir: Path) -> Any:
    """A new embedded client on ``persist_dir``, seeing what other processes wrote since."""
    from chromadb.api.shared_system_client import SharedSystemClient

    # Chroma keeps one System per folder and process, and its vector reader never sees what
    # another process added ("Error finding id"). Forgetting it here makes the next client load
    # the folder afresh; the old System is freed once the last call still using it returns.
    identifier = str(persist_dir)
    with SharedSystemClient._refcount_lock:
        SharedSystemClient._identifier_to_system.pop(identifier, None)
        SharedSystemClient._identifier_to_refcount.pop(identifier, None)
    return connect_chroma("", persist_dir)


class VectorStore:
    """The chunk collection: replace an article's chunks, query by embedding."""

    def __init__(self, client: Any, collection: str = COLLECTION, *,
                 ef_search: int | None = None,
                 reconnect: Callable[[], Any] | None = None) -> None:
        self.client = client  # the Chroma client (benchmarks hand it to LangChain's Chroma)
        self._reconnect = reconnect
        self._name = collection
        self._ef_search = ef_search
        self._collection = self._open(client)
        self._max_batch = int(getattr(client, "get_max_batch_size", lambda: 5000)())

    def _open(self, client: Any) -> Any:
        with _chroma_errors(f"cannot open the Chroma collection {self._name}"):
            collection = client.get_or_create_collection(
                self._name, configuration={"hnsw": {"space": "cosine"}}, embedding_function=None
            )
            if self._ef_search is not None and self.ef_search(collection) != self._ef_search:
                # a search setting, kept with the collection: changed in place, nothing rebuilt
                collection.modify(configuration={"hnsw": {"ef_search": self._ef_search}})
            return collection

    @staticmethod
    def ef_search(collection: Any) -> int | None:
        """The collection's HNSW ef_search, as Chroma keeps it (None: not an HNSW index)."""
        hnsw = (collection.configuration or {}).get("hnsw") or {}
        value = hnsw.get("ef_search")
        return int(value) if value is not None else None

    def reopen(self) -> bool:
        """Open the store afresh (embedded: to see other processes' writes); False if it can't."""
        if self._reconnect is None:
            return False
        client = self._reconnect()
        self.client, self._collection = client, self._open(client)
        return True

    def remove(self, article_ids: Sequence[str]) -> None:
        """Remove every chunk of ``article_ids``."""
        self.replace(article_ids, [], np.zeros((0, 0), dtype=np.float32))

    def replace(
        self, article_ids: Sequence[str], chunks: Sequence[Chunk], embeddings: np.ndarray
    ) -> None:
        """Remove every chunk of ``article_ids`` and add ``chunks`` with their embeddings."""
        with _chroma_errors("writing to the vector store failed"):
            for start in range(0, len(article_ids), 500):
                part = list(article_ids[start : start + 500])
                # An article's chunks are written whole and numbered from 0: one without a
                # chunk 0 has none. Looking that up by id stays ~1 ms, where the metadata
                # filter reads the collection (50 ms at 250k vectors) even for a new article.
                first = {chunk_id(a, 0): a for a in part}
                held = self._collection.get(ids=list(first), include=[])["ids"]
                if held:
                    self._collection.delete(where={"article_id": {"$in": [
                        first[i] for i in held]}})
            for start in range(0, len(chunks), self._max_batch):
                batch = chunks[start : start + self._max_batch]
                self._collection.add(
                    ids=[c.id for c in batch],
                    embeddings=embeddings[start : start + len(batch)],
                    documents=[c.text for c in batch],
                    metadatas=[{**c.metadata, "start": c.start, "end": c.end} for c in batch],
                )

    def nearest(
        self, embedding: np.ndarray, k: int, where: dict[str, Any] | None = None
    ) -> dict[str, np.ndarray]:
        """Ids and stored vectors of the ``k`` nearest chunks (no documents: the store has them)."""
        with _chroma_errors("vector search failed"):
            result = self._collection.query(
                query_embeddings=[embedding], n_results=k, where=where or None,
                include=["embeddings"],
            )
        return {
            chunk_id: np.asarray(vector, dtype=np.float32)
            for chunk_id, vector in zip(result["ids"][0], result["embeddings"][0], strict=True)
        }

    def nearest_ids(self, embedding: np.ndarray, k: int) -> list[str]:
        """Ids of the ``k`` nearest chunks, nearest first (nothing else is read: the cheapest
        query Chroma answers)."""
        with _chroma_errors("vector search failed"):
            result = self._collection.query(query_embeddings=[embedding], n_results=k,
                                            include=[])
        return list(result["ids"][0])

    def embeddings(self, chunk_ids: list[str]) -> dict[str, np.ndarray]:
        """Stored vectors of the given chunks (missing ids are left out)."""
        if not chunk_ids:
            return {}
        with _chroma_errors("reading vectors failed"):
            got = self._collection.get(ids=chunk_ids, include=["embeddings"])
        return {
            chunk_id: np.asarray(vector, dtype=np.float32)
            for chunk_id, vector in zip(got["ids"], got["embeddings"], strict=True)
        }

    def documents(self, chunk_ids: list[str]) -> dict[str, str]:
        """Stored texts of the given chunks (missing ids are left out)."""
        with _chroma_errors("reading chunks failed"):
            got = self._collection.get(ids=chunk_ids, include=["documents"])
        return dict(zip(got["ids"], got["documents"], strict=True))

    def ids_containing(self, fragment: str) -> list[str]:
        """Ids of the chunks whose text contains ``fragment``."""
        with _chroma_errors("reading chunks failed"):
            got = self._collection.get(where_document={"$contains": fragment}, include=[])
        return list(got["ids"])

    def count(self) -> int:
        """Number of chunks in the collection."""
        with _chroma_errors("the vector store is unavailable"):
            return int(self._collection.count())

    def clear(self) -> None:
        """Drop and recreate the collection (before a full rebuild)."""
        with contextlib.suppress(Exception):  # absent already is fine
            self.client.delete_collection(self._name)
        self._collection = self._open(self.client)
