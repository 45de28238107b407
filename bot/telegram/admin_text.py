"""The HTML admins read: status, sources with their health, ingest progress and summaries."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from bot.services.admin import Status
from bot.services.ingest_runner import RunProgress
from bot.services.sources import IngestRun
from core.models import Source, day_of, minute_of
from core.wording import counted
from ingest.preview import Preview

MAX_SOURCES_SHOWN = 40
MAX_FAILURES_SHOWN = 8
MAX_ERROR_CHARS = 160


def status_html(status: Status) -> str:
    """/status."""
    stats, sources = status.stats, status.sources
    lines = [
        "<b>newsdesk status</b>",
        f"articles: {stats.articles} from {counted(stats.sources, 'outlet')}, "
        f"{counted(stats.chunks, 'chunk')}"
        + (f", stored {day_of(stats.oldest_stored)} to {day_of(stats.newest_stored)}"
           if stats.articles else ""),
        f"pending: {stats.pending}" + (" (the next ingest indexes them)" if stats.pending
                                        else ""),
        f"sources: {sources.ok} ok, {sources.failing} failing, {sources.paused} paused"
        + (f", {sources.new} not ingested yet" if sources.new else ""),
        f"last ingest: {minute_of(status.last_ingest)}",
        "next scheduled ingest: " + (minute_of(status.next_ingest) if status.scheduling
                                     else "off (NEWSDESK_INGEST_INTERVAL_MINUTES=0)"),
        f"alerts: {counted(status.subscriptions, 'subscription')} in "
        f"{counted(status.subscribed_chats, 'chat')}, "
        f"{status.queued_alerts} queued",
        f"database: {escape(status.database)} (schema {escape(status.schema_revision or '?')})",
    ]
    if status.running is not None:
        lines.insert(1, "running now: " + progress_line(status.running))
    if stats.newest_title and stats.newest_published:
        lines.append(f"newest: {day_of(stats.newest_published)} — {escape(stats.newest_title)}")
    return "\n".join(lines)


def health_html(source: Source) -> str:
    """ok / failing since … / paused, in a few words."""
    health = source.health
    if source.state == "paused":
        # the reason says it was paused ("paused by an admin"): not "paused — paused …"
        return (f"⏸ {escape(source.paused_reason[:MAX_ERROR_CHARS])}" if source.paused_reason
                else "⏸ paused")
    if source.state == "failing":
        return (f"⚠️ failing since {minute_of(health.failing_since)} "
                f"({health.consecutive_failures}×): {escape(health.last_error[:MAX_ERROR_CHARS])}")
    return "✅ ok" if source.state == "ok" else "🆕 not ingested yet"


def sources_html(sources: Sequence[Source], interval_of: dict[int, int]) -> str:
    """/sources for admins: every source with its health."""
    if not sources:
        return ("No sources yet. Add a feed with /addsource <i>URL</i> "
                "(or NEWSDESK_SOURCES_FILE, or <code>newsdesk sources add</code>).")
    blocks = []
    for source in sources[:MAX_SOURCES_SHOWN]:
        health = source.health
        blocks.append(
            f"<b>{escape(source.name)}</b> — {health_html(source)}\n"
            f"{escape(source.location)}\n"
            f"{source.kind}, every {interval_of[source.id]} min · items {health.items_seen} · "
            f"last new item {minute_of(health.last_new_item_at)}"
        )
    more = len(sources) - MAX_SOURCES_SHOWN
    return (f"<b>Sources ({len(sources)})</b>\n\n" + "\n\n".join(blocks)
            + (f"\n\n… and {more} more (<code>newsdesk sources list</code>)" if more > 0
               else ""))


def progress_line(progress: RunProgress) -> str:
    """Where a running ingest is, in one line."""
    doing = f" — now {escape(progress.current)}{_items(progress)}" if progress.current else ""
    if not progress.sources_total:
        return f"{progress.trigger} ingest started {minute_of(progress.started_at)}, starting"
    return (f"{progress.trigger} ingest started {minute_of(progress.started_at)}: "
            f"{progress.sources_done}/{progress.sources_total} sources done, "
            f"{progress.added} added, {progress.updated} updated, {progress.unchanged} "
            f"unchanged, {progress.failed} failed{doing}")


def _items(progress: RunProgress) -> str:
    """How far into the current source: items read, then items done of its total."""
    if progress.items_total:
        return f": {progress.items_done}/{progress.items_total} items done"
    if progress.items_done:
        return f": {counted(progress.items_done, 'item')} read"
    return ""


def progress_html(progress: RunProgress) -> str:
    """The progress message, edited in place."""
    return "⏳ " + progress_line(progress)


def summary_html(run: IngestRun) -> str:
    """The final message of a /reingest: counts, then each failure's reason."""
    report = run.report
    lines = [
        f"✅ Ingest done in {report.seconds:.0f} s: {counted(len(run.sources), 'source')}, "
        f"{report.added} added, {report.updated} updated, "
        f"{report.unchanged + report.duplicates} unchanged, {len(report.failed)} failed."
    ]
    for source, result in zip(run.sources, report.sources, strict=False):
        if result.error:
            lines.append(f"⚠️ {escape(source.name)}: {escape(result.error[:MAX_ERROR_CHARS])}")
        elif result.not_modified:
            lines.append(f"• {escape(source.name)}: not modified")
    for failure in report.failed[:MAX_FAILURES_SHOWN]:
        if failure.origin not in {s.location for s in run.sources}:
            lines.append(f"✗ {escape(failure.origin[:80])}: "
                         f"{escape(failure.reason[:MAX_ERROR_CHARS])}")
    hidden = len(report.failed) - MAX_FAILURES_SHOWN
    if hidden > 0:
        lines.append(f"… and {counted(hidden, 'more failure')}")
    for source in run.paused:
        lines.append(f"⏸ {escape(source.name)} {escape(source.paused_reason)}")
    return "\n".join(lines)


def preview_html(preview: Preview, name: str) -> str:
    """The dry run of /addsource, before the admin confirms."""
    what = (f"a feed with {counted(preview.items, 'item')}" if preview.kind == "feed"
            else "an article page")
    lines = [f"<b>{escape(name or preview.title or preview.url)}</b> is {what}.",
             escape(preview.url)]
    if preview.headlines:
        lines.append("\nFirst headlines:")
        lines += [f"• {escape(h[:120])}" for h in preview.headlines]
    lines += [f"⚠️ {escape(w[:MAX_ERROR_CHARS])}" for w in preview.warnings[:2]]
    lines.append("\nAdd it?")
    return "\n".join(lines)
