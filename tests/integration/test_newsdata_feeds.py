"""Real and broken feeds from ../shared/newsdata through the loaders and the pipeline."""

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.container import Container
from bot.settings import Settings
from ingest.loaders import ItemFailure, LoadWarning, SourceLoader
from ingest.models import RawArticle
from ingest.pipeline import IngestPipeline, SourceSpec
from retrieval.embeddings import Embedder

pytestmark = pytest.mark.newsdata
MB = 1024 * 1024
MALFORMED = "dylanharris_org__7ef13a42fa7e177a.xml"


def test_every_real_feed_yields_its_items(newsdata: Path) -> None:
    folder = newsdata / "feeds_realworld_fastfeedparser"
    manifest = json.loads((folder / "MANIFEST.json").read_text())
    loader = SourceLoader(None, 20 * MB)  # offline: teaser items fall back to the feed's text
    total_articles = total_expected = 0
    for entry in manifest["files"]:
        events = list(loader.load(str(folder / entry["file"])))
        kinds = Counter(type(e).__name__ for e in events)
        articles = [e for e in events if isinstance(e, RawArticle)]
        failures = [e for e in events if isinstance(e, ItemFailure)]
        if entry["file"] == MALFORMED:
            assert not articles and len(failures) == 1
            assert "malformed feed" in failures[0].reason
            continue
        expected = entry.get("items")
        if expected is not None:
            assert len(articles) + len(failures) == expected, (entry["file"], kinds)
        assert articles, entry["file"]
        assert len(failures) <= max(2, len(articles) // 50), (entry["file"], failures[:2])
        assert all(f.reason for f in failures)
        assert all(a.title and a.text.strip() for a in articles)
        total_articles += len(articles)
        total_expected += expected or len(articles)
    assert total_articles >= 0.99 * total_expected


def test_full_text_feeds_keep_their_content(newsdata: Path) -> None:
    folder = newsdata / "feeds_realworld_fastfeedparser"
    feed = folder / "time_com_world__9f9555d69283aeda.xml"
    events = list(SourceLoader(None, 20 * MB).load(str(feed)))
    articles = [e for e in events if isinstance(e, RawArticle)]
    assert sum(len(a.text) > 2000 for a in articles) > len(articles) // 2


@pytest.mark.parametrize(
    "folder",
    ["feeds_edgecases_node_feedparser", "feeds_edgecases_feedparser",
     "feeds_edgecases_fastfeedparser_integration"],
)
def test_edge_case_feeds_never_crash_the_loader(newsdata: Path, folder: str) -> None:
    loader = SourceLoader(None, 20 * MB)
    files = [p for p in (newsdata / folder).rglob("*") if p.is_file() and p.suffix != ".md"]
    assert files
    for path in files:
        events = list(loader.load(str(path)))
        assert events, path
        for event in events:
            assert isinstance(event, RawArticle | ItemFailure | LoadWarning)
            if isinstance(event, ItemFailure):
                assert event.reason.strip()


@pytest.fixture
def coarse(tmp_path: Path, database_url: str, embedder: Embedder) -> Iterator[Container]:
    """A container cutting articles into few, large chunks: what this test checks is that every
    feed's items are stored whole and indexed once, which does not need fine chunks, and the
    model truncates long chunks, so ten times fewer of them cost about ten times less."""
    built = Container(Settings(data_dir=tmp_path / "data", database_url=database_url,
                               chunk_size=4000, chunk_overlap=0), embedder=embedder)
    yield built
    built.close()


@pytest.mark.slow
def test_edge_case_feeds_through_the_whole_pipeline(newsdata: Path, coarse: Container) -> None:
    container = coarse
    specs = [SourceSpec(str(newsdata / name)) for name in
             ("feeds_edgecases_node_feedparser", "feeds_edgecases_fastfeedparser_integration")]
    offline = IngestPipeline(container.articles, container.index, SourceLoader(None, 20 * MB),
                             container.chunker)
    report = offline.run(specs)
    assert report.ok and report.failed
    assert container.articles.pending_ids() == []
    assert container.vectors.count() == container.articles.chunk_count()
    again = offline.run(specs)
    assert again.added == again.updated == again.chunks_indexed == 0


def test_bbc_corpus_titles_and_the_invalid_utf8_file(newsdata: Path) -> None:
    events = list(SourceLoader(None, 20 * MB).load(str(newsdata / "bbc_fulltext" / "sport")))
    articles = [e for e in events if isinstance(e, RawArticle)]
    warnings = [e for e in events if isinstance(e, LoadWarning)]
    assert len(articles) == 511
    mutu = next(a for a in articles if a.origin.endswith("199.txt"))
    assert mutu.title == "Chelsea sack Mutu"
    assert any("199.txt" in w.message and "UTF-8" in w.message for w in warnings)
