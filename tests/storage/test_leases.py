"""Leases: one holder at a time, expiry, takeover from a dead process, on both backends."""

import subprocess
import sys
from datetime import UTC, datetime, timedelta

from storage.database import Database
from storage.leases import LeaseRepository, this_process

TTL = timedelta(seconds=60)


def test_one_holder_until_release_or_expiry(database: Database) -> None:
    now = [datetime(2026, 1, 12, tzinfo=UTC)]
    leases = LeaseRepository(database, clock=lambda: now[0])
    assert leases.try_acquire("writer", "far-host:1", TTL) is None
    assert leases.try_acquire("writer", "other-host:2", TTL) == "far-host:1"
    assert leases.try_acquire("writer", "far-host:1", TTL) is None  # renewal
    now[0] += TTL + timedelta(seconds=1)
    assert leases.try_acquire("writer", "other-host:2", TTL) is None  # expired: taken over
    leases.release("writer", "far-host:1")  # not the holder any more: no effect
    assert leases.try_acquire("writer", "far-host:1", TTL) == "other-host:2"
    leases.release("writer", "other-host:2")
    assert leases.try_acquire("writer", "far-host:1", TTL) is None


def test_a_dead_local_holder_is_taken_over_at_once(database: Database) -> None:
    leases = LeaseRepository(database)
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                              capture_output=True, text=True, check=True)
    dead = f"{this_process().rpartition(':')[0]}:{finished.stdout.strip()}"
    assert leases.try_acquire("writer", dead, TTL) is None
    assert leases.try_acquire("writer", this_process(), TTL) is None
    # a scheduler candidate of the dead process: "host:pid/candidate"
    assert leases.try_acquire("scheduler", f"{dead}/a1b2", TTL) is None
    assert leases.try_acquire("scheduler", f"{this_process()}/c3d4", TTL) is None
