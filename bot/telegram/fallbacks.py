"""What the bot says to everything else: stickers, unknown commands, and its own failures."""

from __future__ import annotations

import asyncio
import logging
import secrets
from html import escape

from telegram import Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import ContextTypes, MessageHandler, filters

from bot.services.browsing import BrowseService, hint_question
from bot.telegram.delivery import RetryPolicy, send_html
from bot.telegram.feature import Handlers

log = logging.getLogger(__name__)

NOT_TEXT = ("I can only read text. Ask me a question about the news, for example: "
            "<i>{example}</i>")
# a photo or file with a caption: the user did write, but not a message the bot reads
CAPTIONED = ("I can't read pictures or files, or their captions: send your question as a text "
             "message, for example: <i>{example}</i>")
UNKNOWN_COMMAND = "I don't know that command. Send /help to see what I can do."


def fallback_handlers(browsing: BrowseService | None = None, *,
                      retry: RetryPolicy) -> Handlers:
    """Handlers for what no feature took: registered last."""
    new = filters.UpdateType.MESSAGE

    async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A command the bot does not have (answered in private chats only)."""
        message = update.effective_message
        if message is not None and message.chat.type == ChatType.PRIVATE:
            await send_html(context.bot, message.chat_id, UNKNOWN_COMMAND, retry=retry)

    async def not_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Stickers, photos, voice and the like in a private chat: guidance."""
        message = update.effective_message
        if message is not None:
            example = await asyncio.to_thread(hint_question, browsing)
            reply = CAPTIONED if message.caption else NOT_TEXT
            await send_html(context.bot, message.chat_id,
                            reply.format(example=escape(example, quote=False)), retry=retry)

    return [
        MessageHandler(new & filters.COMMAND, unknown_command),
        # a pinned message, a new chat photo and the like are no message to answer
        MessageHandler(new & filters.ChatType.PRIVATE & ~filters.TEXT
                       & ~filters.StatusUpdate.ALL, not_text),
    ]


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log any failure with a short id and tell the user; the bot keeps running."""
    error_id = secrets.token_hex(4)
    log.error("update failed [error %s]", error_id, exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            await context.bot.send_message(
                update.effective_chat.id,
                f"Sorry, something went wrong on my side (error id {error_id}). "
                "Please try again in a moment.",
            )
        except TelegramError:
            log.warning("could not tell chat %s about error %s", update.effective_chat.id,
                        error_id)
