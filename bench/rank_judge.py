"""Learn the story judge's weights and measure it: which article of the pool is the gold one.

    .venv/bin/python bench/rank_judge.py POOLS [--backend onnx] [--fit all|even]

POOLS is bench/rank_pool.py's output. The judge (retrieval/story_judge.py) is a logistic
regression over article features, fitted on the even questions (gold articles positive, the
rest of each pool negative) and measured on the odd ones, against the fused rank alone. Prints
hit@1 / hit@5 / MRR of the distinct articles per half and the weights to ship.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
from sklearn.linear_model import LogisticRegression

from bench.eval import CACHE
from bot.container import Container
from bot.settings import Settings
from core.models import ArticleRef
from ingest.identity import canonical_url
from retrieval.embeddings import BACKENDS, default_backend
from retrieval.recency import time_intent
from retrieval.search import JUDGE_POOL, SearchHit
from retrieval.story_judge import FEATURES, ArticleEvidence, StoryJudge, article_features


def evidence(pool: dict[str, Any]) -> list[ArticleEvidence]:
    """The pool's articles, as the searcher hands them to the judge."""
    by_article: dict[str, list[SearchHit]] = {}
    for row in pool["hits"]:
        ref = ArticleRef.from_dict(row)
        also = tuple(ArticleRef.from_dict(a) for a in row["also"])
        by_article.setdefault(ref.article_id, []).append(SearchHit(
            row["chunk_id"], ref, row["start"], row["end"], row["text"], row["score"],
            row["similarity"], also))
    return [ArticleEvidence(a, hits[0].ref.title, hits[0].ref.published,
                            len({r.article_id for h in hits for r in h.also}), i, tuple(hits))
            for i, (a, hits) in enumerate(by_article.items())]


def gold_of(pool: dict[str, Any], articles: list[ArticleEvidence]) -> set[str]:
    """The pool's articles that are (or fold in) a gold URL."""
    gold = {canonical_url(u) for u in pool["gold_urls"]}
    found = set()
    for article in articles:
        hits = [h for h in article.hits if isinstance(h, SearchHit)]
        refs = [h.ref for h in hits] + [r for h in hits for r in h.also]
        if any(canonical_url(r.url) in gold for r in refs):
            found.add(article.article_id)
    return found


def ranks(order: list[str], gold: set[str]) -> tuple[float, float, float]:
    """hit@1, hit@5 and reciprocal rank of the first gold article in ``order``."""
    first = next((i for i, a in enumerate(order, 1) if a in gold), None)
    return (float(first == 1), float(first is not None and first <= 5),
            1.0 / first if first else 0.0)


def main() -> None:
    """Fit on the even questions, report both halves."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("pools", type=Path)
    parser.add_argument("--backend", choices=BACKENDS, default=None)
    parser.add_argument("--fit", choices=("even", "odd", "all"), default="even")
    parser.add_argument("--c", type=float, default=1.0)
    parser.add_argument("--pool", type=int, default=JUDGE_POOL, help="chunks the judge reorders")
    args = parser.parse_args()
    backend = args.backend or default_backend()
    container = Container(Settings(data_dir=CACHE / f"eval-data-{backend}",
                                   embedding_backend=backend, model_cache_dir=CACHE / "models"))
    idf = container.lexical.idf_weights
    rows = []
    for line in args.pools.read_text(encoding="utf-8").splitlines():
        pool = json.loads(line)
        pool["hits"] = pool["hits"][:args.pool]
        articles = evidence(pool)
        now = datetime.fromisoformat(pool["now"])
        features = article_features(articles, pool["question"], now, idf,
                                    prefer_recent=time_intent(pool["question"], now).prefer_recent)
        rows.append((pool, articles, features, gold_of(pool, articles)))
    train = [r for i, r in enumerate(rows)
             if args.fit == "all" or i % 2 == (args.fit == "odd")]
    x = np.array([f for _, arts, feats, _ in train for f in (feats[a.article_id] for a in arts)])
    y = np.array([a.article_id in gold for _, arts, _, gold in train for a in arts])
    model = LogisticRegression(C=args.c, max_iter=2000).fit(x, y)
    judge = StoryJudge(tuple(float(w) for w in model.coef_[0]))
    report: dict[str, Any] = {"pools": len(rows), "gold_in_pool": sum(bool(r[3]) for r in rows)}
    for half, picked in (("even", rows[0::2]), ("odd", rows[1::2]), ("all", rows)):
        base = np.array([ranks([a.article_id for a in arts], gold)
                         for _, arts, _, gold in picked])
        judged = np.array([ranks(sorted((a.article_id for a in arts),
                                        key=lambda a: -judge.score(feats[a])), gold)
                           for _, arts, feats, gold in picked])
        report[half] = {"fused hit@1/hit@5/MRR": [round(v, 3) for v in base.mean(axis=0)],
                        "judged hit@1/hit@5/MRR": [round(v, 3) for v in judged.mean(axis=0)]}
    report["weights"] = dict(zip(FEATURES, (round(w, 3) for w in judge.weights), strict=True))
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
