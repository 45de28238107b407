"""Retention: articles stored more than N days ago leave the database, the vectors and every
process's lexical index, with the same care as an admin's /forget. N is the default
(NEWSDESK_RETENTION_DAYS, or `prune --older-than`), or a source's own (`sources keep`, `keep` in
the sources file): an article stays while any registered source that brought it keeps it.

The age is counted from when an article (its current version) was stored, not from its
publication date: published dates can be missing or wrong, and a story still being updated
is still news. An article whose story an alert may still be edited for (another outlet's
report can be added to it: STORY_WINDOW after the story was last matched) waits.

Batches of BATCH articles: each loses its vectors first, marked pending, and then its rows in
one transaction, so an interrupted prune leaves every article whole (the next ingest indexes
a pending one again, the next prune takes it) and never holds a lock for long. Ingests and
prunes take turns through the index-writer lease.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from bot.services.alerts import STORY_WINDOW
from core.errors import ConfigError
from ingest.schedule import MAX_KEEP_DAYS
from storage.articles import ArticleRepository
from storage.retention import Cutoffs, RetentionRepository

if TYPE_CHECKING:
    from retrieval.vector_store import VectorStore

BATCH = 500  # articles per transaction
# PostgreSQL's search counters are updated row by row, and within one transaction each update
# of a row walks the versions made so far: 500 articles (5,357 chunks) took 66 s to delete in
# one transaction, 50 articles 2.6 s (docs/benchmarks.md). SQLite updates rows in place.
POSTGRES_BATCH = 50
ROUND = 20_000  # ids read per look for due articles (each look scans the articles table)
MAX_DAYS = MAX_KEEP_DAYS  # one bound for the default retention and every source's own


@dataclass(frozen=True)
class PruneReport:
    """What a prune removed (or, dry, would remove), and what it kept."""

    days: int  # the default retention (0: none)
    cutoff: datetime | None  # the default cutoff (None: no default retention)
    articles: int
    passages: int
    held: int  # old enough, but an alert about their story may still be edited
    oldest_kept: datetime | None
    dry_run: bool
    sources_keeping: int = 0  # registered sources with a retention of their own


class RetentionService:
    """Prunes the archive to the newest N days."""

    def __init__(
        self, retention: RetentionRepository, articles: ArticleRepository,
        vectors: Callable[[], VectorStore], *,
        keeps: Callable[[], dict[int, int]] = dict,
        exclusive: Callable[[], AbstractContextManager[None]] = nullcontext,
        hold_window: timedelta = STORY_WINDOW,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        batch: int = BATCH,
    ) -> None:
        self._retention = retention
        self._batch = batch
        self._articles = articles
        self._vectors = vectors  # opened only when there is something to remove
        self._keeps = keeps  # source id → days, for the sources with their own retention
        self._exclusive = exclusive
        self._hold_window = hold_window
        self._clock = clock

    def cutoffs(self, days: int) -> Cutoffs:
        """Before when articles must have been stored to go: ``days`` by default (0: kept),
        and each source's own retention."""
        if not 0 <= days <= MAX_DAYS:
            raise ConfigError(f"retention must be 0 to {MAX_DAYS} days, not {days}")
        now = self._clock()
        own = {source: now - timedelta(days=keep) for source, keep in self._keeps().items()}
        return Cutoffs(now - timedelta(days=days) if days else None, own)

    def prune(self, days: int, *, dry_run: bool = False) -> PruneReport:
        """Remove (or with ``dry_run`` count) the articles stored more than ``days`` ago (0:
        none by default), or more than their sources' own retention."""
        cutoffs = self.cutoffs(days)
        cutoff, sources = cutoffs.default, len(cutoffs.by_source)
        hold_since = self._clock() - self._hold_window
        if not cutoffs.prunes:
            return PruneReport(days, None, 0, 0, 0, None, dry_run=dry_run)
        if dry_run:
            due = self._retention.count_due(cutoffs, hold_since)
            return PruneReport(days, cutoff, due.articles, due.passages, due.held,
                               self._retention.oldest_kept(cutoffs, hold_since), dry_run=True,
                               sources_keeping=sources)
        removed = passages = 0
        with self._exclusive():
            while ids := self._retention.due_ids(cutoffs, hold_since, ROUND):
                before = removed
                for start in range(0, len(ids), self._batch):
                    part = ids[start:start + self._batch]
                    # vectors first, marked pending: a failure after this leaves them whole
                    self._articles.mark_unindexed(part)
                    self._vectors().remove(part)
                    gone = self._retention.remove(part, cutoffs, hold_since, self._clock())
                    removed, passages = removed + gone.articles, passages + gone.passages
                if len(ids) < ROUND or removed == before:
                    break
        return PruneReport(days, cutoff, removed, passages,
                           self._retention.held(cutoffs, hold_since),
                           self._retention.oldest_kept(cutoffs, hold_since), dry_run=False,
                           sources_keeping=sources)
