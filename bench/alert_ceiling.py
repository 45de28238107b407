"""How far the alert score can go: the ceiling behind the held-out matching goal.

    .venv/bin/python bench/alert_ceiling.py [--backend onnx]

Ingests the labelled pool of bench/alert_labels.py (as bench/alert_quality.py does), then the
rest of the BBC News corpus as an archive the pool is not part of, and scores every labelled
topic against the pool. For the 60 seen topics and the 27 later ones (the late and fifth sets,
each read after the scoring they were first measured on was fixed) it reports:

- the shipped score at the threshold chosen on the seen topics (alert_quality's rule);
- the shipped score at the threshold chosen on the later topics themselves (a global oracle);
- the per-topic oracle: the highest recall at precision >= 0.9 when every topic may have a
  threshold of its own, chosen with the labels — what any calibration of this score could
  reach; only a different ranking of each topic's articles does better;
- two ways to rank differently that need no other model: pseudo-relevance feedback (each
  topic's vector moved towards the mean vector of its k best-scoring archive articles) and the
  topic embedded inside a short template.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from alerts.matching import NewArticle, TopicMatcher
from alerts.topics import Topic, parse_topic
from bench.alert_quality import (
    ALL_TOPICS,
    BBC,
    SEEN,
    THRESHOLDS,
    URL,
    labelled_copy,
    margin,
    pool,
    split,
    stored_articles,
)
from bench.common import machine, warm_embedder
from bot.container import Container
from bot.settings import Settings
from ingest.pipeline import SourceSpec
from retrieval.embeddings import BACKENDS, default_backend

LATER = (4, 5)  # the late and fifth sets
SOME_DAY = datetime(2005, 1, 1, tzinfo=UTC)
FEEDBACK = [(10, 0.3), (10, 0.6), (20, 0.3), (20, 0.6)]  # (archive articles, weight)
TEMPLATES = ["{} news", "news about {}"]


class SteeredMatcher(TopicMatcher):
    """The shipped matcher with the topics' vectors given (feedback, templates)."""

    def __init__(self, base: TopicMatcher, embed: Callable[[list[str]], np.ndarray],
                 vectors: dict[str, np.ndarray]) -> None:
        super().__init__(embed, base.weights, base.threshold)
        self._given = vectors

    def topic_vectors(self, topics: Sequence[Topic]) -> np.ndarray:
        """The given vector of each topic, normalised."""
        rows = np.stack([self._given[t.query] for t in topics])
        return np.asarray(rows / np.linalg.norm(rows, axis=1, keepdims=True), dtype=np.float32)


def counts(scores: np.ndarray, threshold: float, names: list[str],
           relevant: set[str]) -> tuple[int, int, int]:
    """(found, right, relevant) of one topic's row at a threshold."""
    found = {names[j] for j in np.nonzero(scores >= threshold)[0]}
    return len(found), len(found & relevant), len(relevant)


def prf(totals: Sequence[tuple[int, int, int]]) -> dict[str, float]:
    found, right, relevant = (sum(column) for column in zip(*totals, strict=True))
    return {"precision": round(right / found if found else 1.0, 3),
            "recall": round(right / relevant, 3), "matched": found, "relevant": relevant}


def report(scores: np.ndarray, names: list[str]) -> dict[str, object]:
    """The figures of one scoring (topics x pool articles; -inf where a topic's phrases or
    exclusions rule an article out)."""
    relevant = [set(rel) for _, rel, _ in ALL_TOPICS]

    def at(threshold: float, parts: tuple[int, ...]) -> dict[str, float]:
        return prf([counts(scores[k], threshold, names, relevant[k])
                    for k in range(len(ALL_TOPICS)) if split(k) in parts])

    def chosen_on(parts: tuple[int, ...]) -> float:
        return max(THRESHOLDS, key=lambda t: (margin(at(t, parts)), -t))

    def per_topic_oracle(parts: tuple[int, ...]) -> dict[str, float]:
        """The highest recall that a threshold of its own for every topic reaches at pooled
        precision >= 0.9: a multiple-choice knapsack over the topics' thresholds (silence, a
        threshold above every score, among them), solved exactly on the integer slack
        10 x right - 9 x found, which must end >= 0."""
        best: dict[int, tuple[int, int]] = {0: (0, 0)}  # slack -> (right, found), most right
        total = 0
        for k in (k for k in range(len(ALL_TOPICS)) if split(k) in parts):
            total += len(relevant[k])
            options = {(0, 0)} | {counts(scores[k], t, names, relevant[k])[:2]
                                  for t in THRESHOLDS}
            grown: dict[int, tuple[int, int]] = {}
            for slack, (right, found) in best.items():
                for found_here, right_here in options:
                    key = slack + 10 * right_here - 9 * found_here
                    candidate = (right + right_here, found + found_here)
                    if key not in grown or candidate[0] > grown[key][0]:
                        grown[key] = candidate
            best = grown
        right, found = max((v for slack, v in best.items() if slack >= 0),
                           key=lambda v: v[0])
        return prf([(found, right, total)])

    seen_threshold, later_threshold = chosen_on(SEEN), chosen_on(LATER)
    return {
        "threshold_chosen_on_seen": seen_threshold,
        "seen": at(seen_threshold, SEEN), "later": at(seen_threshold, LATER),
        "threshold_chosen_on_later": later_threshold,
        "later_at_its_own_threshold": at(later_threshold, LATER),
        "per_topic_oracle_at_precision_0.9": {"seen": per_topic_oracle(SEEN),
                                              "later": per_topic_oracle(LATER)},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=BACKENDS, default=default_backend())
    args = parser.parse_args()
    labelled = set(pool())
    archive = sorted({f"{p.parent.name}/{p.stem}" for p in BBC.glob("*/*.txt")} - labelled)
    with tempfile.TemporaryDirectory() as tmp:
        container = Container(Settings(data_dir=Path(tmp) / "data"),
                              embedder=warm_embedder(args.backend))
        # the pool first, as alert_quality ingests it: an archive copy of a pool article is
        # then the one dropped as a duplicate
        for names in (sorted(labelled), archive):
            result = container.pipeline.run(
                [SourceSpec(str(labelled_copy(Path(tmp), n))) for n in names])
            assert result.ok, result.summary_lines()
        by_url, chunks = stored_articles(container)
        articles = {url.removeprefix(URL): NewArticle(
            a.article_id, a.title, a.text, a.terms, chunks[a.article_id], SOME_DAY)
            for url, a in by_url.items()}
        pool_names = sorted(n for n in articles if n in labelled)
        in_pool = [articles[n] for n in pool_names]
        in_archive = [articles[n] for n in sorted(articles) if n not in labelled]
        topics = [parse_topic(text) for text, _, _ in ALL_TOPICS]
        admits = np.array([[t.admits(f"{a.title}\n{a.text}") for a in in_pool]
                           for t in topics])
        matcher, embed = container.matcher, container.embedder.encode

        def scored(candidate: TopicMatcher) -> dict[str, object]:
            return report(np.where(admits, candidate.scores(topics, in_pool), -np.inf),
                          pool_names)

        queries = matcher.topic_vectors(topics)
        results: dict[str, object] = {"shipped": scored(matcher)}
        archive_scores = matcher.scores(topics, in_archive)
        means = np.stack([a.vectors.mean(axis=0) for a in in_archive])
        means /= np.linalg.norm(means, axis=1, keepdims=True)
        for k, weight in FEEDBACK:
            best = np.argsort(-archive_scores, axis=1)[:, :k]
            moved = queries + weight * means[best].mean(axis=1)
            results[f"feedback k={k} weight={weight}"] = scored(SteeredMatcher(
                matcher, embed, {t.query: v for t, v in zip(topics, moved, strict=True)}))
        for template in TEMPLATES:
            vectors = embed([template.format(t.query) for t in topics])
            results[f"template '{template}'"] = scored(SteeredMatcher(
                matcher, embed, {t.query: v for t, v in zip(topics, vectors, strict=True)}))
        container.close()
    print(json.dumps({"machine": machine(), "embedding_backend": args.backend,
                      "pool": len(pool_names), "archive": len(in_archive),
                      "topics": {"seen": sum(split(k) in SEEN for k in range(len(ALL_TOPICS))),
                                 "later": sum(split(k) in LATER
                                              for k in range(len(ALL_TOPICS)))},
                      "scorings": results}, indent=2))


if __name__ == "__main__":
    main()
