"""Sending replies so none is dropped: split under 4096, retry network errors with backoff.

Flood control has one owner, PTB's AIORateLimiter (configured in app.py): it paces requests and
waits out every 429's ``retry_after`` before retrying. This module retries only what that does
not: transient network failures and 5xx answers, with exponential backoff (a RetryPolicy that
app.py builds from the settings and hands to everything that sends). A 429 that outlasts the
limiter's retries, or a bad request, is raised to the error handler.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from telegram import Bot, InlineKeyboardMarkup, LinkPreviewOptions, Message, ReplyParameters
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, NetworkError, TelegramError

from bot.telegram.render import split_message

log = logging.getLogger(__name__)
T = TypeVar("T")
ATTEMPTS = 6


@dataclass(frozen=True)
class RetryPolicy:
    """How a request that failed on the network or with a 5xx is retried: ``attempts`` tries
    in all, waiting ``base_seconds`` after the first failure and twice as long after each
    next one, never more than ``max_wait_seconds``. Built from the settings in app.py
    (NEWSDESK_TELEGRAM_RETRY_BASE_SECONDS) and handed to whatever sends."""

    attempts: int = ATTEMPTS
    base_seconds: float = 0.5
    max_wait_seconds: float = 10.0

    def __post_init__(self) -> None:
        if self.attempts < 1 or self.base_seconds <= 0 or self.max_wait_seconds <= 0:
            raise ValueError(f"not a retry policy: {self}")

    def wait(self, failed: int) -> float:
        """Seconds to wait after the ``failed``-th failed attempt (1-based)."""
        return min(self.base_seconds * 2.0 ** (failed - 1), self.max_wait_seconds)

    @property
    def waits(self) -> tuple[float, ...]:
        """Every wait between the attempts, in order: (0.5, 1, 2, 4, 8) by default."""
        return tuple(self.wait(failed) for failed in range(1, self.attempts))


async def with_retries(call: Callable[[], Awaitable[T]], what: str, *,
                       retry: RetryPolicy) -> T:
    """Run ``call``; retry network errors (not bad requests, not flood waits) with backoff."""
    for attempt in range(1, retry.attempts + 1):
        try:
            return await call()
        except BadRequest:
            raise
        except NetworkError as exc:
            if attempt == retry.attempts:
                raise
            delay = retry.wait(attempt)
            log.warning("%s failed (%s); retry %d in %.1fs", what, exc, attempt, delay)
            await asyncio.sleep(delay)
    raise AssertionError("unreachable")


async def send_html(
    bot: Bot, chat_id: int, html: str, reply_to: int | None = None,
    markup: InlineKeyboardMarkup | None = None, *, retry: RetryPolicy,
    thread_id: int | None = None, paid_broadcast: bool = False, preview_url: str | None = None,
) -> Message | None:
    """Send ``html`` as one or more messages, in order, each under Telegram's limit.

    ``markup`` (inline buttons) goes under the last message, which is returned (None when
    ``html`` had nothing to send). ``thread_id``: a forum topic; ``paid_broadcast``: let
    Telegram bill messages beyond its free broadcast rate instead of refusing them.
    ``retry``: how each message is retried after a network error or a 5xx.
    """
    parts = split_message(html)
    sent: Message | None = None
    for number, part in enumerate(parts):
        sent = await with_retries(
            lambda part=part, number=number: bot.send_message(  # type: ignore[misc]
                chat_id=chat_id, text=part, parse_mode=ParseMode.HTML,
                link_preview_options=preview_options(preview_url if number == 0 else None),
                # a deleted question must not cost its answer
                reply_parameters=ReplyParameters(reply_to, allow_sending_without_reply=True)
                if reply_to is not None and number == 0 else None,
                reply_markup=markup if number == len(parts) - 1 else None,
                message_thread_id=thread_id,
                allow_paid_broadcast=True if paid_broadcast else None,
            ),
            f"sendMessage to {chat_id}", retry=retry,
        )
    return sent


def preview_options(url: str | None) -> LinkPreviewOptions:
    """A small preview of ``url`` below the text; none without a URL."""
    if url is None:
        return LinkPreviewOptions(is_disabled=True)
    return LinkPreviewOptions(url=url, prefer_small_media=True, show_above_text=False)


async def keep_typing(bot: Bot, chat_id: int, stop: asyncio.Event, after: float = 0.0,
                      room: Callable[[], bool] = lambda: True) -> None:
    """Show "typing…" from ``after`` seconds on until ``stop`` is set.

    An answer ready sooner costs no request: Telegram allows ~30 per second in all, and a
    chat action spent on every question halves the replies the bot can send. For the same
    reason a chat action is skipped while ``room()`` says replies need the budget. A failed
    chat action never fails the answer.
    """
    try:
        await asyncio.wait_for(stop.wait(), timeout=after)
        return
    except TimeoutError:
        pass
    while not stop.is_set():
        shown = room()
        if shown:
            try:
                await bot.send_chat_action(chat_id=chat_id, action=ChatAction.TYPING)
            except TelegramError as exc:
                log.debug("chat action failed: %s", exc)
        try:
            # Telegram shows the action for 5 s; a skipped one is tried again sooner
            await asyncio.wait_for(stop.wait(), timeout=4.5 if shown else 1.0)
        except TimeoutError:
            continue
