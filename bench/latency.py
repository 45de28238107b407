"""Warm `ask` latency with 10k and 50k chunks in the store, against one query embedding.

    .venv/bin/python bench/latency.py [--sizes 10000 50000] [--questions 100]
                                      [--backends sqlite postgresql]

Needs the RealTime QA index that bench/eval.py builds (bench/.cache/eval-data). Extra chunks are
synthesised from it: copies of real articles under new URLs whose chunk vectors are the real ones
plus small noise (re-normalised), written straight to the database (with their terms) and
Chroma, since embedding 50k chunks would take the model most of an hour here. For each database
backend and size, reports p50/p95 of a warm ``answerer.answer`` and the median time of a single
query embedding measured in the same loop; the goal is p95 <= 3x the embedding time. The
PostgreSQL stores live in databases newsdesk_bench_latency_SIZE on the --postgres server.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import NEWSDATA, machine, read_jsonl
from bench.databases import DEFAULT_POSTGRES, postgres_database
from bot.container import Container
from bot.settings import Settings
from ingest.chunking import chunk_metadata
from ingest.identity import article_id

HERE = Path(__file__).resolve().parent
SOURCE = HERE / ".cache" / "eval-data"


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


def measure(container: Container, questions: list[str]) -> dict[str, float]:
    answerer, embedder = container.answerer, container.embedder
    for question in questions[:5]:
        answerer.answer(question)
    ask_ms, embed_ms = [], []
    for question in questions:
        started = time.perf_counter()
        embedder.encode([question])
        embed_ms.append(1000 * (time.perf_counter() - started))
        started = time.perf_counter()
        answerer.answer(question)
        ask_ms.append(1000 * (time.perf_counter() - started))
    embed = statistics.median(embed_ms)
    return {
        "ask_p50_ms": round(percentile(ask_ms, 0.5), 1),
        "ask_p95_ms": round(percentile(ask_ms, 0.95), 1),
        "query_embedding_ms": round(embed, 1),
        "p50_to_embedding": round(percentile(ask_ms, 0.5) / embed, 2),
        "p95_to_embedding": round(percentile(ask_ms, 0.95) / embed, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 50_000])
    parser.add_argument("--questions", type=int, default=100)
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="server URL")
    args = parser.parse_args()
    if not (SOURCE / "newsdesk.sqlite3").exists():
        sys.exit("run bench/eval.py first: it builds the index this benchmark copies")
    source = Container(Settings(data_dir=SOURCE))
    questions = [q["question"] for q in read_jsonl(NEWSDATA / "realtimeqa_eval.jsonl",
                                                   args.questions)]
    results = []
    for size in args.sizes:
        for backend in args.backends:
            folder = HERE / ".cache" / f"latency-{backend}-{size}"
            name = f"newsdesk_bench_latency_{size}"

            def settings(fresh: bool, folder: Path = folder, name: str = name,
                         backend: str = backend) -> Settings:
                url = postgres_database(args.postgres, name, fresh) if (
                    backend == "postgresql") else ""
                return Settings(data_dir=folder, database_url=url)

            target = Container(settings(fresh=False), embedder=source.embedder)
            if target.articles.chunk_count() < size:
                target.close()
                shutil.rmtree(folder, ignore_errors=True)
                target = Container(settings(fresh=True), embedder=source.embedder)
                print(f"synthesising {size} chunks ({backend})...", file=sys.stderr)
                synthesise(source, target, size)
            results.append({"backend": backend, "chunks": target.articles.chunk_count(),
                            **measure(target, questions)})
            target.close()
    print(json.dumps({"machine": machine(), "questions": len(questions), "results": results},
                     indent=2))


if __name__ == "__main__":
    main()
