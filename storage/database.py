"""Connecting to the database (SQLite or PostgreSQL) and running transactions on it.

This is the one place that turns SQLAlchemy's and the drivers' errors into newsdesk's:
a database that cannot be reached is ``DatabaseUnavailable``, any other failure ``StoreError``,
each with a one-line message.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from core.errors import ConfigError, DatabaseUnavailable, StoreError

SQLITE_BUSY_TIMEOUT_MS = 10_000
IN_BATCH = 500  # values in one IN (...) list: under SQLite's bound-parameter limit
PG_CONNECT_TIMEOUT_SECONDS = 5
_WRITE = "newsdesk_write"
_T = TypeVar("_T")


def parse_database_url(url: str) -> URL:
    """A SQLAlchemy URL for SQLite or PostgreSQL (psycopg 3); anything else is a ConfigError."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigError(f"NEWSDESK_DATABASE_URL is not a database URL: {url!r}") from exc
    backend = parsed.get_backend_name()
    if backend in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")  # psycopg 3, whatever was named
    elif backend != "sqlite":
        raise ConfigError(
            "NEWSDESK_DATABASE_URL must name SQLite (sqlite:////path/file.sqlite3) or "
            f"PostgreSQL (postgresql+psycopg://user@host/db), got {backend!r}"
        )
    return parsed


class Database:
    """An engine with pooled connections; ``read()`` and ``write()`` give transactions."""

    def __init__(self, url: str | URL) -> None:
        self.url = parse_database_url(url) if isinstance(url, str) else url
        self.engine = _create_engine(self.url)
        # PostgreSQL reads run in autocommit: one round trip per query instead of three
        # (BEGIN, query, ROLLBACK). SQLite reads stay in a (local, free) transaction.
        self._reader = (
            self.engine.execution_options(isolation_level="AUTOCOMMIT")
            if self.dialect == "postgresql" else self.engine
        )

    @property
    def dialect(self) -> str:
        """"sqlite" or "postgresql"."""
        return self.engine.dialect.name

    @property
    def display_url(self) -> str:
        """The URL without its password, for messages."""
        return self.url.render_as_string(hide_password=True)

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A connection for reading (each statement sees committed data)."""
        with self._connection(self._reader) as conn, _mapped_errors("database query failed"):
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction: committed when the block ends, rolled back on any exception."""
        with self._connection(self.engine) as conn:
            conn.execution_options(**{_WRITE: True})
            with _mapped_errors("database write failed"), conn.begin():
                yield conn

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    @contextmanager
    def _connection(self, engine: Engine) -> Iterator[Connection]:
        try:
            conn = engine.connect()
        except SQLAlchemyError as exc:
            raise DatabaseUnavailable(
                f"cannot reach the database at {self.display_url}: {first_line(exc)}"
            ) from exc
        try:
            yield conn
        finally:
            conn.close()


@contextmanager
def _mapped_errors(what: str) -> Iterator[None]:
    try:
        yield
    except SQLAlchemyError as exc:
        raise StoreError(f"{what}: {first_line(exc)}") from exc


def in_batches(items: Sequence[_T]) -> Iterator[list[_T]]:
    """``items`` in lists short enough for one IN (...) clause each."""
    for start in range(0, len(items), IN_BATCH):
        yield list(items[start:start + IN_BATCH])


def first_line(exc: BaseException) -> str:
    """The driver's own message, first line only (SQLAlchemy appends SQL and a link)."""
    original = getattr(exc, "orig", None) or exc
    text = str(original).strip().splitlines()
    return text[0] if text else type(original).__name__


def _create_engine(url: URL) -> Engine:
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(url)
    # every session in UTC; options already in the URL (a search_path, say) are kept
    options = " ".join(filter(None, [str(url.query.get("options", "")), "-c timezone=UTC"]))
    # No pre-ping (a round trip on every checkout): a connection the server dropped fails one
    # query, which SQLAlchemy answers by discarding the whole pool; recycling bounds their age.
    return sa.create_engine(
        url,
        pool_size=5,
        max_overflow=10,
        pool_recycle=1800,
        connect_args={
            "connect_timeout": PG_CONNECT_TIMEOUT_SECONDS,
            "options": options,
            "application_name": "newsdesk",
        },
    )


def _sqlite_engine(url: URL) -> Engine:
    if url.database and url.database != ":memory:":
        try:
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseUnavailable(
                f"cannot create the folder for {url.database}: {exc}"
            ) from exc
    engine = sa.create_engine(url, connect_args={"check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite's own transaction handling defers BEGIN; we issue it ourselves (below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # IMMEDIATE takes the write lock up front, so two writers queue instead of deadlocking.
        immediate = conn.get_execution_options().get(_WRITE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine
