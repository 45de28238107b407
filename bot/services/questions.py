"""Questions and answers: one-shot, or in a conversation that remembers the story."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from core.errors import ArticleNotFound
from core.models import ArticleRef, Turn
from retrieval.answer import Answer
from retrieval.search import HybridSearcher, SearchHit
from storage.articles import ArticleRepository
from storage.conversations import ConversationRepository

MAX_QUESTION_CHARS = 500


class Answerer(Protocol):
    """Anything that answers a question given the conversation so far."""

    def answer(
        self, question: str, k: int = 5, since: datetime | None = None,
        history: tuple[Turn, ...] | list[Turn] = (),
    ) -> Answer:
        """Answer ``question``."""
        ...


class QuestionService:
    """Answers with cited snippets; in a chat, follow-ups keep the conversation's story."""

    def __init__(
        self, answerer: Answerer, conversations: ConversationRepository, searcher: HybridSearcher,
        articles: ArticleRepository | None = None,
    ) -> None:
        self._articles = articles
        self._answerer = answerer
        self._conversations = conversations
        self._searcher = searcher

    def answer(self, question: str, k: int = 5, since: datetime | None = None) -> Answer:
        """Answer one question with no conversation around it."""
        return self._answerer.answer(_clean(question), k=k, since=since)

    def ask(
        self, chat_id: str, question: str, k: int = 5, since: datetime | None = None
    ) -> Answer:
        """Answer ``question`` in the context of the chat's recent turns, and remember it."""
        question = _clean(question)
        history = self._conversations.recent(chat_id)
        answer = self._answerer.answer(question, k=k, since=since, history=history)
        cited = tuple(dict.fromkeys(c.ref.article_id for c in answer.citations))
        self._conversations.add(chat_id, Turn(question, cited))
        return answer

    def focus(self, chat_id: str, article_id: str) -> ArticleRef:
        """Start a conversation on one article (an alert's "Ask about this")."""
        if self._articles is None:
            raise ArticleNotFound("this service cannot look articles up")
        article = self._articles.get(article_id)
        if article is None:
            raise ArticleNotFound("That story is no longer in my archive.")
        self._conversations.add(chat_id, Turn(article.title, (article.id,)))
        return ArticleRef.of(article)

    def forget(self, chat_id: str) -> None:
        """Start the chat's conversation afresh."""
        self._conversations.clear(chat_id)

    def passages(self, query: str, k: int = 5, since: datetime | None = None) -> list[SearchHit]:
        """The best matching passages, with their articles (what `newsdesk search` shows)."""
        return self._searcher.search(_clean(query), k=k, since=since)


def _clean(question: str) -> str:
    """Whitespace folded, length capped; lone surrogates (undecodable input) become U+FFFD."""
    text = question.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    return " ".join(text.split())[:MAX_QUESTION_CHARS]
