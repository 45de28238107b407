"""Questions and answers: one-shot, or in a conversation that remembers the story."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Protocol

from core.errors import ArticleNotFound
from core.models import ArticleRef, QuotedSpan, Turn
from retrieval.answer import Answer, Citation, in_reading_order
from retrieval.search import HybridSearcher, SearchHit
from storage.articles import ArticleRepository
from storage.confirmations import ConfirmationRepository, Refusal
from storage.conversations import ConversationRepository

MAX_QUESTION_CHARS = 500
MORE = "more"  # the confirmation kind that keeps an answer's further quotes
MORE_WITHIN = timedelta(days=7)  # how long "More" works under an answer


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
        articles: ArticleRepository | None = None, *,
        confirmations: ConfirmationRepository | None = None, more_within: timedelta = MORE_WITHIN,
    ) -> None:
        self._articles = articles
        self._confirmations = confirmations
        self._more_within = more_within
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
        quoted = tuple(QuotedSpan(c.ref.article_id, c.start, c.end) for c in answer.citations)
        self._conversations.add(chat_id, Turn(question, cited, quoted))
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

    def offer_more(self, chat_id: int, user_id: int, answer: Answer) -> str | None:
        """Keep an extractive answer's further quotes for its "More" button: the token, or None
        when there is nothing more to show.

        The quotes shown are kept too, so pressing More re-renders the whole answer as sent;
        the question is not kept.
        """
        if self._confirmations is None or not answer.more or answer.mode != "extractive":
            return None
        payload = {"citations": json.dumps([c.to_dict() for c in answer.citations]),
                   "more": json.dumps([c.to_dict() for c in answer.more])}
        return self._confirmations.create(MORE, chat_id, user_id, payload,
                                          self._more_within).token

    def take_more(self, chat_id: int, token: str) -> Answer | Refusal:
        """The answer with its further quotes added after the story's others (before another
        story's, numbered as they read), once per "More" (on any worker, after a restart); or
        why not: "used" already, or "expired"."""
        if self._confirmations is None:
            return "expired"
        taken = self._confirmations.take(token, MORE, chat_id)
        if isinstance(taken, str):
            return taken
        citations = _citations(taken.payload["citations"]) + _citations(taken.payload["more"])
        return Answer(question="", found=True, answer="", citations=in_reading_order(citations))

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


def _citations(stored: str) -> tuple[Citation, ...]:
    """Citations back from their stored public JSON."""
    return tuple(Citation.from_dict(c) for c in json.loads(stored))
