"""The default answer: the sentences that best answer the question, quoted and cited."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from ingest.store import ArticleStore
from retrieval.answer.followup import query_context
from retrieval.answer.models import Answer, Citation, Turn
from retrieval.answer.verify import verified
from retrieval.lexical import LexicalIndex
from retrieval.search import HybridSearcher, SearchHit, StoryRef
from retrieval.text import sentence_spans, tokenize

MIN_SNIPPET = 25
MAX_SNIPPET = 420
SHORT_SNIPPET = 80  # shorter sentences take the next one along, for context
RELATIVE_FLOOR = 0.6  # a quote must score at least this share of the best one


@dataclass(frozen=True)
class Thresholds:
    """When the best passage is relevant enough to answer (calibrated in bench/eval.py)."""

    similarity: float = 0.35  # cosine of question and best chunk
    overlap: float = 0.34  # share of the question's (idf-weighted) terms in the best sentence
    strong_similarity: float = 0.55  # enough on its own


@dataclass(frozen=True)
class _Sentence:
    hit: SearchHit
    rank: int
    start: int
    end: int
    overlap: float
    score: float


class ExtractiveAnswerer:
    """Picks verbatim sentences from the top hits; says plainly when nothing fits."""

    def __init__(
        self,
        searcher: HybridSearcher,
        lexical: LexicalIndex,
        store: ArticleStore,
        thresholds: Thresholds | None = None,
    ) -> None:
        self._searcher = searcher
        self._lexical = lexical
        self._store = store
        self._thresholds = thresholds or Thresholds()

    def answer(
        self,
        question: str,
        k: int = 5,
        since: datetime | None = None,
        history: Sequence[Turn] = (),
    ) -> Answer:
        """An answer of up to ``k`` cited snippets, or found=False with the closest topics."""
        context = query_context(question, history)
        hits = self._searcher.search(
            context.query, k=max(2 * k, 8), since=since, prefer_articles=context.prefer_articles
        )
        sentences = self._scored_sentences(question, context.context_terms, hits)
        if not hits or not sentences or not self._relevant(hits, sentences[0]):
            return not_found(question, hits)
        citations = verified(self._pick(sentences, k), self._store)
        if not citations:
            return not_found(question, hits)
        text = "\n".join(f"“{c.snippet}” [{c.n}]" for c in citations)
        return Answer(question=question, found=True, answer=text, citations=tuple(citations))

    def _relevant(self, hits: Sequence[SearchHit], best: _Sentence) -> bool:
        t = self._thresholds
        top_similarity = max(h.similarity for h in hits)
        if top_similarity >= t.strong_similarity:
            return True
        return top_similarity >= t.similarity and best.overlap >= t.overlap

    def _scored_sentences(
        self, question: str, context_terms: frozenset[str], hits: Sequence[SearchHit]
    ) -> list[_Sentence]:
        terms = set(tokenize(question))
        weights = {t: self._lexical.idf(t) for t in terms | context_terms}
        total = sum(weights[t] for t in terms) or 1.0
        context_total = sum(weights[t] for t in context_terms) or 1.0
        scored = []
        for rank, hit in enumerate(hits):
            for start, end in sentence_spans(hit.text):
                if end - start < MIN_SNIPPET:
                    continue
                words = set(tokenize(hit.text[start:end]))
                overlap = sum(weights[t] for t in terms & words) / total
                context = sum(weights[t] for t in context_terms & words) / context_total
                score = overlap + 0.3 * context + 0.6 * hit.similarity + 0.15 / (1 + rank)
                scored.append(_Sentence(hit, rank, start, end, overlap, score))
        return sorted(scored, key=lambda s: s.score, reverse=True)

    def _pick(self, sentences: Sequence[_Sentence], k: int) -> list[Citation]:
        """Best relevant sentences; two per article first, more only if no other is relevant."""
        best = sentences[0].score
        relevant = [s for s in sentences if s.score >= RELATIVE_FLOOR * best]
        chosen: list[tuple[int, int, _Sentence]] = []
        for cap in (2, 4):
            for sentence in relevant:
                if len(chosen) == k:
                    break
                start, end = _span(sentence)
                same = [c for c in chosen if c[2].hit.article_id == sentence.hit.article_id]
                overlapping = any(
                    c[2].hit.start + c[0] < sentence.hit.start + end
                    and sentence.hit.start + start < c[2].hit.start + c[1]
                    for c in same
                )
                if len(same) < cap and not overlapping:
                    chosen.append((start, end, sentence))
        return [
            _citation(n, sentence, start, end)
            for n, (start, end, sentence) in enumerate(chosen, start=1)
        ]


def _span(sentence: _Sentence) -> tuple[int, int]:
    """The snippet's offsets in the hit text: a short sentence takes the next one along."""
    text, start, end = sentence.hit.text, sentence.start, sentence.end
    if end - start < SHORT_SNIPPET:
        following = next(sentence_spans(text, end), None)
        if following and following[1] - start <= MAX_SNIPPET:
            end = following[1]
    return start, min(end, start + MAX_SNIPPET)


def _citation(n: int, sentence: _Sentence, start: int, end: int) -> Citation:
    hit = sentence.hit
    return Citation(
        n=n, article_id=hit.article_id, title=hit.title, source=hit.source, url=hit.url,
        published=hit.published, snippet=hit.text[start:end], start=hit.start + start,
        end=hit.start + end, also=hit.also,
    )


def not_found(question: str, hits: Sequence[SearchHit]) -> Answer:
    """The honest answer: nothing relevant, and what the news does cover nearby."""
    related: list[StoryRef] = []
    for hit in hits:
        ref = StoryRef(hit.title, hit.source, hit.url, hit.published)
        if ref not in related:
            related.append(ref)
        if len(related) == 3:
            break
    text = "I found nothing about that in the news I have."
    if related:
        text += " The closest stories I have: " + "; ".join(
            f"“{r.title}” ({r.source}{', ' + r.published[:10] if r.published else ''})"
            for r in related
        ) + "."
    return Answer(question=question, found=False, answer=text, related=tuple(related))
