"""Daily retention inside `newsdesk run`: the scheduler process prunes the archive to the
newest NEWSDESK_RETENTION_DAYS days and each source's own retention (a minute after start,
then every day), in a thread."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram.ext import Application, ContextTypes

from bot.services.ingest_runner import IngestRunner
from bot.services.retention import PruneReport, RetentionService
from bot.telegram.jobs import run_every
from core.errors import NewsdeskError
from core.models import day_of

log = logging.getLogger(__name__)

JOB_NAME = "daily-prune"
EVERY_SECONDS = 24 * 60 * 60
FIRST_AFTER_SECONDS = 60.0  # a bot restarted daily still prunes


class ScheduledPrune:
    """Installs the daily prune (a source may be given a retention of its own at any time)."""

    def __init__(self, retention: RetentionService, runner: IngestRunner, *, days: int) -> None:
        self._retention = retention
        self._runner = runner
        self._days = days

    def install(self, app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        """Add the daily job to the application's job queue."""
        if self._days <= 0:
            log.info("NEWSDESK_RETENTION_DAYS=0: articles are kept unless their sources say "
                     "otherwise (`newsdesk sources keep`)")
        run_every(app, self.tick, EVERY_SECONDS, first=FIRST_AFTER_SECONDS, name=JOB_NAME,
                  needed_by="retention needs")

    async def tick(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Prune, if this process is the scheduler."""
        try:
            if not await asyncio.to_thread(self._runner.is_scheduler):
                return
            report = await asyncio.to_thread(self.prune)
        except NewsdeskError as exc:  # the database or index is down: tomorrow's run catches up
            log.warning("retention: the prune failed: %s", exc)
            return
        log.info("retention: %s", summary(report))

    def prune(self) -> PruneReport:
        """One prune, while no ingest of this process runs."""
        with self._runner.idle():
            return self._retention.prune(self._days)


def summary(report: PruneReport) -> str:
    """One line: what went, what waits, and the oldest article kept."""
    before = f" stored before {day_of(report.cutoff)}" if report.cutoff else ""
    own = f" (and {report.sources_keeping} sources' own)" if report.sources_keeping else ""
    return (f"removed {report.articles} articles ({report.passages} passages){before}{own}; "
            f"{report.held} wait for their alerts' edit window; "
            f"oldest kept {day_of(report.oldest_kept) if report.oldest_kept else 'none'}")
