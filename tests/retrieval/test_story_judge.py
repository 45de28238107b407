"""The story judge's features read what they say, and its weights order the articles."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from core.terms import tokenize
from retrieval.story_judge import FEATURES, ArticleEvidence, StoryJudge, article_features

NOW = datetime(2026, 5, 20, 12, tzinfo=UTC)


@dataclass(frozen=True)
class Hit:
    text: str
    score: float
    similarity: float

    def text_terms(self) -> list[str]:
        return tokenize(self.text)


def idf(terms: Iterable[str]) -> dict[str, float]:  # stop words never reach it
    rare = {"nara": 5.0, "summit": 3.0, "agenda": 2.0}
    return {t: rare.get(t, 1.0) for t in terms}


def article(article_id: str, title: str, text: str, *, first: int, days_old: float | None,
            similarity: float = 0.5, score: float = 0.03, outlets: int = 0) -> ArticleEvidence:
    published = None if days_old is None else NOW - timedelta(days=days_old)
    return ArticleEvidence(article_id, title, published, outlets, first,
                           (Hit(text, score, similarity),))


def feature(values: list[float], name: str) -> float:
    return values[FEATURES.index(name)]


def test_an_article_whose_headline_holds_the_question_words_covers_more_of_them() -> None:
    pool = [
        article("a", "Lee heads to Nara", "The leaders meet on Tuesday.", first=0, days_old=1),
        article("b", "Markets open higher", "Shares rose on Tuesday.", first=1, days_old=1),
    ]
    features = article_features(pool, "what is on the Nara summit agenda?", NOW, idf)
    assert feature(features["a"], "title_coverage") == pytest.approx(5 / 10)
    assert feature(features["a"], "coverage") == pytest.approx(5 / 10)
    assert feature(features["b"], "coverage") == 0.0


def test_recency_fades_with_age_and_an_undated_article_is_not_recent() -> None:
    pool = [
        article("new", "Nara summit", "Agenda set.", first=0, days_old=0),
        article("week", "Nara summit", "Agenda set.", first=1, days_old=7),
        article("undated", "Nara summit", "Agenda set.", first=2, days_old=None),
    ]
    features = article_features(pool, "Nara summit", NOW, idf)
    assert feature(features["new"], "recent_week") == pytest.approx(1.0)
    assert feature(features["week"], "recent_week") == pytest.approx(0.3679, abs=1e-3)
    assert feature(features["undated"], "recent_month") == 0.0


def test_in_an_archive_that_went_quiet_age_counts_from_its_newest_article() -> None:
    later = NOW + timedelta(days=4 * 365)  # asked years after the archive's last article
    pool = [
        article("preview", "Final preview", "Who will win?", first=0, days_old=40),
        article("result", "Final result", "They won.", first=1, days_old=0),
    ]
    features = article_features(pool, "who won the final?", later, idf)
    assert feature(features["result"], "recent_week") == pytest.approx(1.0)
    assert feature(features["preview"], "recent_week") < 0.01
    assert feature(features["preview"], "recent_month") == pytest.approx(0.2636, abs=1e-3)


def test_rank_and_similarity_are_relative_to_the_pool() -> None:
    pool = [
        article("a", "One", "Nara.", first=0, days_old=1, similarity=0.8, score=0.04),
        article("b", "Two", "Nara.", first=1, days_old=1, similarity=0.6, score=0.02),
    ]
    features = article_features(pool, "Nara", NOW, idf)
    assert feature(features["a"], "first_rank") == 1.0
    assert feature(features["b"], "first_rank") == 0.5
    assert feature(features["b"], "similarity_gap") == pytest.approx(-0.2)
    assert feature(features["b"], "fused_share") == pytest.approx(0.5)


def test_the_judge_prefers_what_its_weights_favour() -> None:
    title_only = StoryJudge(tuple(1.0 if f == "title_coverage" else 0.0 for f in FEATURES))
    pool = [
        article("first", "Markets open higher", "Nara summit agenda.", first=0, days_old=1),
        article("story", "Nara summit agenda", "Leaders meet.", first=1, days_old=1),
    ]
    features = article_features(pool, "Nara summit agenda", NOW, idf)
    order = sorted(features, key=lambda a: -title_only.score(features[a]))
    assert order == ["story", "first"]


def test_asked_for_the_latest_the_newest_article_near_the_best_leads() -> None:
    judge = StoryJudge()
    scores = {"march-recap": 9.4, "october-report": 8.2, "june-recap": 6.3}
    published = {"march-recap": NOW - timedelta(days=230), "october-report": NOW,
                 "june-recap": NOW - timedelta(days=130)}
    raised = judge.newest_near_best(scores, published)
    assert max(raised, key=lambda a: raised[a]) == "october-report"
    assert raised["march-recap"] == 9.4  # the others keep their scores
    # further than the margin below the best, the newest does not lead
    far = judge.newest_near_best({**scores, "october-report": 9.4 - 2.5}, published)
    assert max(far, key=lambda a: far[a]) == "march-recap"
    assert StoryJudge(latest_margin=0).newest_near_best(scores, published) == scores


def test_question_names_leave_out_days_and_months() -> None:
    from retrieval.story_judge import question_names

    assert question_names("Who won the World Cup on Sunday in December?") == {"world", "cup"}
    assert question_names("what happened in the city?") == set()


def test_names_of_several_words_are_read_whole() -> None:
    from retrieval.story_judge import question_name_runs

    assert question_name_runs("Who won the World Cup on Sunday in December?") == [
        {"world", "cup"}]
    assert question_name_runs("What did Joe Biden say to Rishi Sunak?") == [
        {"joe", "biden"}, {"rishi", "sunak"}]
    # one word is no run, and days and months are no name
    assert question_name_runs("What is on the Nara agenda for Monday July 4?") == []
