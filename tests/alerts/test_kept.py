"""What a subscription keeps of its topic and a story of its headline: used while current."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from alerts.kept import (
    dumped_topic,
    kept_headline,
    kept_topic,
    kept_topic_vector,
    to_keep,
    topic_of,
)
from alerts.topics import parse_topic

MODEL = "bundled:all-MiniLM-L6-v2"
VECTOR = np.array([0.6, 0.8], dtype=np.float32)


@dataclass(frozen=True)
class Row:
    topic: str
    parsed: str | None = None
    vector: np.ndarray | None = None
    model: str | None = None


def kept(text: str, vector: np.ndarray | None = VECTOR, model: str | None = MODEL) -> Row:
    return Row(text, dumped_topic(parse_topic(text)), vector, model)


def test_a_kept_topic_reads_as_parsed() -> None:
    for text in ('"Lee Jae-myung" -football', "Nara summit",
                 '"FA Cup" Wembley -"penalty shootout"'):
        topic = parse_topic(text)
        assert kept_topic(kept(topic.text)) == topic == topic_of(kept(topic.text))


def test_a_topic_kept_by_none_or_for_another_spelling_is_parsed_again() -> None:
    assert kept_topic(Row("Nara summit")) is None
    assert topic_of(Row("Nara summit")) == parse_topic("Nara summit")
    respelled = Row('"Australian Open"', kept("Australian Open").parsed, VECTOR, MODEL)
    assert kept_topic(respelled) is None and kept_topic_vector(respelled, MODEL) is None
    assert topic_of(respelled) == parse_topic('"Australian Open"')
    assert to_keep(respelled, MODEL)


def test_a_vector_is_used_only_when_the_model_in_use_made_it() -> None:
    row = kept("Nara summit")
    assert kept_topic_vector(row, MODEL) is VECTOR and not to_keep(row, MODEL)
    assert kept_topic_vector(row, "other-model") is None and to_keep(row, "other-model")
    assert to_keep(kept("Nara summit", vector=None, model=None), MODEL)


def test_a_topic_of_phrases_only_needs_no_vector() -> None:
    phrases = kept('"Lee Jae-myung"', vector=None, model=None)
    assert not to_keep(phrases, MODEL)
    assert to_keep(Row('"Lee Jae-myung"'), MODEL)  # but its parse is kept


def test_a_headline_vector_is_used_for_the_headline_it_was_made_of() -> None:
    assert kept_headline(VECTOR, "Summit opens", MODEL, "Summit opens", MODEL) is VECTOR
    assert kept_headline(VECTOR, "Summit opens", MODEL, "Summit opens in Nara", MODEL) is None
    assert kept_headline(VECTOR, "Summit opens", "other", "Summit opens", MODEL) is None
    assert kept_headline(None, None, None, "Summit opens", MODEL) is None
