"""Browsing: /start, /help, /latest, /sources."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CommandHandler, ContextTypes, filters

from bot.services.browsing import BrowseService
from bot.services.questions import MAX_QUESTION_CHARS
from bot.telegram.callbacks import AskExample
from bot.telegram.delivery import RetryPolicy, send_html
from bot.telegram.feature import Handlers
from bot.telegram.render import headlines_html
from core.models import day_of
from core.wording import counted

HELP = (
    "<b>Ask me about the news.</b> I answer with short quotes from the articles I have read, "
    "each numbered and linked to its source.\n\n"
    "/ask <i>question</i> — ask a question (in private chats just type it)\n"
    "/latest [<i>topic</i>] — the newest headlines\n"
    "/sources — the outlets I follow\n"
    "/new — start a new conversation\n"
    "/help — this message\n\n"
    "<b>Alerts</b>\n"
    "/subscribe <i>topic</i> — an alert for each new story on it, e.g. /subscribe Nara summit; "
    "\"quoted phrases\" must appear, -word leaves stories out\n"
    "/subscriptions — your topics, with buttons to change or remove them\n"
    "/unsubscribe [<i>topic</i>] — stop a topic\n"
    "/digest HH:MM — when the daily digest comes (/digest now: at once)\n"
    "/quiet HH:MM-HH:MM — hold alerts overnight; /timezone Area/City — your time zone\n\n"
    "Follow-up questions such as “and the seafood ban?” stay on the story. In groups, mention "
    "me or reply to my message."
)
MAX_OUTLETS_SHOWN = 40


class BrowsingHandlers:
    """What the bot has read, without a question."""

    def __init__(self, browsing: BrowseService, *, retry: RetryPolicy,
                 admin_ids: Sequence[int] = ()) -> None:
        self._browsing = browsing
        self._retry = retry
        self._admin_ids = frozenset(admin_ids)

    def handlers(self) -> Handlers:
        """This feature's PTB handlers."""
        new = filters.UpdateType.MESSAGE
        return [
            CommandHandler("start", self.start, filters=new),
            CommandHandler("help", self.help, filters=new),
            CommandHandler("latest", self.latest, filters=new),
            CommandHandler("sources", self.sources, filters=new),
        ]

    async def start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/start: what the bot does, and three example questions from the news it has."""
        message = update.effective_message
        if message is None:
            return
        examples = await asyncio.to_thread(self._browsing.example_questions, 3)
        text = ("<b>Hi! I'm newsdesk.</b> I read the news and answer your questions with "
                "quotes from the articles, each linked to its source.\n\n")
        if examples:
            text += "Ask me anything, or tap one of the questions below to try."
            markup: InlineKeyboardMarkup | None = InlineKeyboardMarkup(
                [[InlineKeyboardButton(e.question, callback_data=AskExample(e.article_id).encode())]
                 for e in examples])
        else:
            user = update.effective_user
            text += ("I have not read any news yet: add a source with /addsource."
                     if user is not None and user.id in self._admin_ids
                     else "I have not read any news yet: please try again later.")
            markup = None
        text += "\n\nSend /help for more, or /latest for the newest headlines."
        await send_html(context.bot, message.chat_id, text, markup=markup, retry=self._retry)

    async def help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/help."""
        if update.effective_message is not None:
            await send_html(context.bot, update.effective_message.chat_id, HELP, retry=self._retry)

    async def latest(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/latest [topic]: the newest headlines with links."""
        message = update.effective_message
        if message is None:
            return
        topic = " ".join(context.args or [])[:MAX_QUESTION_CHARS]
        stories = await asyncio.to_thread(self._browsing.latest, topic)
        if not stories:
            text = "I have no news on that yet." if topic else "I have not read any news yet."
        else:
            text = headlines_html(f"Latest on {topic}" if topic else "Latest headlines", stories)
        await send_html(context.bot, message.chat_id, text, retry=self._retry)

    async def sources(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/sources: outlets with article counts."""
        message = update.effective_message
        if message is None:
            return
        rows = await asyncio.to_thread(self._browsing.outlets)
        if not rows:
            text = "I have not read any news yet."
        else:
            text = "<b>Outlets I follow</b>\n" + "\n".join(
                f"• {escape(row.name)} — {counted(row.articles, 'article')}"
                + (f", newest {day_of(row.newest)}" if row.newest else "")
                for row in rows[:MAX_OUTLETS_SHOWN]
            )
            if len(rows) > MAX_OUTLETS_SHOWN:  # biggest first: say the list goes on
                text += f"\n… and {counted(len(rows) - MAX_OUTLETS_SHOWN, 'more outlet')}"
        await send_html(context.bot, message.chat_id, text, retry=self._retry)
