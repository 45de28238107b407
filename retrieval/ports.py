"""What retrieval needs from the database, as narrow protocols (storage implements them)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from core.models import Article, ArticleTerms


class ArticleSource(Protocol):
    """Stored articles and the spans of their chunks."""

    def get_many(self, article_ids: Sequence[str]) -> dict[str, Article]:
        """Articles by id (missing ids are left out)."""
        ...

    def chunk_spans(self, chunk_ids: Sequence[str]) -> dict[str, tuple[str, int, int]]:
        """(article id, start, end) of chunks given as "<article id>-<index>"."""
        ...


class TermSource(Protocol):
    """Where the terms come from (storage.chunk_terms.ChunkTermsRepository)."""

    def revision(self) -> int:
        """The number of the newest article write."""
        ...

    def changed_since(self, revision: int) -> Iterable[ArticleTerms]:
        """Articles written after ``revision`` (-1: all), oldest write first."""
        ...
