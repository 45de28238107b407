"""Story dedup: alerts.stories.same_story over the labelled pairs, today's rule and a model
measured against its event rule (bench/story_model.py, not shipped), with term rarity from a
full archive, from a day-one archive and with the background word-frequency table (issue 22
item 6).

    .venv/bin/python bench/story_dedup.py [--backend onnx] [--cache FILE] [--fit] [--fresh]

Ingests every labelled article into one temporary store: the BBC News articles of
bench/alert_labels.py (its topics and one-outlet story pairs) and the RealTime QA articles of
every cross-outlet pair. Each pair is decided by

- today's rule, alerts.stories.same_story as shipped: leads of cosine >= 0.88 or the same
  headline (the repeat rule), or out within 36 hours with cosine >= 0.78 and rarity-weighted
  shared particulars >= 0.30;
- the model: the repeat rule, or for two dated leads the logistic model of bench/story_model.py
  at its threshold;

with the rarity of terms read from the whole store's BM25 idf ("archive"), from a store of the
pair's two articles ("day one") or from an empty one, each with the background table
(alerts.rarity) as BACKGROUND_CHUNKS chunks, and a sweep of that weight.

The model was fitted and its threshold chosen on the seen cross-outlet pairs only: the 37 older
ones and both halves of the 64 newer ones (the held-out half had been read once already when
the model was designed). ``--fit`` refits it there (day-one rarity with the table) and prints
the weights and a leave-one-out precision / recall curve. ``--fresh`` adds the 46 pairs of
CROSS_OUTLET_FRESH_*, labelled before the model was designed and read once, after it was final.
BBC texts carry no dates, so their pairs are also read as if each came out on the same day (the
worst case of the event decision).
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
    CROSS_OUTLET_FRESH_DIFFERENT,
    CROSS_OUTLET_FRESH_SAME,
    CROSS_OUTLET_SAME,
    CROSS_OUTLET_SAME_2,
    DIFFERENT_STORY,
    SAME_STORY,
)
from bench.alert_quality import SOME_DAY, URL, ingest_pool, prf, stored_articles
from bench.common import NEWSDATA, machine, read_jsonl, warm_embedder
from bench.story_model import COEFFICIENTS, THRESHOLD, EventFeatures, event_features, probability
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
MODEL_THRESHOLDS = [0.50, 0.55, 0.60, 0.65, 0.70, 0.72, 0.74, 0.76, 0.78, 0.80, 0.85, 0.90]
# today's event rule, the one the model replaced (docs/benchmarks.md, "Story dedup from day one")
TODAY_WINDOW = EVENT_WINDOW
TODAY_SIMILARITY = EVENT_SIMILARITY
TODAY_OVERLAP = EVENT_OVERLAP
FIT_C = 10.0  # scikit-learn's inverse regularisation for --fit


def halves(pairs: Pairs) -> tuple[Pairs, Pairs]:
    """The tuning half (first) and the held-out half of a new list."""
    return pairs[: len(pairs) // 2], pairs[len(pairs) // 2:]


SAME_TUNING, SAME_HELD_OUT = halves(CROSS_OUTLET_SAME_2)  # held out once, since read
DIFFERENT_TUNING, DIFFERENT_HELD_OUT = halves(CROSS_OUTLET_DIFFERENT_2)
CROSS_URLS = sorted({u for pair in (CROSS_OUTLET_SAME + CROSS_OUTLET_DIFFERENT
                                    + CROSS_OUTLET_SAME_2 + CROSS_OUTLET_DIFFERENT_2
                                    + CROSS_OUTLET_FRESH_SAME + CROSS_OUTLET_FRESH_DIFFERENT)
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
    """A labelled pair's leads and what both decisions read off them."""

    a: StoryLead
    b: StoryLead
    same: bool
    similarity: float
    within_window: bool
    same_headline: bool
    overlap: dict[tuple[str, float], float]  # (rarity source, prior) -> shared particulars
    features: dict[tuple[str, float], EventFeatures | None]  # None: a lead is undated


def measure(a: StoryLead, b: StoryLead, same: bool, sources: dict[str, Weights]) -> Pair:
    """Everything both decisions need, for every rarity source and prior."""
    assert a.vector is not None and b.vector is not None
    dated = a.when is not None and b.when is not None
    window = a.when is not None and b.when is not None and abs(a.when - b.when) <= TODAY_WINDOW
    blended = {(name, prior): with_background(weights, prior)
               for name, weights in sources.items() for prior in PRIORS}
    return Pair(a, b, same, float(a.vector @ b.vector), window, same_headline(a.title, b.title),
                {key: shared_particulars(a, b, w) for key, w in blended.items()},
                {key: event_features(a, b, w) if dated else None for key, w in blended.items()})


def repeat(pair: Pair, threshold: float = SAME_STORY_SIMILARITY) -> bool:
    """The repeat rule, kept by both decisions."""
    return pair.similarity >= threshold or pair.same_headline


def rule(source: str, prior: float) -> Callable[[Pair], bool]:
    """Today's decision (before the model) on a measured pair."""
    def said(pair: Pair) -> bool:
        return repeat(pair) or (pair.within_window and pair.similarity >= TODAY_SIMILARITY
                                and pair.overlap[(source, prior)] >= TODAY_OVERLAP)
    return said


def model(source: str, prior: float, threshold: float = THRESHOLD) -> Callable[[Pair], bool]:
    """The model's decision on a measured pair."""
    def said(pair: Pair) -> bool:
        features = pair.features[(source, prior)]
        return repeat(pair) or (features is not None and probability(features) >= threshold)
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


def fit(pairs: Sequence[Pair]) -> dict[str, Any]:
    """The model refitted on these pairs (day-one rarity with the table): its weights next to
    the shipped ones, and a leave-one-out curve of precision and recall by threshold."""
    from dataclasses import astuple

    from sklearn.linear_model import LogisticRegression

    measured = [(p, p.features[("day_one", BACKGROUND_CHUNKS)]) for p in pairs]
    dated = [(p, f) for p, f in measured if f is not None]
    x = np.array([astuple(f) for _, f in dated])
    y = np.array([p.same for p, _ in dated])
    fitted = LogisticRegression(C=FIT_C, max_iter=1000).fit(x, y)
    left_out = np.zeros(len(y))
    for n in range(len(y)):
        rest = np.arange(len(y)) != n
        left_out[n] = LogisticRegression(C=FIT_C, max_iter=1000).fit(
            x[rest], y[rest]).predict_proba(x[n:n + 1])[0, 1]
    repeats = [repeat(p) for p, _ in dated]

    def at(t: float) -> dict[str, float]:
        found = {(0, str(n)) for n, r in enumerate(repeats) if r or left_out[n] >= t}
        return prf(found, {(0, str(n)) for n, same in enumerate(y) if same})

    return {"pairs": len(dated),
            "refit": [round(float(fitted.intercept_[0]), 3)]
            + [round(float(c), 3) for c in fitted.coef_[0]],
            "shipped": list(COEFFICIENTS),
            "leave_one_out": {f"{t:.2f}": at(t) for t in MODEL_THRESHOLDS}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=BACKENDS, default=default_backend())
    parser.add_argument("--cache", type=Path, default=None,
                        help="keep the stored leads here (JSON) and read them on later runs")
    parser.add_argument("--fit", action="store_true",
                        help="refit the model on the seen pairs and print its weights")
    parser.add_argument("--fresh", action="store_true",
                        help="also read the fresh held-out pairs (once, after the design)")
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
        "cross_new_held_out_read": pairs(SAME_HELD_OUT, DIFFERENT_HELD_OUT),
    }
    sets["cross_seen"] = (sets["cross_old"] + sets["cross_new_tuning"]
                          + sets["cross_new_held_out_read"])
    if args.fresh:
        sets["cross_fresh"] = pairs(CROSS_OUTLET_FRESH_SAME, CROSS_OUTLET_FRESH_DIFFERENT)
    # today's measured decision is same_story's own (the model is not shipped)
    for pair in sets["cross_seen"] + sets["one_outlet_as_same_day"]:
        for prior in (0.0, BACKGROUND_CHUNKS):
            assert rule("archive", prior)(pair) == same_story(pair.a, pair.b, weights=full,
                                                               prior=prior)

    shipped = model("day_one", BACKGROUND_CHUNKS)
    result: dict[str, Any] = {
        "machine": machine(), "embedding_backend": args.backend,
        "chunks_in_full_archive": chunk_count,
        "model": {"coefficients": list(COEFFICIENTS), "threshold": THRESHOLD},
        "pairs": {name: {"same": sum(p.same for p in s), "different": sum(not p.same for p in s)}
                  for name, s in sets.items()},
        "repeat_rule_only": {name: score(s, repeat) for name, s in sets.items()},
        "today": {source: {name: score(s, rule(source, BACKGROUND_CHUNKS))
                           for name, s in sets.items()}
                  for source in ("archive", "day_one", "empty")},
        "new": {source: {name: score(s, model(source, BACKGROUND_CHUNKS))
                         for name, s in sets.items()}
                for source in ("archive", "day_one", "empty")},
        "new_prior_sweep_cross_seen": {
            f"{prior:g}": {source: score(sets["cross_seen"], model(source, prior))
                           for source in ("archive", "day_one", "empty")}
            for prior in PRIORS},
        "new_threshold_sweep_day_one": {
            name: {f"{t:.2f}": score(s, model("day_one", BACKGROUND_CHUNKS, t))
                   for t in MODEL_THRESHOLDS}
            for name, s in sets.items() if name.startswith("cross_")},
        "cross_errors_new_day_one": {
            name: {"merged_wrongly": [(p.a.title, p.b.title, round(p.similarity, 3))
                                      for p in s if not p.same and shipped(p)],
                   "missed": [(p.a.title, p.b.title, round(p.similarity, 3))
                              for p in s if p.same and not shipped(p)]}
            for name, s in sets.items() if name in ("cross_seen", "cross_fresh")},
    }
    if args.fit:
        result["fit_cross_seen"] = fit(sets["cross_seen"])
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
