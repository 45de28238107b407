"""Browsing the news without a question: newest headlines, outlets, counts, examples."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from bot.services.story_topic import story_topic
from core.models import Article, ArticleRef
from storage.browse import BrowseRepository, OutletCount, StoreStats

if TYPE_CHECKING:
    from retrieval.search import HybridSearcher

EXAMPLE_TOPIC_CHARS = 60
_UNDATED = datetime.min.replace(tzinfo=UTC)


class BrowseService:
    """What the news store holds."""

    def __init__(self, browse: BrowseRepository, searcher: Callable[[], HybridSearcher]) -> None:
        self._browse = browse
        self._searcher = searcher  # opened on first topic: counts and outlets need no model

    def latest(self, topic: str = "", limit: int = 5) -> list[ArticleRef]:
        """Newest headlines, on ``topic`` when given."""
        if not topic.strip():
            return [ArticleRef.of(a) for a in self._browse.newest(limit)]
        hits = self._searcher().search(topic, k=limit * 3)
        if not hits:
            return []
        # on topic: close to the best match, not merely the newest of everything
        floor = max(0.2, max(h.similarity for h in hits) - 0.15)
        relevant = [h for h in hits if h.similarity >= floor]
        refs = {h.ref.article_id: h.ref for h in relevant}
        return sorted(refs.values(), key=lambda r: r.published or _UNDATED, reverse=True)[:limit]

    def outlets(self) -> list[OutletCount]:
        """Outlets with their article counts and newest date, biggest first."""
        return self._browse.outlets()

    def stats(self) -> StoreStats:
        """Counts and the newest article."""
        return self._browse.stats()

    def example_questions(self, count: int = 3) -> list[ExampleQuestion]:
        """Questions a newcomer could ask, about the newest stories (varied outlets first)."""
        newest = self._browse.newest(20)
        picks: list[Article] = []
        for article in newest:
            if len(picks) < count and all(p.source != article.source for p in picks):
                picks.append(article)
        picks += [a for a in newest if a not in picks][: count - len(picks)]
        return [example for article in picks if (example := example_about(article)) is not None]

    def example_for(self, article_id: str) -> ExampleQuestion | None:
        """The example question about one stored story (None once it is gone)."""
        article = self._browse.article(article_id)
        return example_about(article) if article is not None else None


def hint_question(browsing: BrowseService | None) -> str:
    """One question to show as an example in a hint: about the news when there is some."""
    examples = browsing.example_questions(1) if browsing is not None else []
    return examples[0].question if examples else "What is in the news today?"


@dataclass(frozen=True)
class ExampleQuestion:
    """A question as a person would ask it, and the story it is about."""

    question: str
    article_id: str


def example_about(article: Article) -> ExampleQuestion | None:
    """"What's the latest on Lee and Nara?" for the story headlined "Lee heads to Nara…"."""
    topic = story_topic(article.title, article.text)
    if not topic or len(topic) > EXAMPLE_TOPIC_CHARS:
        return None
    if topic[0].islower():
        topic = f"the {topic}"  # a common noun phrase: "the central bank", not "central bank"
    return ExampleQuestion(f"What's the latest on {topic}?", article.id)
