"""Questions: /ask, private texts, group mentions and replies, /new."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from telegram import Message, Update
from telegram.constants import ChatType
from telegram.ext import CommandHandler, ContextTypes, MessageHandler, filters

from bot.services.questions import MAX_QUESTION_CHARS, QuestionService
from bot.telegram.addressing import QUESTIONS, without_mentions
from bot.telegram.delivery import keep_typing, send_html
from bot.telegram.feature import Handlers
from bot.telegram.render import answer_html
from core.errors import NewsdeskError

log = logging.getLogger(__name__)

EMPTY = "Please ask a question, for example: <code>/ask What is on the Nara summit agenda?</code>"
TOO_LONG = (f"That message is too long for me to search. Please ask a shorter question (up to "
            f"{MAX_QUESTION_CHARS} characters).")
UNAVAILABLE = "Sorry, I can't search the news right now. Please try again later."


class QuestionHandlers:
    """Parse the question, answer it off the event loop, reply with the cited answer."""

    def __init__(
        self, questions: QuestionService, typing_after: float = 1.0, answer_workers: int = 2,
        room: Callable[[], bool] = lambda: True, *, link_preview: bool = True,
    ) -> None:
        self._questions = questions
        self._link_preview = link_preview
        self._in_flight: dict[int, int] = {}  # questions being answered, per chat
        self._asked: dict[int, int] = {}  # questions asked while some were in flight, per chat
        self._typing_after = typing_after
        self._room = room  # whether the request budget has room for a "typing…"
        # Updates are handled concurrently so commands and buttons never wait behind a search,
        # but answers are CPU-bound: more at once than cores only adds thread switching.
        self._answer_slots = asyncio.Semaphore(answer_workers)

    def handlers(self) -> Handlers:
        """This feature's PTB handlers."""
        new = filters.UpdateType.MESSAGE
        return [
            CommandHandler("ask", self.ask_command, filters=new),
            CommandHandler("new", self.new_conversation, filters=new),
            MessageHandler(new & filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND,
                           self.private_text),
            # QUESTIONS: in groups, only messages that mention or reply to the bot
            MessageHandler(new & filters.ChatType.GROUPS & QUESTIONS & ~filters.COMMAND,
                           self.group_text),
        ]

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
        """In groups: a message that mentions or replies to the bot (the filter checks)."""
        message = update.effective_message
        if message is not None and message.text is not None:
            await self._answer(message, without_mentions(message), context)

    async def new_conversation(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/new: forget the conversation so far."""
        message = update.effective_message
        if message is not None:
            await asyncio.to_thread(self._questions.forget, str(message.chat_id))
            await send_html(context.bot, message.chat_id, "Starting a new conversation.")

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
        stop = asyncio.Event()
        typing = asyncio.create_task(
            keep_typing(context.bot, chat_id, stop, after=self._typing_after, room=self._room))
        self._in_flight[chat_id] = self._in_flight.get(chat_id, 0) + 1
        self._asked[chat_id] = ticket = self._asked.get(chat_id, 0) + 1
        try:
            async with self._answer_slots:
                answer = await asyncio.to_thread(self._questions.ask, str(chat_id), question)
            # In a group, or when this chat's questions overlapped, the answer says which
            # question it answers.
            crowded = (message.chat.type != ChatType.PRIVATE or ticket > 1
                       or self._in_flight[chat_id] > 1 or self._asked[chat_id] != ticket)
        except NewsdeskError as exc:
            log.warning("question failed: %s", exc)
            await send_html(context.bot, chat_id, UNAVAILABLE)
            return
        finally:
            self._in_flight[chat_id] -= 1
            if not self._in_flight[chat_id]:
                del self._in_flight[chat_id], self._asked[chat_id]
            stop.set()
            await typing
        lead = answer.citations[0].ref.url if answer.found and answer.citations else ""
        preview = lead if self._link_preview and lead.startswith(("http://", "https://")) else None
        await send_html(context.bot, chat_id, answer_html(answer),
                        reply_to=message.message_id if crowded else None, preview_url=preview)
