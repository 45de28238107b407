"""Entry point of the `newsdesk` command: parse, build the container once, dispatch."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from bot.cli import (
    alert_commands,
    bot_commands,
    db_commands,
    ingest_commands,
    query_commands,
    retention_commands,
    source_commands,
)
from core.errors import NewsdeskError

log = logging.getLogger("newsdesk")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="newsdesk",
        description="A news assistant: ingest articles, then ask questions answered with "
        "cited snippets. Configuration comes from NEWSDESK_* variables or .env.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    ingest_commands.add_parsers(commands)
    source_commands.add_parsers(commands)
    query_commands.add_parsers(commands)
    alert_commands.add_parsers(commands)
    retention_commands.add_parsers(commands)
    bot_commands.add_parsers(commands)
    db_commands.add_parsers(commands)
    return parser


def configure_logging(level: str) -> None:
    """Log to stderr at ``level``; keep chatty libraries at WARNING."""
    logging.basicConfig(
        level=level.upper(), stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    for noisy in ("httpx", "chromadb", "sentence_transformers", "urllib3", "trafilatura",
                  "htmldate", "transformers", "huggingface_hub", "alembic",
                  # two INFO lines per job run ("Running job", "executed successfully") every
                  # few seconds would bury everything else; its warnings (missed runs) stay
                  "apscheduler"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLogger().level))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    # imported here, not above: `newsdesk --help` stays instant
    from pydantic import ValidationError

    from bot.settings import Settings

    try:
        settings = Settings()
    except ValidationError as exc:
        print(f"newsdesk: invalid configuration:\n{exc}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level)
    from bot.container import Container  # here, not above: `--help` imports no ML library

    container = Container(settings, migrate_on_open=getattr(args, "migrate_on_open", True))
    try:
        return int(args.handler(args, container))
    except NewsdeskError as exc:
        print(f"newsdesk: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nnewsdesk: interrupted; the store is consistent, run the command again to "
              "finish", file=sys.stderr)
        return 130
    finally:
        container.close()


if __name__ == "__main__":
    sys.exit(main())
