"""One story, one alert: which stored story a newly matched article tells.

An article tells an earlier article's story when their leads (the first chunk, headline
included) are near-identical in meaning, or their headlines share almost all their words: a
re-publication or a rewrite. Another outlet's report of the same event is worded differently,
so its lead is only close in meaning; a small model (alerts.story_model) weighs that closeness
with the event's particulars both leads name, the rare names and numbers, with how much of
each headline's particulars the other lead names, and with the days between them. Rarity is
the archive's, with ordinary English's word frequencies standing in while the archive is small
(alerts.rarity), so a new deployment's second article is judged as well as a later one. The
same article updated keeps its story.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache

import numpy as np

from alerts.matching import Weights
from alerts.rarity import BACKGROUND_CHUNKS, with_background
from alerts.story_model import MAX_DAYS, EventFeatures, same_event
from core.terms import with_places
from retrieval.text import same_headline

# Measured on the labelled pairs of bench/alert_labels.py (docs/benchmarks.md).
SAME_STORY_SIMILARITY = 0.88  # a repeat: one outlet's re-publication or rewrite


@dataclass(frozen=True)
class StoryLead:
    """An article's headline and lead vector, and the story it tells (when known)."""

    article_id: str
    title: str
    vector: np.ndarray | None
    story_id: str = ""
    terms: frozenset[str] = frozenset()  # of the headline and lead (UpFront.lead)
    when: datetime | None = None  # published, else fetched


def same_story(a: StoryLead, b: StoryLead, threshold: float = SAME_STORY_SIMILARITY,
               weights: Weights | None = None, prior: float = BACKGROUND_CHUNKS) -> bool:
    """Near-identical leads, headlines sharing almost all their words, or (with ``weights``,
    the archive's term rarity, and the background table as ``prior`` chunks, for two dated
    leads) two reports of one event."""
    if a.vector is not None and b.vector is not None and float(a.vector @ b.vector) >= threshold:
        return True
    if same_headline(a.title, b.title):
        return True
    return (weights is not None and a.vector is not None and b.vector is not None
            and a.when is not None and b.when is not None
            and same_event(event_features(a, b, with_background(weights, prior))))


def event_features(a: StoryLead, b: StoryLead, weights: Weights) -> EventFeatures:
    """What the model of alerts.story_model reads off two dated leads with vectors."""
    assert a.vector is not None and b.vector is not None
    assert a.when is not None and b.when is not None
    headline_a, headline_b = _headline_terms(a.title), _headline_terms(b.title)
    weight = weights(a.terms | b.terms | headline_a | headline_b)
    return EventFeatures(
        similarity=float(a.vector @ b.vector),
        particulars=_particulars(a.terms, b.terms, weight),
        headline_in_lead=(_found(headline_a, b.terms, weight)
                          + _found(headline_b, a.terms, weight)) / 2,
        days=min(MAX_DAYS, abs(a.when - b.when).total_seconds() / 86400))


def shared_particulars(a: StoryLead, b: StoryLead, weights: Weights) -> float:
    """The rarity-weighted share of the smaller lead's terms that the other lead has too."""
    return _particulars(a.terms, b.terms, weights(a.terms | b.terms))


def _particulars(a: frozenset[str], b: frozenset[str], weight: dict[str, float]) -> float:
    smaller = min(sum(weight.get(t, 0.0) for t in a), sum(weight.get(t, 0.0) for t in b))
    if smaller <= 0:
        return 0.0
    return sum(weight.get(t, 0.0) for t in a & b) / smaller


def _found(terms: frozenset[str], lead: frozenset[str], weight: dict[str, float]) -> float:
    """The rarity-weighted share of ``terms`` that ``lead`` has."""
    total = sum(weight.get(t, 0.0) for t in terms)
    return sum(weight.get(t, 0.0) for t in terms & lead) / total if total > 0 else 0.0


@lru_cache(maxsize=4096)
def _headline_terms(title: str) -> frozenset[str]:
    # each new article is compared with every recent story: a headline recurs across pairs
    return frozenset(with_places(title))


def assign_stories(
    new: Sequence[StoryLead], recent: Sequence[StoryLead],
    threshold: float = SAME_STORY_SIMILARITY, weights: Weights | None = None,
    prior: float = BACKGROUND_CHUNKS,
) -> dict[str, str]:
    """The story of each new article: a recent one it repeats, or a story of its own.

    New articles that repeat each other share a story too (the first one's).
    """
    known = [r for r in recent if r.story_id]
    assigned: dict[str, str] = {}
    for lead in new:
        twin = _most_similar(lead, known, threshold, weights, prior)
        story = twin.story_id if twin is not None else lead.article_id
        assigned[lead.article_id] = story
        known.append(replace(lead, story_id=story))
    return assigned


def _most_similar(lead: StoryLead, known: Sequence[StoryLead], threshold: float,
                  weights: Weights | None, prior: float) -> StoryLead | None:
    best: tuple[float, StoryLead] | None = None
    for other in known:
        if other.article_id == lead.article_id:
            return other  # the same article, updated: its story stays
        if not same_story(lead, other, threshold, weights, prior):
            continue
        similarity = (float(lead.vector @ other.vector)
                      if lead.vector is not None and other.vector is not None else 1.0)
        if best is None or similarity > best[0]:
            best = (similarity, other)
    return None if best is None else best[1]
