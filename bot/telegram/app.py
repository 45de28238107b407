"""Building and running the PTB Application: the composition of the Telegram transport."""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from telegram import BotCommand, Update
from telegram.error import InvalidToken
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.container import Container
from bot.rate_limit import RateLimiter
from bot.settings import Settings
from bot.telegram.handlers import NewsBot, on_error
from ingest.errors import ConfigError

log = logging.getLogger(__name__)

COMMANDS = [
    BotCommand("ask", "Ask a question about the news"),
    BotCommand("latest", "Newest headlines, optionally on a topic"),
    BotCommand("sources", "The outlets I follow"),
    BotCommand("new", "Start a new conversation"),
    BotCommand("help", "What I can do"),
]
WEBHOOK_PATH = "telegram"


def build_application(
    settings: Settings, container: Container, concurrent: bool = True
) -> Application[Any, Any, Any, Any, Any, Any]:
    """The bot, wired to the container's service; ``concurrent=False`` is the bench baseline."""
    if not settings.telegram_token:
        raise ConfigError(
            "NEWSDESK_TELEGRAM_TOKEN is not set: create a bot with @BotFather and put its token "
            "in .env (see README)"
        )
    app = (
        ApplicationBuilder()
        .token(settings.telegram_token)
        .base_url(settings.telegram_api_url)
        .concurrent_updates(64 if concurrent else False)
        .rate_limiter(AIORateLimiter(max_retries=8))
        .connection_pool_size(64)
        .pool_timeout(30)
        .post_init(_register_commands)
        .build()
    )
    news = NewsBot(container.service, RateLimiter(settings.rate_limit_per_minute))
    only_new = filters.UpdateType.MESSAGE
    app.add_handler(CommandHandler("start", news.start, filters=only_new))
    app.add_handler(CommandHandler("help", news.help, filters=only_new))
    app.add_handler(CommandHandler("ask", news.ask_command, filters=only_new))
    app.add_handler(CommandHandler("latest", news.latest, filters=only_new))
    app.add_handler(CommandHandler("sources", news.sources, filters=only_new))
    app.add_handler(CommandHandler("new", news.new_conversation, filters=only_new))
    app.add_handler(MessageHandler(only_new & filters.COMMAND, news.unknown_command))
    private = only_new & filters.ChatType.PRIVATE
    app.add_handler(MessageHandler(private & filters.TEXT, news.private_text))
    app.add_handler(MessageHandler(private & ~filters.TEXT, news.not_text))
    app.add_handler(MessageHandler(only_new & filters.ChatType.GROUPS & filters.TEXT,
                                   news.group_text))
    app.add_error_handler(on_error)
    return app


async def _register_commands(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    await app.bot.set_my_commands(COMMANDS)


def webhook_secret(settings: Settings) -> str:
    """The secret Telegram must send with every webhook update."""
    if settings.webhook_secret:
        return settings.webhook_secret
    return hashlib.sha256(f"newsdesk:{settings.telegram_token}".encode()).hexdigest()[:48]


def run_bot(settings: Settings, container: Container) -> None:
    """Run until stopped: long polling, or a webhook server when NEWSDESK_WEBHOOK_URL is set."""
    app = build_application(settings, container)
    _ = container.embedder.model  # load the model before the first question, not during it
    try:
        if settings.webhook_url:
            log.info("webhook mode: listening on %s:%d", settings.webhook_listen,
                     settings.webhook_port)
            app.run_webhook(
                listen=settings.webhook_listen, port=settings.webhook_port,
                url_path=WEBHOOK_PATH, webhook_url=settings.webhook_url.rstrip("/"),
                secret_token=webhook_secret(settings), allowed_updates=Update.ALL_TYPES,
            )
        else:
            log.info("polling for updates")
            app.run_polling(allowed_updates=Update.ALL_TYPES)
    except InvalidToken as exc:
        raise ConfigError(f"Telegram rejected the bot token: {exc}") from exc
