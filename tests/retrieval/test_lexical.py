"""The in-memory BM25 index: exact scores, and catching up with writes since it last looked."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.container import Container
from bot.settings import Settings
from core.models import ArticleTerms
from ingest.chunking import Chunker
from retrieval.inverted_index import K1, B
from retrieval.lexical import LexicalIndex
from storage.chunk_terms import ChunkTermsRepository
from storage.lexical_search import LexicalSearchRepository
from tests.ingest.factories import make_article


class ListSource:
    """Articles as a database would hand them over: each write stamped with a revision."""

    def __init__(self) -> None:
        self.writes: list[ArticleTerms] = []
        self.queries = 0

    def write(self, article_id: str, *chunks: str) -> None:
        self.writes.append(ArticleTerms(article_id, len(self.writes) + 1,
                                        tuple(enumerate(chunks))))

    def revision(self) -> int:
        return len(self.writes)

    def changed_since(self, revision: int) -> Iterator[ArticleTerms]:
        self.queries += 1
        latest = {a.article_id: a for a in self.writes if a.revision > revision}
        return iter(sorted(latest.values(), key=lambda a: a.revision))


def brute_force(chunks: dict[str, str], query: list[str]) -> dict[str, float]:
    """BM25 (Lucene idf, k1, b) straight from the definition."""
    docs = {cid: Counter(text.split()) for cid, text in chunks.items()}
    n = len(docs)
    mean = sum(sum(c.values()) for c in docs.values()) / n
    scores = {}
    for cid, counts in docs.items():
        length = sum(counts.values())
        total = 0.0
        for term in query:
            df = sum(term in c for c in docs.values())
            if not counts[term]:
                continue
            idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
            tf = counts[term]
            total += idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / mean))
        if total > 0:
            scores[cid] = total
    return scores


words = st.sampled_from(["nara", "summit", "trade", "seafood", "flood", "barrier", "rail"])


@settings(max_examples=60, deadline=None)
@given(corpus=st.lists(st.lists(words, min_size=1, max_size=12), min_size=1, max_size=12),
       query=st.lists(words, min_size=1, max_size=4))
def test_scores_equal_bm25_by_definition(corpus: list[list[str]], query: list[str]) -> None:
    source = ListSource()
    for i, terms in enumerate(corpus):
        source.write(f"a{i}", " ".join(terms))
    hits = LexicalIndex(source).search(" ".join(query), k=100)
    expected = brute_force({f"a{i}-0": " ".join(t) for i, t in enumerate(corpus)}, query)
    assert {h.chunk_id for h in hits} == set(expected)
    for hit in hits:
        assert math.isclose(hit.score, expected[hit.chunk_id], rel_tol=1e-4)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_catches_up_with_new_and_changed_articles_only() -> None:
    source = ListSource()
    source.write("nara", "nara summit agenda", "seafood ban trade")
    source.write("flood", "flood barrier closed")
    index = LexicalIndex(source)
    assert [h.chunk_id for h in index.search("seafood", 5)] == ["nara-1"]
    assert index.size == 3
    source.write("nara", "nara summit postponed")  # the article changed: one chunk now
    source.write("rail", "rail line reopens", "seafood train")
    assert [h.chunk_id for h in index.search("seafood", 5)] == ["rail-1"]
    assert index.size == 4
    assert index.idf_weights(["postpon", "agenda"])["agenda"] == index.idf_weights(
        ["missing"])["missing"]  # the old chunk's terms are gone from the counts
    queries = source.queries
    index.search("flood", 5)
    assert source.queries == queries  # nothing written since: no query for changes


def test_weights_for_matching_follow_writes_made_after_the_last_search() -> None:
    source = ListSource()
    source.write("nara", "nara summit agenda")
    index = LexicalIndex(source)
    first = index.current_idf_weights(["nara", "seafood"])
    assert first["seafood"] > first["nara"]  # unseen: as rare as a term can be
    source.write("ban", "seafood ban", "seafood trade")  # and no search since
    assert index.idf_weights(["seafood"]) == {"seafood": first["seafood"]}  # as of last look
    assert index.current_idf_weights(["seafood"])["seafood"] < first["seafood"]


def test_compaction_keeps_results() -> None:
    source = ListSource()
    for i in range(40):
        source.write(f"a{i}", f"common word{i}", "filler text here")
    index = LexicalIndex(source)
    before = {h.chunk_id: round(h.score, 4) for h in index.search("common filler 7", 100)}
    slots = []
    for round_ in range(1200):  # each update retires two slots; compaction reclaims them
        source.write(f"a{round_ % 40}", f"common word{round_ % 40}", "filler text here")
        index.search("common", 1)
        slots.append(index.slots_in_use)
    after = {h.chunk_id: round(h.score, 4) for h in index.search("common filler 7", 100)}
    assert after == before
    assert index.size == 80
    assert max(slots) < 1400 and slots[-1] < max(slots)  # compacted, not growing forever


def test_the_setting_chooses_where_search_runs(settings: Settings) -> None:
    article = make_article("The flood barrier in Port Halden closed at noon. " * 8,
                           title="Flood barrier")
    for engine in ("memory", "database"):
        container = Container(settings.model_copy(update={"lexical_engine": engine}))
        if engine == "memory":
            container.articles.save(article, Chunker(300, 30).split(article))
        lexical = container.lexical
        assert lexical.search("Port Halden barrier", 3)[0].chunk_id == f"{article.id}-0"
        assert lexical.size == len(Chunker(300, 30).split(article))
        assert (lexical.slots_in_use == 0) is (engine == "database")  # no copy in memory
        container.database.dispose()


def test_past_its_bound_the_memory_index_asks_the_database(settings: Settings) -> None:
    container = Container(settings)
    chunker = Chunker(300, 30)
    first = make_article("The flood barrier in Port Halden closed at noon. " * 8,
                         title="Flood barrier", url="https://t.example/flood")
    container.articles.save(first, chunker.split(first))
    bounded = LexicalIndex(ChunkTermsRepository(container.database),
                           LexicalSearchRepository(container.database), max_chunks=3)
    memory = LexicalIndex(ChunkTermsRepository(container.database))
    assert bounded.search("Port Halden barrier", 3) == memory.search("Port Halden barrier", 3)
    assert bounded.slots_in_use > 0  # under the bound: in memory
    second = make_article("Lee travels to Nara for the summit with Takaichi. " * 8,
                          title="Nara summit", url="https://t.example/nara")
    container.articles.save(second, chunker.split(second))
    got = bounded.search("Nara summit barrier", 5)
    assert bounded.slots_in_use == 0  # past it: the memory is given back
    want = memory.search("Nara summit barrier", 5)
    assert [(h.chunk_id, round(h.score, 3)) for h in got] == [
        (h.chunk_id, round(h.score, 3)) for h in want]
    assert bounded.size == memory.size > 3
    fresh = LexicalIndex(ChunkTermsRepository(container.database),
                         LexicalSearchRepository(container.database), max_chunks=3)
    assert fresh.idf_weights(["nara"]) == pytest.approx(memory.idf_weights(["nara"]))
    assert fresh.slots_in_use == 0  # never loaded
    container.database.dispose()
