"""Linked pages that could not be fetched: how often in a row, and when to try again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from storage.database import Database
from storage.schema import page_failures
from storage.upsert import upsert

MAX_ERROR_CHARS = 300


@dataclass(frozen=True)
class PageFailure:
    """A page's failures in a row, the last one's reason, and when it may be tried again."""

    page_id: str
    url: str
    failures: int
    last_error: str
    last_attempt_at: datetime
    next_attempt_at: datetime | None  # None: never again


class PageFailureRepository:
    """Persists page failures; the retry policy is ingest.schedule's."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def get(self, page_id: str) -> PageFailure | None:
        """The page's failure record, or None when it has none."""
        query = sa.select(page_failures).where(page_failures.c.page_id == page_id)
        with self._db.read() as conn:
            row = conn.execute(query).first()
        return None if row is None else PageFailure(**row._mapping)

    def save(self, failure: PageFailure) -> None:
        """Store ``failure`` in place of the page's earlier record."""
        values = {**failure.__dict__, "last_error": failure.last_error[:MAX_ERROR_CHARS]}
        with self._db.write() as conn:
            upsert(conn, page_failures, values, ["page_id"])

    def clear(self, page_id: str) -> None:
        """Forget the page's failures (it was fetched)."""
        with self._db.write() as conn:
            conn.execute(sa.delete(page_failures).where(page_failures.c.page_id == page_id))
