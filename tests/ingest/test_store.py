import pytest

from ingest.chunking import Chunker
from ingest.errors import StoreError
from ingest.store import ArticleStore
from tests.ingest.factories import make_article


def test_save_and_read_back_with_chunks(tmp_path) -> None:
    store = ArticleStore(tmp_path / "s.sqlite3")
    article = make_article("Some text. " * 100)
    chunks = Chunker(300, 30).split(article)
    store.save(article, chunks)
    assert store.get(article.id) == article
    assert [c.text for c in store.chunks_of(article.id)] == [c.text for c in chunks]
    assert store.pending_ids() == [article.id]
    store.mark_indexed([article.id])
    assert store.pending_ids() == []
    stats = store.stats()
    assert (stats.articles, stats.chunks, stats.sources) == (1, len(chunks), 1)
    assert stats.newest_title == "A headline"


def test_failed_write_leaves_nothing_behind(tmp_path) -> None:
    store = ArticleStore(tmp_path / "s.sqlite3")
    good = make_article("Original text. " * 20)
    store.save(good, Chunker(300, 0).split(good))
    store.mark_indexed([good.id])
    changed = make_article("Changed text. " * 20)
    broken_chunks = Chunker(300, 0).split(changed) * 2  # duplicate (article_id, idx): fails
    with pytest.raises(StoreError, match="UNIQUE"):
        store.save(changed, broken_chunks)
    assert store.get(good.id) == good  # the old version is whole
    assert len(store.chunks_of(good.id)) == len(Chunker(300, 0).split(good))
    assert store.pending_ids() == []


def test_store_persists_across_reopen(tmp_path) -> None:
    path = tmp_path / "s.sqlite3"
    article = make_article("Persisted text.")
    ArticleStore(path).save(article, [])
    assert ArticleStore(path).get(article.id) == article
