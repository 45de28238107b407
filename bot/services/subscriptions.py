"""Subscribing to topics and choosing when alerts arrive: the chat-independent use cases."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from alerts.timing import parse_clock, parse_quiet_hours, parse_timezone
from alerts.topics import Topic, parse_topic
from bot.services.story_topic import story_topic
from core.errors import ArticleNotFound, NewsdeskError, SubscriptionError
from core.models import DIGEST, INSTANT, ArticleRef, ChatPrefs, Subscription
from storage.articles import ArticleRepository
from storage.subscriptions import KeptTopic, SubscriptionRepository

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]
MAX_TOPICS_PER_CHAT = 20
PREVIEW_STORIES = 5


@dataclass(frozen=True)
class TopicPreview:
    """What /subscribe shows: the newest stored stories a topic matches, and close calls
    (stories just below its bar, best first) its reader can tap to teach it."""

    matches: tuple[ArticleRef, ...] = ()
    close: tuple[ArticleRef, ...] = ()


@dataclass(frozen=True)
class Subscribed:
    """A new subscription and the newest stories it would have matched."""

    subscription: Subscription
    recent: tuple[ArticleRef, ...]
    quotable_name: str | None = None  # a name matched by meaning: offer it in quotes
    close: tuple[ArticleRef, ...] = ()  # just below its bar: tap 👍 to have stories like them


@dataclass(frozen=True)
class Resumed:
    """Undo under an alert: the subscription, and whether this press brought it back (False:
    it was followed already, by an earlier Undo or a new /subscribe)."""

    subscription: Subscription
    restored: bool


class SubscriptionService:
    """A chat's topics and its delivery preferences."""

    def __init__(
        self, repository: SubscriptionRepository,
        preview: Callable[[Topic, int], TopicPreview], *,
        max_per_chat: int = MAX_TOPICS_PER_CHAT, clock: Clock = lambda: datetime.now(UTC),
        articles: ArticleRepository | None = None,
        spelling: Callable[[Topic], str | None] | None = None,
        keep: Callable[[Topic], KeptTopic] | None = None,
    ) -> None:
        self._repo = repository
        self._keep = keep  # a topic's parse and vector, stored with its subscription
        self._spelling = spelling  # how the news writes a name typed in lower case
        self._articles = articles  # for following a story by its article
        self._preview = preview  # built on first use: listing topics loads no model
        self._max_per_chat = max_per_chat
        self._clock = clock

    def subscribe(self, chat_id: int, kind: str, thread_id: int | None,
                  text: str) -> Subscribed:
        """Follow a topic (instantly alerted); SubscriptionError says what is wrong."""
        topic = self._as_named(parse_topic(text))
        subscription = self._repo.add(chat_id, kind, thread_id, topic.text, topic.key,
                                      now=self._clock(), limit=self._max_per_chat,
                                      kept=self._kept(topic))
        try:
            preview = self._preview(topic, PREVIEW_STORIES)
        except NewsdeskError as exc:  # the subscription stands; only the preview is missing
            log.warning("no preview for %r: %s", topic.text, exc)
            preview = TopicPreview()
        return Subscribed(subscription, preview.matches, topic.quotable_name, preview.close)

    def _kept(self, topic: Topic) -> KeptTopic | None:
        """The topic's parse and vector, computed once for every matching round (None: left
        to the first round, as for subscriptions made before they were kept)."""
        if self._keep is None:
            return None
        try:
            return self._keep(topic)
        except NewsdeskError as exc:
            log.warning("%r not kept, matching will compute it: %s", topic.text, exc)
            return None

    def _as_named(self, topic: Topic) -> Topic:
        """A name typed in lower case ("thierry henry"), spelled as the news writes it, so it
        is followed as a name; other topics as typed."""
        if self._spelling is None:
            return topic
        try:
            spelling = self._spelling(topic)
        except NewsdeskError as exc:  # no search: the topic as typed
            log.warning("no spelling for %r: %s", topic.text, exc)
            return topic
        return topic if spelling is None else parse_topic(spelling)

    def follow_story(self, chat_id: int, kind: str, thread_id: int | None,
                     article_id: str) -> Subscribed:
        """/subscribe to the names of a story's headline ("Follow this story" under an answer)."""
        article = self._articles.get(article_id) if self._articles is not None else None
        if article is None:
            raise ArticleNotFound("That story is no longer in my archive.")
        topic = story_topic(article.title, article.text)
        if not topic:
            raise SubscriptionError("That story's headline names nothing I can follow: send "
                                    "/subscribe with a topic instead.")
        return self.subscribe(chat_id, kind, thread_id, topic)

    def topics(self, chat_id: int) -> list[Subscription]:
        """The chat's subscriptions, oldest first."""
        return self._repo.of_chat(chat_id)

    def get(self, chat_id: int, subscription_id: int) -> Subscription:
        """One of the chat's subscriptions (SubscriptionError when it is gone)."""
        found = self._repo.get(subscription_id)
        if found is None or found.chat_id != chat_id:
            raise SubscriptionError("That topic is no longer followed here.")
        return found

    def find(self, chat_id: int, text: str) -> Subscription:
        """The chat's subscription to this topic, however it is spelled."""
        found = self._repo.find(chat_id, parse_topic(text).key)
        if found is not None:
            return found
        raise SubscriptionError(f"This chat does not follow “{text.strip()[:60]}”: see "
                                "/subscriptions.")

    def remove(self, chat_id: int, subscription_id: int) -> Subscription:
        """Stop following a topic; its queued alerts are dropped."""
        self.get(chat_id, subscription_id)
        removed = self._repo.remove(subscription_id)
        if removed is None:
            raise SubscriptionError("That topic is no longer followed here.")
        return removed

    def stop(self, chat_id: int, subscription_id: int) -> Subscription:
        """"Stop this topic" under an alert: no more alerts, but kept for ``resume``."""
        self.get(chat_id, subscription_id)
        stopped = self._repo.stop(subscription_id, self._clock())
        if stopped is None:
            raise SubscriptionError("That topic is no longer followed here.")
        return stopped

    def resume(self, chat_id: int, subscription_id: int) -> Resumed:
        """Undo a stop: the topic is followed again with its mode, thread and history."""
        found = self._repo.resume(chat_id, subscription_id, limit=self._max_per_chat)
        if found is None:
            raise SubscriptionError("That topic was removed since: send /subscribe to follow "
                                    "it again.")
        return Resumed(*found)

    def quote(self, chat_id: int, subscription_id: int) -> Subscription:
        """Turn a name matched by meaning into the quoted name: every story naming it."""
        name = parse_topic(self.get(chat_id, subscription_id).topic).quotable_name
        if name is None:
            raise SubscriptionError("That topic is not a name I can put in quotes.")
        quoted = parse_topic(f'"{name}"')
        changed = self._repo.retopic(subscription_id, quoted.text, quoted.key,
                                     self._kept(quoted))
        if changed is None:
            raise SubscriptionError("That topic is no longer followed here.")
        return changed

    def set_mode(self, chat_id: int, subscription_id: int, mode: str) -> Subscription:
        """Switch a topic between instant alerts and the daily digest."""
        if mode not in (INSTANT, DIGEST):
            raise SubscriptionError(f"unknown delivery mode {mode!r}")
        self.get(chat_id, subscription_id)
        changed = self._repo.set_mode(subscription_id, mode)
        if changed is None:
            raise SubscriptionError("That topic is no longer followed here.")
        return changed

    def prefs(self, chat_id: int) -> ChatPrefs:
        """When the chat's alerts go out."""
        return self._repo.prefs(chat_id)

    def set_digest_time(self, chat_id: int, kind: str, text: str) -> ChatPrefs:
        """The local time of the daily digest."""
        return self._repo.update_prefs(chat_id, kind, digest_time=parse_clock(text))

    def set_quiet_hours(self, chat_id: int, kind: str, text: str) -> ChatPrefs:
        """Hold alerts between two local times ("off" ends quiet hours)."""
        if text.strip().lower() in ("off", "none", "no"):
            return self._repo.update_prefs(chat_id, kind, quiet_start=None, quiet_end=None)
        start, end = parse_quiet_hours(text)
        return self._repo.update_prefs(chat_id, kind, quiet_start=start, quiet_end=end)

    def set_timezone(self, chat_id: int, kind: str, text: str) -> ChatPrefs:
        """The chat's IANA time zone."""
        return self._repo.update_prefs(chat_id, kind, timezone=parse_timezone(text))

    def chat_back(self, chat_id: int) -> bool:
        """The chat can be reached again: its subscriptions resume (True if they were paused)."""
        return self._repo.set_active(chat_id, True)

    def counts(self) -> tuple[int, int]:
        """(active subscriptions, chats they belong to)."""
        return self._repo.counts()
