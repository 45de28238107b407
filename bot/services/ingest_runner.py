"""One ingest at a time per process, its progress, and which process is the scheduler.

A scheduled run and an admin's /reingest share the runner's lock: a second request while one
runs is told what is running and how far it got. Across processes, the ingest that writes
the index waits for the index-writer lease (ingest/writer.py); the scheduler is elected with a
lease of its own, renewed at every tick and all through an ingest, so exactly one process per
database ingests on a schedule and a killed scheduler is replaced once its lease lapses.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from bot.services.sources import Clock, IngestRun, SourceService
from storage.leases import LeaseRepository, this_process

log = logging.getLogger(__name__)

SCHEDULER_LEASE = "scheduler"


@dataclass(frozen=True)
class RunProgress:
    """How far the running ingest is."""

    trigger: str  # "scheduled", or who asked for it
    started_at: datetime
    sources_total: int = 0
    sources_done: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    current: str = ""  # the source being ingested
    items_done: int = 0  # of the current source: read, or stored when items_total is known
    items_total: int | None = None  # None while its items are still being read


class IngestRunner:
    """Runs ingests of the sources table, one at a time, reporting progress as it goes."""

    def __init__(
        self, sources: SourceService, leases: LeaseRepository, *,
        scheduler_ttl: timedelta = timedelta(minutes=3),
        clock: Clock = lambda: datetime.now(UTC),
    ) -> None:
        self._sources = sources
        self._leases = leases
        self._scheduler_ttl = scheduler_ttl
        self._clock = clock
        self._lock = threading.Lock()
        self._live: RunProgress | None = None
        # one process may run several bots in tests: each runner is its own candidate
        self._candidate = f"{this_process()}/{uuid.uuid4().hex[:8]}"

    def running(self) -> RunProgress | None:
        """The ingest running now, or None."""
        return self._live

    def run_scheduled(self) -> IngestRun | None:
        """Ingest what is due, holding the scheduler lease all along (renewed meanwhile, so a
        long ingest does not let another process take over and start the same sources)."""
        stop = threading.Event()
        renewer = threading.Thread(target=self._renew_scheduler_lease, args=(stop,),
                                   daemon=True, name="scheduler-lease")
        renewer.start()
        try:
            return self.run("scheduled", due_only=True)
        finally:
            stop.set()
            renewer.join()

    def _renew_scheduler_lease(self, stop: threading.Event) -> None:
        while not stop.wait(self._scheduler_ttl.total_seconds() / 3):
            try:
                self.is_scheduler()
            except Exception:  # a missed renewal is retried; the lease outlives two of them
                log.warning("renewing the scheduler lease failed", exc_info=True)

    def begin(self, trigger: str) -> bool:
        """Claim the runner for an ingest that ``run(begun=True)`` will do (False: busy).

        A chat command claims it before handing the work to a thread, so a second command
        right after it already sees an ingest running.
        """
        if not self._lock.acquire(blocking=False):
            return False
        self._live = RunProgress(trigger, self._clock())
        return True

    def abandon(self) -> None:
        """Give up a claim taken with ``begin`` whose ingest will not run."""
        self._live = None
        self._lock.release()

    def run(
        self, trigger: str, names: Sequence[str] = (), *, due_only: bool = False,
        begun: bool = False,
    ) -> IngestRun | None:
        """Ingest now (None when another ingest of this process is running).

        ``begun``: the caller has claimed the runner with ``begin``.
        """
        if not begun and not self.begin(trigger):
            return None

        def update(**changes: object) -> None:
            assert self._live is not None
            self._live = replace(self._live, **changes)  # type: ignore[arg-type]

        try:
            return self._sources.run(names, due_only=due_only, on_source=update)
        finally:
            self._live = None
            self._lock.release()

    @contextmanager
    def idle(self) -> Iterator[None]:
        """Keep this process's ingests off while the block runs (after one running ends).

        A prune holds it: the index-writer lease keeps other processes' ingests off, not
        this one's, whose lease has the same holder.
        """
        with self._lock:
            yield

    def is_scheduler(self) -> bool:
        """True when this process holds (or just took) the scheduler lease."""
        return self._leases.try_acquire(SCHEDULER_LEASE, self._candidate,
                                        self._scheduler_ttl) is None

    def resign(self) -> None:
        """Give the scheduler lease up (on shutdown), so another process takes over at once."""
        self._leases.release(SCHEDULER_LEASE, self._candidate)
