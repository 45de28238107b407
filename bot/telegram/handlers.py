"""Thin handlers: parse the update, call the service off the event loop, reply in HTML."""

from __future__ import annotations

import asyncio
import logging
import secrets
from html import escape

from telegram import Message, MessageEntity, Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.rate_limit import RateLimiter
from bot.service import MAX_QUESTION_CHARS, NewsService
from bot.telegram.delivery import keep_typing, send_html
from bot.telegram.render import answer_html, headlines_html
from ingest.errors import NewsdeskError

log = logging.getLogger(__name__)

HELP = (
    "<b>Ask me about the news.</b> I answer with short quotes from the articles I have read, "
    "each numbered and linked to its source.\n\n"
    "/ask <i>question</i> — ask a question (in private chats just type it)\n"
    "/latest [<i>topic</i>] — the newest headlines\n"
    "/sources — the outlets I follow\n"
    "/new — start a new conversation\n"
    "/help — this message\n\n"
    "Follow-up questions such as “and the seafood ban?” stay on the story. In groups, mention "
    "me or reply to my message."
)
NOT_TEXT = ("I can only read text. Ask me a question about the news, for example: "
            "<i>What is on the Nara summit agenda?</i>")
EMPTY = "Please ask a question, for example: <code>/ask What is on the Nara summit agenda?</code>"
TOO_LONG = (f"That message is too long for me to search. Please ask a shorter question (up to "
            f"{MAX_QUESTION_CHARS} characters).")
UNKNOWN_COMMAND = "I don't know that command. Send /help to see what I can do."


class NewsBot:
    """The bot's behaviour; PTB handlers are its bound methods (see app.py)."""

    def __init__(self, service: NewsService, limiter: RateLimiter) -> None:
        self._service = service
        self._limiter = limiter

    async def start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/start: what the bot does, and three example questions from the news it has."""
        message = update.effective_message
        if message is None:
            return
        examples = await asyncio.to_thread(self._service.example_questions, 3)
        text = ("<b>Hi! I'm newsdesk.</b> I read the news and answer your questions with "
                "quotes from the articles, each linked to its source.\n\nTry asking:\n"
                + "\n".join(f"• {escape(q)}" for q in examples) + "\n\nSend /help for more.")
        await send_html(context.bot, message.chat_id, text)

    async def help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/help."""
        if update.effective_message is not None:
            await send_html(context.bot, update.effective_message.chat_id, HELP)

    async def ask_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/ask QUESTION (works in groups too)."""
        message = update.effective_message
        if message is not None:
            await self._answer(message, " ".join(context.args or []), context)

    async def private_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Any text in a private chat is a question."""
        message = update.effective_message
        if message is not None and message.text is not None:
            await self._answer(message, message.text, context)

    async def group_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """In groups: answer only when mentioned or replied to."""
        message = update.effective_message
        if message is None or message.text is None:
            return
        username = (context.bot.username or "").lower()
        mentioned = any(
            entity.type == MessageEntity.MENTION
            and message.parse_entity(entity).lower() == f"@{username}"
            for entity in message.entities
        )
        replied = bool(message.reply_to_message and message.reply_to_message.from_user
                       and message.reply_to_message.from_user.id == context.bot.id)
        if not (mentioned or replied):
            return
        question = message.text
        for entity in message.entities:
            if entity.type == MessageEntity.MENTION:
                question = question.replace(message.parse_entity(entity), " ")
        await self._answer(message, question, context)

    async def latest(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/latest [topic]: the newest headlines with links."""
        message = update.effective_message
        if message is None:
            return
        topic = " ".join(context.args or [])[:MAX_QUESTION_CHARS]
        stories = await asyncio.to_thread(self._service.latest, topic)
        if not stories:
            text = "I have no news on that yet." if topic else "I have not read any news yet."
        else:
            text = headlines_html(f"Latest on {topic}" if topic else "Latest headlines", stories)
        await send_html(context.bot, message.chat_id, text)

    async def sources(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/sources: outlets with article counts."""
        message = update.effective_message
        if message is None:
            return
        rows = await asyncio.to_thread(self._service.sources)
        if not rows:
            text = "I have not read any news yet."
        else:
            text = "<b>Outlets I follow</b>\n" + "\n".join(
                f"• {escape(name)} — {count} article{'s' if count != 1 else ''}"
                + (f", newest {newest}" if newest else "")
                for name, count, newest in rows[:40]
            )
        await send_html(context.bot, message.chat_id, text)

    async def new_conversation(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/new: forget the conversation so far."""
        message = update.effective_message
        if message is not None:
            await asyncio.to_thread(self._service.forget, str(message.chat_id))
            await send_html(context.bot, message.chat_id, "Starting a new conversation.")

    async def not_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Stickers, photos, voice and the like in a private chat: guidance."""
        if update.effective_message is not None:
            await send_html(context.bot, update.effective_message.chat_id, NOT_TEXT)

    async def unknown_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A command the bot does not have."""
        message = update.effective_message
        if message is not None and message.chat.type == ChatType.PRIVATE:
            await send_html(context.bot, message.chat_id, UNKNOWN_COMMAND)

    async def _answer(
        self, message: Message, question: str, context: ContextTypes.DEFAULT_TYPE
    ) -> None:
        chat_id = message.chat_id
        question = question.strip()
        if not question:
            await send_html(context.bot, chat_id, EMPTY)
            return
        if len(question) > MAX_QUESTION_CHARS:
            await send_html(context.bot, chat_id, TOO_LONG)
            return
        user_id = message.from_user.id if message.from_user else chat_id
        wait = self._limiter.try_acquire(str(user_id))
        if wait > 0:
            await send_html(context.bot, chat_id, (
                f"You're asking faster than I can read — please wait {max(1, round(wait))} "
                "seconds and ask again."))
            return
        stop = asyncio.Event()
        typing = asyncio.create_task(keep_typing(context.bot, chat_id, stop))
        try:
            answer = await asyncio.to_thread(self._service.ask, str(chat_id), question)
        except NewsdeskError as exc:
            log.warning("question failed: %s", exc)
            await send_html(context.bot, chat_id,
                            "Sorry, I can't search the news right now. Please try again later.")
            return
        finally:
            stop.set()
            await typing
        reply_to = message.message_id if message.chat.type != ChatType.PRIVATE else None
        await send_html(context.bot, chat_id, answer_html(answer), reply_to=reply_to)


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
