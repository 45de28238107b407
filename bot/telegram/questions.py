"""Questions: /ask, private texts, group mentions and replies, /new; More under an answer."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from html import escape

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType, ParseMode
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes, MessageHandler, filters

from bot.services.browsing import BrowseService, hint_question
from bot.services.questions import MAX_QUESTION_CHARS, QuestionService
from bot.telegram import callbacks
from bot.telegram.addressing import QUESTIONS, without_mentions
from bot.telegram.callbacks import OUT_OF_DATE, AskExample, ShowMore
from bot.telegram.delivery import (
    RetryPolicy,
    keep_typing,
    preview_options,
    send_html,
    with_retries,
)
from bot.telegram.failures import UNREACHABLE
from bot.telegram.feature import Handlers
from bot.telegram.render import (
    TELEGRAM_LIMIT,
    answer_buttons,
    answer_html,
    fitted_answer_html,
    visible_length,
)
from core.errors import NewsdeskError
from retrieval.answer import Answer

log = logging.getLogger(__name__)

EMPTY = "Please ask a question, for example: <code>/ask {example}</code>"
TOO_LONG = (f"That message is too long for me to search. Please ask a shorter question (up to "
            f"{MAX_QUESTION_CHARS} characters).")
MORE_SHOWN = "Those quotes are already shown."
MORE_EXPIRED = "This button has expired: ask again to see more."
STORY_GONE = "I no longer have that story. Send /latest for the newest headlines."


class QuestionHandlers:
    """Parse the question, answer it off the event loop, reply with the cited answer."""

    def __init__(
        self, questions: QuestionService, typing_after: float = 1.0, answer_workers: int = 2,
        room: Callable[[], bool] = lambda: True, *, link_preview: bool = True,
        browsing: BrowseService | None = None, retry: RetryPolicy,
    ) -> None:
        self._questions = questions
        self._retry = retry
        self._browsing = browsing  # example questions drawn from the stored news
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
            CallbackQueryHandler(self.more, pattern=callbacks.pattern(ShowMore)),
            CallbackQueryHandler(self.ask_example, pattern=callbacks.pattern(AskExample)),
        ]

    async def ask_example(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """An example question under /start: ask it, as if the user had typed it."""
        query = update.callback_query
        if query is None or not isinstance(query.message, Message):
            return
        button = callbacks.decode(query.data)
        if not isinstance(button, AskExample):
            await query.answer(OUT_OF_DATE)
            return
        example = (await asyncio.to_thread(self._browsing.example_for, button.article_id)
                   if self._browsing is not None else None)
        if example is None:
            await query.answer(STORY_GONE, show_alert=True)
            return
        await query.answer()
        asked = escape(example.question, quote=False)
        await send_html(context.bot, query.message.chat_id, f"<i>{asked}</i>", retry=self._retry)
        await self._answer(query.message, example.question, context)

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
            await send_html(context.bot, message.chat_id, "Starting a new conversation.",
                            retry=self._retry)

    async def _answer(
        self, message: Message, question: str, context: ContextTypes.DEFAULT_TYPE
    ) -> None:
        chat_id = message.chat_id
        question = question.strip()
        if not question:
            example = await asyncio.to_thread(hint_question, self._browsing)
            hint = EMPTY.format(example=escape(example, quote=False))
            await send_html(context.bot, chat_id, hint, retry=self._retry)
            return
        if len(question) > MAX_QUESTION_CHARS:
            await send_html(context.bot, chat_id, TOO_LONG, retry=self._retry)
            return
        stop = asyncio.Event()
        typing = asyncio.create_task(
            keep_typing(context.bot, chat_id, stop, after=self._typing_after, room=self._room))
        self._in_flight[chat_id] = self._in_flight.get(chat_id, 0) + 1
        self._asked[chat_id] = ticket = self._asked.get(chat_id, 0) + 1
        try:
            async with self._answer_slots:
                answer = await asyncio.to_thread(self._questions.ask, str(chat_id), question)
            # In a group, or when this chat's questions overlapped (one was pending when this
            # came, or came since), the answer says which question it answers.
            crowded = (message.chat.type != ChatType.PRIVATE or ticket > 1
                       or self._asked[chat_id] != ticket)
        except NewsdeskError as exc:
            log.warning("question failed: %s", exc)
            await send_html(context.bot, chat_id, UNREACHABLE, retry=self._retry)
            return
        finally:
            self._in_flight[chat_id] -= 1
            if not self._in_flight[chat_id]:
                del self._in_flight[chat_id], self._asked[chat_id]
            stop.set()
            await typing
        html = answer_html(answer)
        token = None
        if answer.more and visible_length(html) <= TELEGRAM_LIMIT:  # More edits one message
            user = message.from_user.id if message.from_user else 0
            try:
                token = await asyncio.to_thread(self._questions.offer_more, chat_id, user, answer)
            except NewsdeskError as exc:  # the answer goes out all the same, without More
                log.warning("could not keep the further quotes: %s", exc)
        await send_html(context.bot, chat_id, html,
                        reply_to=message.message_id if crowded else None,
                        preview_url=self._preview(answer), markup=answer_buttons(answer, token),
                        retry=self._retry)

    async def more(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """More under an answer: edit it to add the further quotes (anyone in the chat, once)."""
        query = update.callback_query
        if query is None or query.message is None:
            return
        button = callbacks.decode(query.data)
        if not isinstance(button, ShowMore):
            await query.answer(OUT_OF_DATE)
            return
        message = query.message
        try:
            taken = await asyncio.to_thread(self._questions.take_more, message.chat.id,
                                            button.token)
        except NewsdeskError as exc:
            log.warning("More failed: %s", exc)
            await query.answer(UNREACHABLE, show_alert=True)
            return
        if taken == "used":
            await query.answer(MORE_SHOWN)
            return
        if taken == "expired":
            await query.answer(MORE_EXPIRED, show_alert=True)
            if isinstance(message, Message) and message.reply_markup is not None:
                await query.edit_message_reply_markup(_without(message.reply_markup, button))
            return
        await query.answer()
        await with_retries(lambda: query.edit_message_text(
            fitted_answer_html(taken), parse_mode=ParseMode.HTML,
            link_preview_options=preview_options(self._preview(taken)),
            reply_markup=answer_buttons(taken, None)), f"editMessageText in {message.chat.id}",
            retry=self._retry)

    def _preview(self, answer: Answer) -> str | None:
        """The lead article's link, previewed when the setting allows."""
        lead = answer.citations[0].ref.url if answer.found and answer.citations else ""
        return lead if self._link_preview and lead.startswith(("http://", "https://")) else None


def _without(markup: InlineKeyboardMarkup, button: ShowMore) -> InlineKeyboardMarkup | None:
    """The message's buttons but this one."""
    data = button.encode()
    rows = [[b for b in row if b.callback_data != data] for row in markup.inline_keyboard]
    kept = [row for row in rows if row]
    return InlineKeyboardMarkup(kept) if kept else None
