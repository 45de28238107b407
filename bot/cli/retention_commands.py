"""`newsdesk prune`: retention, once, now."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from core.errors import ConfigError
from core.models import day_of
from core.wording import counted
from ingest.schedule import MAX_KEEP_DAYS

if TYPE_CHECKING:
    from bot.container import Container
    from bot.services.retention import PruneReport

MAX_DAYS = MAX_KEEP_DAYS  # as NEWSDESK_RETENTION_DAYS


def add_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `prune`."""
    prune = commands.add_parser(
        "prune", help="remove articles stored more than N days ago (retention)",
        description="Remove the articles stored more than N days ago from the database, the "
        "vector store and every process's lexical index, as /forget does; later ingests leave "
        "them out. An article whose story an alert may still be edited for waits. N is "
        "NEWSDESK_RETENTION_DAYS unless --older-than is given; 0 keeps everything but what a "
        "source's own retention lets go (`newsdesk sources keep NAME DAYS`): an article stays "
        "while any source that brought it keeps it.",
    )
    prune.add_argument("--dry-run", action="store_true",
                       help="say what would be removed, remove nothing")
    prune.add_argument("--older-than", type=int, default=None, metavar="DAYS",
                       help=f"prune articles stored more than DAYS ago (1 to {MAX_DAYS}; "
                       "default NEWSDESK_RETENTION_DAYS)")
    prune.add_argument("--json", action="store_true", help="print the counts as JSON")
    prune.set_defaults(handler=run_prune)


def run_prune(args: argparse.Namespace, container: Container) -> int:
    """Prune (or count, with --dry-run) and say how many articles and passages went."""
    days = container.settings.retention_days if args.older_than is None else args.older_than
    if not 0 <= days <= MAX_DAYS:
        raise ConfigError(f"prune: --older-than must be 0 to {MAX_DAYS} days, not {days}")
    report = container.retention.prune(days, dry_run=args.dry_run)
    if report.cutoff is None and not report.sources_keeping:
        if args.json:
            print(json.dumps({"retention_days": 0, "articles": 0, "passages": 0}))
        else:
            print("Retention is off (NEWSDESK_RETENTION_DAYS=0, no --older-than, no source "
                  "with its own): nothing was pruned. Set NEWSDESK_RETENTION_DAYS, pass "
                  "--older-than DAYS or `newsdesk sources keep NAME DAYS`.")
        return 0
    if args.json:
        print(json.dumps(_as_dict(report), ensure_ascii=False))
        return 0
    verb = "would remove" if report.dry_run else "removed"
    rules = [f"stored before {day_of(report.cutoff)} (older than {counted(days, 'day')})"
             if report.cutoff else ""]
    if report.sources_keeping:
        rules.append(f"past their own retention ({counted(report.sources_keeping, 'source')})")
    print(f"{verb} {counted(report.articles, 'article')} ({counted(report.passages, 'passage')}) "
          + " or ".join(r for r in rules if r))
    if report.held:
        print(f"kept {counted(report.held, 'older article')} until their alerts can no longer be "
              "edited; a later prune removes them")
    print("oldest kept: " + (day_of(report.oldest_kept) if report.oldest_kept
                             else "none (the archive is empty)"))
    return 0


def _as_dict(report: PruneReport) -> dict[str, object]:
    return {
        "retention_days": report.days, "dry_run": report.dry_run,
        "cutoff": report.cutoff.isoformat() if report.cutoff else None,
        "sources_keeping": report.sources_keeping, "articles": report.articles,
        "passages": report.passages, "held": report.held,
        "oldest_kept": report.oldest_kept.isoformat() if report.oldest_kept else None,
    }
