"""Alerts, digests and subscription lists as Telegram HTML, with their buttons.

Callback data comes from ``bot.telegram.callbacks``: database ids only, so a button still works
after a restart.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.services.alerts import Edit, Outgoing
from bot.services.subscriptions import Subscribed
from bot.telegram.callbacks import (
    AskAbout,
    FollowQuoted,
    Resume,
    SetMode,
    Undo,
    Unsubscribe,
    decode,
)
from bot.telegram.render import headlines_html, outlet_link, ref_line
from core.models import DIGEST, INSTANT, ArticleRef, ChatPrefs, Subscription, minute_of
from retrieval.quoting import Quote

MAX_OUTLETS_SHOWN = 8  # under an alert; the edit stays far under Telegram's 4096


def subscribed_html(done: Subscribed) -> str:
    """The confirmation of /subscribe, with the newest stories the topic would have matched."""
    topic = done.subscription.topic
    lines = [f"✅ Following <b>{escape(topic)}</b>: I'll alert you here to each new story "
             "on it, once."]
    if done.recent:
        lines += ["", headlines_html("Recent stories it would have matched", done.recent)]
    else:
        lines += ["", "Nothing I have read so far matches it — it may be new, or narrower than "
                  "you meant; alerts start with the next story that does."]
    if done.quotable_name:
        name = escape(done.quotable_name)
        lines += ["", f"Tip: I match <b>{name}</b> by meaning, so a story that names it only in "
                  "passing may not alert. To be alerted to every story that names it, press "
                  f"the button below or send /subscribe \"{name}\" (in quotes)."]
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
    return InlineKeyboardMarkup(rows)


def subscriptions_html(subscriptions: Sequence[Subscription], prefs: ChatPrefs) -> str:
    """/subscriptions: each topic with its mode and last alert, then when alerts go out."""
    if not subscriptions:
        return ("This chat follows no topics yet. Send /subscribe <i>topic</i>, e.g. "
                "/subscribe Nara summit")
    lines = ["<b>Topics this chat follows</b>"]
    for n, s in enumerate(subscriptions, 1):
        mode = "daily digest" if s.mode == DIGEST else "instant"
        lines.append(f"{n}. <b>{escape(s.topic)}</b> — {mode}, last alert "
                     f"{minute_of(s.last_alert_at)}")
    lines += ["", when_html(prefs)]
    if not prefs.active:
        lines.append("⚠️ Alerts to this chat are paused: Telegram said I cannot post here. "
                     "They resume once I can.")
    return "\n".join(lines)


def when_html(prefs: ChatPrefs) -> str:
    """The chat's time zone, digest time and quiet hours, with the commands that change them."""
    quiet = (f"quiet {prefs.quiet_start}–{prefs.quiet_end}" if prefs.quiet_start
             else "no quiet hours")
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
    return story_buttons(alert.ref.article_id, alert.subscription_id)


def story_buttons(article_id: str | None, subscription_id: int | None, *,
                  stopped_id: int | None = None, topic: str = "") -> InlineKeyboardMarkup:
    """Ask about this / Stop this topic (the latter while the chat follows the topic); once
    the topic was stopped under the alert, a row of its own saying so, whose press undoes it."""
    buttons = [] if article_id is None else [
        InlineKeyboardButton("Ask about this", callback_data=AskAbout(article_id).encode())]
    if subscription_id is not None:
        buttons.append(InlineKeyboardButton(
            "Stop this topic", callback_data=Unsubscribe(subscription_id).encode()))
    rows = [buttons] if buttons else []
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
    return story_buttons(article_id, subscription.id)


def _story_html(topic: str, ref: ArticleRef, quotes: Sequence[Quote]) -> str:
    lines = [f"🔔 <b>{escape(topic)}</b>", ref_line(ref)]
    lines += [f"<blockquote>{escape(' '.join(q.snippet.split()))}</blockquote>"
              for q in quotes]
    return "\n".join(lines)


def grouped_html(message: Outgoing) -> str:
    """Several stories in one message: grouped by topic, newest first, each story once."""
    seen: set[str] = set()
    lines = [f"📰 <b>{escape(message.headline)}</b>"]
    groups: dict[str, list[str]] = {}
    newest_first = sorted(message.alerts, key=lambda a: a.ref.published or a.created_at,
                          reverse=True)
    for alert in newest_first:
        if alert.story_id in seen:
            continue
        seen.add(alert.story_id)
        groups.setdefault(alert.topic, []).append(f"• {ref_line(alert.ref)}")
    for topic, items in groups.items():
        lines += ["", f"<b>{escape(topic)}</b>", *items]
    return "\n".join(lines)


def _short(topic: str, limit: int = 40) -> str:
    return topic if len(topic) <= limit else topic[: limit - 1] + "…"
