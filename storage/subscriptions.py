"""Chats and their topic subscriptions.

A subscription stopped under an alert ("Stop this topic") keeps its row, marked
``stopped_at``: it is not matched, listed or counted, and Undo clears the mark, so the topic
comes back with its mode, thread and history. A /subscribe to the same topic takes the row over.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from core.errors import SubscriptionError
from core.models import INSTANT, ChatPrefs, Subscription
from storage.alerts import start_matching
from storage.database import Database, in_batches
from storage.schema import alert_outbox, chats, subscription_taps, subscriptions
from storage.upsert import upsert

_PREFS = tuple(f.name for f in fields(ChatPrefs))
_SUBSCRIPTION = tuple(f.name for f in fields(Subscription))
_LIVE = subscriptions.c.stopped_at.is_(None)


@dataclass(frozen=True)
class TapRow:
    """A stored 👍 (liked) or 👎 on a story, with the story's score for the topic then."""

    article_id: str
    liked: bool
    score: float


@dataclass(frozen=True)
class Tapped:
    """A subscription after a tap, and the story's tap now (None: the tap was taken back)."""

    subscription: Subscription
    liked: bool | None


@dataclass(frozen=True)
class KeptTopic:
    """What a subscription keeps of its topic (alerts.kept): the parse as JSON, the vector of
    its meaning (None for phrases only) and the embedding model that made it."""

    parsed: str
    vector: np.ndarray | None = None
    model: str | None = None


@dataclass(frozen=True)
class FollowedTopic:
    """A subscription that matching reads, with what was kept of its topic (None: nothing)."""

    subscription: Subscription
    parsed: str | None
    vector: np.ndarray | None
    model: str | None

    @property
    def topic(self) -> str:
        """The topic as spelled now."""
        return self.subscription.topic


Learn = Callable[[Sequence[TapRow]], float | None]  # a subscription's bar from its taps


def to_subscription(row: sa.Row[Any]) -> Subscription:
    """A subscriptions row as a Subscription."""
    data = row._mapping
    return Subscription(**{name: data[name] for name in _SUBSCRIPTION})


def _prefs(row: sa.Row[Any]) -> ChatPrefs:
    data = row._mapping
    return ChatPrefs(**{name: data[name] for name in _PREFS})


class SubscriptionRepository:
    """Add, list, change and remove a chat's topics; each chat's delivery preferences."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def add(
        self, chat_id: int, kind: str, thread_id: int | None, topic: str, topic_key: str, *,
        now: datetime, limit: int, kept: KeptTopic | None = None,
    ) -> Subscription:
        """A new instant subscription, with what was computed of its topic (``kept``);
        SubscriptionError when it exists or the chat is full."""
        with self._db.write() as conn:
            _ensure_chat(conn, chat_id, kind)
            start_matching(conn)
            _refuse_if_followed(conn, chat_id, topic_key)
            _refuse_if_full(conn, chat_id, limit)
            values = {"chat_id": chat_id, "thread_id": thread_id, "topic": topic,
                      "topic_key": topic_key, "created_at": now, **_kept_values(kept)}
            stopped = conn.execute(sa.select(subscriptions.c.id).where(
                subscriptions.c.chat_id == chat_id, subscriptions.c.topic_key == topic_key,
            )).scalar()
            if stopped is not None:  # stopped under an alert: followed anew, as /subscribe does
                conn.execute(sa.update(subscriptions).where(subscriptions.c.id == stopped).values(
                    **values, mode=INSTANT, last_alert_at=None, stopped_at=None))
                new_id = stopped
            else:
                new_id = conn.execute(sa.insert(subscriptions).values(**values)
                                      .returning(subscriptions.c.id)).scalar_one()
            # a chat that subscribes again is back, whatever Telegram said before
            conn.execute(sa.update(chats).where(chats.c.chat_id == chat_id)
                         .values(active=True, inactive_reason=""))
            row = conn.execute(sa.select(subscriptions).where(subscriptions.c.id == new_id)).one()
        return to_subscription(row)

    def of_chat(self, chat_id: int) -> list[Subscription]:
        """The chat's subscriptions, oldest first."""
        query = (sa.select(subscriptions).where(subscriptions.c.chat_id == chat_id, _LIVE)
                 .order_by(subscriptions.c.id))
        with self._db.read() as conn:
            return [to_subscription(row) for row in conn.execute(query)]

    def find(self, chat_id: int, topic_key: str) -> Subscription | None:
        """The chat's subscription to the topic with this key, or None."""
        with self._db.read() as conn:
            return _by_key(conn, chat_id, topic_key)

    def get(self, subscription_id: int) -> Subscription | None:
        """One subscription, or None when it was removed or stopped."""
        with self._db.read() as conn:
            row = conn.execute(sa.select(subscriptions).where(
                subscriptions.c.id == subscription_id, _LIVE)).first()
        return None if row is None else to_subscription(row)

    def stop(self, subscription_id: int, now: datetime) -> Subscription | None:
        """Stop a subscription but keep it for Undo (its queued alerts are dropped); the
        stopped one, or None when it was removed or stopped already."""
        with self._db.write() as conn:
            row = conn.execute(sa.update(subscriptions).where(
                subscriptions.c.id == subscription_id, _LIVE).values(stopped_at=now)
                .returning(*subscriptions.c)).first()
            if row is not None:
                conn.execute(sa.delete(alert_outbox).where(
                    alert_outbox.c.subscription_id == subscription_id))
        return None if row is None else to_subscription(row)

    def resume(self, chat_id: int, subscription_id: int, *,
               limit: int) -> tuple[Subscription, bool] | None:
        """Undo a stop: the chat's subscription as it was, and True when this call restored
        it (False: it was followed already, by an earlier Undo or a new /subscribe); None when
        it was removed since. SubscriptionError when the chat is full."""
        with self._db.write() as conn:
            row = conn.execute(sa.select(subscriptions).where(
                subscriptions.c.id == subscription_id,
                subscriptions.c.chat_id == chat_id)).first()
            if row is None:
                return None
            if row.stopped_at is None:
                return to_subscription(row), False
            _refuse_if_full(conn, chat_id, limit)
            # conditional, so of two presses (in one process or two) one restores it
            restored = conn.execute(sa.update(subscriptions).where(
                subscriptions.c.id == subscription_id, subscriptions.c.stopped_at.is_not(None),
            ).values(stopped_at=None).returning(*subscriptions.c)).first()
            if restored is None:
                row = conn.execute(sa.select(subscriptions).where(
                    subscriptions.c.id == subscription_id)).one()
                return to_subscription(row), False
            conn.execute(sa.update(chats).where(chats.c.chat_id == chat_id)
                         .values(active=True, inactive_reason=""))
        return to_subscription(restored), True

    def tap(self, subscription_id: int, chat_id: int, article_id: str, liked: bool | None,
            score: float, *, now: datetime, learn: Learn) -> Tapped | None:
        """Record a 👍 (``liked``) or 👎 on a story, replacing its earlier tap (None takes it
        back), and store the bar ``learn`` reads off all the subscription's taps; None when
        the chat no longer follows the topic."""
        key = (subscription_taps.c.subscription_id == subscription_id,
               subscription_taps.c.article_id == article_id)
        with self._db.write() as conn:
            # locks the row on PostgreSQL: two taps at once learn one after the other
            found = conn.execute(sa.update(subscriptions).where(
                subscriptions.c.id == subscription_id, subscriptions.c.chat_id == chat_id, _LIVE,
            ).values(taps=subscriptions.c.taps).returning(subscriptions.c.id)).first()
            if found is None:
                return None
            conn.execute(sa.delete(subscription_taps).where(*key))
            if liked is not None:
                conn.execute(sa.insert(subscription_taps).values(
                    subscription_id=subscription_id, article_id=article_id, liked=liked,
                    score=score, tapped_at=now))
            taps = [TapRow(row.article_id, row.liked, row.score) for row in conn.execute(
                sa.select(subscription_taps).where(
                    subscription_taps.c.subscription_id == subscription_id)
                .order_by(subscription_taps.c.tapped_at))]
            row = conn.execute(sa.update(subscriptions).where(
                subscriptions.c.id == subscription_id).values(
                threshold=learn(taps), taps=len(taps)).returning(*subscriptions.c)).one()
        return Tapped(to_subscription(row), liked)

    def active(self) -> list[Subscription]:
        """Every subscription of every chat that can still be reached."""
        return [f.subscription for f in self.followed()]

    def followed(self) -> list[FollowedTopic]:
        """Every subscription of every chat that can still be reached, with its kept topic."""
        query = (sa.select(subscriptions).join(chats, chats.c.chat_id == subscriptions.c.chat_id)
                 .where(chats.c.active, _LIVE).order_by(subscriptions.c.id))
        with self._db.read() as conn:
            return [_followed(row) for row in conn.execute(query)]

    def followed_one(self, subscription_id: int) -> FollowedTopic | None:
        """One subscription with its kept topic, or None when it was removed or stopped."""
        with self._db.read() as conn:
            row = conn.execute(sa.select(subscriptions).where(
                subscriptions.c.id == subscription_id, _LIVE)).first()
        return None if row is None else _followed(row)

    def keep_topics(self, kept: Mapping[int, tuple[str, KeptTopic]]) -> int:
        """Store what was computed of these subscriptions' topics, by id: (the spelling it
        was computed for, what to keep); a topic respelled meanwhile is left alone. How many
        were stored."""
        if not kept:
            return 0
        # one statement, executed for many rows: compiling an UPDATE per row cost ~0.5 ms
        rows = [{"b_id": subscription_id, "b_topic": topic,
                 **{f"b_{k}": v for k, v in _kept_values(what).items()}}
                for subscription_id, (topic, what) in kept.items()]
        statement = sa.update(subscriptions).where(
            subscriptions.c.id == sa.bindparam("b_id"),
            subscriptions.c.topic == sa.bindparam("b_topic"),
        ).values({name: sa.bindparam(f"b_{name}") for name in _kept_values(None)})
        with self._db.write() as conn:
            return conn.execute(statement, rows).rowcount

    def remove(self, subscription_id: int) -> Subscription | None:
        """Delete a subscription (and its pending alerts); the removed one, or None."""
        with self._db.write() as conn:
            row = conn.execute(sa.delete(subscriptions).where(
                subscriptions.c.id == subscription_id).returning(*subscriptions.c)).first()
        return None if row is None else to_subscription(row)

    def retopic(self, subscription_id: int, topic: str, topic_key: str,
                kept: KeptTopic | None = None) -> Subscription | None:
        """Give a subscription another spelling of its topic (with what was computed of it,
        ``kept``), keeping its mode, thread and start; SubscriptionError when the chat follows
        that one already, None when removed."""
        with self._db.write() as conn:
            current = conn.execute(sa.select(subscriptions).where(
                subscriptions.c.id == subscription_id, _LIVE)).first()
            if current is None:
                return None
            _refuse_if_followed(conn, current.chat_id, topic_key, other_than=subscription_id)
            conn.execute(sa.delete(subscriptions).where(  # a stopped one of that spelling
                subscriptions.c.chat_id == current.chat_id,
                subscriptions.c.topic_key == topic_key, subscriptions.c.id != subscription_id))
            row = conn.execute(sa.update(subscriptions).where(
                subscriptions.c.id == subscription_id).values(
                topic=topic, topic_key=topic_key, **_kept_values(kept))
                .returning(*subscriptions.c)).one()
        return to_subscription(row)

    def set_mode(self, subscription_id: int, mode: str) -> Subscription | None:
        """Switch between instant alerts and the daily digest; None when it was removed."""
        with self._db.write() as conn:
            row = conn.execute(sa.update(subscriptions).where(
                subscriptions.c.id == subscription_id, _LIVE).values(mode=mode)
                .returning(*subscriptions.c)).first()
            if row is not None:
                _replan(conn, row.chat_id)
        return None if row is None else to_subscription(row)

    def prefs(self, chat_id: int) -> ChatPrefs:
        """The chat's delivery preferences (the defaults for a chat never seen)."""
        with self._db.read() as conn:
            row = conn.execute(sa.select(chats).where(chats.c.chat_id == chat_id)).first()
        return ChatPrefs(chat_id) if row is None else _prefs(row)

    def prefs_of(self, chat_ids: Sequence[int]) -> dict[int, ChatPrefs]:
        """Several chats' preferences at once (defaults for chats never seen)."""
        found = {chat_id: ChatPrefs(chat_id) for chat_id in chat_ids}
        with self._db.read() as conn:
            for part in in_batches(chat_ids):
                query = sa.select(chats).where(chats.c.chat_id.in_(part))
                found.update({row.chat_id: _prefs(row) for row in conn.execute(query)})
        return found

    def update_prefs(self, chat_id: int, kind: str, **changes: Any) -> ChatPrefs:
        """Change some of the chat's preferences (creating its row when needed)."""
        with self._db.write() as conn:
            _ensure_chat(conn, chat_id, kind)
            conn.execute(sa.update(chats).where(chats.c.chat_id == chat_id).values(**changes))
            _replan(conn, chat_id)
            row = conn.execute(sa.select(chats).where(chats.c.chat_id == chat_id)).one()
        return _prefs(row)

    def set_active(self, chat_id: int, active: bool, reason: str = "") -> bool:
        """Pause (or resume) every alert to a chat; True when that changed anything."""
        with self._db.write() as conn:
            changed = conn.execute(sa.update(chats).where(
                chats.c.chat_id == chat_id, chats.c.active != active,
            ).values(active=active, inactive_reason="" if active else reason)).rowcount
        return bool(changed)

    def counts(self) -> tuple[int, int]:
        """(subscriptions of reachable chats, chats they belong to)."""
        query = (sa.select(sa.func.count(), sa.func.count(sa.distinct(subscriptions.c.chat_id)))
                 .select_from(subscriptions.join(chats, chats.c.chat_id == subscriptions.c.chat_id))
                 .where(chats.c.active, _LIVE))
        with self._db.read() as conn:
            total, chat_count = conn.execute(query).one()
        return int(total), int(chat_count)


def _refuse_if_followed(conn: Connection, chat_id: int, topic_key: str,
                        other_than: int | None = None) -> None:
    """SubscriptionError when the chat follows the topic with this key (by another
    subscription than ``other_than``)."""
    existing = _by_key(conn, chat_id, topic_key)
    if existing is not None and existing.id != other_than:
        raise SubscriptionError(
            f"This chat already follows “{existing.topic}”: see /subscriptions.")


def _refuse_if_full(conn: Connection, chat_id: int, limit: int) -> None:
    count = conn.execute(sa.select(sa.func.count()).select_from(subscriptions).where(
        subscriptions.c.chat_id == chat_id, _LIVE)).scalar_one()
    if count >= limit:
        raise SubscriptionError(
            f"This chat follows {count} topics, the most I keep per chat: remove one "
            "with /unsubscribe first.")


def _by_key(conn: Connection, chat_id: int, topic_key: str) -> Subscription | None:
    row = conn.execute(sa.select(subscriptions).where(
        subscriptions.c.chat_id == chat_id, subscriptions.c.topic_key == topic_key,
        _LIVE)).first()
    return None if row is None else to_subscription(row)


def _replan(conn: Connection, chat_id: int) -> None:
    """Alerts held for quiet hours or the digest are planned afresh under the new settings."""
    conn.execute(sa.update(alert_outbox).where(alert_outbox.c.chat_id == chat_id)
                 .values(not_before=None))


def _followed(row: sa.Row[Any]) -> FollowedTopic:
    return FollowedTopic(to_subscription(row), row.topic_parsed,
                         None if row.topic_vector is None
                         else np.frombuffer(row.topic_vector, dtype=np.float32),
                         row.topic_model)


def _kept_values(kept: KeptTopic | None) -> dict[str, Any]:
    """The kept-topic columns (all NULL without ``kept``: computed on first use)."""
    if kept is None:
        return {"topic_parsed": None, "topic_vector": None, "topic_model": None}
    return {"topic_parsed": kept.parsed,
            "topic_vector": None if kept.vector is None
            else np.asarray(kept.vector, dtype=np.float32).tobytes(),
            "topic_model": None if kept.vector is None else kept.model}


def _ensure_chat(conn: Connection, chat_id: int, kind: str) -> None:
    upsert(conn, chats, {"chat_id": chat_id, "kind": kind}, ["chat_id"],
           update={"kind": "excluded"})
