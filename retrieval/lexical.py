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

import logging
import threading
from collections import Counter
from collections.abc import Callable, Iterable

from core.models import ArticleTerms
from core.terms import tokenize
from retrieval.engine_lexical import EngineLexicalSearch, EngineTerms
from retrieval.inverted_index import InvertedIndex, LexicalHit
from retrieval.ports import TermSource

__all__ = ["LexicalHit", "LexicalIndex"]

_ALL = -1
# About 1 GB of index (2.4 kB a chunk measured at 147k chunks, docs/benchmarks.md, "Lexical
# search in the database engine"): past it a process asks the database engine instead.
MAX_MEMORY_CHUNKS = 400_000

log = logging.getLogger(__name__)


class LexicalIndex:
    """BM25 search, term weights for answer scoring, and the number of chunks.

    Given the database engine's index (``engine``), an in-memory index that would hold more
    than ``max_chunks`` chunks is dropped, and the engine asked from then on: slower questions
    (docs/benchmarks.md) instead of a worker without memory.
    """

    def __init__(self, source: TermSource, engine: EngineTerms | None = None,
                 max_chunks: int = MAX_MEMORY_CHUNKS) -> None:
        self._source = source
        self._lock = threading.Lock()
        self._terms = InvertedIndex()
        self._seen = _ALL
        self._fallback = engine
        self._max_chunks = max_chunks
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
        if (engine := self._engine_after(self._load_once)) is not None:
            return engine.size
        return self._terms.alive

    @property
    def slots_in_use(self) -> int:
        """Chunks held in memory, including replaced ones not yet compacted away."""
        return self._terms.slots_in_use()

    def idf_weights(self, tokens: Iterable[str]) -> dict[str, float]:
        """Inverse document frequency of each token, as of the last search."""
        if (engine := self._engine_after(self._load_once)) is not None:
            return engine.idf_weights(tokens)
        with self._lock:
            if self._engine is None:
                return {token: self._terms.idf(token) for token in set(tokens)}
        return self.idf_weights(tokens)  # it has just moved to the engine

    def current_idf_weights(self, tokens: Iterable[str]) -> dict[str, float]:
        """Inverse document frequency of each token as of now: for callers that do not search
        first (alert matching, in a process that may answer no question for days)."""
        if (engine := self._engine_after(self._catch_up)) is not None:
            return engine.current_idf_weights(tokens)
        with self._lock:
            if self._engine is None:
                return {token: self._terms.idf(token) for token in set(tokens)}
        return self.current_idf_weights(tokens)  # it has just moved to the engine

    def search(self, query: str, k: int) -> list[LexicalHit]:
        """The ``k`` best chunks for ``query`` by BM25 (only those with a positive score)."""
        counts = Counter(tokenize(query))
        if not counts:
            return []
        if (engine := self._engine_after(self._catch_up)) is not None:
            return engine.search(counts, k)
        with self._lock:
            if self._engine is None:
                return self._terms.best(counts, k)
        return self.search(query, k)  # it has just moved to the engine

    def _engine_after(self, look: Callable[[], None]) -> EngineLexicalSearch | None:
        """The engine when it answers; otherwise None once the in-memory index has looked."""
        if self._engine is None:
            look()
        return self._engine

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
            if current == self._seen or self._engine is not None:
                return
            if self._seen == _ALL and self._fallback is not None and (
                    self._fallback.totals()[0] > self._max_chunks):
                self._ask_the_engine(self._fallback)  # too big to load at all
                return
            changed = list(self._source.changed_since(self._seen))
            self._terms.replace(changed)
            self._seen = max([current, *(a.revision for a in changed)])
            self._terms.compact_if_worthwhile()
            if self._fallback is not None and self._terms.alive > self._max_chunks:
                self._ask_the_engine(self._fallback)

    def _ask_the_engine(self, engine: EngineTerms) -> None:
        log.warning("the archive holds more than %d passages: lexical search asks the "
                    "database from now on (NEWSDESK_LEXICAL_ENGINE)", self._max_chunks)
        self._engine = EngineLexicalSearch(engine)
        self._terms = InvertedIndex()  # its memory goes back


class _NoTerms:
    """The term source of an index that asks the engine: never read."""

    def revision(self) -> int:
        """Always the start."""
        return _ALL

    def changed_since(self, revision: int) -> Iterable[ArticleTerms]:
        """Nothing."""
        return ()
