"""👍 / 👎 over the fake Bot API: under alerts and /subscribe previews, kept in the database
(read by another process, after a restart), undone, refused politely when the topic is gone or
the tapper may not manage a group's topics. Nothing is patched."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alerts.matching import DEFAULT_THRESHOLD
from bot.container import Container
from retrieval.embeddings import Embedder
from storage.subscriptions import SubscriptionRepository
from tests.bot.test_alerts_e2e import (
    GROUP,
    NARA_TITLE,
    USER,
    Clock,
    alerted,
    alerts_to,
    answers,
    ingest,
    keyboard_edits,
    make,
    press,
    said,
)
from tests.bot.test_alerts_service import NARA_DEAL, write
from tests.bot.test_scheduling_e2e import running_bot, until
from tests.support.fake_bot_api import FakeBotAPI, button_press, group_message, private_message


def texts(row: list[dict[str, Any]]) -> list[str]:
    return [str(key["text"]) for key in row]


async def test_a_tap_under_an_alert_teaches_its_topic_and_undo_takes_it_back(
    tmp_path: Path, database_url: str, api: FakeBotAPI, embedder: Embedder,
) -> None:
    container = make(tmp_path, database_url, api, embedder, Clock())
    async with running_bot(container):
        alert = await alerted(api, container, tmp_path)
        [nara] = container.subscriptions.topics(USER)
        taps, story = alert["reply_markup"]["inline_keyboard"][:2]
        assert texts(taps) == ["👍 More like this", "👎 Not this"]
        press(api, alert, taps[1])  # 👎: not this
        assert await until(lambda: len(keyboard_edits(api, USER)) == 1)
        assert answers(api)[-1] == ("Noted: fewer stories like this for “Nara summit” "
                                    "(learned from 1 tap).")
        [noted] = keyboard_edits(api, USER)
        undo = {"text": "👎 Noted · Undo",
                "callback_data": taps[1]["callback_data"].removesuffix(":n") + ":u"}
        assert noted["reply_markup"]["inline_keyboard"] == [[undo], story]
        # the story alerted, so it scored at the bar or above: not this raises the bar
        [taught] = container.subscriptions.topics(USER)
        assert taught.taps == 1 and taught.threshold is not None
        assert taught.threshold > DEFAULT_THRESHOLD
        # another process reads what the topic learned, and so does /subscriptions
        other = Container(container.settings)
        assert SubscriptionRepository(other.database).get(nara.id) == taught
        other.close()
        api.push(private_message(USER, "/subscriptions"))
        assert "learned from 1 tap" in (await said(api, USER, 3))["text"]

        press(api, noted, undo)
        assert await until(lambda: len(keyboard_edits(api, USER)) == 2)
        assert answers(api)[-1] == ("Taken back: “Nara summit” forgets that tap (back to the "
                                    "usual bar).")
        assert keyboard_edits(api, USER)[1]["reply_markup"] == alert["reply_markup"]
        [untaught] = container.subscriptions.topics(USER)
        assert (untaught.taps, untaught.threshold) == (0, None)

        # the topic removed, a tap on its old alert is answered, and changes nothing
        api.push(private_message(USER, "/unsubscribe Nara summit"))
        await said(api, USER, 4)
        press(api, alert, taps[0])
        assert await until(lambda: len(answers(api)) == 3)
        [gone] = api.sent("answerCallbackQuery")[-1:]
        assert gone["text"] == "That topic is no longer followed here." and gone["show_alert"]
        assert len(keyboard_edits(api, USER)) == 2
    container.close()


async def test_preview_taps_are_numbered_outlive_a_restart_and_follow_the_group_rule(
    tmp_path: Path, database_url: str, api: FakeBotAPI, embedder: Embedder,
) -> None:
    clock = Clock()
    first = make(tmp_path, database_url, api, embedder, clock)
    async with running_bot(first):
        api.push(private_message(USER, "/subscribe Nara summit"))
        offer = await said(api, USER, 1)
        assert "\n1. " in offer["text"] and "learns from your taps" in offer["text"]
        rows = offer["reply_markup"]["inline_keyboard"]
        assert texts(rows[0]) == ["Daily digest instead", "Undo"]
        assert texts(rows[1])[:2] == ["👍 1", "👎 1"]
        press(api, offer, rows[1][0])  # 👍 on the first story of the preview
        assert await until(lambda: len(keyboard_edits(api, USER)) == 1)
        assert answers(api)[-1].startswith("Noted: more stories like this for “Nara summit”")
        noted = keyboard_edits(api, USER)[0]
        assert texts(noted["reply_markup"]["inline_keyboard"][1])[0] == "1: 👍 Noted · Undo"
    first.close()
    [liked] = SubscriptionRepository(first.database).of_chat(USER)
    assert liked.taps == 1

    again = make(tmp_path, database_url, api, embedder, clock)  # a new process, same data
    async with running_bot(again):
        press(api, noted, noted["reply_markup"]["inline_keyboard"][1][0])  # its Undo
        assert await until(lambda: len(keyboard_edits(api, USER)) == 2)
        assert keyboard_edits(api, USER)[1]["reply_markup"] == offer["reply_markup"]
        assert again.subscriptions.topics(USER)[0].taps == 0

        # in a group, only its administrators teach its topics
        member, admin = 601, 602
        api.group_admins[GROUP] = {admin}
        api.push(group_message(GROUP, admin, "/subscribe Nara summit"))
        await said(api, GROUP, 1)
        await ingest(again, write(tmp_path / "a", "deal", NARA_TITLE, NARA_DEAL,
                                  datetime.now(UTC)))
        assert await until(lambda: len(alerts_to(api, GROUP)) == 1)
        [alert] = alerts_to(api, GROUP)
        like = alert["reply_markup"]["inline_keyboard"][0][0]
        api.push(button_press(member, GROUP, alert["_message_id"], like["callback_data"],
                              chat_type="supergroup", reply_markup=alert["reply_markup"]))
        assert await until(lambda: "administrators" in answers(api)[-1])
        assert again.subscriptions.topics(GROUP)[0].taps == 0
        api.push(button_press(admin, GROUP, alert["_message_id"], like["callback_data"],
                              chat_type="supergroup", reply_markup=alert["reply_markup"]))
        assert await until(lambda: again.subscriptions.topics(GROUP)[0].taps == 1)
    again.close()
