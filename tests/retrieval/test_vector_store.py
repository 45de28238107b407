"""Vector store embedded and against a real `chroma run` server on 127.0.0.1."""

from pathlib import Path

import numpy as np
import pytest

from bot.container import Container
from bot.settings import Settings
from core.errors import ConfigError, SearchIndexError
from core.models import Chunk
from ingest.pipeline import SourceSpec
from ingest.sample_articles import SAMPLES_DIR
from retrieval.embeddings import Embedder
from retrieval.vector_store import VectorStore, connect_chroma, reopen_chroma
from tests.support.chroma import free_port


def test_ingest_and_search_through_a_chroma_server(
    chroma_server: str, tmp_path: Path, embedder: Embedder
) -> None:
    settings = Settings(data_dir=tmp_path / "data", chroma_url=chroma_server)
    container = Container(settings, embedder=embedder)
    report = container.pipeline.run([SourceSpec(str(SAMPLES_DIR))])
    assert report.added == 6
    assert not (tmp_path / "data" / "chroma").exists()  # vectors live on the server
    hits = container.searcher.search("seafood imports ban Japanese prefectures", k=3)
    assert "Nara" in hits[0].ref.title
    assert hits[0].text in container.articles.get(hits[0].ref.article_id).text  # type: ignore[union-attr]
    # a second client sees the same collection on the server
    other = Container(settings, embedder=embedder)
    assert other.vectors.count() == container.articles.chunk_count()
    assert VectorStore.ef_search(other.vectors._collection) == settings.vector_ef_search
    container.close()
    other.close()


def test_embedded_search_filters_by_date(container: Container) -> None:
    container.pipeline.run([SourceSpec(str(SAMPLES_DIR))])
    from datetime import UTC, datetime

    hits = container.searcher.search("course record", k=6, since=datetime(2026, 1, 11, tzinfo=UTC))
    assert hits and all(h.ref.day >= "2026-01-11" for h in hits)
    assert "marathon" in hits[0].ref.title.lower()


def test_bad_chroma_urls_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="NEWSDESK_CHROMA_URL"):
        connect_chroma("localhost:8000", tmp_path)
    with pytest.raises(SearchIndexError, match="cannot reach the Chroma server"):
        connect_chroma(f"http://127.0.0.1:{free_port()}", tmp_path)


def test_replace_deletes_only_what_an_article_holds(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    store = VectorStore(connect_chroma("", tmp_path / "chroma"))

    def chunks(article: str, count: int) -> list[Chunk]:
        return [Chunk(article, i, 10 * i, 10 * i + 5, f"text {article} {i}",
                      {"article_id": article}) for i in range(count)]

    def vectors(count: int) -> np.ndarray:
        matrix = np.random.default_rng(count).normal(size=(count, 8)).astype(np.float32)
        matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
        return matrix

    store.replace(["a", "b"], chunks("a", 3) + chunks("b", 2), vectors(5))
    store.replace(["a"], chunks("a", 1), vectors(1))  # fewer chunks: the old ones go
    assert sorted(store.embeddings([f"{x}-{i}" for x in "ab" for i in range(3)])) == [
        "a-0", "b-0", "b-1"]
    deletes: list[object] = []
    collection = store._collection
    real_delete = collection.delete

    def delete(**filters: object) -> None:
        deletes.append(filters)
        real_delete(**filters)

    monkeypatch.setattr(collection, "delete", delete)
    store.replace(["c"], chunks("c", 2), vectors(2))  # new: nothing to find by a filter
    assert deletes == [] and store.count() == 5
    store.remove(["b", "c"])
    assert len(deletes) == 1 and store.count() == 1


def test_the_search_breadth_is_set_on_the_collection_and_changed_in_place(tmp_path: Path) -> None:
    folder = tmp_path / "chroma"
    store = VectorStore(connect_chroma("", folder), ef_search=400)
    assert VectorStore.ef_search(store._collection) == 400
    store.replace(["a"], [Chunk("a", 0, 0, 5, "text", {"article_id": "a"})],
                  np.ones((1, 8), dtype=np.float32))
    # another breadth on the next open changes the setting and keeps what is stored
    again = VectorStore(reopen_chroma(folder), ef_search=150)
    assert VectorStore.ef_search(again._collection) == 150
    assert again.count() == 1
    # none asked: Chroma's own (100 when created), or whatever the collection keeps
    assert VectorStore.ef_search(VectorStore(reopen_chroma(folder))._collection) == 150
