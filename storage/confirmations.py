"""Confirmations: a question put to an admin (add this source? forget this article?), or an
offer made under an answer (its "More" quotes), kept in the database so that its answer works
after a restart and on any worker, once, until it expires.

``take`` is a single conditional UPDATE (unused, unexpired), so of two presses of one button, in
one process or in two, exactly one gets the confirmation back; the other is told it was used.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from storage.database import Database
from storage.schema import confirmations

Refusal = Literal["expired", "used"]


@dataclass(frozen=True)
class Confirmation:
    """What an admin was asked to confirm, and by when."""

    token: str
    kind: str
    chat_id: int
    user_id: int
    payload: Mapping[str, str]
    created_at: datetime
    expires_at: datetime


class ConfirmationRepository:
    """Create, take once, and drop expired confirmations."""

    def __init__(
        self, database: Database, clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    ) -> None:
        self._db = database
        self._clock = clock

    def create(self, kind: str, chat_id: int, user_id: int, payload: Mapping[str, str],
               ttl: timedelta) -> Confirmation:
        """Store a new confirmation, valid for ``ttl``; expired ones are dropped meanwhile."""
        now = self._clock()
        made = Confirmation(secrets.token_hex(8), kind, chat_id, user_id, dict(payload), now,
                            now + ttl)
        with self._db.write() as conn:
            _drop_expired(conn, now)
            conn.execute(sa.insert(confirmations).values(
                token=made.token, kind=kind, chat_id=chat_id, user_id=user_id,
                payload=json.dumps(made.payload), created_at=now, expires_at=made.expires_at))
        return made

    def take(self, token: str, kind: str, chat_id: int) -> Confirmation | Refusal:
        """The confirmation, marked used; or why not: "used" already, or "expired" (or unknown).

        Only the chat it was asked in can answer it.
        """
        now = self._clock()
        mine = sa.and_(confirmations.c.token == token, confirmations.c.kind == kind,
                       confirmations.c.chat_id == chat_id)
        with self._db.write() as conn:
            row = conn.execute(
                sa.update(confirmations)
                .where(mine, confirmations.c.used_at.is_(None), confirmations.c.expires_at > now)
                .values(used_at=now).returning(*confirmations.c)).first()
            if row is not None:
                return _confirmation(row)
            used = conn.execute(sa.select(confirmations.c.used_at).where(
                mine, confirmations.c.expires_at > now)).scalar()
        return "used" if used is not None else "expired"

    def expire(self) -> int:
        """Drop every expired confirmation; how many."""
        with self._db.write() as conn:
            return _drop_expired(conn, self._clock())


def _drop_expired(conn: Connection, now: datetime) -> int:
    return conn.execute(sa.delete(confirmations).where(confirmations.c.expires_at <= now)).rowcount


def _confirmation(row: sa.Row[Any]) -> Confirmation:
    payload = json.loads(row.payload)
    return Confirmation(row.token, row.kind, row.chat_id, row.user_id,
                        {str(k): str(v) for k, v in payload.items()}, row.created_at,
                        row.expires_at)
