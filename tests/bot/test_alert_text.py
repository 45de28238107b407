"""Alert messages as readers get them: grouped stories numbered with a quote and buttons each,
within Telegram's limits however many stories come together; 👍 / 👎 turning into Undo."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from telegram import InlineKeyboardMarkup

from bot.services.alerts import Outgoing
from bot.telegram.alert_text import (
    MAX_STORY_BUTTONS,
    confirmation_in_mode,
    grouped_buttons,
    grouped_html,
    story_buttons,
    tapped_buttons,
)
from bot.telegram.callbacks import MAX_BYTES, AskAbout, TapStory, decode
from bot.telegram.render import TELEGRAM_LIMIT, split_message, visible_length
from core.models import DIGEST, INSTANT, ArticleRef
from retrieval.quoting import Quote
from storage.alerts import PendingAlert
from tests.support.fake_bot_api import check_html

DAY = datetime(2026, 1, 12, tzinfo=UTC)
TELEGRAM_MAX_BUTTONS = 100


def pending(n: int, topic: str, story: str | None = None) -> PendingAlert:
    ref = ArticleRef(f"{n:020x}", f"Headline number {n} <about> {topic} " + "x" * 150,
                     "Wire & Co", f"https://news.example/{n}?a=1&b=2", DAY + timedelta(hours=n))
    return PendingAlert(n, 501, None, 7 if topic == "Nara summit" else 8, topic, "instant",
                        ref, story or f"story-{n}", DAY, 0)


def quote(n: int) -> Quote:
    text = f"Sentence {n} of the story, said & quoted <verbatim>. " + "y" * 180
    return Quote(text, 0, len(text))


def test_a_grouped_message_numbers_each_story_once_with_its_quote_and_buttons() -> None:
    alerts = (pending(1, "Nara summit"), pending(2, '"coral reef"'),
              pending(3, "Nara summit", story="story-1"))  # story 1 again, another outlet
    message = Outgoing(501, None, alerts, headline="3 new stories on your topics",
                       story_quotes=(quote(1), None, quote(3)))
    html = grouped_html(message)
    check_html(html)
    # story 1 shown once, in its newest report, first
    assert "\n1. " in html and html.count("\n2. ") == 1 and "\n3. " not in html
    assert "Headline number 1 " not in html
    assert html.index("Headline number 3") < html.index("Headline number 2")
    assert "<blockquote>Sentence 3 of the story, said &amp; quoted &lt;verbatim&gt;." in html
    markup = grouped_buttons(message)
    assert markup is not None
    rows = [[decode(key.callback_data) for key in row] for row in markup.inline_keyboard]
    # 1: Nara summit, taught by taps; 2: coral reef, a quoted name: no taps
    assert rows == [[TapStory(7, f"{3:020x}", True), TapStory(7, f"{3:020x}", False),
                     AskAbout(f"{3:020x}")],
                    [AskAbout(f"{2:020x}")]]
    assert [k.text for k in markup.inline_keyboard[0]] == ["👍 1", "👎 1", "Ask 1"]


def test_a_digest_of_many_stories_stays_within_telegrams_limits() -> None:
    alerts = tuple(pending(n, "Nara summit" if n % 2 else "Turkey EU membership")
                   for n in range(1, 61))
    message = Outgoing(501, None, alerts, digest=True, headline="Your daily digest",
                       story_quotes=tuple(quote(n) for n in range(1, 61)))
    html = grouped_html(message)
    assert html.count("<blockquote>") == MAX_STORY_BUTTONS  # the rest are headlines only
    assert "\n60. " in html
    parts = split_message(html)
    assert 1 < len(parts) <= 5 and all(visible_length(p) <= TELEGRAM_LIMIT for p in parts)
    for part in parts:
        check_html(part)
        assert part.count("<blockquote>") == part.count("</blockquote>")
    markup = grouped_buttons(message)
    assert markup is not None and len(markup.inline_keyboard) == MAX_STORY_BUTTONS
    keys = [key for row in markup.inline_keyboard for key in row]
    assert len(keys) <= TELEGRAM_MAX_BUTTONS
    assert all(len(str(k.callback_data).encode()) <= MAX_BYTES for k in keys)


def test_a_tap_turns_its_pair_into_undo_and_undo_brings_the_pair_back() -> None:
    alert = story_buttons("a" * 20, 7, topic="Nara summit")
    like = TapStory(7, "a" * 20, liked=True)
    noted = tapped_buttons(alert, like, liked=True)
    assert noted is not None
    assert [k.text for k in noted.inline_keyboard[0]] == ["👍 Noted · Undo"]
    assert decode(noted.inline_keyboard[0][0].callback_data) == TapStory(7, "a" * 20, None)
    assert noted.inline_keyboard[1] == alert.inline_keyboard[1]
    back = tapped_buttons(noted, TapStory(7, "a" * 20, None), liked=None)
    assert back == alert
    assert tapped_buttons(InlineKeyboardMarkup([]), like, liked=True) is None
    assert [len(row) for row in story_buttons("a" * 20, 7, topic='"Lee Jae-myung"')
            .inline_keyboard] == [2]  # a quoted name learns nothing: no taps


def test_subscriptions_show_the_last_alert_on_the_chat_s_own_clock() -> None:
    from bot.telegram.alert_text import subscriptions_html
    from core.models import ChatPrefs, Subscription

    followed = Subscription(1, 7, None, "Nara summit", "instant", DAY,
                            last_alert_at=datetime(2026, 1, 12, 9, 30, tzinfo=UTC))
    html = subscriptions_html([followed], ChatPrefs(7, timezone="Europe/Berlin"))
    assert "last alert 2026-01-12 10:30" in html and "UTC" not in html


def test_a_confirmation_switched_to_the_digest_says_so_in_its_first_line() -> None:
    sent = ("✅ Following <b>Nara</b>: I'll alert you here to each new story on it, once.\n\n"
            "<b>Recent stories it would have matched</b>\n1. <a href=\"https://x.example/a\">A</a>")
    digest = confirmation_in_mode(sent, DIGEST)
    assert digest is not None
    assert digest.partition("\n")[0] == ("✅ Following <b>Nara</b>: I'll gather each new story "
                                         "on it into your daily digest here.")
    assert digest.partition("\n")[2] == sent.partition("\n")[2]
    assert confirmation_in_mode(digest, INSTANT) == sent
    # as Telegram hands the text back (its entities escape the apostrophe)
    assert confirmation_in_mode(sent.replace("'", "&#x27;"), DIGEST) == digest
    assert confirmation_in_mode("Stopped Nara.", DIGEST) is None
