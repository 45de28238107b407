"""Warm `ask` latency with 10k and 50k chunks in the store, against one query embedding.

    .venv/bin/python bench/latency.py [--sizes 10000 50000] [--questions 100]
        [--backends sqlite postgresql] [--embedding-backend onnx-int8] [--probes 5]

Needs the RealTime QA index that bench/eval.py builds with the same embedding backend
(bench/.cache/eval-data-BACKEND). Extra chunks are
synthesised from it: copies of real articles under new URLs whose chunk vectors are the real ones
plus small noise (re-normalised), written straight to the database (with their terms) and
Chroma, since embedding 50k chunks would take the model most of an hour here. For each database
backend and size, reports p50/p95 of a warm ``answerer.answer`` and the median time of a single
query embedding measured in the same run (alternating loops), on the embedding backend in use
and on torch (the baseline: the goal is p95 <= 1.5x one torch query embedding). Then the cost
that grows with the archive: ingesting one new article (a BBC News text file, --probes of them,
median) into the store of that size vs into an empty store (goal: <= 2x apart). The PostgreSQL
stores live in databases newsdesk_bench_latency_SIZE on the --postgres server.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import MODEL_CACHE, NEWSDATA, machine, read_jsonl, warm_embedder
from bench.databases import DEFAULT_POSTGRES, postgres_database
from bot.container import Container
from bot.settings import Settings
from ingest.chunking import chunk_metadata
from ingest.identity import article_id
from ingest.pipeline import SourceSpec
from retrieval.embeddings import BACKENDS, Embedder, default_backend

HERE = Path(__file__).resolve().parent


def synthesise(source: Container, target: Container, chunks_wanted: int) -> None:
    """Fill ``target`` with real articles, then noisy copies of them, up to ``chunks_wanted``."""
    rng = np.random.default_rng(7)
    originals = list(source.articles.iter_articles())
    copy = 0
    while target.articles.chunk_count() < chunks_wanted:
        for article in originals:
            if target.articles.chunk_count() >= chunks_wanted:
                break
            spans = source.articles.chunks_of(article.id)
            vectors = source.vectors.embeddings([c.id for c in spans])
            url = article.url if copy == 0 else f"{article.url}?copy={copy}"
            clone = replace(article, id=article_id(url, article.content_hash), url=url,
                            title=article.title if copy == 0 else f"{article.title} ({copy})")
            metadata = chunk_metadata(clone)
            chunks = [replace(c, article_id=clone.id, metadata=metadata) for c in spans]
            matrix = np.stack([vectors[c.id] for c in spans])
            if copy:
                matrix = matrix + rng.normal(0, 0.02, matrix.shape).astype(np.float32)
                matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
            target.articles.save(clone, chunks)
            target.vectors.replace([clone.id], chunks, matrix)
            target.articles.mark_indexed([clone.id])
        copy += 1


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def timed_each(call: Callable[[str], object], questions: list[str], into: list[float]) -> None:
    """Time ``call`` on each question, appending milliseconds to ``into``."""
    for question in questions:
        started = time.perf_counter()
        call(question)
        into.append(1000 * (time.perf_counter() - started))


def measure(container: Container, questions: list[str], torch: Embedder,
            rounds: int = 2) -> dict[str, float]:
    """Warm ask percentiles and median query embeddings, each timed in a loop of its own.

    The loops alternate (torch, backend, ask; twice) so drift on a shared machine touches all
    three alike. One loop per kind, not one question at a time through all three: torch's
    worker threads keep spinning for a while after each call and would slow the ask that
    followed, which the bot, running no torch, never sees.
    """
    answerer, embedder = container.answerer, container.embedder
    for question in questions[:5]:
        answerer.answer(question)
    ask_ms: list[float] = []
    embed_ms: list[float] = []
    torch_ms: list[float] = []

    for _ in range(rounds):
        timed_each(lambda q: torch.encode([q]), questions, torch_ms)
        timed_each(lambda q: embedder.encode([q]), questions, embed_ms)
        timed_each(answerer.answer, questions, ask_ms)
    embed, torch_embed = statistics.median(embed_ms), statistics.median(torch_ms)
    return {
        "ask_p50_ms": round(percentile(ask_ms, 0.5), 1),
        "ask_p95_ms": round(percentile(ask_ms, 0.95), 1),
        "query_embedding_ms": round(embed, 1),
        "torch_query_embedding_ms": round(torch_embed, 1),
        "p50_to_embedding": round(percentile(ask_ms, 0.5) / embed, 2),
        "p95_to_embedding": round(percentile(ask_ms, 0.95) / embed, 2),
        "p95_to_torch_embedding": round(percentile(ask_ms, 0.95) / torch_embed, 2),
    }


def one_article_ingests(container: Container, articles: list[Path]) -> float:
    """Median seconds to ingest one new article, each on its own, into ``container``."""
    seconds = []
    for article in articles:
        started = time.perf_counter()
        report = container.pipeline.run([SourceSpec(str(article))])
        seconds.append(time.perf_counter() - started)
        assert report.added == 1, report.to_dict()
    return statistics.median(seconds)


def probe_articles(count: int, offset: int, folder: Path) -> list[Path]:
    """BBC News texts (not in the RealTime QA store), a different slice per store.

    Each is copied with a line that makes it new on every run, so a cached store takes it in.
    """
    files = sorted((NEWSDATA / "bbc_fulltext").glob("*/*.txt"))[offset * count:]
    copies = []
    for file in files[:count]:
        copy = folder / f"{file.parent.name}-{file.name}"
        text = file.read_text(encoding="utf-8", errors="replace")
        copy.write_text(f"{text}\n\nProbe {uuid.uuid4()}.\n", encoding="utf-8")
        copies.append(copy)
    return copies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 50_000])
    parser.add_argument("--questions", type=int, default=100)
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="server URL")
    parser.add_argument("--embedding-backend", choices=BACKENDS,
                        default=default_backend())
    parser.add_argument("--probes", type=int, default=5, help="one-article ingests per store")
    args = parser.parse_args()
    embedding = args.embedding_backend
    source_dir = HERE / ".cache" / f"eval-data-{embedding}"
    if not (source_dir / "newsdesk.sqlite3").exists():
        sys.exit(f"run bench/eval.py --backend {embedding} first: it builds the index copied here")
    source = Container(Settings(data_dir=source_dir, embedding_backend=embedding,
                                model_cache_dir=MODEL_CACHE))
    torch = warm_embedder("torch")
    probe = 0
    questions = [q["question"] for q in read_jsonl(NEWSDATA / "realtimeqa_eval.jsonl",
                                                   args.questions)]
    results = []
    for size in args.sizes:
        for backend in args.backends:
            folder = HERE / ".cache" / f"latency-{backend}-{size}-{embedding}"
            name = f"newsdesk_bench_latency_{size}_{embedding.replace('-', '_')}"

            def settings(fresh: bool, folder: Path = folder, name: str = name,
                         backend: str = backend) -> Settings:
                url = postgres_database(args.postgres, name, fresh) if (
                    backend == "postgresql") else ""
                return Settings(data_dir=folder, database_url=url, embedding_backend=embedding,
                                model_cache_dir=MODEL_CACHE)

            target = Container(settings(fresh=False), embedder=source.embedder)
            if target.articles.chunk_count() < size:
                target.close()
                shutil.rmtree(folder, ignore_errors=True)
                target = Container(settings(fresh=True), embedder=source.embedder)
                print(f"synthesising {size} chunks ({backend})...", file=sys.stderr)
                synthesise(source, target, size)
            result = {"backend": backend, "embedding_backend": embedding,
                      "chunks": target.articles.chunk_count(), **measure(target, questions, torch)}
            if args.probes:
                with tempfile.TemporaryDirectory() as empty_dir, \
                        tempfile.TemporaryDirectory() as probes:
                    texts = Path(probes)
                    empty_url = postgres_database(args.postgres, "newsdesk_bench_empty", True) if (
                        backend == "postgresql") else ""
                    empty = Container(Settings(data_dir=Path(empty_dir), database_url=empty_url,
                                               embedding_backend=embedding,
                                               model_cache_dir=MODEL_CACHE),
                                      embedder=source.embedder)
                    into_empty = one_article_ingests(
                        empty, probe_articles(args.probes, probe, texts))
                    empty.close()
                    into_full = one_article_ingests(
                        target, probe_articles(args.probes, probe + 1, texts))
                probe += 2
                result.update(one_article_into_empty_s=round(into_empty, 3),
                              one_article_into_full_s=round(into_full, 3),
                              full_to_empty=round(into_full / into_empty, 2))
            results.append(result)
            print(json.dumps(result), file=sys.stderr)
            target.close()
    print(json.dumps({"machine": machine(), "questions": len(questions), "results": results},
                     indent=2))


if __name__ == "__main__":
    main()
