"""Scheduled ingest inside `newsdesk run`: one periodic tick on PTB's JobQueue (APScheduler 3).

Every tick, the process holding the scheduler lease ingests the sources that are due (their
due times live in the database, so a restart does not run a source twice); other processes
only answer questions. The work runs in a thread: the bot keeps answering meanwhile.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from html import escape
from typing import Any

from telegram import Bot
from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes

from bot.services.ingest_runner import IngestRunner
from bot.telegram.delivery import RetryPolicy, send_html
from bot.telegram.jobs import run_every
from core.errors import NewsdeskError
from core.models import Source

log = logging.getLogger(__name__)

JOB_NAME = "scheduled-ingest"


class ScheduledIngest:
    """Installs the tick and tells admins when a failing source gets paused."""

    def __init__(
        self, runner: IngestRunner, admin_ids: Sequence[int], *, enabled: bool,
        tick_seconds: float, retry: RetryPolicy,
    ) -> None:
        self._runner = runner
        self._retry = retry
        self._admin_ids = list(admin_ids)
        self._enabled = enabled
        self._tick_seconds = tick_seconds

    def install(self, app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        """Add the periodic tick to the application's job queue (unless scheduling is off)."""
        if not self._enabled:
            log.info("scheduled ingest is off (NEWSDESK_INGEST_INTERVAL_MINUTES=0)")
            return
        run_every(app, self.tick, self._tick_seconds, first=min(self._tick_seconds, 5.0),
                  name=JOB_NAME, needed_by="scheduled ingest needs")

    async def tick(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Ingest what is due, if this process is the scheduler."""
        try:
            if not await asyncio.to_thread(self._runner.is_scheduler):
                return
            run = await asyncio.to_thread(self._runner.run_scheduled)
        except NewsdeskError as exc:  # the database or index is down: try again next tick
            log.warning("scheduled ingest failed: %s", exc)
            return
        if run is None:
            return  # an admin's /reingest is running; what is due waits for the next tick
        if run.sources:
            log.info("scheduled ingest: %s", run.report.summary_lines()[0])
        for source in run.paused:
            await self.tell_admins(context.bot, paused_notice(source))

    async def tell_admins(self, bot: Bot, text: str) -> None:
        """Send ``text`` to every admin's private chat (an admin who never started the bot
        cannot be reached: logged, not fatal)."""
        for admin_id in self._admin_ids:
            try:
                await send_html(bot, admin_id, text, retry=self._retry)
            except TelegramError as exc:
                log.warning("could not tell admin %s: %s", admin_id, exc)

    async def shutdown(self, app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        """Hand the scheduler role over at once instead of when the lease lapses."""
        await asyncio.to_thread(self._runner.resign)


def paused_notice(source: Source) -> str:
    """What admins are told once when a failing source is paused."""
    return (f"⚠️ Source <b>{escape(source.name)}</b> was {escape(source.paused_reason)}.\n"
            f"{escape(source.location)}\nResume it with /resume {escape(source.name)}")
