"""One index writer at a time: ingests and reindexes hold a lease in the database while they run.

A second ingest started meanwhile (another terminal, another machine) waits for the first to
finish and then finds its articles stored and indexed, instead of embedding them a second time.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from storage.leases import LeaseRepository, this_process

log = logging.getLogger(__name__)

LEASE = "index-writer"


class WriterLock:
    """Holds the index-writer lease while a with-block runs, renewing it in the background."""

    def __init__(
        self, leases: LeaseRepository, ttl: timedelta = timedelta(seconds=60),
        poll_seconds: float = 1.0,
    ) -> None:
        self._leases = leases
        self._ttl = ttl
        self._poll = poll_seconds

    @contextmanager
    def held(self) -> Iterator[None]:
        """Wait for the lease, hold it for the block, then give it up."""
        me = this_process()
        announced = False
        while (holder := self._leases.try_acquire(LEASE, me, self._ttl)) is not None:
            if not announced:
                log.warning("another ingest (%s) is writing the index; waiting for it", holder)
                announced = True
            time.sleep(self._poll)
        stop = threading.Event()
        renewer = threading.Thread(target=self._renew, args=(me, stop), daemon=True,
                                   name="lease-renewal")
        renewer.start()
        try:
            yield
        finally:
            stop.set()
            renewer.join()
            self._leases.release(LEASE, me)

    def _renew(self, me: str, stop: threading.Event) -> None:
        while not stop.wait(self._ttl.total_seconds() / 3):
            try:
                self._leases.try_acquire(LEASE, me, self._ttl)
            except Exception:  # a missed renewal is retried; the lease outlives two of them
                log.warning("renewing the index-writer lease failed", exc_info=True)
