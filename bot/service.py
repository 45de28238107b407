"""The transport-independent news service: the bot and the console both talk to this."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from bot.conversations import ConversationStore
from ingest.models import Article
from ingest.store import ArticleStore
from retrieval.answer import Answer, Turn
from retrieval.search import HybridSearcher, StoryRef

MAX_QUESTION_CHARS = 500


class Answerer(Protocol):
    """Anything that answers a question given the conversation so far."""

    def answer(
        self, question: str, k: int = 5, since: datetime | None = None,
        history: tuple[Turn, ...] | list[Turn] = (),
    ) -> Answer:
        """Answer ``question``."""
        ...


class NewsService:
    """Asks with conversation memory per chat."""

    def __init__(
        self,
        answerer: Answerer,
        conversations: ConversationStore,
        store: ArticleStore,
        searcher: HybridSearcher,
    ) -> None:
        self._answerer = answerer
        self._conversations = conversations
        self._store = store
        self._searcher = searcher

    def ask(
        self, chat_id: str, question: str, k: int = 5, since: datetime | None = None
    ) -> Answer:
        """Answer ``question`` in the context of the chat's recent turns, and remember it."""
        question = " ".join(question.split())[:MAX_QUESTION_CHARS]
        history = self._conversations.recent(chat_id)
        answer = self._answerer.answer(question, k=k, since=since, history=history)
        cited = tuple(dict.fromkeys(c.article_id for c in answer.citations))
        self._conversations.add(chat_id, Turn(question, cited))
        return answer

    def forget(self, chat_id: str) -> None:
        """Start the chat's conversation afresh."""
        self._conversations.clear(chat_id)

    def latest(self, topic: str = "", limit: int = 5) -> list[StoryRef]:
        """Newest headlines, on ``topic`` when given."""
        if not topic.strip():
            return [_ref(a) for a in self._store.newest(limit)]
        hits = self._searcher.search(topic, k=limit * 3)
        if not hits:
            return []
        # on topic: close to the best match, not merely the newest of everything
        floor = max(0.2, max(h.similarity for h in hits) - 0.15)
        relevant = [h for h in hits if h.similarity >= floor]
        refs = {h.article_id: StoryRef(h.title, h.source, h.url, h.published) for h in relevant}
        return sorted(refs.values(), key=lambda r: r.published, reverse=True)[:limit]

    def sources(self) -> list[tuple[str, int, str]]:
        """Outlets with their article counts and newest date."""
        return [(name, count, newest.date().isoformat() if newest else "")
                for name, count, newest in self._store.sources()]

    def example_questions(self, count: int = 3) -> list[str]:
        """Questions a newcomer could ask, drawn from the newest stories (varied outlets first)."""
        newest = self._store.newest(20)
        picks: list[Article] = []
        for article in newest:
            if len(picks) < count and all(p.source != article.source for p in picks):
                picks.append(article)
        picks += [a for a in newest if a not in picks][: count - len(picks)]
        questions = []
        for article in picks:
            title = article.title
            if len(title) > 70:
                title = title[:67].rsplit(" ", 1)[0] + "…"
            questions.append(f"What is the latest on “{title}”?")
        return questions or ["What is in the news today?"]


def _ref(article: Article) -> StoryRef:
    return StoryRef(article.title, article.source, article.url,
                    article.published.isoformat() if article.published else "")
