"""BM25 asked of the database engine (NEWSDESK_LEXICAL_ENGINE=database): no copy of the archive
in the process, and a cost per question bounded however large the archive grows.

The engine keeps each term's postings ordered by impact (storage/lexical_search.py: the term's
count in the chunk and the chunk's length, ordered by BM25's term part with a fixed reference
length), each term's document frequency and the collection's totals. A question reads, per
term, at most ``postings_per_term`` postings of highest impact (all of them for a term in fewer
chunks, so rare terms are exact), and the engine sums, in one statement, the in-memory index's
exact per-term scores, with the collection's current mean length. A chunk may hold a common
term outside that term's best postings: the ``rescored`` best sums are scored again exactly
from their stored terms, and those scores give the order. Ranking is exact whenever no query
term is cut off; otherwise a chunk ranks only if its sum over the postings read puts it among
the rescored (docs/benchmarks.md, "Scale (issue 23 item 3)": agreement with exact BM25).

``postings_per_term=None`` keeps the exact search this replaced (benchmarks compare the two):
candidates fetched rarest term first with their stored terms (MaxScore), which reads every chunk
holding a term until the bound stops it, a number that grows with the archive.
"""

from __future__ import annotations

import heapq
import math
import threading
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Protocol

from core.impact import IMPACT_B, IMPACT_K1, IMPACT_SCALE, REFERENCE_LENGTH
from retrieval.inverted_index import K1, B, LexicalHit

MAX_CACHED_TERMS = 50_000  # document frequencies kept between two writes
POSTINGS_PER_TERM = 2_000  # read per query term (docs/benchmarks.md, "Scale": measured)
RESCORED = 500  # best partial sums that may be scored again exactly (at least k)
RESCORE_BLOCK = 50  # read and scored again at a time, until no later sum can make the top k
_ROUNDING = 1e-9  # the engine sums in floating point: a sum a hair over its score is no bound
# terms whose postings are read, the weightiest (SQLite takes at most 500 SELECTs in a
# UNION); the rescoring counts every term
MAX_READ_TERMS = 250


class EngineTerms(Protocol):
    """What the engine answers (storage.lexical_search.LexicalSearchRepository)."""

    def revision(self) -> int:
        """The number of the newest article write."""
        ...

    def candidates(self, terms: Iterable[str], besides: Iterable[str] = ()
                   ) -> list[tuple[str, str]]:
        """(chunk id, stored terms) of the chunks holding any of ``terms``, none of ``besides``."""
        ...

    def totals(self) -> tuple[int, int]:
        """How many chunks, and how many terms in all of them."""
        ...

    def document_frequencies(self, terms: Iterable[str]) -> dict[str, int]:
        """How many chunks hold each term."""
        ...

    def best_sums(self, weights: Mapping[str, float], norm: tuple[float, float], limit: int,
                  top: int) -> list[tuple[int, float]]:
        """The ``top`` chunks (number, sum) by the sum over the query terms' ``limit``
        postings of highest impact of weight × tf / (tf + norm[0] + norm[1] × length)."""
        ...

    def stored_terms(self, chunks: Iterable[int]) -> dict[int, tuple[str, str]]:
        """Chunk number -> (chunk id, stored terms)."""
        ...

    def last_impacts(self, terms: Iterable[str], limit: int) -> dict[str, int]:
        """The impact of each term's ``limit``-th best posting, for terms with that many."""
        ...


def unread_bound(weight: float, impact: int, mean_length: float) -> float:
    """The most ``weight`` x tf / (tf + K1 x (1 - B + B x length / mean_length)) can be for a
    posting whose impact (core.impact: the same part with IMPACT_K1, IMPACT_B and
    REFERENCE_LENGTH, scaled and rounded) is at most ``impact``, whatever its tf and length."""
    share = min(1.0, (impact + 0.5) / (IMPACT_SCALE * (IMPACT_K1 + 1)))
    if share >= 1.0:
        return weight
    # the impact bounds tf / (tf + D_i) by ``share``, so tf <= share / (1 - share) x D_i; the
    # score's part grows with tf, and D / D_i (two lines in the length) is least at a length
    # of 0 or of infinity
    ratio = min(K1 * (1 - B) / (IMPACT_K1 * (1 - IMPACT_B)),
                (K1 * B / mean_length) / (IMPACT_K1 * IMPACT_B / REFERENCE_LENGTH))
    return weight / (1 + ratio * (1 - share) / share)


def idf(chunks: int, df: int) -> float:
    """Lucene's idf, as retrieval.inverted_index computes it."""
    return math.log(1 + (chunks - df + 0.5) / (df + 0.5))


class EngineLexicalSearch:
    """Search, term weights and the chunk count, read from the engine's index."""

    def __init__(self, engine: EngineTerms, postings_per_term: int | None = POSTINGS_PER_TERM,
                 rescored: int = RESCORED, rescore_block: int = RESCORE_BLOCK) -> None:
        self._engine = engine
        self._rescore_block = rescore_block
        self._postings_per_term = postings_per_term
        self._rescored = rescored
        self._lock = threading.Lock()
        self._seen = -1
        self._chunks = 0
        self._mean_length = 1.0
        self._df: dict[str, int] = {}

    @property
    def size(self) -> int:
        """Number of indexed chunks (as of the last look)."""
        self._look_once()
        return self._chunks

    def idf_weights(self, tokens: Iterable[str]) -> dict[str, float]:
        """Lucene's idf of each token, as of the last look."""
        self._look_once()
        return self._idf(set(tokens))

    def current_idf_weights(self, tokens: Iterable[str]) -> dict[str, float]:
        """Lucene's idf of each token as of now."""
        self._catch_up()
        return self._idf(set(tokens))

    def search(self, counts: Counter[str], k: int) -> list[LexicalHit]:
        """The ``k`` best chunks for the query's term counts by BM25 (positive scores only)."""
        self._catch_up()
        df, chunks = self._frequencies(set(counts))
        weights = {t: idf(chunks, d) for t, d in df.items() if d}
        if not weights or k <= 0:
            return []
        if self._postings_per_term is None:
            return self._exact(counts, k, weights)
        # the sums are exact when no term was cut off; rescoring more than k then only
        # settles ties at the k-th place as the in-memory index does (by chunk id)
        read = heapq.nlargest(MAX_READ_TERMS, weights, key=lambda t: (weights[t] * counts[t], t))
        best = self._engine.best_sums(
            {t: weights[t] * counts[t] * (K1 + 1) for t in read},
            (K1 * (1 - B), K1 * B / self._mean_length), self._postings_per_term,
            max(k, self._rescored))
        scored: list[tuple[str, float]] = []
        kth: list[float] = []  # the k best exact scores so far, a min-heap
        slack: float | None = None  # asked of the engine only when a second block is near
        for start in range(0, len(best), max(k, self._rescore_block)):
            # a sum is the chunk's score less what the postings not read would add: once the
            # k-th best score beats the next sum by more than that, no later sum can reach it
            if len(kth) == k:
                if slack is None:
                    slack = self._unread_at_most(read, counts, weights)
                if kth[0] > best[start][1] + slack + _ROUNDING:
                    break
            block = best[start:start + max(k, self._rescore_block)]
            stored = self._engine.stored_terms(chunk for chunk, _ in block)
            for chunk, terms in stored.values():
                score = self._score(terms, counts, weights)
                scored.append((chunk, score))
                if len(kth) < k:
                    heapq.heappush(kth, score)
                elif score > kth[0]:
                    heapq.heapreplace(kth, score)
        ranked = sorted(scored, key=lambda pair: (-pair[1], pair[0]))[:k]
        return [LexicalHit(chunk, score) for chunk, score in ranked if score > 0]

    def _unread_at_most(self, read: list[str], counts: Counter[str], weights: dict[str, float]
                        ) -> float:
        """The most the postings a search did not read can add to one chunk's sum: a term
        left out adds at most its weight; a term cut at postings_per_term adds at most what a
        posting of its last impact read can score (unread_bound)."""
        assert self._postings_per_term is not None
        chosen = set(read)
        slack = sum(weights[t] * counts[t] * (K1 + 1) for t in weights if t not in chosen)
        # asked of the postings themselves, not of the cached document frequencies: a write
        # since they were read may have taken a term past the cut
        for term, impact in self._engine.last_impacts(read, self._postings_per_term).items():
            slack += unread_bound(weights[term] * counts[term] * (K1 + 1), impact,
                                  self._mean_length)
        return slack

    def _exact(self, counts: Counter[str], k: int, weights: dict[str, float]
               ) -> list[LexicalHit]:
        """Exact BM25 by MaxScore over candidates fetched rarest term first."""
        # least valuable first: the terms still unfetched are always a prefix of this order
        bound = {t: weights[t] * counts[t] * (K1 + 1) for t in weights}
        unfetched = sorted(weights, key=lambda t: (bound[t], t))
        fetched: list[str] = []
        scores: dict[str, float] = {}
        while unfetched:
            term = unfetched.pop()
            for chunk, terms in self._engine.candidates([term], besides=fetched):
                scores[chunk] = self._score(terms, counts, weights)
            fetched.append(term)
            kth = heapq.nlargest(k, scores.values())[-1] if len(scores) >= k else 0.0
            if sum(bound[t] for t in unfetched) < kth:
                break
        ranked = sorted(scores.items(), key=lambda pair: (-pair[1], pair[0]))[:k]
        return [LexicalHit(chunk, score) for chunk, score in ranked if score > 0]

    def _score(self, terms: str, counts: Counter[str], weights: dict[str, float]) -> float:
        words: list[str] = []
        norm = 0.0
        score = 0.0
        # a chunk holds few of the query's terms: a substring test rules most out before the
        # terms are split and counted (cheaper than a Counter or a set of every word)
        for term, weight in weights.items():
            if term in terms:
                if not words:
                    words = terms.split()
                    norm = K1 * (1 - B + B * len(words) / self._mean_length)
                tf = words.count(term)
                if tf:
                    score += weight * counts[term] * tf * (K1 + 1) / (tf + norm)
        return score

    def _idf(self, tokens: set[str]) -> dict[str, float]:
        df, chunks = self._frequencies(tokens)
        return {t: idf(chunks, d) for t, d in df.items()}

    def _frequencies(self, tokens: set[str]) -> tuple[dict[str, int], int]:
        """Each token's document frequency (cached until the next write), and the chunks."""
        with self._lock:
            missing = tokens - self._df.keys()
        found = self._engine.document_frequencies(missing) if missing else {}
        with self._lock:
            if len(self._df) + len(missing) > MAX_CACHED_TERMS:
                self._df.clear()
            self._df.update({t: found.get(t, 0) for t in missing})
            return {t: self._df.get(t, found.get(t, 0)) for t in tokens}, self._chunks

    def _look_once(self) -> None:
        if self._seen < 0:
            self._catch_up()

    def _catch_up(self) -> None:
        """After a write, read the totals again and forget the cached frequencies."""
        current = self._engine.revision()
        if current == self._seen:
            return
        chunks, terms = self._engine.totals()
        with self._lock:
            self._df.clear()
            self._seen, self._chunks = current, chunks
            self._mean_length = terms / chunks if chunks and terms else 1.0
