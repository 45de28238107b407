"""The alert outbox, the sent ledger and the stories behind them.

Matching writes its alerts and moves its cursor (the newest article revision it has matched) in
one transaction, so an ingest's matches are recorded once and never lost. Delivery deletes an
outbox row and writes its ledger row in one transaction after Telegram accepted the message.
What a match does (alert, edit the alert sent, nothing) is decided by core.alert_ledger from the
rows read here; this module only reads and writes them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from core.alert_ledger import Decision, Sent, edit_buttons, on_match
from core.models import ArticleRef
from storage.articles import PENDING
from storage.database import Database, in_batches
from storage.meta import read_revision
from storage.schema import (
    alert_edits,
    alert_outbox,
    articles,
    chats,
    chunks,
    meta,
    sent_alerts,
    stories,
    subscription_taps,
    subscriptions,
)
from storage.upsert import insert_ignoring_conflicts, upsert

CURSOR_KEY = "alerts_revision"
QuoteSpan = tuple[str, int, int]  # a verified quote: (snippet, start, end) in the article
_CHANGED = (sa.select(articles.c.id, articles.c.title, articles.c.text, articles.c.published,
                      articles.c.fetched_at, articles.c.revision, PENDING.label("pending"),
                      stories.c.headline, stories.c.headline_vector,
                      stories.c.model.label("headline_model"))
            .select_from(articles.outerjoin(stories, stories.c.article_id == articles.c.id)))


@dataclass(frozen=True)
class ChangedArticle:
    """An article written after the matching cursor, with its chunks' terms."""

    article_id: str
    title: str
    text: str
    published: datetime | None
    fetched_at: datetime
    revision: int
    indexed: bool
    chunk_count: int
    terms: frozenset[str]
    # its headline's vector as kept with its story: of ``headline``, by ``headline_model``
    headline_vector: np.ndarray | None = None
    headline: str | None = None
    headline_model: str | None = None

    @property
    def dated(self) -> datetime:
        """When it came out: published, else fetched."""
        return self.published or self.fetched_at


@dataclass(frozen=True)
class StoryRow:
    """A matched article's story and lead vector."""

    article_id: str
    title: str
    story_id: str
    vector: np.ndarray | None
    lead: str = ""  # the start of the article's text, read back only where terms are None
    when: datetime | None = None  # published, else fetched
    terms: frozenset[str] | None = None  # its headline's and lead's terms (None: not kept)
    headline_vector: np.ndarray | None = None  # of ``title``
    model: str | None = None  # the embedding model that made ``headline_vector``


@dataclass(frozen=True)
class NewAlert:
    """One match to write to the outbox."""

    chat_id: int
    subscription_id: int
    article_id: str
    story_id: str
    quotes: tuple[QuoteSpan, ...] | None = None  # why it matched, verified


@dataclass(frozen=True)
class PendingAlert:
    """An outbox row with everything needed to send it."""

    outbox_id: int
    chat_id: int
    thread_id: int | None
    subscription_id: int
    topic: str
    mode: str
    ref: ArticleRef
    story_id: str
    created_at: datetime
    attempts: int
    quotes: tuple[QuoteSpan, ...] | None = None  # kept since it matched (None: older rows)


@dataclass(frozen=True)
class PendingEdit:
    """An alert to edit: the story's other outlets so far, and the edits not yet shown."""

    chat_id: int
    story_id: str
    message_id: int
    topic: str
    subscription_id: int | None  # None once the chat stopped following the topic
    ref: ArticleRef  # the article the alert was about
    also: tuple[ArticleRef, ...]  # every other outlet's report, first come first
    edit_ids: tuple[int, ...]  # the rows this edit applies
    attempts: int
    stopped_id: int | None = None  # the topic was stopped under this alert: Undo restores it
    quotes: tuple[QuoteSpan, ...] | None = None  # the alert's quotes as sent (None: older)
    liked: bool | None = None  # the chat's 👍 (True) or 👎 on the story for the topic, if any


class CursorMoved(Exception):
    """Another process matched the same articles first; this attempt's writes are void."""


class AlertRepository:
    """What matching reads and writes, and what delivery takes from the outbox."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def cursor(self) -> int | None:
        """The newest article revision already matched (None before alerts ever ran)."""
        with self._db.read() as conn:
            value = conn.execute(sa.select(meta.c.value).where(meta.c.key == CURSOR_KEY)).scalar()
        return None if value is None else int(value)

    def start_cursor(self) -> int:
        """Start matching from now on: the archive that exists already never alerts."""
        with self._db.write() as conn:
            return start_matching(conn)

    def changed_since(self, revision: int, limit: int) -> list[ChangedArticle]:
        """Up to ``limit`` articles written after ``revision``, oldest write first."""
        return self._with_chunks(
            _CHANGED.where(articles.c.revision > revision)
            .order_by(articles.c.revision).limit(limit))

    def stored(self, article_ids: Sequence[str]) -> list[ChangedArticle]:
        """These articles as matching reads them (missing ones are left out)."""
        return self._with_chunks(_CHANGED.where(articles.c.id.in_(list(article_ids))))

    def _with_chunks(self, query: sa.Select[Any]) -> list[ChangedArticle]:
        with self._db.read() as conn:
            rows = conn.execute(query).all()
            ids = [row.id for row in rows]
            terms: dict[str, set[str]] = {i: set() for i in ids}
            counts: dict[str, int] = dict.fromkeys(ids, 0)
            for part in in_batches(ids):
                for chunk in conn.execute(sa.select(chunks.c.article_id, chunks.c.terms).where(
                        chunks.c.article_id.in_(part))):
                    terms[chunk.article_id].update(chunk.terms.split())
                    counts[chunk.article_id] += 1
        return [ChangedArticle(row.id, row.title, row.text, row.published, row.fetched_at,
                               int(row.revision), not row.pending, counts[row.id],
                               frozenset(terms[row.id]), _vector(row.headline_vector),
                               row.headline, row.headline_model) for row in rows]

    def stories_of(self, article_ids: Sequence[str]) -> dict[str, str]:
        """The stories already assigned to some of these articles."""
        found: dict[str, str] = {}
        with self._db.read() as conn:
            for part in in_batches(article_ids):
                query = sa.select(stories.c.article_id, stories.c.story_id).where(
                    stories.c.article_id.in_(part))
                found.update({row.article_id: row.story_id for row in conn.execute(query)})
        return found

    def recent_stories(self, since: datetime, lead_chars: int) -> list[StoryRow]:
        """Stories of articles first matched since ``since``, with their lead vectors, the
        first ``lead_chars`` of their text and their dates."""
        query = (sa.select(stories.c.article_id, articles.c.title, stories.c.story_id,
                           stories.c.vector, articles.c.published, articles.c.fetched_at,
                           stories.c.terms,
                           # the lead is read only for stories matched before terms were kept
                           sa.case((stories.c.terms.is_(None),
                                    sa.func.substr(articles.c.text, 1, lead_chars)),
                                   else_="").label("lead"))
                 .join(articles, articles.c.id == stories.c.article_id)
                 .where(stories.c.at >= since).order_by(stories.c.at))
        with self._db.read() as conn:
            return [StoryRow(row.article_id, row.title, row.story_id,
                             None if row.vector is None
                             else np.frombuffer(row.vector, dtype=np.float32),
                             str(row.lead), row.published or row.fetched_at,
                             None if row.terms is None else frozenset(row.terms.split()))
                    for row in conn.execute(query)]

    def record(
        self, old_cursor: int, new_cursor: int, new_stories: Sequence[StoryRow],
        alerts: Sequence[NewAlert], now: datetime,
    ) -> int:
        """Write the stories and alerts and move the cursor, all or nothing; the alerts
        queued (core.alert_ledger decides which are queued, which edit an alert, which do
        nothing). A story already stored keeps its story, lead and date; its headline's
        vector is brought up to date.

        Raises CursorMoved when another process moved the cursor since ``old_cursor``.
        """
        with self._db.write() as conn:
            moved = conn.execute(sa.update(meta).where(
                meta.c.key == CURSOR_KEY, meta.c.value == str(old_cursor),
            ).values(value=str(new_cursor))).rowcount
            if not moved:
                raise CursorMoved
            for story in new_stories:
                _keep_story(conn, story, now)
            queued = 0
            source_of = _sources(conn, {a.article_id for a in alerts})
            # read for every (chat, story) at once: the loop below writes neither the ledger
            # nor, for a pair it has not reached, the outbox
            sent, waiting = _ledger(conn, {(a.chat_id, a.story_id) for a in alerts})
            for alert in alerts:
                key = (alert.chat_id, alert.story_id)
                source = source_of.get(alert.article_id, "")
                decision = on_match(sent[key], key in waiting, source)
                if decision is Decision.QUEUE:
                    queued += insert_ignoring_conflicts(conn, alert_outbox, {
                        "chat_id": alert.chat_id, "subscription_id": alert.subscription_id,
                        "article_id": alert.article_id, "story_id": alert.story_id,
                        "created_at": now, "quotes": _dumped(alert.quotes),
                    }, ["chat_id", "story_id"])
                    waiting.add(key)
                elif decision is Decision.EDIT:  # once per outlet: the key says so
                    insert_ignoring_conflicts(conn, alert_edits, {
                        "chat_id": alert.chat_id, "story_id": alert.story_id,
                        "article_id": alert.article_id, "source": source, "created_at": now,
                    }, ["chat_id", "story_id", "source"])
            return queued

    def due(self, now: datetime, limit: int, chat_id: int | None = None,
            held_too: bool = False) -> list[PendingAlert]:
        """Queued alerts of reachable chats that may be tried now, oldest first
        (``held_too``: also those held for later)."""
        query = (
            sa.select(alert_outbox, subscriptions.c.thread_id, subscriptions.c.topic,
                      subscriptions.c.mode, articles.c.title, articles.c.source, articles.c.url,
                      articles.c.published)
            .join(subscriptions, subscriptions.c.id == alert_outbox.c.subscription_id)
            .join(articles, articles.c.id == alert_outbox.c.article_id)
            .join(chats, chats.c.chat_id == alert_outbox.c.chat_id)
            .where(chats.c.active, subscriptions.c.stopped_at.is_(None))
            .order_by(alert_outbox.c.id).limit(limit)
        )
        if not held_too:
            query = query.where(sa.or_(alert_outbox.c.not_before.is_(None),
                                       alert_outbox.c.not_before <= now))
        if chat_id is not None:
            query = query.where(alert_outbox.c.chat_id == chat_id)
        with self._db.read() as conn:
            return [_pending(row) for row in conn.execute(query)]

    def mark_sent(self, alerts: Sequence[PendingAlert], message_id: int | None,
                  now: datetime) -> None:
        """Telegram accepted the message carrying ``alerts``: ledger in, outbox out."""
        with self._db.write() as conn:
            for alert in alerts:
                insert_ignoring_conflicts(conn, sent_alerts, {
                    "chat_id": alert.chat_id, "story_id": alert.story_id,
                    "article_id": alert.ref.article_id, "topic": alert.topic,
                    "message_id": message_id, "sent_at": now,
                    "subscription_id": alert.subscription_id, "quotes": _dumped(alert.quotes),
                }, ["chat_id", "story_id"])
                conn.execute(sa.delete(alert_outbox).where(alert_outbox.c.id == alert.outbox_id))
                conn.execute(sa.update(subscriptions).where(
                    subscriptions.c.id == alert.subscription_id).values(last_alert_at=now))

    def postpone(self, alerts: Sequence[PendingAlert], until: datetime) -> None:
        """Try these again at ``until`` (a failed send)."""
        with self._db.write() as conn:
            conn.execute(sa.update(alert_outbox).where(
                alert_outbox.c.id.in_([a.outbox_id for a in alerts])).values(
                attempts=alert_outbox.c.attempts + 1, not_before=until))

    def hold(self, alerts: Sequence[PendingAlert], until: datetime) -> None:
        """Keep these for later (quiet hours, the digest time), without counting a failure."""
        with self._db.write() as conn:
            conn.execute(sa.update(alert_outbox).where(
                alert_outbox.c.id.in_([a.outbox_id for a in alerts])).values(not_before=until))

    def drop(self, alerts: Sequence[PendingAlert]) -> None:
        """Give these alerts up (Telegram refused them for good)."""
        with self._db.write() as conn:
            conn.execute(sa.delete(alert_outbox).where(
                alert_outbox.c.id.in_([a.outbox_id for a in alerts])))

    def drop_chat(self, chat_id: int) -> int:
        """Forget every queued alert (and edit) of a chat that is gone; how many alerts."""
        with self._db.write() as conn:
            conn.execute(sa.delete(alert_edits).where(alert_edits.c.chat_id == chat_id,
                                                      alert_edits.c.applied_at.is_(None)))
            return int(conn.execute(sa.delete(alert_outbox).where(
                alert_outbox.c.chat_id == chat_id)).rowcount)

    def edits_due(self, now: datetime, limit: int) -> list[PendingEdit]:
        """Alerts of reachable chats that another outlet's report should now be added to."""
        alerted = sa.and_(sent_alerts.c.chat_id == alert_edits.c.chat_id,
                          sent_alerts.c.story_id == alert_edits.c.story_id)
        query = (sa.select(alert_edits.c.chat_id, alert_edits.c.story_id).distinct()
                 .join(chats, chats.c.chat_id == alert_edits.c.chat_id)
                 # the alert must still be there to edit: its message and its article
                 .join(sent_alerts, alerted)
                 .join(articles, articles.c.id == sent_alerts.c.article_id)
                 .where(chats.c.active, alert_edits.c.applied_at.is_(None),
                        sent_alerts.c.message_id.is_not(None),
                        sa.or_(alert_edits.c.not_before.is_(None),
                               alert_edits.c.not_before <= now))
                 .order_by(alert_edits.c.chat_id, alert_edits.c.story_id).limit(limit))
        with self._db.read() as conn:
            return [edit for chat_id, story_id in conn.execute(query).all()
                    if (edit := _pending_edit(conn, chat_id, story_id)) is not None]

    def edited(self, edit: PendingEdit, now: datetime) -> None:
        """The alert shows the edit's outlets now."""
        with self._db.write() as conn:
            conn.execute(sa.update(alert_edits).where(alert_edits.c.id.in_(edit.edit_ids))
                         .values(applied_at=now))

    def postpone_edit(self, edit: PendingEdit, until: datetime) -> None:
        """Try this edit again at ``until``."""
        with self._db.write() as conn:
            conn.execute(sa.update(alert_edits).where(alert_edits.c.id.in_(edit.edit_ids))
                         .values(attempts=alert_edits.c.attempts + 1, not_before=until))

    def drop_edit(self, edit: PendingEdit) -> None:
        """Give this edit up (the message is gone, or Telegram keeps refusing it)."""
        with self._db.write() as conn:
            conn.execute(sa.delete(alert_edits).where(alert_edits.c.id.in_(edit.edit_ids)))

    def queued(self) -> int:
        """Alerts waiting in the outbox (held by quiet hours or a digest included)."""
        with self._db.read() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(alert_outbox))
                       .scalar_one())

    def sent_count(self, chat_id: int) -> int:
        """How many stories a chat was alerted to."""
        with self._db.read() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(sent_alerts).where(
                sent_alerts.c.chat_id == chat_id)).scalar_one())

    def digest_sent(self, chat_id: int, at: datetime) -> None:
        """Remember when the chat's digest went out."""
        with self._db.write() as conn:
            conn.execute(sa.update(chats).where(chats.c.chat_id == chat_id)
                         .values(last_digest_at=at))


def start_matching(conn: Connection) -> int:
    """Set the matching cursor to the newest revision unless it is set; the cursor.

    The first subscription does it in its own transaction: every article written after it
    is matched, and the archive that was there before never alerts.
    """
    upsert(conn, meta, {"key": CURSOR_KEY, "value": str(read_revision(conn))}, ["key"],
           update={"value": meta.c.value})  # a cursor set already stays
    return int(conn.execute(sa.select(meta.c.value).where(meta.c.key == CURSOR_KEY))
               .scalar_one())


def _sources(conn: Connection, article_ids: set[str]) -> dict[str, str]:
    """Each article's outlet."""
    found: dict[str, str] = {}
    for batch in in_batches(sorted(article_ids)):
        found.update((row.id, row.source) for row in conn.execute(
            sa.select(articles.c.id, articles.c.source).where(articles.c.id.in_(batch))))
    return found


def _keep_story(conn: Connection, story: StoryRow, now: datetime) -> None:
    """Store a matched article's story; one stored already gets the new headline vector."""
    values = {"article_id": story.article_id, "story_id": story.story_id, "at": now,
              "vector": _bytes(story.vector),
              "terms": None if story.terms is None else " ".join(sorted(story.terms))}
    if story.headline_vector is None:
        insert_ignoring_conflicts(conn, stories, values, ["article_id"])
        return
    headline = {"headline": story.title, "headline_vector": _bytes(story.headline_vector),
                "model": story.model}
    upsert(conn, stories, {**values, **headline}, ["article_id"],
           update=dict.fromkeys(headline, "excluded"))


def _ledger(conn: Connection, keys: set[tuple[int, str]],
            ) -> tuple[dict[tuple[int, str], Sent | None], set[tuple[int, str]]]:
    """Each (chat, story) pair's ledger row, with its article's outlet and how many stories
    its message carried (None: never alerted), and the pairs with an alert in the outbox:
    read in a few queries, not a few per alert."""
    sent: dict[tuple[int, str], Sent | None] = dict.fromkeys(keys)
    waiting: set[tuple[int, str]] = set()
    rows: list[Any] = []
    for part in in_batches(sorted(keys)):
        pairs = sa.tuple_(sent_alerts.c.chat_id, sent_alerts.c.story_id).in_(part)
        rows += conn.execute(
            sa.select(sent_alerts.c.chat_id, sent_alerts.c.story_id, sent_alerts.c.message_id,
                      articles.c.source)
            .join(articles, articles.c.id == sent_alerts.c.article_id, isouter=True)
            .where(pairs)).all()
        waiting.update((chat, story) for chat, story in conn.execute(
            sa.select(alert_outbox.c.chat_id, alert_outbox.c.story_id).where(
                sa.tuple_(alert_outbox.c.chat_id, alert_outbox.c.story_id).in_(part))).tuples())
    sharing: dict[tuple[int, int], int] = {}
    messages = sorted({(r.chat_id, r.message_id) for r in rows if r.message_id is not None})
    for part in in_batches(messages):
        sharing.update(((chat, message), count) for chat, message, count in conn.execute(
            sa.select(sent_alerts.c.chat_id, sent_alerts.c.message_id, sa.func.count())
            .where(sa.tuple_(sent_alerts.c.chat_id, sent_alerts.c.message_id).in_(part))
            .group_by(sent_alerts.c.chat_id, sent_alerts.c.message_id)).tuples())
    for row in rows:
        shared = 0 if row.message_id is None else sharing.get((row.chat_id, row.message_id), 0)
        sent[(row.chat_id, row.story_id)] = Sent(row.message_id, row.source, shared)
    return sent, waiting


def _pending_edit(conn: Connection, chat_id: int, story_id: str) -> PendingEdit | None:
    ledger = conn.execute(
        sa.select(sent_alerts, articles.c.title, articles.c.source, articles.c.url,
                  articles.c.published)
        .join(articles, articles.c.id == sent_alerts.c.article_id)
        .where(sent_alerts.c.chat_id == chat_id, sent_alerts.c.story_id == story_id)).first()
    if ledger is None or ledger.message_id is None:
        return None
    rows = conn.execute(
        sa.select(alert_edits, articles.c.title, articles.c.url, articles.c.published)
        .join(articles, articles.c.id == alert_edits.c.article_id)
        .where(alert_edits.c.chat_id == chat_id, alert_edits.c.story_id == story_id)
        .order_by(alert_edits.c.id)).all()
    pending = [r for r in rows if r.applied_at is None]
    if not pending:
        return None
    # by the id the ledger keeps (the topic's spelling may have changed since); by the topic
    # for alerts sent before the ledger kept it
    which = (subscriptions.c.id == ledger.subscription_id
             if ledger.subscription_id is not None else subscriptions.c.topic == ledger.topic)
    subscription = conn.execute(sa.select(subscriptions.c.id, subscriptions.c.stopped_at).where(
        subscriptions.c.chat_id == chat_id, which)).first()
    live, stopped = edit_buttons(None if subscription is None else subscription.id,
                                 subscription is not None and subscription.stopped_at is not None)
    # the buttons an edit sends keep the reader's tap on the story ("👍 Noted · Undo")
    liked = None if live is None else conn.execute(
        sa.select(subscription_taps.c.liked).where(
            subscription_taps.c.subscription_id == live,
            subscription_taps.c.article_id == ledger.article_id)).scalar()
    return PendingEdit(
        chat_id=int(chat_id), story_id=story_id, message_id=int(ledger.message_id),
        topic=ledger.topic, subscription_id=live, stopped_id=stopped,
        ref=ArticleRef(ledger.article_id, ledger.title, ledger.source, ledger.url,
                       ledger.published),
        also=tuple(ArticleRef(r.article_id, r.title, r.source, r.url, r.published)
                   for r in rows),
        edit_ids=tuple(r.id for r in pending), attempts=max(r.attempts for r in pending),
        quotes=_loaded(ledger.quotes), liked=None if liked is None else bool(liked))


def _pending(row: sa.Row[Any]) -> PendingAlert:
    return PendingAlert(
        outbox_id=row.id, chat_id=int(row.chat_id), thread_id=row.thread_id,
        subscription_id=row.subscription_id, topic=row.topic, mode=row.mode,
        ref=ArticleRef(row.article_id, row.title, row.source, row.url, row.published),
        story_id=row.story_id, created_at=row.created_at, attempts=row.attempts,
        quotes=_loaded(row.quotes),
    )


def _bytes(vector: np.ndarray | None) -> bytes | None:
    return None if vector is None else np.asarray(vector, dtype=np.float32).tobytes()


def _vector(stored: bytes | None) -> np.ndarray | None:
    return None if stored is None else np.frombuffer(stored, dtype=np.float32)


def _dumped(quotes: tuple[QuoteSpan, ...] | None) -> str | None:
    return None if quotes is None else json.dumps([list(q) for q in quotes])


def _loaded(stored: str | None) -> tuple[QuoteSpan, ...] | None:
    if stored is None:
        return None
    return tuple((str(snippet), int(start), int(end)) for snippet, start, end in json.loads(stored))
