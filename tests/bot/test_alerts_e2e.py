"""Topic alerts over the fake Bot API: the real bot, its JobQueue, the real model and store.

Nothing is patched. The alerts' clock is injected (digests and quiet hours without waiting);
articles arrive as they do in production: written by an ingest in this or another process.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from bot.container import Container
from bot.settings import Settings
from bot.telegram.app import FLOOD_RETRIES, build_application
from ingest.pipeline import SourceSpec
from ingest.sample_articles import SAMPLES_DIR
from retrieval.embeddings import Embedder
from storage.subscriptions import SubscriptionRepository
from tests.bot.test_alerts_service import BIKES, NARA_DEAL, NARA_DEAL_ELSEWHERE, write
from tests.bot.test_scheduling_e2e import running_bot, until
from tests.support.fake_bot_api import (
    FakeBotAPI,
    bot_membership,
    button_press,
    check_html,
    group_message,
    private_message,
)

ADMIN = 90
USER = 501
GROUP = -1001500
NARA_TITLE = "Lee and Takaichi agree to keep talking at Nara summit"


class Clock:
    """The alerts' now: real time, moved ahead by the test (``skip``) instead of waiting."""

    def __init__(self) -> None:
        self.offset = timedelta(minutes=-1)

    @property
    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def skip(self, delta: timedelta) -> None:
        self.offset += delta

    def __call__(self) -> datetime:
        return self.now


def make(tmp_path: Path, database_url: str, api: FakeBotAPI, embedder: Embedder, clock: Clock,
         **extra: Any) -> Container:
    settings = Settings(data_dir=tmp_path / "data", database_url=database_url,
                        telegram_token=SecretStr(api.token), telegram_api_url=api.base_url,
                        allow_private_urls=True, admin_ids=[ADMIN], chunk_size=400,
                        alert_tick_seconds=0.2, scheduler_tick_seconds=0.3,
                        **{"ingest_interval_minutes": 0, **extra})
    container = Container(settings, embedder=embedder, clock=clock)
    container.pipeline.run([SourceSpec(str(SAMPLES_DIR))])
    return container


@pytest.fixture
async def bot(tmp_path: Path, database_url: str, api: FakeBotAPI,
              embedder: Embedder) -> AsyncIterator[tuple[Container, Clock]]:
    clock = Clock()
    container = make(tmp_path, database_url, api, embedder, clock)
    async with running_bot(container):
        yield container, clock
    container.close()


def to(api: FakeBotAPI, chat_id: int) -> list[dict[str, Any]]:
    return [p for p in api.sent() if p.get("chat_id") == chat_id]


def alerts_to(api: FakeBotAPI, chat_id: int) -> list[dict[str, Any]]:
    return [p for p in to(api, chat_id) if str(p["text"]).startswith(("🔔", "📰"))]


async def said(api: FakeBotAPI, chat_id: int, count: int) -> dict[str, Any]:
    assert await until(lambda: len(to(api, chat_id)) >= count, timeout=30), to(api, chat_id)
    return to(api, chat_id)[count - 1]


async def ingest(container: Container, path: Path) -> None:
    report = await asyncio.to_thread(container.pipeline.run, [SourceSpec(str(path))])
    assert report.ok and report.ingested


async def quiet_for(seconds: float) -> None:
    await asyncio.sleep(seconds)


async def test_subscribe_then_one_alert_per_story_with_a_verified_quote(
    bot: tuple[Container, Clock], api: FakeBotAPI, tmp_path: Path,
) -> None:
    container, _ = bot
    api.push(private_message(USER, "/subscribe Nara summit"))
    confirmation = await said(api, USER, 1)
    assert "Following <b>Nara summit</b>" in confirmation["text"]
    assert "Tip:" not in confirmation["text"]  # not a name: nothing to quote
    assert "Lee heads to Nara for fifth summit" in confirmation["text"]  # the archive's match
    buttons = [b["callback_data"] for row in confirmation["reply_markup"]["inline_keyboard"]
               for b in row]
    assert buttons[0].startswith("sub:digest:") and buttons[1].startswith("sub:undo:")

    now = datetime.now(UTC)
    await ingest(container, write(tmp_path / "a", "deal", NARA_TITLE, NARA_DEAL, now))
    assert await until(lambda: len(alerts_to(api, USER)) == 1)
    [alert] = alerts_to(api, USER)
    assert "🔔 <b>Nara summit</b>" in alert["text"] and NARA_TITLE in alert["text"]
    quote = alert["text"].split("<blockquote>")[1].split("</blockquote>")[0]
    stored = [a for a in container.browse.newest(20) if a.title == NARA_TITLE]
    assert stored and quote in " ".join(stored[0].text.split())
    keys = [b["callback_data"] for row in alert["reply_markup"]["inline_keyboard"] for b in row]
    assert alert["link_preview_options"] == {  # the article's small preview, below the text
        "url": stored[0].url, "prefer_small_media": True, "show_above_text": False}
    assert keys[0] == f"tap:1:{stored[0].id}:y" and keys[1] == f"tap:1:{stored[0].id}:n"
    assert keys[2:] == [f"alert:ask:{stored[0].id}", keys[3]] and keys[3].startswith("sub:rm:")

    # another outlet's report of the same story, an update of the first, an unrelated story
    await ingest(container, write(tmp_path / "b", "deal-2", "Lee, Takaichi agree to continue "
                                  "shuttle diplomacy in Nara", NARA_DEAL_ELSEWHERE, now,
                                  source="Second Wire"))
    await ingest(container, write(tmp_path / "a", "deal", NARA_TITLE, NARA_DEAL + "\n\nUpdated.",
                                  now))
    await ingest(container, write(tmp_path / "c", "bikes", "Council approves bicycle lanes",
                                  BIKES, now))
    await quiet_for(1.5)
    assert len(alerts_to(api, USER)) == 1
    # instead, the alert names the second outlet (once: the update is the first outlet's)
    [edit] = [e for e in api.sent("editMessageText") if e["chat_id"] == USER]
    assert edit["message_id"] == alert["_message_id"]
    assert edit["text"].startswith(alert["text"])
    assert edit["text"].endswith('Also reported by <a href="https://second.example/deal-2">'
                                 'Second Wire</a>')
    assert edit["reply_markup"] == alert["reply_markup"]

    # "Ask about this" puts the conversation on the story
    api.push(button_press(USER, USER, 1, f"alert:ask:{stored[0].id}"))
    assert "Let's talk about" in (await said(api, USER, 3))["text"]
    assert container.conversations.recent(str(USER))[-1].article_ids == (stored[0].id,)


async def test_an_admins_reingest_of_a_local_source_brings_the_alert(
    bot: tuple[Container, Clock], api: FakeBotAPI, tmp_path: Path,
) -> None:
    container, _ = bot
    news = tmp_path / "desk"
    news.mkdir()
    await asyncio.to_thread(container.sources.add, str(news), "Local desk")
    api.push(private_message(USER, "/subscribe Nara summit"))
    await said(api, USER, 1)
    write(news, "deal", NARA_TITLE, NARA_DEAL, datetime.now(UTC))
    api.push(private_message(ADMIN, "/reingest Local desk"))
    assert await until(lambda: len(alerts_to(api, USER)) == 1)
    assert NARA_TITLE in alerts_to(api, USER)[0]["text"]


async def test_quiet_hours_hold_alerts_and_the_digest_comes_at_the_local_time(
    bot: tuple[Container, Clock], api: FakeBotAPI, tmp_path: Path,
) -> None:
    container, clock = bot
    # Tokyo is UTC+9: quiet from an hour before the alerts' now until three hours after it
    local = clock.now + timedelta(hours=9)
    start, end = (local - timedelta(hours=1)), (local + timedelta(hours=3))
    for n, command in enumerate(("/timezone asia/tokyo", f"/quiet {start:%H:%M}-{end:%H:%M}",
                                 "/subscribe Nara summit", '/subscribe "coral reef"'), 1):
        api.push(private_message(USER, command))  # one at a time: updates run concurrently
        await said(api, USER, n)
    assert "Asia/Tokyo" in to(api, USER)[0]["text"] and "Quiet hours" in to(api, USER)[1]["text"]
    fourth = to(api, USER)[3]
    coral_id = fourth["reply_markup"]["inline_keyboard"][0][0]["callback_data"].split(":")[2]
    assert "I'll alert you here to each new story" in fourth["text"]
    api.push(button_press(USER, USER, fourth["_message_id"], f"sub:digest:{coral_id}",
                          reply_markup=fourth["reply_markup"],
                          text=check_html(fourth["text"])))  # coral: daily digest
    # the confirmation now promises the digest, its button offers the other mode, its toast
    # says what changed
    assert await until(lambda: bool(api.sent("editMessageText")))
    [edit] = api.sent("editMessageText")
    assert edit["message_id"] == fourth["_message_id"]
    first, _, rest = edit["text"].partition("\n")
    assert first.endswith("daily digest here.") and "coral reef" in first
    assert check_html(rest) == check_html(fourth["text"]).partition("\n")[2]  # stories stay
    assert [k["text"] for k in edit["reply_markup"]["inline_keyboard"][0]] == [
        "Instant alerts instead", "Undo"]
    assert "daily digest" in api.sent("answerCallbackQuery")[-1]["text"]
    api.push(private_message(USER, f"/digest {local + timedelta(hours=5):%H:%M}"))
    assert "digest now arrives at" in (await said(api, USER, 5))["text"]

    now = datetime.now(UTC)
    await ingest(container, write(tmp_path / "a", "deal", NARA_TITLE, NARA_DEAL, now))
    await ingest(container, write(tmp_path / "a", "reef", "Divers chart a second coral reef "
                                  "off the coast", "Divers charted a second coral reef off the "
                                  "coast this week, a month after the first survey.", now))
    await quiet_for(1.5)
    assert alerts_to(api, USER) == []  # quiet hours, and the digest is not due
    clock.skip(timedelta(hours=3, minutes=1))  # quiet hours are over
    assert await until(lambda: len(alerts_to(api, USER)) == 1)
    assert alerts_to(api, USER)[0]["text"].startswith("🔔 <b>Nara summit</b>")
    await quiet_for(1.0)
    assert len(alerts_to(api, USER)) == 1  # the coral story waits for the digest
    clock.skip(timedelta(hours=2))  # the digest time has come
    assert await until(lambda: len(alerts_to(api, USER)) == 2)
    digest = alerts_to(api, USER)[1]["text"]
    assert digest.startswith("📰 <b>Your daily digest</b>") and "Divers chart a second" in digest
    # numbered, a verified quote per story, a button to act on it (a quoted name: no taps)
    assert "\n1. " in digest and "<blockquote>Divers charted a second coral reef" in digest
    keys = alerts_to(api, USER)[1]["reply_markup"]["inline_keyboard"]
    assert [[k["text"] for k in row] for row in keys] == [["Ask 1"]]
    assert alerts_to(api, USER)[1]["link_preview_options"] == {"is_disabled": True}
    await quiet_for(1.0)
    assert len(alerts_to(api, USER)) == 2


async def test_a_429_storm_during_fan_out_delays_but_loses_and_doubles_nothing(
    bot: tuple[Container, Clock], api: FakeBotAPI, tmp_path: Path,
) -> None:
    container, clock = bot
    chats = list(range(1000, 1030))
    repo = SubscriptionRepository(container.database)  # the subscribing is tested elsewhere
    for chat in chats:
        repo.add(chat, "private", None, "Nara summit", "nara summit", now=clock.now, limit=20)
    # one message outlasts the rate limiter's retries (back to the outbox), the next is delayed
    api.fail("sendMessage", 429, times=FLOOD_RETRIES + 2, retry_after=1)
    await ingest(container, write(tmp_path / "a", "deal", NARA_TITLE, NARA_DEAL,
                                  datetime.now(UTC)))
    assert await until(lambda: all(alerts_to(api, chat) for chat in chats), timeout=90)
    await quiet_for(1.0)
    assert sorted(p["chat_id"] for p in api.sent() if p["text"].startswith("🔔")) == chats
    assert container.alerts.queued() == 0


async def test_stopping_the_bot_mid_fan_out_ends_it_within_seconds_and_a_restart_sends_the_rest(
    tmp_path: Path, database_url: str, api: FakeBotAPI, embedder: Embedder,
) -> None:
    clock = Clock()
    container = make(tmp_path, database_url, api, embedder, clock)
    chats = list(range(20_001, 20_241))  # 8 s of sending at Telegram's 30 messages/s
    repo = SubscriptionRepository(container.database)
    for chat in chats:
        repo.add(chat, "private", None, "Nara summit", "nara summit", now=clock.now, limit=20)

    def fanned() -> list[int]:
        return [p["chat_id"] for p in api.sent() if str(p["text"]).startswith("🔔")]

    app = build_application(container.settings, container)
    async with app:
        await app.start()  # the JobQueue runs the alert tick
        await ingest(container, write(tmp_path / "a", "deal", NARA_TITLE, NARA_DEAL,
                                      datetime.now(UTC)))
        assert await until(lambda: len(fanned()) >= 20)
        started = time.monotonic()
        await app.stop()  # what Ctrl-C and SIGTERM end in (run_polling's shutdown)
        took = time.monotonic() - started
    assert took < 3, f"stopping took {took:.1f} s"
    first = fanned()
    await quiet_for(1.0)
    assert fanned() == first and len(first) < len(chats)
    assert len(set(first)) == len(first)
    assert container.alerts.queued() == len(chats) - len(first)  # every sent one recorded

    async with running_bot(container):
        assert await until(lambda: len(fanned()) == len(chats), timeout=60)
        await quiet_for(1.0)
    assert sorted(fanned()) == chats
    assert container.alerts.queued() == 0
    container.close()


@pytest.mark.slow
async def test_sigint_to_newsdesk_run_ends_a_fan_out_within_seconds(
    tmp_path: Path, api: FakeBotAPI, embedder: Embedder,
) -> None:
    clock = Clock()
    container = make(tmp_path, "", api, embedder, clock)
    chats = list(range(30_001, 30_601))  # 20 s of sending at 30 messages/s
    repo = SubscriptionRepository(container.database)
    for chat in chats:
        repo.add(chat, "private", None, "Nara summit", "nara summit", now=clock.now, limit=20)
    await ingest(container, write(tmp_path / "a", "deal", NARA_TITLE, NARA_DEAL,
                                  datetime.now(UTC)))
    assert container.alerts.match_new().queued == len(chats)
    container.close()

    def fanned() -> list[int]:
        return [p["chat_id"] for p in api.sent() if str(p["text"]).startswith("🔔")]

    env = {**os.environ, "NEWSDESK_DATA_DIR": str(container.settings.data_dir),
           "NEWSDESK_TELEGRAM_TOKEN": api.token, "NEWSDESK_TELEGRAM_API_URL": api.base_url,
           "NEWSDESK_INGEST_INTERVAL_MINUTES": "0", "NEWSDESK_ALERT_TICK_SECONDS": "0.5"}
    process = subprocess.Popen([sys.executable, "-m", "bot.cli.main", "run"], env=env,
                               cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        assert await until(lambda: len(fanned()) >= 30, timeout=120)
        process.send_signal(signal.SIGINT)
        started = time.monotonic()
        await asyncio.to_thread(process.wait, 30)
        took = time.monotonic() - started
    finally:
        if process.poll() is None:
            process.kill()
    stderr = process.stderr.read().decode() if process.stderr else ""
    assert took < 5, f"newsdesk run took {took:.1f} s to stop: {stderr[-500:]}"
    first = fanned()
    assert len(first) < len(chats) and len(set(first)) == len(first)
    reopened = Container(container.settings, embedder=embedder)
    assert reopened.alerts.queued() == len(chats) - len(first)
    reopened.close()


async def test_an_ingest_by_another_process_into_embedded_chroma_is_matched_and_alerted(
    bot: tuple[Container, Clock], api: FakeBotAPI, tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    container, _ = bot
    await asyncio.to_thread(container.subscriptions.subscribe, USER, "private", None,
                            "Nara summit")
    folder = write(tmp_path / "a", "deal", NARA_TITLE, NARA_DEAL, datetime.now(UTC))
    env = {**os.environ, "NEWSDESK_DATA_DIR": str(container.settings.data_dir),
           "NEWSDESK_DATABASE_URL": container.settings.database_url,
           "NEWSDESK_CHUNK_SIZE": "400"}
    caplog.set_level(logging.INFO)
    done = await asyncio.to_thread(
        subprocess.run, [sys.executable, "-m", "bot.cli.main", "ingest", str(folder), "--json"],
        env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    # the bot's embedded Chroma client was opened before that process wrote the vectors
    assert await until(lambda: len(alerts_to(api, USER)) == 1, timeout=30)
    assert NARA_TITLE in alerts_to(api, USER)[0]["text"]
    reopened = [r for r in caplog.records if "vector store was reopened" in r.getMessage()]
    assert len(reopened) == 1
    assert not [r for r in caplog.records if "alert delivery failed" in r.getMessage()]


async def test_a_blocked_user_is_paused_others_are_served_and_a_return_resumes(
    bot: tuple[Container, Clock], api: FakeBotAPI, tmp_path: Path,
) -> None:
    container, _ = bot
    blocked, other, deleted = 2001, 2002, 2003
    for chat in (blocked, other, deleted):
        await asyncio.to_thread(container.subscriptions.subscribe, chat, "private", None,
                                "Nara summit")
    api.blocked.add(blocked)
    api.missing.add(deleted)  # 400 "chat not found"
    await ingest(container, write(tmp_path / "a", "deal", NARA_TITLE, NARA_DEAL,
                                  datetime.now(UTC)))
    assert await until(lambda: len(alerts_to(api, other)) == 1)
    assert await until(lambda: not container.subscriptions.prefs(blocked).active)
    assert await until(lambda: not container.subscriptions.prefs(deleted).active)
    assert container.subscriptions.counts() == (1, 1)
    api.push(private_message(ADMIN, "/status"))
    assert "alerts: 1 subscription in 1 chat, 0 queued" in (await said(api, ADMIN, 1))["text"]
    # the user unblocks the bot: Telegram sends my_chat_member, the subscription is back
    api.blocked.clear()
    api.push(bot_membership(blocked, blocked, "kicked", "member"))
    assert await until(lambda: container.subscriptions.prefs(blocked).active)
    assert container.subscriptions.counts() == (2, 2)
    api.push(bot_membership(other, other, "member", "kicked"))  # and another one leaves
    assert await until(lambda: not container.subscriptions.prefs(other).active)


async def test_a_name_is_offered_in_quotes_and_one_press_follows_the_quoted_name(
    bot: tuple[Container, Clock], api: FakeBotAPI,
) -> None:
    container, _ = bot
    api.push(private_message(USER, "/subscribe Lee Jae-myung"))
    offer = await said(api, USER, 1)
    assert "Following <b>Lee Jae-myung</b>" in offer["text"]
    assert '/subscribe "Lee Jae-myung" (in quotes)' in offer["text"]
    quote = offer["reply_markup"]["inline_keyboard"][1][0]
    assert quote["text"] == "Every story naming Lee Jae-myung"
    api.push(button_press(USER, USER, offer["_message_id"], quote["callback_data"]))
    assert await until(lambda: any(c.method == "editMessageText" for c in api.calls))
    edited = [c.params for c in api.calls if c.method == "editMessageText"][-1]
    assert "Now following &quot;Lee Jae-myung&quot;" in edited["text"]
    [followed] = container.subscriptions.topics(USER)
    assert followed.topic == '"Lee Jae-myung"' and followed.mode == "instant"
    api.push(private_message(USER, '/subscribe "Nara"'))
    quoted = await said(api, USER, 2)
    assert "Tip:" not in quoted["text"] and len(quoted["reply_markup"]["inline_keyboard"]) == 1


async def test_in_groups_only_admins_subscribe_and_forum_alerts_go_to_the_thread(
    bot: tuple[Container, Clock], api: FakeBotAPI, tmp_path: Path,
) -> None:
    container, _ = bot
    member, admin = 601, 602
    api.group_admins[GROUP] = {admin}
    api.push(group_message(GROUP, member, "/subscribe Nara summit", thread_id=77))
    assert "only the group's administrators" in (await said(api, GROUP, 1))["text"]
    api.push(group_message(GROUP, admin, "/subscribe Nara summit", thread_id=77))
    confirmation = await said(api, GROUP, 2)
    assert "Following" in confirmation["text"] and confirmation["message_thread_id"] == 77
    await ingest(container, write(tmp_path / "a", "deal", NARA_TITLE, NARA_DEAL,
                                  datetime.now(UTC)))
    assert await until(lambda: len(alerts_to(api, GROUP)) == 1)
    assert alerts_to(api, GROUP)[0]["message_thread_id"] == 77


async def test_list_unsubscribe_and_clear_errors(
    bot: tuple[Container, Clock], api: FakeBotAPI,
) -> None:
    for n, command in enumerate(("/subscribe Nara summit", "/subscribe coral -football",
                                 "/subscriptions"), 1):
        api.push(private_message(USER, command))
        await said(api, USER, n)
    listing = to(api, USER)[2]
    assert "1. <b>Nara summit</b> — instant" in listing["text"]
    assert "2. <b>coral -football</b> — instant" in listing["text"]
    assert len(listing["reply_markup"]["inline_keyboard"]) == 2
    api.push(private_message(USER, "/unsubscribe"))
    picker = await said(api, USER, 4)
    first = picker["reply_markup"]["inline_keyboard"][0][0]
    assert first["text"] == "Nara summit"
    api.push(button_press(USER, USER, 4, first["callback_data"]))
    assert await until(lambda: any(c.method == "editMessageText" for c in api.calls))
    edited = [c.params for c in api.calls if c.method == "editMessageText"][-1]
    assert "Nara summit" not in edited["text"] and "coral -football" in edited["text"]
    for command, says in (("/unsubscribe coral  -FOOTBALL", "Stopped <b>coral -football</b>"),
                          ("/timezone Mars/Olympus", "not a time zone I know"),
                          ("/quiet 25:00-07:00", "not a time of day"),
                          ("/subscribe", "Tell me the topic"),
                          ("/unsubscribe rail", "does not follow")):
        before = len(to(api, USER))
        api.push(private_message(USER, command))
        assert says in (await said(api, USER, before + 1))["text"]


async def test_paid_broadcast_marks_alerts_only(
    tmp_path: Path, database_url: str, api: FakeBotAPI, embedder: Embedder,
) -> None:
    container = make(tmp_path, database_url, api, embedder, Clock(), paid_broadcast=True)
    async with running_bot(container):
        api.push(private_message(USER, "/subscribe Nara summit"))
        confirmation = await said(api, USER, 1)
        await ingest(container, write(tmp_path / "a", "deal", NARA_TITLE, NARA_DEAL,
                                      datetime.now(UTC)))
        assert await until(lambda: len(alerts_to(api, USER)) == 1)
    container.close()
    assert alerts_to(api, USER)[0]["allow_paid_broadcast"] is True
    assert "allow_paid_broadcast" not in confirmation  # replies are not broadcasts


async def test_a_group_topic_is_echoed_cleaned_and_digest_now_follows_the_group_rule(
    bot: tuple[Container, Clock], api: FakeBotAPI,
) -> None:
    member, admin = 611, 612
    api.group_admins[GROUP] = {admin}
    api.push(group_message(GROUP, admin, "/subscribe Nara \u202esummit\x00"))
    confirmation = (await said(api, GROUP, 1))["text"]
    assert "Nara summit" in confirmation
    assert not any(c in confirmation for c in "\u202e\x00")
    api.push(group_message(GROUP, member, "/digest now"))
    assert "only the group's administrators" in (await said(api, GROUP, 2))["text"]
    api.push(group_message(GROUP, member, "/digest 08:00"))
    assert "only the group's administrators" in (await said(api, GROUP, 3))["text"]
    api.push(group_message(GROUP, admin, "/digest now"))
    assert "only the group's administrators" not in (await said(api, GROUP, 4))["text"]


NARA_ROADS = ("Nara closes roads and parks for the summit", """Police in Nara closed roads \
around the city's deer park on Monday ahead of the summit between President Lee Jae-myung and \
Prime Minister Sanae Takaichi. Residents were told to expect checkpoints and bus diversions \
until Wednesday.""")
NARA_DINNER = ("Takaichi hosts Lee at a dinner after the Nara summit", """Prime Minister Sanae \
Takaichi hosted President Lee Jae-myung at a dinner of local dishes on Tuesday evening, after \
the Nara summit. The menu featured persimmon-leaf sushi and sake from a Nara brewery.""")


def keyboard_edits(api: FakeBotAPI, chat_id: int) -> list[dict[str, Any]]:
    return [p for p in api.sent("editMessageReplyMarkup") if p.get("chat_id") == chat_id]


def answers(api: FakeBotAPI) -> list[str]:
    return [str(p.get("text", "")) for p in api.sent("answerCallbackQuery")]


def press(api: FakeBotAPI, message: dict[str, Any], button: dict[str, Any]) -> None:
    """Press ``button`` under ``message`` (a sendMessage or edit the bot made), as Telegram
    reports it: with the keyboard the message shows."""
    api.push(button_press(USER, USER, message["message_id"] if "message_id" in message
                          else message["_message_id"], button["callback_data"],
                          reply_markup=message["reply_markup"]))


async def alerted(api: FakeBotAPI, container: Container, tmp_path: Path) -> dict[str, Any]:
    """/subscribe Nara summit, then a story on it: its alert."""
    api.push(private_message(USER, "/subscribe Nara summit"))
    await said(api, USER, 1)
    await ingest(container, write(tmp_path / "a", "deal", NARA_TITLE, NARA_DEAL,
                                  datetime.now(UTC)))
    assert await until(lambda: len(alerts_to(api, USER)) == 1)
    return alerts_to(api, USER)[0]


async def test_stop_this_topic_says_so_under_the_alert_and_undo_brings_the_topic_back(
    bot: tuple[Container, Clock], api: FakeBotAPI, tmp_path: Path,
) -> None:
    container, _ = bot
    alert = await alerted(api, container, tmp_path)
    [nara] = container.subscriptions.topics(USER)
    ask, stop = alert["reply_markup"]["inline_keyboard"][1]
    assert stop == {"text": "Stop this topic", "callback_data": f"sub:rm:{nara.id}"}
    press(api, alert, stop)
    assert await until(lambda: len(keyboard_edits(api, USER)) == 1)
    [stopped] = keyboard_edits(api, USER)
    assert stopped["message_id"] == alert["_message_id"]
    undo = {"text": "🔕 Stopped “Nara summit” · Undo", "callback_data": f"sub:back:{nara.id}"}
    assert stopped["reply_markup"]["inline_keyboard"] == [[ask], [undo]]
    assert answers(api)[-1] == "Stopped alerts for “Nara summit”. Undo brings them back."
    # the alert's own text is left as it was, and nothing else is said in the chat
    assert api.sent("editMessageText") == [] and len(to(api, USER)) == 2
    assert container.subscriptions.topics(USER) == []
    await ingest(container, write(tmp_path / "b", "roads", *NARA_ROADS, datetime.now(UTC)))
    await quiet_for(1.5)
    assert len(alerts_to(api, USER)) == 1  # stopped: no alert

    press(api, stopped, undo)
    assert await until(lambda: len(keyboard_edits(api, USER)) == 2)
    assert keyboard_edits(api, USER)[1]["reply_markup"] == alert["reply_markup"]
    assert answers(api)[-1] == "Alerts for “Nara summit” are back on."
    [back] = container.subscriptions.topics(USER)
    assert (back.id, back.topic, back.mode, back.thread_id, back.created_at) == (
        nara.id, nara.topic, nara.mode, nara.thread_id, nara.created_at)
    press(api, stopped, undo)  # Undo again (a double tap, another device)
    assert await until(lambda: len(answers(api)) == 3)
    assert answers(api)[-1] == "You follow “Nara summit” already: nothing to undo."
    assert len(container.subscriptions.topics(USER)) == 1
    assert keyboard_edits(api, USER)[-1]["reply_markup"] == alert["reply_markup"]

    await ingest(container, write(tmp_path / "c", "dinner", *NARA_DINNER, datetime.now(UTC)))
    assert await until(lambda: len(alerts_to(api, USER)) == 2)
    assert NARA_DINNER[0] in alerts_to(api, USER)[1]["text"]
    assert len(to(api, USER)) == 3


async def test_undo_works_after_a_restart_and_after_a_new_subscribe_duplicates_nothing(
    tmp_path: Path, database_url: str, api: FakeBotAPI, embedder: Embedder,
) -> None:
    clock = Clock()
    first = make(tmp_path, database_url, api, embedder, clock)
    async with running_bot(first):
        alert = await alerted(api, first, tmp_path)
        press(api, alert, alert["reply_markup"]["inline_keyboard"][1][1])
        assert await until(lambda: len(keyboard_edits(api, USER)) == 1)
    first.close()
    [stopped] = keyboard_edits(api, USER)
    undo = stopped["reply_markup"]["inline_keyboard"][1][0]

    again = make(tmp_path, database_url, api, embedder, clock)  # a new process on the same data
    async with running_bot(again):
        press(api, stopped, undo)
        assert await until(lambda: len(keyboard_edits(api, USER)) == 2)
        assert answers(api)[-1] == "Alerts for “Nara summit” are back on."
        assert keyboard_edits(api, USER)[1]["reply_markup"] == alert["reply_markup"]
        await ingest(again, write(tmp_path / "c", "dinner", *NARA_DINNER, datetime.now(UTC)))
        assert await until(lambda: len(alerts_to(api, USER)) == 2)

        # stopped again, then followed by hand: the old Undo finds it followed
        press(api, alert, alert["reply_markup"]["inline_keyboard"][1][1])
        assert await until(lambda: len(keyboard_edits(api, USER)) == 3)
        before = len(to(api, USER))
        api.push(private_message(USER, "/subscribe nara SUMMIT"))
        assert "Following" in (await said(api, USER, before + 1))["text"]
        press(api, stopped, undo)
        assert await until(lambda: len(answers(api)) == 4)
        assert answers(api)[-1] == "You follow “nara SUMMIT” already: nothing to undo."
        assert [s.topic for s in again.subscriptions.topics(USER)] == ["nara SUMMIT"]
    again.close()


async def test_an_alert_edited_after_the_quote_button_respelled_its_topic_keeps_its_stop(
    bot: tuple[Container, Clock], api: FakeBotAPI, tmp_path: Path,
) -> None:
    container, _ = bot
    api.push(private_message(USER, "/subscribe Lee Jae-myung"))
    offer = await said(api, USER, 1)
    now = datetime.now(UTC)
    await ingest(container, write(tmp_path / "a", "deal", NARA_TITLE, NARA_DEAL, now))
    assert await until(lambda: len(alerts_to(api, USER)) == 1)
    [alert] = alerts_to(api, USER)
    press(api, offer, offer["reply_markup"]["inline_keyboard"][1][0])  # follow it in quotes
    assert await until(lambda: container.subscriptions.topics(USER)[0].topic.startswith('"'))
    await ingest(container, write(tmp_path / "b", "deal-2", "Lee, Takaichi agree to continue "
                                  "shuttle diplomacy in Nara", NARA_DEAL_ELSEWHERE, now,
                                  source="Second Wire"))
    assert await until(lambda: any(e["chat_id"] == USER
                                   for e in api.sent("editMessageText")
                                   if "Also reported by" in e["text"]))
    [edit] = [e for e in api.sent("editMessageText") if "Also reported by" in e["text"]]
    assert edit["message_id"] == alert["_message_id"]
    assert edit["reply_markup"] == alert["reply_markup"]  # Stop this topic is still there
