"""Why an article matched: one or two short verbatim sentences that use the topic's words."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from alerts.topics import Topic
from core.terms import fold, tokenize
from retrieval.quoting import ALERT_QUOTES, Quote, cut_sentence
from retrieval.text import sentence_spans


def why_quotes(
    text: str, topic: Topic, weights: Mapping[str, float], limit: int = 2,
) -> list[Quote]:
    """The ``limit`` sentences that best show the topic, in the article's order.

    A match found by meaning alone may share no word with the topic: its lead is shown.
    """
    terms = set(tokenize(topic.query))
    phrases = [fold(p) for p in topic.phrases]
    scored: list[tuple[float, int, int]] = []
    for start, end, words in _sentences(text):
        shared = terms & words
        score = sum(weights.get(t, 1.0) for t in shared)
        if phrases:
            folded = fold(text[start:end])
            score += sum(2.0 for p in phrases if p in folded)
        scored.append((score, start, end))
    if not scored:
        return []
    best = sorted(scored, key=lambda s: (-s[0], s[1]))[:limit]
    if best[0][0] <= 0:
        best = [min(scored, key=lambda s: s[1])]  # nothing in common: the lead
    chosen = [s for s in best if s[0] > 0] or best
    return [cut_sentence(text, start, end, ALERT_QUOTES)
            for _, start, end in sorted(chosen, key=lambda s: s[1])]


@lru_cache(maxsize=1024)
def _sentences(text: str) -> tuple[tuple[int, int, frozenset[str]], ...]:
    """The sentences of ``text`` long enough to quote, with their terms: read once per article,
    since a matching round quotes one article for every topic it matched."""
    return tuple((start, end, frozenset(tokenize(text[start:end])))
                 for start, end in sentence_spans(text) if end - start >= ALERT_QUOTES.min_chars)
