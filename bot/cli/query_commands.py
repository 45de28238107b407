"""`newsdesk search`."""

from __future__ import annotations

import argparse
import json

from bot.container import Container
from ingest.dates import parse_published
from ingest.errors import ConfigError


def add_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the query-side subcommands."""
    search = commands.add_parser("search", help="top matching chunks with their metadata")
    search.add_argument("query", metavar="QUERY")
    search.add_argument("--k", type=int, default=5, help="how many chunks (default 5)")
    search.add_argument("--since", default="", help="only articles published on/after DATE")
    search.add_argument("--json", action="store_true", help="print as JSON")
    search.set_defaults(handler=run_search)


def run_search(args: argparse.Namespace, container: Container) -> int:
    """Print the top chunks for a query."""
    since = parse_published(args.since) if args.since else None
    if args.since and since is None:
        raise ConfigError(f"--since: cannot read the date {args.since!r} (try 2026-01-12)")
    container.verify_embedding_model()
    hits = container.searcher.search(args.query, k=max(1, args.k), since=since)
    if args.json:
        print(json.dumps([h.to_dict() for h in hits], ensure_ascii=False))
        return 0
    if not hits:
        print("No matching articles. Ingest some news first: newsdesk ingest --samples")
        return 0
    for rank, hit in enumerate(hits, start=1):
        date = hit.published[:10] or "undated"
        print(f"[{rank}] {hit.title} — {hit.source}, {date} (score {hit.score:.2f})")
        if hit.url:
            print(f"    {hit.url}")
        print(f"    {' '.join(hit.text.split())[:300]}")
    return 0
