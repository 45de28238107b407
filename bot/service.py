"""The transport-independent news service: the bot and the console both talk to this."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from bot.conversations import ConversationStore
from retrieval.answer import Answer, Turn

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

    def __init__(self, answerer: Answerer, conversations: ConversationStore) -> None:
        self._answerer = answerer
        self._conversations = conversations

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
