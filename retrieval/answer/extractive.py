"""The default answer: the sentences that best answer the question, quoted and cited."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from unicodedata import east_asian_width

from core.models import ArticleRef
from core.terms import tokenize
from retrieval.answer.followup import query_context
from retrieval.answer.models import Answer, Citation, Turn
from retrieval.answer.verify import verified
from retrieval.lexical import LexicalIndex
from retrieval.ports import ArticleSource
from retrieval.search import HybridSearcher, SearchHit
from retrieval.text import sentence_spans

MIN_SNIPPET = 25
MAX_SNIPPET = 480  # a quote takes the following sentences too while it stays this short
RELATIVE_FLOOR = 0.45  # a quote must score at least this share of the best one


@dataclass(frozen=True)
class Thresholds:
    """When the top passages are relevant enough to answer.

    relevance = (3 x best cosine similarity + 2 x best idf-weighted share of the question's
    terms found in a top chunk) / 5, compared with a bar that rises with the log of the number
    of chunks: the more passages there are, the better the best chance match to an unrelated
    question gets. Anchored on RealTime QA (0.48 at ~15k chunks, where 97.4% of real questions
    pass and 27 of 30 uncovered ones do not; docs/benchmarks.md).
    """

    base: float = 0.355
    per_log_chunk: float = 0.013
    similarity_weight: float = 3.0
    overlap_weight: float = 2.0
    top_chunks: int = 5

    def bar(self, chunks: int) -> float:
        """The relevance needed to answer, for an index of ``chunks`` chunks."""
        return self.base + self.per_log_chunk * math.log(max(chunks, 1))


@dataclass(frozen=True)
class _Sentence:
    hit: SearchHit
    start: int
    end: int
    score: float


class ExtractiveAnswerer:
    """Picks verbatim sentences from the top hits; says plainly when nothing fits."""

    def __init__(
        self,
        searcher: HybridSearcher,
        lexical: LexicalIndex,
        store: ArticleSource,
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
        until: datetime | None = None,
    ) -> Answer:
        """Up to ``k`` cited snippets, or found=False with the closest topics.

        ``since``/``until`` bound publication time; ``until`` replays a question as asked on a
        past date (the evaluation uses it).
        """
        if not any(ch.isalpha() for token in tokenize(question) for ch in token):
            return not_found(question, [])  # no content word ("OR 1=1 --"): nothing to match
        context = query_context(question, history)
        hits = self._searcher.search(
            context.query, k=max(2 * k, 8), since=since, prefer_articles=context.prefer_articles,
            until=until, now=until,
        )
        if not hits or not self._relevant(context.query, hits):
            return not_found(question, hits)
        sentences = self._scored_sentences(question, context.context_terms, hits)
        if not sentences:
            return not_found(question, hits)
        citations = verified(self._pick(sentences, k), self._store)
        if not citations:
            return not_found(question, hits)
        return Answer(question=question, found=True, answer=quote_lines(citations),
                      citations=tuple(citations))

    def close(self) -> None:
        """Nothing of its own to release (the searcher is closed by its owner)."""

    def _relevant(self, question: str, hits: Sequence[SearchHit]) -> bool:
        t = self._thresholds
        terms = set(tokenize(question))
        weights = self._lexical.idf_weights(terms)
        total = sum(weights.values()) or 1.0
        overlap = max(
            (sum(weights[w] for w in terms & set(tokenize(h.text))) / total
             for h in hits[: t.top_chunks]),
            default=0.0,
        )
        similarity = max(h.similarity for h in hits)
        relevance = (t.similarity_weight * similarity + t.overlap_weight * overlap) / (
            t.similarity_weight + t.overlap_weight
        )
        return relevance >= t.bar(self._lexical.size)

    def _scored_sentences(
        self, question: str, context_terms: frozenset[str], hits: Sequence[SearchHit]
    ) -> list[_Sentence]:
        terms = set(tokenize(question))
        weights = self._lexical.idf_weights(terms | context_terms)
        total = sum(weights[t] for t in terms) or 1.0
        context_total = sum(weights[t] for t in context_terms) or 1.0
        scored = []
        for rank, hit in enumerate(hits):
            for start, end in sentence_spans(hit.text):
                if _width(hit.text[start:end]) < MIN_SNIPPET or hit.text[end - 1] in "?？؟":
                    continue  # fragments, and questions (quizzes quote the user's question)
                sentence = hit.text[start:end]
                words = set(tokenize(sentence))
                overlap = sum(weights[t] for t in terms & words) / total
                context = sum(weights[t] for t in context_terms & words) / context_total
                score = (overlap + 0.3 * context + 0.6 * hit.similarity + 0.15 / (1 + rank)
                         + _news_bonus(sentence, terms))
                scored.append(_Sentence(hit, start, end, score))
        return sorted(scored, key=lambda s: s.score, reverse=True)

    def _pick(self, sentences: Sequence[_Sentence], k: int) -> list[Citation]:
        """Best relevant sentences; two per article first, more only if no other is relevant."""
        best = sentences[0].score
        relevant = [s for s in sentences if s.score >= RELATIVE_FLOOR * best]
        chosen: list[tuple[int, int, _Sentence]] = []
        for cap in (1, 2, 4):  # one quote per article first: more stories, not more of one
            for sentence in relevant:
                if len(chosen) == k:
                    break
                start, end = _span(sentence)
                same = [c for c in chosen if c[2].hit.ref == sentence.hit.ref]
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


_NAME_OR_NUMBER = re.compile(r"(?<![.!?]\s)(?<!^)\b(?:[A-Z][\w’'-]+|\d[\d,.]*)")


def _width(text: str) -> int:
    """Length with wide (CJK) characters counted twice: a 15-character Japanese sentence is
    a whole sentence, a 15-character English one is a fragment."""
    if text.isascii():
        return len(text)
    return len(text) + sum(1 for ch in text if east_asian_width(ch) in "WF")


def _news_bonus(sentence: str, question_terms: set[str]) -> float:
    """A little credit for names and numbers the question lacks: answers are made of them."""
    new = {m for m in _NAME_OR_NUMBER.findall(sentence) if not set(tokenize(m)) <= question_terms}
    return min(0.04 * len(new), 0.16)


def _span(sentence: _Sentence) -> tuple[int, int]:
    """The quote's offsets in the hit text: the sentence with its neighbours while short.

    The fact a question asks for often sits in the sentence before or after the one that
    matches it.
    """
    text, start, end = sentence.hit.text, sentence.start, sentence.end
    previous = [span for span in sentence_spans(text, 0, start) if span[1] <= start][-1:]
    if previous and end - previous[0][0] <= MAX_SNIPPET * 2 // 3:
        start = previous[0][0]
    for following in sentence_spans(text, end):
        if following[1] - start > MAX_SNIPPET:
            break
        end = following[1]
    return start, min(end, start + max(MAX_SNIPPET, sentence.end - sentence.start))


def _citation(n: int, sentence: _Sentence, start: int, end: int) -> Citation:
    hit = sentence.hit
    return Citation(
        n=n, ref=hit.ref, snippet=hit.text[start:end], start=hit.start + start,
        end=hit.start + end, also=hit.also,
    )


def quote_lines(citations: Sequence[Citation]) -> str:
    """The answer text: one quote per line with its marker, whitespace folded for reading.

    The citations keep the exact spans; only the display text folds line breaks.
    """
    return "\n".join(f"“{' '.join(c.snippet.split())}” [{c.n}]" for c in citations)


def not_found(question: str, hits: Sequence[SearchHit]) -> Answer:
    """The honest answer: nothing relevant, and what the news does cover nearby."""
    related: list[ArticleRef] = []
    for hit in hits:
        if hit.ref not in related:
            related.append(hit.ref)
        if len(related) == 3:
            break
    text = "I found nothing about that in the news I have."
    if related:
        text += " The closest stories I have: " + "; ".join(
            f"“{r.title}” ({r.source}{', ' + r.day if r.published else ''})"
            for r in related
        ) + "."
    return Answer(question=question, found=False, answer=text, related=tuple(related))
