"""Where the benchmarks put their data: SQLite in a folder, or a PostgreSQL database."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import make_url

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def postgres_database(server: str, name: str, fresh: bool) -> str:
    """The URL of database ``name`` on ``server``, created if missing (emptied when fresh)."""
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if fresh:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        exists = conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"),
                              {"n": name}).scalar()
        if not exists:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(server).set(database=name).render_as_string(hide_password=False)


def postgres_database_exists(server: str, name: str) -> bool:
    """Whether database ``name`` is on ``server``."""
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"),
                              {"n": name}).scalar()
    admin.dispose()
    return bool(exists)


def copy_postgres_database(server: str, name: str, template: str) -> None:
    """Database ``name`` on ``server`` made afresh as a copy of ``template`` (nobody may be
    connected to that)."""
    drop_postgres_database(server, name)
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    admin.dispose()


def drop_postgres_database(server: str, name: str) -> None:
    """Drop database ``name`` on ``server``."""
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()
