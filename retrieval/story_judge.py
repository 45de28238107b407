"""Which article is the one asked about: a small judge that reorders the hybrid search's pool.

Rank fusion scores chunks; a reader asks about a story. The judge scores each article of the
pool on features of the whole article: its best rank and similarity, how much of the question's
term weight its passages and headline hold, how recent it is, and how many outlets carry it.
Its weights were learned from RealTime QA's gold articles (bench/rank_judge.py, even questions;
measured on the odd ones, docs/benchmarks.md).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from core.terms import tokenize

FEATURES = (
    "first_rank", "similarity", "similarity_gap", "fused_share", "coverage",
    "title_coverage", "recent_week", "recent_month", "outlets", "chunks", "names",
)
# Words the question capitalises mid-sentence: the names a story is about.
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][\w’'-]+")
_NAME_RUN = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][\w’'-]+(?: [A-Z][\w’'-]+)+")  # "World Cup"
# Capitalised, but when a thing happened, not what it is about
_TIME_WORDS = frozenset({
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
})


def question_names(query: str) -> set[str]:
    """The terms of the names ``query`` capitalises mid-sentence ("World Cup": "world",
    "cup"), days and months left out."""
    return _capitalised(query) - _TIME_WORDS


def question_name_runs(query: str) -> list[set[str]]:
    """The terms of each name of two or more words ``query`` capitalises mid-sentence ("Who won
    the World Cup?": {"world", "cup"}), days and months left out."""
    runs = []
    for run in _NAME_RUN.findall(query):
        terms = set(tokenize(run)) - _TIME_WORDS
        if len(terms) >= 2:
            runs.append(terms)
    return runs


def _capitalised(query: str) -> set[str]:
    """The terms of the words ``query`` capitalises mid-sentence (the judge's "names" feature
    keeps days and months: its weights were learned with them)."""
    return set(tokenize(" ".join(_NAME.findall(query))))


class JudgedHit(Protocol):
    """What the judge reads of a hit (``retrieval.search.SearchHit`` has it)."""

    @property
    def text(self) -> str: ...

    @property
    def score(self) -> float: ...

    @property
    def similarity(self) -> float: ...

    def text_terms(self) -> Sequence[str]:
        """``tokenize(text)``."""
        ...


@dataclass(frozen=True)
class ArticleEvidence:
    """One article's hits in the pool, in pool order, with what the features need of it."""

    article_id: str
    title: str
    published: datetime | None
    outlets: int  # other outlets' copies folded into its hits
    first: int  # position of its first hit among the pool's distinct articles
    hits: tuple[JudgedHit, ...]


@dataclass(frozen=True)
class StoryJudge:
    """A linear judge over ``FEATURES``; the article with the highest score comes first."""

    weights: tuple[float, ...] = (
        3.076, 0.675, 1.163, 1.478, 0.888, 0.669, 1.243, 2.44, -0.288, 1.517, 1.426,
    )

    # Asked for the latest, the newest article scoring within this margin (log-odds) of the
    # best leads: its recency features fade within a month, so in a year's archive they
    # cannot tell last week's report from one six months old (0: the score alone)
    latest_margin: float = 2.0

    def score(self, features: Sequence[float]) -> float:
        """The article's score (the log-odds that it is the one asked about)."""
        return sum(w * f for w, f in zip(self.weights, features, strict=True))

    def newest_near_best(self, scores: Mapping[str, float],
                         published: Mapping[str, datetime | None]) -> dict[str, float]:
        """``scores`` with the newest article within ``latest_margin`` of the best raised to
        just above it, for a question that asks for the latest."""
        if self.latest_margin <= 0 or not scores:
            return dict(scores)
        best = max(scores.values())
        near = {a: day for a, day in published.items()
                if day is not None and scores.get(a, -math.inf) >= best - self.latest_margin}
        if not near:
            return dict(scores)
        newest = max(near, key=near.__getitem__)
        return {**scores, newest: max(scores[newest], best + 1e-6)}


def article_features(
    articles: Sequence[ArticleEvidence], query: str, now: datetime,
    idf: Callable[[Iterable[str]], Mapping[str, float]], *, prefer_recent: bool = False,
) -> dict[str, list[float]]:
    """``FEATURES`` of every article of the pool, by article id.

    Age counts from the pool's newest article when it is older than ``now`` (and always when
    the question asks for the latest), so that in an archive that went quiet "who won the
    final?" still prefers the result to the preview a month before it, as it did on the day.
    """
    newest = max((a.published for a in articles if a.published), default=now)
    if prefer_recent or newest < now:
        now = newest
    terms = set(tokenize(query))
    weights = idf(terms)
    total = sum(weights.values()) or 1.0
    names = _capitalised(query)
    best_similarity = max((h.similarity for a in articles for h in a.hits), default=0.0)
    best_fused = max((h.score for a in articles for h in a.hits), default=0.0) or 1.0
    features: dict[str, list[float]] = {}
    for article in articles:
        title_words = set(tokenize(article.title))
        words = title_words.union(*(h.text_terms() for h in article.hits))
        similarity = max(h.similarity for h in article.hits)
        age_days = max((now - article.published).total_seconds() / 86400, 0.0) if (
            article.published) else math.inf
        features[article.article_id] = [
            1.0 / (1 + article.first),
            similarity,
            similarity - best_similarity,
            max(h.score for h in article.hits) / best_fused,
            sum(weights[t] for t in terms & words) / total,
            sum(weights[t] for t in terms & title_words) / total,
            math.exp(-age_days / 7),
            math.exp(-age_days / 30),
            min(article.outlets, 3) / 3,
            len(article.hits) - 1.0,
            len(names & words) / len(names) if names else 1.0,
        ]
    return features
