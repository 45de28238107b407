"""`newsdesk alerts`: what a topic would match, and the state of subscriptions and the outbox."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from core.models import ArticleRef

if TYPE_CHECKING:
    from bot.container import Container


def add_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `alerts preview` and `alerts status`."""
    alerts = commands.add_parser(
        "alerts", help="topic alerts: preview a topic, subscriptions and queued alerts",
        description="Topic alerts are managed by each chat (/subscribe in Telegram); from the "
        "console you can try a topic against the archive and see what is queued.",
    )
    actions = alerts.add_subparsers(dest="action", required=True, metavar="ACTION")
    preview = actions.add_parser(
        "preview", help="the newest stored stories a topic would have alerted",
        description='Try a topic as /subscribe reads it: "quoted phrases" must appear, -word '
        "excludes, the rest is matched by meaning above NEWSDESK_ALERT_THRESHOLD. Quote the "
        "whole topic or put it after -- when it has exclusions: newsdesk alerts preview -- "
        "'\"Lee Jae-myung\"' -football",
    )
    preview.add_argument("topic", nargs="+", help='e.g. Nara summit, or "Lee Jae-myung" -football')
    preview.add_argument("--limit", type=int, default=10, help="stories to show (default 10)")
    preview.add_argument("--json", action="store_true", help="print JSON")
    preview.set_defaults(handler=run_preview)
    status = actions.add_parser("status", help="subscriptions, chats and queued alerts")
    status.add_argument("--json", action="store_true", help="print JSON")
    status.set_defaults(handler=run_status)


def run_preview(args: argparse.Namespace, container: Container) -> int:
    """Print the stories the topic would have matched, newest first."""
    from alerts.topics import parse_topic

    topic = parse_topic(" ".join(args.topic))
    container.verify_embedding_model()
    preview = container.alerts.preview(topic, max(1, args.limit))
    if args.json:
        print(json.dumps({"topic": topic.text,
                          "stories": [r.to_dict() for r in preview.matches],
                          "close_calls": [r.to_dict() for r in preview.close]},
                         ensure_ascii=False))
        return 0
    if not preview.matches:
        print(f"“{topic.text}” matches nothing in the archive yet: it would alert only on new "
              "stories. Try fewer or broader words.")
    else:
        print(f"“{topic.text}” would have alerted on:")
        _print_refs(preview.matches)
    if preview.close:
        print("Just below its bar (in the chat, 👍 on one of these lowers the bar):")
        _print_refs(preview.close)
    return 0


def _print_refs(refs: Sequence[ArticleRef]) -> None:
    for ref in refs:
        print(f"  {ref.title} — {ref.source}{', ' + ref.day if ref.published else ''}")
        if ref.url:
            print(f"    {ref.url}")


def run_status(args: argparse.Namespace, container: Container) -> int:
    """Print how many topics are followed, by how many chats, and what waits to be sent."""
    subscriptions, chats = container.subscriptions.counts()
    queued = container.alerts.queued()
    if args.json:
        print(json.dumps({"subscriptions": subscriptions, "chats": chats, "queued": queued}))
    else:
        print(f"subscriptions: {subscriptions} (in {chats} chats)\nqueued alerts: {queued}")
    return 0
