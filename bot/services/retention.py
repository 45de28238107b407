"""Retention: articles stored more than N days ago leave the database, the vectors and every
process's lexical index, with the same care as an admin's /forget.

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
from storage.articles import ArticleRepository
from storage.retention import RetentionRepository

if TYPE_CHECKING:
    from retrieval.vector_store import VectorStore

BATCH = 500  # articles per transaction
ROUND = 20_000  # ids read per look for due articles (each look scans the articles table)
MAX_DAYS = 3650


@dataclass(frozen=True)
class PruneReport:
    """What a prune removed (or, dry, would remove), and what it kept."""

    days: int
    cutoff: datetime
    articles: int
    passages: int
    held: int  # old enough, but an alert about their story may still be edited
    oldest_kept: datetime | None
    dry_run: bool


class RetentionService:
    """Prunes the archive to the newest N days."""

    def __init__(
        self, retention: RetentionRepository, articles: ArticleRepository,
        vectors: Callable[[], VectorStore], *,
        exclusive: Callable[[], AbstractContextManager[None]] = nullcontext,
        hold_window: timedelta = STORY_WINDOW,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._retention = retention
        self._articles = articles
        self._vectors = vectors  # opened only when there is something to remove
        self._exclusive = exclusive
        self._hold_window = hold_window
        self._clock = clock

    def prune(self, days: int, *, dry_run: bool = False) -> PruneReport:
        """Remove (or with ``dry_run`` count) the articles stored more than ``days`` ago."""
        if not 1 <= days <= MAX_DAYS:
            raise ConfigError(f"retention must be 1 to {MAX_DAYS} days, not {days}")
        now = self._clock()
        cutoff, hold_since = now - timedelta(days=days), now - self._hold_window
        if dry_run:
            due = self._retention.count_due(cutoff, hold_since)
            return PruneReport(days, cutoff, due.articles, due.passages, due.held,
                               self._retention.oldest_kept(cutoff, hold_since), dry_run=True)
        removed = passages = 0
        with self._exclusive():
            while ids := self._retention.due_ids(cutoff, hold_since, ROUND):
                before = removed
                for start in range(0, len(ids), BATCH):
                    part = ids[start:start + BATCH]
                    # vectors first, marked pending: a failure after this leaves them whole
                    self._articles.mark_unindexed(part)
                    self._vectors().remove(part)
                    gone = self._retention.remove(part, cutoff, hold_since, self._clock())
                    removed, passages = removed + gone.articles, passages + gone.passages
                if len(ids) < ROUND or removed == before:
                    break
        return PruneReport(days, cutoff, removed, passages,
                           self._retention.held(cutoff, hold_since),
                           self._retention.oldest_kept(cutoff, hold_since), dry_run=False)
