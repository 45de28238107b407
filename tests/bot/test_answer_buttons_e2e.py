"""Buttons under an answer, over the fake Bot API: More adds the story's further quotes once
(after a restart too, and on either of two workers), Follow this story goes through /subscribe's
confirmation, in groups with /subscribe's rules. SQLite and PostgreSQL."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from html import escape
from pathlib import Path
from typing import Any

from bot.container import Container
from bot.services.story_topic import story_topic
from bot.telegram.questions import MORE_EXPIRED, MORE_SHOWN
from bot.telegram.subscriptions import ADMINS_ONLY
from core.models import DIGEST, INSTANT
from ingest.pipeline import SourceSpec
from ingest.sample_articles import SAMPLES_DIR
from retrieval.answer import Answer
from retrieval.embeddings import Embedder
from tests.bot.test_scheduling_e2e import make, running_bot, until
from tests.support.fake_bot_api import (
    FakeBotAPI,
    button_press,
    check_html,
    group_message,
    private_message,
)

# Which sample question keeps further quotes depends on how answers are tuned: the tests take
# the first that does (they are about the buttons, not about the quotes chosen).
QUESTIONS = ("What is on the Nara summit agenda?", "Why does South Korea ban Japanese seafood?",
             "What is the hydrogen train trial?", "How did the Port Halden flood barrier work?",
             "What did the central bank decide?")
READER = 31
GROUP, ADMIN_IN_GROUP, MEMBER = -500, 32, 33


def news(tmp_path: Path, database_url: str, api: FakeBotAPI, embedder: Embedder,
         clock: list[datetime] | None = None) -> Container:
    """A bot's container over the sample articles (ingested once per database)."""
    container = make(tmp_path, database_url, api, embedder, ingest_interval_minutes=0)
    if clock is not None:
        container = Container(container.settings, embedder=embedder, clock=lambda: clock[0])
    if not container.articles.count():
        container.pipeline.run([SourceSpec(str(SAMPLES_DIR))])
    return container


def sent_to(api: FakeBotAPI, chat_id: int, method: str = "sendMessage") -> list[dict[str, Any]]:
    return [p for p in api.sent(method) if p.get("chat_id") == chat_id]


def keyboard(sent: dict[str, Any]) -> dict[str, Any]:
    """The inline keyboard a message was sent or edited with, as Telegram sends it along."""
    markup = sent.get("reply_markup") or {"inline_keyboard": []}
    return json.loads(markup) if isinstance(markup, str) else markup


def buttons(sent: dict[str, Any]) -> dict[str, str]:
    """Button text -> callback data."""
    return {b["text"]: b["callback_data"] for row in keyboard(sent)["inline_keyboard"]
            for b in row}


async def ask(api: FakeBotAPI, chat_id: int, update: dict[str, Any]) -> dict[str, Any]:
    """Push a question; the answer the bot sent."""
    count = len(sent_to(api, chat_id))
    api.push(update)
    assert await until(lambda: len(sent_to(api, chat_id)) > count)
    return sent_to(api, chat_id)[-1]


def answers(api: FakeBotAPI) -> list[dict[str, Any]]:
    return api.sent("answerCallbackQuery")


def with_more(container: Container) -> tuple[str, Answer]:
    """A sample question whose answer keeps quotes for More, and that answer."""
    for question in QUESTIONS:
        answer = container.questions.answer(question)
        if answer.found and answer.more:
            return question, answer
    raise AssertionError("no sample question keeps quotes for More")


def followed(container: Container, answer: Answer) -> str:
    """The topic Follow this story should subscribe to."""
    article = container.articles.get(answer.citations[0].ref.article_id)
    assert article is not None
    return story_topic(article.title, article.text)


async def test_more_pressed_after_a_restart_adds_the_quotes_once(
    tmp_path: Path, database_url: str, api: FakeBotAPI, embedder: Embedder
) -> None:
    first = news(tmp_path, database_url, api, embedder)
    question, answer = with_more(first)
    async with running_bot(first):
        sent = await ask(api, READER, private_message(READER, question))
    first.close()
    assert list(buttons(sent)) == ["More", "Follow this story"]
    assert answer.more[0].shown not in check_html(sent["text"])

    restarted = news(tmp_path, database_url, api, embedder)
    async with running_bot(restarted):
        more = buttons(sent)["More"]
        # pressed twice at once: both presses race through the bot's concurrent updates
        api.push(button_press(READER, READER, sent["_message_id"], more))
        api.push(button_press(READER, READER, sent["_message_id"], more))
        assert await until(lambda: len(answers(api)) == 2)
        assert await until(lambda: len(sent_to(api, READER, "editMessageText")) == 1)
        assert sorted(a.get("text", "") for a in answers(api)) == ["", MORE_SHOWN]
    restarted.close()
    [edit] = sent_to(api, READER, "editMessageText")
    assert edit["message_id"] == sent["_message_id"]
    shown, sources = check_html(edit["text"]).split("Sources", 1)
    for quote in (*answer.citations, *answer.more):
        assert f"“{quote.shown}” [{quote.n}]" in shown
    before = check_html(sent["text"]).split("Sources", 1)[0].strip()
    assert shown.startswith(before)  # the new quotes come after those shown
    assert all(f"[{c.n}] " in sources for c in answer.more)  # a line for every article
    assert list(buttons(edit)) == ["Follow this story"]  # More is gone, Follow stays


def test_two_workers_on_one_database_show_more_once(
    tmp_path: Path, database_url: str, api: FakeBotAPI, embedder: Embedder
) -> None:
    one = news(tmp_path, database_url, api, embedder)
    other = news(tmp_path, database_url, api, embedder)
    _, answer = with_more(one)
    token = one.questions.offer_more(READER, READER, answer)
    assert token is not None
    assert other.questions.take_more(READER + 1, token) == "expired"  # another chat's button
    taken = other.questions.take_more(READER, token)
    assert isinstance(taken, Answer) and taken.citations == answer.citations + answer.more
    assert one.questions.take_more(READER, token) == "used"
    one.close()
    other.close()


def test_more_numbers_the_storys_further_articles_before_another_storys(
    tmp_path: Path, database_url: str, api: FakeBotAPI, embedder: Embedder
) -> None:
    bot = news(tmp_path, database_url, api, embedder)
    _, answer = with_more(bot)
    lead, *_ = answer.citations
    rival = replace(lead, n=2, ref=replace(lead.ref, article_id="rival"), other_story=True)
    further = replace(answer.more[0], n=3, ref=replace(answer.more[0].ref, article_id="next"))
    shown = replace(answer, citations=(replace(lead, n=1), rival), more=(further,))
    token = bot.questions.offer_more(READER, READER, shown)
    assert token is not None
    taken = bot.questions.take_more(READER, token)
    assert isinstance(taken, Answer)
    # read top to bottom: [1], the story's next article [2], then "Or, another story" [3]
    assert [(c.ref.article_id, c.n) for c in taken.citations] == [
        (lead.ref.article_id, 1), ("next", 2), ("rival", 3)]
    assert taken.citations[-1].other_story
    bot.close()


async def test_an_expired_more_says_so_and_goes(
    tmp_path: Path, database_url: str, api: FakeBotAPI, embedder: Embedder
) -> None:
    now = [datetime.now(UTC)]
    bot = news(tmp_path, database_url, api, embedder, clock=now)
    question, _ = with_more(bot)
    async with running_bot(bot):
        sent = await ask(api, READER, private_message(READER, question))
        now[0] += timedelta(days=7)
        press = button_press(READER, READER, sent["_message_id"], buttons(sent)["More"])
        press["callback_query"]["message"]["reply_markup"] = sent["reply_markup"]
        api.push(press)
        assert await until(lambda: len(api.sent("editMessageReplyMarkup")) == 1)
        assert [(a["text"], a["show_alert"]) for a in answers(api)] == [(MORE_EXPIRED, True)]
        assert list(buttons(api.sent("editMessageReplyMarkup")[0])) == ["Follow this story"]
        assert sent_to(api, READER, "editMessageText") == []
    bot.close()


async def test_follow_this_story_confirms_like_subscribe(
    tmp_path: Path, database_url: str, api: FakeBotAPI, embedder: Embedder
) -> None:
    bot = news(tmp_path, database_url, api, embedder)
    question, answer = with_more(bot)
    topic = followed(bot, answer)
    async with running_bot(bot):
        sent = await ask(api, READER, private_message(READER, question))
        follow = buttons(sent)["Follow this story"]
        api.push(button_press(READER, READER, sent["_message_id"], follow))
        assert await until(lambda: len(sent_to(api, READER)) == 2)
        confirmation = sent_to(api, READER)[-1]
        assert confirmation["text"].startswith(f"✅ Following <b>{escape(topic)}</b>")
        assert escape(answer.citations[0].ref.title) in confirmation["text"]  # would have matched
        assert list(buttons(confirmation))[:2] == ["Daily digest instead", "Undo"]
        assert [s.topic for s in bot.subscriptions.topics(READER)] == [topic]
        # the mode button switches in place: no message of its own, it offers the other mode
        api.push(button_press(READER, READER, confirmation["_message_id"],
                              buttons(confirmation)["Daily digest instead"],
                              reply_markup=keyboard(confirmation)))
        assert await until(lambda: len(sent_to(api, READER, "editMessageReplyMarkup")) == 1)
        [switched] = sent_to(api, READER, "editMessageReplyMarkup")
        assert list(buttons(switched))[:2] == ["Instant alerts instead", "Undo"]
        assert [s.mode for s in bot.subscriptions.topics(READER)] == [DIGEST]
        api.push(button_press(READER, READER, confirmation["_message_id"],
                              buttons(switched)["Instant alerts instead"],
                              reply_markup=keyboard(switched)))
        assert await until(lambda: len(sent_to(api, READER, "editMessageReplyMarkup")) == 2)
        assert list(buttons(sent_to(api, READER, "editMessageReplyMarkup")[1]))[:2] == [
            "Daily digest instead", "Undo"]
        assert [s.mode for s in bot.subscriptions.topics(READER)] == [INSTANT]
        assert len(sent_to(api, READER)) == 2  # no message besides the answer and confirmation
        # pressed again: /subscribe's own answer to a topic already followed
        api.push(button_press(READER, READER, sent["_message_id"], follow))
        assert await until(lambda: len(sent_to(api, READER)) == 3)
        assert "already" in sent_to(api, READER)[-1]["text"]
        assert len(bot.subscriptions.topics(READER)) == 1
    bot.close()


async def test_in_a_group_anyone_gets_more_and_only_admins_follow(
    tmp_path: Path, database_url: str, api: FakeBotAPI, embedder: Embedder
) -> None:
    api.group_admins[GROUP] = {ADMIN_IN_GROUP}
    bot = news(tmp_path, database_url, api, embedder)
    question, answer = with_more(bot)
    topic = followed(bot, answer)
    async with running_bot(bot):
        sent = await ask(api, GROUP, group_message(GROUP, MEMBER, f"/ask {question}"))
        marked = buttons(sent)
        api.push(button_press(MEMBER, GROUP, sent["_message_id"], marked["Follow this story"],
                              chat_type="group"))
        assert await until(lambda: len(answers(api)) == 1)
        assert (answers(api)[0]["text"], answers(api)[0]["show_alert"]) == (ADMINS_ONLY, True)
        assert bot.subscriptions.topics(GROUP) == []
        api.push(button_press(MEMBER, GROUP, sent["_message_id"], marked["More"],
                              chat_type="group"))
        assert await until(lambda: len(sent_to(api, GROUP, "editMessageText")) == 1)
        api.push(button_press(ADMIN_IN_GROUP, GROUP, sent["_message_id"],
                              marked["Follow this story"], chat_type="group"))
        assert await until(lambda: len(sent_to(api, GROUP)) == 2)
        assert sent_to(api, GROUP)[-1]["text"].startswith(f"✅ Following <b>{escape(topic)}</b>")
        assert [s.topic for s in bot.subscriptions.topics(GROUP)] == [topic]
    bot.close()
