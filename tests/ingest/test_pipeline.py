"""The pipeline against the real model, embedded Chroma, and SQLite or PostgreSQL."""

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.container import Container
from core.models import Chunk
from ingest.pipeline import IngestPipeline, SourceSpec

STORY = """---
title: {title}
url: {url}
source: Test Wire
published: 2026-01-0{day}
---
{body}
"""


def write_story(
    folder: Path, name: str, title: str, body: str, url: str = "", day: int = 5
) -> None:
    url = url or f"https://wire.example/{name}"
    (folder / f"{name}.md").write_text(STORY.format(title=title, url=url, body=body, day=day))


def paragraphs(topic: str, n: int = 6) -> str:
    return "\n\n".join(
        f"Paragraph {i} of the {topic} report explains what officials said and what "
        f"happens next for residents, businesses and visitors in the area." for i in range(n)
    )


def assert_index_matches_store(container: Container) -> None:
    store = container.articles
    assert store.pending_ids() == []
    assert container.vectors.count() == store.chunk_count()
    for article in store.iter_articles():
        for chunk in store.chunks_of(article.id):
            got = container.vectors.documents([chunk.id])
            assert got == {chunk.id: chunk.text}


def test_ingest_is_idempotent(container: Container, tmp_path: Path) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    for i, topic in enumerate(["flood", "rail", "budget"]):
        write_story(folder, topic, f"The {topic} story", paragraphs(topic), day=i + 1)
    first = container.pipeline.run([SourceSpec(str(folder))])
    assert (first.added, first.updated, first.unchanged, first.failed) == (3, 0, 0, [])
    assert first.chunks_indexed == container.articles.chunk_count() > 3
    again = container.pipeline.run([SourceSpec(str(folder))])
    assert (again.added, again.updated, again.unchanged, again.chunks_indexed) == (0, 0, 3, 0)
    assert_index_matches_store(container)


def test_changed_article_replaces_its_chunks_without_stale_ones(
    container: Container, tmp_path: Path
) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    write_story(folder, "flood", "Flood warning", paragraphs("flood", 10))
    container.pipeline.run([SourceSpec(str(folder))])
    before = container.vectors.count()
    write_story(folder, "flood", "Flood warning lifted", paragraphs("lifted", 3))
    report = container.pipeline.run([SourceSpec(str(folder))])
    assert (report.added, report.updated) == (0, 1)
    assert container.articles.count() == 1
    assert container.vectors.count() < before
    assert container.vectors.ids_containing("flood report") == []
    assert_index_matches_store(container)


def test_same_article_by_two_urls_or_two_feeds_is_stored_once(
    container: Container, tmp_path: Path
) -> None:
    one, two = tmp_path / "feed1", tmp_path / "feed2"
    one.mkdir()
    two.mkdir()
    body = paragraphs("ferry")
    write_story(one, "ferry", "Ferry returns", body, url="https://wire.example/ferry")
    write_story(two, "ferry", "Ferry returns", body,
                url="http://www.wire.example/ferry/?utm_source=rss")
    write_story(two, "mirror", "Ferry returns", body, url="https://mirror.example/copy")
    report = container.pipeline.run([SourceSpec(str(one)), SourceSpec(str(two))])
    assert report.added == 1
    assert report.unchanged + report.duplicates == 2
    assert container.articles.count() == 1
    assert_index_matches_store(container)


class _CrashingIndex:
    """Wraps the real index and dies (like Ctrl-C) on the n-th write."""

    def __init__(self, inner: object, crash_on_call: int) -> None:
        self._inner = inner
        self._calls = 0
        self._crash_on = crash_on_call
        self.sizes: list[int] = []  # chunks per write, the crashed one included

    def index_chunks(self, article_ids: Sequence[str], chunks: Sequence[Chunk]) -> None:
        self._calls += 1
        self.sizes.append(len(chunks))
        if self._calls == self._crash_on:
            raise KeyboardInterrupt
        self._inner.index_chunks(article_ids, chunks)  # type: ignore[attr-defined]

    def clear(self) -> None:
        self._inner.clear()  # type: ignore[attr-defined]


def test_interrupted_ingest_leaves_store_consistent_and_next_run_completes(
    container: Container, tmp_path: Path
) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    for i in range(8):
        write_story(folder, f"s{i}", f"Story number {i}", paragraphs(f"topic{i}", 8))
    real = container.pipeline
    crashing = IngestPipeline(
        container.articles, _CrashingIndex(container.index, 2), container.loader,
        container.chunker, batch_chunks=8,
    )
    with pytest.raises(KeyboardInterrupt):
        crashing.run([SourceSpec(str(folder))])
    pending = container.articles.pending_ids()
    assert pending, "the crash should leave stored-but-unindexed articles behind"
    assert container.articles.count() < 8
    for article in container.articles.iter_articles():  # every stored article is whole
        spans = container.articles.chunks_of(article.id)
        assert spans and spans[-1].end <= len(article.text)
    report = real.run([SourceSpec(str(folder))])
    assert report.resumed == len(pending)
    assert container.articles.count() == 8
    assert_index_matches_store(container)


def _most_chunks_of_one_article(container: Container) -> int:
    return max(len(container.articles.chunks_of(a.id))
               for a in container.articles.iter_articles())


def test_a_crash_costs_at_most_one_batch_of_embedding(
    container: Container, tmp_path: Path
) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    for i in range(12):
        write_story(folder, f"s{i}", f"Story number {i}", paragraphs(f"topic{i}", 8))

    def pipeline(index: object, batch: int = 8) -> IngestPipeline:
        return IngestPipeline(container.articles, index, container.loader,  # type: ignore[arg-type]
                              container.chunker, batch_chunks=batch)

    with pytest.raises(KeyboardInterrupt):  # dies in the 4th batch: three are kept
        pipeline(_CrashingIndex(container.index, 4)).run([SourceSpec(str(folder))])
    indexed_before = container.vectors.count()
    assert indexed_before >= 3 * 8
    lost = container.articles.pending_ids()
    lost_chunks = sum(len(container.articles.chunks_of(i)) for i in lost)
    assert lost_chunks <= 8 + _most_chunks_of_one_article(container)
    # the resume is itself interrupted after its first group: that group is kept too
    resuming = _CrashingIndex(container.index, 2)
    with pytest.raises(KeyboardInterrupt):
        pipeline(resuming, batch=4).run([])
    assert len(resuming.sizes) == 2
    assert max(resuming.sizes) <= 4 + _most_chunks_of_one_article(container)
    still = container.articles.pending_ids()
    assert 0 < len(still) < len(lost)
    report = pipeline(container.index).run([SourceSpec(str(folder))])
    assert report.resumed == len(still)
    assert report.chunks_resumed == sum(len(container.articles.chunks_of(i)) for i in still)
    assert report.added + report.unchanged + report.resumed >= 12
    assert container.articles.count() == 12
    assert_index_matches_store(container)


def test_nothing_ingestable_is_not_ok(container: Container, tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("")
    report = container.pipeline.run([SourceSpec(str(tmp_path / "empty.txt"))])
    assert not report.ok and len(report.failed) == 1


def test_reindex_rebuilds_vectors_and_terms_from_the_store(
    container: Container, tmp_path: Path
) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    for topic in ("flood", "rail"):
        write_story(folder, topic, f"The {topic} story", paragraphs(topic, 10))
    container.pipeline.run([SourceSpec(str(folder))])
    before = container.articles.chunk_count()
    container.vectors.clear()  # a lost or corrupted vector index
    assert container.vectors.count() == 0
    rebuilt = Container(container.settings.model_copy(update={"chunk_size": 800}),
                        embedder=container.embedder)
    report = rebuilt.pipeline.reindex()
    assert report.unchanged == 2
    assert rebuilt.articles.chunk_count() < before  # re-chunked with the new size
    assert rebuilt.vectors.count() == rebuilt.articles.chunk_count() == report.chunks_indexed
    [best] = rebuilt.lexical.search("rail report residents", 1)
    assert "rail" in rebuilt.passages.passages([best.chunk_id])[best.chunk_id].ref.title
    assert_index_matches_store(rebuilt)
    assert "rail" in rebuilt.searcher.search("rail report residents", k=1)[0].ref.title
    rebuilt.close()


def test_unbounded_fields_are_capped_when_stored(container: Container, tmp_path: Path) -> None:
    import json

    record = {"title": "Flood " * 10_000, "text": "The flood barrier closed on Tuesday.",
              "url": "https://t.example/long", "source": "Outlet " * 1_000,
              "authors": ["A. Writer " * 500] * 50}
    path = tmp_path / "long.jsonl"
    path.write_text(json.dumps(record) + "\n")
    assert container.pipeline.run([SourceSpec(str(path))]).added == 1
    [article] = list(container.articles.iter_articles())
    assert len(article.title) <= 300 and article.title.endswith("…")
    assert len(article.source) <= 100 and len(article.authors) == 20
    assert all(len(a) <= 100 for a in article.authors)
    answer = container.questions.answer("What happened to the flood barrier?")
    assert answer.found
    from bot.telegram.render import answer_html, split_message

    assert len(split_message(answer_html(answer))) == 1  # one message, not fourteen


def test_a_forgotten_article_leaves_the_lexical_index_and_is_never_stored_again(
    container: Container, tmp_path: Path
) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    for topic in ("flood", "rail", "budget"):
        write_story(folder, topic, f"The {topic} story", paragraphs(topic))
    container.pipeline.run([SourceSpec(str(folder))])
    lexical = container.lexical
    [hit, *_] = lexical.search("flood report", 3)
    forgotten = hit.chunk_id.split("-")[0]
    assert container.articles.forget(forgotten, datetime.now(UTC))
    container.vectors.remove([forgotten])
    assert all(not h.chunk_id.startswith(forgotten) for h in lexical.search("flood report", 3))
    again = container.pipeline.run([SourceSpec(str(folder))])
    assert (again.forgotten, again.unchanged, again.added) == (1, 2, 0)
    assert container.articles.count() == 2
    assert_index_matches_store(container)
