"""A database outage, staged on a real PostgreSQL server: users are told plainly, never its URL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from bot.telegram.failures import UNREACHABLE
from retrieval.embeddings import Embedder
from tests.bot.test_alerts_e2e import Clock, make, said
from tests.bot.test_scheduling_e2e import running_bot
from tests.support import databases
from tests.support.fake_bot_api import FakeBotAPI, private_message

USER = 502


@pytest.fixture
def own_database(postgres_database: str) -> Iterator[str]:
    """A database of this test's own, so that closing it to connections harms no other test."""
    with databases.session_database(databases.server_url()) as url:
        yield url


def close_to_connections(database_url: str, closed: bool) -> None:
    """Refuse (or allow again) every new connection to the database, and end the open ones."""
    name = make_url(database_url).database
    admin = sa.create_engine(databases.server_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS {not closed!s}'))
        if closed:
            conn.execute(sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                 "WHERE datname = :name AND pid <> pg_backend_pid()"),
                         {"name": name})
    admin.dispose()


async def test_users_hear_the_news_is_unreachable_not_where_the_database_is(
    tmp_path: Path, own_database: str, api: FakeBotAPI, embedder: Embedder,
) -> None:
    container = make(tmp_path, own_database, api, embedder, Clock())
    try:
        async with running_bot(container):
            close_to_connections(own_database, closed=True)
            try:
                api.push(private_message(USER, "/subscribe Nara summit"))
                reply = (await said(api, USER, 1))["text"]
            finally:
                close_to_connections(own_database, closed=False)
            assert reply == UNREACHABLE
            assert "postgresql" not in reply and "127.0.0.1" not in reply
            api.push(private_message(USER, "/subscribe Nara summit"))
            assert "Following <b>Nara summit</b>" in (await said(api, USER, 2))["text"]
    finally:
        container.close()
