"""The sources table: what to ingest, its schedule, its health and its HTTP validators."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from core.errors import SourceListError
from core.models import DeclaredSource, Source, SourceHealth, Validators
from storage.database import Database
from storage.schema import sources

CONFIG = "config"
ADDED = "added"

_HEALTH = tuple(SourceHealth.__dataclass_fields__)
_VALIDATORS = tuple(Validators.__dataclass_fields__)


def _source(row: sa.Row[Any]) -> Source:
    data = row._mapping
    return Source(
        id=int(data["id"]), name=data["name"], location=data["location"], kind=data["kind"],
        outlet=data["outlet"], origin=data["origin"], interval_minutes=data["interval_minutes"],
        ttl_minutes=data["ttl_minutes"], paused=bool(data["paused"]),
        paused_reason=data["paused_reason"], added_at=data["added_at"],
        health=SourceHealth(**{key: data[key] for key in _HEALTH}),
        validators=Validators(**{key: data[key] for key in _VALIDATORS}),
        keep_days=data["keep_days"],
    )


class SourceRepository:
    """Add, list, pause and remove sources; record each attempt's outcome."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def all(self) -> list[Source]:
        """Every source, by name."""
        with self._db.read() as conn:
            rows = conn.execute(sa.select(sources).order_by(sources.c.name)).all()
        return [_source(row) for row in rows]

    def find(self, name_or_location: str) -> Source | None:
        """The source with this name (any case) or location, or None."""
        wanted = name_or_location.strip()
        query = sa.select(sources).where(_named_or_at(wanted, wanted))
        with self._db.read() as conn:
            row = conn.execute(query).first()
        return None if row is None else _source(row)

    def get(self, name_or_location: str) -> Source:
        """Like ``find``, but a missing source is a SourceListError naming it."""
        found = self.find(name_or_location)
        if found is None:
            raise SourceListError(f"No source named “{name_or_location}”: the list of sources "
                                  "shows their names.")
        return found

    def add(
        self, name: str, location: str, kind: str, *, now: datetime, outlet: str = "",
        interval_minutes: int | None = None, origin: str = ADDED, keep_days: int | None = None,
    ) -> Source:
        """A new source, due at once; SourceListError when the name or location is taken."""
        with self._db.write() as conn:
            clash = conn.execute(
                sa.select(sources.c.name, sources.c.location).where(_named_or_at(name, location))
            ).first()
            if clash is not None:
                what = "name" if clash.name.lower() == name.lower() else "location"
                raise SourceListError(
                    f"a source with that {what} already exists: {clash.name} ({clash.location})"
                )
            conn.execute(sa.insert(sources).values(
                name=name, location=location, kind=kind, outlet=outlet, origin=origin,
                interval_minutes=interval_minutes, added_at=now, keep_days=keep_days,
            ))
        return self.get(location)

    def remove(self, name: str) -> Source:
        """Delete a source (its articles stay); the source as it was."""
        source = self.get(name)
        with self._db.write() as conn:
            conn.execute(sa.delete(sources).where(sources.c.id == source.id))
        return source

    def set_keep(self, name: str, days: int | None) -> Source:
        """Keep the source's articles ``days`` days (None: as NEWSDESK_RETENTION_DAYS says)."""
        source = self.get(name)
        with self._db.write() as conn:
            conn.execute(sa.update(sources).where(sources.c.id == source.id)
                         .values(keep_days=days))
        return self.get(source.location)

    def keeps(self) -> dict[int, int]:
        """Source id → days its articles are kept, for the sources that say."""
        query = sa.select(sources.c.id, sources.c.keep_days).where(
            sources.c.keep_days.is_not(None))
        with self._db.read() as conn:
            return {int(i): int(d) for i, d in conn.execute(query)}

    def set_paused(self, name: str, paused: bool, reason: str = "") -> Source:
        """Pause or resume a source; resuming makes it due at once and forgets its failures."""
        source = self.get(name)
        values: dict[str, Any] = {"paused": paused, "paused_reason": reason if paused else ""}
        if not paused:
            values |= {"next_due_at": None, "consecutive_failures": 0}
        with self._db.write() as conn:
            conn.execute(sa.update(sources).where(sources.c.id == source.id).values(**values))
        return self.get(source.location)

    def sync_config(self, declared: Sequence[DeclaredSource], now: datetime) -> None:
        """Make the config sources exactly those ``declared`` in the sources file.

        Health, validators and a pause survive; sources added by admins are left alone.
        """
        with self._db.write() as conn:
            existing = {row.location: row for row in conn.execute(
                sa.select(sources.c.id, sources.c.location, sources.c.origin, sources.c.name))}
            locations = {d.location for d in declared}
            for d in declared:
                row = existing.get(d.location)
                if row is None:
                    conn.execute(sa.insert(sources).values(
                        name=_free_name(conn, d.name), location=d.location, kind=d.kind,
                        outlet=d.outlet, origin=CONFIG, interval_minutes=d.every_minutes,
                        added_at=now, keep_days=d.keep_days))
                elif row.origin == CONFIG:
                    values: dict[str, Any] = {"interval_minutes": d.every_minutes,
                                              "outlet": d.outlet, "keep_days": d.keep_days}
                    if d.name.lower() != row.name.lower():
                        values["name"] = _free_name(conn, d.name)
                    conn.execute(sa.update(sources).where(sources.c.id == row.id)
                                 .values(**values))
            gone = [row.id for location, row in existing.items()
                    if row.origin == CONFIG and location not in locations]
            if gone:
                conn.execute(sa.delete(sources).where(sources.c.id.in_(gone)))

    def due(self, now: datetime) -> list[Source]:
        """Active sources whose next attempt is due, the longest-waiting first."""
        query = (
            sa.select(sources)
            .where(sources.c.paused == sa.false(),
                   sa.or_(sources.c.next_due_at.is_(None), sources.c.next_due_at <= now))
            .order_by(sources.c.next_due_at.is_not(None), sources.c.next_due_at, sources.c.id)
        )
        with self._db.read() as conn:
            return [_source(row) for row in conn.execute(query).all()]

    def next_due(self) -> datetime | None:
        """When the next active source falls due (None: none is scheduled)."""
        query = sa.select(sa.func.min(sources.c.next_due_at)).where(sources.c.paused == sa.false())
        with self._db.read() as conn:
            value = conn.execute(query).scalar()
        return value if isinstance(value, datetime) else None

    def record(
        self, source_id: int, health: SourceHealth, *, validators: Validators | None = None,
        kind: str | None = None, ttl_minutes: int | None = None, pause_reason: str = "",
    ) -> None:
        """Store an attempt's outcome; a ``pause_reason`` pauses the source."""
        values: dict[str, Any] = asdict(health)
        if validators is not None:
            values |= asdict(validators)
        if kind is not None:
            values["kind"] = kind
        if ttl_minutes is not None:
            values["ttl_minutes"] = ttl_minutes
        if pause_reason:
            values |= {"paused": True, "paused_reason": pause_reason}
        with self._db.write() as conn:
            conn.execute(sa.update(sources).where(sources.c.id == source_id).values(**values))


def _named_or_at(name: str, location: str) -> sa.ColumnElement[bool]:
    """Sources called ``name`` (in any case) or at ``location``."""
    return sa.or_(sa.func.lower(sources.c.name) == name.lower(), sources.c.location == location)


def _free_name(conn: sa.Connection, name: str) -> str:
    """``name``, or ``name (2)``… when an admin already gave a source that name."""
    taken = {str(n).lower() for n in conn.execute(sa.select(sources.c.name)).scalars()}
    candidate, number = name, 2
    while candidate.lower() in taken:
        candidate, number = f"{name} ({number})", number + 1
    return candidate
