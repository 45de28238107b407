"""Alerts, digests and subscription lists as Telegram HTML, with their buttons.

Callback data comes from ``bot.telegram.callbacks``: database ids only, so a button still works
after a restart.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from alerts.timing import local
from alerts.topics import parse_topic
from bot.services.alerts import Edit, Outgoing
from bot.services.subscriptions import Subscribed
from bot.telegram.callbacks import (
    AskAbout,
    FollowQuoted,
    Resume,
    SetMode,
    TapStory,
    Undo,
    Unsubscribe,
    decode,
)
from bot.telegram.render import outlet_link, ref_line
from core.models import DIGEST, INSTANT, ArticleRef, ChatPrefs, Subscription
from core.wording import counted
from retrieval.quoting import Quote
from storage.alerts import PendingAlert

MAX_OUTLETS_SHOWN = 8  # under an alert; the edit stays far under Telegram's 4096
STORIES_PER_ROW = 2  # a /subscribe preview's 👍 / 👎 pairs
MAX_STORY_BUTTONS = 12  # stories of a grouped message with buttons (3 each; Telegram takes 100)
LIKE, DISLIKE = "👍", "👎"
_NUMBER = re.compile(r"\d+")
_PROMISES = {INSTANT: "I'll alert you here to each new story on it, once.",
             DIGEST: "I'll gather each new story on it into your daily digest here."}


def subscribed_html(done: Subscribed) -> str:
    """The confirmation of /subscribe, with the newest stories the topic would have matched."""
    topic = done.subscription.topic
    lines = [f"✅ Following <b>{escape(topic)}</b>: {_PROMISES[done.subscription.mode]}"]
    if done.recent:
        lines += ["", _numbered("Recent stories it would have matched", done.recent, 1)]
    else:
        lines += ["", "Nothing I have read so far matches it — it may be new, or narrower than "
                  "you meant; alerts start with the next story that does."]
    if done.close:
        lines += ["", _numbered("Just below the bar", done.close, len(done.recent) + 1)]
    if _learnable(done):
        lines += ["", f"{LIKE} more like this, {DISLIKE} not this: the topic learns from your "
                  "taps, here and under every alert."]
    if done.quotable_name:
        name = escape(done.quotable_name)
        lines += ["", f"Tip: I follow <b>{name}</b> by what a story is about: one that names it "
                  "in its headline or first lines counts, one that mentions it in passing "
                  "does not. To be alerted to every story that names it, even in passing, "
                  f"press the button below or send /subscribe \"{name}\" (in quotes)."]
    return "\n".join(lines)


def subscribed_buttons(done: Subscribed) -> InlineKeyboardMarkup:
    """Daily digest instead / Undo, and for a name matched by meaning, its quoted form."""
    subscription = done.subscription
    rows = [[
        InlineKeyboardButton("Daily digest instead",
                             callback_data=SetMode(subscription.id, DIGEST).encode()),
        InlineKeyboardButton("Undo", callback_data=Undo(subscription.id).encode()),
    ]]
    if done.quotable_name:
        rows.append([InlineKeyboardButton(
            f"Every story naming {done.quotable_name}",
            callback_data=FollowQuoted(subscription.id).encode())])
    if _learnable(done):
        pairs = [tap_pair(subscription.id, ref.article_id, str(n))
                 for n, ref in enumerate((*done.recent, *done.close), 1)]
        for start in range(0, len(pairs), STORIES_PER_ROW):
            rows.append([key for pair in pairs[start:start + STORIES_PER_ROW] for key in pair])
    return InlineKeyboardMarkup(rows)


def mode_switched(current: InlineKeyboardMarkup | None,
                  pressed: SetMode) -> InlineKeyboardMarkup:
    """A /subscribe confirmation's keyboard once its mode button was pressed: that button
    now offers the other mode, the rest stay as they were (read off ``current``)."""
    other = INSTANT if pressed.mode == DIGEST else DIGEST
    switch = InlineKeyboardButton(
        "Instant alerts instead" if other == INSTANT else "Daily digest instead",
        callback_data=SetMode(pressed.subscription_id, other).encode())
    if current is None:
        return InlineKeyboardMarkup([[switch]])
    return InlineKeyboardMarkup(
        [[switch if decode(key.callback_data) == pressed else key for key in row]
         for row in current.inline_keyboard])


def confirmation_in_mode(html: str, mode: str) -> str | None:
    """A /subscribe confirmation's HTML (as Telegram gives it back) with its first line
    promising ``mode``; None when ``html`` is no such confirmation."""
    first, newline, rest = html.partition("\n")
    if not first.startswith("✅ Following "):
        return None
    for promise in _PROMISES.values():
        for written in (promise, escape(promise)):  # Telegram's entities escape the apostrophe
            if first.endswith(written):
                return first[: -len(written)] + _PROMISES[mode] + newline + rest
    return None


def tap_pair(subscription_id: int, article_id: str,
             number: str = "") -> list[InlineKeyboardButton]:
    """👍 / 👎 on one story: "More like this" / "Not this" under an alert, numbered under a
    /subscribe preview."""
    like, dislike = (f"{LIKE} {number}", f"{DISLIKE} {number}") if number else (
        f"{LIKE} More like this", f"{DISLIKE} Not this")
    return [
        InlineKeyboardButton(like, callback_data=TapStory(subscription_id, article_id,
                                                          liked=True).encode()),
        InlineKeyboardButton(dislike, callback_data=TapStory(subscription_id, article_id,
                                                             liked=False).encode()),
    ]


def tapped_buttons(current: InlineKeyboardMarkup | None, tap: TapStory,
                   liked: bool | None) -> InlineKeyboardMarkup | None:
    """``current`` with the tapped story's 👍 / 👎 turned into one "noted · Undo" button (or,
    once taken back, into the pair again); None when the keyboard has no such buttons."""
    if current is None:
        return None
    changed = False
    rows: list[list[InlineKeyboardButton]] = []
    for row in current.inline_keyboard:
        kept: list[InlineKeyboardButton] = []
        for key in row:
            button = decode(key.callback_data)
            if not (isinstance(button, TapStory) and button.article_id == tap.article_id
                    and button.subscription_id == tap.subscription_id):
                kept.append(key)
                continue
            if changed:
                continue  # the pair's other half: one replacement per story
            changed = True
            number = _NUMBER.search(key.text)
            label = number.group() if number else ""
            if liked is None:
                kept += tap_pair(tap.subscription_id, tap.article_id, label)
            else:
                mark = LIKE if liked else DISLIKE
                kept.append(InlineKeyboardButton(
                    f"{label + ': ' if label else ''}{mark} Noted · Undo",
                    callback_data=TapStory(tap.subscription_id, tap.article_id,
                                           liked=None).encode()))
        if kept:
            rows.append(kept)
    return InlineKeyboardMarkup(rows) if changed else None


def _learnable(done: Subscribed) -> bool:
    """Taps teach a topic matched by meaning (quoted names match every story naming them)."""
    return bool(parse_topic(done.subscription.topic).meaning) and bool(done.recent or done.close)


def _numbered(title: str, stories: Sequence[ArticleRef], first: int) -> str:
    lines = [f"<b>{escape(title)}</b>"]
    lines += [f"{n}. {ref_line(s)}" for n, s in enumerate(stories, first)]
    return "\n".join(lines)


def subscriptions_html(subscriptions: Sequence[Subscription], prefs: ChatPrefs) -> str:
    """/subscriptions: each topic with its mode and last alert, then when alerts go out."""
    if not subscriptions:
        return ("This chat follows no topics yet. Send /subscribe <i>topic</i>, e.g. "
                "/subscribe Nara summit")
    lines = ["<b>Topics this chat follows</b>"]
    for n, s in enumerate(subscriptions, 1):
        mode = "daily digest" if s.mode == DIGEST else "instant"
        learned = f", learned from {counted(s.taps, 'tap')}" if s.taps else ""
        lines.append(f"{n}. <b>{escape(s.topic)}</b> — {mode}, last alert "
                     f"{_chat_time(s.last_alert_at, prefs)}{learned}")
    lines += ["", when_html(prefs)]
    if not prefs.active:
        lines.append("⚠️ Alerts to this chat are paused: Telegram said I cannot post here. "
                     "They resume once I can.")
    return "\n".join(lines)


def _chat_time(moment: datetime | None, prefs: ChatPrefs) -> str:
    """A moment on the chat's own clock, "2026-01-12 10:30", or "never"."""
    return local(prefs, moment).strftime("%Y-%m-%d %H:%M") if moment else "never"


def quiet_hours(prefs: ChatPrefs) -> str:
    """The chat's quiet hours as "22:00–07:00" (when it has them)."""
    return f"{prefs.quiet_start}–{prefs.quiet_end}"


def when_html(prefs: ChatPrefs) -> str:
    """The chat's time zone, digest time and quiet hours, with the commands that change them."""
    quiet = f"quiet {quiet_hours(prefs)}" if prefs.quiet_start else "no quiet hours"
    return (f"Digest at {prefs.digest_time}, {quiet}, time zone {escape(prefs.timezone)} "
            "(/digest HH:MM, /quiet HH:MM-HH:MM, /timezone Area/City)")


def subscriptions_buttons(subscriptions: Sequence[Subscription]) -> InlineKeyboardMarkup | None:
    """A row per topic: switch its mode, remove it."""
    if not subscriptions:
        return None
    rows = []
    for n, s in enumerate(subscriptions, 1):
        switch = INSTANT if s.mode == DIGEST else DIGEST
        rows.append([
            InlineKeyboardButton(f"{n}. {'Instant' if switch == INSTANT else 'Digest'}",
                                 callback_data=SetMode(s.id, switch, in_list=True).encode()),
            InlineKeyboardButton(f"{n}. Remove",
                                 callback_data=Unsubscribe(s.id, in_list=True).encode()),
        ])
    return InlineKeyboardMarkup(rows)


def pick_buttons(subscriptions: Sequence[Subscription]) -> InlineKeyboardMarkup:
    """/unsubscribe without a topic: one button per topic."""
    return InlineKeyboardMarkup([
        [InlineKeyboardButton(_short(s.topic),
                              callback_data=Unsubscribe(s.id, in_list=True).encode())]
        for s in subscriptions
    ])


def alert_html(message: Outgoing) -> str:
    """One story: its topic, linked headline, outlet and date, and why it matched."""
    alert = message.alerts[0]
    return _story_html(alert.topic, alert.ref, message.quotes)


def edited_alert_html(edit: Edit) -> str:
    """The alert as first sent, and the other outlets that have reported its story since."""
    pending = edit.pending
    outlets = ", ".join(outlet_link(ref) for ref in pending.also[:MAX_OUTLETS_SHOWN])
    more = len(pending.also) - MAX_OUTLETS_SHOWN
    return (f"{_story_html(pending.topic, pending.ref, edit.quotes)}\n"
            f"Also reported by {outlets}{f' and {more} more' if more > 0 else ''}")


def alert_buttons(message: Outgoing) -> InlineKeyboardMarkup:
    """Ask about this / Stop this topic."""
    alert = message.alerts[0]
    return story_buttons(alert.ref.article_id, alert.subscription_id, topic=alert.topic)


def story_buttons(article_id: str | None, subscription_id: int | None, *,
                  stopped_id: int | None = None, topic: str = "") -> InlineKeyboardMarkup:
    """👍 More like this / 👎 Not this (for a topic matched by meaning), Ask about this / Stop
    this topic (while the chat follows the topic); once the topic was stopped under the
    alert, a row of its own saying so, whose press undoes it."""
    rows = []
    if article_id is not None and subscription_id is not None and parse_topic(topic).meaning:
        rows.append(tap_pair(subscription_id, article_id))
    buttons = [] if article_id is None else [
        InlineKeyboardButton("Ask about this", callback_data=AskAbout(article_id).encode())]
    if subscription_id is not None:
        buttons.append(InlineKeyboardButton(
            "Stop this topic", callback_data=Unsubscribe(subscription_id).encode()))
    if buttons:
        rows.append(buttons)
    if stopped_id is not None and subscription_id is None:
        rows.append([InlineKeyboardButton(f"🔕 Stopped “{_short(topic, 32)}” · Undo",
                                          callback_data=Resume(stopped_id).encode())])
    return InlineKeyboardMarkup(rows)


def stopped_buttons(current: InlineKeyboardMarkup | None, subscription: Subscription,
                    stopped: bool) -> InlineKeyboardMarkup:
    """An alert's buttons once its topic was stopped there (``stopped``) or brought back:
    its "Ask about this" kept (read off ``current``, the keyboard the alert shows)."""
    article_id = next((button.article_id for row in (current.inline_keyboard if current else ())
                       for key in row
                       if isinstance(button := decode(key.callback_data), AskAbout)), None)
    if stopped:
        return story_buttons(article_id, None, stopped_id=subscription.id,
                             topic=subscription.topic)
    return story_buttons(article_id, subscription.id, topic=subscription.topic)


def _story_html(topic: str, ref: ArticleRef, quotes: Sequence[Quote]) -> str:
    lines = [f"🔔 <b>{escape(topic)}</b>", ref_line(ref)]
    lines += [f"<blockquote>{escape(' '.join(q.snippet.split()))}</blockquote>"
              for q in quotes]
    return "\n".join(lines)


def grouped_html(message: Outgoing) -> str:
    """Several stories in one message: grouped by topic, newest first, each story once,
    numbered (its buttons carry the number); the first MAX_STORY_BUTTONS with one verified
    quote each, the rest as linked headlines, so a big digest stays a few messages long."""
    lines = [f"📰 <b>{escape(message.headline)}</b>"]
    for topic, stories in grouped_stories(message):
        lines += ["", f"<b>{escape(topic)}</b>"]
        for number, alert, quote in stories:
            # a story per paragraph: a long digest is split between stories, never inside one
            story = f"{number}. {ref_line(alert.ref)}"
            if quote is not None and number <= MAX_STORY_BUTTONS:  # the rest: headlines only
                story += f"\n<blockquote>{escape(' '.join(quote.snippet.split()))}</blockquote>"
            lines += ["", story]
    return "\n".join(lines)


def grouped_buttons(message: Outgoing) -> InlineKeyboardMarkup | None:
    """A row per story (the first MAX_STORY_BUTTONS): 👍 n / 👎 n (for topics matched by
    meaning) and Ask n."""
    rows = []
    for topic, stories in grouped_stories(message):
        learnable = bool(parse_topic(topic).meaning)
        for number, alert, _ in stories:
            if number > MAX_STORY_BUTTONS:
                break
            row = tap_pair(alert.subscription_id, alert.ref.article_id, str(number)) \
                if learnable else []
            row.append(InlineKeyboardButton(
                f"Ask {number}", callback_data=AskAbout(alert.ref.article_id).encode()))
            rows.append(row)
    return InlineKeyboardMarkup(rows) if rows else None


def grouped_stories(message: Outgoing,
                    ) -> list[tuple[str, list[tuple[int, PendingAlert, Quote | None]]]]:
    """The stories of a grouped message as shown: by topic, newest first, each story once
    (under the first topic that alerted it), numbered in reading order."""
    quote_of = dict(zip((a.outbox_id for a in message.alerts), message.story_quotes,
                        strict=False))
    seen: set[str] = set()
    groups: dict[str, list[tuple[PendingAlert, Quote | None]]] = {}
    newest_first = sorted(message.alerts, key=lambda a: a.ref.published or a.created_at,
                          reverse=True)
    for alert in newest_first:
        if alert.story_id in seen:
            continue
        seen.add(alert.story_id)
        groups.setdefault(alert.topic, []).append((alert, quote_of.get(alert.outbox_id)))
    numbered, number = [], 0
    for topic, items in groups.items():
        stories = []
        for alert, quote in items:
            number += 1
            stories.append((number, alert, quote))
        numbered.append((topic, stories))
    return numbered


def _short(topic: str, limit: int = 40) -> str:
    return topic if len(topic) <= limit else topic[: limit - 1] + "…"
