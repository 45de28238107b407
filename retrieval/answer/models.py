"""The answer a user gets: text with [n] markers and the numbered, verified citations."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from retrieval.search import StoryRef


@dataclass(frozen=True)
class Citation:
    """A numbered source: ``snippet == article.text[start:end]``, checked before it is shown."""

    n: int
    article_id: str
    title: str
    source: str
    url: str
    published: str
    snippet: str
    start: int
    end: int
    also: tuple[StoryRef, ...] = ()


@dataclass(frozen=True)
class Answer:
    """What `ask` returns; ``found`` is False when the news has nothing on the question."""

    question: str
    found: bool
    answer: str
    citations: tuple[Citation, ...] = ()
    related: tuple[StoryRef, ...] = ()  # closest stories, offered when nothing was found
    mode: str = "extractive"  # or "llm"

    def sources(self) -> list[tuple[list[int], Citation]]:
        """Each cited article once, with every marker that points at it, in order."""
        grouped: dict[str, tuple[list[int], Citation]] = {}
        for citation in self.citations:
            numbers, _ = grouped.setdefault(citation.article_id, ([], citation))
            numbers.append(citation.n)
        return list(grouped.values())

    def to_dict(self) -> dict[str, Any]:
        """The public JSON shape (see DESIGN.md)."""
        data = asdict(self)
        for citation in data["citations"]:
            if not citation["also"]:
                del citation["also"]
        if not data["related"]:
            del data["related"]
        return data


@dataclass(frozen=True)
class Turn:
    """One question and the articles its answer cited, for follow-up questions."""

    question: str
    article_ids: tuple[str, ...] = field(default=())
