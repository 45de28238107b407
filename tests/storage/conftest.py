"""A fresh, migrated database per test, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from storage import migrate
from storage.database import Database


@pytest.fixture
def database(database_url: str, tmp_path: Path) -> Iterator[Database]:
    """An upgraded database: SQLite in tmp_path, or a fresh PostgreSQL schema."""
    db = Database(database_url or f"sqlite:///{tmp_path / 'newsdesk.sqlite3'}")
    migrate.upgrade(db)
    yield db
    db.dispose()
