"""`newsdesk ingest`, `reindex` and `stats`."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.cli.progress import ProgressBar
from core.errors import ConfigError
from core.models import day_of

if TYPE_CHECKING:
    from bot.container import Container
    from ingest.pipeline import SourceSpec
    from ingest.report import IngestReport


def add_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the ingest-side subcommands."""
    ingest = commands.add_parser(
        "ingest",
        help="ingest feeds, pages, files or folders",
        description="Ingest news into the article store and the search index. SOURCE is a feed "
        "URL, page URL, file or folder (.txt .md .html .xml .json .jsonl). With no SOURCE "
        "(nor --sources or --samples), every active source of `newsdesk sources` is ingested "
        "once. Running it again embeds only what is new or changed.",
    )
    ingest.add_argument("sources", nargs="*", metavar="SOURCE")
    ingest.add_argument("--sources", dest="sources_file", type=Path, metavar="FILE",
                        help="TOML file listing named [[feeds]] and [[folders]]")
    ingest.add_argument("--samples", action="store_true",
                        help="also ingest the bundled sample articles")
    ingest.add_argument("--name", default="", help="outlet name for these sources")
    ingest.add_argument("--json", action="store_true", help="print the summary as JSON")
    ingest.set_defaults(handler=run_ingest)

    reindex = commands.add_parser(
        "reindex", help="rebuild the search index from the article store",
        description="Drop and rebuild the vector and lexical indexes from the article store "
        "(after changing the embedding model or chunk settings, or to repair an index).",
    )
    reindex.add_argument("--json", action="store_true", help="print the summary as JSON")
    reindex.set_defaults(handler=run_reindex)

    stats = commands.add_parser(
        "stats", help="articles, chunks, sources, newest article, the archive's age")
    stats.add_argument("--json", action="store_true", help="print as JSON")
    stats.add_argument("--vectors", action="store_true",
                       help="also count the vectors in the vector store (opens Chroma: slower)")
    stats.set_defaults(handler=run_stats)


def _specs(args: argparse.Namespace) -> list[SourceSpec]:
    # imported here: the ingest machinery (LangChain's splitter) is not needed for `--help`
    from ingest.pipeline import SourceSpec
    from ingest.sample_articles import SAMPLES_DIR, SAMPLES_NAME
    from ingest.sources_file import read_sources_file

    specs = [SourceSpec(location, args.name) for location in args.sources]
    if args.sources_file:
        specs += read_sources_file(Path(args.sources_file))
    if args.samples:
        specs.append(SourceSpec(str(SAMPLES_DIR), SAMPLES_NAME))
    return specs


def run_ingest(args: argparse.Namespace, container: Container) -> int:
    """Ingest the named sources (or every active source) and print a summary.

    Non-zero only when nothing at all could be ingested.
    """
    specs = _specs(args)
    if not specs:
        return _ingest_every_source(args, container)
    container.verify_embedding_model()
    with ProgressBar("ingest") as bar:
        report = container.pipeline.run(specs, progress=bar)
    _print_report(report, args.json)
    return 0 if report.ok else 1


def _ingest_every_source(args: argparse.Namespace, container: Container) -> int:
    if not [s for s in container.sources.all() if not s.paused]:
        raise ConfigError(
            "nothing to ingest: name a SOURCE, add one with `newsdesk sources add`, list them "
            "in NEWSDESK_SOURCES_FILE, or use --samples"
        )
    container.verify_embedding_model()
    with ProgressBar("ingest") as bar:
        run = container.sources.ingest(progress=bar)
    _print_report(run.report, args.json)
    if not args.json:
        for source, result in zip(run.sources, run.report.sources, strict=True):
            state = ("not modified" if result.not_modified else
                     f"failed: {result.error}" if result.error else
                     f"{result.added} new, {result.updated} updated")
            print(f"  {source.name}: {state}")
        for source in run.paused:
            print(f"  paused {source.name}: {source.paused_reason}")
    failed_all = all(r.error for r in run.report.sources)
    return 1 if failed_all else 0


def _print_report(report: IngestReport, as_json: bool) -> None:
    if as_json:
        print(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        print("\n".join(report.summary_lines()))


def run_reindex(args: argparse.Namespace, container: Container) -> int:
    """Rebuild the index from the store."""
    with ProgressBar("reindex") as bar:
        report = container.pipeline.reindex(progress=bar)
    container.record_embedding_model()
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        print(f"reindexed {report.unchanged} articles, {report.chunks_indexed} chunks "
              f"in {report.seconds:.1f}s")
    return 0


def run_stats(args: argparse.Namespace, container: Container) -> int:
    """Print store and index counts."""
    stats = container.browsing.stats()
    data: dict[str, Any] = {
        "articles": stats.articles,
        "chunks": stats.chunks,
        "sources": stats.sources,  # outlets, as before; kept for scripts
        "outlets": stats.sources,
        "registered_sources": len(container.sources.all()),
        "pending": stats.pending,
        "newest": {
            "title": stats.newest_title,
            "published": stats.newest_published.isoformat() if stats.newest_published else None,
        },
        "stored": {  # the archive's age: retention counts from when an article was stored
            "oldest": stats.oldest_stored.isoformat() if stats.oldest_stored else None,
            "newest": stats.newest_stored.isoformat() if stats.newest_stored else None,
        },
    }
    if args.vectors:
        data["indexed_chunks"] = container.vectors.count()
    if args.json:
        print(json.dumps(data, ensure_ascii=False))
        return 0
    print(f"articles:  {stats.articles}")
    in_store = f" ({data['indexed_chunks']} in the vector store)" if args.vectors else ""
    print(f"chunks:    {stats.chunks}{in_store}")
    print(f"outlets:   {stats.sources}")
    print(f"sources:   {data['registered_sources']} ingested on a schedule "
          "(newsdesk sources list)")
    if stats.pending:
        print(f"pending:   {stats.pending} (run `newsdesk ingest` to finish indexing them)")
    if stats.newest_title:
        print(f"newest:    {day_of(stats.newest_published)} — {stats.newest_title}")
    if stats.articles:
        print(f"stored:    {day_of(stats.oldest_stored)} to {day_of(stats.newest_stored)} "
              "(the oldest and newest articles, by when they were stored)")
    return 0
