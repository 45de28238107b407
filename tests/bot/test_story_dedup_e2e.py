"""One story, one alert from the first day, over the fake Bot API: a new deployment's store
holds two articles, and a second outlet's report of the first one's event edits its alert.

Nothing is patched: the real bot, model, store and index, and no sample articles.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from bot.container import Container
from bot.settings import Settings
from retrieval.embeddings import Embedder
from tests.bot.test_alerts_e2e import (
    ADMIN,
    NARA_TITLE,
    USER,
    Clock,
    alerts_to,
    ingest,
    quiet_for,
    said,
)
from tests.bot.test_alerts_service import NARA_DEAL, write
from tests.bot.test_scheduling_e2e import running_bot, until
from tests.support.fake_bot_api import FakeBotAPI, button_press, private_message

# Another outlet's report of the Nara story, worded its own way: its lead is close in meaning
# (cosine 0.87) but no rewrite, and what it shares with the first lead is the event's names.
ELSEWHERE_TITLE = "Nara summit: Seoul and Tokyo leaders vow to keep visiting each other"
ELSEWHERE = ("Lee Jae-myung and Sanae Takaichi ended their summit in Nara with a promise of "
             "regular visits between the two capitals, and plans to work together on chips, "
             "energy and the missile threat from Pyongyang, aides said.")


def markup(sent: dict[str, Any]) -> dict[str, Any]:
    """A message's inline keyboard, as Telegram sends it along with a press."""
    found = sent.get("reply_markup") or {"inline_keyboard": []}
    return json.loads(found) if isinstance(found, str) else found


def keys(sent: dict[str, Any]) -> dict[str, str]:
    """A message's buttons: text -> callback data."""
    return {b["text"]: b["callback_data"] for row in markup(sent)["inline_keyboard"] for b in row}


def empty(tmp_path: Path, database_url: str, api: FakeBotAPI, embedder: Embedder) -> Container:
    """A new deployment: as tests.bot.test_alerts_e2e.make, without the sample articles."""
    settings = Settings(data_dir=tmp_path / "data", database_url=database_url,
                        telegram_token=SecretStr(api.token), telegram_api_url=api.base_url,
                        allow_private_urls=True, admin_ids=[ADMIN], chunk_size=400,
                        alert_tick_seconds=0.2, scheduler_tick_seconds=0.3,
                        ingest_interval_minutes=0)
    return Container(settings, embedder=embedder, clock=Clock())


async def test_a_store_of_two_articles_edits_the_alert_for_another_outlets_report(
    tmp_path: Path, database_url: str, api: FakeBotAPI, embedder: Embedder,
) -> None:
    first = empty(tmp_path, database_url, api, embedder)
    async with running_bot(first):
        api.push(private_message(USER, "/subscribe Nara summit"))
        assert "Following <b>Nara summit</b>" in (await said(api, USER, 1))["text"]
        now = datetime.now(UTC)
        await ingest(first, write(tmp_path / "a", "deal", NARA_TITLE, NARA_DEAL, now))
        assert await until(lambda: len(alerts_to(api, USER)) == 1)
    first.close()
    [alert] = alerts_to(api, USER)
    assert NARA_TITLE in alert["text"]
    # the reader taps 👍 on it: the edit below keeps the tap showing
    async with running_bot(first):
        api.push(button_press(USER, USER, alert["_message_id"],
                              keys(alert)["👍 More like this"], reply_markup=markup(alert)))
        assert await until(lambda: bool(api.sent("answerCallbackQuery")))
        assert [s.taps for s in first.subscriptions.topics(USER)] == [1]
    first.close()

    # restarted, the bot reads the rarity of words from an archive of two articles: the second
    # one and the first, whose shared names are the words the archive sees most
    again = empty(tmp_path, database_url, api, embedder)
    async with running_bot(again):
        await ingest(again, write(tmp_path / "b", "deal-2", ELSEWHERE_TITLE, ELSEWHERE, now,
                                  source="Second Wire"))
        def edits() -> list[dict[str, Any]]:
            return [e for e in api.sent("editMessageText") if e["chat_id"] == USER]

        assert await until(lambda: bool(edits()) or len(alerts_to(api, USER)) > 1)
        await quiet_for(1.5)
        assert len(alerts_to(api, USER)) == 1  # no second alert for the same story
        [edit] = edits()
        assert edit["message_id"] == alert["_message_id"]
        assert edit["text"].startswith(alert["text"])
        assert edit["text"].endswith('Also reported by <a href="https://second.example/deal-2">'
                                     'Second Wire</a>')
        assert "👍 Noted · Undo" in keys(edit) and "👎 Not this" not in keys(edit)
        assert len(again.browse.newest(10)) == 2  # the whole archive
    again.close()
