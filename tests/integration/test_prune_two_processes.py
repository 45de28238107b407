"""Two processes, one database: `newsdesk prune` in one, and a running bot stops citing the
pruned article at once (its lexical index and the Chroma server no longer hold it)."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from storage.database import Database
from tests.integration.test_two_processes import (
    ARTICLE,
    QUESTION,
    newsdesk,
    replies,
    shared_env,
)
from tests.support.fake_bot_api import FakeBotAPI, private_message

__all__ = ["shared_env"]  # the fixture, used by name


def _stored_long_ago(url: str) -> None:
    database = Database(url)
    try:
        with database.write() as conn:
            conn.execute(sa.text("UPDATE articles SET fetched_at = :at WHERE title LIKE :title"),
                         {"at": datetime.now(UTC) - timedelta(days=40),
                          "title": "%lichen museum%"})
    finally:
        database.dispose()


@pytest.mark.slow
def test_a_running_bot_stops_citing_an_article_another_process_pruned(
    shared_env: dict[str, str], tmp_path: Path
) -> None:
    story = tmp_path / "lichen.md"
    story.write_text(ARTICLE)
    ingest = newsdesk("ingest", str(story), "--samples", env=shared_env, cwd=tmp_path)
    assert ingest.returncode == 0, ingest.stderr
    api = FakeBotAPI().start()
    bot = subprocess.Popen([sys.executable, "-m", "bot.cli.main", "run"], cwd=tmp_path,
                           env={**shared_env, "NEWSDESK_TELEGRAM_TOKEN": api.token,
                                "NEWSDESK_TELEGRAM_API_URL": api.base_url},
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert api.wait_for(lambda a: bool(a.sent("setMyCommands")), 120), "bot did not start"
        api.push(private_message(7, QUESTION))
        assert api.wait_for(lambda a: len(replies(a, 7)) == 1, 60)
        assert "412 species" in replies(api, 7)[0]
        _stored_long_ago(shared_env["NEWSDESK_DATABASE_URL"])
        pruned = newsdesk("prune", "--older-than", "30", env=shared_env, cwd=tmp_path)
        assert pruned.returncode == 0, pruned.stderr
        assert pruned.stdout.startswith("removed 1 article (")
        api.push(private_message(7, QUESTION))
        assert api.wait_for(lambda a: len(replies(a, 7)) == 2, 60), replies(api, 7)
        assert "412" not in replies(api, 7)[1] and "Valley Gazette" not in replies(api, 7)[1]
    finally:
        bot.terminate()
        _, errors = bot.communicate(timeout=60)
        api.stop()
    assert "Traceback" not in errors, errors
