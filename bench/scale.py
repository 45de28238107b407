"""A year of news at scale (issue 23 item 3): what grows with the archive, as ratios to the base.

    .venv/bin/python bench/scale.py [--sizes 50000 250000] [--questions 50] [--probes 3]
        [--engines memory database database-exact] [--postings N] [--batch N] [--build-only]
        [--postgres [URL] [--chroma-url URL] | --chroma-server]

Builds archives of SIZE passages on SQLite + embedded Chroma under bench/.cache/scale-SIZE (kept
and reused; a larger one starts from a copy of the next smaller) from the RealTime QA eval index
that bench/eval.py builds with the onnx backend (bench/.cache/eval-data-onnx, copied once to
bench/.cache/scale-source and only read there). As bench/latency.py: articles are copied under new
URLs, written straight to the database (their terms computed as an ingest does) and to Chroma,
with the real chunk vectors for the originals and real + N(0, 0.02) noise, re-normalised, for
the copies: embedding 250k passages would take the model most of a day here. The build writes
--batch articles (default 1,000) a database transaction, each saved as an ingest saves it, so
the chunks' triggers keep the FTS5 table, the postings and the term counters as in production
(checked: identical rows to one transaction per article), and the same articles a Chroma write
(by a process of its own, while the next batch goes to the database: in a thread the
two took turns at the interpreter lock; marked indexed once in Chroma); its
own connections have a 3 GB page cache and no fsync. Varied so that no
two passages are identical: copy N's title ends with " (N)" (part of every chunk's terms), and
a marker " [N.I]" is inserted into the part of chunk I that no neighbouring chunk overlaps (the
offsets of every chunk moved to match). Re-dated across a year: every article (originals too)
gets a stored time (``fetched_at``, what retention counts from) uniform over the 365 days before
2026-12-06 and a publication time up to 12 hours earlier (seeded).

At each size, in this order: warm ``answerer.answer`` p50 / p95 over --questions RealTime QA
questions (two alternating rounds with one query embedding by torch, the issue's baseline, and one
by the archive's backend, whose medians are reported too), per
lexical engine (``database``: each query term's --postings best postings, the shipped search;
``database-exact``: the exact MaxScore search it replaced, in the same process); for the
database engine, its lexical search alone against the exact one over the same questions (top
40, as search asks: overlap@10 / @40 and p50 / p95 of each; --sweep adds other settings of it);
a fresh worker (a new process:
settings, container, one answer; wall time from spawn to exit, the time inside it, its RSS after
the answer and its peak), per engine (``database-exact`` has none: no setting chooses it); ingest of
one BBC News text (--probes of them, median) into the store of that size and into an empty one;
and a prune of the oldest day's articles (RetentionService.prune(365) with the clock 366 days
after the oldest stored time). The prune removes them for good: a build that tops the archive
up (below 99.5% of its size) puts them back. Last, one alert-matching round of a warm worker
(--alerts chats subscribed to headline topics as bench/alerts.py cuts them, 100 archive
articles written again, the second such round timed). Ratios are to the first size of the same
run (the machine is shared and noisy). Results: docs/benchmarks.md, "Scale (issue 23 item 3)".

With --postgres (a server URL; bare: bench/databases.py's DEFAULT_POSTGRES) the archives are on
PostgreSQL + a Chroma server instead, as a scaled-out deployment runs: database
newsdesk_scale_SIZE on that server (a larger one starts as a copy of the next smaller, CREATE
DATABASE ... TEMPLATE) and a `chroma run` the bench starts per size, on a free port, with its
data in bench/.cache/scale-server-SIZE/chroma (copied from the next smaller too) and stopped
once that size is measured: the product's collection name is fixed, so one server holds one
archive. --chroma-url uses a running server instead (one size only). The warm asks, the fresh
worker (NEWSDESK_DATABASE_URL and NEWSDESK_CHROMA_URL in its environment: it opens no HNSW index
itself), the ingests (the empty store: database newsdesk_scale_empty and a Chroma server of its
own), the prune and the alert round all use the server archive. Reported as well: the size of
the database and of the Chroma server's folder, and the server's RSS after the measurement.

With --chroma-server the archives stay on SQLite, but each size is measured through a `chroma
run` the bench starts over the archive's own Chroma folder (built embedded, as above): the
worker holds no HNSW index, the server does (its RSS is reported).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import queue
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import MODEL_CACHE, NEWSDATA, machine, read_jsonl, warm_embedder
from bench.databases import (
    DEFAULT_POSTGRES,
    copy_postgres_database,
    postgres_database,
    postgres_database_exists,
)
from bench.latency import one_article_ingests, percentile, probe_articles, timed_each
from bot.container import Container
from bot.settings import Settings
from core.models import Article, Chunk
from core.terms import tokenize
from ingest.chunking import chunk_metadata
from ingest.identity import article_id
from retrieval.engine_lexical import POSTINGS_PER_TERM, RESCORED, EngineLexicalSearch
from storage.lexical_search import LexicalSearchRepository
from storage.schema import articles as articles_table
from tests.support.chroma import chroma_process

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
EMBEDDING: Literal["onnx"] = "onnx"
YEAR_END = datetime(2026, 12, 6, tzinfo=UTC)
NOISE = 0.02
BUILD_CACHE_KIB = 3_000_000  # the build's SQLite page cache: 3 GB
SQLITE_BATCH = 1000
# PostgreSQL's counter triggers update the same rows (the totals, common terms) once a chunk:
# within one transaction each update walks the row's versions so far, so a transaction's cost
# grows with its square. 8,065 passages: 99 s of database at 1,000 articles, 37 s at 25.
POSTGRES_BATCH = 25


@dataclass(frozen=True)
class Store:
    """Where an archive is: SQLite + embedded Chroma in ``folder``, or on servers."""

    folder: Path
    database_url: str = ""  # empty: SQLite in folder
    chroma_url: str = ""  # empty: embedded Chroma in folder


def settings(store: Store, engine: str = "memory") -> Settings:
    return Settings(data_dir=store.folder, database_url=store.database_url,
                    chroma_url=store.chroma_url, embedding_backend=EMBEDDING,
                    model_cache_dir=MODEL_CACHE,
                    lexical_engine="database" if engine.startswith("database") else "memory")


def engine_search(container: Container, engine: str, postings: int,
                  rescored: int = RESCORED) -> EngineLexicalSearch:
    """The database engine's search as ``engine`` names it (exact: postings_per_term None)."""
    return EngineLexicalSearch(LexicalSearchRepository(container.database),
                               None if engine == "database-exact" else postings, rescored)


def lexical_agreement(store: Store, questions: list[str], variants: list[tuple[int, int]],
                      k: int = 40) -> list[dict[str, float]]:
    """The database search with each (postings per term, rescored) against the exact one: the
    overlap of their top k, and the time of each alone (second of two passes)."""
    container = Container(settings(store, "database"), embedder=None)

    def run(search: EngineLexicalSearch) -> tuple[list[list[str]], list[float]]:
        for _ in range(2):
            ranked, times = [], []
            for question in questions:
                started = time.perf_counter()
                hits = search.search(Counter(tokenize(question)), k)
                times.append(1000 * (time.perf_counter() - started))
                ranked.append([h.chunk_id for h in hits])
        return ranked, times

    exact, exact_ms = run(engine_search(container, "database-exact", 0))
    rows = []
    for postings, rescored in variants:
        ranked, ms = run(engine_search(container, "database", postings, rescored))
        pairs = list(zip(ranked, exact, strict=True))

        def overlap(depth: int, pairs: list[tuple[list[str], list[str]]] = pairs) -> float:
            return round(statistics.mean(len(set(a[:depth]) & set(b[:depth]))
                                         / max(1, len(b[:depth])) for a, b in pairs), 3)

        rows.append({"postings": postings, "rescored": rescored,
                     "lexical_overlap@10": overlap(10), f"lexical_overlap@{k}": overlap(k),
                     "lexical_top1_same": round(statistics.mean(
                         float(a[:1] == b[:1]) for a, b in pairs), 3),
                     "lexical_database_p50_ms": round(percentile(ms, 0.5), 1),
                     "lexical_database_p95_ms": round(percentile(ms, 0.95), 1),
                     "lexical_database_exact_p50_ms": round(percentile(exact_ms, 0.5), 1),
                     "lexical_database_exact_p95_ms": round(percentile(exact_ms, 0.95), 1)})
    container.close()
    return rows


def source_copy() -> Path:
    """The eval index, copied once: it is shared with other benchmarks and never written here."""
    shared = CACHE / f"eval-data-{EMBEDDING}"
    copy = CACHE / "scale-source"
    if not (copy / "newsdesk.sqlite3").exists():
        if not (shared / "newsdesk.sqlite3").exists():
            sys.exit(f"run bench/eval.py --backend {EMBEDDING} first: it builds the index")
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(shared, copy)
    return copy


def marked(article: Article, spans: list[Chunk], copy: int) -> tuple[str, list[Chunk]]:
    """The article's text with " [copy.index]" inserted in each chunk's own part (the part no
    neighbour overlaps, at a space when there is one), and the chunks moved to match."""
    text = article.text
    inserts: list[tuple[int, str]] = []
    for i, chunk in enumerate(spans):
        low = max(chunk.start, spans[i - 1].end if i else 0)
        high = min(chunk.end, spans[i + 1].start if i + 1 < len(spans) else chunk.end)
        if low >= high:
            continue
        space = text.find(" ", low, high)
        inserts.append((space if space >= 0 else low, f" [{copy}.{i}]"))

    def moved(position: int) -> int:  # a marker at a chunk's start is inside it
        return position + sum(len(m) for q, m in inserts if q < position)

    pieces, last = [], 0
    for position, marker in inserts:
        pieces += [text[last:position], marker]
        last = position
    pieces.append(text[last:])
    new_text = "".join(pieces)
    chunks = []
    for chunk in spans:
        start, end = moved(chunk.start), moved(chunk.end)
        chunks.append(replace(chunk, start=start, end=end, text=new_text[start:end]))
    return new_text, chunks


class VectorWriter:
    """Chroma writes made by a process of its own (embedded Chroma in the same folder, or the
    same server), one batch at a time, while this process writes the database."""

    def __init__(self, settings: Settings) -> None:
        context = multiprocessing.get_context("spawn")
        self._batches: Any = context.Queue(maxsize=1)
        self._done: Any = context.Queue()
        self._process = context.Process(target=_write_vectors,
                                        args=(settings, self._batches, self._done))
        self._process.start()
        self._waiting = 0

    def submit(self, article_ids: list[str], chunks: list[Chunk], vectors: np.ndarray) -> None:
        """Hand over one batch: ``VectorStore.replace`` of these articles."""
        self._batches.put((article_ids, chunks, vectors))
        self._waiting += 1

    def wait(self) -> float:
        """Seconds the batches handed over took, once they are written."""
        spent = 0.0
        while self._waiting:
            while True:
                try:
                    done = self._done.get(timeout=5)
                    break
                except queue.Empty:
                    if not self._process.is_alive():
                        sys.exit(f"the Chroma writer died (exit {self._process.exitcode})")
            if isinstance(done, str):
                sys.exit(f"the Chroma writer failed: {done}")
            spent += done
            self._waiting -= 1
        return spent

    def close(self) -> None:
        """Stop the process once its batches are written."""
        self.wait()
        self._batches.put(None)
        self._process.join()


def _write_vectors(settings: Settings, batches: Any, done: Any) -> None:
    """VectorWriter's process: a store of its own, each batch's time (or failure) reported."""
    vectors = Container(settings, embedder=None).vectors
    while (batch := batches.get()) is not None:
        started = time.perf_counter()
        try:
            vectors.replace(*batch)
        except Exception as exc:  # reported to the build, which stops
            done.put(repr(exc))
            return
        done.put(time.perf_counter() - started)


def build(source: Container, target: Container, wanted: int, batch: int = 1000) -> None:
    """Add originals, then varied copies, each article absent from ``target``, up to ``wanted``
    passages: ``batch`` articles a database transaction and a Chroma write."""
    originals = list(source.articles.iter_articles())
    spans = {a.id: source.articles.chunks_of(a.id) for a in originals}
    ids = [c.id for a in originals for c in spans[a.id]]
    vectors: dict[str, np.ndarray] = {}
    for start in range(0, len(ids), 2000):
        vectors.update(source.vectors.embeddings(ids[start:start + 2000]))
    dimension = len(next(iter(vectors.values())))
    have = set(_article_ids(target))
    count = target.articles.chunk_count()
    pending: list[tuple[Article, list[Chunk], np.ndarray]] = []
    spent = {"database": 0.0, "chroma": 0.0}
    # the build's own connections: a page cache that holds the postings' B-tree while a
    # batch writes into it, and no fsync (production's connections keep their settings)
    session = _build_cache if target.database.dialect == "sqlite" else _build_session
    sa.event.listen(target.database.engine, "connect", session)
    target.database.dispose()

    # Chroma adds one batch while the database takes the next, in a process of its own: in a
    # thread of this one the two took turns at the interpreter lock (the build ran on one core)
    writer = VectorWriter(target.settings)
    in_flight: list[str] = []

    def indexed() -> None:  # marked from this process: one SQLite writer at a time
        if in_flight:
            spent["chroma"] += writer.wait()
            target.articles.mark_indexed(in_flight)
            in_flight.clear()

    def flush() -> None:
        if pending:
            started = time.perf_counter()
            target.articles.save_many((p[0], p[1]) for p in pending)
            spent["database"] += time.perf_counter() - started
            indexed()
            writer.submit([p[0].id for p in pending], [c for p in pending for c in p[1]],
                          np.concatenate([p[2] for p in pending]))
            in_flight.extend(p[0].id for p in pending)
            pending.clear()

    copy = 0
    started = time.perf_counter()
    while count < wanted:
        rng = np.random.default_rng(copy)
        for article in originals:
            if count >= wanted:
                break
            ages = rng.uniform(0, 365 * 86400), rng.uniform(0, 12 * 3600)
            noise = rng.normal(0, NOISE, (len(spans[article.id]), dimension)).astype(np.float32)
            url = article.url if copy == 0 else f"{article.url}?copy={copy}"
            new_id = article_id(url, article.content_hash)
            if new_id in have:
                continue
            text, chunks = (article.text, spans[article.id]) if copy == 0 else marked(
                article, spans[article.id], copy)
            fetched = YEAR_END - timedelta(seconds=ages[0])
            clone = replace(article, id=new_id, url=url, text=text, fetched_at=fetched,
                            published=fetched - timedelta(seconds=ages[1]),
                            title=article.title if copy == 0 else f"{article.title} ({copy})")
            metadata = chunk_metadata(clone)
            chunks = [replace(c, article_id=new_id, metadata=metadata) for c in chunks]
            matrix = np.stack([vectors[c.id] for c in spans[article.id]])
            if copy:
                matrix = matrix + noise
                matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
            pending.append((clone, chunks, matrix))
            have.add(new_id)
            count += len(chunks)
            if len(pending) >= batch:
                flush()
        # a batch runs on into the next copy: one that ended with the copy (and waited for
        # Chroma there) left the two processes taking turns, not working side by side
        print(f"  copy {copy}: {count} passages, {time.perf_counter() - started:.0f} s"
              f" (database {spent['database']:.0f} s, Chroma {spent['chroma']:.0f} s)",
              file=sys.stderr)
        copy += 1
    flush()
    indexed()
    writer.close()
    sa.event.remove(target.database.engine, "connect", session)
    target.database.dispose()


def _build_cache(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA cache_size=-{BUILD_CACHE_KIB}")
    cursor.execute("PRAGMA synchronous=OFF")  # a build that dies is started again anyway
    cursor.close()


def _build_session(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("SET synchronous_commit = off")  # PostgreSQL's: no wait for the WAL flush
    cursor.close()
    dbapi_connection.commit()  # else the pool's rollback on return would undo the SET


def _article_ids(container: Container) -> list[str]:
    with container.database.read() as conn:
        return [str(v) for v in conn.execute(sa.select(articles_table.c.id)).scalars()]


def archive(source: Container, size: int, smaller: Store | None,
            batch: int = 1000) -> tuple[Store, float]:
    """The archive of ``size`` passages (built, or completed, now: seconds spent)."""
    folder = CACHE / f"scale-{size}"
    started = time.perf_counter()
    if not (folder / "newsdesk.sqlite3").exists() and smaller is not None:
        shutil.copytree(smaller.folder, folder)
    store = Store(folder)
    _complete(source, store, size, batch)
    return store, time.perf_counter() - started


def _complete(source: Container, store: Store, size: int, batch: int) -> None:
    """Top the archive up to ``size`` passages when below 99.5% of it."""
    target = Container(settings(store), embedder=source.embedder)
    if target.articles.chunk_count() < size * 0.995:
        print(f"building {size} passages in {store.database_url or store.folder}...",
              file=sys.stderr)
        build(source, target, size, batch)
    target.close()


@dataclass(frozen=True)
class Servers:
    """The --postgres server and, if given, the running Chroma server (--chroma-url)."""

    postgres: str
    chroma_url: str = ""


@contextmanager
def chroma_server(folder: Path) -> Iterator[tuple[str, int]]:
    """`chroma run` from the venv on a free port with its data in ``folder``: URL and pid."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder.parent / "chroma-server.log").open("ab") as log, chroma_process(
            folder, log=log, start_seconds=300, stop_seconds=60) as started:  # a big
        yield started  # collection is read before the server answers


def server_archive(source: Container, size: int, smaller: Store | None, *, batch: int,
                   servers: Servers, running: ExitStack) -> tuple[Store, float, int | None]:
    """The archive of ``size`` passages on PostgreSQL + a Chroma server (started into
    ``running`` unless --chroma-url names one): the store, seconds spent, the server's pid."""
    folder = CACHE / f"scale-server-{size}"
    name = f"newsdesk_scale_{size}"
    started = time.perf_counter()
    pid = None
    if servers.chroma_url:
        url = servers.chroma_url
    else:
        vectors = folder / "chroma"
        if not postgres_database_exists(servers.postgres, name) or not vectors.exists():
            # the two halves of an archive are made together, or not at all
            shutil.rmtree(folder, ignore_errors=True)
            if smaller is not None:
                copy_postgres_database(servers.postgres, name,
                                       make_url(smaller.database_url).database or "")
                shutil.copytree(smaller.folder / "chroma", vectors)
            else:
                postgres_database(servers.postgres, name, fresh=True)
        url, pid = running.enter_context(chroma_server(vectors))
    store = Store(folder, postgres_database(servers.postgres, name, fresh=False), url)
    probe = Container(settings(store), embedder=None)
    passages, held = probe.articles.chunk_count(), probe.vectors.count()
    probe.close()
    if passages != held:
        if held:
            sys.exit(f"{name} holds {passages} passages, the Chroma server at {url} {held}: "
                     f"not one archive (a build cut short? drop {name} and remove {folder}, "
                     "or give an empty server)")
        store = replace(store, database_url=postgres_database(servers.postgres, name, True))
    _complete(source, store, size, batch)
    return store, time.perf_counter() - started, pid


def server_sizes(store: Store, pid: int | None) -> dict[str, float]:
    """The archive's database on disk, and the Chroma server's folder and RSS (MB) when the
    bench started it (``pid``: of a --chroma-url server it knows neither)."""
    engine = sa.create_engine(store.database_url)
    with engine.connect() as conn:
        database = conn.execute(sa.text("SELECT pg_database_size(current_database())")).scalar()
    engine.dispose()
    sizes: dict[str, float] = {"postgres_mb": round(int(database or 0) / 2**20)}
    if pid is not None:
        sizes["chroma_mb"] = round(sum(f.stat().st_size for f in (store.folder / "chroma")
                                       .rglob("*") if f.is_file()) / 2**20)
        sizes["chroma_server_rss_mb"] = rss_mb(pid)
    return sizes


def rss_mb(pid: int) -> int:
    """A process's resident memory (MB)."""
    status = Path(f"/proc/{pid}/status").read_text()
    rss = next(line for line in status.splitlines() if line.startswith("VmRSS:"))
    return round(int(rss.split()[1]) / 1024)


def warm_asks(store: Store, engine: str, questions: list[str], embedder: Any,
              postings: int = POSTINGS_PER_TERM, *, rounds: int = 2,
              torch: Any = None) -> dict[str, float]:
    """Warm ask percentiles and the median query embedding, timed in alternating loops (torch
    first, as bench/latency.py: its threads still spin after a call, so never just before an
    ask)."""
    container = Container(settings(store, engine), embedder=embedder)
    if engine.startswith("database"):
        # no setting chooses the exact search or another postings bound: set here
        container.lexical._engine = engine_search(container, engine, postings)
    answerer = container.answerer
    for question in questions[:5]:
        answerer.answer(question)
    ask_ms: list[float] = []
    embed_ms: list[float] = []
    torch_ms: list[float] = []

    for _ in range(rounds):
        if torch is not None:
            timed_each(lambda q: torch.encode([q]), questions, torch_ms)
        timed_each(lambda q: embedder.encode([q]), questions, embed_ms)
        timed_each(answerer.answer, questions, ask_ms)
    container.close()
    embed = statistics.median(embed_ms)
    result = {"ask_p50_ms": round(percentile(ask_ms, 0.5), 1),
              "ask_p95_ms": round(percentile(ask_ms, 0.95), 1),
              "query_embedding_ms": round(embed, 1),
              "p95_to_embedding": round(percentile(ask_ms, 0.95) / embed, 2)}
    if torch_ms:  # the "one query embedding" (1.4x at 50k when it was filed)
        result["torch_query_embedding_ms"] = round(statistics.median(torch_ms), 1)
        result["p95_to_torch_embedding"] = round(percentile(ask_ms, 0.95)
                                                 / statistics.median(torch_ms), 2)
    return result


def fresh_worker(store: Store, engine: str, question: str) -> dict[str, float]:
    """A new process answering one question: wall time from spawn to exit, and its memory."""
    env = {**os.environ, "NEWSDESK_LEXICAL_ENGINE": engine, "HF_HUB_OFFLINE": "1",
           "NEWSDESK_DATABASE_URL": store.database_url, "NEWSDESK_CHROMA_URL": store.chroma_url}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, __file__, "worker", str(store.folder), question],
                          env=env, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - started
    inside = json.loads(done.stdout.strip().splitlines()[-1])
    return {"first_answer_wall_s": round(wall, 2), **inside}


def worker(folder: Path, question: str) -> None:
    """What ``fresh_worker`` runs: settings from the environment, as a bot worker reads them
    (the database and the Chroma server too, when the archive is on servers)."""
    started = time.perf_counter()
    container = Container(Settings(data_dir=folder, embedding_backend=EMBEDDING,
                                   model_cache_dir=MODEL_CACHE))
    container.answerer.answer(question)
    inside = time.perf_counter() - started
    # VmHWM, not getrusage's ru_maxrss: Linux keeps that across fork and exec, so a worker
    # spawned by a big bench process would report the bench's peak
    status = dict(line.split(":", 1) for line in
                  Path("/proc/self/status").read_text().splitlines() if ":" in line)
    print(json.dumps({"first_answer_inside_s": round(inside, 2),
                      "rss_after_mb": round(int(status["VmRSS"].split()[0]) / 1024),
                      "peak_rss_mb": round(int(status["VmHWM"].split()[0]) / 1024)}))


def ingests(store: Store, embedder: Any, probes: int, offset: int,
            postgres: str = "") -> dict[str, float]:
    """Median seconds to ingest one BBC News text into the archive and into an empty store (on
    the ``postgres`` server and a Chroma server of its own when given)."""
    with tempfile.TemporaryDirectory() as empty_dir, tempfile.TemporaryDirectory() as texts, \
            ExitStack() as running:
        empty_store = Store(Path(empty_dir))
        if postgres:
            url, _ = running.enter_context(chroma_server(Path(empty_dir) / "chroma"))
            empty_store = Store(Path(empty_dir),
                                postgres_database(postgres, "newsdesk_scale_empty", True), url)
        empty = Container(settings(empty_store), embedder=embedder)
        into_empty = one_article_ingests(empty, probe_articles(probes, offset, Path(texts)))
        empty.close()
        full = Container(settings(store), embedder=embedder)
        into_full = one_article_ingests(full, probe_articles(probes, offset + 1, Path(texts)))
        full.close()
    return {"ingest_empty_s": round(into_empty, 3), "ingest_s": round(into_full, 3),
            "ingest_to_empty": round(into_full / into_empty, 2)}


def prune_a_day(store: Store, embedder: Any) -> dict[str, float]:
    """Prune the articles stored in the archive's oldest day, as `prune --older-than 365` would
    366 days after it."""
    probe = Container(settings(store), embedder=embedder)
    with probe.database.read() as conn:
        oldest = conn.execute(sa.select(sa.func.min(articles_table.c.fetched_at))).scalar()
    probe.close()
    assert isinstance(oldest, datetime)
    oldest = oldest if oldest.tzinfo else oldest.replace(tzinfo=UTC)
    now = oldest + timedelta(days=366)
    container = Container(settings(store), embedder=embedder, clock=lambda: now)
    started = time.perf_counter()
    report = container.retention.prune(365)
    seconds = time.perf_counter() - started
    container.close()
    return {"prune_s": round(seconds, 2), "pruned_articles": report.articles,
            "pruned_passages": report.passages}


def alert_round(store: Store, embedder: Any, subscriptions: int, fresh: int,
                step: int) -> dict[str, float]:
    """One alert-matching round of a warm worker: ``fresh`` archive articles written again
    (new revisions, as an update would) matched against ``subscriptions`` chats' topics."""
    from alerts.topics import parse_topic
    from bench.alerts import headline_topics
    from core.errors import SubscriptionError
    from storage.subscriptions import SubscriptionRepository

    base = settings(store)
    container = Container(base.model_copy(update={"alert_max_age_hours": 24 * 365 * 50}),
                          embedder=embedder)
    repo = SubscriptionRepository(container.database)
    with container.database.read() as conn:
        have = int(conn.execute(sa.text("SELECT count(*) FROM subscriptions")).scalar() or 0)
    if have < subscriptions:
        now = datetime.now(UTC)
        for chat, topic in enumerate(headline_topics(subscriptions, set()), 1):
            parsed = parse_topic(topic)
            try:
                repo.add(chat, "private", None, parsed.text, parsed.key, now=now, limit=20)
            except SubscriptionError:  # a topic drawn twice for one chat
                continue
    container.alerts.match_new()  # catch up: untimed
    everything = sorted(_article_ids(container))
    seconds = 0.0
    for part in (2 * step, 2 * step + 1):  # the first round warms the worker (topic vectors)
        ids = everything[part * fresh:(part + 1) * fresh]
        stored = container.articles.get_many(ids)
        for article_id_ in ids:
            container.articles.save(stored[article_id_], container.articles.chunks_of(article_id_))
        container.articles.mark_indexed(ids)
        started = time.perf_counter()
        run = container.alerts.match_new()
        seconds = time.perf_counter() - started
    container.close()
    return {"alert_round_s": round(seconds, 2), "alert_round_articles": run.articles,
            "alert_round_matches": run.matches}


def ratios(results: list[dict[str, Any]]) -> None:
    if not results:
        return
    base = results[0]
    for result in results[1:]:
        result["to_base"] = {
            key: round(value / base[key], 2) for key, value in result.items()
            if isinstance(value, (int, float)) and not isinstance(value, bool)
            and key in base and base[key] and key not in ("size",)}


def measure_size(store: Store, size: int, args: argparse.Namespace, *, step: int,
                 build_s: float, questions: list[str], embedder: Any,
                 torch: Any = None) -> dict[str, Any]:
    """Everything measured at one size (the module docstring's list)."""
    probe = Container(settings(store), embedder=embedder)
    result: dict[str, Any] = {"size": size, "passages": probe.articles.chunk_count(),
                              "articles": len(_article_ids(probe)),
                              "build_s": round(build_s)}
    probe.close()
    for engine in args.engines:
        warm = warm_asks(store, engine, questions, embedder, args.postings, torch=torch)
        result.update({f"{engine}_{k}": v for k, v in warm.items()})
        print(json.dumps(result), file=sys.stderr)
    if "database" in args.engines:
        variants = [(args.postings, RESCORED)] + [
            (int(v.split(",")[0]), int(v.split(",")[1])) for v in args.sweep]
        shipped, *sweep = lexical_agreement(store, questions, variants)
        result.update({key: v for key, v in shipped.items() if key.startswith("lexical")})
        if sweep:
            result["sweep"] = sweep
        print(json.dumps(result), file=sys.stderr)
    for engine in (e for e in args.engines if e != "database-exact"):
        fresh = fresh_worker(store, engine, questions[0])
        result.update({f"{engine}_{k}": v for k, v in fresh.items()})
        print(json.dumps(result), file=sys.stderr)
    if args.probes:
        result.update(ingests(store, embedder, args.probes, 2 * step, args.postgres))
    result.update(prune_a_day(store, embedder))
    if args.alerts:
        try:
            result.update(alert_round(store, embedder, args.alerts, 100, step))
        except Exception as error:  # keep the figures measured so far
            result["alert_error"] = repr(error)
    print(json.dumps(result), file=sys.stderr)
    return result


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "worker":
        worker(Path(sys.argv[2]), sys.argv[3])
        return
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[50_000, 250_000])
    parser.add_argument("--questions", type=int, default=50)
    parser.add_argument("--probes", type=int, default=3)
    parser.add_argument("--engines", nargs="+", choices=("memory", "database", "database-exact"),
                        default=["memory", "database", "database-exact"])
    parser.add_argument("--postings", type=int, default=POSTINGS_PER_TERM,
                        help="postings read per query term by the database engine")
    parser.add_argument("--sweep", nargs="*", default=[], metavar="POSTINGS,RESCORED",
                        help="other settings of the database search, against the exact one")
    parser.add_argument("--alerts", type=int, default=1000,
                        help="subscriptions for the alert round (0: no round)")
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--batch", type=int, default=None,
                        help="articles a database transaction and a Chroma write in the build "
                        f"(default {SQLITE_BATCH} on SQLite, {POSTGRES_BATCH} on PostgreSQL)")
    parser.add_argument("--postgres", nargs="?", const=DEFAULT_POSTGRES, default="",
                        metavar="URL", help="archives on this PostgreSQL server and Chroma "
                        f"servers (bare: {DEFAULT_POSTGRES})")
    parser.add_argument("--chroma-url", default="", metavar="URL",
                        help="with --postgres: a running Chroma server for the one size, "
                        "rather than one started per size")
    parser.add_argument("--chroma-server", action="store_true",
                        help="SQLite archives measured through a `chroma run` over their "
                        "Chroma folder (the bench starts it), as README advises past a few "
                        "hundred thousand passages")
    args = parser.parse_args()
    if args.chroma_server and args.postgres:
        parser.error("--chroma-server is for SQLite archives (--postgres starts its own)")
    if args.chroma_url and (not args.postgres or len(args.sizes) > 1):
        parser.error("--chroma-url needs --postgres and one size: the collection name is fixed")
    servers = Servers(args.postgres, args.chroma_url) if args.postgres else None
    source = Container(settings(Store(source_copy())), embedder=None)
    embedder = source.embedder
    embedder.warm_up()
    questions = [q["question"] for q in read_jsonl(NEWSDATA / "realtimeqa_eval.jsonl",
                                                   args.questions)]
    results: list[dict[str, Any]] = []
    smaller: Store | None = None
    torch: Any = None
    for step, size in enumerate(sorted(args.sizes)):
        with ExitStack() as running:  # this size's Chroma server, stopped before the next
            pid = None
            if servers is None:
                store, build_s = archive(source, size, smaller, args.batch or SQLITE_BATCH)
                if args.chroma_server and not args.build_only:
                    url, pid = running.enter_context(chroma_server(store.folder / "chroma"))
                    store = replace(store, chroma_url=url)
            else:
                store, build_s, pid = server_archive(source, size, smaller,
                                                     batch=args.batch or POSTGRES_BATCH,
                                                     servers=servers, running=running)
            smaller = store
            if args.build_only:
                continue
            if torch is None:
                torch = warm_embedder("torch")  # the baseline of the warm asks
            results.append(measure_size(store, size, args, step=step, build_s=build_s,
                                        questions=questions, embedder=embedder, torch=torch))
            if servers is not None:
                results[-1].update(server_sizes(store, pid))
            elif pid is not None:
                results[-1]["chroma_server_rss_mb"] = rss_mb(pid)
            print(json.dumps(results[-1]), file=sys.stderr)
    ratios(results)
    source.close()
    print(json.dumps({"machine": machine(), "questions": len(questions), "postings": args.postings,
                      "stores": "PostgreSQL + a Chroma server" if servers else (
                          "SQLite + a Chroma server" if args.chroma_server
                          else "SQLite + embedded Chroma"),
                      "results": results},
                     indent=2))


if __name__ == "__main__":
    main()
