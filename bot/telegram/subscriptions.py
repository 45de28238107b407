"""Topic alerts in the chat: /subscribe, /subscriptions, /unsubscribe, /digest, /quiet,
/timezone, their buttons, "Follow this story" under an answer, and the bot being blocked,
removed or let back in.

In groups only the group's administrators manage its topics; in a forum supergroup, alerts go
to the topic thread where /subscribe was sent.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from html import escape

from telegram import (
    Bot,
    CallbackQuery,
    Chat,
    ChatMemberUpdated,
    InlineKeyboardMarkup,
    MaybeInaccessibleMessage,
    Message,
    Update,
)
from telegram.constants import ChatMemberStatus, ChatType, ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import (
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    filters,
)

from bot.services.alerts import AlertService
from bot.services.questions import QuestionService
from bot.services.subscriptions import Subscribed, SubscriptionService
from bot.telegram import callbacks
from bot.telegram.alert_text import (
    confirmation_in_mode,
    mode_switched,
    pick_buttons,
    quiet_hours,
    stopped_buttons,
    subscribed_buttons,
    subscribed_html,
    subscriptions_buttons,
    subscriptions_html,
    tapped_buttons,
    when_html,
)
from bot.telegram.callbacks import (
    OUT_OF_DATE,
    SUBSCRIPTION_BUTTONS,
    AskAbout,
    FollowQuoted,
    FollowStory,
    Resume,
    SetMode,
    TapStory,
    Undo,
    Unsubscribe,
)
from bot.telegram.delivery import RetryPolicy, preview_options, send_html
from bot.telegram.failures import for_users
from bot.telegram.feature import Handlers
from bot.telegram.render import SHOWN_TITLE_CHARS
from core.errors import NewsdeskError
from core.models import DIGEST, ChatPrefs, Subscription
from core.wording import counted

log = logging.getLogger(__name__)

ADMINS_ONLY = "In groups, only the group's administrators can change its topics."
GONE = (ChatMemberStatus.LEFT, ChatMemberStatus.BANNED)


class SubscriptionHandlers:
    """The chat side of topic alerts; the work is SubscriptionService's."""

    def __init__(self, subscriptions: SubscriptionService, alerts: AlertService,
                 questions: QuestionService,
                 deliver_digest: Callable[[Bot, int], Awaitable[bool]], *,
                 retry: RetryPolicy) -> None:
        self._subscriptions = subscriptions
        self._alerts = alerts
        self._questions = questions
        self._deliver_digest = deliver_digest
        self._retry = retry

    def handlers(self) -> Handlers:
        """This feature's PTB handlers."""
        new = filters.UpdateType.MESSAGE
        commands = {
            "subscribe": self.subscribe, "subscriptions": self.list,
            "unsubscribe": self.unsubscribe, "digest": self.digest, "quiet": self.quiet,
            "timezone": self.timezone,
        }
        return [
            *(CommandHandler(name, callback, filters=new) for name, callback in commands.items()),
            CallbackQueryHandler(self.button, pattern=callbacks.pattern(*SUBSCRIPTION_BUTTONS)),
            CallbackQueryHandler(self.ask_about, pattern=callbacks.pattern(AskAbout)),
            CallbackQueryHandler(self.follow_story, pattern=callbacks.pattern(FollowStory)),
            CallbackQueryHandler(self.tap, pattern=callbacks.pattern(TapStory)),
            ChatMemberHandler(self.membership, ChatMemberHandler.MY_CHAT_MEMBER),
        ]

    async def subscribe(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/subscribe TOPIC: follow it; show what it would have matched, offer digest / undo."""
        message = update.effective_message
        if message is None or not await self._may_manage(update, context):
            return
        await self._confirm(context, message, self._subscriptions.subscribe, _argument(message))

    async def follow_story(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """"Follow this story" under an answer: /subscribe to its lead article's names, with
        /subscribe's rules (in groups, administrators only) and its confirmation."""
        query = update.callback_query
        if query is None:
            return
        button = callbacks.decode(query.data)
        if not isinstance(button, FollowStory) or not isinstance(query.message, Message):
            await query.answer(OUT_OF_DATE)  # or under a message too old to read
            return
        if not await self._is_group_admin(context, query.message.chat, query.from_user.id):
            await query.answer(ADMINS_ONLY, show_alert=True)
            return
        await query.answer()
        await self._confirm(context, query.message, self._subscriptions.follow_story,
                            button.article_id)

    async def _confirm(self, context: ContextTypes.DEFAULT_TYPE, message: Message,
                       follow: Callable[[int, str, int | None, str], Subscribed],
                       what: str) -> None:
        """Follow ``what`` in ``message``'s chat (and forum topic); reply as /subscribe does."""
        thread = _thread_of(message)
        try:
            done = await asyncio.to_thread(follow, message.chat_id, message.chat.type, thread,
                                           what)
        except NewsdeskError as exc:
            await self._reply(context, message, escape(for_users(exc), quote=False))
            return
        await self._reply(context, message, subscribed_html(done),
                          markup=subscribed_buttons(done))

    async def list(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/subscriptions: the chat's topics with buttons."""
        message = update.effective_message
        if message is None:
            return

        def read() -> tuple[str, InlineKeyboardMarkup | None]:
            topics = self._subscriptions.topics(message.chat_id)
            prefs = self._subscriptions.prefs(message.chat_id)
            return subscriptions_html(topics, prefs), subscriptions_buttons(topics)

        html, markup = await asyncio.to_thread(read)
        await self._reply(context, message, html, markup=markup)

    async def unsubscribe(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/unsubscribe [TOPIC]: stop one; without a topic, buttons to pick it."""
        message = update.effective_message
        if message is None or not await self._may_manage(update, context):
            return
        text = _argument(message)
        try:
            if not text:
                topics = await asyncio.to_thread(self._subscriptions.topics, message.chat_id)
                if not topics:
                    await self._reply(context, message, "This chat follows no topics.")
                    return
                await self._reply(context, message, "Which topic should I stop?",
                                  markup=pick_buttons(topics))
                return
            found = await asyncio.to_thread(self._subscriptions.find, message.chat_id, text)
            removed = await asyncio.to_thread(self._subscriptions.remove, message.chat_id,
                                              found.id)
        except NewsdeskError as exc:
            await self._reply(context, message, escape(for_users(exc), quote=False))
            return
        await self._reply(context, message, f"Stopped <b>{escape(removed.topic)}</b>.")

    async def digest(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/digest HH:MM sets the daily digest time; /digest now sends what is waiting."""
        message = update.effective_message
        if message is None:
            return
        text = _argument(message)
        if text.lower() == "now":
            if not await self._may_manage(update, context):  # /digest HH:MM's rule
                return
            sent = await self._deliver_digest(context.bot, message.chat_id)
            if not sent:
                await self._reply(context, message, "Nothing new for your digest yet.")
            return
        if not text:
            prefs = await asyncio.to_thread(self._subscriptions.prefs, message.chat_id)
            await self._reply(context, message, when_html(prefs))
            return
        if not await self._may_manage(update, context):
            return
        await self._set(update, context, self._subscriptions.set_digest_time, text,
                        lambda prefs: f"Your daily digest now arrives at {prefs.digest_time} "
                                      f"({prefs.timezone}).")

    async def quiet(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/quiet HH:MM-HH:MM (or off): alerts are held, then delivered together."""
        message = update.effective_message
        if message is None or not await self._may_manage(update, context):
            return
        text = _argument(message)
        if not text:
            await self._reply(context, message, "Usage: /quiet 22:00-07:00 (or /quiet off)")
            return
        await self._set(update, context, self._subscriptions.set_quiet_hours, text,
                        lambda prefs: (
                            f"Quiet hours {quiet_hours(prefs)} ({prefs.timezone}): alerts "
                            "that arrive meanwhile wait and come together when they end."
                            if prefs.quiet_start else
                            "Quiet hours off: alerts arrive as they come."))

    async def timezone(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/timezone Area/City."""
        message = update.effective_message
        if message is None or not await self._may_manage(update, context):
            return
        text = _argument(message)
        if not text:
            await self._reply(context, message, "Usage: /timezone Europe/Berlin (an IANA name)")
            return
        await self._set(update, context, self._subscriptions.set_timezone, text,
                        lambda prefs: (
                            f"Time zone set to {prefs.timezone}: daily digest at "
                            f"{prefs.digest_time}, " + (
                                f"quiet hours {quiet_hours(prefs)}." if prefs.quiet_start
                                else "no quiet hours.")))

    async def _set(self, update: Update, context: ContextTypes.DEFAULT_TYPE,
                   change: Callable[[int, str, str], ChatPrefs], text: str,
                   done: Callable[[ChatPrefs], str]) -> None:
        message = update.effective_message
        assert message is not None
        try:
            prefs = await asyncio.to_thread(change, message.chat_id, message.chat.type, text)
        except NewsdeskError as exc:
            await self._reply(context, message, escape(for_users(exc), quote=False))
            return
        await self._reply(context, message, escape(done(prefs)))

    async def button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Digest / instant / remove / undo / quote buttons under confirmations and lists;
        Stop this topic and its Undo under alerts."""
        pressed = await self._managed_press(update, context, SUBSCRIPTION_BUTTONS)
        if pressed is None:
            return
        query, button = pressed
        assert query.message is not None and isinstance(button, SUBSCRIPTION_BUTTONS)
        chat = query.message.chat
        if isinstance(button, Resume) or (isinstance(button, Unsubscribe)
                                          and not button.in_list):
            await self._under_alert(update, context, button)
            return
        try:
            note = await asyncio.to_thread(self._press, chat.id, button)
        except NewsdeskError as exc:
            await query.answer(for_users(exc), show_alert=True)
            return
        await query.answer(note)
        if isinstance(button, SetMode | Unsubscribe) and button.in_list:
            topics = await asyncio.to_thread(self._subscriptions.topics, chat.id)
            prefs = await asyncio.to_thread(self._subscriptions.prefs, chat.id)
            await query.edit_message_text(subscriptions_html(topics, prefs),
                                          parse_mode=ParseMode.HTML,
                                          reply_markup=subscriptions_buttons(topics))
        elif isinstance(button, Undo | FollowQuoted):  # the offer is taken: it becomes the note
            await query.edit_message_text(escape(note), parse_mode=ParseMode.HTML)
        elif isinstance(button, SetMode):  # under the confirmation: the button offers the other
            message = query.message if isinstance(query.message, Message) else None
            current = message.reply_markup if message else None
            # and its first line promises the new mode
            text = confirmation_in_mode(message.text_html, button.mode) if (
                message and message.text) else None
            try:
                if text is None:
                    await query.edit_message_reply_markup(
                        reply_markup=mode_switched(current, button))
                else:
                    await query.edit_message_text(
                        text, parse_mode=ParseMode.HTML, link_preview_options=preview_options(None),
                        reply_markup=mode_switched(current, button))
            except BadRequest as exc:
                if "not modified" not in str(exc).lower():  # too old to edit: say it instead
                    await send_html(context.bot, chat.id, escape(note),
                                    thread_id=_thread_of(query.message), retry=self._retry)

    async def _under_alert(self, update: Update, context: ContextTypes.DEFAULT_TYPE,
                           button: Unsubscribe | Resume) -> None:
        """Stop this topic under an alert: the alert stays as it was, its buttons say the topic
        is stopped and offer Undo; Undo follows it again as it was, and the buttons are back."""
        query = update.callback_query
        assert query is not None and query.message is not None
        chat_id = query.message.chat.id
        sid = button.subscription_id
        try:
            if isinstance(button, Unsubscribe):
                subscription = await asyncio.to_thread(self._subscriptions.stop, chat_id, sid)
                stopped = True
                note = (f"Stopped alerts for “{_short(subscription.topic)}”. "
                        "Undo brings them back.")
            else:
                resumed = await asyncio.to_thread(self._subscriptions.resume, chat_id, sid)
                subscription, stopped = resumed.subscription, False
                note = (f"Alerts for “{_short(subscription.topic)}” are back on."
                        if resumed.restored else
                        f"You follow “{_short(subscription.topic)}” already: nothing to undo.")
        except NewsdeskError as exc:
            await query.answer(for_users(exc), show_alert=True)
            return
        await query.answer(note)
        current = query.message.reply_markup if isinstance(query.message, Message) else None
        try:
            await query.edit_message_reply_markup(
                reply_markup=stopped_buttons(current, subscription, stopped))
        except BadRequest as exc:
            if "not modified" in str(exc).lower():
                return
            # too old to edit, or deleted: say it in the chat instead
            log.info("alert buttons in %s not edited: %s", chat_id, exc)
            await send_html(context.bot, chat_id, escape(note),
                            thread_id=_thread_of(query.message), retry=self._retry)

    def _press(self, chat_id: int, button: SetMode | Unsubscribe | Undo | FollowQuoted) -> str:
        """Do what a subscription button says; the note to show."""
        match button:
            case SetMode(subscription_id=sid, mode=mode):
                changed = self._subscriptions.set_mode(chat_id, sid, mode)
                return (f"“{changed.topic}” now comes in your daily digest." if mode == DIGEST
                        else f"“{changed.topic}” now alerts you instantly.")
            case FollowQuoted(subscription_id=sid):
                quoted = self._subscriptions.quote(chat_id, sid)
                return f"Now following {quoted.topic}: every new story that names it."
            case Undo(subscription_id=sid):
                removed = self._subscriptions.remove(chat_id, sid)
                return f"Undone: not following “{removed.topic}”."
            case Unsubscribe(subscription_id=sid):
                removed = self._subscriptions.remove(chat_id, sid)
                return f"Stopped “{removed.topic}”."

    async def tap(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """👍 / 👎 under an alert or a /subscribe preview: the topic learns from it; the
        buttons turn into "Noted · Undo" (in groups, administrators only, as /subscribe)."""
        pressed = await self._managed_press(update, context, (TapStory,))
        if pressed is None:
            return
        query, button = pressed
        assert query.message is not None and isinstance(button, TapStory)
        chat = query.message.chat
        try:
            tapped = await asyncio.to_thread(self._alerts.tap, chat.id, button.subscription_id,
                                             button.article_id, button.liked)
        except NewsdeskError as exc:
            await query.answer(for_users(exc), show_alert=True)
            return
        await query.answer(_tap_note(tapped.subscription, tapped.liked))
        current = query.message.reply_markup if isinstance(query.message, Message) else None
        markup = tapped_buttons(current, button, tapped.liked)
        if markup is None:
            return
        try:
            await query.edit_message_reply_markup(reply_markup=markup)
        except BadRequest as exc:  # too old to edit, or the same press twice: the tap counts
            log.info("tap buttons in %s not edited: %s", chat.id, exc)

    async def ask_about(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """"Ask about this" under an alert: the chat's conversation is now on that story."""
        query = update.callback_query
        if query is None or query.data is None or query.message is None:
            return
        button = callbacks.decode(query.data)
        if not isinstance(button, AskAbout):
            await query.answer(OUT_OF_DATE)
            return
        chat_id = query.message.chat.id
        try:
            ref = await asyncio.to_thread(self._questions.focus, str(chat_id), button.article_id)
        except NewsdeskError as exc:
            await query.answer(for_users(exc), show_alert=True)
            return
        await query.answer()
        how = ("ask away" if query.message.chat.type == ChatType.PRIVATE
               else "reply to this message or use /ask")
        title = _short(ref.title, SHOWN_TITLE_CHARS)
        # an example any story answers: "what was agreed?" suits a summit, not a storm
        await send_html(context.bot, chat_id, (
            f"Let's talk about <b>{escape(title)}</b> — {how}, e.g. "
            "<i>what happens next?</i>"), thread_id=_thread_of(query.message), retry=self._retry)

    async def membership(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The bot was blocked or removed (alerts pause) or let back in (they resume)."""
        change: ChatMemberUpdated | None = update.my_chat_member
        if change is None:
            return
        chat_id = change.chat.id
        if change.new_chat_member.status in GONE:
            await asyncio.to_thread(self._alerts.chat_gone, chat_id,
                                    f"bot {change.new_chat_member.status}")
            log.info("chat %s is gone (%s): its alerts pause", chat_id,
                     change.new_chat_member.status)
        elif await asyncio.to_thread(self._subscriptions.chat_back, chat_id):
            log.info("chat %s is back: its alerts resume", chat_id)

    async def _managed_press(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE,
        kinds: tuple[type[callbacks.Button], ...],
    ) -> tuple[CallbackQuery, callbacks.Button] | None:
        """A pressed button of one of ``kinds`` that its presser may use (in groups, the
        group's administrators only); None once the press was answered otherwise."""
        query = update.callback_query
        if query is None or query.data is None or query.message is None:
            return None
        button = callbacks.decode(query.data)
        if not isinstance(button, kinds):
            await query.answer(OUT_OF_DATE)
            return None
        if not await self._is_group_admin(context, query.message.chat, query.from_user.id):
            await query.answer(ADMINS_ONLY, show_alert=True)
            return None
        return query, button

    async def _may_manage(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
        """Private chats always; groups only for their administrators (told otherwise)."""
        message = update.effective_message
        assert message is not None
        if message.sender_chat is not None and message.sender_chat.id == message.chat_id:
            return True  # an anonymous administrator, posting as the group
        user = update.effective_user
        if user is not None and await self._is_group_admin(context, message.chat, user.id):
            return True
        await self._reply(context, message, ADMINS_ONLY)
        return False

    async def _reply(self, context: ContextTypes.DEFAULT_TYPE, message: Message, html: str,
                     markup: InlineKeyboardMarkup | None = None) -> None:
        await send_html(context.bot, message.chat_id, html, markup=markup,
                        thread_id=_thread_of(message), retry=self._retry)

    @staticmethod
    async def _is_group_admin(context: ContextTypes.DEFAULT_TYPE, chat: Chat,
                              user_id: int) -> bool:
        if chat.type in (ChatType.PRIVATE, ChatType.SENDER):
            return True
        try:
            member = await context.bot.get_chat_member(chat.id, user_id)
        except TelegramError as exc:
            log.warning("could not check %s's rights in %s: %s", user_id, chat.id, exc)
            return False
        return member.status in (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)


def _short(topic: str, limit: int = 60) -> str:
    """A topic short enough for a button's answer (Telegram shows 200 characters)."""
    return topic if len(topic) <= limit else topic[: limit - 1] + "…"


def _tap_note(subscription: Subscription, liked: bool | None) -> str:
    """What a 👍 / 👎 / Undo did, with how much the topic has learned."""
    topic = _short(subscription.topic)
    taps = (f"learned from {counted(subscription.taps, 'tap')}" if subscription.taps
            else "back to the usual bar")
    if liked is None:
        return f"Taken back: “{topic}” forgets that tap ({taps})."
    more = "more" if liked else "fewer"
    return f"Noted: {more} stories like this for “{topic}” ({taps})."


def _argument(message: Message) -> str:
    """What follows the command (with /cmd@bot handled)."""
    text = message.text or ""
    return text.split(maxsplit=1)[1].strip() if len(text.split(maxsplit=1)) > 1 else ""


def _thread_of(message: MaybeInaccessibleMessage) -> int | None:
    """The forum topic a message is in (None outside forum topics)."""
    if isinstance(message, Message) and message.is_topic_message:
        return message.message_thread_id
    return None
