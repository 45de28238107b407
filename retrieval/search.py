"""Hybrid search: dense (Chroma) + lexical (BM25) fused by reciprocal rank, news-aware.

Ranking, in order: fuse ranks (RRF), weight by time words in the question ("latest", "this
week"), favour the story the conversation is about, pick a diverse pool: at most two chunks of
one article, and one story told by several outlets is cited once with the others noted; then the
story judge (retrieval/story_judge.py) puts the pool's articles in order and the top k are kept.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import numpy as np

from core.models import ArticleRef, Passage
from core.models import chunk_id as chunk_id_of
from core.terms import text_terms
from retrieval.embeddings import Embedder
from retrieval.lexical import LexicalHit, LexicalIndex
from retrieval.ports import ArticleSource
from retrieval.recency import time_intent
from retrieval.story_judge import ArticleEvidence, StoryJudge, article_features
from retrieval.text import headline_words, same_headline_words
from retrieval.vector_store import VectorStore

RRF_K = 60
JUDGE_POOL = 20  # chunks whose articles the story judge reorders (it never reaches further down)
MAX_CHUNKS_PER_ARTICLE = 2
# The judge's first article, the story an answer quotes, is read in up to this many of the
# passages the search found (its opening aside): the sentence that answers is often in a third
# ("… remains the seat most likely to flip" under a ranking's "1. Pennsylvania")
STORY_PASSAGES = 3
STORY_REACH = 20  # ... among the search's best candidates: further down, no part it asked about
# A time-bounded dense search reads this many times the pool's nearest ids, unbounded, and keeps
# those in bounds (see HybridSearcher._dense)
OVERFETCH = 4
SAME_STORY_SIMILARITY = 0.92


@dataclass(frozen=True)
class SearchHit:
    """A chunk found for a query: its article and its span (``text == article.text[start:end]``)."""

    chunk_id: str
    ref: ArticleRef
    start: int
    end: int
    text: str
    score: float  # fused rank score
    similarity: float  # cosine similarity of the chunk to the query
    also: tuple[ArticleRef, ...] = field(default=())  # other outlets' copies, cited once
    story: float | None = None  # the story judge's score for its article (None: not judged)
    terms: str = field(default="", repr=False)  # the chunk's stored terms (Passage.terms)

    def text_terms(self) -> Sequence[str]:
        """``tokenize(self.text)``, from the stored terms where they serve."""
        return text_terms(self.ref.title, self.text, self.terms)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "chunk_id": self.chunk_id, **self.ref.to_dict(), "start": self.start,
            "end": self.end, "text": self.text, "score": self.score,
            "similarity": self.similarity, "also": [r.to_dict() for r in self.also],
        }


@dataclass
class _Candidate:
    passage: Passage
    fused: float = 0.0
    similarity: float = 0.0
    vector: np.ndarray | None = None
    also: list[ArticleRef] = field(default_factory=list)


class HybridSearcher:
    """Dense + BM25 retrieval over the article store's chunks."""

    def __init__(
        self, embedder: Embedder, vectors: VectorStore, lexical: LexicalIndex,
        store: ArticleSource, judge: StoryJudge | None = None,
    ) -> None:
        self._embedder = embedder
        self._vectors = vectors
        self._lexical = lexical
        self._store = store
        self._judge = judge or StoryJudge()
        self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="lexical")

    def close(self) -> None:
        """Stop the lexical search threads."""
        self._pool.shutdown(wait=True, cancel_futures=True)

    def search(
        self,
        query: str,
        k: int = 5,
        *,
        since: datetime | None = None,
        prefer_articles: Collection[str] = (),
        now: datetime | None = None,
        until: datetime | None = None,
        judge: bool = True,
        story_lead: bool = False,
    ) -> list[SearchHit]:
        """The ``k`` best chunks for ``query`` published between ``since`` and ``until``.

        ``judge`` lets the story judge reorder the pool's articles (off: fused rank alone);
        ``story_lead`` adds the judge's first article's opening passage when the pool lacks it
        (an answer's first sentences are often there, where the question's words are not).
        """
        now = now or datetime.now(UTC)
        intent = time_intent(query, now)
        if intent.since and (since is None or intent.since > since):
            since = intent.since
        pool = max(40, 4 * k)
        # The lexical side (BM25, then its chunks' vectors and passages) runs while the model
        # embeds the query and Chroma searches: embedding releases the GIL for its math.
        lexical_future = self._pool.submit(self._lexical_side, query, pool)
        query_vector = self._embedder.encode([query])[0]
        dense, dense_passages = self._dense(query_vector, pool, since, until)
        lexical, lexical_vectors, passages = lexical_future.result()
        passages |= dense_passages
        ranks: dict[str, float] = {}
        for rank, chunk_id in enumerate(dense):
            ranks[chunk_id] = ranks.get(chunk_id, 0.0) + 1.0 / (RRF_K + rank)
        for rank, lex in enumerate(lexical):
            ranks[lex.chunk_id] = ranks.get(lex.chunk_id, 0.0) + 1.0 / (RRF_K + rank)
        passages |= self._store.passages([c for c in dense if c not in passages])
        vectors = {**lexical_vectors, **dense}
        candidates = self._candidates(ranks, vectors, passages, query_vector, since=since,
                                      until=until)
        self._weigh(candidates, intent.prefer_recent, intent.window, prefer_articles)
        if not judge:
            return [_to_hit(c) for c in _diverse(candidates, k)]
        judged = self._judged([_to_hit(c) for c in _diverse(candidates, max(k, JUDGE_POOL))],
                              query, now, prefer_recent=intent.prefer_recent,
                              latest=intent.latest)[:k]
        if not story_lead:
            return judged
        return self._with_story_lead(_with_story_passages(judged, candidates), query_vector,
                                     passages, vectors)

    def _dense(self, query_vector: np.ndarray, pool: int, since: datetime | None,
               until: datetime | None) -> tuple[dict[str, np.ndarray], dict[str, Passage]]:
        """The ``pool`` nearest chunks published between ``since`` and ``until`` with their
        vectors, nearest first, and the passages read on the way."""
        if since is None and until is None:
            return self._vectors.nearest(query_vector, pool), {}
        # Chroma filters by reading every matching id from its metadata first: 150 ms at 15k
        # chunks, where the nearest ids alone take 2 ms. So ask for more ids and keep those in
        # bounds (their passages say when); only when too few are does Chroma filter.
        wide = self._vectors.nearest_ids(query_vector, OVERFETCH * pool)
        passages = self._store.passages(wide)
        inside = [c for c in wide if c in passages and _within(passages[c].ref, since, until)]
        if len(inside) >= pool or len(wide) < OVERFETCH * pool:  # or every chunk was read
            vectors = self._vectors.embeddings(inside[:pool])
            return {c: vectors[c] for c in inside[:pool] if c in vectors}, passages
        bounds = [{"published_ts": {"$gte": since.timestamp()}}] if since else []
        if until:
            bounds.append({"published_ts": {"$lte": until.timestamp()}})
        where = bounds[0] if len(bounds) == 1 else {"$and": bounds}
        return self._vectors.nearest(query_vector, pool, where), passages

    def _with_story_lead(self, hits: list[SearchHit], query_vector: np.ndarray,
                         read: dict[str, Passage], vectors: dict[str, np.ndarray]
                         ) -> list[SearchHit]:
        """``hits`` with the first article's opening passage after its other hits (taken from
        the passages and vectors the search ``read`` when it is among them)."""
        if not hits:
            return hits
        story = hits[0]
        lead_id = chunk_id_of(story.ref.article_id, 0)
        if any(hit.chunk_id == lead_id for hit in hits):
            return hits
        passage = read.get(lead_id) or self._store.passages([lead_id]).get(lead_id)
        vector = vectors.get(lead_id)
        if vector is None:
            vector = self._vectors.embeddings([lead_id]).get(lead_id)
        if passage is None or vector is None:
            return hits  # the store moved on since the search
        lead = replace(_to_hit(_Candidate(passage, 0.0, float(vector @ query_vector))),
                       also=story.also, story=story.story)
        after = next((i for i, hit in enumerate(hits)
                      if hit.ref.article_id != story.ref.article_id), len(hits))
        return [*hits[:after], lead, *hits[after:]]

    def _judged(self, pool: list[SearchHit], query: str, now: datetime, *,
                prefer_recent: bool, latest: bool = False) -> list[SearchHit]:
        """The pool with its articles in the story judge's order (hits of one article together)."""
        by_article: dict[str, list[SearchHit]] = {}
        for hit in pool:
            by_article.setdefault(hit.ref.article_id, []).append(hit)
        evidence = [
            ArticleEvidence(article_id, hits[0].ref.title, hits[0].ref.published,
                            len({r.article_id for h in hits for r in h.also}), first, tuple(hits))
            for first, (article_id, hits) in enumerate(by_article.items())
        ]
        features = article_features(evidence, query, now, self._lexical.idf_weights,
                                    prefer_recent=prefer_recent)
        scores = {a: self._judge.score(features[a]) for a in by_article}
        if latest:
            scores = self._judge.newest_near_best(
                scores, {a: hits[0].ref.published for a, hits in by_article.items()})
        order = sorted(by_article, key=lambda a: -scores[a])
        return [replace(hit, story=scores[article_id])
                for article_id in order for hit in by_article[article_id]]

    def _lexical_side(
        self, query: str, pool: int
    ) -> tuple[list[LexicalHit], dict[str, np.ndarray], dict[str, Passage]]:
        """BM25's best chunks with their stored vectors and passages."""
        hits = self._lexical.search(query, pool)
        ids = [hit.chunk_id for hit in hits]
        return hits, self._vectors.embeddings(ids), self._store.passages(ids)

    @staticmethod
    def _candidates(
        ranks: dict[str, float], vectors: dict[str, np.ndarray], passages: dict[str, Passage],
        query_vector: np.ndarray, *, since: datetime | None, until: datetime | None,
    ) -> list[_Candidate]:
        found = []
        for chunk_id, fused in ranks.items():
            passage = passages.get(chunk_id)
            if passage is None or chunk_id not in vectors:
                continue  # the store moved on since the index was read
            if not _within(passage.ref, since, until):
                continue
            vector = vectors[chunk_id]
            found.append(_Candidate(passage, fused,
                                    float(vector @ query_vector), vector))
        return found

    @staticmethod
    def _weigh(
        candidates: list[_Candidate], prefer_recent: bool, window: datetime | None,
        prefer_articles: Collection[str],
    ) -> None:
        if window is not None:
            for c in candidates:
                if c.passage.ref.published and c.passage.ref.published >= window:
                    c.fused *= 1.5
        if prefer_recent:
            stamps = [published.timestamp() for c in candidates
                      if (published := c.passage.ref.published) is not None]
            newest = max(stamps, default=0.0)
            for c in candidates:
                age_days = (newest - c.passage.ref.published.timestamp()) / 86400 if (
                    c.passage.ref.published) else 365.0
                c.fused *= 1.0 + math.exp(-age_days / 7.0)
        for c in candidates:
            # similarity joins the rank score so a strong dense match is not outvoted by rank
            c.fused += 0.01 * max(c.similarity, 0.0)
            if c.passage.ref.article_id in prefer_articles:
                c.fused *= 1.5


def _within(article: ArticleRef, since: datetime | None, until: datetime | None) -> bool:
    if since is None and until is None:
        return True
    published = article.published
    return published is not None and not (since and published < since) and not (
        until and published > until)


def _with_story_passages(hits: list[SearchHit], candidates: list[_Candidate]
                         ) -> list[SearchHit]:
    """``hits`` with the first article's next best candidates after its own hits, until it has
    STORY_PASSAGES (diversity kept them out of the pool; the answer reads its story whole)."""
    if not hits:
        return hits
    story = hits[0]
    article = story.ref.article_id
    have = {hit.chunk_id for hit in hits}
    wanted = STORY_PASSAGES - sum(hit.ref.article_id == article for hit in hits)
    if wanted <= 0:
        return hits
    best = sorted(candidates, key=lambda c: c.fused, reverse=True)[:STORY_REACH]
    extra = [replace(_to_hit(c), story=story.story) for c in best
             if c.passage.ref.article_id == article and c.passage.chunk_id not in have][:wanted]
    after = next((i for i, hit in enumerate(hits) if hit.ref.article_id != article), len(hits))
    return [*hits[:after], *extra, *hits[after:]]


def _diverse(candidates: list[_Candidate], k: int) -> list[_Candidate]:
    """The best ``k`` candidates by fused score, at most MAX_CHUNKS_PER_ARTICLE of an article,
    another outlet's passage that says the same thing (near-identical vectors, or the same
    headline) noted on the first as ``also``."""
    chosen: list[_Candidate] = []
    words: list[frozenset[str]] = []  # the chosen ones' headline words
    per_article: dict[str, int] = {}
    vectors: np.ndarray | None = None  # the chosen ones' vectors, a row each
    for c in sorted(candidates, key=lambda c: c.fused, reverse=True):
        article = c.passage.ref.article_id
        if per_article.get(article, 0) >= MAX_CHUNKS_PER_ARTICLE:
            continue
        own = headline_words(c.passage.ref.title)
        # one product against every chosen passage, not one per pair
        near = (vectors[: len(chosen)] @ c.vector >= SAME_STORY_SIMILARITY
                if vectors is not None and c.vector is not None else None)
        twin = next((o for i, o in enumerate(chosen)
                     if o.passage.ref.article_id != article and (
                         (bool(near[i]) if near is not None else _similar(o, c))
                         or same_headline_words(words[i], own))), None)
        if twin is not None:
            ref = c.passage.ref
            if ref not in twin.also:
                twin.also.append(ref)
            continue
        if c.vector is not None and (vectors is not None or not chosen):
            if vectors is None:
                vectors = np.empty((len(candidates), len(c.vector)), dtype=c.vector.dtype)
            vectors[len(chosen)] = c.vector
        else:
            vectors = None  # a passage without a vector: compare pair by pair from here
        chosen.append(c)
        words.append(own)
        per_article[article] = per_article.get(article, 0) + 1
        if len(chosen) == k:
            break
    return chosen


def _similar(a: _Candidate, b: _Candidate) -> bool:
    """Passages that say the same thing (by their vectors; False without them)."""
    return a.vector is not None and b.vector is not None and float(a.vector @ b.vector) >= (
        SAME_STORY_SIMILARITY)


def _to_hit(c: _Candidate) -> SearchHit:
    p = c.passage
    return SearchHit(
        chunk_id=p.chunk_id, ref=p.ref, start=p.start, end=p.end, text=p.text,
        score=round(c.fused, 6),
        similarity=round(c.similarity, 4), also=tuple(c.also), terms=p.terms,
    )
