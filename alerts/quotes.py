"""Why an article matched: one or two short verbatim sentences that use the topic's words."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from alerts.topics import Topic
from core.terms import fold, tokenize
from retrieval.text import sentence_spans

MAX_QUOTE_CHARS = 240
MIN_QUOTE_CHARS = 25


@dataclass(frozen=True)
class Quote:
    """``snippet == text[start:end]`` of the article it was taken from."""

    snippet: str
    start: int
    end: int


def why_quotes(
    text: str, topic: Topic, weights: Mapping[str, float], limit: int = 2,
) -> list[Quote]:
    """The ``limit`` sentences that best show the topic, in the article's order.

    A match found by meaning alone may share no word with the topic: its lead is shown.
    """
    terms = set(tokenize(topic.query))
    phrases = [fold(p) for p in topic.phrases]
    scored: list[tuple[float, int, int]] = []
    for start, end in sentence_spans(text):
        if end - start < MIN_QUOTE_CHARS:
            continue
        sentence = text[start:end]
        shared = terms.intersection(tokenize(sentence))
        score = sum(weights.get(t, 1.0) for t in shared)
        score += sum(2.0 for p in phrases if p in fold(sentence))
        scored.append((score, start, end))
    if not scored:
        return []
    best = sorted(scored, key=lambda s: (-s[0], s[1]))[:limit]
    if best[0][0] <= 0:
        best = [min(scored, key=lambda s: s[1])]  # nothing in common: the lead
    chosen = [s for s in best if s[0] > 0] or best
    return [_quote(text, start, end) for _, start, end in sorted(chosen, key=lambda s: s[1])]


def _quote(text: str, start: int, end: int) -> Quote:
    """The sentence, cut at a word boundary when it is too long (still a verbatim span)."""
    if end - start > MAX_QUOTE_CHARS:
        cut = text.rfind(" ", start, start + MAX_QUOTE_CHARS)
        end = cut if cut > start + MIN_QUOTE_CHARS else start + MAX_QUOTE_CHARS
        while end > start and text[end - 1] in ",;:—–- ":
            end -= 1
    return Quote(text[start:end], start, end)

