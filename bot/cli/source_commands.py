"""`newsdesk sources list|add|remove|pause|resume|keep`: the sources the scheduler ingests."""

from __future__ import annotations

import argparse
import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from core.errors import ConfigError
from core.models import Source, minute_of

if TYPE_CHECKING:
    from bot.container import Container


def add_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `sources` and its subcommands."""
    sources = commands.add_parser(
        "sources", help="list, add, remove, pause or resume the sources ingested on a schedule, "
        "or set how long their articles are kept",
        description="Sources live in the database: those of NEWSDESK_SOURCES_FILE (imported on "
        "start) and those added here or by an admin in the chat. `newsdesk ingest` with no "
        "SOURCE ingests every active one; `newsdesk run` ingests each when it is due.",
    )
    actions = sources.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="every source with its health")
    listing.add_argument("--json", action="store_true", help="print as JSON")
    listing.set_defaults(handler=run_list)
    add = actions.add_parser("add", help="add a feed or page URL, a file or a folder")
    add.add_argument("location", metavar="URL|PATH")
    add.add_argument("--name", default="", help="its name (also the outlet of its articles)")
    add.add_argument("--every", type=int, metavar="MINUTES",
                     help="minutes between ingests (default: NEWSDESK_INGEST_INTERVAL_MINUTES)")
    add.add_argument("--keep", type=int, metavar="DAYS",
                     help="days its articles are kept (default: NEWSDESK_RETENTION_DAYS)")
    add.set_defaults(handler=run_add)
    keep = actions.add_parser(
        "keep", help="how long a source's articles are kept",
        description="Keep the articles a source brings DAYS days after they were stored, "
        "whatever NEWSDESK_RETENTION_DAYS says; `default` follows it again. An article that "
        "several sources brought stays while any of them keeps it. The daily prune of "
        "`newsdesk run` and `newsdesk prune` apply it.")
    keep.add_argument("name", metavar="NAME")
    keep.add_argument("days", metavar="DAYS|default")
    keep.set_defaults(handler=run_keep)
    for action, helptext, handler in (
        ("remove", "remove a source (its articles stay)", run_remove),
        ("pause", "stop ingesting a source for now", run_pause),
        ("resume", "ingest a paused source again", run_resume),
    ):
        parser = actions.add_parser(action, help=helptext)
        parser.add_argument("name", metavar="NAME")
        parser.set_defaults(handler=handler)


def health_of(source: Source) -> str:
    """ok / failing since … / paused / new, in a few words."""
    health = source.health
    if source.state == "paused":
        return f"paused ({source.paused_reason})" if source.paused_reason else "paused"
    if source.state == "failing":
        since = minute_of(health.failing_since)
        return f"failing since {since} ({health.consecutive_failures}x): {health.last_error}"
    return "not ingested yet" if source.state == "new" else "ok"


def source_dict(source: Source, interval_minutes: int) -> dict[str, Any]:
    """JSON-ready form of a source and its health."""
    health = source.health
    return {
        "name": source.name, "location": source.location, "kind": source.kind,
        "origin": source.origin, "every_minutes": interval_minutes, "paused": source.paused,
        "keep_days": source.keep_days,
        "health": health_of(source), "consecutive_failures": health.consecutive_failures,
        "last_error": health.last_error, "items": health.items_seen,
        "last_attempt": _iso(health.last_attempt_at), "last_success": _iso(health.last_success_at),
        "last_new_item": _iso(health.last_new_item_at), "next_due": _iso(health.next_due_at),
    }


def run_list(args: argparse.Namespace, container: Container) -> int:
    """Print every source with its health."""
    service = container.sources
    sources = service.all()
    if args.json:
        print(json.dumps([source_dict(s, service.interval_of(s)) for s in sources],
                         ensure_ascii=False))
        return 0
    if not sources:
        print("no sources yet: add one with `newsdesk sources add URL|PATH`")
        return 0
    for source in sources:
        health = source.health
        keep = f", kept {source.keep_days} days" if source.keep_days else ""
        print(f"{source.name}  [{source.kind}, every {service.interval_of(source)} min{keep}]  "
              f"{health_of(source)}")
        print(f"    {source.location}")
        print(f"    items {health.items_seen}, last new item {minute_of(health.last_new_item_at)}, "
              f"next {minute_of(health.next_due_at) if not source.paused else '—'}")
    return 0


def run_add(args: argparse.Namespace, container: Container) -> int:
    """Add a source; it is due at once."""
    source = container.sources.add(args.location, args.name, args.every, args.keep)
    print(f"added {source.name} ({source.location}); `newsdesk ingest` or the scheduler "
          "will ingest it")
    return 0


def run_keep(args: argparse.Namespace, container: Container) -> int:
    """Set (or with `default` clear) how long a source's articles are kept."""
    if args.days.strip().lower() == "default":
        days = None
    else:
        try:
            days = int(args.days)
        except ValueError:
            raise ConfigError(f"keep: DAYS must be a whole number of days or `default`, "
                              f"not {args.days!r}") from None
    source = container.sources.keep(args.name, days)
    print(f"{source.name}: its articles are kept "
          + (f"{source.keep_days} days" if source.keep_days else
             "as NEWSDESK_RETENTION_DAYS says (the default)"))
    return 0


def run_remove(args: argparse.Namespace, container: Container) -> int:
    """Remove a source."""
    source = container.sources.remove(args.name)
    print(f"removed {source.name}; its articles stay searchable")
    return 0


def run_pause(args: argparse.Namespace, container: Container) -> int:
    """Pause a source."""
    print(f"paused {container.sources.pause(args.name).name}")
    return 0


def run_resume(args: argparse.Namespace, container: Container) -> int:
    """Resume a source."""
    print(f"resumed {container.sources.resume(args.name).name}; it is due now")
    return 0


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
