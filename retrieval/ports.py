"""What retrieval needs from the database, as narrow protocols (storage implements them)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from core.models import ArticleTerms, Passage


class ArticleSource(Protocol):
    """Stored chunks with their articles, and the stored text of any span."""

    def passages(self, chunk_ids: Sequence[str]) -> dict[str, Passage]:
        """Chunks given as "<article id>-<index>" (missing ones are left out)."""
        ...

    def span_texts(self, spans: Sequence[tuple[str, int, int]]) -> list[str | None]:
        """The stored text of each (article id, start, end); None for a missing article."""
        ...


class TermSource(Protocol):
    """Where the terms come from (storage.chunk_terms.ChunkTermsRepository)."""

    def revision(self) -> int:
        """The number of the newest article write."""
        ...

    def changed_since(self, revision: int) -> Iterable[ArticleTerms]:
        """Articles written after ``revision`` (-1: all), oldest write first."""
        ...
