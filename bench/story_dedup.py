"""Story dedup from day one: same_story over the labelled pairs, with term rarity from a full
archive, from a day-one archive, and with the background word-frequency table (issue 22 item 6).

    .venv/bin/python bench/story_dedup.py [--backend onnx] [--held-out] [--cache FILE]

Ingests every labelled article into one temporary store: the BBC News articles of
bench/alert_labels.py (its topics and one-outlet story pairs) and the RealTime QA articles of
every cross-outlet pair. Each pair goes through alerts.stories.same_story at the shipped
thresholds, with the rarity of its terms read from

- archive: the whole store's BM25 idf, as today (prior 0);
- day one: a store holding only the pair's two articles (prior 0), and an empty one;
- background: each of those with the background table (alerts.rarity) as N chunks,
  N = BACKGROUND_CHUNKS (shipped) and a sweep, and the table alone.

Then a sweep of the event rule's thresholds and of the lead-similarity threshold. Choices are
made on the tuning pairs (the BBC pairs, the 37 older cross-outlet pairs and the first half of
the 64 new ones); ``--held-out`` adds the second half, read once, after the choices.
BBC texts carry no dates, so their pairs are also read as if each came out on the same day
(the event rule's worst case).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from alerts.matching import UpFront, Weights
from alerts.rarity import BACKGROUND_CHUNKS, with_background
from alerts.stories import (
    EVENT_OVERLAP,
    EVENT_SIMILARITY,
    EVENT_WINDOW,
    SAME_STORY_SIMILARITY,
    StoryLead,
    same_story,
    shared_particulars,
)
from bench.alert_labels import (
    CROSS_OUTLET_DIFFERENT,
    CROSS_OUTLET_DIFFERENT_2,
    CROSS_OUTLET_SAME,
    CROSS_OUTLET_SAME_2,
    DIFFERENT_STORY,
    SAME_STORY,
)
from bench.alert_quality import SOME_DAY, URL, ingest_pool, prf, stored_articles
from bench.common import NEWSDATA, machine, read_jsonl, warm_embedder
from core.models import ArticleTerms
from core.terms import tokenize
from ingest.pipeline import SourceSpec
from retrieval.embeddings import BACKENDS, default_backend
from retrieval.lexical import LexicalIndex
from retrieval.text import same_headline
from storage.chunk_terms import ChunkTermsRepository

Pairs = list[tuple[str, str]]
ANALYZER_PROBE = "Japanese officials said the 2,000 Yellowstone visitors were evacuated"
PRIORS = [0.0, 100.0, 300.0, 1000.0, 2000.0, 5000.0, 20000.0, 1e9]  # 1e9: the table alone
OVERLAPS = [0.20, 0.25, 0.30, 0.35, 0.40, 0.45, 0.50]
EVENT_SIMILARITIES = [0.70, 0.74, 0.78, 0.82]
LEAD_THRESHOLDS = [0.80, 0.84, 0.86, 0.88, 0.90, 0.92, 0.95]


def halves(pairs: Pairs) -> tuple[Pairs, Pairs]:
    """The tuning half (first) and the held-out half of a new list."""
    return pairs[: len(pairs) // 2], pairs[len(pairs) // 2:]


SAME_TUNING, SAME_HELD_OUT = halves(CROSS_OUTLET_SAME_2)
DIFFERENT_TUNING, DIFFERENT_HELD_OUT = halves(CROSS_OUTLET_DIFFERENT_2)
CROSS_URLS = sorted({u for pair in (CROSS_OUTLET_SAME + CROSS_OUTLET_DIFFERENT
                                    + CROSS_OUTLET_SAME_2 + CROSS_OUTLET_DIFFERENT_2)
                     for u in pair})


class _Terms:
    """A term source holding a fixed set of articles (a day-one store's lexical side)."""

    def __init__(self, articles: Sequence[ArticleTerms]) -> None:
        self._articles = list(articles)

    def revision(self) -> int:
        return 1

    def changed_since(self, revision: int) -> Iterable[ArticleTerms]:
        return self._articles if revision < 1 else []


def archive_of(articles: Sequence[ArticleTerms]) -> Weights:
    """The BM25 idf of a store holding just these articles."""
    return LexicalIndex(_Terms(articles)).idf_weights


@dataclass(frozen=True)
class Pair:
    """A labelled pair's leads and what same_story's rules read off them."""

    a: StoryLead
    b: StoryLead
    same: bool
    similarity: float
    within_window: bool
    same_headline: bool
    overlap: dict[tuple[str, float], float]  # (rarity source, prior) -> shared particulars


def measure(a: StoryLead, b: StoryLead, same: bool, sources: dict[str, Weights]) -> Pair:
    """Everything the decision needs, for every rarity source and prior."""
    assert a.vector is not None and b.vector is not None
    window = a.when is not None and b.when is not None and abs(a.when - b.when) <= EVENT_WINDOW
    return Pair(a, b, same, float(a.vector @ b.vector), window, same_headline(a.title, b.title),
                {(name, prior): shared_particulars(a, b, with_background(weights, prior))
                 for name, weights in sources.items() for prior in PRIORS})


def rule(source: str, prior: float, *, threshold: float = SAME_STORY_SIMILARITY,
         event_similarity: float = EVENT_SIMILARITY, overlap: float = EVENT_OVERLAP,
         ) -> Callable[[Pair], bool]:
    """same_story's decision on a measured pair (checked against it at shipped values)."""
    def said(pair: Pair) -> bool:
        return (pair.similarity >= threshold or pair.same_headline
                or (pair.within_window and pair.similarity >= event_similarity
                    and pair.overlap[(source, prior)] >= overlap))
    return said


def score(pairs: Sequence[Pair], said: Callable[[Pair], bool]) -> dict[str, float]:
    """Precision and recall of "same story" over labelled pairs."""
    found = {(0, str(n)) for n, p in enumerate(pairs) if said(p)}
    truth = {(0, str(n)) for n, p in enumerate(pairs) if p.same}
    return prf(found, truth)


def stored_leads(backend: str) -> tuple[dict[str, StoryLead], list[ArticleTerms]]:
    """Every labelled article's lead by name (BBC) or URL (RealTime QA), and every stored
    article's chunk terms, from a temporary store holding them all."""
    with tempfile.TemporaryDirectory() as tmp:
        container, _, _ = ingest_pool(Path(tmp), warm_embedder(backend))
        rows = [r for r in read_jsonl(NEWSDATA / "realtimeqa_corpus.jsonl")
                if r["url"] in CROSS_URLS]
        jsonl = Path(tmp) / "cross_outlet.jsonl"
        jsonl.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        report = container.pipeline.run([SourceSpec(str(jsonl))])
        assert report.ok, report.summary_lines()
        stored, chunks = stored_articles(container)
        terms = list(ChunkTermsRepository(container.database).changed_since(-1))
        container.close()
    leads = {url.removeprefix(URL): StoryLead(
        a.article_id, a.title, chunks[a.article_id][0], terms=UpFront.of(a.title, a.text).lead,
        when=None if url.startswith(URL) else (a.published or a.fetched_at))
        for url, a in stored.items()}
    assert set(CROSS_URLS) <= leads.keys()
    return leads, terms


def cached_leads(backend: str, cache: Path | None,
                 ) -> tuple[dict[str, StoryLead], list[ArticleTerms]]:
    """stored_leads, kept in ``cache`` (JSON) so that a second reading skips the ingest (while
    the analyzer makes the same terms)."""
    saved = json.loads(cache.read_text(encoding="utf-8")) if cache and cache.exists() else {}
    if saved.get("analyzer") == tokenize(ANALYZER_PROBE):  # terms as this analyzer makes them
        leads = {key: StoryLead(v["id"], v["title"], np.array(v["vector"], dtype=np.float32),
                                terms=frozenset(v["terms"]),
                                when=datetime.fromisoformat(v["when"]) if v["when"] else None)
                 for key, v in saved["leads"].items()}
        return leads, [ArticleTerms(a, r, tuple((i, t) for i, t in c))
                       for a, r, c in saved["terms"]]
    leads, terms = stored_leads(backend)
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(json.dumps({
            "analyzer": tokenize(ANALYZER_PROBE),
            "leads": {key: {"id": v.article_id, "title": v.title,
                            "vector": [] if v.vector is None else v.vector.tolist(),
                            "terms": sorted(v.terms),
                            "when": v.when.isoformat() if v.when else None}
                      for key, v in leads.items()},
            "terms": [[a.article_id, a.revision, a.chunks] for a in terms]}), encoding="utf-8")
    return leads, terms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=BACKENDS, default=default_backend())
    parser.add_argument("--held-out", action="store_true",
                        help="also read the held-out half (once, after the choices)")
    parser.add_argument("--cache", type=Path, default=None,
                        help="keep the stored leads here (JSON) and read them on later runs")
    args = parser.parse_args()
    leads, stored_terms = cached_leads(args.backend, args.cache)
    terms = {a.article_id: a for a in stored_terms}
    full = archive_of(stored_terms)
    chunk_count = sum(len(a.chunks) for a in stored_terms)

    def pairs(same: Pairs, different: Pairs, same_day: bool = False) -> list[Pair]:
        measured = []
        for labelled, is_same in ((same, True), (different, False)):
            for x, y in labelled:
                a, b = leads[x], leads[y]
                if same_day:
                    a, b = replace(a, when=SOME_DAY), replace(b, when=SOME_DAY)
                alone = archive_of([terms[a.article_id], terms[b.article_id]])
                measured.append(measure(a, b, is_same, {
                    "archive": full, "day_one": alone, "empty": archive_of([])}))
        return measured

    sets = {
        "one_outlet": pairs(SAME_STORY, DIFFERENT_STORY),
        "one_outlet_as_same_day": pairs(SAME_STORY, DIFFERENT_STORY, same_day=True),
        "cross_old": pairs(CROSS_OUTLET_SAME, CROSS_OUTLET_DIFFERENT),
        "cross_new_tuning": pairs(SAME_TUNING, DIFFERENT_TUNING),
    }
    sets["cross_tuning"] = sets["cross_old"] + sets["cross_new_tuning"]
    if args.held_out:
        sets["cross_held_out"] = pairs(SAME_HELD_OUT, DIFFERENT_HELD_OUT)
    # the measured decision is same_story's own, at the shipped thresholds
    for pair in sets["cross_tuning"]:
        for prior in (0.0, BACKGROUND_CHUNKS):
            assert rule("archive", prior)(pair) == same_story(pair.a, pair.b, weights=full,
                                                              prior=prior)

    shipped = rule("day_one", BACKGROUND_CHUNKS)
    rules = {"today (prior 0)": 0.0, f"shipped (prior {BACKGROUND_CHUNKS:g})": BACKGROUND_CHUNKS,
             "table alone": 1e9}
    result: dict[str, Any] = {
        "machine": machine(), "embedding_backend": args.backend,
        "chunks_in_full_archive": chunk_count,
        "pairs": {name: {"same": sum(p.same for p in s), "different": sum(not p.same for p in s)}
                  for name, s in sets.items()},
        "lead_similarity_only": {name: score(s, rule("empty", 0.0, overlap=9.0))
                                 for name, s in sets.items()},
        "at_shipped_thresholds": {
            name: {source: {set_name: score(s, rule(source, prior))
                            for set_name, s in sets.items()}
                   for source in ("archive", "day_one", "empty")}
            for name, prior in rules.items()},
        "prior_sweep_cross_tuning": {
            f"{prior:g}": {source: score(sets["cross_tuning"], rule(source, prior))
                           for source in ("archive", "day_one", "empty")}
            for prior in PRIORS},
        "event_rule_sweep_cross_tuning": {
            f"prior {prior:g} sim {sim} overlap {overlap}": {
                source: score(sets["cross_tuning"], rule(source, prior, event_similarity=sim,
                                                         overlap=overlap))
                for source in ("archive", "day_one")}
            for prior in (0.0, BACKGROUND_CHUNKS, 1e9) for sim in EVENT_SIMILARITIES
            for overlap in OVERLAPS},
        "lead_threshold_sweep": {
            name: {set_name: {f"{t:.2f}": score(s, rule("archive", prior, threshold=t))
                              for t in LEAD_THRESHOLDS}
                   for set_name, s in sets.items() if set_name != "one_outlet_as_same_day"}
            for name, prior in rules.items() if prior in (0.0, BACKGROUND_CHUNKS)},
        "cross_errors_shipped_day_one": {
            name: {"merged_wrongly": [(p.a.title, p.b.title) for p in s
                                      if not p.same and shipped(p)],
                   "missed": [(p.a.title, p.b.title, round(p.similarity, 3),
                               round(p.overlap[("day_one", BACKGROUND_CHUNKS)], 3))
                              for p in s if p.same and not shipped(p)]}
            for name, s in sets.items() if name.startswith("cross_") and name != "cross_tuning"},
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
