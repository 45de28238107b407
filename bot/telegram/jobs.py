"""Periodic work on PTB's JobQueue (APScheduler 3), the one way every tick is installed."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from telegram.ext import Application, ContextTypes

from core.errors import NewsdeskError

Tick = Callable[[ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]


def run_every(
    app: Application[Any, Any, Any, Any, Any, Any], tick: Tick, seconds: float, *,
    first: float, name: str, needed_by: str,
) -> None:
    """Run ``tick`` every ``seconds`` (the first time after ``first``).

    A tick that is late or still running is skipped, never stacked up.
    """
    if app.job_queue is None:
        raise NewsdeskError(f"{needed_by} python-telegram-bot[job-queue]")
    app.job_queue.run_repeating(
        tick, interval=seconds, first=first, name=name,
        job_kwargs={"coalesce": True, "max_instances": 1,
                    "misfire_grace_time": max(1, int(seconds))},
    )
