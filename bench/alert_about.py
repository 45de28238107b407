"""About-ness: a logistic model over where and how often a topic's words appear, whether the
article is a roundup, whether its headline is its own and the matcher's cosines, against today's
matcher (issue 22 item 3).

    .venv/bin/python bench/alert_about.py              # seen sets only (choices are made here)
    .venv/bin/python bench/alert_about.py --read-later # and the late + fifth sets, read once
    .venv/bin/python bench/alert_about.py --read-later --read-sixth  # and the sixth set, once
    .venv/bin/python bench/alert_about.py --read-later --read-sixth --read-seventh  # at the end

Ingests the labelled BBC pool as bench/alert_quality.py does (kept in bench/.cache/alert-about
between runs), scores every topic of the seen, late and fifth sets against every article it
admits, twice: as published, and as if each article had come without a title (its headline
made from its text, as ingest makes one). The model is fitted on the seen sets' pairs (both
readings) scoring at least FLOOR; its threshold is chosen on out-of-fold probabilities (each
seen set predicted by a fit on the others) by alert_quality.py's rule (the worse margin over
precision 0.9 and recall 0.8, largest). Then one fit on every seen pair gives the weights to
paste into alerts/about.py. Pairs under FLOOR never match. The sixth set (labelled before the
about-ness work) is scored only with --read-sixth. The seventh set (labelled on 2026-12-08) is
scored only with --read-seventh, once, at the very end: only then do its articles join the pool
(a store of its own, bench/.cache/alert-about-seventh), and the fit never sees them.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from alerts.about import FEATURES, FLOOR, Similarity, pair_features
from alerts.matching import DEFAULT_THRESHOLD, NewArticle, TopicMatcher, names_up_front
from alerts.topics import Topic, parse_topic
from bench.alert_labels import (
    FIFTH_TOPICS,
    FRESH_TOPICS,
    LATE_TOPICS,
    SEVENTH_TOPICS,
    SIXTH_TOPICS,
    TOPICS,
    UNSEEN_TOPICS,
)
from bench.alert_quality import URL, ingest_pool, margin, pool, prf, split, stored_articles
from bench.common import machine, warm_embedder
from bot.container import Container
from bot.settings import Settings
from core.terms import tokenize
from ingest.clean import headline_from
from retrieval.embeddings import BACKENDS, default_backend
from storage.alerts import ChangedArticle

CACHE = Path(__file__).resolve().parent / ".cache" / "alert-about"
CACHE_SEVENTH = CACHE.with_name("alert-about-seventh")  # the pool with the seventh set's articles
SOME_DAY = datetime(2005, 1, 1, tzinfo=UTC)
LABELLED = TOPICS + FRESH_TOPICS + UNSEEN_TOPICS + LATE_TOPICS + FIFTH_TOPICS
REGULARISATION = (0.1, 1.0, 10.0)  # scikit-learn's C, chosen on the seen sets
GRID = [round(0.05 + 0.01 * n, 2) for n in range(91)]
SEEN = (0, 1, 2, 3)
LATER = (4, 5)
SIXTH = 6
SPENT = (*SEEN, *LATER, SIXTH)  # every set read already: none can judge a change any more
SEVENTH = 7
NAME_MARGIN = 0.11  # the name rule that matched before the model (alerts.matching until then)
SPLITS = ["dev", "held-out", "fresh", "unseen", "late", "fifth", "sixth", "seventh"]


def scored_topics(sixth: bool, seventh: bool) -> tuple[list[tuple[str, list[str], list[str]]],
                                                       list[int]]:
    """The topics scored and each one's split: LABELLED, then the sixth set and the seventh set
    when asked for."""
    topics = LABELLED + (SIXTH_TOPICS if sixth else [])
    parts = [split(n) for n in range(len(topics))]
    if seventh:
        topics = topics + SEVENTH_TOPICS
        parts += [SEVENTH] * len(SEVENTH_TOPICS)
    return topics, parts


def store(embedder: Any, seventh: bool = False) -> tuple[
        Container, dict[str, ChangedArticle], dict[str, np.ndarray]]:
    """The labelled pool, ingested once into CACHE and opened from there afterwards; with
    ``seventh``, the pool with the seventh set's articles, in CACHE_SEVENTH."""
    cache = CACHE_SEVENTH if seventh else CACHE
    if (cache / "ingested").exists():
        container = Container(Settings(data_dir=cache / "data"), embedder=embedder)
        by_url, chunks = stored_articles(container)
        return container, {u.removeprefix(URL): a for u, a in by_url.items()}, chunks
    cache.mkdir(parents=True, exist_ok=True)
    stored = ingest_pool(cache, embedder, seventh=seventh)
    (cache / "ingested").touch()
    return stored


def rows(matcher: TopicMatcher, topics: list[Topic], labelled: dict[str, ChangedArticle],
         chunks: dict[str, np.ndarray]) -> list[dict[str, Any]]:
    """One row per admitted (topic, article) pair: today's score and decision, and features."""
    names = list(labelled)
    articles = [NewArticle(a.article_id, a.title, a.text, a.terms, chunks[a.article_id],
                           SOME_DAY) for a in labelled.values()]
    vectors = matcher.topic_vectors(topics)
    scores = matcher.hybrid_scores(topics, articles, vectors)
    headlines = vectors @ matcher.headline_vectors(articles).T
    leads = vectors @ np.stack([chunks[a.article_id][0] for a in labelled.values()]).T
    dense = np.stack([(chunks[a.article_id] @ vectors.T).max(axis=0)
                      for a in labelled.values()]).T
    terms = [tokenize(t.query) for t in topics]
    weights = matcher.weights({t for ts in terms for t in ts})
    out = []
    for n, topic in enumerate(topics):
        for k, name in enumerate(names):
            article = labelled[name]
            if not topic.admits(f"{article.title}\n{article.text}"):
                continue
            score = float(scores[n, k])
            named = names_up_front(topic, article.title, article.text)
            row: dict[str, Any] = {"topic": n, "article": name, "score": score,
                                   "today_names": names_rule(score, named)}
            if score >= FLOOR:
                row["x"] = pair_features(
                    terms[n], weights, article.title, article.text,
                    Similarity(score, float(dense[n, k]), float(leads[n, k]),
                               float(headlines[n, k])), named_up_front=named)
            out.append(row)
    return out


def names_rule(score: float, named: bool) -> bool:
    """What matched before the model: the hybrid score at the bar, or a name named up front
    within NAME_MARGIN under it."""
    return score >= DEFAULT_THRESHOLD or (named and score >= DEFAULT_THRESHOLD - NAME_MARGIN)


def fit(x: np.ndarray, y: np.ndarray, c: float) -> tuple[dict[str, float], float]:
    """A logistic regression on standardised features (inverse regularisation ``c``), returned
    on raw feature values."""
    scaler = StandardScaler().fit(x)
    model = LogisticRegression(C=c, max_iter=2000).fit(scaler.transform(x), y)
    scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
    coefficients = model.coef_[0] / scale
    intercept = float(model.intercept_[0] - coefficients @ scaler.mean_)
    return dict(zip(FEATURES, (float(c) for c in coefficients), strict=True)), intercept


def predict(x: np.ndarray, weights: dict[str, float], intercept: float) -> np.ndarray:
    coefficients = np.array([weights[f] for f in FEATURES])
    return np.asarray(1.0 / (1.0 + np.exp(-(x @ coefficients + intercept))))


def best(sweep: dict[float, dict[str, float]]) -> dict[str, float]:
    """The figures at the threshold whose margin over the goal is largest."""
    return {"threshold": max(GRID, key=lambda t: (margin(sweep[t]), -t)),
            **sweep[max(GRID, key=lambda t: (margin(sweep[t]), -t))]}


def out_of_fold(train: list[dict[str, Any]], folds: tuple[int, ...], read: Any,
                key: str) -> tuple[float, float, dict[float, dict[float, dict[str, float]]]]:
    """Each fold (a set) of ``train`` predicted by a fit on the other folds, for every
    regularisation (kept in each row as ``key``_C); the regularisation and threshold whose
    pooled out-of-fold margin over the goal is largest, and every sweep."""
    x = np.stack([r["x"] for r in train])
    y = np.array([r["y"] for r in train])
    sweeps: dict[float, dict[float, dict[str, float]]] = {}
    for c in REGULARISATION:
        for part in folds:
            held = np.array([r["split"] == part for r in train])
            weights, intercept = fit(x[~held], y[~held], c)
            for r, p in zip([r for r, h in zip(train, held, strict=True) if h],
                            predict(x[held], weights, intercept), strict=True):
                r[f"{key}_{c}"] = float(p)
        sweeps[c] = {t: read("published", folds,
                             lambda r, t=t, c=c: r.get(f"{key}_{c}", 0.0) >= t) for t in GRID}
    c, chosen = max(((c, t) for c in REGULARISATION for t in GRID),
                    key=lambda ct: (margin(sweeps[ct[0]][ct[1]]), -ct[1]))
    return c, chosen, sweeps


def leave_set_out(train: list[dict[str, Any]], read: Any) -> dict[str, Any]:
    """Every spent set predicted by a fit on all the others (published and as-if-untitled
    pairs), the regularisation and threshold chosen on those predictions pooled: what more
    labelled topics would give the model on topics it has not seen."""
    c, chosen, _ = out_of_fold(train, SPENT, read, "left_out")
    groups = {"seen": SEEN, "later_and_fifth": LATER, "sixth": (SIXTH,), "spent": SPENT}
    return {"c": c, "threshold": chosen, **{
        f"{name} {reading}": read(reading, parts,
                                  lambda r: r.get(f"left_out_{c}", 0.0) >= chosen)
        for name, parts in groups.items() for reading in ("published", "as_if_untitled")}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=BACKENDS, default=default_backend())
    parser.add_argument("--read-later", action="store_true",
                        help="also read the late and fifth sets (once, after the choices)")
    parser.add_argument("--read-sixth", action="store_true",
                        help="also score and read the sixth set (once, at the very end)")
    parser.add_argument("--read-seventh", action="store_true",
                        help="also score and read the seventh set (once, at the very end)")
    parser.add_argument("--leave-set-out", action="store_true",
                        help="with --read-later --read-sixth: each spent set (seen, late, "
                        "fifth, sixth) predicted by a fit on all the others")
    args = parser.parse_args()
    if args.leave_set_out and not (args.read_later and args.read_sixth):
        parser.error("--leave-set-out needs --read-later and --read-sixth (every spent set)")
    container, labelled, chunks = store(warm_embedder(args.backend), args.read_seventh)
    labelled_topics, part_of = scored_topics(args.read_sixth, args.read_seventh)
    topics = [parse_topic(text) for text, _, _ in labelled_topics]
    relevant = {(n, a) for n, (_, rel, _) in enumerate(labelled_topics) for a in rel}
    untitled = {name: replace(a, title=headline_from(a.text)) for name, a in labelled.items()}
    readings = {"published": rows(container.matcher, topics, labelled, chunks),
                "as_if_untitled": rows(container.matcher, topics, untitled, chunks)}
    container.close()
    for reading in readings.values():
        for row in reading:
            row["y"] = (row["topic"], row["article"]) in relevant
            row["split"] = part_of[row["topic"]]

    def truth(parts: tuple[int, ...]) -> set[tuple[int, str]]:
        return {(n, a) for n, a in relevant if part_of[n] in parts}

    def read(reading: str, parts: tuple[int, ...], decide: Any) -> dict[str, float]:
        found = {(r["topic"], r["article"]) for r in readings[reading]
                 if r["split"] in parts and decide(r)}
        return prf(found, truth(parts))

    # the fit never sees the articles only the seventh set labels (stored with --read-seventh)
    seventh_only = set(pool(seventh=True)) - set(pool())
    train = [r for reading in readings.values() for r in reading
             if r["split"] in SEEN and "x" in r and r["article"] not in seventh_only]
    x = np.stack([r["x"] for r in train])
    y = np.array([r["y"] for r in train])
    # out-of-fold: each seen set predicted by a fit on the other seen sets; the regularisation
    # and the threshold are the pair whose out-of-fold margin over the goal is largest
    c, chosen, sweeps = out_of_fold(train, SEEN, read, "oof")
    oof = sweeps[c]
    weights, intercept = fit(x, y, c)
    for reading in readings.values():
        for r in reading:
            r["p"] = float(predict(r["x"][None, :], weights, intercept)[0]) if "x" in r else 0.0

    groups: dict[str, tuple[int, ...]] = {"seen": SEEN}
    if args.read_later:
        groups["later_and_fifth"] = LATER
        groups |= {SPLITS[p]: (p,) for p in LATER}
    if args.read_sixth:
        groups["sixth"] = (SIXTH,)
    if args.read_seventh:
        groups["seventh"] = (SEVENTH,)
    rules = {
        "today_score_at_0.47": lambda r: r["score"] >= DEFAULT_THRESHOLD,
        "today_with_names_up_front": lambda r: r["today_names"],
        "about_model": lambda r: r["p"] >= chosen,
    }
    result = {
        "machine": machine(), "embedding_backend": args.backend, "articles": len(labelled),
        "topics": {name: sum(part in parts for part in part_of)
                   for name, parts in groups.items()},
        "floor": FLOOR, "training_pairs": len(train), "training_relevant": int(y.sum()),
        "relevant_under_floor": {name: sum(1 for r in readings["published"]
                                           if r["split"] in parts and r["y"] and "x" not in r)
                                 for name, parts in groups.items()},
        "chosen_threshold": chosen, "chosen_c": c,
        "seen_out_of_fold_by_c": {str(k): best(sweep) for k, sweep in sweeps.items()},
        "seen_out_of_fold_at_chosen": oof[chosen],
        "seen_out_of_fold_sweep": {str(t): oof[t] for t in GRID[::5]},
        "figures": {reading: {name: {rule: read(reading, parts, decide)
                                     for rule, decide in rules.items()}
                              for name, parts in groups.items()}
                    for reading in readings},
        "weights": {k: round(v, 4) for k, v in weights.items()},
        "intercept": round(intercept, 4),
    }
    if args.leave_set_out:
        result["leave_set_out"] = leave_set_out(
            [r for reading in readings.values() for r in reading
             if r["split"] in SPENT and "x" in r and r["article"] not in seventh_only], read)
    print(json.dumps(result, indent=2))
    print("\n# paste into alerts/about.py")
    print("WEIGHTS: dict[str, float] = {")
    for name in FEATURES:
        print(f'    "{name}": {weights[name]:.4f},')
    print("}")
    print(f"INTERCEPT = {intercept:.4f}")
    print(f"THRESHOLD = {chosen}")


if __name__ == "__main__":
    main()
