"""Value types shared by ingestion and retrieval."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class RawArticle:
    """An article as a loader found it, before cleaning and identity."""

    title: str
    text: str
    url: str = ""
    source: str = ""
    published: datetime | None = None
    authors: tuple[str, ...] = ()
    origin: str = ""  # where it came from (file path, feed URL), for error messages
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Article:
    """A cleaned article with its stable identity, as stored."""

    id: str
    url: str
    title: str
    source: str
    published: datetime | None
    authors: tuple[str, ...]
    text: str
    content_hash: str
    fetched_at: datetime


@dataclass(frozen=True)
class Chunk:
    """A span of an article's text; ``text == article.text[start:end]``."""

    article_id: str
    index: int
    start: int
    end: int
    text: str
    metadata: dict[str, str | int | float] = field(default_factory=dict)

    @property
    def id(self) -> str:
        """Stable id of the chunk in the vector store."""
        return f"{self.article_id}-{self.index}"
