"""Scheduled ingest inside the real bot: PTB's JobQueue, a loopback feed, the fake Bot API.

Nothing is patched: the tick interval is short (a setting), and everything is observed from
outside, on the feed server and on the Bot API server.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from bot.container import Container
from bot.services.ingest_runner import IngestRunner
from bot.settings import Settings
from bot.telegram.app import build_application
from retrieval.embeddings import Embedder
from storage.leases import LeaseRepository
from tests.bot.test_sources_service import STORIES, feed, page
from tests.support.fake_bot_api import FakeBotAPI, private_message
from tests.support.http_server import Canned, serve

ADMIN = 90


@asynccontextmanager
async def running_bot(container: Container) -> AsyncIterator[None]:
    app = build_application(container.settings, container)
    async with app:
        await app.post_init(app)  # type: ignore[misc]
        await app.start()
        await app.updater.start_polling(poll_interval=0.0, timeout=1)  # type: ignore[union-attr]
        yield
        await app.updater.stop()  # type: ignore[union-attr]
        await app.stop()


async def until(predicate: Callable[[], bool], timeout: float = 60) -> bool:
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        if predicate():
            return True
        await asyncio.sleep(0.05)
    return False


def make(tmp_path: Path, database_url: str, api: FakeBotAPI, embedder: Embedder,
         **extra: Any) -> Container:
    settings = Settings(data_dir=tmp_path / "data", database_url=database_url,
                        telegram_token=SecretStr(api.token), telegram_api_url=api.base_url,
                        allow_private_urls=True, scheduler_tick_seconds=0.3,
                        admin_ids=[ADMIN], chunk_size=400, **extra)
    return Container(settings, embedder=embedder)


@pytest.fixture
async def api() -> AsyncIterator[FakeBotAPI]:
    server = FakeBotAPI().start()
    yield server
    server.stop()


async def test_the_scheduler_ingests_a_due_source_once_even_across_a_restart(
    tmp_path: Path, database_url: str, api: FakeBotAPI, embedder: Embedder
) -> None:
    requests: list[str] = []
    routes = {f"/{s.replace(' ', '-')}": page(s) for s in STORIES}
    with serve(routes, requests) as base:
        routes["/feed.xml"] = Canned(feed(base, STORIES), "application/rss+xml", etag='"v1"')
        container = make(tmp_path, database_url, api, embedder)
        container.sources.add(f"{base}/feed.xml", "Loopback Times")
        async with running_bot(container):
            assert await until(lambda: container.articles.count() == 3)
            assert await until(lambda: container.sources.get("Loopback Times")
                               .health.last_success_at is not None)
        assert requests.count("/feed.xml") == 1
        container.close()
        restarted = make(tmp_path, database_url, api, embedder)
        async with running_bot(restarted):
            await asyncio.sleep(1.5)  # five ticks: the source is not due for an hour
        restarted.close()
    assert requests.count("/feed.xml") == 1 and len(requests) == 4


async def test_a_failing_source_is_paused_and_admins_are_told_once(
    tmp_path: Path, database_url: str, api: FakeBotAPI, embedder: Embedder
) -> None:
    with serve({"/feed.xml": Canned(b"busy", status=503)}) as base:
        container = make(tmp_path, database_url, api, embedder, max_source_failures=1)
        container.sources.add(f"{base}/feed.xml", "Flaky Wire")
        async with running_bot(container):
            def told() -> list[dict[str, Any]]:
                return [m for m in api.sent() if m.get("chat_id") == ADMIN]

            assert await until(lambda: bool(told()))
            await asyncio.sleep(1.0)
            [notice] = told()
        container.close()
    assert "Flaky Wire" in notice["text"] and "HTTP 503" in notice["text"]
    assert "/resume Flaky Wire" in notice["text"]


def test_one_scheduler_per_database(database_url: str, tmp_path: Path,
                                    embedder: Embedder) -> None:
    container = Container(Settings(data_dir=tmp_path / "data", database_url=database_url),
                          embedder=embedder)
    leases = LeaseRepository(container.database)
    runners = [IngestRunner(container.sources, leases) for _ in range(3)]
    assert [r.is_scheduler() for r in runners] == [True, False, False]
    assert runners[0].is_scheduler()  # renewing keeps it
    runners[0].resign()
    assert [r.is_scheduler() for r in runners[1:]] == [True, False]
    container.close()


async def test_start_on_an_empty_archive_points_only_admins_to_addsource(
    tmp_path: Path, database_url: str, api: FakeBotAPI, embedder: Embedder
) -> None:
    reader = 31
    container = make(tmp_path, database_url, api, embedder)

    def started(chat_id: int) -> list[str]:
        return [str(m["text"]) for m in api.sent("sendMessage") if m.get("chat_id") == chat_id]

    async with running_bot(container):
        api.push(private_message(ADMIN, "/start"))
        api.push(private_message(reader, "/start"))
        assert await until(lambda: bool(started(ADMIN)) and bool(started(reader)))
    container.close()
    [admin_text], [reader_text] = started(ADMIN), started(reader)
    assert "add a source with /addsource" in admin_text
    assert "/addsource" not in reader_text and "try again later" in reader_text
