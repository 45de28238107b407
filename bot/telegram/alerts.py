"""Delivering alerts from the scheduler process: match, then send what is due, never twice.

Every tick, the process holding the scheduler lease matches the articles written since the
last round (by any process) and sends the messages the outbox holds. Telegram's limits bound
the pace: PTB's AIORateLimiter keeps all requests under 30/s and group chats under 20/min and
waits out every 429; this module keeps each chat at one message per second, sends different
chats' messages side by side, and retries what failed later from the outbox. A chat that
blocked the bot (403) or no longer exists pauses its subscriptions.

Each message leaves the outbox (and enters the sent ledger) only after Telegram accepted it:
a process killed in between sends that one message again after the restart, and no other.
When the Application stops (Ctrl-C, SIGTERM), a round stops between messages: those in flight
finish and are recorded, the rest stay in the outbox for the next start.
When another outlet reports a story a chat was alerted to, that alert is edited to name the
outlet ("Also reported by …") instead of a second alert being sent.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import timedelta
from typing import Any

from telegram import Bot, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter
from telegram.ext import Application, ContextTypes

from bot.services.alerts import AlertService, Edit, Outgoing
from bot.services.ingest_runner import IngestRunner
from bot.telegram.alert_text import (
    alert_buttons,
    alert_html,
    edited_alert_html,
    grouped_buttons,
    grouped_html,
    story_buttons,
    tapped_buttons,
)
from bot.telegram.callbacks import TapStory
from bot.telegram.delivery import RetryPolicy, preview_options, send_html, with_retries
from bot.telegram.jobs import run_every
from core.errors import NewsdeskError
from core.models import ArticleRef
from storage.alerts import PendingAlert, PendingEdit

log = logging.getLogger(__name__)

JOB_NAME = "alerts"
CHAT_INTERVAL = 1.0  # seconds between two messages to one chat (Telegram's limit)
RETRY_DELAY = timedelta(seconds=30)
MAX_ATTEMPTS = 5  # a message Telegram keeps refusing (not its chat) is then dropped, logged
_CHAT_GONE = ("chat not found", "bot was kicked", "user is deactivated", "have no rights",
              "not enough rights", "need administrator rights", "topic_closed",
              "message thread not found")


class AlertDelivery:
    """The alert tick on PTB's JobQueue, and the sending itself."""

    def __init__(
        self, alerts: AlertService, runner: IngestRunner, *, tick_seconds: float,
        retry: RetryPolicy, senders: int = 1, paid_broadcast: bool = False,
    ) -> None:
        self._alerts = alerts
        self._retry = retry  # how a message is retried after a network error or a 5xx
        self._senders = senders  # messages in flight at once: the most a kill can double
        self._runner = runner
        self._tick_seconds = tick_seconds
        self._paid_broadcast = paid_broadcast
        self._last_sent: dict[int, float] = {}
        self._lock = asyncio.Lock()  # one delivery round at a time (tick, /digest now)
        self._failing = ""  # the last tick's fault, logged once
        self._app: Application[Any, Any, Any, Any, Any, Any] | None = None

    def install(self, app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        """Add the alert tick to the application's job queue."""
        self._app = app
        run_every(app, self.tick, self._tick_seconds, first=min(self._tick_seconds, 2.0),
                  name=JOB_NAME, needed_by="alerts need")

    async def tick(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Match what is new and send what is due, if this process is the scheduler."""
        try:
            if self.stopping or not await asyncio.to_thread(self._runner.is_scheduler):
                return
            run = await asyncio.to_thread(self._alerts.match_new)
            if run.queued:
                log.info("alerts: %d new articles matched, %d alerts queued", run.articles,
                         run.queued)
            await self.deliver(context.bot)
        except NewsdeskError as exc:  # the database or index is down: try again next tick
            if str(exc) != self._failing:  # once per fault, not every tick it lasts
                log.warning("alert delivery failed: %s", exc)
            self._failing = str(exc)
            return
        if self._failing:
            log.info("alert delivery works again")
            self._failing = ""

    async def deliver(self, bot: Bot, chat_id: int | None = None,
                      digest_now: bool = False) -> int:
        """Send every message due now (one chat's, with ``chat_id``); how many went out.
        A whole round (no ``chat_id``) then adds other outlets' reports to earlier alerts."""
        sent = 0
        async with self._lock:
            while not self.stopping:
                planned = await asyncio.to_thread(self._alerts.plan, None, chat_id, digest_now)
                if not planned:
                    break
                delivered = await self._send_all(bot, planned)
                sent += delivered
                if delivered == 0:
                    break  # all failed for now: the outbox keeps them for a later tick
            if chat_id is None and not self.stopping:
                await self._edit_all(bot)
        if self.stopping:
            log.info("alerts: stopping; what was not sent stays in the outbox for the next start")
        return sent

    @property
    def stopping(self) -> bool:
        """True once the Application is stopping: no further message is started."""
        # Application.stop() clears `running` first, then waits for running jobs to finish:
        # this round is such a job, so it has to notice and end by itself.
        return self._app is not None and not self._app.running

    async def digest_now(self, bot: Bot, chat_id: int) -> bool:
        """/digest now: the chat's waiting digest (and due alerts); True if any went out."""
        return await self.deliver(bot, chat_id, digest_now=True) > 0

    async def _send_all(self, bot: Bot, planned: list[Outgoing]) -> int:
        horizon = time.monotonic() - CHAT_INTERVAL
        self._last_sent = {c: t for c, t in self._last_sent.items() if t > horizon}
        by_chat: dict[int, list[Outgoing]] = {}
        for message in planned:
            by_chat.setdefault(message.chat_id, []).append(message)
        gate = asyncio.Semaphore(self._senders)
        results = await asyncio.gather(*(self._send_chat(bot, messages, gate)
                                         for messages in by_chat.values()))
        return sum(results)

    async def _send_chat(self, bot: Bot, messages: list[Outgoing],
                         gate: asyncio.Semaphore) -> int:
        """One chat's messages, in order, a second apart; stops at the first failure."""
        delivered = 0
        for message in messages:
            await self._wait_turn(message.chat_id)  # without holding a sender: others go on
            async with gate:
                if self.stopping:
                    break
                ok = await self._send_one(bot, message)
            self._last_sent[message.chat_id] = time.monotonic()
            if not ok:
                break
            delivered += 1
        return delivered

    async def _send_one(self, bot: Bot, message: Outgoing) -> bool:
        single = message.single
        html = alert_html(message) if single else grouped_html(message)
        markup = alert_buttons(message) if single else grouped_buttons(message)
        try:
            sent = await send_html(bot, message.chat_id, html, markup=markup,
                                   thread_id=message.thread_id, preview_url=_preview_of(single),
                                   paid_broadcast=self._paid_broadcast, retry=self._retry)
        except Forbidden as exc:
            await self._chat_gone(message.chat_id, str(exc))
            return False
        except BadRequest as exc:
            if any(reason in str(exc).lower() for reason in _CHAT_GONE):
                await self._chat_gone(message.chat_id, str(exc))
            elif min(a.attempts for a in message.alerts) + 1 >= MAX_ATTEMPTS:
                log.error("alert to %s refused %d times, dropped: %s", message.chat_id,
                          MAX_ATTEMPTS, exc)
                await asyncio.to_thread(self._alerts.give_up, message)
            else:
                log.warning("alert to %s refused (%s); retrying later", message.chat_id, exc)
                await asyncio.to_thread(self._alerts.retry_later, message, RETRY_DELAY)
            return False
        except RetryAfter as exc:  # outlasted the rate limiter's own retries
            await asyncio.to_thread(self._alerts.retry_later, message, _retry_delay(exc))
            return False
        except NetworkError as exc:  # send_html retried already; the outbox keeps it
            log.warning("alert to %s failed (%s); retrying later", message.chat_id, exc)
            await asyncio.to_thread(self._alerts.retry_later, message, RETRY_DELAY)
            return False
        await asyncio.to_thread(self._alerts.sent, message,
                                sent.message_id if sent is not None else None)
        return True

    async def _wait_turn(self, chat_id: int) -> None:
        """Until a second has passed since this chat's last message (Telegram's limit)."""
        wait = self._last_sent.get(chat_id, 0.0) + CHAT_INTERVAL - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)

    async def _chat_gone(self, chat_id: int, reason: str) -> None:
        log.info("chat %s cannot be reached (%s): its alerts pause", chat_id, reason)
        await asyncio.to_thread(self._alerts.chat_gone, chat_id, reason[:200])

    async def _edit_all(self, bot: Bot) -> int:
        """Show each alert whose story another outlet reported since with that outlet added
        (rare, so one after another, each chat still at one message per second)."""
        done = 0
        for edit in await asyncio.to_thread(self._alerts.plan_edits):
            if self.stopping:
                break
            chat_id = edit.pending.chat_id
            await self._wait_turn(chat_id)
            done += await self._edit_one(bot, edit)
            self._last_sent[chat_id] = time.monotonic()
        return done

    async def _edit_one(self, bot: Bot, edit: Edit) -> bool:
        pending = edit.pending
        try:
            await with_retries(lambda: bot.edit_message_text(
                edited_alert_html(edit), chat_id=pending.chat_id, message_id=pending.message_id,
                parse_mode=ParseMode.HTML,
                link_preview_options=preview_options(_url_of(pending.ref)),
                reply_markup=edited_buttons(pending),
            ), f"editMessageText in {pending.chat_id}", retry=self._retry)
        except Forbidden as exc:
            await self._chat_gone(pending.chat_id, str(exc))
            return False
        except BadRequest as exc:
            reason = str(exc).lower()
            if "not modified" in reason:  # it shows these outlets already
                await asyncio.to_thread(self._alerts.edited, edit)
                return True
            if any(gone in reason for gone in _CHAT_GONE):
                await self._chat_gone(pending.chat_id, str(exc))
            elif pending.attempts + 1 >= MAX_ATTEMPTS or "edit" in reason:
                # the message was deleted or is too old to edit: the alert stands as it was
                log.info("alert %s in %s not edited: %s", pending.message_id, pending.chat_id,
                         exc)
                await asyncio.to_thread(self._alerts.drop_edit, edit)
            else:
                await asyncio.to_thread(self._alerts.edit_later, edit, RETRY_DELAY)
            return False
        except RetryAfter as exc:
            await asyncio.to_thread(self._alerts.edit_later, edit, _retry_delay(exc))
            return False
        except NetworkError as exc:
            log.warning("editing an alert in %s failed (%s); retrying later", pending.chat_id,
                        exc)
            await asyncio.to_thread(self._alerts.edit_later, edit, RETRY_DELAY)
            return False
        await asyncio.to_thread(self._alerts.edited, edit)
        return True


def edited_buttons(pending: PendingEdit) -> InlineKeyboardMarkup:
    """An edited alert's buttons: as sent, with the reader's 👍 / 👎 on it still showing."""
    buttons = story_buttons(pending.ref.article_id, pending.subscription_id,
                            stopped_id=pending.stopped_id, topic=pending.topic)
    if pending.liked is None or pending.subscription_id is None:
        return buttons
    tap = TapStory(pending.subscription_id, pending.ref.article_id, liked=pending.liked)
    return tapped_buttons(buttons, tap, pending.liked) or buttons


def _preview_of(alert: PendingAlert | None) -> str | None:
    """A single-story alert shows its article's small link preview; a grouped one none."""
    return None if alert is None else _url_of(alert.ref)


def _url_of(ref: ArticleRef) -> str | None:
    return ref.url if ref.url.startswith(("https://", "http://")) else None


def _retry_delay(exc: RetryAfter) -> timedelta:
    """How long Telegram asked to wait (PTB gives seconds or a timedelta)."""
    after = exc.retry_after
    return after if isinstance(after, timedelta) else timedelta(seconds=float(after))
