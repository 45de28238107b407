"""One story, one alert: which stored story a newly matched article tells.

An article tells an earlier article's story when their leads (the first chunk, headline
included) are near-identical in meaning, or their headlines share almost all their words: a
re-publication or a rewrite. Another outlet's report of the same event is worded differently,
so its lead is only close in meaning; it is recognised by coming out within a day and a half
and sharing the event's particulars, the rare names and numbers of the headline and lead;
rarity is the archive's, with ordinary English's word frequencies standing in while the archive
is small (alerts.rarity), so a new deployment's second article is judged as well as a later one.
The same article updated keeps its story.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import numpy as np

from alerts.matching import Weights
from alerts.rarity import BACKGROUND_CHUNKS, with_background
from retrieval.text import same_headline

# Measured on the labelled pairs of bench/alert_labels.py (docs/benchmarks.md).
SAME_STORY_SIMILARITY = 0.88  # a repeat: one outlet's re-publication or rewrite
EVENT_WINDOW = timedelta(hours=36)  # two outlets' reports of one event
EVENT_SIMILARITY = 0.78
EVENT_OVERLAP = 0.30  # rarity-weighted share of the smaller lead's terms found in the other


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
    the archive's term rarity, and the background table as ``prior`` chunks) two reports of
    one event."""
    similarity = (float(a.vector @ b.vector)
                  if a.vector is not None and b.vector is not None else None)
    if similarity is not None and similarity >= threshold:
        return True
    if same_headline(a.title, b.title):
        return True
    return (weights is not None and similarity is not None and similarity >= EVENT_SIMILARITY
            and a.when is not None and b.when is not None
            and abs(a.when - b.when) <= EVENT_WINDOW
            and shared_particulars(a, b, with_background(weights, prior)) >= EVENT_OVERLAP)


def shared_particulars(a: StoryLead, b: StoryLead, weights: Weights) -> float:
    """The rarity-weighted share of the smaller lead's terms that the other lead has too."""
    weight = weights(a.terms | b.terms)
    smaller = min(sum(weight.get(t, 0.0) for t in a.terms),
                  sum(weight.get(t, 0.0) for t in b.terms))
    if smaller <= 0:
        return 0.0
    return sum(weight.get(t, 0.0) for t in a.terms & b.terms) / smaller


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
