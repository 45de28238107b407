"""A name matched by meaning and by name: a story naming it up front is more about it than one
naming it deep in its body, or not at all."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np

from alerts.matching import Interest, NewArticle, TopicMatcher
from alerts.topics import parse_topic
from core.terms import tokenize

NOW = datetime(2026, 1, 12, tzinfo=UTC)
PASSAGE = np.array([0.6, 0.8, 0.0], dtype=np.float32)


def embed(texts: list[str]) -> np.ndarray:
    return np.stack([np.array([1.0, 0.0, 0.0], dtype=np.float32) for _ in texts])


def story(name: str, title: str, text: str) -> NewArticle:
    return NewArticle(name, title, text, frozenset(tokenize(text)), PASSAGE[None, :], NOW)


def test_a_story_naming_the_name_up_front_is_about_it_more_than_one_naming_it_in_passing(
) -> None:
    # no weight for the topic's words: the three stories are alike by meaning, words decide
    matcher = TopicMatcher(embed, lambda terms: dict.fromkeys(terms, 0.0))
    topic = parse_topic("Australian Open")
    told_through_people = story("front", "Davenport dismantles young rival",
                                "Lindsay Davenport reached the Australian Open final.")
    in_passing = story("deep", "Davenport dismantles young rival",
                       "Lindsay Davenport won again. " + "She served well. " * 40
                       + "The Australian Open ends on Sunday.")
    unnamed = story("none", "Davenport dismantles young rival", "Lindsay Davenport won again.")
    front, deep, none = matcher.scores([topic], [told_through_people, in_passing, unnamed])[0]
    assert front > deep > none
    matcher.threshold = float(front + deep) / 2
    interest = Interest(1, topic, NOW - timedelta(days=1))
    assert [m.article_id for m in matcher.match([interest], [
        told_through_people, in_passing, unnamed])] == ["front"]
