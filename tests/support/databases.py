"""Fresh databases for tests: SQLite in a temp dir, or a new schema on a PostgreSQL server.

One PostgreSQL database is created per test session (dropped at the end); each test (or
module) that asks for PostgreSQL gets a new schema in it, selected through ``search_path``.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.engine import make_url

DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
# read at import: the autouse fixture clears NEWSDESK_* variables before each test
CONFIGURED_SERVER = os.environ.get("NEWSDESK_TEST_DATABASE_URL", "")


def server_url() -> str:
    """The PostgreSQL server the tests use (NEWSDESK_TEST_DATABASE_URL, else the local one)."""
    return CONFIGURED_SERVER or DEFAULT_SERVER


def server_answers(url: str) -> str | None:
    """None when the server answers, else why not (one line)."""
    engine = sa.create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError as exc:
        return str(getattr(exc, "orig", exc)).strip().splitlines()[0]
    finally:
        engine.dispose()
    return None


@contextmanager
def session_database(server: str) -> Iterator[str]:
    """Create a database for this test session on ``server``; drop it afterwards."""
    name = f"newsdesk_test_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def fresh_schema(database_url: str) -> Iterator[str]:
    """A new, empty schema in ``database_url``; yields a URL whose connections use it."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(database_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(database_url).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with engine.connect() as conn:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()
