"""Dump each RealTime QA question's search pool: the hits a ranking judge reorders.

    .venv/bin/python bench/rank_pool.py [--backend onnx] [--k 40] --out FILE

One JSON line per question (as of its date): the question, its gold URLs and the ``k`` best
hits as the searcher returns them before any article judge (``judge=False``). bench/rank_judge.py
learns and measures the judge on these pools, so it can be re-run without searching again.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import NEWSDATA, read_jsonl
from bench.eval import CACHE, as_of
from bot.container import Container
from bot.settings import Settings
from retrieval.embeddings import BACKENDS, default_backend


def main() -> None:
    """Search every question once and write its pool."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=BACKENDS, default=None)
    parser.add_argument("--k", type=int, default=40)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    backend = args.backend or default_backend()
    settings = Settings(data_dir=CACHE / f"eval-data-{backend}", embedding_backend=backend,
                        model_cache_dir=CACHE / "models")
    container = Container(settings)
    lines = []
    for question in read_jsonl(NEWSDATA / "realtimeqa_eval.jsonl", args.limit):
        until = as_of(question)
        hits = container.searcher.search(question["question"], k=args.k, until=until, now=until,
                                         judge=False)
        lines.append(json.dumps({
            "id": question["id"], "date": question["date"], "question": question["question"],
            "answer": question["answer"], "gold_urls": question["gold_urls"],
            "now": until.isoformat(), "hits": [hit.to_dict() for hit in hits],
        }, ensure_ascii=False, default=str))
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
