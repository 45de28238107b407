"""The answer a user gets: text with [n] markers and the numbered, verified citations."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from core.models import ArticleRef, Turn
from retrieval.quoting import nested

# What "found nothing" says, in every front end (the Telegram and console add where to go next).
NOT_FOUND = "I found nothing about that in the news I have."
CLOSEST = "The closest stories I have:"
# before a quote of another story than the lead's (the judge could barely tell them apart)
OTHER_STORY = "Or, another story:"
_QUOTED_HEADLINE_CHARS = 20  # a short headline ("Gun laws") in a quote is no repetition


@dataclass(frozen=True)
class Citation:
    """A numbered source: ``snippet == article.text[start:end]``, checked before it is shown."""

    n: int
    ref: ArticleRef
    snippet: str
    start: int
    end: int
    also: tuple[ArticleRef, ...] = ()  # other outlets' copies of the same story
    # another story than the lead's, quoted because the judge could barely tell them apart
    other_story: bool = False
    # the lead's sentence that answers, in article offsets inside [start, end] (None: the
    # whole snippet, or not the lead): what a reader's eye should land on
    focus: tuple[int, int] | None = None

    @property
    def folded(self) -> str:
        """The snippet as shown: its whitespace and line breaks folded into single spaces."""
        return " ".join(self.snippet.split())

    @property
    def shown(self) -> str:
        """The snippet as it reads inside an answer's quotation marks: folded, its own
        quotation marks made single."""
        return nested(self.folded)

    @property
    def other_outlets(self) -> tuple[str, ...]:
        """The outlets in ``also`` besides the citation's own, each once: what "also reported
        by" names (another report by the same outlet tells a reader nothing new)."""
        return tuple(dict.fromkeys(ref.source for ref in self.also
                                   if ref.source != self.ref.source))

    def parts(self) -> tuple[str, str, str]:
        """``shown`` in three: before the focus, the focus, after it (the whole snippet is the
        focus when there is none). Each part folded; joined with spaces they read ``shown``."""
        if self.focus is None:
            return "", self.shown, ""
        cut = (self.focus[0] - self.start, self.focus[1] - self.start)
        before, focus, after = (self.snippet[: cut[0]], self.snippet[cut[0]: cut[1]],
                                self.snippet[cut[1]:])
        return (nested(" ".join(before.split())), nested(" ".join(focus.split())),
                nested(" ".join(after.split())))

    def to_dict(self) -> dict[str, Any]:
        """The public JSON shape (see docs/answer-json.md)."""
        data: dict[str, Any] = {"n": self.n, **self.ref.to_dict(), "snippet": self.snippet,
                                "start": self.start, "end": self.end}
        if self.also:
            data["also"] = [r.to_dict() for r in self.also]
        if self.other_story:
            data["other_story"] = True
        if self.focus is not None:
            data["focus_start"], data["focus_end"] = self.focus
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Citation:
        """The citation back from ``to_dict``'s shape."""
        return cls(int(data["n"]), ArticleRef.from_dict(data), str(data["snippet"]),
                   int(data["start"]), int(data["end"]),
                   tuple(ArticleRef.from_dict(a) for a in data.get("also", ())),
                   bool(data.get("other_story", False)),
                   (int(data["focus_start"]), int(data["focus_end"]))
                   if "focus_start" in data else None)


@dataclass(frozen=True)
class Answer:
    """What `ask` returns; ``found`` is False when the news has nothing on the question."""

    question: str
    found: bool
    answer: str
    citations: tuple[Citation, ...] = ()
    related: tuple[ArticleRef, ...] = ()  # closest stories, offered when nothing was found
    mode: str = "extractive"  # or "llm"
    more: tuple[Citation, ...] = ()  # the story's next quotes, shown when the reader asks

    def sources(self) -> list[tuple[list[int], Citation]]:
        """Each cited article once, with every marker that points at it, in order."""
        grouped: dict[str, tuple[list[int], Citation]] = {}
        for citation in self.citations:
            numbers, _ = grouped.setdefault(citation.ref.article_id, ([], citation))
            if citation.n not in numbers:
                numbers.append(citation.n)
        return list(grouped.values())

    def headline_quoted(self, ref: ArticleRef) -> bool:
        """A quote of the article already reads its headline: an article that came without one
        is headed by its opening sentence, which a source line would only repeat."""
        title = " ".join(ref.title.split()).rstrip("…")
        return len(title) >= _QUOTED_HEADLINE_CHARS and any(
            c.ref.article_id == ref.article_id and title in c.folded for c in self.citations)

    def to_dict(self) -> dict[str, Any]:
        """The public JSON shape (see docs/answer-json.md)."""
        data: dict[str, Any] = {
            "question": self.question, "found": self.found, "answer": self.answer,
            "citations": [c.to_dict() for c in self.citations], "mode": self.mode,
        }
        if self.related:
            data["related"] = [r.to_dict() for r in self.related]
        if self.more:
            data["more"] = [c.to_dict() for c in self.more]
        if self.found and self.mode == "extractive" and self.citations:
            lead = self.citations[0]
            data["lead"] = {"n": lead.n, "article_id": lead.ref.article_id,
                            "snippet": lead.snippet, "start": lead.start, "end": lead.end}
            if lead.focus is not None:
                data["lead"]["focus_start"], data["lead"]["focus_end"] = lead.focus
        return data


def in_reading_order(citations: Sequence[Citation]) -> tuple[Citation, ...]:
    """``citations`` as a reader meets them, the story's quotes before another story's, each
    article numbered where it first appears: an answer whose "More" adds the story's next
    articles after another story's quote would otherwise read [1] [2] [4] … "Or, another
    story" [3]."""
    ordered = [c for c in citations if not c.other_story] + [
        c for c in citations if c.other_story]
    numbers: dict[str, int] = {}
    for citation in ordered:
        numbers.setdefault(citation.ref.article_id, len(numbers) + 1)
    return tuple(replace(c, n=numbers[c.ref.article_id]) for c in ordered)


__all__ = ["CLOSEST", "NOT_FOUND", "Answer", "Citation", "Turn", "in_reading_order"]
