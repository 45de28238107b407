"""Admins' confirmations live in the database: an /addsource answered after a restart (a new
Application and Container on the same database) still works, twice-pressed confirms once, and an
expired or pre-upgrade button says so. The real bot, the fake Bot API, a loopback feed."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.container import Container
from bot.telegram.admin import USED
from retrieval.embeddings import Embedder
from tests.bot.test_scheduling_e2e import ADMIN, make, running_bot, until
from tests.bot.test_sources_service import STORIES, feed, page
from tests.support.fake_bot_api import FakeBotAPI, button_press, private_message
from tests.support.http_server import Canned, serve

EXPIRED = "This confirmation has expired; send /addsource again."


@pytest.fixture
async def site() -> AsyncIterator[str]:
    routes = {f"/{s.replace(' ', '-')}": page(s) for s in STORIES}
    with serve(routes) as base:
        routes["/feed.xml"] = Canned(feed(base, STORIES), "application/rss+xml")
        yield base


def to_admin(api: FakeBotAPI, method: str) -> list[dict[str, Any]]:
    return [p for p in api.sent(method) if p.get("chat_id", ADMIN) == ADMIN]


def answers(api: FakeBotAPI) -> list[dict[str, Any]]:
    return api.sent("answerCallbackQuery")


async def preview_buttons(api: FakeBotAPI, site: str) -> tuple[int, list[str]]:
    """Send /addsource; the preview's message id and its buttons' data (Add, Cancel)."""
    count = len(to_admin(api, "sendMessage"))
    api.push(private_message(ADMIN, f"/addsource {site}/feed.xml Loopback Times"))
    assert await until(lambda: len(to_admin(api, "sendMessage")) > count)
    preview = to_admin(api, "sendMessage")[-1]
    markup = preview["reply_markup"]
    markup = json.loads(markup) if isinstance(markup, str) else markup
    return preview["_message_id"], [b["callback_data"] for b in markup["inline_keyboard"][0]]


async def test_a_confirmation_pressed_after_a_restart_adds_the_source_once(
    tmp_path: Path, database_url: str, api: FakeBotAPI, embedder: Embedder, site: str
) -> None:
    first = make(tmp_path, database_url, api, embedder, ingest_interval_minutes=0)
    async with running_bot(first):
        message_id, (add, _cancel) = await preview_buttons(api, site)
    first.close()

    restarted = make(tmp_path, database_url, api, embedder, ingest_interval_minutes=0)
    async with running_bot(restarted):
        # pressed twice at once: both presses race through the bot's concurrent updates
        api.push(button_press(ADMIN, ADMIN, message_id, add))
        api.push(button_press(ADMIN, ADMIN, message_id, add))
        assert await until(lambda: len(answers(api)) == 2)
        assert await until(lambda: len(to_admin(api, "editMessageText")) == 1)
        edits = [e["text"] for e in to_admin(api, "editMessageText")]
        assert edits[0].startswith("Added Loopback Times")
        assert sorted(a.get("text", "") for a in answers(api)) == ["", USED]
        assert [s.name for s in restarted.sources.all()] == ["Loopback Times"]
    restarted.close()


async def test_cancel_uses_the_confirmation_up(
    tmp_path: Path, database_url: str, api: FakeBotAPI, embedder: Embedder, site: str
) -> None:
    bot = make(tmp_path, database_url, api, embedder, ingest_interval_minutes=0)
    async with running_bot(bot):
        message_id, (add, cancel) = await preview_buttons(api, site)
        api.push(button_press(ADMIN, ADMIN, message_id, cancel))
        assert await until(lambda: any("Cancelled" in e["text"]
                                       for e in to_admin(api, "editMessageText")))
        api.push(button_press(ADMIN, ADMIN, message_id, add))
        assert await until(lambda: len(answers(api)) == 2)
        assert answers(api)[1]["text"] == USED and answers(api)[1]["show_alert"]
        assert bot.sources.all() == []
    bot.close()


async def test_an_expired_or_pre_upgrade_confirmation_says_send_it_again(
    tmp_path: Path, database_url: str, api: FakeBotAPI, embedder: Embedder, site: str
) -> None:
    now = [datetime.now(UTC)]
    settings = make(tmp_path, database_url, api, embedder).settings.model_copy(
        update={"ingest_interval_minutes": 0})
    bot = Container(settings, embedder=embedder, clock=lambda: now[0])
    async with running_bot(bot):
        message_id, (add, _cancel) = await preview_buttons(api, site)
        now[0] += timedelta(hours=24)
        api.push(button_press(ADMIN, ADMIN, message_id, add))
        assert await until(lambda: len(answers(api)) == 1)
        assert answers(api)[0]["text"] == EXPIRED
        assert await until(lambda: [e["text"] for e in to_admin(api, "editMessageText")]
                           == [EXPIRED])
        # a button of the release that kept confirmations in memory: its token is gone
        api.push(button_press(ADMIN, ADMIN, message_id, "addsource:3fa2c91b0d4e:yes"))
        assert await until(lambda: len(answers(api)) == 2)
        assert answers(api)[1]["text"] == EXPIRED
        assert bot.sources.all() == []
    bot.close()
