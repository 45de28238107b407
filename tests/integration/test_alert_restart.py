"""A `newsdesk run` killed with SIGKILL in the middle of a fan-out, then started again.

Every subscriber gets the alert; at most the one message in flight at the kill is sent twice.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from bot.container import Container
from bot.settings import Settings
from storage.subscriptions import SubscriptionRepository
from tests.bot.test_alerts_service import NARA_DEAL, write
from tests.support.fake_bot_api import FakeBotAPI

CHATS = list(range(3001, 3061))


def alerted(api: FakeBotAPI) -> Counter[int]:
    return Counter(int(p["chat_id"]) for p in api.sent() if str(p["text"]).startswith("🔔"))


def start_bot(tmp_path: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    log = (tmp_path / "bot.log").open("ab")
    return subprocess.Popen([sys.executable, "-m", "bot.cli.main", "run"], env=env,
                            cwd=tmp_path, stdout=log, stderr=log)


def test_a_fan_out_killed_midway_completes_after_a_restart(tmp_path: Path,
                                                           model_cache: Path) -> None:
    api = FakeBotAPI().start()
    api.send_delay = 0.05  # a fan-out of 60 takes seconds: time to kill it midway
    env = {**os.environ, "NEWSDESK_DATA_DIR": str(tmp_path / "data"),
           "NEWSDESK_TELEGRAM_TOKEN": api.token, "NEWSDESK_TELEGRAM_API_URL": api.base_url,
           "NEWSDESK_ALLOW_PRIVATE_URLS": "true", "NEWSDESK_ALERT_TICK_SECONDS": "0.3",
           "NEWSDESK_SCHEDULER_TICK_SECONDS": "0.5", "NEWSDESK_MODEL_CACHE_DIR": str(model_cache)}
    news = tmp_path / "news"
    write(news, "deal", "Lee and Takaichi agree to keep talking at Nara summit", NARA_DEAL,
          datetime.now(UTC))
    setup = Container(Settings(data_dir=tmp_path / "data"))
    setup.sources.add(str(news), "Local desk")
    repo = SubscriptionRepository(setup.database)
    for chat in CHATS:
        repo.add(chat, "private", None, "Nara summit", "nara summit", now=datetime.now(UTC),
                 limit=20)
    setup.close()

    bot = start_bot(tmp_path, env)
    try:
        assert api.wait_for(lambda a: len(alerted(a)) >= 20, timeout=120), (
            tmp_path / "bot.log").read_text()
        os.kill(bot.pid, signal.SIGKILL)
        bot.wait(timeout=10)
        before = sum(alerted(api).values())
        assert before < len(CHATS), "the fan-out finished before the kill"
        bot = start_bot(tmp_path, env)
        assert api.wait_for(lambda a: set(alerted(a)) == set(CHATS), timeout=120), (
            tmp_path / "bot.log").read_text()
        time.sleep(1.5)  # a few more ticks: nothing else goes out
    finally:
        bot.terminate()
        bot.wait(timeout=30)
        api.stop()
    counts = alerted(api)
    assert set(counts) == set(CHATS)
    assert sum(n - 1 for n in counts.values()) <= 1  # the one in flight at the kill, at most
