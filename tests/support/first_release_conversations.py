"""FROZEN copy of the first release's conversation store (bot/conversations.py), kept only to
build the data dirs that release made, for the upgrade tests. Do not change or use elsewhere.

Recent turns per chat, in SQLite, so follow-ups survive a restart.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from pathlib import Path

from core.errors import StoreError
from core.models import Turn

SCHEMA = """
CREATE TABLE IF NOT EXISTS conversation_turns (
    chat_id TEXT NOT NULL,
    at REAL NOT NULL,
    question TEXT NOT NULL,
    article_ids TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS conversation_turns_chat ON conversation_turns(chat_id, at);
"""


class ConversationStore:
    """Keeps the last ``keep`` turns of each chat; older turns are pruned on write."""

    def __init__(self, path: Path, keep: int = 6, max_age_seconds: float = 6 * 3600) -> None:
        self._keep = keep
        self._max_age = max_age_seconds
        self._lock = threading.Lock()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA busy_timeout=10000")
            self._db.executescript(SCHEMA)
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(f"cannot open the conversation store at {path}: {exc}") from exc

    def recent(self, chat_id: str) -> list[Turn]:
        """The chat's recent turns, oldest first (stale ones are ignored)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT question, article_ids FROM conversation_turns"
                " WHERE chat_id = ? AND at >= ? ORDER BY at DESC LIMIT ?",
                (chat_id, time.time() - self._max_age, self._keep),
            ).fetchall()
        return [Turn(q, tuple(json.loads(ids))) for q, ids in reversed(rows)]

    def add(self, chat_id: str, turn: Turn) -> None:
        """Record a turn and prune the chat to the newest ``keep``."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.execute(
                    "INSERT INTO conversation_turns VALUES (?, ?, ?, ?)",
                    (chat_id, time.time(), turn.question, json.dumps(list(turn.article_ids))),
                )
                self._db.execute(
                    "DELETE FROM conversation_turns WHERE chat_id = ? AND rowid NOT IN ("
                    " SELECT rowid FROM conversation_turns WHERE chat_id = ?"
                    " ORDER BY at DESC LIMIT ?)",
                    (chat_id, chat_id, self._keep),
                )
                self._db.execute("COMMIT")
            except sqlite3.Error as exc:
                self._db.execute("ROLLBACK")
                raise StoreError(f"saving the conversation failed: {exc}") from exc

    def clear(self, chat_id: str) -> None:
        """Forget a chat's conversation."""
        with self._lock:
            self._db.execute("DELETE FROM conversation_turns WHERE chat_id = ?", (chat_id,))

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()
