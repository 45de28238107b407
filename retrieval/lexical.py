"""BM25 over chunk terms kept in the database (see storage/postings.py).

The formula is bm25s' default (Lucene's): idf = ln(1 + (N - df + 0.5) / (df + 0.5)), and a
term's contribution saturates with k1 = 1.5 and is normalised by chunk length with b = 0.75.
Corpus statistics are cached until the database's revision changes, so a question costs one
revision read, one document-frequency query and one scoring query.
"""

from __future__ import annotations

import math
import threading
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

from core.terms import tokenize

K1 = 1.5
B = 0.75


@dataclass(frozen=True)
class LexicalHit:
    """A chunk id and its BM25 score."""

    chunk_id: str
    score: float


class CorpusStats(Protocol):
    """Chunk count and mean length."""

    @property
    def chunks(self) -> int:
        """Number of chunks."""
        ...

    @property
    def mean_length(self) -> float:
        """Mean chunk length in terms."""
        ...


class TermPostings(Protocol):
    """What BM25 needs from the database (storage.postings.PostingsRepository)."""

    def revision(self) -> str:
        """Changes with every article write."""
        ...

    def corpus(self) -> CorpusStats:
        """Chunk count and mean chunk length."""
        ...

    def document_frequencies(self, terms: Iterable[str]) -> dict[str, int]:
        """In how many chunks each term occurs."""
        ...

    def best_chunks(
        self, weights: Mapping[str, float], k: int, *, k1: float, b: float, mean_length: float
    ) -> list[tuple[str, float]]:
        """The ``k`` best (chunk id, score) pairs."""
        ...


class LexicalIndex:
    """BM25 search, term weights for answer scoring, and the number of chunks."""

    def __init__(self, postings: TermPostings) -> None:
        self._postings = postings
        self._lock = threading.Lock()
        self._cached: tuple[str, int, float] | None = None  # revision, chunks, mean length

    @property
    def size(self) -> int:
        """Number of indexed chunks."""
        return self._corpus()[0]

    def idf_weights(self, tokens: Iterable[str]) -> dict[str, float]:
        """Inverse document frequency of each token (high for rare names and numbers)."""
        wanted = set(tokens)
        size = self.size
        df = self._postings.document_frequencies(wanted) if wanted else {}
        return {token: _idf(size, df.get(token, 0)) for token in wanted}

    def search(self, query: str, k: int) -> list[LexicalHit]:
        """The ``k`` best chunks for ``query`` by BM25 (only those with a positive score)."""
        counts = Counter(tokenize(query))
        size, mean_length = self._corpus()
        if not counts or not size:
            return []
        df = self._postings.document_frequencies(counts)
        weights = {term: _idf(size, df[term]) * n for term, n in counts.items() if term in df}
        best = self._postings.best_chunks(weights, k, k1=K1, b=B, mean_length=mean_length)
        return [LexicalHit(chunk_id, score) for chunk_id, score in best if score > 0]

    def _corpus(self) -> tuple[int, float]:
        revision = self._postings.revision()
        with self._lock:
            cached = self._cached
        if cached is None or cached[0] != revision:
            corpus = self._postings.corpus()
            cached = (revision, corpus.chunks, corpus.mean_length)
            with self._lock:
                self._cached = cached
        return cached[1], cached[2]


def _idf(size: int, df: int) -> float:
    return math.log(1 + (size - df + 0.5) / (df + 0.5))
