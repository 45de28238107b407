"""Admin commands, gated by a user filter: NEWSDESK_ADMIN_IDS only, refused to anyone else."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from html import escape

from telegram import Bot, BotCommand, BotCommandScopeChat, Update
from telegram.ext import CommandHandler, ContextTypes, filters

from bot.services.admin import AdminService
from bot.telegram.delivery import send_html
from bot.telegram.feature import Handlers
from core.models import day_of

ADMIN_COMMANDS = [BotCommand("status", "Articles, pending work, database (admins)")]
REFUSED = "That command is for newsdesk's admins."


def admin_filter(admin_ids: Sequence[int]) -> filters.User:
    """Messages from an admin (an empty list admits nobody)."""
    return filters.User(user_id=list(admin_ids), allow_empty=False)


class AdminHandlers:
    """/status for admins; the same commands from anyone else are refused."""

    def __init__(self, admin: AdminService, admin_ids: Sequence[int]) -> None:
        self._admin = admin
        self._admin_ids = list(admin_ids)

    def handlers(self) -> Handlers:
        """This feature's PTB handlers: the gated commands, then their refusals."""
        new = filters.UpdateType.MESSAGE
        names = [c.command for c in ADMIN_COMMANDS]
        return [
            CommandHandler("status", self.status, filters=new & admin_filter(self._admin_ids)),
            CommandHandler(names, self.refuse, filters=new),
        ]

    async def register_menus(self, bot: Bot, everyone: Sequence[BotCommand]) -> None:
        """Show the admin commands in admins' private menus only."""
        for admin_id in self._admin_ids:
            await bot.set_my_commands([*everyone, *ADMIN_COMMANDS],
                                      scope=BotCommandScopeChat(admin_id))

    async def status(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/status: counts, pending work and the database."""
        message = update.effective_message
        if message is None:
            return
        status = await asyncio.to_thread(self._admin.status)
        stats = status.stats
        lines = [
            "<b>newsdesk status</b>",
            f"articles: {stats.articles} from {stats.sources} outlets, {stats.chunks} chunks",
            f"pending: {stats.pending}" + (" (the next ingest indexes them)" if stats.pending
                                            else ""),
            f"database: {escape(status.database)} (schema {escape(status.schema_revision or '?')})",
        ]
        if stats.newest_title and stats.newest_published:
            lines.append(f"newest: {day_of(stats.newest_published)} — "
                         f"{escape(stats.newest_title)}")
        await send_html(context.bot, message.chat_id, "\n".join(lines))

    async def refuse(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Anyone else: a clear no."""
        if update.effective_message is not None:
            await send_html(context.bot, update.effective_message.chat_id, REFUSED)
