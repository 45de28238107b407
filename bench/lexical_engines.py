"""Lexical search in the database engine against today's exact in-memory BM25 (issue 23 item 1).

    .venv/bin/python bench/lexical_engines.py [--copies N] [--limit Q] [--postings N]

Stores the RealTime QA corpus (../shared/newsdata/realtimeqa_corpus.jsonl) as an ingest does
(loader, cleaning, chunker, ``chunks.terms``; no embeddings) into SQLite under
bench/.cache/lexical-engines and into the schema ``lexical_bench_N`` of the PostgreSQL database
``test`` on 127.0.0.1 (NEWSDESK_BENCH_PG_URL overrides), both migrated, so both carry the
engine's index. ``--copies N`` adds N-1 varied copies of every article (each chunk's terms
shuffled and a fifth of them swapped for other corpus terms) to see the growth.

Systems: exact BM25 in memory (the reference), each engine's own ranking, exact BM25 by MaxScore
over the engine's inverted index (shipped until migration 0021) and BM25 over each query term's
best postings by impact (retrieval/engine_lexical.py, shipped from 0021; ``--postings N`` per
term). The RealTime QA index of bench/eval.py is not read here.

For each question of realtimeqa_eval.jsonl, every system's top 40 chunks (the pool search asks
for): overlap@10 / @20
with exact BM25's chunks, and hit@5 / MRR of the gold article (its distinct articles in rank
order, published by the question's date, as bench/eval.py's BM25 baseline); latency per query
(warm, p50 / p95); load time and RSS growth of the process for each system.
"""

from __future__ import annotations

import argparse
import gc
import math
import os
import random
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa

from bench.common import NEWSDATA, machine, read_jsonl
from bot.container import Container
from bot.settings import Settings
from core.models import Chunk, chunk_id
from core.terms import tokenize
from ingest.identity import canonical_url
from ingest.pipeline import IngestPipeline, SourceSpec
from retrieval.engine_lexical import POSTINGS_PER_TERM, EngineLexicalSearch
from retrieval.inverted_index import K1, B
from retrieval.lexical import LexicalIndex
from storage.chunk_terms import ChunkTermsRepository
from storage.database import Database
from storage.lexical_search import (
    LexicalSearchRepository,
    create_engine_index,
    drop_engine_index,
    ranked_by_fts5,
    tsquery,
)
from storage.meta import bump_revision

CACHE = Path(__file__).resolve().parent / ".cache" / "lexical-engines"
PG_URL = os.environ.get("NEWSDESK_BENCH_PG_URL",
                        "postgresql+psycopg://postgres@127.0.0.1:5432/test")
K = 40  # the pool search asks the lexical side for (retrieval/search.py, k = 5)
Ranked = list[tuple[str, float]]


class _NoVectors:
    """Ingest without embeddings: the lexical side is written with the chunks."""

    def index_chunks(self, article_ids: Sequence[str], chunks: Sequence[Chunk]) -> None:
        """Nothing to embed."""

    def clear(self) -> None:
        """Nothing to clear."""


def rss_mb() -> float:
    """Resident memory of this process now, in MB."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def pg_schema_url(copies: int) -> str:
    """The benchmark's own schema on the server (created when missing)."""
    schema = f"lexical_bench_{copies}"
    engine = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    engine.dispose()
    return sa.make_url(PG_URL).update_query_dict(
        {"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)


def stored(database_url: str, data_dir: Path, copies: int) -> Container:
    """A migrated database holding the corpus (and its copies), stored once."""
    container = Container(Settings(data_dir=data_dir, database_url=database_url))
    if container.articles.count() < 1000:
        print(f"storing the corpus in {container.database.display_url}", file=sys.stderr)
        pipeline = IngestPipeline(container.articles, _NoVectors(), container.loader,
                                  container.chunker)
        started = time.perf_counter()
        report = pipeline.run([SourceSpec(str(NEWSDATA / "realtimeqa_corpus.jsonl"))])
        print(f"  {report.added} articles, {report.chunks_indexed} chunks in "
              f"{time.perf_counter() - started:.1f} s", file=sys.stderr)
        if copies > 1:  # the engine's index built once after the copies, not row by row
            with container.database.write() as conn:
                drop_engine_index(conn)
            add_copies(container.database, copies)
            with container.database.write() as conn:
                create_engine_index(conn)
    return container


def add_copies(database: Database, copies: int) -> None:
    """``copies - 1`` varied copies of every article: terms shuffled, a fifth swapped."""
    rng = random.Random(23)
    with database.read() as conn:
        articles = conn.execute(sa.text(
            "SELECT id, url, title, source, published, authors, text, content_hash, fetched_at"
            " FROM articles ORDER BY id")).mappings().all()
        rows = conn.execute(sa.text('SELECT article_id, idx, start, "end", text, terms FROM chunks'
                                    " ORDER BY article_id, idx")).mappings().all()
    vocabulary = sorted({t for r in rows for t in str(r["terms"]).split()})
    by_article: dict[str, list[Any]] = {}
    for row in rows:
        by_article.setdefault(str(row["article_id"]), []).append(row)
    for copy in range(1, copies):
        with database.write() as conn:
            revision = bump_revision(conn)
            new_articles, new_chunks = [], []
            for article in articles:
                fresh = f"{article['id']}c{copy}"
                new_articles.append({**article, "id": fresh, "url": f"{article['url']}#{copy}",
                                     "content_hash": f"{article['content_hash']}c{copy}",
                                     "indexed_hash": None, "revision": revision})
                for row in by_article.get(str(article["id"]), []):
                    terms = str(row["terms"]).split()
                    rng.shuffle(terms)
                    terms = [rng.choice(vocabulary) if rng.random() < 0.2 else t for t in terms]
                    new_chunks.append({**row, "article_id": fresh, "terms": " ".join(terms)})
            conn.execute(sa.text(
                "INSERT INTO articles (id, url, title, source, published, authors, text,"
                " content_hash, fetched_at, indexed_hash, revision) VALUES (:id, :url, :title,"
                " :source, :published, :authors, :text, :content_hash, :fetched_at,"
                " :indexed_hash, :revision)"), new_articles)
            conn.execute(sa.text(
                'INSERT INTO chunks (article_id, idx, start, "end", text, terms) VALUES'
                " (:article_id, :idx, :start, :end, :text, :terms)"), new_chunks)
        print(f"  copy {copy}: {len(new_chunks)} chunks", file=sys.stderr)


class CountingCandidates(LexicalSearchRepository):
    """The production repository, counting the candidates each question fetches."""

    def __init__(self, database: Database) -> None:
        super().__init__(database)
        self.found: list[int] = []

    def candidates(self, terms: Iterable[str], besides: Iterable[str] = ()
                   ) -> list[tuple[str, str]]:
        """As the repository's, counted (per question: see ``per_question``)."""
        rows = super().candidates(terms, besides)
        self.found[-1] += len(rows)
        return rows

    def per_question(self, run: Callable[[str], Ranked]) -> Callable[[str], Ranked]:
        """``run``, starting a new count for each question."""
        def counted(question: str) -> Ranked:
            self.found.append(0)
            return run(question)
        return counted


def ts_rank_cd(database: Database, question: str) -> Ranked:
    """PostgreSQL's own ranking of the GIN index's matches."""
    with database.read() as conn:
        rows = conn.execute(sa.text(
            "SELECT article_id, idx, ts_rank_cd(search_vector, q) AS score"
            " FROM chunks, CAST(:q AS tsquery) AS q WHERE search_vector @@ q"
            " ORDER BY score DESC, article_id, idx LIMIT :k"),
            {"q": tsquery(set(tokenize(question))), "k": K}).all()
    return [(chunk_id(str(a), int(i)), float(s)) for a, i, s in rows]


def unpruned(repository: LexicalSearchRepository, question: str) -> Ranked:
    """Exact BM25 over every chunk holding any query term (no MaxScore)."""
    counts = Counter(tokenize(question))
    chunks, total = repository.totals()
    df = repository.document_frequencies(counts)
    weights = {t: math.log(1 + (chunks - d + 0.5) / (d + 0.5)) for t, d in df.items()}
    mean = total / max(1, chunks)
    scored = []
    for chunk, terms in repository.candidates(weights):
        tf = Counter(terms.split())
        norm = K1 * (1 - B + B * sum(tf.values()) / mean)
        scored.append((chunk, sum(w * counts[t] * tf[t] * (K1 + 1) / (tf[t] + norm)
                                  for t, w in weights.items() if tf[t])))
    return sorted(scored, key=lambda pair: (-pair[1], pair[0]))[:K]


def engine_search(repository: LexicalSearchRepository, postings: int | None
                  ) -> Callable[[], Callable[[str], Ranked]]:
    """The database engine's search (``postings`` None: the exact MaxScore search)."""
    def ready() -> Callable[[str], Ranked]:
        search = EngineLexicalSearch(repository, postings)
        return lambda question: [(h.chunk_id, h.score) for h in search.search(
            Counter(tokenize(question)), K)]
    return ready


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def measure(name: str, run: Callable[[str], Ranked], questions: Sequence[dict[str, Any]], *,
            exact: dict[str, Ranked] | None, refs: dict[str, tuple[str, datetime | None]],
            load_s: float, rss_growth: float) -> tuple[dict[str, Ranked], dict[str, Any]]:
    """Run every question twice (the second pass is timed); the figures of one system."""
    for q in questions:
        run(q["question"])
    results: dict[str, Ranked] = {}
    times = []
    for q in questions:
        started = time.perf_counter()
        results[q["id"]] = run(q["question"])
        times.append(1000 * (time.perf_counter() - started))
    over10 = over20 = hit5 = mrr = 0.0
    for q in questions:
        got = [c for c, _ in results[q["id"]]]
        if exact is not None:
            truth = [c for c, _ in exact[q["id"]]]
            over10 += len(set(got[:10]) & set(truth[:10])) / max(1, min(10, len(truth)))
            over20 += len(set(got[:20]) & set(truth[:20])) / max(1, min(20, len(truth)))
        until = datetime.strptime(q["date"], "%Y/%m/%d").replace(tzinfo=UTC) + timedelta(days=1)
        urls: list[str] = []
        for chunk in got:
            url, published = refs[chunk.rpartition("-")[0]]
            if published is not None and published > until:
                continue
            if url not in urls:
                urls.append(url)
        gold = {canonical_url(u) for u in q["gold_urls"]}
        ranks = [i for i, u in enumerate(urls[:5], start=1) if u in gold]
        hit5 += bool(ranks)
        mrr += 1 / ranks[0] if ranks else 0.0
    n = len(questions)
    return results, {
        "system": name, "overlap@10": round(over10 / n, 3) if exact else 1.0,
        "overlap@20": round(over20 / n, 3) if exact else 1.0, "hit@5": round(hit5 / n, 3),
        "mrr": round(mrr / n, 3), "p50_ms": round(percentile(times, 0.5), 2),
        "p95_ms": round(percentile(times, 0.95), 2), "load_s": round(load_s, 2),
        "rss_growth_mb": round(rss_growth, 1),
    }


def references(database: Database) -> dict[str, tuple[str, datetime | None]]:
    """Article id -> (canonical URL, published)."""
    with database.read() as conn:
        rows = conn.execute(sa.text("SELECT id, url, published FROM articles")).all()
    return {str(i): (canonical_url(str(u).partition("#")[0]), _aware(p)) for i, u, p in rows}


def _aware(value: object) -> datetime | None:
    if value is None:
        return None
    stamp = datetime.fromisoformat(value) if isinstance(value, str) else value
    assert isinstance(stamp, datetime)
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)


def timed_first(make: Callable[[], Callable[[str], Ranked]], probe: str,
                ) -> tuple[Callable[[str], Ranked], float, float]:
    """A system, the seconds its first query took (a fresh worker's load) and RSS growth."""
    gc.collect()
    before = rss_mb()
    started = time.perf_counter()
    run = make()
    run(probe)
    return run, time.perf_counter() - started, rss_mb() - before


def token_agreement(sqlite: Database, pg: Database) -> dict[str, int]:
    """Do the engines hold exactly the stored terms? Distinct terms per side, and the chunks
    whose lexemes PostgreSQL's own ``to_tsvector('simple', terms)`` would change."""
    with sqlite.read() as conn:
        stored_terms = {t for (terms,) in conn.execute(sa.text("SELECT terms FROM chunks"))
                        for t in str(terms).split()}
        conn.execute(sa.text("CREATE VIRTUAL TABLE IF NOT EXISTS temp.chunk_vocab"
                             " USING fts5vocab(main, chunk_search, 'row')"))
        fts5 = {str(t) for (t,) in conn.execute(sa.text("SELECT term FROM temp.chunk_vocab"))}
    with pg.read() as conn:
        gin = {str(t) for (t,) in conn.execute(sa.text(
            "SELECT DISTINCT unnest(tsvector_to_array(search_vector)) FROM chunks"))}
        simple_differs = int(conn.execute(sa.text(
            "SELECT count(*) FROM chunks WHERE tsvector_to_array(to_tsvector('simple', terms))"
            " <> tsvector_to_array(search_vector)")).scalar() or 0)
    return {"stored terms": len(stored_terms), "fts5 terms": len(fts5),
            "fts5 missing": len(stored_terms - fts5), "fts5 extra": len(fts5 - stored_terms),
            "tsvector terms": len(gin), "tsvector missing": len(stored_terms - gin),
            "chunks where to_tsvector('simple') differs": simple_differs}


def write_cost(articles: int) -> None:
    """Seconds to store the first ``articles`` of the corpus one article per transaction, as
    an ingest does, without the engine's index (schema 0016) and with it, on both engines."""
    from storage import migrate
    from storage.articles import ArticleRepository

    corpus = stored(f"sqlite:///{CACHE / 'copies-1' / 'newsdesk.sqlite3'}", CACHE / "copies-1", 1)
    prepared = []
    for article in corpus.articles.iter_articles():  # as the ingest stored them
        prepared.append((article, corpus.chunker.split(article)))
        if len(prepared) == articles:
            break
    (CACHE / "write-cost").mkdir(parents=True, exist_ok=True)
    for engine in ("sqlite", "postgresql"):
        for to in ("0016", None):
            schema = f"write_cost_{to or 'head'}"
            if engine == "sqlite":
                path = CACHE / "write-cost" / f"{schema}.sqlite3"
                path.unlink(missing_ok=True)
                database = Database(f"sqlite:///{path}")
            else:
                url = sa.make_url(PG_URL)
                admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
                with admin.connect() as conn:
                    conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
                    conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
                admin.dispose()
                database = Database(url.update_query_dict({"options": f"-csearch_path={schema}"}))
            migrate.upgrade(database, to=to)
            store = ArticleRepository(database)
            started = time.perf_counter()
            for article, chunks in prepared:
                store.save(article, chunks)
            took = time.perf_counter() - started
            print(f"{engine}, {'with' if to is None else 'without'} the engine's index: "
                  f"{len(prepared)} articles, {sum(len(c) for _, c in prepared)} chunks stored "
                  f"in {took:.2f} s ({1000 * took / len(prepared):.1f} ms per article)")
            database.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--copies", type=int, default=1, help="the corpus this many times")
    parser.add_argument("--limit", type=int, default=None, help="only the first Q questions")
    parser.add_argument("--postings", type=int, default=POSTINGS_PER_TERM,
                        help="postings read per query term by the shipped engine search")
    parser.add_argument("--write-cost", type=int, default=0, metavar="ARTICLES",
                        help="only measure what storing this many articles costs")
    args = parser.parse_args()
    if args.write_cost:
        write_cost(args.write_cost)
        return
    questions = read_jsonl(NEWSDATA / "realtimeqa_eval.jsonl", args.limit)
    sqlite_url = f"sqlite:///{CACHE / f'copies-{args.copies}' / 'newsdesk.sqlite3'}"
    sqlite = stored(sqlite_url, CACHE / f"copies-{args.copies}", args.copies).database
    pg = stored(pg_schema_url(args.copies), CACHE / f"copies-{args.copies}-pg",
                args.copies).database
    with pg.write() as conn:
        conn.execute(sa.text("ANALYZE chunks"))
    chunks = LexicalSearchRepository(sqlite).totals()[0]
    print(f"{machine()}; {chunks} chunks; {len(questions)} questions", file=sys.stderr)
    print(token_agreement(sqlite, pg))
    refs = references(sqlite)
    probe = "What did the president say about inflation?"

    def index(make: Callable[[], LexicalIndex]) -> Callable[[], Callable[[str], Ranked]]:
        def ready() -> Callable[[str], Ranked]:
            lexical = make()
            return lambda question: [(h.chunk_id, h.score) for h in lexical.search(question, K)]
        return ready

    sqlite_counting, pg_counting = CountingCandidates(sqlite), CountingCandidates(pg)
    systems: list[tuple[str, Callable[[], Callable[[str], Ranked]]]] = [
        ("exact BM25 in memory (today)",
         index(lambda: LexicalIndex(ChunkTermsRepository(sqlite)))),
        ("SQLite: FTS5 bm25()", lambda: (
            lambda question: ranked_by_fts5(sqlite, Counter(tokenize(question)), K))),
        ("SQLite: exact BM25, MaxScore over FTS5 (until 0021)",
         lambda: sqlite_counting.per_question(engine_search(sqlite_counting, None)())),
        (f"SQLite: BM25 over each term's {args.postings} best postings (shipped)",
         engine_search(LexicalSearchRepository(sqlite), args.postings)),
        ("PostgreSQL: ts_rank_cd", lambda: (lambda question: ts_rank_cd(pg, question))),
        ("PostgreSQL: exact BM25 over every GIN match", lambda: (
            lambda question: unpruned(LexicalSearchRepository(pg), question))),
        ("PostgreSQL: exact BM25, MaxScore over GIN (until 0021)",
         lambda: pg_counting.per_question(engine_search(pg_counting, None)())),
        (f"PostgreSQL: BM25 over each term's {args.postings} best postings (shipped)",
         engine_search(LexicalSearchRepository(pg), args.postings)),
    ]
    exact: dict[str, Ranked] | None = None
    rows = []
    for name, make in systems:
        run, load_s, growth = timed_first(make, probe)
        results, row = measure(name, run, questions, exact=exact, refs=refs,
                               load_s=load_s, rss_growth=growth)
        exact = exact or results
        rows.append(row)
        print(row, file=sys.stderr)
    for name, counting in (("SQLite", sqlite_counting), ("PostgreSQL", pg_counting)):
        print(f"{name}: chunks fetched per question (MaxScore): median "
              f"{percentile(counting.found, 0.5)}, p95 {percentile(counting.found, 0.95)}, "
              f"of {chunks}")
    keys = list(rows[0])
    print("| " + " | ".join(keys) + " |")
    print("|" + "---|" * len(keys))
    for row in rows:
        print("| " + " | ".join(str(row[k]) for k in keys) + " |")


if __name__ == "__main__":
    main()
