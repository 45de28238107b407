"""Articles and chunk spans, on SQLite and PostgreSQL."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from core.errors import StoreError
from ingest.chunking import Chunker
from storage.articles import PENDING, ArticleRepository
from storage.browse import BrowseRepository
from storage.chunk_terms import ChunkTermsRepository
from storage.database import Database
from storage.passages import PassageRepository
from storage.schema import articles
from tests.ingest.factories import make_article


def test_save_and_read_back_with_chunks(database: Database) -> None:
    store = ArticleRepository(database)
    article = make_article("Some text. " * 100)
    chunks = Chunker(300, 30).split(article)
    store.save(article, chunks)
    assert store.get(article.id) == article
    assert [c.text for c in store.chunks_of(article.id)] == [c.text for c in chunks]
    [passage] = PassageRepository(database).passages([chunks[1].id]).values()
    assert (passage.ref.article_id, passage.start, passage.end) == (
        article.id, chunks[1].start, chunks[1].end)
    assert store.pending_ids() == [article.id]
    store.mark_indexed([article.id])
    assert store.pending_ids() == []
    stats = BrowseRepository(database).stats()
    assert (stats.articles, stats.chunks, stats.sources, stats.pending) == (1, len(chunks), 1, 0)
    assert stats.newest_title == "A headline"


def test_failed_write_leaves_nothing_behind(database: Database) -> None:
    store = ArticleRepository(database)
    good = make_article("Original text. " * 20)
    store.save(good, Chunker(300, 0).split(good))
    store.mark_indexed([good.id])
    revision = ChunkTermsRepository(database).revision()
    changed = make_article("Changed text. " * 20)
    broken_chunks = Chunker(300, 0).split(changed) * 2  # duplicate (article_id, idx): fails
    with pytest.raises(StoreError, match=r"(?i)unique|duplicate"):
        store.save(changed, broken_chunks)
    assert store.get(good.id) == good  # the old version is whole
    assert len(store.chunks_of(good.id)) == len(Chunker(300, 0).split(good))
    assert store.pending_ids() == []
    assert ChunkTermsRepository(database).revision() == revision


def test_revision_counts_every_write(database: Database) -> None:
    store = ArticleRepository(database)
    assert ChunkTermsRepository(database).revision() == 0
    article = make_article("Text.")
    store.save(article, [])
    store.save(article, [])
    assert ChunkTermsRepository(database).revision() == 2


def test_timestamps_round_trip_as_aware_utc(database: Database) -> None:
    store = ArticleRepository(database)
    seoul = timezone(timedelta(hours=9))
    article = replace(
        make_article("Dated text."),
        published=datetime(2026, 1, 13, 9, 30, 15, 123456, tzinfo=seoul),
        fetched_at=datetime(2026, 1, 13, 1, 0, tzinfo=UTC),
    )
    store.save(article, [])
    got = store.get(article.id)
    assert got is not None and got.published is not None
    assert got.published == article.published  # the same instant ...
    assert got.published.utcoffset() == timedelta(0)  # ... given back in UTC
    assert got.published.isoformat() == "2026-01-13T00:30:15.123456+00:00"
    assert got.fetched_at == article.fetched_at


def test_naive_timestamps_are_refused(database: Database) -> None:
    article = replace(make_article("Naive."), published=datetime(2026, 1, 1))
    with pytest.raises(StoreError, match="naive"):
        ArticleRepository(database).save(article, [])


def test_newest_and_outlets_order_by_time_across_offsets(database: Database) -> None:
    store = ArticleRepository(database)
    browse = BrowseRepository(database)
    late_in_tokyo = replace(make_article("A.", title="Early", url="https://t.example/1"),
                            published=datetime(2026, 1, 13, 8, tzinfo=timezone(timedelta(hours=9))))
    early_in_utc = replace(make_article("B.", title="Late", url="https://t.example/2"),
                           published=datetime(2026, 1, 13, 0, 30, tzinfo=UTC))
    undated = replace(make_article("C.", title="Undated", url="https://t.example/3"),
                      published=None)
    for article in (late_in_tokyo, early_in_utc, undated):
        store.save(article, [])
    assert [a.title for a in browse.newest(3)] == ["Late", "Early", "Undated"]
    [outlet] = browse.outlets()
    assert (outlet.name, outlet.articles) == ("Test Wire", 3)
    assert outlet.newest == early_in_utc.published


def test_get_many_reads_in_batches(database: Database) -> None:
    store = ArticleRepository(database)
    articles = [make_article(f"Text {i}.", url=f"https://t.example/{i}") for i in range(620)]
    for article in articles:
        store.save(article, [])
    found = store.get_many([a.id for a in articles] + ["missing"])
    assert len(found) == 620 and "missing" not in found
    assert [a.id for a in store.iter_articles(batch=100)] == sorted(a.id for a in articles)


def test_passages_and_span_texts_count_characters_like_python(database: Database) -> None:
    store = ArticleRepository(database)
    text = "Zürich 🚆 rail: the Elsdale line reopens. " * 30 + "Ende — 終わり 🎉."
    article = make_article(text, title="Zürich rail 🚆")
    chunks = Chunker(300, 30).split(article)
    store.save(article, chunks)
    wanted = [chunks[0].id, chunks[-1].id, f"{article.id}-999", "missing-0"]
    reader = PassageRepository(database)
    passages = reader.passages(wanted)
    assert set(passages) == {chunks[0].id, chunks[-1].id}
    for chunk in (chunks[0], chunks[-1]):
        passage = passages[chunk.id]
        assert passage.text == text[chunk.start : chunk.end] == chunk.text
        assert (passage.start, passage.end) == (chunk.start, chunk.end)
        assert passage.ref.title == "Zürich rail 🚆" and passage.ref.published == article.published
    spans = [(article.id, 7, 8), (article.id, len(text) - 6, len(text)), ("missing", 0, 3)]
    assert reader.span_texts(spans) == ["🚆", "終わり 🎉.", None]


def test_save_many_is_each_save_in_one_transaction(database: Database) -> None:
    store = ArticleRepository(database)
    first = make_article("First text. " * 60, url="https://example.org/first")
    second = make_article("Second text. " * 60, url="https://example.org/second")
    items = [(a, Chunker(300, 30).split(a)) for a in (first, second)]
    store.save_many(items)
    assert ChunkTermsRepository(database).revision() == 2  # one write each, as save counts
    for article, chunks in items:
        assert store.get(article.id) == article
        assert [c.text for c in store.chunks_of(article.id)] == [c.text for c in chunks]
    assert sorted(store.pending_ids()) == sorted([first.id, second.id])
    broken = [(replace(first, title="Changed"), items[0][1] * 2)]  # duplicate (article, idx)
    with pytest.raises(StoreError, match=r"(?i)unique|duplicate"):
        store.save_many([items[1], *broken])
    assert store.get(first.id) == first
    assert ChunkTermsRepository(database).revision() == 2


def test_pending_articles_are_listed_from_their_own_index(database: Database) -> None:
    store = ArticleRepository(database)
    for n in range(3):
        article = make_article(f"Text {n}. " * 40, url=f"https://example.org/{n}")
        store.save(article, Chunker(300, 30).split(article))
        if n:
            store.mark_indexed([article.id])
    assert len(store.pending_ids()) == 1
    query = str(sa.select(articles.c.id).where(PENDING).order_by(articles.c.id).compile(
        dialect=database.engine.dialect))
    with database.write() as conn:  # not every article read: the partial index of 0022
        if database.dialect == "postgresql":
            conn.exec_driver_sql("SET LOCAL enable_seqscan = off")  # 3 rows: it would scan
            plan = " ".join(str(r[0]) for r in conn.exec_driver_sql(f"EXPLAIN {query}"))
        else:
            plan = " ".join(str(r[-1]) for r in conn.exec_driver_sql(
                f"EXPLAIN QUERY PLAN {query}"))
    assert "articles_pending" in plan, plan
