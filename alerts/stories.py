"""One story, one alert: which stored story a newly matched article tells.

An article tells an earlier article's story when their leads (the first chunk, headline
included) are near-identical in meaning, or their headlines share almost all their words.
The same article updated keeps its story.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

# Measured on the labelled pairs of bench/alert_labels.py (docs/benchmarks.md): 39 of 40 repeats
# caught, 1 of 40 different stories merged. 0.90 merged none there, but misses a second outlet's
# rewrite of the same event (tests/bot/test_alerts_service.py), which those pairs lack.
SAME_STORY_SIMILARITY = 0.88
SAME_HEADLINE_OVERLAP = 0.8
_WORDS = re.compile(r"\w+")


@dataclass(frozen=True)
class StoryLead:
    """An article's headline and lead vector, and the story it tells (when known)."""

    article_id: str
    title: str
    vector: np.ndarray | None
    story_id: str = ""


def same_story(a: StoryLead, b: StoryLead, threshold: float = SAME_STORY_SIMILARITY) -> bool:
    """Near-identical leads, or headlines sharing almost all their words."""
    if a.vector is not None and b.vector is not None and float(a.vector @ b.vector) >= threshold:
        return True
    words_a = set(_WORDS.findall(a.title.lower()))
    words_b = set(_WORDS.findall(b.title.lower()))
    return len(words_a) >= 4 and len(words_a & words_b) / len(words_a | words_b) >= (
        SAME_HEADLINE_OVERLAP)


def assign_stories(
    new: Sequence[StoryLead], recent: Sequence[StoryLead],
    threshold: float = SAME_STORY_SIMILARITY,
) -> dict[str, str]:
    """The story of each new article: a recent one it repeats, or a story of its own.

    New articles that repeat each other share a story too (the first one's).
    """
    known = [r for r in recent if r.story_id]
    assigned: dict[str, str] = {}
    for lead in new:
        twin = _most_similar(lead, known, threshold)
        story = twin.story_id if twin is not None else lead.article_id
        assigned[lead.article_id] = story
        known.append(StoryLead(lead.article_id, lead.title, lead.vector, story))
    return assigned


def _most_similar(lead: StoryLead, known: Sequence[StoryLead],
                  threshold: float) -> StoryLead | None:
    best: tuple[float, StoryLead] | None = None
    for other in known:
        if other.article_id == lead.article_id:
            return other  # the same article, updated: its story stays
        if not same_story(lead, other, threshold):
            continue
        similarity = (float(lead.vector @ other.vector)
                      if lead.vector is not None and other.vector is not None else 1.0)
        if best is None or similarity > best[0]:
            best = (similarity, other)
    return None if best is None else best[1]
