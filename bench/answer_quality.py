"""What a reader of the answers meets, on RealTime QA: how many quotes, how long, on the story?

    .venv/bin/python bench/answer_quality.py [--limit N] [--backend B] [--dump FILE]

Uses the same index as bench/eval.py (bench/.cache/eval-data-BACKEND, built once). Each question
is answered as of its date with k=5, and the answer is read as a user reads it:
- quotes per answer and quoted characters (median and mean);
- the gold answer string in the **first** quote, and anywhere in the answer;
- hit@5 / MRR over the distinct cited articles (as bench/eval.py counts them);
- articles cited under more than one marker;
- on the story: the share of quotes whose article is labelled as about the question's story in
  bench/story_labels.json (gold articles count as on the story; unlabelled citations are
  counted and listed so they can be labelled);
- furniture: quotes matching the page-furniture pattern list of tests/support (when present);
- answered in substance: the answers holding the gold string, plus those without it that
  bench/substance_labels.json labels as answering all the same ("six months" for 6), where the
  label was made for that very answer (a digest of its quotes); the others are listed, to label.
``--dump`` writes one JSON line per question (question, gold, quotes) for labelling and reading.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import NEWSDATA, machine, read_jsonl, with_selection
from bench.eval import CACHE, as_of, norm
from bot.container import Container
from bot.settings import Settings
from ingest.identity import canonical_url
from ingest.pipeline import SourceSpec
from retrieval.answer.models import Answer
from retrieval.embeddings import BACKENDS, default_backend

HERE = Path(__file__).resolve().parent
LABELS = HERE / "story_labels.json"
SUBSTANCE = HERE / "substance_labels.json"


def furniture_in(text: str) -> list[str]:
    """The names of the page-furniture patterns the tests keep that ``text`` matches."""
    module = importlib.import_module("tests.support.furniture_patterns")
    return [name for name, _ in module.furniture_sentences(text)]


def load_labels() -> dict[str, dict[str, list[str]]]:
    """Question id → {"on": [urls], "off": [urls]} (canonical URLs)."""
    if not LABELS.exists():
        return {}
    raw: dict[str, dict[str, list[str]]] = json.loads(LABELS.read_text())
    return {qid: {side: [canonical_url(u) for u in urls] for side, urls in sides.items()}
            for qid, sides in raw.items()}


def quotes_digest(row: dict[str, Any]) -> str:
    """What a substance label was made for: a digest of the answer's snippets."""
    text = "\n".join(q["snippet"] for q in row["quotes"])
    return hashlib.sha1(text.encode()).hexdigest()[:12]


def in_substance(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Answers holding the gold string or labelled as answering in substance; the misses whose
    answer has no label (new, or changed since it was labelled)."""
    labels = json.loads(SUBSTANCE.read_text())["labels"] if SUBSTANCE.exists() else {}
    answered = 0
    unlabelled = []
    counts = {"yes": 0, "partial": 0, "no": 0}
    for r in rows:
        wanted = norm(r["answer"])
        if any(wanted in norm(q["snippet"]) for q in r["quotes"]):
            answered += 1
            continue
        label = labels.get(r["id"])
        if label is None or label["quotes"] != quotes_digest(r):
            unlabelled.append(r["id"])
            continue
        counts[label["label"]] += 1
        answered += label["label"] == "yes"
    return {"answered_in_substance": round(answered / (len(rows) or 1), 3),
            "misses_labelled": counts, "misses_unlabelled": unlabelled}


def read_answer(question: dict[str, Any], answer: Answer) -> dict[str, Any]:
    """One question's answer as the reader meets it."""
    quotes = [{"n": c.n, "url": c.ref.url, "title": c.ref.title, "source": c.ref.source,
               "published": c.ref.day, "snippet": c.snippet}
              for c in answer.citations]
    return {"id": question["id"], "date": question["date"], "question": question["question"],
            "answer": question["answer"], "gold_urls": question["gold_urls"],
            "found": answer.found, "quotes": quotes}


def top_articles(container: Container, question: dict[str, Any]) -> dict[str, Any]:
    """The distinct articles among the question's top search hits, with a taste of each."""
    until = as_of(question)
    hits = container.searcher.search(question["question"], k=12, until=until, now=until)
    seen: dict[str, dict[str, Any]] = {}
    for hit in hits:
        for ref in (hit.ref, *hit.also):
            if ref.url not in seen:
                seen[ref.url] = {"url": ref.url, "title": ref.title, "source": ref.source,
                                 "published": ref.day, "text": " ".join(hit.text.split())[:500]}
    return {"id": question["id"], "date": question["date"], "question": question["question"],
            "answer": question["answer"], "gold_urls": question["gold_urls"],
            "articles": list(seen.values())}


def summarise(rows: list[dict[str, Any]], labels: dict[str, dict[str, list[str]]]
              ) -> dict[str, Any]:
    """The figures over every answered question."""
    counts = [len(r["quotes"]) for r in rows]
    chars = [sum(len(q["snippet"]) for q in r["quotes"]) for r in rows]
    first = anywhere = hit5 = 0
    mrr = 0.0
    repeated = 0
    on = off = unlabelled = labelled_questions = 0
    furniture: list[str] = []
    missing: dict[str, list[str]] = {}
    for r in rows:
        wanted = norm(r["answer"])
        texts = [norm(q["snippet"]) for q in r["quotes"]]
        first += bool(texts) and wanted in texts[0]
        anywhere += any(wanted in t for t in texts)
        urls = list(dict.fromkeys(canonical_url(q["url"]) for q in r["quotes"]))
        gold = {canonical_url(u) for u in r["gold_urls"]}
        ranks = [i for i, u in enumerate(urls[:5], start=1) if u in gold]
        hit5 += bool(ranks)
        mrr += 1 / ranks[0] if ranks else 0.0
        numbers: dict[str, set[int]] = {}
        for q in r["quotes"]:
            numbers.setdefault(canonical_url(q["url"]), set()).add(q["n"])
        repeated += any(len(n) > 1 for n in numbers.values())
        for q in r["quotes"]:
            if furniture_in(q["snippet"]):
                furniture.append(" ".join(q["snippet"].split())[:160])
        label = labels.get(r["id"])
        if label is None:
            continue
        labelled_questions += 1
        on_story = set(label.get("on", [])) | gold
        off_story = set(label.get("off", []))
        for q in r["quotes"]:
            url = canonical_url(q["url"])
            if url in on_story:
                on += 1
            elif url in off_story:
                off += 1
            else:
                unlabelled += 1
                missing.setdefault(r["id"], []).append(q["url"])
    n = len(rows) or 1
    return {
        "questions": len(rows),
        "quotes_median": statistics.median(counts) if counts else 0,
        "quotes_mean": round(statistics.mean(counts), 2) if counts else 0,
        "quoted_chars_median": statistics.median(chars) if chars else 0,
        "answer_in_first_quote": round(first / n, 3),
        "answer_anywhere": round(anywhere / n, 3),
        "hit@5": round(hit5 / n, 3), "mrr": round(mrr / n, 3),
        "answers_citing_an_article_twice": repeated,
        "furniture_quotes": len(furniture), "furniture_examples": furniture[:10],
        "labelled_questions": labelled_questions,
        "on_story_share": round(on / (on + off), 3) if on + off else None,
        "quotes_on_story": on, "quotes_off_story": off, "quotes_unlabelled": unlabelled,
        "unlabelled": missing,
        **in_substance(rows),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int, default=None, help="only the first N questions")
    parser.add_argument("--backend", choices=BACKENDS, default=default_backend())
    parser.add_argument("--dump", type=Path, default=None, help="write each answer here (JSONL)")
    parser.add_argument("--summarise", type=Path, default=None, metavar="DUMP",
                        help="only summarise the answers of an earlier --dump")
    parser.add_argument("--candidates", type=Path, default=None,
                        help="write each question's top 12 articles here (JSONL), to label")
    parser.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE",
                        help="quote with this Selection field changed (repeatable), to try it")
    args = parser.parse_args()
    if args.summarise:
        rows = read_jsonl(args.summarise)
        print(json.dumps({"dump": str(args.summarise), **summarise(rows, load_labels())},
                         indent=2))
        return

    settings = Settings(data_dir=CACHE / f"eval-data-{args.backend}",
                        embedding_backend=args.backend, model_cache_dir=CACHE / "models")
    container = Container(settings)
    if container.articles.count() < 1000:
        print("ingesting the RealTime QA corpus once (minutes)...", file=sys.stderr)
        container.pipeline.run([SourceSpec(str(NEWSDATA / "realtimeqa_corpus.jsonl"))])
    answerer = with_selection(container.answerer, args.set)
    rows = []
    candidates = []
    answerer.answer("warm up")
    seconds = []
    for question in read_jsonl(NEWSDATA / "realtimeqa_eval.jsonl", args.limit):
        started = time.perf_counter()
        answer = answerer.answer(question["question"], k=5, until=as_of(question))
        seconds.append(time.perf_counter() - started)
        rows.append(read_answer(question, answer))
        if args.candidates:
            candidates.append(top_articles(container, question))
    if args.candidates:
        args.candidates.write_text(
            "".join(json.dumps(c, ensure_ascii=False) + "\n" for c in candidates))
    if args.dump:
        args.dump.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    ms = sorted(1000 * t for t in seconds)
    print(json.dumps({"machine": machine(), "backend": args.backend,
                      "ask_ms_p50": round(statistics.median(ms), 1),
                      "ask_ms_p95": round(ms[int(0.95 * (len(ms) - 1))], 1),
                      **summarise(rows, load_labels())}, indent=2))


if __name__ == "__main__":
    main()
