"""Confirmations in the database: taken once (even by racing workers), per chat, until expiry;
and migration 0010 adds their table to a database that already holds data, on both backends."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from storage import migrate
from storage.confirmations import Confirmation, ConfirmationRepository
from storage.database import Database
from storage.schema import confirmations, sources

DAY = timedelta(hours=24)
CHAT, ADMIN = -100123, 90
NOW = datetime(2026, 1, 12, 9, 30, tzinfo=UTC)


def test_a_confirmation_is_taken_once_with_its_payload(database: Database) -> None:
    repository = ConfirmationRepository(database, clock=lambda: NOW)
    made = repository.create("addsource", CHAT, ADMIN,
                             {"url": "https://w.example/feed", "name": "Wire"}, DAY)
    assert len(made.token) == 16 and made.expires_at == NOW + DAY
    taken = repository.take(made.token, "addsource", CHAT)
    assert taken == made
    assert repository.take(made.token, "addsource", CHAT) == "used"


def test_only_its_own_chat_and_kind_can_take_it(database: Database) -> None:
    repository = ConfirmationRepository(database)
    made = repository.create("forget", CHAT, ADMIN, {"url": "https://w.example/1"}, DAY)
    assert repository.take(made.token, "forget", CHAT + 1) == "expired"
    assert repository.take(made.token, "addsource", CHAT) == "expired"
    assert repository.take("0" * 16, "forget", CHAT) == "expired"
    assert isinstance(repository.take(made.token, "forget", CHAT), Confirmation)  # still there


def test_an_expired_confirmation_is_refused_then_dropped(database: Database) -> None:
    now = [NOW]
    repository = ConfirmationRepository(database, clock=lambda: now[0])
    old = repository.create("addsource", CHAT, ADMIN, {"url": "https://w.example/a"}, DAY)
    used = repository.create("addsource", CHAT, ADMIN, {"url": "https://w.example/b"}, DAY)
    assert isinstance(repository.take(used.token, "addsource", CHAT), Confirmation)
    now[0] += DAY - timedelta(seconds=1)
    fresh = repository.create("forget", CHAT, ADMIN, {"url": "https://w.example/c"}, DAY)
    assert repository.expire() == 0
    now[0] += timedelta(seconds=1)
    assert repository.take(old.token, "addsource", CHAT) == "expired"
    assert repository.take(used.token, "addsource", CHAT) == "expired"
    assert repository.expire() == 2
    assert _tokens(database) == {fresh.token}
    now[0] += DAY
    repository.create("forget", CHAT, ADMIN, {"url": "https://w.example/d"}, DAY)
    assert fresh.token not in _tokens(database)  # creating one drops the expired


def test_racing_workers_confirm_once(database: Database) -> None:
    # one Database (engine, pool) per worker, as in separate processes
    workers = [Database(database.url) for _ in range(6)]
    try:
        repository = ConfirmationRepository(database)
        for _ in range(3):
            made = repository.create("addsource", CHAT, ADMIN, {"url": "https://w.example"}, DAY)
            results = _press_together(workers, made.token)
            assert sorted(map(str, results)).count("used") == len(workers) - 1
            assert [r for r in results if isinstance(r, Confirmation)] == [made]
    finally:
        for worker in workers:
            worker.dispose()


def test_migration_adds_the_table_and_keeps_the_data(database_url: str, tmp_path: Path) -> None:
    database = Database(database_url or f"sqlite:///{tmp_path / 'newsdesk.sqlite3'}")
    migrate.upgrade(database, to="0009")
    assert not sa.inspect(database.engine).has_table("confirmations")
    with database.write() as conn:
        conn.execute(sa.insert(sources).values(
            name="Wire", location="https://w.example/feed", kind="url", origin="added",
            added_at=NOW))
    result = migrate.upgrade(database)
    assert (result.before, result.after) == ("0009", migrate.head_revision())
    with database.read() as conn:
        assert conn.execute(sa.select(sources.c.name, sources.c.added_at)).all() == [
            ("Wire", NOW)]
    made = ConfirmationRepository(database).create("addsource", CHAT, ADMIN, {"url": "u"}, DAY)
    assert _tokens(database) == {made.token}
    database.dispose()


def _press_together(workers: list[Database], token: str) -> list[Confirmation | str]:
    """Each worker takes ``token`` at the same moment, from its own thread."""
    start = threading.Barrier(len(workers))
    results: list[Confirmation | str] = []

    def press(worker: Database) -> None:
        start.wait()
        results.append(ConfirmationRepository(worker).take(token, "addsource", CHAT))

    threads = [threading.Thread(target=press, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _tokens(database: Database) -> set[str]:
    with database.read() as conn:
        return set(conn.execute(sa.select(confirmations.c.token)).scalars())
