"""Recent turns per chat, so follow-up questions survive a restart."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from core.models import QuotedSpan, Turn
from storage.database import Database
from storage.schema import conversation_turns as turns


class ConversationRepository:
    """Keeps the last ``keep`` turns of each chat; older turns are pruned on write."""

    def __init__(
        self, database: Database, keep: int = 6, max_age: timedelta = timedelta(hours=6),
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._db = database
        self._keep = keep
        self._max_age = max_age
        self._clock = clock

    def recent(self, chat_id: str) -> list[Turn]:
        """The chat's recent turns, oldest first (stale ones are ignored)."""
        query = (
            sa.select(turns.c.question, turns.c.article_ids, turns.c.quoted)
            .where(turns.c.chat_id == chat_id, turns.c.at >= self._clock() - self._max_age)
            .order_by(turns.c.at.desc(), turns.c.id.desc())
            .limit(self._keep)
        )
        with self._db.read() as conn:
            rows = conn.execute(query).all()
        return [Turn(q, tuple(json.loads(ids)), tuple(QuotedSpan(*s) for s in json.loads(quoted)))
                for q, ids, quoted in reversed(rows)]

    def add(self, chat_id: str, turn: Turn) -> None:
        """Record a turn and prune the chat to the newest ``keep``."""
        newest = (
            sa.select(turns.c.id).where(turns.c.chat_id == chat_id)
            .order_by(turns.c.at.desc(), turns.c.id.desc()).limit(self._keep)
        )
        with self._db.write() as conn:
            conn.execute(sa.insert(turns).values(
                chat_id=chat_id, at=self._clock(), question=turn.question,
                article_ids=json.dumps(list(turn.article_ids)),
                quoted=json.dumps([list(span) for span in turn.quoted]),
            ))
            # the subquery is wrapped so MySQL-like LIMIT-in-IN restrictions never bite
            keep = sa.select(newest.subquery().c.id)
            conn.execute(sa.delete(turns).where(turns.c.chat_id == chat_id,
                                                turns.c.id.not_in(keep)))

    def clear(self, chat_id: str) -> None:
        """Forget a chat's conversation."""
        with self._db.write() as conn:
            conn.execute(sa.delete(turns).where(turns.c.chat_id == chat_id))
