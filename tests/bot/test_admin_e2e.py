"""Admins run newsdesk from the chat: the real bot, the fake Bot API, a loopback news site."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.container import Container
from bot.telegram.admin import PRIVATE_ONLY, REFUSED
from bot.telegram.app import retry_policy
from ingest.pipeline import SourceSpec
from retrieval.embeddings import Embedder
from tests.bot.test_scheduling_e2e import make, running_bot, until
from tests.bot.test_sources_service import STORIES, feed, page
from tests.support.fake_bot_api import (
    FakeBotAPI,
    button_press,
    group_message,
    private_message,
)
from tests.support.http_server import Canned, serve

ADMIN = 90
STRANGER = 91
FAST_RETRY = 0.01  # seconds: every retry of a refused send is still made, without the waits


@pytest.fixture
async def site() -> AsyncIterator[str]:
    routes = {f"/{s.replace(' ', '-')}": page(s) for s in STORIES}
    # one slow page keeps a /reingest running long enough to ask for another
    routes["/Museum-wins-award"].drip_seconds = 0.004
    with serve(routes) as base:
        routes["/feed.xml"] = Canned(feed(base, STORIES), "application/rss+xml")
        yield base


@pytest.fixture
async def bot(tmp_path: Path, database_url: str, api: FakeBotAPI,
              embedder: Embedder) -> AsyncIterator[Container]:
    # scheduling off: here only admins ingest
    container = make(tmp_path, database_url, api, embedder, ingest_interval_minutes=0,
                     telegram_retry_base_seconds=FAST_RETRY)
    async with running_bot(container):
        yield container
    container.close()


def to(api: FakeBotAPI, chat_id: int, method: str = "sendMessage") -> list[dict[str, Any]]:
    return [p for p in api.sent(method) if p.get("chat_id") == chat_id]


async def reply(api: FakeBotAPI, chat_id: int, count: int) -> dict[str, Any]:
    assert await until(lambda: len(to(api, chat_id)) >= count), to(api, chat_id)
    return to(api, chat_id)[count - 1]


async def test_an_admin_adds_a_feed_reingests_it_and_it_is_answerable(
    bot: Container, api: FakeBotAPI, site: str
) -> None:
    api.push(private_message(ADMIN, f"/addsource {site}/feed.xml Loopback Times"))
    preview = await reply(api, ADMIN, 1)
    assert "a feed with 3 items" in preview["text"]
    assert all(story in preview["text"] for story in STORIES)
    buttons = json.loads(preview["reply_markup"]) if isinstance(preview["reply_markup"], str) \
        else preview["reply_markup"]
    add_data = buttons["inline_keyboard"][0][0]["callback_data"]
    assert bot.sources.all() == []  # a dry run stores nothing
    api.push(button_press(STRANGER, ADMIN, preview["_message_id"], add_data))
    assert await until(lambda: any(a.get("show_alert") for a in api.sent("answerCallbackQuery")))
    api.push(button_press(ADMIN, ADMIN, preview["_message_id"], add_data))
    assert await until(lambda: any("Added Loopback Times" in e["text"]
                                   for e in to(api, ADMIN, "editMessageText")))
    [source] = bot.sources.all()
    assert source.name == "Loopback Times" and source.health.last_attempt_at is None

    api.push(private_message(ADMIN, "/reingest"))
    started = await reply(api, ADMIN, 2)
    assert "Starting" in started["text"]
    api.push(private_message(ADMIN, "/reingest"))
    busy = await reply(api, ADMIN, 3)
    assert "already running" in busy["text"]

    def edits() -> list[str]:
        return [e["text"] for e in to(api, ADMIN, "editMessageText")
                if e.get("message_id") == started["_message_id"]]

    assert await until(lambda: any("Ingest done" in t for t in edits()))
    summary = edits()[-1]
    assert "1 source, 3 added, 0 updated, 0 unchanged, 0 failed" in summary
    assert len(to(api, ADMIN)) == 3  # progress went into edits of one message

    api.push(private_message(ADMIN, "What happened to the harbour? Harbour reopens"))
    answer = await reply(api, ADMIN, 4)
    assert f'href="{site}/Harbour-reopens"' in answer["text"]

    api.push(private_message(ADMIN, "/sources"))
    listing = await reply(api, ADMIN, 5)
    assert "Loopback Times" in listing["text"] and "ok" in listing["text"]
    assert "items 3" in listing["text"]
    api.push(private_message(ADMIN, "/status"))
    status = await reply(api, ADMIN, 6)
    assert "sources: 1 ok, 0 failing, 0 paused" in status["text"]
    assert "next scheduled ingest: off" in status["text"]


async def test_pause_resume_and_remove_by_name(bot: Container, api: FakeBotAPI,
                                               site: str) -> None:
    bot.sources.add(f"{site}/feed.xml", "Loopback Times")
    api.push(private_message(ADMIN, "/pause loopback times"))
    assert "Paused <b>Loopback Times</b>" in (await reply(api, ADMIN, 1))["text"]
    assert bot.sources.get("Loopback Times").paused
    api.push(private_message(ADMIN, "/resume Loopback Times"))
    assert "Resumed" in (await reply(api, ADMIN, 2))["text"]
    api.push(private_message(ADMIN, "/removesource Nope"))
    assert "No source named “Nope”" in (await reply(api, ADMIN, 3))["text"]
    api.push(private_message(ADMIN, "/removesource Loopback Times"))
    assert "Removed" in (await reply(api, ADMIN, 4))["text"]
    assert bot.sources.all() == []
    api.push(private_message(ADMIN, "/addsource file:///etc/passwd"))
    assert "only http(s) URLs" in (await reply(api, ADMIN, 5))["text"]
    api.push(private_message(ADMIN, f"/addsource http://{'a' * 70}.example/feed"))
    assert "host name label too long" in (await reply(api, ADMIN, 6))["text"]
    api.push(private_message(ADMIN, "/addsource http://[::1/feed"))
    assert "malformed URL (Invalid IPv6 URL)" in (await reply(api, ADMIN, 7))["text"]
    assert bot.sources.all() == []


async def test_admin_commands_are_refused_to_everyone_else(
    bot: Container, api: FakeBotAPI, site: str
) -> None:
    for number, command in enumerate(
        ["/reingest", f"/addsource {site}/feed.xml", "/pause x", "/resume x",
         "/removesource x", "/status"], start=1):
        api.push(private_message(STRANGER, command))
        assert (await reply(api, STRANGER, number))["text"] == REFUSED
    api.push(private_message(STRANGER, "/sources"))  # everyone's: the outlets
    assert "have not read any news" in (await reply(api, STRANGER, 7))["text"]
    await asyncio.sleep(0.3)
    assert bot.sources.all() == [] and bot.articles.count() == 0


async def test_forget_removes_an_article_everywhere_for_good(
    bot: Container, api: FakeBotAPI, site: str
) -> None:
    bot.sources.add(f"{site}/feed.xml", "Loopback Times")
    bot.sources.ingest()
    url = f"{site}/Harbour-reopens"
    api.push(private_message(ADMIN, "Harbour reopens"))
    assert f'href="{url}"' in (await reply(api, ADMIN, 1))["text"]  # the bot's index knows it
    api.push(private_message(ADMIN, "/forget https://nowhere.example/x"))
    assert "No stored article at" in (await reply(api, ADMIN, 2))["text"]
    api.push(private_message(ADMIN, f"/forget {url}"))
    ask = await reply(api, ADMIN, 3)
    assert "Forget <b>Harbour reopens</b>" in ask["text"]
    buttons = ask["reply_markup"]
    buttons = json.loads(buttons) if isinstance(buttons, str) else buttons
    api.push(button_press(ADMIN, ADMIN, ask["_message_id"],
                          buttons["inline_keyboard"][0][0]["callback_data"]))
    assert await until(lambda: any("Forgot" in e["text"]
                                   for e in to(api, ADMIN, "editMessageText")))
    assert bot.articles.count() == 2
    assert bot.vectors.count() == bot.articles.chunk_count()
    api.push(private_message(ADMIN, "Harbour reopens"))
    assert url not in (await reply(api, ADMIN, 4))["text"]  # gone from this bot's indexes too
    again = bot.pipeline.run([SourceSpec(f"{site}/feed.xml")])  # the feed still lists it
    assert (again.added, again.unchanged) == (0, 3)  # and its page is not even fetched
    assert bot.articles.count() == 2


async def test_status_in_a_group_shows_nothing_and_points_to_a_private_chat(
    bot: Container, api: FakeBotAPI,
) -> None:
    group = -500
    api.push(group_message(group, ADMIN, "/status"))
    answer = await reply(api, group, 1)
    assert answer["text"] == PRIVATE_ONLY
    api.push(group_message(group, STRANGER, "/status"))
    assert (await reply(api, group, 2))["text"] == REFUSED
    api.push(private_message(ADMIN, "/status"))
    assert "sources: 0 ok" in (await reply(api, ADMIN, 1))["text"]
    assert not any(secret in m["text"] for m in to(api, group)
                   for secret in ("sqlite", "postgresql", "sources: "))


async def test_a_reingest_runs_to_its_end_when_its_announcement_cannot_be_sent(
    bot: Container, api: FakeBotAPI, site: str,
) -> None:
    bot.sources.add(f"{site}/feed.xml", "Loopback Times")
    attempts = retry_policy(bot.settings).attempts
    api.fail("sendMessage", 502, times=attempts)  # "Starting the ingest…" never arrives
    api.push(private_message(ADMIN, "/reingest"))
    summary = await reply(api, ADMIN, 1)  # the summary is sent as a message of its own
    assert "1 source, 3 added" in summary["text"]
    refused = [c for c in api.calls if c.method == "sendMessage" and not c.params["_ok"]]
    assert len(refused) == attempts  # the announcement was tried every time, then given up
    [source] = bot.sources.all()
    assert source.health.last_success_at is not None and source.health.items_seen == 3


async def test_reingest_progress_counts_the_items_within_a_source(
    bot: Container, api: FakeBotAPI,
) -> None:
    routes = {f"/{s.replace(' ', '-')}": page(s) for s in STORIES}
    routes["/Museum-wins-award"].drip_seconds = 0.01  # the last page takes about 6 s
    with serve(routes) as base:
        routes["/feed.xml"] = Canned(feed(base, STORIES), "application/rss+xml")
        bot.sources.add(f"{base}/feed.xml", "Loopback Times")
        api.push(private_message(ADMIN, "/reingest"))
        started = await reply(api, ADMIN, 1)

        def edits() -> list[str]:
            return [e["text"] for e in to(api, ADMIN, "editMessageText")
                    if e.get("message_id") == started["_message_id"]]

        assert await until(lambda: any("Ingest done" in t for t in edits()))
    progress = [t for t in edits() if "Ingest done" not in t]
    # one source takes all the time: the edits say how far into it the ingest is
    assert any("0/1 sources done" in t and "now Loopback Times: 2 items read" in t
               for t in progress), progress
