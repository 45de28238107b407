"""Admin commands, gated by a user filter: NEWSDESK_ADMIN_IDS only, refused to anyone else.

Every admin command from anyone else gets a short refusal and a log line, in private chats and
groups alike. /sources is everyone's command: admins get every source with its health.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from html import escape

from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    Update,
)
from telegram.constants import ChatType, ParseMode
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes, filters

from bot.services.admin import AdminService
from bot.telegram import callbacks
from bot.telegram.admin_text import (
    preview_html,
    progress_html,
    progress_line,
    sources_html,
    status_html,
    summary_html,
)
from bot.telegram.callbacks import OUT_OF_DATE, Confirm, ConfirmKind
from bot.telegram.delivery import RetryPolicy, send_html, with_retries
from bot.telegram.feature import Handlers
from bot.telegram.render import TELEGRAM_LIMIT, visible_length
from core.errors import NewsdeskError
from core.models import Article, Source

log = logging.getLogger(__name__)

ADMIN_COMMANDS = [
    BotCommand("status", "Articles, sources, schedule (admins)"),
    BotCommand("reingest", "Ingest every source now, or one: /reingest NAME (admins)"),
    BotCommand("addsource", "Add a feed: /addsource URL [name] (admins)"),
    BotCommand("removesource", "Remove a source: /removesource NAME (admins)"),
    BotCommand("pause", "Pause a source: /pause NAME (admins)"),
    BotCommand("resume", "Resume a source: /resume NAME (admins)"),
    BotCommand("forget", "Remove an article everywhere: /forget URL (admins)"),
]
REFUSED = "That command is for newsdesk's admins."
EDIT_SECONDS = 2.0  # at most one progress edit this often
USED = "This confirmation was already used."
PRIVATE_ONLY = "/status shows the database and its counts: send it to me in a private chat."


class AdminHandlers:
    """Status, sources and re-ingest for admins; the same commands from anyone else refused."""

    def __init__(self, admin: AdminService, admin_ids: Sequence[int], *,
                 retry: RetryPolicy) -> None:
        self._admin = admin
        self._admin_ids = list(admin_ids)
        self._retry = retry

    def handlers(self) -> Handlers:
        """This feature's PTB handlers: the gated commands, then their refusals."""
        new = filters.UpdateType.MESSAGE
        admins = new & filters.User(user_id=self._admin_ids, allow_empty=False)
        gated = {
            "status": self.status, "reingest": self.reingest, "addsource": self.add_source,
            "removesource": self.remove_source, "pause": self.pause, "resume": self.resume,
            "forget": self.forget,
        }
        return [
            *(CommandHandler(name, callback, filters=admins) for name, callback in gated.items()),
            CommandHandler("sources", self.sources, filters=admins),  # others: browsing's
            CommandHandler(list(gated), self.refuse, filters=new),
            CallbackQueryHandler(self.confirm, pattern=callbacks.pattern(Confirm)),
        ]

    async def register_menus(self, bot: Bot, everyone: Sequence[BotCommand]) -> None:
        """Show the admin commands in admins' private menus only."""
        for admin_id in self._admin_ids:
            await bot.set_my_commands([*everyone, *ADMIN_COMMANDS],
                                      scope=BotCommandScopeChat(admin_id))

    async def status(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/status: counts, sources, schedule and the database; in a private chat only."""
        if (message := update.effective_message) is None:
            return
        if message.chat.type != ChatType.PRIVATE:  # the database URL is not for every member
            await send_html(context.bot, message.chat_id, PRIVATE_ONLY,
                            thread_id=message.message_thread_id, retry=self._retry)
            return
        status = await asyncio.to_thread(self._admin.status)
        await send_html(context.bot, message.chat_id, status_html(status), retry=self._retry)

    async def sources(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/sources for admins: every source with its health."""
        if (message := update.effective_message) is None:
            return

        def listing() -> str:
            sources = self._admin.sources()
            return sources_html(sources, {s.id: self._admin.interval_of(s) for s in sources})

        await send_html(context.bot, message.chat_id, await asyncio.to_thread(listing),
                        retry=self._retry)

    async def reingest(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/reingest [NAME]: ingest now, in the background, with one progress message."""
        message = update.effective_message
        if message is None:
            return
        names = [" ".join(context.args)] if context.args else []
        try:
            for name in names:
                await asyncio.to_thread(self._admin.check_source, name)
        except NewsdeskError as exc:
            await send_html(context.bot, message.chat_id, escape(str(exc), quote=False),
                            retry=self._retry)
            return
        who = f"/reingest by {update.effective_user.id if update.effective_user else '?'}"
        if not self._admin.begin_reingest(who):
            running = self._admin.running()
            await send_html(context.bot, message.chat_id, "An ingest is already running: "
                            + (progress_line(running) if running else "it is finishing."),
                            retry=self._retry)
            return
        try:
            sent = await self._announce(context.bot, message.chat_id, "⏳ Starting the ingest…")
        except BaseException:
            self._admin.abandon_reingest()
            raise
        context.application.create_task(
            self._run_reingest(context.bot, message.chat_id, sent, who, names), update=update)

    async def _run_reingest(self, bot: Bot, chat_id: int, sent: Message | None, who: str,
                            names: list[str]) -> None:
        # Telegram failing to take a progress edit or the summary costs that message only:
        # the ingest runs to its end and records every source's health all the same.
        work = asyncio.ensure_future(asyncio.to_thread(self._admin.reingest, who, names))
        shown = (sent.text_html or "") if sent is not None else ""
        while not work.done():
            await asyncio.wait({work}, timeout=EDIT_SECONDS)
            progress = self._admin.running()
            if sent is not None and progress is not None and not work.done():
                text = progress_html(progress)
                if text != shown and await self._show(bot, chat_id, sent, text):
                    shown = text
        try:
            run = work.result()
        except NewsdeskError as exc:
            failed = "❌ The ingest failed: " + escape(str(exc), quote=False)
            await self._show(bot, chat_id, sent, failed)
            return
        assert run is not None  # claimed with begin_reingest
        summary = summary_html(run)
        if visible_length(summary) <= TELEGRAM_LIMIT:
            await self._show(bot, chat_id, sent, summary)
        elif await self._show(bot, chat_id, sent, "✅ Ingest done; the summary follows."):
            await self._announce(bot, chat_id, summary)

    async def add_source(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/addsource URL [name]: a dry run first, then Add / Cancel buttons."""
        message = update.effective_message
        if message is None:
            return
        if not context.args:
            await send_html(context.bot, message.chat_id,
                            "Usage: /addsource <i>URL</i> [<i>name</i>]", retry=self._retry)
            return
        url, name = context.args[0], " ".join(context.args[1:])
        try:
            preview = await asyncio.to_thread(self._admin.preview, url)
        except NewsdeskError as exc:
            await send_html(context.bot, message.chat_id,
                            "I could not use that source: " + escape(str(exc), quote=False),
                            retry=self._retry)
            return
        token = await asyncio.to_thread(self._admin.ask_to_add, url, name, message.chat_id,
                                        _user_id(update))
        await send_html(context.bot, message.chat_id, preview_html(preview, name),
                        markup=_confirm_buttons("addsource", token, "Add"), retry=self._retry)

    async def forget(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/forget URL: show the article, then Forget / Cancel buttons."""
        message = update.effective_message
        if message is None:
            return
        if not context.args:
            await send_html(context.bot, message.chat_id, "Usage: /forget <i>URL</i>",
                            retry=self._retry)
            return
        url = context.args[0]
        try:
            article = await asyncio.to_thread(self._admin.article_at, url)
        except NewsdeskError as exc:
            await send_html(context.bot, message.chat_id, escape(str(exc), quote=False),
                            retry=self._retry)
            return
        text = (f"Forget <b>{escape(article.title)}</b> ({escape(article.source)})?\n"
                "It is removed from the database and both search indexes, and no later "
                "ingest stores it again.")
        token = await asyncio.to_thread(self._admin.ask_to_forget, url, message.chat_id,
                                        _user_id(update))
        await send_html(context.bot, message.chat_id, text,
                        markup=_confirm_buttons("forget", token, "Forget"), retry=self._retry)

    async def confirm(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The confirm / cancel buttons of /addsource and /forget (admins only)."""
        query = update.callback_query
        if query is None or query.data is None:
            return
        if query.from_user.id not in self._admin_ids:
            log.info("refused an admin button from user %s", query.from_user.id)
            await query.answer(REFUSED, show_alert=True)
            return
        button = callbacks.decode(query.data)
        if not isinstance(button, Confirm) or query.message is None:
            await query.answer(OUT_OF_DATE)
            return
        taken = await asyncio.to_thread(self._admin.take_confirmation, button.kind,
                                        button.token, query.message.chat.id)
        if taken == "used":
            await query.answer(USED, show_alert=True)
            return
        if taken == "expired":
            expired = f"This confirmation has expired; send /{button.kind} again."
            await query.answer(expired, show_alert=True)
            await query.edit_message_text(expired)
            return
        await query.answer()
        if not button.yes:
            await query.edit_message_text("Cancelled: nothing was changed.")
            return
        try:
            done = await asyncio.to_thread(self._admin.carry_out, taken)
        except NewsdeskError as exc:
            await query.edit_message_text(f"That did not work: {exc}")
            return
        await query.edit_message_text(_done(done, scheduling=self._admin.scheduling))

    async def remove_source(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/removesource NAME."""
        await self._by_name(update, context, "removesource", self._admin.remove,
                            "Removed {}. Its articles stay searchable.")

    async def pause(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/pause NAME."""
        await self._by_name(update, context, "pause", self._admin.pause,
                            "Paused {}. /resume it when you want it back.")

    async def resume(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/resume NAME."""
        await self._by_name(update, context, "resume", self._admin.resume,
                            "Resumed {}. It is due now.")

    async def _by_name(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, command: str,
        action: Callable[[str], Source], done: str,
    ) -> None:
        message = update.effective_message
        if message is None:
            return
        name = " ".join(context.args or [])
        if not name:
            await send_html(context.bot, message.chat_id, f"Usage: /{command} <i>NAME</i> "
                            "(see /sources)", retry=self._retry)
            return
        try:
            source = await asyncio.to_thread(action, name)
        except NewsdeskError as exc:
            await send_html(context.bot, message.chat_id,
                            escape(f"{exc} (see /sources)", quote=False), retry=self._retry)
            return
        await send_html(context.bot, message.chat_id,
                        done.format(f"<b>{escape(source.name)}</b>"), retry=self._retry)

    async def refuse(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Anyone else: a clear no, and a log line."""
        message = update.effective_message
        if message is None:
            return
        user = update.effective_user
        log.info("refused %s from user %s in chat %s", (message.text or "").split(" ", 1)[0],
                 user.id if user else "?", message.chat_id)
        await send_html(context.bot, message.chat_id, REFUSED, retry=self._retry)

    async def _announce(self, bot: Bot, chat_id: int, html: str) -> Message | None:
        """Send ``html``; None when Telegram would not take it (logged, never raised)."""
        try:
            return await send_html(bot, chat_id, html, retry=self._retry)
        except TelegramError as exc:
            log.warning("could not tell chat %s (%s): %s", chat_id, exc, html[:80])
            return None

    async def _show(self, bot: Bot, chat_id: int, sent: Message | None, html: str) -> bool:
        """Edit ``sent`` to ``html`` (send it anew without one); False when Telegram refused."""
        if sent is None:
            return await self._announce(bot, chat_id, html) is not None
        try:
            await self._edit(bot, sent, html)
        except TelegramError as exc:
            log.warning("could not edit message %s in chat %s: %s", sent.message_id, chat_id, exc)
            return False
        return True

    async def _edit(self, bot: Bot, sent: Message, html: str) -> None:
        await with_retries(
            lambda: bot.edit_message_text(html, chat_id=sent.chat_id, message_id=sent.message_id,
                                          parse_mode=ParseMode.HTML,
                                          link_preview_options=LinkPreviewOptions(is_disabled=True)),
            f"editMessageText in {sent.chat_id}", retry=self._retry,
        )


def _confirm_buttons(kind: ConfirmKind, token: str, verb: str) -> InlineKeyboardMarkup:
    """Confirm / Cancel for the confirmation kept under ``token``."""
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(verb, callback_data=Confirm(kind, token, yes=True).encode()),
        InlineKeyboardButton("Cancel", callback_data=Confirm(kind, token, yes=False).encode()),
    ]])


def _done(done: Source | Article, *, scheduling: bool) -> str:
    """What a confirmed /addsource or /forget did."""
    if isinstance(done, Article):
        return f"Forgot “{done.title}”: it is gone from the database and the indexes."
    if not scheduling:  # NEWSDESK_INGEST_INTERVAL_MINUTES=0: nothing ingests it by itself
        return f"Added {done.name}. Send /reingest {done.name} to ingest it now."
    return (f"Added {done.name}. It is due now: the scheduler ingests it within a minute, or "
            f"send /reingest {done.name} to ingest it at once.")


def _user_id(update: Update) -> int:
    return update.effective_user.id if update.effective_user else 0

