"""A name matched by meaning and by name: a story naming it up front matches a little below
the bar; one naming it deep in its body, or not at all, does not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np

from alerts.matching import NAME_MARGIN, Interest, NewArticle, TopicMatcher, matches_at
from alerts.topics import parse_topic
from core.terms import tokenize

NOW = datetime(2026, 1, 12, tzinfo=UTC)
PASSAGE = np.array([0.6, 0.8, 0.0], dtype=np.float32)


def embed(texts: list[str]) -> np.ndarray:
    return np.stack([np.array([1.0, 0.0, 0.0], dtype=np.float32) for _ in texts])


def story(name: str, title: str, text: str) -> NewArticle:
    return NewArticle(name, title, text, frozenset(tokenize(text)), PASSAGE[None, :], NOW)


def test_a_story_naming_the_name_up_front_matches_a_little_below_the_bar() -> None:
    # no weight for the topic's words: the three stories score alike, the name decides
    matcher = TopicMatcher(embed, lambda terms: dict.fromkeys(terms, 0.0))
    topic = parse_topic("Australian Open")
    told_through_people = story("front", "Davenport dismantles young rival",
                                "Lindsay Davenport reached the Australian Open final.")
    in_passing = story("deep", "Davenport dismantles young rival",
                       "Lindsay Davenport won again. " + "She served well. " * 40
                       + "The Australian Open ends on Sunday.")
    unnamed = story("none", "Davenport dismantles young rival", "Lindsay Davenport won again.")
    scores = matcher.scores([topic], [told_through_people, in_passing, unnamed])[0]
    assert float(scores.max() - scores.min()) < NAME_MARGIN / 2
    matcher.threshold = float(scores.max()) + NAME_MARGIN / 2  # all three just below the bar
    interest = Interest(1, topic, NOW - timedelta(days=1))
    assert [m.article_id for m in matcher.match([interest], [
        told_through_people, in_passing, unnamed])] == ["front"]
    # not for a topic that is not a name, nor far below the bar
    assert matcher.match([Interest(2, parse_topic("australian open tennis"), NOW)],
                         [told_through_people]) == []
    assert not matches_at(topic, 0.1, 0.47, told_through_people.title, told_through_people.text)
    assert matches_at(topic, 0.47, 0.47, "", "")  # at the bar, by meaning alone
