"""Two processes, one database: `newsdesk ingest` feeds a running bot, no restart.

The bot is a real `newsdesk run` subprocess polling a local fake Bot API server; both
processes share a PostgreSQL schema and a real `chroma run` server, as in the scale-out set-up.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.databases import fresh_schema
from tests.support.fake_bot_api import FakeBotAPI, private_message

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
def shared_env(postgres_database: str, chroma_server: str, tmp_path: Path) -> Iterator[dict]:
    with fresh_schema(postgres_database) as url:
        yield {**os.environ, "NEWSDESK_DATABASE_URL": url, "NEWSDESK_CHROMA_URL": chroma_server,
               "NEWSDESK_DATA_DIR": str(tmp_path / "data"), "HF_HUB_OFFLINE": "1",
               "NEWSDESK_LOG_LEVEL": "WARNING"}


def newsdesk(*args: str, env: dict, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot.cli.main", *args], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=300, check=False)


def replies(api: FakeBotAPI, chat_id: int) -> list[str]:
    return [str(p["text"]) for p in api.sent() if p.get("chat_id") == chat_id]


@pytest.mark.slow
def test_ingest_in_one_process_is_answered_by_a_running_bot(
    shared_env: dict, tmp_path: Path
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
