"""BM25 over chunk terms: an in-memory index per process, fed from the database.

The database holds each chunk's terms (written with the chunk) and stamps every article write
with a revision. An index loads all terms once, then before each search reads the revision and,
if it moved, takes in only the articles written since: an article's old chunks drop out, its
new ones come in. No process ever rebuilds from scratch after an ingest, none shares files with
another, and all of them rank alike.

The scoring itself lives in retrieval/inverted_index.py. With NEWSDESK_LEXICAL_ENGINE=database
the same interface reads the database engine's index instead (retrieval/engine_lexical.py).
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable

from core.models import ArticleTerms
from core.terms import tokenize
from retrieval.engine_lexical import EngineLexicalSearch, EngineTerms
from retrieval.inverted_index import InvertedIndex, LexicalHit
from retrieval.ports import TermSource

__all__ = ["LexicalHit", "LexicalIndex"]

_ALL = -1


class LexicalIndex:
    """BM25 search, term weights for answer scoring, and the number of chunks."""

    def __init__(self, source: TermSource) -> None:
        self._source = source
        self._lock = threading.Lock()
        self._terms = InvertedIndex()
        self._seen = _ALL
        self._engine: EngineLexicalSearch | None = None

    @classmethod
    def in_database(cls, engine: EngineTerms) -> LexicalIndex:
        """The same search asked of the database engine's index: nothing kept in memory."""
        index = cls(_NoTerms())
        index._engine = EngineLexicalSearch(engine)
        return index

    @property
    def size(self) -> int:
        """Number of indexed chunks (as of the last search)."""
        if self._engine is not None:
            return self._engine.size
        self._load_once()
        return self._terms.alive

    @property
    def slots_in_use(self) -> int:
        """Chunks held in memory, including replaced ones not yet compacted away."""
        return self._terms.slots_in_use()

    def idf_weights(self, tokens: Iterable[str]) -> dict[str, float]:
        """Inverse document frequency of each token, as of the last search."""
        if self._engine is not None:
            return self._engine.idf_weights(tokens)
        self._load_once()
        with self._lock:
            return {token: self._terms.idf(token) for token in set(tokens)}

    def current_idf_weights(self, tokens: Iterable[str]) -> dict[str, float]:
        """Inverse document frequency of each token as of now: for callers that do not search
        first (alert matching, in a process that may answer no question for days)."""
        if self._engine is not None:
            return self._engine.current_idf_weights(tokens)
        self._catch_up()
        with self._lock:
            return {token: self._terms.idf(token) for token in set(tokens)}

    def search(self, query: str, k: int) -> list[LexicalHit]:
        """The ``k`` best chunks for ``query`` by BM25 (only those with a positive score)."""
        counts = Counter(tokenize(query))
        if not counts:
            return []
        if self._engine is not None:
            return self._engine.search(counts, k)
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


class _NoTerms:
    """The term source of an index that asks the engine: never read."""

    def revision(self) -> int:
        """Always the start."""
        return _ALL

    def changed_since(self, revision: int) -> Iterable[ArticleTerms]:
        """Nothing."""
        return ()
