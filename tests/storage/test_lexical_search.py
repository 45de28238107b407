"""Lexical search in the database engine: in step with every write, the same terms as stored,
and the same answers as the in-memory index; a term's postings read best impact first."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from core.impact import IMPACT_B, IMPACT_K1, IMPACT_SCALE, REFERENCE_LENGTH
from core.models import Article
from core.terms import tokenize
from ingest.chunking import Chunker
from retrieval.engine_lexical import EngineLexicalSearch, unread_bound
from retrieval.inverted_index import K1, B
from retrieval.lexical import LexicalIndex
from storage import migrate
from storage.articles import ArticleRepository
from storage.chunk_terms import ChunkTermsRepository
from storage.database import Database
from storage.lexical_search import LexicalSearchRepository
from storage.retention import Cutoffs, RetentionRepository
from tests.ingest.factories import make_article

NOW = datetime(2026, 12, 6, tzinfo=UTC)
CHUNKER = Chunker(300, 30)


def _corpus() -> list[Article]:
    return [
        make_article("Lee travels to Nara for the summit with Takaichi. " * 6, title="Nara summit",
                     url="https://w.example/nara"),
        make_article("The flood barrier in Port Halden closed at noon. " * 8,
                     title="Flood barrier", url="https://w.example/flood"),
        make_article("Exports rose 3,518 tonnes; दिल्ली में बारिश; 東京株式市場が反発した. " * 4,
                     title="Markets", url="https://w.example/markets"),
        make_article("Takaichi and Lee discussed seafood, the barrier and exports. " * 3,
                     title="Talks", url="https://w.example/talks"),
    ]


def _store(database: Database, articles: list[Article]) -> ArticleRepository:
    store = ArticleRepository(database)
    for article in articles:
        store.save(article, CHUNKER.split(article))
    return store


def _ids(hits: list[object]) -> list[str]:
    return [hit.chunk_id for hit in hits]  # type: ignore[attr-defined]


def _counted(database: Database) -> tuple[Counter[str], int, int]:
    """Document frequencies and totals recomputed from the stored terms."""
    with database.read() as conn:
        rows = [str(t).split() for (t,) in conn.execute(sa.text("SELECT terms FROM chunks"))]
    return Counter(t for terms in rows for t in set(terms)), len(rows), sum(map(len, rows))


def _postings(database: Database) -> set[tuple[str, str, int, int]]:
    """(chunk id, term, tf, length) of every posting the engine holds."""
    number = "i.id" if database.dialect == "postgresql" else "i.rowid"
    with database.read() as conn:
        rows = conn.execute(sa.text(
            "SELECT i.article_id, i.idx, p.term, p.tf, p.length FROM chunk_search_postings p"
            f" LEFT JOIN chunk_search_ids i ON {number} = p.chunk")).all()
    return {(f"{a}-{i}", str(t), int(f), int(n)) for a, i, t, f, n in rows}


def _recounted(database: Database) -> set[tuple[str, str, int, int]]:
    """The postings recomputed from the stored terms."""
    with database.read() as conn:
        rows = conn.execute(sa.text("SELECT article_id, idx, terms FROM chunks")).all()
    return {(f"{a}-{i}", term, tf, len(str(terms).split()))
            for a, i, terms in rows for term, tf in Counter(str(terms).split()).items()}


def test_every_stored_term_is_one_term_of_the_engine(database: Database) -> None:
    _store(database, _corpus())
    df, chunks, terms = _counted(database)
    assert {"3,518", "3518", "東京", "दिल्ली"} <= df.keys()
    engine = LexicalSearchRepository(database)
    assert engine.document_frequencies([*df, "absent"]) == dict(df)
    assert engine.totals() == (chunks, terms)
    for term in ("3,518", "東京", "दिल्ली"):
        assert len(engine.candidates([term])) == df[term]
    assert _postings(database) == _recounted(database)


def test_engine_search_ranks_as_the_memory_index(database: Database) -> None:
    corpus = _corpus()
    _store(database, corpus)
    engine = LexicalIndex.in_database(LexicalSearchRepository(database))
    memory = LexicalIndex(ChunkTermsRepository(database))
    assert engine.size == memory.size > 4
    words = sorted({w for a in corpus for w in f"{a.title} {a.text}".split()})
    questions = ["Nara summit with Takaichi", "barrier exports", "3,518 tonnes", "東京市場",
                 "Lee seafood barrier", *(" ".join(words[i::7]) for i in range(7))]
    for question in questions:
        for k in (1, 3, 40):
            got, want = engine.search(question, k), memory.search(question, k)
            assert got
            assert [(h.chunk_id, round(h.score, 3)) for h in got] == [
                (h.chunk_id, round(h.score, 3)) for h in want]
    words = tokenize("Takaichi barrier absent")
    assert engine.idf_weights(words) == pytest.approx(memory.idf_weights(words))
    assert engine.search("nothing stored here", 5) == []


def test_a_term_s_postings_are_read_best_impact_first(database: Database) -> None:
    _store(database, _corpus())
    memory = LexicalIndex(ChunkTermsRepository(database))
    exact = {h.chunk_id: h.score for h in memory.search("Takaichi Lee barrier exports", 99)}
    # one posting per term: the best chunk of each term, then the rescored sums in exact order
    engine = EngineLexicalSearch(LexicalSearchRepository(database), postings_per_term=1,
                                 rescored=2)
    got = engine.search(Counter(tokenize("Takaichi Lee barrier exports")), 3)
    assert 0 < len(got) <= 3
    assert [h.score for h in got] == sorted((h.score for h in got), reverse=True)
    for hit in got:
        assert hit.score == pytest.approx(exact[hit.chunk_id])
    best = max(exact.items(), key=lambda pair: pair[1])[0]
    assert got[0].chunk_id == best
    # the best sum of one term's postings is its chunk of highest tf for the length
    sums = LexicalSearchRepository(database).best_sums({"barrier": 1.0}, (0.3, 0.0), 1, 5)
    assert len(sums) == 1
    tf = {c: Counter(t.split())["barrier"] for c, t in LexicalSearchRepository(
        database).stored_terms(n for n, _ in sums).values()}
    assert list(tf.values()) == [max(f for (_, term, f, _) in _postings(database)
                                     if term == "barrier")]
    # without a cut, as many postings as the term has: the exact ranking
    whole = EngineLexicalSearch(LexicalSearchRepository(database), postings_per_term=10_000)
    assert [h.chunk_id for h in whole.search(Counter(tokenize("barrier exports")), 40)] == [
        h.chunk_id for h in memory.search("barrier exports", 40)]
    # a question of more terms than one statement reads: the weightiest are read
    words = " ".join(f"word{i}x" for i in range(600))
    long = make_article(f"{words}. " * 2, title="Words", url="https://w.example/w")
    _store(database, [long])
    many = Counter(tokenize(words))
    assert len(many) > 500  # more SELECTs than SQLite takes in one UNION
    assert engine.search(many, 3)[0].chunk_id.startswith(long.id)


class _CountingEngine:
    """The engine's repository, counting the chunks whose stored terms a search reads."""

    def __init__(self, inner: LexicalSearchRepository) -> None:
        self.inner = inner
        self.read = 0
        self.bounded = 0  # searches that asked for the bound of what they did not read

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)

    def stored_terms(self, chunks: Iterable[int]) -> dict[int, tuple[str, str]]:
        wanted = list(chunks)
        self.read += len(wanted)
        return self.inner.stored_terms(wanted)

    def last_impacts(self, terms: Iterable[str], limit: int) -> dict[str, int]:
        self.bounded += 1
        return self.inner.last_impacts(terms, limit)


def test_sums_that_cannot_reach_the_top_are_not_scored_again(database: Database) -> None:
    # 60 reports of a barrier (a term cut at 30 postings), two of them at Nara (a rare term)
    reports = [make_article(f"The barrier closed at noon on day {n}. " * (1 + n % 4),
                            title=f"Barrier day {n}", url=f"https://w.example/b{n}")
               for n in range(60)]
    reports += [make_article("Lee reached Nara; the barrier there held. " * 2,
                             title=f"Nara {n}", url=f"https://w.example/n{n}") for n in range(2)]
    _store(database, reports)
    question = Counter(tokenize("Nara barrier"))
    pruned, whole = (_CountingEngine(LexicalSearchRepository(database)) for _ in range(2))
    for k in (1, 2):  # the two Nara reports lead: the barrier's other sums cannot reach them
        got = EngineLexicalSearch(pruned, postings_per_term=30, rescored=60,  # type: ignore[arg-type]
                                  rescore_block=2).search(question, k)
        # one block of every sum: what the search did before it stopped early
        want = EngineLexicalSearch(whole, postings_per_term=30, rescored=60,  # type: ignore[arg-type]
                                   rescore_block=10_000).search(question, k)
        assert [(h.chunk_id, h.score) for h in got] == [(h.chunk_id, h.score) for h in want]
        assert all(h.chunk_id.startswith(tuple(a.id for a in reports[-2:])) for h in got[:2])
    assert pruned.read < whole.read / 3
    assert whole.bounded == 0  # one block of every sum: no bound is needed, none is asked
    # a third place is a barrier report like many: every sum is scored again, as before
    third = EngineLexicalSearch(LexicalSearchRepository(database), postings_per_term=30,
                                rescored=60, rescore_block=2).search(question, 3)
    assert [h.chunk_id for h in third] == [h.chunk_id for h in EngineLexicalSearch(
        LexicalSearchRepository(database), postings_per_term=30, rescored=60).search(question, 3)]


def test_the_unread_bound_holds_for_any_count_and_length() -> None:
    for mean in (20.0, 80.0, 300.0):
        for impact in (500, 5_000, 12_000, 21_999, 22_000):
            bound = unread_bound(2.0, impact, mean)
            for tf in range(1, 60):
                for length in (1, 5, 20, 80, 200, 1_000, 5_000):
                    if length < tf:
                        continue
                    posted = round(IMPACT_SCALE * (IMPACT_K1 + 1) * tf / (tf + IMPACT_K1 * (
                        1 - IMPACT_B + IMPACT_B * length / REFERENCE_LENGTH)))
                    if posted <= impact:
                        part = 2.0 * tf / (tf + K1 * (1 - B + B * length / mean))
                        assert part <= bound + 1e-12
    assert unread_bound(2.0, 0, 80.0) < 0.01  # an impact of 0: next to nothing unread


def test_replaced_forgotten_and_pruned_chunks_leave_the_engine(database: Database) -> None:
    nara, flood, markets, talks = _corpus()
    store = _store(database, [nara, flood, markets, talks])
    engine = LexicalIndex.in_database(LexicalSearchRepository(database))
    assert any(h.chunk_id.startswith(nara.id) for h in engine.search("Nara", 5))
    store.save(nara, CHUNKER.split(nara)[:1])  # a new version with fewer chunks
    assert [h.chunk_id for h in engine.search("Nara", 5)] == [f"{nara.id}-0"]
    assert store.forget(nara.id, NOW)
    assert engine.search("Nara", 5) == []
    removed = RetentionRepository(database).remove(
        [flood.id], Cutoffs(NOW + timedelta(days=1)), NOW + timedelta(days=1), NOW)
    assert removed.articles == 1
    assert all(not h.chunk_id.startswith(flood.id) for h in engine.search("flood halden", 9))
    assert engine.current_idf_weights(["halden", "lee"]) == pytest.approx(LexicalIndex(
        ChunkTermsRepository(database)).idf_weights(["halden", "lee"]))
    assert engine.size == len(CHUNKER.split(markets)) + len(CHUNKER.split(talks))
    assert _postings(database) == _recounted(database)
    df, chunks, terms = _counted(database)
    search = LexicalSearchRepository(database)
    assert search.document_frequencies(df) == dict(df)
    assert search.totals() == (chunks, terms)
    with database.write() as conn:  # a later migration recomputing terms, say
        conn.execute(sa.text("UPDATE chunks SET terms = 'stale words'"))
    df, chunks, terms = _counted(database)
    assert search.document_frequencies([*df, "takaichi"]) == dict(df)
    assert search.totals() == (chunks, terms)
    assert len(search.candidates(["stale"])) == chunks
    assert _postings(database) == _recounted(database)


def test_the_migration_builds_the_index_for_stored_chunks(
    database_url: str, tmp_path: Path
) -> None:
    database = Database(database_url or f"sqlite:///{tmp_path / 'newsdesk.sqlite3'}")
    migrate.upgrade(database, to="0016")
    _store(database, _corpus())
    migrate.upgrade(database)
    engine = LexicalIndex.in_database(LexicalSearchRepository(database))
    memory = LexicalIndex(ChunkTermsRepository(database))
    assert engine.size == memory.size
    assert engine.search("Port Halden barrier", 3)[0].chunk_id == memory.search(
        "Port Halden barrier", 3)[0].chunk_id
    database.dispose()


def test_the_postings_migration_fills_as_the_triggers_write(
    database: Database, database_url: str, tmp_path: Path
) -> None:
    older = Database(database_url or f"sqlite:///{tmp_path / 'older.sqlite3'}")
    if database.dialect == "postgresql":  # a schema of its own beside the fixture's
        older.dispose()
        admin = sa.create_engine(database_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text("DROP SCHEMA IF EXISTS postings_0020 CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA postings_0020"))
        admin.dispose()
        older = Database(sa.make_url(database_url).update_query_dict(
            {"options": "-csearch_path=postings_0020"}))
    migrate.upgrade(older, to="0020")
    corpus = _corpus()
    _store(older, corpus)
    migrate.upgrade(older)
    _store(database, corpus)

    def impacts(db: Database) -> set[tuple[str, str, int]]:
        number = "i.id" if db.dialect == "postgresql" else "i.rowid"
        with db.read() as conn:
            return {(f"{a}-{i}", str(t), int(m)) for a, i, t, m in conn.execute(sa.text(
                "SELECT i.article_id, i.idx, p.term, p.impact FROM chunk_search_postings p"
                f" JOIN chunk_search_ids i ON {number} = p.chunk"))}

    assert _postings(older) == _recounted(older) == _postings(database)
    assert impacts(older) == impacts(database)
    store = ArticleRepository(older)
    assert store.forget(corpus[0].id, NOW)  # deleted by keys the fill computed
    assert _postings(older) == _recounted(older)
    older.dispose()
    if database.dialect == "postgresql":
        admin = sa.create_engine(database_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text("DROP SCHEMA postings_0020 CASCADE"))
        admin.dispose()
