"""Where the benchmarks put their data: SQLite in a folder, or a PostgreSQL database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.engine import Connection, make_url

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


@contextmanager
def _admin(server: str) -> Iterator[Connection]:
    """A connection to ``server`` outside any transaction (CREATE and DROP DATABASE need it)."""
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            yield conn
    finally:
        admin.dispose()


def _exists(conn: Connection, name: str) -> bool:
    return bool(conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"),
                             {"n": name}).scalar())


def postgres_database(server: str, name: str, fresh: bool) -> str:
    """The URL of database ``name`` on ``server``, created if missing (emptied when fresh)."""
    with _admin(server) as conn:
        if fresh:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        if not _exists(conn, name):
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    return make_url(server).set(database=name).render_as_string(hide_password=False)


def postgres_database_exists(server: str, name: str) -> bool:
    """Whether database ``name`` is on ``server``."""
    with _admin(server) as conn:
        return _exists(conn, name)


def copy_postgres_database(server: str, name: str, template: str) -> None:
    """Database ``name`` on ``server`` made afresh as a copy of ``template`` (nobody may be
    connected to that)."""
    with _admin(server) as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))


def drop_postgres_database(server: str, name: str) -> None:
    """Drop database ``name`` on ``server``."""
    with _admin(server) as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
