"""BM25 over chunk terms: an in-memory index per process, fed from the database.

The database holds each chunk's terms (written with the chunk) and stamps every article write
with a revision. An index loads all terms once, then before each search reads the revision and,
if it moved, takes in only the articles written since: an article's old chunks drop out, its
new ones come in. No process ever rebuilds from scratch after an ingest, none shares files with
another, and all of them rank alike.

The formula is bm25s' default (Lucene's): idf = ln(1 + (N - df + 0.5) / (df + 0.5)), a term's
weight saturates with k1 = 1.5 and is normalised by chunk length with b = 0.75.
"""

from __future__ import annotations

import math
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from core.models import ArticleTerms
from core.terms import tokenize
from retrieval.ports import TermSource

K1 = 1.5
B = 0.75
_ALL = -1


@dataclass(frozen=True)
class LexicalHit:
    """A chunk id and its BM25 score."""

    chunk_id: str
    score: float


class LexicalIndex:
    """BM25 search, term weights for answer scoring, and the number of chunks."""

    def __init__(self, source: TermSource) -> None:
        self._source = source
        self._lock = threading.Lock()
        self._terms = _Terms()
        self._seen = _ALL

    @property
    def size(self) -> int:
        """Number of indexed chunks (as of the last search)."""
        self._load_once()
        return self._terms.alive

    @property
    def slots_in_use(self) -> int:
        """Chunks held in memory, including replaced ones not yet compacted away."""
        return self._terms.slots_in_use()

    def idf_weights(self, tokens: Iterable[str]) -> dict[str, float]:
        """Inverse document frequency of each token, as of the last search."""
        self._load_once()
        with self._lock:
            return {token: self._terms.idf(token) for token in set(tokens)}

    def search(self, query: str, k: int) -> list[LexicalHit]:
        """The ``k`` best chunks for ``query`` by BM25 (only those with a positive score)."""
        counts = Counter(tokenize(query))
        if not counts:
            return []
        self._catch_up()
        with self._lock:
            return self._terms.best(counts, k)

    def _load_once(self) -> None:
        """Answering asks for term weights right after its search: no second revision read."""
        if self._seen == _ALL:
            self._catch_up()

    def _catch_up(self) -> None:
        """Take in every article written since the last look (all of them the first time).

        Revisions commit in order (storage.meta.bump_revision), so once revision r is read,
        every write numbered up to r is visible to the query that follows.
        """
        current = self._source.revision()
        if current == self._seen:
            return
        with self._lock:
            if current == self._seen:
                return
            changed = list(self._source.changed_since(self._seen))
            self._terms.replace(changed)
            self._seen = max([current, *(a.revision for a in changed)])
            self._terms.compact_if_worthwhile()


class _Terms:
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

    def replace(self, changed: Iterable[ArticleTerms]) -> None:
        """Make each article's ``chunks`` its only chunks."""
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
                slots.append(self._add(f"{article.article_id}-{index}", term_ids, tfs, batch))
            if slots:
                self.slots_of[article.article_id] = slots
        batch.flush_into(self.postings)

    def idf(self, term: str) -> float:
        """Lucene's idf of ``term`` over the live chunks."""
        term_id = self.vocabulary.get(term)
        df = self.df[term_id] if term_id is not None else 0
        return math.log(1 + (self.alive - df + 0.5) / (df + 0.5))

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
        fresh = _Terms()
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
