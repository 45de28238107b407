"""Another outlet's report of one event: the logistic model behind same_story's event decision."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from alerts.stories import StoryLead, assign_stories, event_features, same_story
from alerts.story_model import (
    COEFFICIENTS,
    MAX_DAYS,
    THRESHOLD,
    EventFeatures,
    probability,
    same_event,
)
from core.terms import tokenize, with_places

DAY = datetime(2026, 1, 13, 9, tzinfo=UTC)
NAMES = set(tokenize("Lee Takaichi Nara shuttle Seoul budget"))


def rarity(terms: Iterable[str]) -> dict[str, float]:
    """An event's names are rare, everyday words are not."""
    return {t: 3.0 if t in NAMES else 0.2 for t in terms}


def unit(*weights: float) -> np.ndarray:
    vector = np.array(weights, dtype=np.float32)
    return vector / np.linalg.norm(vector)


def lead(name: str, title: str, text: str, vector: np.ndarray, when: datetime | None = DAY,
         story: str = "") -> StoryLead:
    return StoryLead(name, title, vector, story,
                     frozenset(with_places(title)) | frozenset(with_places(text)), when)


FIRST = lead("a", "Lee and Takaichi meet in Nara",
             "Leaders met on Tuesday and agreed to resume shuttle diplomacy between Seoul and "
             "Tokyo.", unit(1, 0, 0), story="a")
# another outlet, six hours later: other words, the same names
RETOLD = lead("b", "Shuttle diplomacy is back, say Lee and Takaichi",
              "The two leaders said in Nara they would visit each other again this year.",
              unit(1, 0.88, 0), DAY + timedelta(hours=6))
# the same morning, the same capital, another event
BUDGET = lead("c", "Budget talks open in Seoul",
              "Officials met on Tuesday in Seoul to discuss the budget, leaders said.",
              unit(1, -0.6, 0), DAY + timedelta(hours=3))


def similarity(a: StoryLead, b: StoryLead) -> float:
    assert a.vector is not None and b.vector is not None
    return float(a.vector @ b.vector)


def test_another_outlets_retelling_joins_below_the_old_rules_cosine() -> None:
    assert similarity(FIRST, RETOLD) == pytest.approx(0.75, abs=0.01)  # the old rule: 0.78
    features = event_features(FIRST, RETOLD, rarity)
    assert features.particulars > 0.9 and features.headline_in_lead > 0.9
    assert same_story(RETOLD, FIRST, weights=rarity, prior=0)
    assert assign_stories([RETOLD, BUDGET], [FIRST], weights=rarity, prior=0) == {
        "b": "a", "c": "c"}


def test_a_neighbouring_event_the_same_day_stays_apart_though_closer_in_meaning() -> None:
    assert similarity(FIRST, BUDGET) > similarity(FIRST, RETOLD)
    features = event_features(FIRST, BUDGET, rarity)
    assert features.headline_in_lead < 0.3  # its headline's names are not in the first lead
    assert not same_event(features)
    assert not same_story(BUDGET, FIRST, weights=rarity, prior=0)


def test_the_same_names_days_later_are_news_again() -> None:
    days = [0.25, 1.0, 2.0, 3.0]
    chances = [probability(event_features(FIRST, replace(RETOLD, when=DAY + timedelta(days=d)),
                                          rarity)) for d in days]
    assert chances == sorted(chances, reverse=True)
    assert not same_story(replace(RETOLD, when=DAY + timedelta(days=3)), FIRST, weights=rarity,
                          prior=0)
    far = event_features(FIRST, replace(RETOLD, when=DAY + timedelta(days=30)), rarity)
    assert far.days == MAX_DAYS


def test_without_dates_or_rarity_only_repeats_join() -> None:
    undated = replace(RETOLD, when=None)
    assert not same_story(undated, FIRST, weights=rarity, prior=0)
    assert not same_story(RETOLD, FIRST)  # no weights: the repeat rule alone
    repeat = replace(undated, vector=unit(1, 0.1, 0))  # cosine 0.995: a rewrite
    assert same_story(repeat, FIRST) and same_story(repeat, FIRST, weights=rarity, prior=0)


def test_the_features_read_both_ways_alike() -> None:
    assert event_features(FIRST, RETOLD, rarity) == pytest.approx(
        event_features(RETOLD, FIRST, rarity))
    # none of the first headline's terms is in the other lead ("meet" is not "met"); of the
    # other headline's, "seoul" (3.0 of budget 3.0, seoul 3.0, talk 0.2, open 0.2) is
    assert event_features(FIRST, BUDGET, rarity).headline_in_lead == pytest.approx(
        (0 + 3.0 / 6.4) / 2)


def test_each_feature_moves_the_chance_its_own_way() -> None:
    base = EventFeatures(similarity=0.75, particulars=0.4, headline_in_lead=0.5, days=0.5)
    for field, step in (("similarity", 0.05), ("particulars", 0.1), ("headline_in_lead", 0.1)):
        assert probability(replace(base, **{field: getattr(base, field) + step})) > (
            probability(base))
    assert probability(replace(base, days=1.5)) < probability(base)
    assert len(COEFFICIENTS) == 1 + len(EventFeatures.__dataclass_fields__)
    assert 0.5 < THRESHOLD < 1  # precision first: above even odds
