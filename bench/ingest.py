"""Ingest throughput on a RealTime QA slice, against a plain model.encode baseline.

    .venv/bin/python bench/ingest.py [--articles 300] [--backends sqlite postgresql]
        [--embedding-backends torch onnx onnx-int8]

For each embedding backend (torch first: the baseline for ``chunks_per_second_vs_torch``)
and each database backend: articles/s and chunks/s of a fresh ingest (embedded Chroma), the
ratio of the pipeline's wall time to a plain ``model.encode`` of the same chunk texts measured
in the same run (goal <= 1.15), and the re-ingest of the unchanged slice as a fraction of the
first ingest (goal <= 0.05). PostgreSQL is the local server (--postgres URL), in a database
created for the run and dropped after it.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import NEWSDATA, machine, peak_rss_mb, read_jsonl, stopwatch, warm_embedder
from bench.databases import DEFAULT_POSTGRES, drop_postgres_database, postgres_database
from bot.container import Container
from bot.settings import Settings
from ingest.pipeline import SourceSpec
from retrieval.embeddings import BACKENDS, Embedder
from retrieval.index import embedding_text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--corpus", type=Path, default=NEWSDATA / "realtimeqa_corpus.jsonl")
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--embedding-backends", nargs="+", choices=BACKENDS, default=BACKENDS)
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="server URL")
    args = parser.parse_args()

    rows = read_jsonl(args.corpus, args.articles)
    results = []
    baseline: dict[str, float] = {}
    for embedding in args.embedding_backends:
        embedder = warm_embedder(embedding)
        for backend in args.backends:
            result = {"embedding_backend": embedding,
                      **run(backend, rows, embedder, args.postgres)}
            if embedding == "torch":
                baseline[backend] = result["chunks_per_second"]
            if backend in baseline:
                result["chunks_per_second_vs_torch"] = round(
                    result["chunks_per_second"] / baseline[backend], 2)
            results.append(result)
            print(json.dumps(result), file=sys.stderr)
    print(json.dumps({"machine": machine(), "results": results,
                      "peak_rss_mb": round(peak_rss_mb(), 1)}, indent=2))


def run(backend: str, rows: list[dict[str, Any]], embedder: Embedder, postgres: str,
        ) -> dict[str, Any]:
    """Ingest the slice into a fresh database of ``backend``, then time plain encoding."""
    name = "newsdesk_bench_ingest"
    url = postgres_database(postgres, name, fresh=True) if backend == "postgresql" else ""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        slice_path = work / "slice.jsonl"
        slice_path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        container = Container(Settings(data_dir=work / "data", database_url=url),
                              embedder=embedder)
        with stopwatch() as first_time:
            first = container.pipeline.run([SourceSpec(str(slice_path))])
        texts = [
            embedding_text(chunk)
            for article in container.articles.iter_articles()
            for chunk in container.chunker.split(article)
        ]
        with stopwatch() as encode_time:
            embedder.encode(texts)
        with stopwatch() as again_time:
            again = container.pipeline.run([SourceSpec(str(slice_path))])
        container.close()
    if backend == "postgresql":
        drop_postgres_database(postgres, name)
    pipeline_s, encode_s = first_time(), encode_time()
    return {
        "backend": backend,
        "articles": first.added,
        "chunks": first.chunks_indexed,
        "failed": len(first.failed),
        "pipeline_seconds": round(pipeline_s, 2),
        "plain_encode_seconds": round(encode_s, 2),
        "articles_per_second": round(first.added / pipeline_s, 2),
        "chunks_per_second": round(first.chunks_indexed / pipeline_s, 2),
        "pipeline_to_encode_ratio": round(pipeline_s / encode_s, 3),
        "reingest_seconds": round(again_time(), 3),
        "reingest_fraction": round(again_time() / pipeline_s, 4),
        "reingest_unchanged": again.unchanged,
    }


if __name__ == "__main__":
    main()
