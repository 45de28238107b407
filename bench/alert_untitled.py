"""Topic alerts on real untitled articles: RealTime QA records that came without a title against
those that came with one (issue 22 item 4).

    HF_HUB_OFFLINE=1 .venv/bin/python bench/alert_untitled.py [--backend onnx] [--store DIR]

Ingests every RealTime QA record labelled in bench/alert_labels.REALTIMEQA_UNTITLED_TOPICS
(relevant, near and unclear) and BACKGROUND other records drawn at random (seed 22), as the
corpus file has them (url, title or none, text, published), into a temporary store (or DIR,
kept and reopened between runs): ingest makes a record without a title a headline from its text
(ingest.clean.headline_from). Every topic is scored against every stored record it admits with
the matcher the bot uses (alerts.matching.TopicMatcher: the about-ness model on the hybrid
score's scale) at the shipped bar (DEFAULT_THRESHOLD, what bench/alert_quality.py reads), and
by the hybrid score alone at the same bar (what matched before the model). Recall is read on the
relevant records that came with a title and on those that came without; precision on the
matches among titled records and among untitled ones. A topic's unclear records are left out
of its scoring; a record relevant to another topic only is a negative. The titled records are
also read as if untitled (their headline made from their text, as alert_quality.py reads BBC's),
to tell the records from their headlines.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from alerts.matching import DEFAULT_THRESHOLD
from alerts.topics import parse_topic
from bench.alert_labels import REALTIMEQA_UNTITLED_TOPICS as LABELLED
from bench.alert_quality import as_untitled, prf, stored_articles, topic_scores
from bench.common import NEWSDATA, machine, read_jsonl, warm_embedder
from bot.container import Container
from bot.settings import Settings
from ingest.identity import canonical_url
from ingest.pipeline import SourceSpec
from retrieval.embeddings import BACKENDS, default_backend

CORPUS = NEWSDATA / "realtimeqa_corpus.jsonl"
BACKGROUND = 250  # unlabelled records drawn at random beside the labelled ones
SEED = 22
Pair = tuple[int, str]


def untitled(record: dict[str, Any]) -> bool:
    """The issue's definition: a record whose title is empty."""
    return not (record.get("title") or "").strip()


def pool(records: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], int, list[str]]:
    """The labelled records and BACKGROUND others drawn at random, how many are labelled, and
    the records left out because another pool record has the same URL once canonicalised
    (ingest would store the two as one article): of such a group the record without a title is
    kept, or else the first in the corpus."""
    labelled = {url for _, relevant, near, unclear in LABELLED
                for url in relevant + near + unclear}
    by_url = {r["url"]: r for r in records}
    assert labelled <= set(by_url), sorted(labelled - set(by_url))
    others = sorted(set(by_url) - labelled)
    drawn = set(random.Random(SEED).sample(others, BACKGROUND))
    groups: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        if record["url"] in labelled | drawn:
            groups.setdefault(canonical_url(record["url"]), []).append(record)
    kept = [min(group, key=lambda r: not untitled(r)) for group in groups.values()]
    left_out = sorted({r["url"] for g in groups.values() for r in g} - {r["url"] for r in kept})
    return kept, len(labelled), left_out


def open_pool(folder: Path, rows: list[dict[str, Any]], embedder: Any) -> tuple[Container, float]:
    """A store in ``folder`` holding the pool (ingested now, or reopened), and the seconds
    ingest took (0 when reopened)."""
    done = folder / "ingested"
    container = Container(Settings(data_dir=folder / "data"), embedder=embedder)
    took = 0.0
    if not done.exists():
        path = folder / "pool.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        start = time.perf_counter()
        report = container.pipeline.run([SourceSpec(str(path))])
        took = time.perf_counter() - start
        assert report.ok, report.summary_lines()
        path.unlink()  # the corpus's text stays in ../shared only
        done.touch()
    return container, took


def summary(found: set[Pair], truth: set[Pair], pairs: set[Pair]) -> dict[str, float]:
    """prf over the pairs given (the records of one kind, unclear ones left out)."""
    return prf(found & pairs, truth & pairs)


def read(container: Container, kind: dict[str, str]) -> dict[str, Any]:
    """Every topic scored against the stored pool; the figures by rule and by kind of record."""
    by_url, chunks = stored_articles(container)
    topics = [parse_topic(text) for text, _, _, _ in LABELLED]
    labelled = {u for _, rel, near, unc in LABELLED for u in rel + near + unc}
    unclear = {(n, u) for n, (_, _, _, unc) in enumerate(LABELLED) for u in unc}
    truth = {(n, u) for n, (_, rel, _, _) in enumerate(LABELLED) for u in rel if u in by_url}
    every = {(n, u) for n in range(len(topics)) for u in by_url} - unclear
    of_kind = {k: {(n, u) for n, u in every if kind[u] == k} for k in ("titled", "untitled")}
    # the titled records also as if untitled: their headline made from their text (an untitled
    # record's is that already)
    readings = {"published": by_url, "titled_as_if_untitled": {
        u: made if kind[u] == "titled" else by_url[u] for u, made in as_untitled(by_url).items()}}
    decisions: dict[str, dict[str, set[Pair]]] = {}
    admitted: list[int] = []
    for name, articles in readings.items():
        scores = topic_scores(container.matcher, topics, articles, chunks)
        hybrid = topic_scores(container.matcher, topics, articles, chunks, hybrid=True)
        admitted = admitted or [len(s) for s in scores]
        decisions[name] = {
            "hybrid_score_at_the_bar": {(n, u) for n, s in enumerate(hybrid)
                                        for u, v in s.items() if v >= DEFAULT_THRESHOLD},
            "as_shipped_about_model": {(n, u) for n, s in enumerate(scores)
                                       for u, v in s.items() if v >= DEFAULT_THRESHOLD},
        }
    both = {n for n, (_, rel, _, _) in enumerate(LABELLED)
            if {kind[u] for u in rel if u in by_url} == {"titled", "untitled"}}

    def figures(found: set[Pair], only: set[int] | None = None) -> dict[str, Any]:
        keep = set(range(len(topics))) if only is None else only
        return {k: summary({p for p in found if p[0] in keep},
                           {p for p in truth if p[0] in keep},
                           {p for p in pairs if p[0] in keep})
                for k, pairs in of_kind.items()}

    def macro(found: set[Pair], only: set[int]) -> dict[str, float | None]:
        """Mean per-topic recall, each kind over the topics with a relevant record of it."""
        out: dict[str, float | None] = {}
        for k, pairs in of_kind.items():
            recalls = [len(found & truth & pairs & {p for p in truth if p[0] == n})
                       / len({p for p in truth & pairs if p[0] == n})
                       for n in only if any(p[0] == n for p in truth & pairs)]
            out[k] = round(float(np.mean(recalls)), 3) if recalls else None
        return out

    published = decisions["published"]
    per_topic = {}
    for n, (text, _, near, unc) in enumerate(LABELLED):
        mine = {p for p in every if p[0] == n}
        row: dict[str, Any] = {
            "relevant": {k: len(truth & mine & pairs) for k, pairs in of_kind.items()},
            "near": len(near), "unclear": len(unc),
            "admitted": admitted[n],
        }
        for rule, found in published.items():
            row[rule] = {k: {"found": len(found & truth & mine & pairs),
                             "false": len((found & mine & pairs) - truth)}
                         for k, pairs in of_kind.items()}
        row["untitled_missed_as_shipped"] = sorted(
            u for m, u in (truth & of_kind["untitled"]) - published["as_shipped_about_model"]
            if m == n)
        per_topic[text] = row
    return {
        "stored": len(by_url),
        "stored_untitled": sum(kind[u] == "untitled" for u in by_url),
        "labelled_not_stored": sorted(labelled - set(by_url)),
        "relevant_pairs": {k: len(truth & pairs) for k, pairs in of_kind.items()},
        "topics_with_both_kinds": sorted(LABELLED[n][0] for n in both),
        "bar": DEFAULT_THRESHOLD,
        "figures": {reading: {rule: {"all_topics": figures(found),
                                     "topics_with_both_kinds": figures(found, both),
                                     "macro_recall_all_topics": macro(
                                         found, set(range(len(topics)))),
                                     "macro_recall_topics_with_both": macro(found, both)}
                              for rule, found in rules.items()}
                    for reading, rules in decisions.items()},
        "per_topic": per_topic,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=BACKENDS, default=default_backend())
    parser.add_argument("--store", type=Path, default=None,
                        help="keep the ingested pool here and reopen it on later runs")
    args = parser.parse_args()
    records = read_jsonl(CORPUS)
    rows, labelled_count, left_out = pool(records)
    kind = {r["url"]: "untitled" if untitled(r) else "titled" for r in records}
    embedder = warm_embedder(args.backend)
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.store or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        container, took = open_pool(folder, rows, embedder)
        start = time.perf_counter()
        result = read(container, kind)
        container.close()
    print(json.dumps({
        "machine": machine(), "embedding_backend": args.backend,
        "pool": {"labelled": labelled_count, "background": BACKGROUND, "seed": SEED,
                 "untitled_in_pool": sum(untitled(r) for r in rows),
                 "left_out_same_canonical_url": left_out},
        "ingest_seconds": round(took, 1),
        "scoring_seconds": round(time.perf_counter() - start, 1),
        **result}, indent=2))


if __name__ == "__main__":
    main()
