"""Story dedup from day one: term rarity from the background table while the archive is small."""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import UTC, datetime

import numpy as np
import pytest

from alerts.matching import UpFront, Weights
from alerts.rarity import background_frequency, with_background
from alerts.stories import StoryLead, assign_stories, same_story
from core.models import ArticleTerms
from core.terms import tokenize
from retrieval.lexical import LexicalIndex
from tests.bot.test_alerts_service import NARA_DEAL
from tests.bot.test_story_dedup_e2e import ELSEWHERE, ELSEWHERE_TITLE

DAY = datetime(2026, 1, 13, 9, tzinfo=UTC)
NARA_TITLE = "Lee and Takaichi agree to keep talking at Nara summit"


class Terms:
    """A term source holding fixed articles, one chunk of text each."""

    def __init__(self, texts: Iterable[str]) -> None:
        self.articles = [ArticleTerms(f"a{n}", n + 1, ((0, " ".join(tokenize(text))),))
                         for n, text in enumerate(texts)]

    def revision(self) -> int:
        return len(self.articles)

    def changed_since(self, revision: int) -> Iterable[ArticleTerms]:
        return [a for a in self.articles if a.revision > revision]


def archive(*texts: str) -> Weights:
    """The BM25 idf of a store holding these texts (an index as the bot's, over a fake source)."""
    return LexicalIndex(Terms(texts)).idf_weights


def lead(name: str, title: str, text: str, vector: np.ndarray, story: str = "") -> StoryLead:
    return StoryLead(name, title, vector, story, UpFront.of(title, text).lead, DAY)


def unit(*weights: float) -> np.ndarray:
    vector = np.array(weights, dtype=np.float32)
    return vector / np.linalg.norm(vector)


def test_the_tables_words_are_the_analyzers_terms_and_numbers_have_a_frequency() -> None:
    [term] = tokenize("officials")  # stemmed as stored terms are
    assert background_frequency(term) > background_frequency("nara") > 0
    assert background_frequency("takaichi") == 0.0  # a new name: as rare as can be
    assert background_frequency("2026") > 0.0


def test_on_day_one_an_events_names_are_rare_and_everyday_words_are_not() -> None:
    terms = set(UpFront.of(NARA_TITLE, NARA_DEAL).lead)
    names = terms & set(tokenize("Nara Takaichi shuttle"))
    everyday = terms & set(tokenize("officials agreed discussed president"))
    assert names and everyday
    two = archive(f"{NARA_TITLE}\n{NARA_DEAL}", f"{ELSEWHERE_TITLE}\n{ELSEWHERE}")
    # the archive alone: what both articles say reads as least rare, names and "agreed" alike
    assert max(two(names).values()) <= min(two(everyday).values()) + 1e-9
    weights = with_background(two)(terms)
    assert min(weights[t] for t in names) > max(weights[t] for t in everyday) + 1


def test_a_large_archive_outweighs_the_background() -> None:
    def big(chunks: float, df: dict[str, float]) -> Weights:
        def weights(terms: Iterable[str]) -> dict[str, float]:
            return {t: math.log(1 + (chunks - df.get(t, 0) + 0.5) / (df.get(t, 0) + 0.5))
                    for t in terms}
        return weights

    # "summit" is rare in English, common in this archive's news
    news = big(2_000_000, {"summit": 200_000, "nara": 20})
    blended = with_background(news)(["summit", "nara"])
    assert blended == pytest.approx(news(["summit", "nara"]), rel=0.02)
    small = big(4, {"summit": 4, "nara": 4})
    assert with_background(small)(["summit"])["summit"] > 5 * small(["summit"])["summit"]


def test_the_archives_chunk_count_and_document_frequencies_are_read_back_from_its_idf() -> None:
    texts = ["Nara summit opens", "Nara summit ends", "Storm hits coast", "Council meets",
             "Summit dinner in Nara"]
    index = archive(*texts)
    terms = {t for text in texts for t in tokenize(text)} | {"unseen"}
    # a vanishing background gives back the archive's own idf: the inversion is exact
    assert with_background(index, 1e-9)(terms) == pytest.approx(index(terms), rel=1e-6)
    assert with_background(index, 0) is index


def test_another_outlets_report_joins_the_story_in_a_store_of_two_articles() -> None:
    first = lead("a", NARA_TITLE, NARA_DEAL, unit(1, 0, 0), "a")
    close = unit(1, 0.56, 0)  # cosine 0.87: near in meaning, not a rewrite
    assert first.vector is not None and 0.78 < float(first.vector @ close) < 0.88
    elsewhere = lead("b", ELSEWHERE_TITLE, ELSEWHERE, close)
    two = archive(f"{NARA_TITLE}\n{NARA_DEAL}", f"{ELSEWHERE_TITLE}\n{ELSEWHERE}")
    assert assign_stories([elsewhere], [first], weights=two) == {"b": "a"}
    # the rule before: the archive's rarity alone, which two articles turn upside down
    assert assign_stories([elsewhere], [first], weights=two, prior=0) == {"b": "b"}
    # an archive that has not caught up yet decides the same way
    assert same_story(elsewhere, first, weights=archive())


def test_a_same_day_story_sharing_only_everyday_words_stays_apart() -> None:
    title = "Council approves bicycle lanes"
    text = ("Officials said on Tuesday that the city council had approved forty kilometres of new "
            "bicycle lanes after a long debate about parking spaces and bus routes.")
    first = lead("a", NARA_TITLE, NARA_DEAL, unit(1, 0, 0), "a")
    bikes = lead("b", title, text, unit(1, 0.56, 0))  # as close in meaning, for the test's sake
    two = archive(f"{NARA_TITLE}\n{NARA_DEAL}", f"{title}\n{text}")
    assert assign_stories([bikes], [first], weights=two) == {"b": "b"}
    assert assign_stories([bikes], [first], weights=archive()) == {"b": "b"}
