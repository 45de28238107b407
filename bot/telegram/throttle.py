"""Per-user throttling of questions: an early handler group that stops a flood politely."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ApplicationHandlerStop, ContextTypes, MessageHandler, filters

from bot.rate_limit import RateLimiter
from bot.telegram.addressing import QUESTIONS
from bot.telegram.delivery import RetryPolicy, send_html
from bot.telegram.feature import Handlers
from core.wording import counted

THROTTLE_GROUP = -1  # runs before every feature's handlers


def throttle_handlers(limiter: RateLimiter, *, retry: RetryPolicy) -> Handlers:
    """The handler that lets a question through, or answers "please wait" and stops it."""

    async def throttle(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None:
            return
        user = message.from_user.id if message.from_user else message.chat_id
        wait = limiter.try_acquire(str(user))
        if wait > 0:
            if limiter.notice_due(str(user), wait):  # a flood gets one notice, not one each
                await send_html(context.bot, message.chat_id, (
                    "You're asking faster than I can read — please wait "
                    f"{counted(max(1, round(wait)), 'second')} and ask again."), retry=retry)
            raise ApplicationHandlerStop

    return [MessageHandler(filters.UpdateType.MESSAGE & QUESTIONS, throttle)]
