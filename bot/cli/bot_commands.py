"""`newsdesk run`: the Telegram bot."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.container import Container



def add_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `run`."""
    run = commands.add_parser(
        "run", help="run the Telegram bot",
        description="Run the Telegram bot: long polling, or a webhook server when "
        "NEWSDESK_WEBHOOK_URL is set. Needs NEWSDESK_TELEGRAM_TOKEN.",
    )
    run.set_defaults(handler=run_bot_command)


def run_bot_command(args: argparse.Namespace, container: Container) -> int:
    """Start the bot and block until it is stopped."""
    from bot.telegram.app import run_bot

    container.verify_embedding_model()
    run_bot(container.settings, container)
    return 0
