"""About-ness features on hand-written articles: where and how often a topic's words appear,
roundups, headlines made from text."""

from __future__ import annotations

import numpy as np
import pytest

from alerts import about
from alerts.about import (
    FEATURES,
    THRESHOLD,
    WEIGHTS,
    ArticleTerms,
    Similarity,
    about_logits,
    has_real_headline,
    is_roundup,
    lead_of,
    pair_features,
    probability,
    shares_of,
)
from core.terms import tokenize
from ingest.clean import headline_from

SIMILAR = Similarity(score=0.5, dense=0.6, lead=0.55, headline=0.4)
SUMMIT = (
    "Leaders met in Nara on Tuesday. The summit opened with talks on trade.\n\n"
    "Security was on the agenda too. Officials said the summit would end on Wednesday."
)
FOOTBALL = (
    "The club won 3-1 on Saturday. Fans filled the stadium.\n\n"
    "Much later, a minister mentioned the summit in passing."
)
WEIGHTS_OF_TERMS = {"summit": 2.0, "nara": 6.0}


def features(title: str, text: str, topic: str = "Nara summit",
             **kwargs: bool) -> dict[str, float]:
    values = pair_features(tokenize(topic), WEIGHTS_OF_TERMS, title, text, SIMILAR, **kwargs)
    return dict(zip(FEATURES, values.tolist(), strict=True))


def test_lead_is_the_first_two_sentences() -> None:
    assert lead_of(SUMMIT) == (
        "Leaders met in Nara on Tuesday. The summit opened with talks on trade.")
    assert lead_of("") == ""


def test_words_up_front_weigh_their_rarity() -> None:
    about = features("Nara summit opens", SUMMIT)
    assert about["headline_share"] == pytest.approx(1.0)
    assert about["lead_share"] == pytest.approx(1.0)
    assert about["first_share"] == pytest.approx(0.75)  # the first sentence names Nara only
    assert about["body_share"] == pytest.approx(1.0)
    # of 14 content words, "nara" (share 0.75) is the third, "summit" (0.25) the fifth
    assert about["first_at"] == pytest.approx(0.75 * 2 / 14 + 0.25 * 4 / 14)


def test_a_mention_deep_in_the_body_is_not_up_front() -> None:
    mention = features("Club wins again", FOOTBALL)
    assert mention["headline_share"] == 0.0
    assert mention["lead_share"] == 0.0
    assert mention["body_share"] == pytest.approx(0.25)
    # "nara" never appears (counts as the end), "summit" near the end
    assert mention["first_at"] > 0.9
    assert mention["per_thousand"] < features("Nara summit opens", SUMMIT)["per_thousand"]


def test_a_headline_made_from_the_text_does_not_count() -> None:
    made = lead_of(SUMMIT)  # ingest's headline for it: its first line
    assert not has_real_headline(made, SUMMIT)
    assert has_real_headline("Nara summit opens", SUMMIT)
    assert not has_real_headline("", SUMMIT)
    untitled = features(made, SUMMIT)
    assert untitled["real_headline"] == 0.0
    assert untitled["headline_share"] == 0.0
    assert untitled["headline_cosine"] == 0.0
    assert untitled["lead_share"] == pytest.approx(1.0)
    assert features("Nara summit opens", SUMMIT)["headline_cosine"] == pytest.approx(0.4)


@pytest.mark.parametrize("title", [
    "5 things to know about the Nara summit",
    "Nara summit: What we know so far",
    "Japan-Korea talks live updates",
    "Photos: Leaders arrive in Nara",
    "The week in pictures",
    "Your morning briefing",
])
def test_roundups_by_headline(title: str) -> None:
    assert is_roundup(title, SUMMIT)


@pytest.mark.parametrize("title", [
    "Nara summit opens",
    "Five leaders meet in Nara",
    "What the summit means for trade",
])
def test_reports_are_not_roundups(title: str) -> None:
    assert not is_roundup(title, SUMMIT)


def test_roundups_by_structure() -> None:
    listed = "Here is the day:\n" + "\n".join(f"{n}. Item number {n} of the day." for n in
                                              range(1, 7))
    assert is_roundup("Tuesday", listed)
    stamped = "\n".join(f"{h}:15 p.m. ET\nAn update on the talks." for h in (1, 2, 3))
    assert is_roundup("The talks", stamped)
    assert not is_roundup("The talks", "1. One point.\nA long paragraph.\n" * 2)


def test_names_and_roundups_are_flags() -> None:
    flagged = features("5 things to know", SUMMIT, named_up_front=True)
    assert flagged["roundup"] == 1.0
    assert flagged["named_up_front"] == 1.0
    assert features("Nara summit opens", SUMMIT)["roundup"] == 0.0


def test_a_topic_without_known_rarity_shares_evenly() -> None:
    values = pair_features(tokenize("trade talks"), {}, "Trade deal", SUMMIT, SIMILAR)
    shares = dict(zip(FEATURES, values.tolist(), strict=True))
    assert shares["headline_share"] == pytest.approx(0.5)


def test_probability_is_a_logistic_of_the_weighted_features() -> None:
    x = np.ones(len(FEATURES))
    weights = {name: 0.0 for name in FEATURES} | {"score": 2.0}
    assert probability(x, weights, -2.0)[0] == pytest.approx(0.5)
    assert probability(x, weights, 0.0)[0] == pytest.approx(1 / (1 + np.exp(-2.0)))


def test_the_fitted_weights_cover_every_feature() -> None:
    assert set(WEIGHTS) == set(FEATURES)
    assert 0.0 < THRESHOLD < 1.0
    # a pair about the topic reads as more likely "about" than a mention deep in the body
    about = pair_features(tokenize("Nara summit"), WEIGHTS_OF_TERMS, "Nara summit opens", SUMMIT,
                          Similarity(0.6, 0.65, 0.6, 0.6))
    mention = pair_features(tokenize("Nara summit"), WEIGHTS_OF_TERMS, "Club wins again",
                            FOOTBALL, Similarity(0.35, 0.4, 0.2, 0.1))
    assert probability(about)[0] > THRESHOLD > probability(mention)[0]


@pytest.mark.parametrize("block", [1, 3, 2048])
def test_the_model_over_every_pair_at_once_equals_it_pair_by_pair(
        block: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(about, "ROW_BLOCK", block)  # topics taken a few at a time, or all
    topics = [["nara", "summit"], ["summit"], ["club"], []]
    articles = [("Nara summit opens", SUMMIT), ("Club wins again", FOOTBALL),
                (headline_from(SUMMIT), SUMMIT), ("5 things to know", "1. A summit.\n" * 6)]
    rng = np.random.default_rng(7)
    cosines = {name: rng.uniform(0.1, 0.7, (len(topics), len(articles)))
               for name in ("score", "dense", "lead_cosine", "headline_cosine")}
    named = rng.integers(0, 2, (len(topics), len(articles))).astype(float)
    logits = about_logits([shares_of(t, WEIGHTS_OF_TERMS) for t in topics],
                          [ArticleTerms.of(title, text) for title, text in articles],
                          cosines, named)
    for i, terms in enumerate(topics):
        for j, (title, text) in enumerate(articles):
            similarity = Similarity(*(float(cosines[n][i, j]) for n in (
                "score", "dense", "lead_cosine", "headline_cosine")))
            p = float(probability(pair_features(terms, WEIGHTS_OF_TERMS, title, text, similarity,
                                                named_up_front=bool(named[i, j])))[0])
            assert logits[i, j] == pytest.approx(np.log(p / (1 - p)), abs=1e-9)


def test_a_headline_made_behind_furniture_is_not_real_and_a_quoted_one_is() -> None:
    text = "CNN —\n\n" + SUMMIT
    made = headline_from(text)
    assert not has_real_headline(made, text)
    # a real headline the text happens to open with again is still told apart by the cleaner
    assert has_real_headline("Leaders met in Nara", SUMMIT)
