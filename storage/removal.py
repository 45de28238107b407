"""Removing articles for good, with every row that points at them, in the caller's transaction.

An admin's /forget and retention share it. What goes with an article: its chunks (and with
them its terms, so every process's lexical index drops it at the new revision), its story,
queued alerts and "also reported by" edits, the sent ledger's rows about it, the spans that
conversations quoted from it, and the "More" offers under answers that carry its quotes. A
tombstone (forgotten_articles) keeps later ingests from storing it again.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from storage.database import in_batches
from storage.meta import bump_revision
from storage.schema import (
    alert_edits,
    alert_outbox,
    article_sources,
    articles,
    chunks,
    confirmations,
    conversation_turns,
    forgotten_articles,
    sent_alerts,
    stories,
)

_ARTICLE_ID = re.compile(r"\b[0-9a-f]{20}\b")  # ingest.identity.article_id: 20 hex digits


@dataclass(frozen=True)
class Removed:
    """How many articles and passages (chunks) a removal took away."""

    articles: int = 0
    passages: int = 0


def remove_articles(conn: Connection, article_ids: Sequence[str], now: datetime) -> Removed:
    """Remove these articles and everything that points at them; up to a few hundred ids."""
    found = [(str(i), str(u)) for part in in_batches(list(article_ids)) for i, u in conn.execute(
        sa.select(articles.c.id, articles.c.url).where(articles.c.id.in_(part)))]
    if not found:
        return Removed()
    ids = [i for i, _ in found]
    passages = 0
    for part in in_batches(ids):
        passages += int(conn.execute(sa.select(sa.func.count()).select_from(chunks).where(
            chunks.c.article_id.in_(part))).scalar_one())
        _unledger(conn, part)
        # explicitly, not by ON DELETE CASCADE alone: it does not depend on SQLite's pragma
        for table in (chunks, alert_edits, alert_outbox, stories, article_sources):
            conn.execute(sa.delete(table).where(table.c.article_id.in_(part)))
        conn.execute(sa.delete(articles).where(articles.c.id.in_(part)))
    gone = set(ids)
    _unquote(conn, gone)
    _withdraw_offers(conn, gone, now)
    revision = bump_revision(conn)  # late: the meta row stays locked only briefly
    for pairs in in_batches(found):
        conn.execute(sa.delete(forgotten_articles).where(
            forgotten_articles.c.article_id.in_([i for i, _ in pairs])))
        conn.execute(sa.insert(forgotten_articles), [
            {"article_id": i, "url": u, "revision": revision, "forgotten_at": now}
            for i, u in pairs])
    return Removed(len(ids), passages)


def _unledger(conn: Connection, ids: list[str]) -> None:
    """Drop the ledger rows about these articles, and the edits waiting for those alerts.

    A message that carried several stories (a digest, a grouped alert) is never edited; its
    other rows lose their message id, so that the one left does not look like a single alert.
    """
    rows = conn.execute(sa.select(sent_alerts.c.chat_id, sent_alerts.c.story_id,
                                  sent_alerts.c.message_id)
                        .where(sent_alerts.c.article_id.in_(ids))).all()
    for chat_id, story_id, message_id in rows:
        conn.execute(sa.delete(alert_edits).where(alert_edits.c.chat_id == chat_id,
                                                  alert_edits.c.story_id == story_id))
        if message_id is not None:
            conn.execute(sa.update(sent_alerts).where(
                sent_alerts.c.chat_id == chat_id, sent_alerts.c.message_id == message_id,
                sent_alerts.c.story_id != story_id).values(message_id=None))
    conn.execute(sa.delete(sent_alerts).where(sent_alerts.c.article_id.in_(ids)))


def _unquote(conn: Connection, gone: set[str]) -> None:
    """Take these articles out of the conversations' turns (cited ids and quoted spans)."""
    rows = conn.execute(sa.select(conversation_turns.c.id, conversation_turns.c.article_ids,
                                  conversation_turns.c.quoted)).all()
    for turn_id, cited_json, quoted_json in rows:
        cited, quoted = json.loads(cited_json), json.loads(quoted_json)
        if not gone.intersection(cited) and not any(span[0] in gone for span in quoted):
            continue
        conn.execute(sa.update(conversation_turns).where(conversation_turns.c.id == turn_id)
                     .values(article_ids=json.dumps([i for i in cited if i not in gone]),
                             quoted=json.dumps([s for s in quoted if s[0] not in gone])))


def _withdraw_offers(conn: Connection, gone: set[str], now: datetime) -> None:
    """Drop the open offers (an answer's "More" quotes) that carry quotes of these articles."""
    rows = conn.execute(sa.select(confirmations.c.token, confirmations.c.payload).where(
        confirmations.c.used_at.is_(None), confirmations.c.expires_at > now)).all()
    tokens = [token for token, payload in rows if gone.intersection(_ARTICLE_ID.findall(payload))]
    for part in in_batches(tokens):
        conn.execute(sa.delete(confirmations).where(confirmations.c.token.in_(part)))
