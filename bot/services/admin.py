"""What admins ask of newsdesk: its state (sources and re-ingest come with the sources work)."""

from __future__ import annotations

from dataclasses import dataclass

from storage import migrate
from storage.browse import BrowseRepository, StoreStats
from storage.database import Database


@dataclass(frozen=True)
class Status:
    """The store's counts and the database it lives in."""

    stats: StoreStats
    database: str
    schema_revision: str | None


class AdminService:
    """Operations reserved to NEWSDESK_ADMIN_IDS."""

    def __init__(self, database: Database, browse: BrowseRepository) -> None:
        self._database = database
        self._browse = browse

    def status(self) -> Status:
        """Counts, pending articles, database and schema revision."""
        return Status(self._browse.stats(), self._database.display_url,
                      migrate.current_revision(self._database))
