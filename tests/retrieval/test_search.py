from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.container import Container
from tests.retrieval import corpus


@pytest.fixture
def searched(container: Container, tmp_path: Path) -> Container:
    corpus.build(container, tmp_path / "corpus")
    return container


def test_lexical_index_is_persisted_and_in_sync(searched: Container) -> None:
    assert searched.lexical.revision == searched.store.revision()
    assert (searched.settings.data_dir / "bm25" / "manifest.json").is_file()
    fresh = Container(searched.settings, embedder=searched.embedder)  # loads it from disk
    top = fresh.lexical.search("Oakridge", 3)[0]
    article_id, _, _ = fresh.store.chunk_spans([top.chunk_id])[top.chunk_id]
    assert fresh.store.get(article_id).title == "Village census results published"  # type: ignore[union-attr]
    fresh.close()


@pytest.mark.parametrize("query", ["3,518", "3518 residents", "CPTPP", "Takaichi", "Oakridge"])
def test_names_numbers_and_rare_words_find_their_article(searched: Container, query: str) -> None:
    hits = searched.searcher.search(query, k=3)
    expected = "census" if query[0].isdigit() or query == "Oakridge" else "Nara"
    assert expected.lower() in (hits[0].title + hits[0].url).lower()


def test_since_filters_by_publication_date(searched: Container) -> None:
    since = datetime(2026, 1, 9, tzinfo=UTC)
    hits = searched.searcher.search("what happened", k=8, since=since)
    assert hits and all(h.published >= "2026-01-09" for h in hits)


def test_latest_prefers_newer_articles(searched: Container) -> None:
    plain = searched.searcher.search("council news update", k=8)
    latest = searched.searcher.search("latest council news update", k=8)
    assert latest[0].published >= plain[0].published
    assert latest[0].published[:10] == max(h.published for h in latest)[:10]


def test_results_are_diverse_and_one_story_is_cited_once(searched: Container) -> None:
    hits = searched.searcher.search("council budget schedules costs residents", k=5)
    per_article: dict[str, int] = {}
    for hit in hits:
        per_article[hit.article_id] = per_article.get(hit.article_id, 0) + 1
    assert max(per_article.values()) <= 2 and len(per_article) >= 3
    fire = searched.searcher.search("Brackenridge wildfire evacuated", k=5)
    fire_hits = [h for h in fire if "Brackenridge" in h.title]
    assert len(fire_hits) == 1
    assert {a.source for a in fire_hits[0].also} == {"Mountain Times", "Valley Post"} - {
        fire_hits[0].source}
