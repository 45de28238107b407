"""Which new articles match which subscriptions: phrases and exclusions exactly, the rest by
how much an article is about the topic, above a calibrated threshold (docs/benchmarks.md).

First a hybrid score: 0.5 x the best chunk's cosine similarity to the topic + 0.2 x the
headline's own cosine to it + 0.3 x how much of the topic's vocabulary (weighted by rarity)
the article puts up front: half for its headline and lead, half for its headline alone. Then
the about-ness model (alerts.about) reads it with the cosines behind it and where the topic's
words are (headline, first sentence, lead, body; how early, how often; a roundup, a headline
made from the text): a match report set at the Australian Open that names only its players in
the headline is about the Open, a club's news that mentions the Champions League in passing is
not. Its log-odds are put back on the hybrid score's scale, so a reader's bar and taps read as
before. On the labelled BBC topics read after the threshold was set, the model took precision /
recall from 0.861 / 0.580 (the hybrid score) to 0.862 / 0.793 (bench/alert_quality.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cached_property

import numpy as np
from scipy import sparse

from alerts.about import FLOOR, THRESHOLD, ArticleTerms, about_logits, shares_of
from alerts.topics import Topic
from core.terms import tokenize, with_places

# Calibrated on the 60 seen topics of bench/alert_labels.py, reported on 17 late ones
# (docs/benchmarks.md).
DEFAULT_THRESHOLD = 0.47
DENSE_WEIGHT = 0.5  # the best chunk's cosine
HEADLINE_WEIGHT = 0.2  # the headline's cosine; the rest weighs the topic's words up front
LEAD_CHARS = 400  # the lead: this much of the text after the headline
# The about-ness model's log-odds are put on the hybrid score's scale, so that bars, taps and
# close calls keep their meaning: its threshold lands on DEFAULT_THRESHOLD, and 0.01 of score
# is 0.25 of log-odds (the slope of the one on the other near the bar on the seen sets).
LOGIT_SCALE = 25.0
_BLOCK_CHUNKS = 2048  # chunks scored against every topic at once: bounds memory

Weights = Callable[[Iterable[str]], dict[str, float]]


class KeptWeights:
    """Term rarity asked of the archive once per term, then kept: for one matching round,
    where every alert's quotes and story check would otherwise each look at the archive."""

    def __init__(self, weights: Weights) -> None:
        self._weights = weights
        self._kept: dict[str, float] = {}

    def __call__(self, terms: Iterable[str]) -> dict[str, float]:
        wanted = set(terms)
        if missing := wanted - self._kept.keys():
            found = self._weights(missing)
            self._kept.update({t: found.get(t, 0.0) for t in missing})
        return {t: self._kept[t] for t in wanted}


@dataclass(frozen=True)
class NewArticle:
    """A new or updated article as matching sees it."""

    article_id: str
    title: str
    text: str
    terms: frozenset[str]  # every chunk's terms (what a quoted phrase's words are looked up in)
    vectors: np.ndarray  # one row per chunk, normalised
    first_seen: datetime
    headline: np.ndarray | None = None  # its headline's vector, when made already

    @cached_property
    def up_front(self) -> UpFront:
        """Its headline's and lead's terms (tokenized once: scoring and story leads use them)."""
        return UpFront.of(self.title, self.text)

    @cached_property
    def about(self) -> ArticleTerms:
        """Where its words are (tokenized once), for the about-ness model."""
        return ArticleTerms.of(self.title, self.text)


@dataclass(frozen=True)
class UpFront:
    """The terms of an article's headline, and of its headline and lead."""

    headline: frozenset[str]
    lead: frozenset[str]

    @classmethod
    def of(cls, title: str, text: str) -> UpFront:
        """Tokenized headline and lead, with the places their adjectives and demonyms name (a
        topic about Japan meets "a Japanese leader")."""
        headline = frozenset(with_places(title))
        return cls(headline, headline | frozenset(with_places(text[:LEAD_CHARS])))


@dataclass(frozen=True)
class Interest:
    """A subscription as matching sees it."""

    subscription_id: int
    topic: Topic
    since: datetime  # articles first seen before this do not alert
    threshold: float | None = None  # its reader's bar (alerts.learning); None: the matcher's
    vector: np.ndarray | None = None  # its topic's, kept since it was made (alerts.kept)


@dataclass(frozen=True)
class Match:
    """A subscription that an article matched, and how strongly."""

    subscription_id: int
    article_id: str
    score: float


class TopicMatcher:
    """Scores articles against topics; ``embed`` turns texts into normalised vectors, made by
    the embedding model named ``model`` (what kept vectors are checked against)."""

    def __init__(
        self, embed: Callable[[list[str]], np.ndarray], weights: Weights,
        threshold: float = DEFAULT_THRESHOLD, model: str = "",
    ) -> None:
        self._embed = embed
        self._weights = weights
        self.threshold = threshold
        self.model = model
        self._topic_vectors: dict[str, np.ndarray] = {}

    def for_round(self) -> TopicMatcher:
        """This matcher with the archive's term rarity read once per term (KeptWeights), its
        topic vectors shared: for one matching round."""
        kept = TopicMatcher(self._embed, KeptWeights(self._weights), self.threshold, self.model)
        kept._topic_vectors = self._topic_vectors
        return kept

    def match(self, interests: Sequence[Interest], articles: Sequence[NewArticle]) -> list[Match]:
        """Every (subscription, article) pair that matches.

        The scores of every topic with a meaning part against every article are computed as
        matrices (topics x articles); only the pairs above the threshold are looked at one by
        one, for their phrases, exclusions and dates.
        """
        if not interests or not articles:
            return []
        matches: list[Match] = []
        meaning = [i for i in interests if i.topic.meaning]
        if meaning:
            scores = self.scores([i.topic for i in meaning], articles,
                                 self.interest_vectors(meaning))
            bars = np.array([[self.threshold if i.threshold is None else i.threshold]
                             for i in meaning], dtype=np.float32)
            for row, column in zip(*np.nonzero(scores >= bars), strict=True):
                interest, article = meaning[row], articles[column]
                if self._admits(interest, article):
                    matches.append(Match(interest.subscription_id, article.article_id,
                                         float(scores[row, column])))
        by_term = _articles_by_term(articles)
        for interest in interests:
            if interest.topic.meaning:
                continue
            for column in _having_phrases(interest.topic, by_term, len(articles)):
                if self._admits(interest, articles[column]):
                    matches.append(Match(interest.subscription_id, articles[column].article_id,
                                         1.0))
        return matches

    @staticmethod
    def _admits(interest: Interest, article: NewArticle) -> bool:
        return article.first_seen >= interest.since and interest.topic.admits(
            f"{article.title}\n{article.text}")

    def scores(self, topics: Sequence[Topic], articles: Sequence[NewArticle],
               topic_vectors: np.ndarray | None = None) -> np.ndarray:
        """How much every article is about every topic (with a meaning part), phrases and
        exclusions aside (topics x articles): the about-ness model (alerts.about) over the
        hybrid score, the cosines behind it and where the topic's words are, on the hybrid
        score's scale (a story at DEFAULT_THRESHOLD is as likely about the topic as the
        model's threshold says); ``topic_vectors``: the topics', when kept."""
        vectors = self.topic_vectors(topics) if topic_vectors is None else topic_vectors
        dense, headlines, hybrid = self._hybrid_parts(topics, articles, vectors)
        strength = hybrid.copy()  # under FLOOR nothing is about a topic: the model is not asked
        read = np.nonzero(hybrid.max(axis=0, initial=-1.0) >= FLOOR)[0]
        if not len(read):
            return strength
        kept = [articles[n] for n in read.tolist()]
        leads = np.stack([a.vectors[0] if len(a.vectors) else np.zeros(vectors.shape[1])
                          for a in kept]).astype(np.float32)
        terms = [tokenize(t.query) for t in topics]
        weights = self._weights({term for words in terms for term in words})
        named = np.zeros((len(topics), len(kept)))
        for row, topic in enumerate(topics):
            if topic.quotable_name is not None:
                for column in np.nonzero(hybrid[row, read] >= FLOOR)[0].tolist():
                    named[row, column] = names_up_front(topic, kept[column].title,
                                                        kept[column].text)
        logits = about_logits(
            [shares_of(words, weights) for words in terms], [a.about for a in kept],
            {"score": hybrid[:, read], "dense": dense[:, read],
             "lead_cosine": vectors @ leads.T, "headline_cosine": headlines[:, read]}, named)
        about = DEFAULT_THRESHOLD + (logits - _logit(THRESHOLD)) / LOGIT_SCALE
        # the model was fitted on pairs at FLOOR and above
        strength[:, read] = np.where(hybrid[:, read] < FLOOR,
                                     np.minimum(about, hybrid[:, read]), about)
        return strength

    def hybrid_scores(self, topics: Sequence[Topic], articles: Sequence[NewArticle],
                      topic_vectors: np.ndarray | None = None) -> np.ndarray:
        """The hybrid score alone (topics x articles): what the about-ness model reads first."""
        vectors = self.topic_vectors(topics) if topic_vectors is None else topic_vectors
        return self._hybrid_parts(topics, articles, vectors)[2]

    def _hybrid_parts(self, topics: Sequence[Topic], articles: Sequence[NewArticle],
                      vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The best chunk's cosines, the headlines' and the hybrid score (each topics x
        articles, float32)."""
        if not articles:
            empty = np.zeros((len(topics), 0), dtype=np.float32)
            return empty, empty, empty
        dense = self._dense(vectors, articles)
        headlines = np.asarray(vectors @ self.headline_vectors(articles).T, dtype=np.float32)
        covered = self._coverage(topics, [a.up_front for a in articles])
        return dense, headlines, np.asarray(_hybrid(dense, headlines, covered), dtype=np.float32)

    def with_headlines(self, articles: Sequence[NewArticle]) -> list[NewArticle]:
        """The articles with their headlines' vectors, the missing ones embedded at once."""
        vectors = self.headline_vectors(articles)
        return [a if a.headline is not None else replace(a, headline=vector)
                for a, vector in zip(articles, vectors, strict=True)]

    def headline_vectors(self, articles: Sequence[NewArticle]) -> np.ndarray:
        """Each article's headline vector (articles x dimensions): kept ones as they are, the
        others embedded in one call."""
        if not articles:
            return np.zeros((0, 0), dtype=np.float32)
        missing = [a.title for a in articles if a.headline is None]
        made: Iterator[np.ndarray] = iter(
            np.asarray(self._embed(missing), dtype=np.float32) if missing else [])
        return np.stack([np.asarray(a.headline if a.headline is not None else next(made),
                                    dtype=np.float32) for a in articles])

    def interest_vectors(self, interests: Sequence[Interest]) -> np.ndarray:
        """The topic vectors of these subscriptions: kept ones as they are, the others made."""
        if not interests:
            return np.zeros((0, 0), dtype=np.float32)
        missing = [i.topic for i in interests if i.vector is None]
        made = iter(self.topic_vectors(missing) if missing else [])
        return np.stack([np.asarray(i.vector if i.vector is not None else next(made),
                                    dtype=np.float32) for i in interests])

    def headline_similarities(self, topics: Sequence[Topic], titles: Sequence[str],
                              ) -> np.ndarray:
        """The cosine of each topic to each headline (topics x titles)."""
        if not titles:
            return np.zeros((len(topics), 0), dtype=np.float32)
        vectors = np.asarray(self._embed(list(titles)), dtype=np.float32)
        return np.asarray(self.topic_vectors(topics) @ vectors.T, dtype=np.float32)

    def _coverage(self, topics: Sequence[Topic], fronts: Sequence[UpFront]) -> np.ndarray:
        """Each topic's share of rarity-weighted terms in each article's headline and lead,
        plus its share in the headline alone (topics x articles, 0 to 2)."""
        terms = [set(tokenize(t.query)) for t in topics]
        weights = self._weights(set().union(*terms))
        column_of: dict[str, int] = {}
        rows, columns, values = [], [], []
        for row, topic_terms in enumerate(terms):
            total = sum(weights.get(t, 0.0) for t in topic_terms)
            for term in topic_terms:
                if total > 0 and weights.get(term, 0.0) > 0:
                    rows.append(row)
                    columns.append(column_of.setdefault(term, len(column_of)))
                    values.append(weights[term] / total)
        shape = (len(topics), max(1, len(column_of)))
        vocabulary = sparse.csr_matrix((values, (rows, columns)), shape=shape, dtype=np.float32)
        lead = _indicator([f.lead for f in fronts], column_of, shape[1])
        headline = _indicator([f.headline for f in fronts], column_of, shape[1])
        return np.asarray((vocabulary @ lead.T).toarray() + (vocabulary @ headline.T).toarray())

    def weights(self, terms: Iterable[str]) -> dict[str, float]:
        """How rare each term is in the archive (rarer terms say more about a topic)."""
        return self._weights(terms)

    def topic_vectors(self, topics: Sequence[Topic]) -> np.ndarray:
        """Normalised vectors of the topics' queries (each text embedded once per process)."""
        missing = sorted({t.query for t in topics} - self._topic_vectors.keys())
        if missing:
            for text, vector in zip(missing, self._embed(missing), strict=True):
                self._topic_vectors[text] = np.asarray(vector, dtype=np.float32)
        return np.stack([self._topic_vectors[t.query] for t in topics])

    def _dense(self, vectors: np.ndarray, articles: Sequence[NewArticle]) -> np.ndarray:
        """The best chunk cosine of every article to every topic vector: (topics × articles)."""
        best = np.full((len(vectors), len(articles)), -1.0, dtype=np.float32)
        start = 0
        while start < len(articles):
            stop, chunks = start, 0
            while stop < len(articles) and (chunks == 0 or chunks + len(articles[stop].vectors)
                                            <= _BLOCK_CHUNKS):
                chunks += len(articles[stop].vectors)
                stop += 1
            block = [a.vectors for a in articles[start:stop] if len(a.vectors)]
            if block:
                sims = vectors @ np.concatenate(block).T
                offsets = np.cumsum([0] + [len(v) for v in block[:-1]])
                columns = [n for n in range(start, stop) if len(articles[n].vectors)]
                best[:, columns] = np.maximum.reduceat(sims, offsets, axis=1)
            start = stop
        return best


def names_up_front(topic: Topic, title: str, text: str) -> bool:
    """The topic is a name, and the story names it in its headline or lead."""
    return topic.quotable_name is not None and topic.names(f"{title}\n{text[:LEAD_CHARS]}")


def _logit(probability: float) -> float:
    return float(np.log(probability / (1 - probability)))


def _hybrid(dense: np.ndarray, headline: np.ndarray, covered: np.ndarray) -> np.ndarray:
    """0.5 x the best chunk's cosine + 0.2 x the headline's + 0.3 x the mean of the two
    coverages."""
    words = 1 - DENSE_WEIGHT - HEADLINE_WEIGHT
    return DENSE_WEIGHT * dense + HEADLINE_WEIGHT * headline + words * covered / 2


def _indicator(term_sets: Sequence[frozenset[str]], column_of: dict[str, int],
               width: int) -> sparse.csr_matrix:
    """One row per article, a 1 for each of its terms that some topic uses."""
    rows, columns = [], []
    for row, terms in enumerate(term_sets):
        for term in terms:
            column = column_of.get(term)
            if column is not None:
                rows.append(row)
                columns.append(column)
    return sparse.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, columns)),
                             shape=(len(term_sets), width))


def _articles_by_term(articles: Sequence[NewArticle]) -> dict[str, set[int]]:
    index: dict[str, set[int]] = {}
    for n, article in enumerate(articles):
        for term in article.terms:
            index.setdefault(term, set()).add(n)
    return index


def _having_phrases(topic: Topic, by_term: dict[str, set[int]], count: int) -> list[int]:
    """Articles that use every word of every phrase (the exact check follows)."""
    found = set(range(count))
    for phrase in topic.phrases:
        for term in tokenize(phrase):
            found &= by_term.get(term, set())
    return sorted(found)
