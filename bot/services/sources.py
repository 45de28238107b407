"""Sources as admins and the scheduler see them: list, add, pause, ingest what is due."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from core.errors import ConfigError, SourceListError
from core.models import Source
from ingest.pipeline import IngestPipeline, Progress, SourceSpec
from ingest.report import IngestReport, SourceResult
from ingest.schedule import interval_of, interval_problem, keep_problem, outcome
from ingest.sources_file import default_name, read_declared_sources
from ingest.urls import looks_fetchable, url_problem
from storage.sources import SourceRepository

log = logging.getLogger("newsdesk.sources")

Clock = Callable[[], datetime]
SourceProgress = Callable[..., None]  # keyword fields of bot.services.ingest_runner.RunProgress
MAX_NAME_CHARS = 60


@dataclass(frozen=True)
class IngestRun:
    """An ingest of sources from the table: the report, and the sources paused by it."""

    report: IngestReport
    sources: tuple[Source, ...]
    paused: tuple[Source, ...]  # paused now after too many failures: admins are told once


class SourceService:
    """Keeps the sources table and ingests its sources, recording each one's health."""

    def __init__(
        self, repository: SourceRepository, pipeline: Callable[[], IngestPipeline], *,
        default_interval_minutes: int, max_failures: int,
        clock: Clock = lambda: datetime.now(UTC),
    ) -> None:
        self._sources = repository
        self._pipeline = pipeline  # built on first ingest: listing sources loads no model
        self._default_minutes = default_interval_minutes or 60
        self._max_failures = max_failures
        self._clock = clock

    def sync_sources_file(self, path: Path | None) -> None:
        """Import the sources file (NEWSDESK_SOURCES_FILE) into the table."""
        if path is not None:
            self._sources.sync_config(read_declared_sources(path), self._clock())

    def all(self) -> list[Source]:
        """Every source, by name."""
        return self._sources.all()

    def get(self, name: str) -> Source:
        """The source named (or located) so; SourceListError when there is none."""
        return self._sources.get(name)

    def add(self, location: str, name: str = "", every_minutes: int | None = None,
            keep_days: int | None = None) -> Source:
        """Add a URL, file or folder; due at once."""
        location = location.strip()
        if looks_fetchable(location):
            problem = url_problem(location)
            if problem:
                raise SourceListError(f"{location[:120]}: {problem}")
            kind = "url"
        else:
            path = Path(location).expanduser()
            if not path.exists():
                raise SourceListError(f"{location}: no such file or folder (and not a URL)")
            location = str(path.resolve())
            kind = "folder" if path.is_dir() else "file"
        given = " ".join(name.split())[:MAX_NAME_CHARS]  # also the outlet name of its articles
        if every_minutes is not None and (problem := interval_problem(every_minutes)):
            raise ConfigError(f"--every {every_minutes}: {problem}")
        if keep_days is not None and (problem := keep_problem(keep_days)):
            raise ConfigError(f"--keep {keep_days}: {problem}")
        return self._sources.add(
            given or default_name(location)[:MAX_NAME_CHARS], location, kind,
            now=self._clock(), outlet=given, interval_minutes=every_minutes, keep_days=keep_days,
        )

    def keep(self, name: str, days: int | None) -> Source:
        """Keep a source's articles ``days`` days (None: as NEWSDESK_RETENTION_DAYS says)."""
        if days is not None and (problem := keep_problem(days)):
            raise ConfigError(f"keep {days}: {problem}")
        return self._sources.set_keep(name, days)

    def remove(self, name: str) -> Source:
        """Remove a source (its articles stay searchable)."""
        return self._sources.remove(name)

    def pause(self, name: str) -> Source:
        """Stop ingesting a source until it is resumed."""
        return self._sources.set_paused(name, True, "paused by an admin")

    def resume(self, name: str) -> Source:
        """Ingest a paused source again, at once."""
        return self._sources.set_paused(name, False)

    def next_due(self) -> datetime | None:
        """When the next active source falls due."""
        return self._sources.next_due()

    def interval_of(self, source: Source) -> int:
        """The minutes between ingests of ``source``."""
        return int(interval_of(source, self._default_minutes).total_seconds() // 60)

    def ingest(self, names: Sequence[str] = (), progress: Progress | None = None) -> IngestRun:
        """Ingest the named sources now (all active ones when none is named)."""
        return self.run(names, progress=progress)

    def run(
        self, names: Sequence[str] = (), *, due_only: bool = False,
        on_source: SourceProgress | None = None, progress: Progress | None = None,
    ) -> IngestRun:
        """Ingest sources one after the other, recording each one's health as it finishes.

        ``due_only``: the active sources due now; else the named ones (all active ones when
        none is named). ``on_source`` hears of every source started and finished, and of each
        item within the current source (``items_done``, ``items_total``).
        """
        if due_only:
            chosen = self._sources.due(self._clock())
        elif names:
            chosen = [self._sources.get(name) for name in names]
        else:
            chosen = [s for s in self._sources.all() if not s.paused]
        combined = IngestReport()
        paused: list[Source] = []

        def on_item(done: int, total: int | None, what: str) -> None:
            if progress:
                progress(done, total, what)
            if on_source:
                on_source(items_done=done, items_total=total)

        for done, source in enumerate(chosen):
            if on_source:
                on_source(**_progress_fields(combined), sources_total=len(chosen),
                          sources_done=done, current=source.name, items_done=0,
                          items_total=None)
            spec = SourceSpec(source.location, source.outlet,
                              source.validators if source.is_url else None, source.id)
            report = self._pipeline().run([spec], on_item if progress or on_source else None)
            combined.merge(report)
            result = report.sources[0] if report.sources else SourceResult(source.location)
            now = self._clock()
            after = outcome(source, result, now, self._default_minutes, self._max_failures)
            self._sources.record(
                source.id, after.health, validators=after.validators, kind=after.kind,
                ttl_minutes=after.ttl_minutes, pause_reason=after.pause_reason,
            )
            if after.pause_reason:
                log.warning("source %s %s", source.name, after.pause_reason)
                paused.append(self._sources.get(source.location))
        if on_source:
            on_source(**_progress_fields(combined), sources_total=len(chosen),
                      sources_done=len(chosen), current="", items_done=0, items_total=None)
        return IngestRun(combined, tuple(chosen), tuple(paused))


def _progress_fields(report: IngestReport) -> dict[str, int]:
    return {"added": report.added, "updated": report.updated,
            "unchanged": report.unchanged + report.duplicates, "failed": len(report.failed)}
