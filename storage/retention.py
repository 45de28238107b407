"""Retention: which articles are old enough to go, and removing them a batch at a time.

An article is due when it was stored before its cutoff: the cutoff of every registered source
that brought it (a source's own, else the default), or the default for an article no registered
source brought (or stored before sources were linked: migration 0020). It is held when it
belongs to a story an alert
may still be edited for: a story alerted (sent or queued) that is live, i.e. an article of it
was matched, or an alert about it sent or queued, since ``hold_since``. Each batch is removed
in its own transaction (storage/removal.py), which checks again that its articles are due.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from storage.database import Database
from storage.removal import Removed, remove_articles
from storage.schema import (
    alert_edits,
    alert_outbox,
    article_sources,
    articles,
    chunks,
    sent_alerts,
    stories,
)

_NEVER = datetime(1970, 1, 1, tzinfo=UTC)  # a cutoff no article was stored before


@dataclass(frozen=True)
class Cutoffs:
    """Before when an article must have been stored to be due: by default and per source."""

    default: datetime | None  # None: kept, unless every source that brought it says otherwise
    by_source: Mapping[int, datetime] = field(default_factory=dict)  # sources' own retention

    @property
    def prunes(self) -> bool:
        """Whether any article can be due at all."""
        return self.default is not None or bool(self.by_source)


def _stored_before(cutoffs: Cutoffs) -> sa.ColumnElement[bool]:
    """The article was stored before its cutoff (see the module's docstring)."""
    when = articles.c.fetched_at.type
    default = sa.literal(cutoffs.default or _NEVER, when)
    cutoff: sa.ColumnElement[Any] = sa.case(
        {source: sa.literal(at, when) for source, at in cutoffs.by_source.items()},
        value=article_sources.c.source_id, else_=default,
    ) if cutoffs.by_source else default
    linked = sa.exists().where(article_sources.c.article_id == articles.c.id)
    kept_by_one = sa.exists().where(article_sources.c.article_id == articles.c.id,
                                    articles.c.fetched_at >= cutoff)
    return sa.or_(sa.and_(~linked, articles.c.fetched_at < default),
                  sa.and_(linked, ~kept_by_one))


@dataclass(frozen=True)
class DueCount:
    """What a prune would take away, and what waits for its alerts' edit window."""

    articles: int
    passages: int
    held: int


def held_articles(hold_since: datetime) -> sa.CompoundSelect[Any]:
    """Ids of the articles of stories whose alerts may still be edited."""
    live = sa.union(
        sa.select(stories.c.story_id).where(stories.c.at >= hold_since),
        sa.select(sent_alerts.c.story_id).where(sent_alerts.c.sent_at >= hold_since),
        sa.select(alert_outbox.c.story_id).where(alert_outbox.c.created_at >= hold_since),
    ).subquery()
    alerted = sa.union(sa.select(sent_alerts.c.story_id), sa.select(alert_outbox.c.story_id)
                       ).subquery()
    live_ids, alerted_ids = sa.select(live.c.story_id), sa.select(alerted.c.story_id)
    return sa.union(
        sa.select(stories.c.article_id).where(stories.c.story_id.in_(live_ids),
                                              stories.c.story_id.in_(alerted_ids)),
        *(sa.select(table.c.article_id).where(table.c.story_id.in_(live_ids))
          for table in (sent_alerts, alert_edits, alert_outbox)),
    )


def due(cutoffs: Cutoffs, hold_since: datetime) -> sa.ColumnElement[bool]:
    """The articles to prune: stored before their cutoff and held by no editable alert."""
    return sa.and_(_stored_before(cutoffs), articles.c.id.not_in(held_articles(hold_since)))


def _held_count(cutoffs: Cutoffs, hold_since: datetime) -> sa.Select[Any]:
    return sa.select(sa.func.count()).select_from(articles).where(
        _stored_before(cutoffs), articles.c.id.in_(held_articles(hold_since)))


class RetentionRepository:
    """Finds the articles due for pruning and removes them."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def due_ids(self, cutoffs: Cutoffs, hold_since: datetime, limit: int) -> list[str]:
        """Up to ``limit`` ids of articles due for pruning, the longest stored first."""
        query = (sa.select(articles.c.id).where(due(cutoffs, hold_since))
                 .order_by(articles.c.fetched_at, articles.c.id).limit(limit))
        with self._db.read() as conn:
            return [str(value) for value in conn.execute(query).scalars()]

    def count_due(self, cutoffs: Cutoffs, hold_since: datetime) -> DueCount:
        """How many articles and passages are due, and how many old articles are held."""
        doomed = sa.select(articles.c.id).where(due(cutoffs, hold_since))
        with self._db.read() as conn:
            count = self._count(conn, sa.select(sa.func.count()).select_from(doomed.subquery()))
            passages = self._count(conn, sa.select(sa.func.count()).select_from(chunks).where(
                chunks.c.article_id.in_(doomed)))
            held = self._count(conn, _held_count(cutoffs, hold_since))
        return DueCount(count, passages, held)

    def held(self, cutoffs: Cutoffs, hold_since: datetime) -> int:
        """How many articles stored before their cutoff wait for their alerts' edit window."""
        with self._db.read() as conn:
            return self._count(conn, _held_count(cutoffs, hold_since))

    def oldest_kept(self, cutoffs: Cutoffs, hold_since: datetime) -> datetime | None:
        """When the longest-stored article a prune keeps was stored (None: none is kept)."""
        query = sa.select(sa.func.min(articles.c.fetched_at)).where(
            sa.not_(due(cutoffs, hold_since)))
        with self._db.read() as conn:
            value: datetime | None = conn.execute(query).scalar()
        return value

    def remove(self, article_ids: Sequence[str], cutoffs: Cutoffs, hold_since: datetime,
               now: datetime) -> Removed:
        """Remove those of ``article_ids`` that are still due, in one transaction."""
        with self._db.write() as conn:
            still = [str(value) for value in conn.execute(sa.select(articles.c.id).where(
                articles.c.id.in_(list(article_ids)), due(cutoffs, hold_since))).scalars()]
            return remove_articles(conn, still, now)

    @staticmethod
    def _count(conn: Any, query: sa.Select[Any]) -> int:
        return int(conn.execute(query).scalar() or 0)
