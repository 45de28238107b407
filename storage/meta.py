"""Small named values: the index revision, the embedding model the index was built with."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from storage.database import Database
from storage.schema import meta
from storage.upsert import upsert

REVISION_KEY = "revision"


class MetaRepository:
    """Key/value settings the database keeps about itself."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def get(self, key: str) -> str | None:
        """The value stored under ``key``, or None."""
        with self._db.read() as conn:
            value = conn.execute(sa.select(meta.c.value).where(meta.c.key == key)).scalar()
        return None if value is None else str(value)

    def set(self, key: str, value: str) -> None:
        """Store ``value`` under ``key``."""
        with self._db.write() as conn:
            upsert(conn, meta, {"key": key, "value": value}, ["key"])


def bump_revision(conn: Connection) -> int:
    """Count one more article write, inside the caller's transaction; the new count.

    The row stays locked until the transaction ends, so revisions commit in the order they
    are taken: a reader that has seen revision N has seen every write numbered below it.
    """
    upsert(
        conn, meta, {"key": REVISION_KEY, "value": "1"}, ["key"],
        update={"value": sa.cast(sa.cast(meta.c.value, sa.Integer) + 1, sa.Text)},
    )
    return read_revision(conn)


def read_revision(conn: Connection) -> int:
    """The number of the newest article write (0 before the first)."""
    value = conn.execute(sa.select(meta.c.value).where(meta.c.key == REVISION_KEY)).scalar()
    return int(value or 0)
