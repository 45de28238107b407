"""Building and running the PTB Application: the composition of the Telegram transport."""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from telegram import BotCommand, Update
from telegram.error import InvalidToken
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder

from bot.container import Container
from bot.rate_limit import RateLimiter
from bot.settings import Settings
from bot.telegram.admin import AdminHandlers
from bot.telegram.alerts import AlertDelivery
from bot.telegram.browsing import BrowsingHandlers
from bot.telegram.delivery import RetryPolicy
from bot.telegram.fallbacks import fallback_handlers, on_error
from bot.telegram.feature import Feature
from bot.telegram.questions import QuestionHandlers
from bot.telegram.request_meter import MeteredRateLimiter, RequestMeter
from bot.telegram.retention import ScheduledPrune
from bot.telegram.scheduling import ScheduledIngest
from bot.telegram.subscriptions import SubscriptionHandlers
from bot.telegram.throttle import THROTTLE_GROUP, throttle_handlers
from core.errors import ConfigError

log = logging.getLogger(__name__)

# What Telegram shows on the bot's profile and in the empty chat before /start.
DESCRIPTION = ("Ask me about the news. I answer with short quotes from the articles I have "
               "read, each numbered and linked to its source, and I can alert you when new "
               "stories on your topics come in.")
SHORT_DESCRIPTION = "News answers with linked quotes, and alerts on your topics."

COMMANDS = [
    BotCommand("ask", "Ask a question about the news"),
    BotCommand("latest", "Newest headlines, optionally on a topic"),
    BotCommand("sources", "The outlets I follow"),
    BotCommand("new", "Start a new conversation"),
    BotCommand("subscribe", "Alerts on a topic: /subscribe Nara summit"),
    BotCommand("subscriptions", "The topics this chat follows"),
    BotCommand("unsubscribe", "Stop a topic's alerts"),
    BotCommand("digest", "Daily digest time: /digest 08:00, or /digest now"),
    BotCommand("quiet", "Quiet hours: /quiet 22:00-07:00"),
    BotCommand("timezone", "Your time zone: /timezone Europe/Berlin"),
    BotCommand("help", "What I can do"),
]
WEBHOOK_PATH = "telegram"
# PTB's AIORateLimiter owns flood control: it paces requests under Telegram's limits and, on a
# 429, waits out retry_after and retries, up to this many times per request. The meter around
# it lets "typing…" give way to replies when the budget is tight.
FLOOD_RETRIES = 10


def retry_policy(settings: Settings) -> RetryPolicy:
    """How everything that sends retries a network error or a 5xx (not a 429: see above)."""
    return RetryPolicy(base_seconds=settings.telegram_retry_base_seconds)


def build_application(
    settings: Settings, container: Container, concurrent: bool = True
) -> Application[Any, Any, Any, Any, Any, Any]:
    """The bot, wired to the container's services; ``concurrent=False`` is the bench baseline."""
    token = settings.telegram_token.get_secret_value()
    if not token:
        raise ConfigError(
            "NEWSDESK_TELEGRAM_TOKEN is not set: create a bot with @BotFather and put its token "
            "in .env (see README)"
        )
    retry = retry_policy(settings)
    admin = AdminHandlers(container.admin, settings.admin_ids, retry=retry)
    scheduled = ScheduledIngest(
        container.ingest_runner, settings.admin_ids,
        enabled=settings.ingest_interval_minutes > 0,
        tick_seconds=settings.scheduler_tick_seconds, retry=retry,
    )

    async def register_commands(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        await app.bot.set_my_commands(COMMANDS)
        await app.bot.set_my_description(DESCRIPTION)
        await app.bot.set_my_short_description(SHORT_DESCRIPTION)
        await admin.register_menus(app.bot, COMMANDS)

    meter = RequestMeter()
    app = (
        ApplicationBuilder()
        .token(token)
        .base_url(settings.telegram_api_url)
        .concurrent_updates(64 if concurrent else False)
        .rate_limiter(MeteredRateLimiter(AIORateLimiter(max_retries=FLOOD_RETRIES), meter))
        .connection_pool_size(64)
        .pool_timeout(30)
        .post_init(register_commands)
        .post_shutdown(scheduled.shutdown)
        .build()
    )
    scheduled.install(app)
    ScheduledPrune(container.retention, container.ingest_runner,
                   days=settings.retention_days).install(app)
    delivery = AlertDelivery(container.alerts, container.ingest_runner,
                             tick_seconds=settings.alert_tick_seconds, retry=retry,
                             senders=settings.alert_senders,
                             paid_broadcast=settings.paid_broadcast)
    delivery.install(app)
    app.add_handlers(throttle_handlers(RateLimiter(settings.rate_limit_per_minute), retry=retry),
                     group=THROTTLE_GROUP)
    # admin before browsing: an admin's /sources shows the sources' health
    questions = QuestionHandlers(container.questions, settings.typing_after_seconds,
                                 settings.answer_workers, meter.has_room,
                                 link_preview=settings.answer_link_preview,
                                 browsing=container.browsing, retry=retry)
    subscriptions = SubscriptionHandlers(container.subscriptions, container.alerts,
                                         container.questions, delivery.digest_now, retry=retry)
    features: list[Feature] = [questions, admin, subscriptions,
                               BrowsingHandlers(container.browsing, retry=retry,
                                                admin_ids=settings.admin_ids)]
    for feature in features:
        app.add_handlers(feature.handlers())
    # last: what no feature took
    app.add_handlers(fallback_handlers(container.browsing, retry=retry))
    app.add_error_handler(on_error)
    return app


def webhook_secret(settings: Settings) -> str:
    """The secret Telegram must send with every webhook update."""
    if settings.webhook_secret.get_secret_value():
        return settings.webhook_secret.get_secret_value()
    token = settings.telegram_token.get_secret_value()
    return hashlib.sha256(f"newsdesk:{token}".encode()).hexdigest()[:48]


def run_bot(settings: Settings, container: Container) -> None:
    """Run until stopped: long polling, or a webhook server when NEWSDESK_WEBHOOK_URL is set."""
    app = build_application(settings, container)
    # load the model and the lexical index before the first question, not during it
    container.embedder.warm_up()
    _ = container.lexical.size
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
