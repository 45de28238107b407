"""An inverted index for BM25 that takes in and drops chunks one article at a time.

The formula is bm25s' default (Lucene's): idf = ln(1 + (N - df + 0.5) / (df + 0.5)), a term's
weight saturates with k1 = 1.5 and is normalised by chunk length with b = 0.75. Chunks live in
slots; a replaced chunk's slot is retired (masked out, its terms uncounted) and compacted away
once retired slots are a quarter of all.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from core.models import ArticleTerms, chunk_id

K1 = 1.5
B = 0.75
MAX_CACHED_IDF = 100_000


@dataclass(frozen=True)
class LexicalHit:
    """A chunk id and its BM25 score."""

    chunk_id: str
    score: float


class InvertedIndex:
    """The inverted index: per term, the slots (chunks) holding it and how often."""

    def __init__(self) -> None:
        self.ids: list[str] = []  # chunk id per slot
        self.lengths = np.zeros(0, dtype=np.float32)
        self.live = np.zeros(0, dtype=bool)
        self.slot_terms: list[tuple[np.ndarray, np.ndarray]] = []  # (term ids, counts)
        self.slots_of: dict[str, list[int]] = {}  # article id -> its live slots
        self.vocabulary: dict[str, int] = {}
        self.df: list[int] = []
        self.postings: list[list[tuple[np.ndarray, np.ndarray]]] = []  # term -> (slots, tfs)
        self.alive = 0
        self.total_length = 0.0
        # idf per term until the next change: an answer weighs a few hundred terms, many of
        # them again in its next steps
        self._idf: dict[str, float] = {}

    def replace(self, changed: Iterable[ArticleTerms]) -> None:
        """Make each article's ``chunks`` its only chunks."""
        self._idf = {}
        batch = _Batch()
        for article in changed:
            for slot in self.slots_of.pop(article.article_id, []):
                self._retire(slot)
            slots = []
            for index, terms in article.chunks:
                counts = Counter(terms.split())
                term_ids = np.fromiter((self._term_id(t) for t in counts), dtype=np.int32,
                                       count=len(counts))
                tfs = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
                slots.append(self._add(chunk_id(article.article_id, index), term_ids, tfs, batch))
            if slots:
                self.slots_of[article.article_id] = slots
        batch.flush_into(self.postings)

    def idf(self, term: str) -> float:
        """Lucene's idf of ``term`` over the live chunks."""
        known = self._idf.get(term)
        if known is not None:
            return known
        term_id = self.vocabulary.get(term)
        df = self.df[term_id] if term_id is not None else 0
        if len(self._idf) >= MAX_CACHED_IDF:
            self._idf = {}
        value = self._idf[term] = math.log(1 + (self.alive - df + 0.5) / (df + 0.5))
        return value

    def best(self, counts: Counter[str], k: int) -> list[LexicalHit]:
        """Top ``k`` live slots by BM25 for the query term counts."""
        if not self.alive:
            return []
        mean_length = self.total_length / self.alive
        scores = np.zeros(len(self.ids), dtype=np.float32)
        for term, times in counts.items():
            term_id = self.vocabulary.get(term)
            if term_id is None or not self.df[term_id]:
                continue
            slots, tfs = self._postings_of(term_id)
            norm = K1 * (1 - B + B * self.lengths[slots] / mean_length)
            scores[slots] += (self.idf(term) * times) * tfs * (K1 + 1) / (tfs + norm)
        scores[~self.live[: len(self.ids)]] = 0.0
        found = np.flatnonzero(scores > 0)
        if len(found) > k:  # the k best, plus every chunk tied with the k-th
            cut = np.partition(-scores[found], k - 1)[k - 1]
            found = found[-scores[found] <= cut]
        # ties broken by chunk id, so every process ranks the same chunks the same way
        ranked = sorted(found.tolist(), key=lambda i: (-scores[i], self.ids[i]))[:k]
        return [LexicalHit(self.ids[i], float(scores[i])) for i in ranked]

    def slots_in_use(self) -> int:
        """Live and retired slots (retired ones are reclaimed by compaction)."""
        return len(self.ids)

    def compact_if_worthwhile(self) -> None:
        """Drop retired slots once they are a quarter of all (updated articles leave them)."""
        retired = len(self.ids) - self.alive
        if retired < max(1000, len(self.ids) // 4):
            return
        fresh = InvertedIndex()
        fresh.vocabulary, fresh.df = self.vocabulary, [0] * len(self.df)
        fresh.postings = [[] for _ in self.df]
        batch = _Batch()
        for article, slots in self.slots_of.items():
            fresh.slots_of[article] = [
                fresh._add(self.ids[s], *self.slot_terms[s], batch) for s in slots
            ]
        batch.flush_into(fresh.postings)
        self.__dict__.update(fresh.__dict__)

    def _add(self, chunk_id: str, term_ids: np.ndarray, tfs: np.ndarray, batch: _Batch) -> int:
        slot = len(self.ids)
        self.ids.append(chunk_id)
        if slot >= len(self.lengths):  # grow by doubling: appends stay cheap
            size = max(1024, 2 * len(self.lengths))
            self.lengths = np.concatenate([self.lengths, np.zeros(size - slot, np.float32)])
            self.live = np.concatenate([self.live, np.zeros(size - slot, bool)])
        length = float(tfs.sum())
        self.lengths[slot] = length
        self.live[slot] = True
        self.slot_terms.append((term_ids, tfs))
        for term_id in term_ids.tolist():
            self.df[term_id] += 1
        batch.add(slot, term_ids, tfs)
        self.alive += 1
        self.total_length += length
        return slot

    def _retire(self, slot: int) -> None:
        self.live[slot] = False
        for term_id in self.slot_terms[slot][0].tolist():
            self.df[term_id] -= 1
        self.alive -= 1
        self.total_length -= float(self.lengths[slot])

    def _term_id(self, term: str) -> int:
        term_id = self.vocabulary.get(term)
        if term_id is None:
            term_id = self.vocabulary[term] = len(self.df)
            self.df.append(0)
            self.postings.append([])
        return term_id

    def _postings_of(self, term_id: int) -> tuple[np.ndarray, np.ndarray]:
        parts = self.postings[term_id]
        if len(parts) > 1:  # merge what later catch-ups appended, once, when first needed
            self.postings[term_id] = [(np.concatenate([p[0] for p in parts]),
                                       np.concatenate([p[1] for p in parts]))]
        return self.postings[term_id][0]


class _Batch:
    """Postings gathered flat while articles come in, then grouped by term in one sort."""

    def __init__(self) -> None:
        self._terms: list[np.ndarray] = []
        self._slots: list[np.ndarray] = []
        self._tfs: list[np.ndarray] = []

    def add(self, slot: int, term_ids: np.ndarray, tfs: np.ndarray) -> None:
        """One slot's terms."""
        self._terms.append(term_ids)
        self._slots.append(np.full(len(term_ids), slot, dtype=np.int32))
        self._tfs.append(tfs)

    def flush_into(self, postings: list[list[tuple[np.ndarray, np.ndarray]]]) -> None:
        """Append each term's new (slots, tfs) to ``postings``."""
        if not self._terms:
            return
        terms = np.concatenate(self._terms)
        order = np.argsort(terms, kind="stable")
        terms, slots, tfs = terms[order], np.concatenate(self._slots)[order], np.concatenate(
            self._tfs)[order]
        bounds = np.flatnonzero(np.diff(terms)) + 1
        starts = np.concatenate([[0], bounds])
        ends = np.concatenate([bounds, [len(terms)]])
        for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
            postings[int(terms[start])].append((slots[start:end], tfs[start:end]))
