"""Schema migrations (Alembic), applied on start and by `newsdesk db upgrade`.

A database the first release made (tables but no alembic_version) is stamped with that
release's revision and upgraded in place; its separate conversations file is copied in and
renamed, never deleted. A database on a revision this code does not know (a newer release
migrated it) is refused with a SchemaError rather than touched.
"""

from __future__ import annotations

import json
import logging
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from core.errors import DatabaseUnavailable, SchemaError, StoreError
from storage.database import Database
from storage.schema import conversation_turns, meta

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
FIRST_RELEASE = "0001"
LEGACY_CONVERSATIONS = "conversations.sqlite3"
_IMPORTED_KEY = "legacy_conversations_imported"
_PG_MIGRATION_LOCK = 7_346_020_101  # any constant: serialises concurrent upgrades


@dataclass(frozen=True)
class UpgradeResult:
    """What an upgrade did."""

    before: str | None
    after: str
    legacy_turns: int = 0


def _config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    """The newest revision this code knows."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def current_revision(database: Database) -> str | None:
    """The revision the database is at (None for an empty or first-release database)."""
    from alembic.runtime.migration import MigrationContext

    with database.read() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(
    database: Database, legacy_dir: Path | None = None, to: str | None = None
) -> UpgradeResult:
    """Bring the database to the newest schema; ``legacy_dir`` may hold a conversations file.

    ``to`` stops at an older revision (tests of one migration start from the one before).
    """
    head = to or newest_file_revision()
    if _stored_revision(database) == head:
        # the usual start: one plain read, no write lock, no Alembic import (a third of a second)
        turns = _finish_first_release(database, legacy_dir)
        return UpgradeResult(before=head, after=head, legacy_turns=turns)
    from alembic import command
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    config = _config()
    known = {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}
    with database.write() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_PG_MIGRATION_LOCK)))
        before = MigrationContext.configure(conn).get_current_revision()
        if before is not None and before not in known:
            raise SchemaError(
                f"the database at {database.display_url} is at schema revision {before}, newer "
                f"than this newsdesk knows (up to {head}): upgrade newsdesk, or point "
                "NEWSDESK_DATABASE_URL at another database"
            )
        config.attributes["connection"] = conn
        if before is None and sa.inspect(conn).has_table("articles"):
            log.info("upgrading a database made by newsdesk's first release")
            command.stamp(config, FIRST_RELEASE)
            before = FIRST_RELEASE
        if before != head:
            command.upgrade(config, head)
    turns = _finish_first_release(database, legacy_dir)
    return UpgradeResult(before=before, after=head, legacy_turns=turns)


def newest_file_revision() -> str:
    """The head revision read off the migration files' names (``0007_...py`` is ``0007``)."""
    names = sorted(f.name for f in (MIGRATIONS / "versions").glob("[0-9][0-9][0-9][0-9]_*.py"))
    return names[-1][:4]


def _stored_revision(database: Database) -> str | None:
    """alembic_version read with a plain query; None where there is none (yet)."""
    try:
        with database.read() as conn:
            rows = conn.execute(sa.text("SELECT version_num FROM alembic_version")).all()
    except DatabaseUnavailable:
        raise
    except StoreError:  # no such table: a new or first-release database
        return None
    return str(rows[0][0]) if len(rows) == 1 else None


def _finish_first_release(database: Database, legacy_dir: Path | None) -> int:
    """Bring in what the first release kept outside its database; the turns imported."""
    if legacy_dir is None:
        return 0
    turns = _import_legacy_conversations(database, legacy_dir)
    _remove_old_lexical_index(legacy_dir)
    return turns


def _remove_old_lexical_index(folder: Path) -> None:
    """The first release's bm25s folders: derived data, now kept in the database instead."""
    for name in ("bm25", "bm25.new", "bm25.old"):
        if (folder / name).is_dir():
            shutil.rmtree(folder / name, ignore_errors=True)
            log.info("removed the old lexical index folder %s", folder / name)


def _import_legacy_conversations(database: Database, folder: Path) -> int:
    """Copy the first release's conversations file in, then rename it (kept as a backup)."""
    path = folder / LEGACY_CONVERSATIONS
    if not path.is_file():
        return 0
    try:
        source = sqlite3.connect(path)
        try:
            rows = source.execute(
                "SELECT chat_id, at, question, article_ids FROM conversation_turns ORDER BY at"
            ).fetchall()
        finally:
            source.close()
    except sqlite3.Error as exc:
        raise StoreError(f"cannot read the old conversations file {path}: {exc}") from exc
    with database.write() as conn:
        # recorded in the same transaction, so a crash before the rename never imports twice
        done = conn.execute(sa.select(meta.c.value).where(meta.c.key == _IMPORTED_KEY)).scalar()
        if done is None:
            _insert_turns(conn, rows)
            conn.execute(sa.insert(meta).values(key=_IMPORTED_KEY, value=str(len(rows))))
    path.rename(path.with_name(path.name + ".imported"))
    log.info("imported %d conversation turns from %s", len(rows), path)
    return len(rows)


def _insert_turns(conn: Connection, rows: list[tuple[str, float, str, str]]) -> None:
    if not rows:
        return
    conn.execute(sa.insert(conversation_turns), [
        {"chat_id": str(chat), "at": datetime.fromtimestamp(float(at), UTC),
         "question": str(question), "article_ids": json.dumps(json.loads(ids))}
        for chat, at, question, ids in rows
    ])
