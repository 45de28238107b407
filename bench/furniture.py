"""Page furniture out at ingest: what the cleaner removes from real news text, and what it keeps.

    .venv/bin/python bench/furniture.py [--sample 40] [--seed 20]

(a) RealTime QA (../shared/newsdata/realtimeqa_corpus.jsonl, 1,224 articles), each text
normalised as ingest did before the cleaner, then cleaned: sentences matching a furniture
pattern of tests/support/furniture_patterns.py, by pattern; characters removed; cuts by rule;
headlines that are a dateline or a credit (the record's title, or for a record without one the
headline ingest gives it); the gold answers of realtimeqa_eval.jsonl still found in their gold
articles; cleaning speed; and a seeded sample of removed lines to read for false positives.
(b) Saved pages (html_trafilatura, html_readability): pages with every must-contain snippet,
must-not-contain snippets found (html_trafilatura's MANIFEST.json; html_readability ships no
such list) and furniture-pattern sentences, in the extracted text before and after cleaning.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import NEWSDATA, machine, read_jsonl
from bench.eval import norm
from ingest.clean import headline_for, normalise_text
from ingest.furniture import Cut, furniture_cuts
from tests.integration.extraction import (
    lost_with_furniture,
    score_readability_set,
    score_trafilatura_set,
)
from tests.support.furniture_patterns import count_furniture, is_dateline_or_credit


def realtimeqa(sample: int, seed: int) -> None:
    """Part (a): the corpus before and after cleaning."""
    rows = read_jsonl(NEWSDATA / "realtimeqa_corpus.jsonl")
    before = [normalise_text(row["text"]) for row in rows]
    started = time.perf_counter()
    cleaned = [furniture_cuts(text) for text in before]
    seconds = time.perf_counter() - started
    after = [text for text, _ in cleaned]
    cuts: list[Cut] = [cut for _, article_cuts in cleaned for cut in article_cuts]
    removed = sum(map(len, before)) - sum(map(len, after))
    mb = sum(len(t.encode()) for t in before) / 1e6
    print(f"RealTime QA: {len(rows)} articles, {sum(map(len, before)):,} chars, {machine()}")
    print(f"chars removed: {removed:,} ({removed / sum(map(len, before)):.1%}); "
          f"cleaning {mb / seconds:.1f} MB/s ({seconds:.2f} s)")
    _table("furniture sentences", count_furniture(before), count_furniture(after))
    print("cuts by rule: " + ", ".join(f"{r} {n}" for r, n in Counter(
        c.rule for c in cuts).most_common()))
    old_titles = [_old_title(row) for row in rows]
    new_titles = [headline_for(row.get("title") or "", text) for row, text in zip(
        rows, after, strict=True)]
    print(f"headlines that are a dateline or credit: {sum(map(is_dateline_or_credit, old_titles))}"
          f" -> {sum(map(is_dateline_or_credit, new_titles))}")
    kept, total = _answers_kept(rows, before, after)
    print(f"gold answers in their gold article: {total} before, {kept} after")
    print(f"\n{sample} removed lines (seed {seed}), to read for false positives:")
    lines = [c for c in cuts if c.rule != "dateline"]  # a dateline is a few words, never news
    for cut in random.Random(seed).sample(lines, min(sample, len(lines))):
        print(f"  [{cut.rule}] {cut.text[:200]}")


def _old_title(row: dict[str, Any]) -> str:
    """The headline ingest stored before the cleaner: the title, else the first line."""
    title = " ".join((row.get("title") or "").split())
    return title or normalise_text(row["text"]).split("\n", 1)[0][:120]


def _answers_kept(rows: list[dict[str, Any]], before: list[str],
                  after: list[str]) -> tuple[int, int]:
    """(answers still in their gold article after cleaning, answers in it before)."""
    by_url = {row["url"]: i for i, row in enumerate(rows)}
    kept = total = 0
    for question in read_jsonl(NEWSDATA / "realtimeqa_eval.jsonl"):
        answer = norm(question["answer"])
        for url in question["gold_urls"]:
            if url in by_url and answer in norm(before[by_url[url]]):
                total += 1
                kept += answer in norm(after[by_url[url]])
    return kept, total


def pages() -> None:
    """Part (b): the saved pages' extraction scores before and after cleaning."""
    for name, scorer in (("html_trafilatura", score_trafilatura_set),
                         ("html_readability", score_readability_set)):
        raw, clean = scorer(NEWSDATA / name), scorer(NEWSDATA / name, clean=True)
        print(f"\n{name}: {len(raw)} pages")
        for label, scores in (("before", raw), ("after", clean)):
            unwanted = sum(len(s.unwanted) for s in scores)
            furniture = sum(count_furniture(normalise_text(s.text) for s in scores).values())
            print(f"  {label:6} must-contain {sum(s.ok for s in scores)}/{len(scores)}"
                  f" = {sum(s.ok for s in scores) / len(scores):.1%}; must-not-contain found"
                  f" {unwanted}; furniture sentences {furniture}")
        for after, before in zip(clean, raw, strict=True):
            for snippet in lost_with_furniture(after, before):
                print(f"  lost only with its furniture: {after.name}: {snippet[:60]!r}")


def _table(title: str, before: Counter[str], after: Counter[str]) -> None:
    print(f"{title}: pattern, before, after")
    for name in sorted(before | after):
        print(f"  {name:18} {before[name]:6} {after[name]:6}")
    print(f"  {'total':18} {sum(before.values()):6} {sum(after.values()):6}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sample", type=int, default=40, help="removed lines to print")
    parser.add_argument("--seed", type=int, default=20)
    args = parser.parse_args()
    realtimeqa(args.sample, args.seed)
    pages()


if __name__ == "__main__":
    main()
