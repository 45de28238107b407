"""Two processes, one database: `newsdesk ingest` feeds a running bot, no restart.

The bot is a real `newsdesk run` subprocess polling a local fake Bot API server; both
processes share a PostgreSQL schema and a real `chroma run` server, as in the scale-out set-up.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest
import sqlalchemy as sa

from storage.database import Database
from tests.bot.test_sources_service import STORIES, feed, page
from tests.support.databases import fresh_schema
from tests.support.fake_bot_api import FakeBotAPI, private_message
from tests.support.http_server import Canned, serve

ARTICLE = """---
title: Quarry town of Wrenfield opens a lichen museum
source: Valley Gazette
published: 2026-01-14
url: https://valley.example/2026/01/14/lichen-museum
---
Wrenfield opened the country's first lichen museum on Tuesday, in a former quarry office.
The museum shows 412 species collected by the retired teacher Mara Olsson over forty years.
Entry is free for the first month, the town council said.
"""
QUESTION = "How many lichen species does the Wrenfield museum show?"


@pytest.fixture
def shared_env(
    postgres_database: str, chroma_server: str, tmp_path: Path,
) -> Iterator[dict[str, str]]:
    with fresh_schema(postgres_database) as url:
        yield {**os.environ, "NEWSDESK_DATABASE_URL": url, "NEWSDESK_CHROMA_URL": chroma_server,
               "NEWSDESK_DATA_DIR": str(tmp_path / "data"), "HF_HUB_OFFLINE": "1",
               "NEWSDESK_LOG_LEVEL": "WARNING"}


def newsdesk(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot.cli.main", *args], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=300, check=False)


def replies(api: FakeBotAPI, chat_id: int) -> list[str]:
    return [str(p["text"]) for p in api.sent() if p.get("chat_id") == chat_id]


@pytest.mark.slow
def test_ingest_in_one_process_is_answered_by_a_running_bot(
    shared_env: dict[str, str], tmp_path: Path
) -> None:
    assert newsdesk("ingest", "--samples", env=shared_env, cwd=tmp_path).returncode == 0
    api = FakeBotAPI().start()
    bot_env = {**shared_env, "NEWSDESK_TELEGRAM_TOKEN": api.token,
               "NEWSDESK_TELEGRAM_API_URL": api.base_url}
    bot = subprocess.Popen([sys.executable, "-m", "bot.cli.main", "run"], env=bot_env,
                           cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True)
    try:
        assert api.wait_for(lambda a: bool(a.sent("setMyCommands")), 120), "bot did not start"
        api.push(private_message(7, QUESTION))
        assert api.wait_for(lambda a: len(replies(a, 7)) == 1, 60)
        assert "412" not in replies(api, 7)[0]  # not ingested yet: the bot cannot know it
        story = tmp_path / "lichen.md"
        story.write_text(ARTICLE)
        ingest = newsdesk("ingest", str(story), "--json", env=shared_env, cwd=tmp_path)
        assert ingest.returncode == 0, ingest.stderr
        assert '"added": 1' in ingest.stdout
        api.push(private_message(7, QUESTION))
        assert api.wait_for(lambda a: len(replies(a, 7)) == 2, 60), replies(api, 7)
        answer = replies(api, 7)[1]
        assert "412 species" in answer and "Valley Gazette" in answer
    finally:
        bot.terminate()
        _, errors = bot.communicate(timeout=60)
        api.stop()
    assert "Traceback" not in errors, errors


@pytest.mark.slow
def test_two_bots_on_one_database_elect_one_scheduler(
    shared_env: dict[str, str], tmp_path: Path,
) -> None:
    requests: list[str] = []
    routes = {f"/{s.replace(' ', '-')}": page(s) for s in STORIES}
    with serve(routes, requests) as base:
        # a slow feed (about 2 s): a second scheduler would ask for it again meanwhile
        routes["/feed.xml"] = Canned(feed(base, STORIES), "application/rss+xml", etag='"v1"',
                                     drip_seconds=0.004)
        env = {**shared_env, "NEWSDESK_ALLOW_PRIVATE_URLS": "true",
               "NEWSDESK_SCHEDULER_TICK_SECONDS": "0.5"}
        added = newsdesk("sources", "add", f"{base}/feed.xml", "--name", "Loopback Times",
                         env=env, cwd=tmp_path)
        assert added.returncode == 0, added.stderr
        apis = [FakeBotAPI().start() for _ in range(2)]
        bots = [subprocess.Popen(
            [sys.executable, "-m", "bot.cli.main", "run"], cwd=tmp_path, text=True,
            env={**env, "NEWSDESK_TELEGRAM_TOKEN": api.token,
                 "NEWSDESK_TELEGRAM_API_URL": api.base_url},
            stdout=subprocess.PIPE, stderr=subprocess.PIPE) for api in apis]
        try:
            for api in apis:
                assert api.wait_for(lambda a: bool(a.sent("setMyCommands")), 120)
            def listed() -> list[dict[str, Any]]:
                result = newsdesk("sources", "list", "--json", env=env, cwd=tmp_path)
                return cast(list[dict[str, Any]], json.loads(result.stdout))

            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and listed()[0]["last_success"] is None:
                time.sleep(0.5)
            time.sleep(3)  # several more ticks of both processes
            holder = _scheduler_holder(env["NEWSDESK_DATABASE_URL"])
        finally:
            errors = []
            for bot in bots:
                bot.terminate()
                errors.append(bot.communicate(timeout=60)[1])
            for api in apis:
                api.stop()
    assert listed()[0]["items"] == 3
    assert requests.count("/feed.xml") == 1  # one scheduler fetched it, once
    assert holder.split("/")[0].rsplit(":", 1)[1] in {str(b.pid) for b in bots}
    assert all("Traceback" not in e for e in errors), errors


def _scheduler_holder(url: str) -> str:
    database = Database(url)
    try:
        with database.read() as conn:
            return str(conn.execute(sa.text(
                "SELECT holder FROM leases WHERE name = 'scheduler'")).scalar())
    finally:
        database.dispose()
