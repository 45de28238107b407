from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.container import Container
from ingest.pipeline import SourceSpec
from tests.retrieval import corpus


@pytest.fixture
def searched(container: Container, tmp_path: Path) -> Container:
    corpus.build(container, tmp_path / "corpus")
    return container


def test_lexical_index_lives_in_the_database_and_is_always_in_step(
    searched: Container, tmp_path: Path
) -> None:
    other = Container(searched.settings, embedder=searched.embedder)  # another process's view
    top = other.lexical.search("Oakridge", 3)[0]
    article_id = other.passages.passages([top.chunk_id])[top.chunk_id].ref.article_id
    assert other.articles.get(article_id).title == "Village census results published"  # type: ignore[union-attr]
    assert other.lexical.search("Zanzibarite", 3) == []
    size = other.lexical.size
    folder = tmp_path / "more"
    folder.mkdir()
    corpus.write(folder, "mineral", "Zanzibarite found in a quarry",
                 "Geologists named the new mineral zanzibarite after the island.")
    searched.pipeline.run([SourceSpec(str(folder))])
    # no rebuild and no restart: the other view sees the new chunk and the new corpus size
    [hit] = other.lexical.search("Zanzibarite", 3)
    assert other.passages.passages([hit.chunk_id])[hit.chunk_id].ref.title == (
        "Zanzibarite found in a quarry")
    assert other.lexical.size == size + 1
    other.close()


@pytest.mark.parametrize("query", ["3,518", "3518 residents", "CPTPP", "Takaichi", "Oakridge"])
def test_names_numbers_and_rare_words_find_their_article(searched: Container, query: str) -> None:
    hits = searched.searcher.search(query, k=3)
    expected = "census" if query[0].isdigit() or query == "Oakridge" else "Nara"
    assert expected.lower() in (hits[0].ref.title + hits[0].ref.url).lower()


def test_since_filters_by_publication_date(searched: Container) -> None:
    since = datetime(2026, 1, 9, tzinfo=UTC)
    hits = searched.searcher.search("what happened", k=8, since=since)
    assert hits and all(h.ref.day >= "2026-01-09" for h in hits)


def test_latest_prefers_newer_articles(searched: Container) -> None:
    plain = searched.searcher.search("council news update", k=8)
    latest = searched.searcher.search("latest council news update", k=8)
    assert latest[0].ref.day >= plain[0].ref.day
    # the newest of the council's updates leads (the story judge may still rank a newer story
    # on another subject below it: the answer's on-story cut decides whether it is quoted)
    updates = [h for h in latest if h.ref.title.startswith("Update on")]
    assert latest[0].ref.day == max(h.ref.day for h in updates)


def test_results_are_diverse_and_one_story_is_cited_once(searched: Container) -> None:
    hits = searched.searcher.search("council budget schedules costs residents", k=5)
    per_article: dict[str, int] = {}
    for hit in hits:
        per_article[hit.ref.article_id] = per_article.get(hit.ref.article_id, 0) + 1
    assert max(per_article.values()) <= 2 and len(per_article) >= 3
    fire = searched.searcher.search("Brackenridge wildfire evacuated", k=5)
    fire_hits = [h for h in fire if "Brackenridge" in h.ref.title]
    assert len(fire_hits) == 1
    assert {a.source for a in fire_hits[0].also} == {"Mountain Times", "Valley Post"} - {
        fire_hits[0].ref.source}


@pytest.mark.parametrize("pool", [5, 40])
def test_a_time_bounded_search_finds_what_chroma_s_own_filter_finds(
    searched: Container, pool: int,
) -> None:
    # pool 5 reads 20 nearest ids of ~60 chunks: bounds that keep few of them fall back to
    # Chroma's filter; pool 40 reads them all
    vector = searched.embedder.encode(["council budget and the flood barrier"])[0]
    for since, until in ((None, datetime(2026, 1, 4, tzinfo=UTC)),
                         (datetime(2026, 1, 3, tzinfo=UTC), datetime(2026, 1, 6, tzinfo=UTC)),
                         (datetime(2026, 1, 8, tzinfo=UTC), None)):
        bounds = ([{"published_ts": {"$gte": since.timestamp()}}] if since else []) + (
            [{"published_ts": {"$lte": until.timestamp()}}] if until else [])
        where = bounds[0] if len(bounds) == 1 else {"$and": bounds}
        expected = searched.vectors.nearest(vector, pool, where)
        found, passages = searched.searcher._dense(vector, pool, since, until)
        assert list(found) == list(expected) and found
        assert all((since is None or p.ref.published >= since)  # type: ignore[operator]
                   and (until is None or p.ref.published <= until)  # type: ignore[operator]
                   for c, p in passages.items() if c in found)
