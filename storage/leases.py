"""Leases: a named right to write, held by one process at a time across every machine.

A holder renews its lease while it works; a lease that is not renewed expires, so a killed
process blocks nobody for long. A lease held by a process that no longer exists on this same
machine is taken over at once.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from storage.database import Database
from storage.schema import leases


def this_process() -> str:
    """"host:pid", naming the holder."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _gone(holder: str) -> bool:
    """True when ``holder`` ("host:pid", maybe with a "/candidate" suffix) was a process on
    this machine that has exited."""
    host, _, pid = holder.split("/", 1)[0].rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


class LeaseRepository:
    """Acquire, renew and release named leases."""

    def __init__(
        self, database: Database, clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    ) -> None:
        self._db = database
        self._clock = clock

    def try_acquire(self, name: str, holder: str, ttl: timedelta) -> str | None:
        """None when ``holder`` now holds ``name``; else who does."""
        now = self._clock()
        with self._db.write() as conn:
            row = conn.execute(
                sa.select(leases.c.holder, leases.c.expires_at).where(leases.c.name == name)
            ).first()
            if row is None:
                conn.execute(sa.insert(leases).values(name=name, holder=holder,
                                                      expires_at=now + ttl))
                return None
            if row.holder != holder and row.expires_at > now and not _gone(row.holder):
                return str(row.holder)
            conn.execute(sa.update(leases).where(leases.c.name == name)
                         .values(holder=holder, expires_at=now + ttl))
            return None

    def release(self, name: str, holder: str) -> None:
        """Give ``name`` up (only if ``holder`` still holds it)."""
        with self._db.write() as conn:
            conn.execute(sa.delete(leases).where(leases.c.name == name,
                                                 leases.c.holder == holder))
