"""What alerts keep so that a matching round computes nothing twice: a subscription's parsed
topic and its topic's vector, stored when it is made, and a story's headline vector.

A kept value is used while it is what would be computed now: made of the same text (a topic
respelled by the quote button is parsed and embedded again) and, for a vector, by the same
embedding model (after a reindex with another model, every vector is made again). Rows kept
before these columns existed have none: they are computed on first use and stored then.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Protocol

import numpy as np

from alerts.topics import Topic, parse_topic


class TopicRow(Protocol):
    """A subscription's topic as stored: its spelling and what was kept of it."""

    @property
    def topic(self) -> str: ...
    @property
    def parsed(self) -> str | None: ...
    @property
    def vector(self) -> np.ndarray | None: ...
    @property
    def model(self) -> str | None: ...


def dumped_topic(topic: Topic) -> str:
    """A parsed topic as stored (JSON)."""
    return json.dumps({"text": topic.text, "meaning": topic.meaning,
                       "phrases": list(topic.phrases), "excluded": list(topic.excluded)},
                      ensure_ascii=False)


def kept_topic(row: TopicRow) -> Topic | None:
    """The parse kept for the subscription's spelling (None: none kept, or of another one)."""
    return None if row.parsed is None else _loaded(row.parsed, row.topic)


@lru_cache(maxsize=65_536)
def _loaded(parsed: str, spelling: str) -> Topic | None:
    """A stored parse read back (every round reads every subscription's, several times)."""
    data = json.loads(parsed)
    if data.get("text") != spelling:
        return None
    return Topic(str(data["text"]), str(data["meaning"]), tuple(map(str, data["phrases"])),
                 tuple(map(str, data["excluded"])))


def topic_of(row: TopicRow) -> Topic:
    """The subscription's topic: as kept, else parsed from its spelling."""
    return kept_topic(row) or parse_topic(row.topic)


def kept_topic_vector(row: TopicRow, model: str) -> np.ndarray | None:
    """The kept vector of the subscription's topic, when it is of this spelling and model."""
    if kept_topic(row) is None:
        return None
    return current_vector(row.vector, row.model, model)


def to_keep(row: TopicRow, model: str) -> bool:
    """Whether the subscription's topic should be computed and stored (again): no parse kept
    for its spelling, or a topic matched by meaning without a vector of this model."""
    topic = kept_topic(row)
    return topic is None or (bool(topic.meaning) and kept_topic_vector(row, model) is None)


def current_vector(vector: np.ndarray | None, made_by: str | None,
                   model: str) -> np.ndarray | None:
    """A stored vector when the model in use made it; None: it must be made again."""
    return vector if vector is not None and made_by == model else None


def kept_headline(vector: np.ndarray | None, headline: str | None, made_by: str | None,
                  title: str, model: str) -> np.ndarray | None:
    """A story's stored headline vector when it is of this headline and model."""
    return current_vector(vector, made_by, model) if headline == title else None
