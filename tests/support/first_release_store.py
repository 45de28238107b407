"""FROZEN copy of the first release's article store (ingest/store.py), kept only to build
the data dirs that release made, for the upgrade tests. Do not change or use elsewhere.

The article store: SQLite, the source of truth from which every index can be rebuilt.

Each article and its chunk spans are written in one transaction, so an article is stored whole
or not at all. ``indexed_hash`` records which version of an article the vector and lexical
indexes hold; an article whose ``indexed_hash`` differs from its ``content_hash`` is pending
(an ingest was interrupted between the store and the index) and the next run completes it.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from core.errors import StoreError
from core.models import Article, Chunk

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    title TEXT NOT NULL,
    source TEXT NOT NULL,
    published TEXT,
    published_ts REAL,
    authors TEXT NOT NULL,
    text TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    fetched_at TEXT NOT NULL,
    indexed_hash TEXT
);
CREATE INDEX IF NOT EXISTS articles_hash ON articles(content_hash);
CREATE INDEX IF NOT EXISTS articles_published ON articles(published_ts);
CREATE TABLE IF NOT EXISTS chunks (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    PRIMARY KEY (article_id, idx)
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


@dataclass(frozen=True)
class StoreStats:
    """Counts for `newsdesk stats`."""

    articles: int
    chunks: int
    sources: int
    pending: int
    newest_title: str | None
    newest_published: datetime | None


class ArticleStore:
    """SQLite-backed article store, safe to share between threads."""

    def __init__(self, path: Path) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._db.execute("PRAGMA busy_timeout=10000")
            self._db.executescript(SCHEMA)
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(f"cannot open the article store at {path}: {exc}") from exc
        self._lock = threading.RLock()
        self.path = path

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()

    # --- reads -----------------------------------------------------------------------------

    def hash_of(self, article_id: str) -> str | None:
        """Content hash stored for an article id, or None when absent."""
        row = self._one("SELECT content_hash FROM articles WHERE id = ?", (article_id,))
        return None if row is None else str(row[0])

    def id_with_hash(self, content_hash: str) -> str | None:
        """Id of an article with exactly this content, if any."""
        row = self._one("SELECT id FROM articles WHERE content_hash = ? LIMIT 1", (content_hash,))
        return None if row is None else str(row[0])

    def get(self, article_id: str) -> Article | None:
        """One article by id."""
        row = self._one(f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id = ?", (article_id,))
        return None if row is None else _to_article(row)

    def get_many(self, article_ids: Sequence[str]) -> dict[str, Article]:
        """Articles by id (missing ids are left out)."""
        found: dict[str, Article] = {}
        for start in range(0, len(article_ids), 500):
            part = list(article_ids[start : start + 500])
            marks = ",".join("?" * len(part))
            for row in self._all(
                f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id IN ({marks})", part
            ):
                article = _to_article(row)
                found[article.id] = article
        return found

    def chunks_of(self, article_id: str) -> list[Chunk]:
        """The stored chunk spans of an article, in order."""
        article = self.get(article_id)
        if article is None:
            return []
        rows = self._all(
            'SELECT idx, start, "end" FROM chunks WHERE article_id = ? ORDER BY idx', (article_id,)
        )
        return [Chunk(article_id, i, s, e, article.text[s:e]) for i, s, e in rows]

    def chunk_spans(self, chunk_ids: Sequence[str]) -> dict[str, tuple[str, int, int]]:
        """(article id, start, end) of chunks given as "<article id>-<index>"."""
        wanted: dict[str, set[int]] = {}
        for chunk_id in chunk_ids:
            article_id, _, index = chunk_id.rpartition("-")
            wanted.setdefault(article_id, set()).add(int(index))
        articles = list(wanted)
        spans: dict[str, tuple[str, int, int]] = {}
        for begin in range(0, len(articles), 500):
            part = articles[begin : begin + 500]
            # by article id: the primary key's prefix, so SQLite seeks instead of scanning
            rows = self._all(
                f'SELECT article_id, idx, start, "end" FROM chunks'
                f" WHERE article_id IN ({','.join('?' * len(part))})",
                part,
            )
            for article_id, index, start, end in rows:
                if index in wanted[article_id]:
                    spans[f"{article_id}-{index}"] = (str(article_id), int(start), int(end))
        return spans

    def iter_articles(self, batch: int = 200) -> Iterator[Article]:
        """Every article, oldest id first, in pages so memory stays flat."""
        last = ""
        while True:
            rows = self._all(
                f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id > ? ORDER BY id LIMIT ?",
                (last, batch),
            )
            if not rows:
                return
            for row in rows:
                yield _to_article(row)
            last = str(rows[-1][0])

    def revision(self) -> str:
        """Changes with every article write: derived indexes compare it to know they are stale."""
        return self.get_meta("revision") or "0"

    def iter_chunk_texts(self, batch: int = 2000) -> Iterator[tuple[str, str, str]]:
        """(chunk id, article title, chunk text) of every chunk, in pages."""
        last = ("", -1)
        while True:
            rows = self._all(
                "SELECT c.article_id, c.idx, a.title,"
                ' substr(a.text, c.start + 1, c."end" - c.start)'
                " FROM chunks c JOIN articles a ON a.id = c.article_id"
                " WHERE (c.article_id, c.idx) > (?, ?) ORDER BY c.article_id, c.idx LIMIT ?",
                (*last, batch),
            )
            if not rows:
                return
            for article_id, index, title, text in rows:
                yield f"{article_id}-{index}", str(title), str(text)
            last = (str(rows[-1][0]), int(rows[-1][1]))

    def pending_ids(self) -> list[str]:
        """Articles whose current version is not yet in the index."""
        rows = self._all(
            "SELECT id FROM articles WHERE indexed_hash IS NULL OR indexed_hash != content_hash"
        )
        return [str(r[0]) for r in rows]

    def count(self) -> int:
        """Number of articles."""
        row = self._one("SELECT COUNT(*) FROM articles", ())
        return int(row[0]) if row else 0

    def chunk_count(self) -> int:
        """Number of chunk spans."""
        row = self._one("SELECT COUNT(*) FROM chunks", ())
        return int(row[0]) if row else 0

    def stats(self) -> StoreStats:
        """Counts and the newest article."""
        sources = self._one("SELECT COUNT(DISTINCT source) FROM articles", ())
        newest = self._one(
            "SELECT title, published FROM articles WHERE published_ts IS NOT NULL "
            "ORDER BY published_ts DESC LIMIT 1",
            (),
        )
        return StoreStats(
            articles=self.count(),
            chunks=self.chunk_count(),
            sources=int(sources[0]) if sources else 0,
            pending=len(self.pending_ids()),
            newest_title=str(newest[0]) if newest else None,
            newest_published=datetime.fromisoformat(newest[1]) if newest and newest[1] else None,
        )

    def newest(self, limit: int) -> list[Article]:
        """The most recently published articles."""
        rows = self._all(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles ORDER BY published_ts IS NULL,"
            " published_ts DESC, fetched_at DESC LIMIT ?",
            (limit,),
        )
        return [_to_article(r) for r in rows]

    def sources(self) -> list[tuple[str, int, datetime | None]]:
        """Each outlet with its article count and newest publication time."""
        rows = self._all(
            "SELECT source, COUNT(*), MAX(published) FROM articles GROUP BY source"
            " ORDER BY COUNT(*) DESC, source"
        )
        return [(str(s), int(n), datetime.fromisoformat(p) if p else None) for s, n, p in rows]

    def get_meta(self, key: str) -> str | None:
        """A value from the meta table."""
        row = self._one("SELECT value FROM meta WHERE key = ?", (key,))
        return None if row is None else str(row[0])

    # --- writes ----------------------------------------------------------------------------

    def save(self, article: Article, chunks: Sequence[Chunk]) -> None:
        """Insert or replace an article and its chunk spans in one transaction (pending)."""
        with self._transaction() as db:
            db.execute(
                "INSERT INTO articles (id, url, title, source, published, published_ts, authors,"
                " text, content_hash, fetched_at, indexed_hash)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)"
                " ON CONFLICT(id) DO UPDATE SET url=excluded.url, title=excluded.title,"
                " source=excluded.source, published=excluded.published,"
                " published_ts=excluded.published_ts, authors=excluded.authors,"
                " text=excluded.text, content_hash=excluded.content_hash,"
                " fetched_at=excluded.fetched_at, indexed_hash=NULL",
                (
                    article.id, article.url, article.title, article.source,
                    article.published.isoformat() if article.published else None,
                    article.published.timestamp() if article.published else None,
                    json.dumps(list(article.authors)), article.text, article.content_hash,
                    article.fetched_at.isoformat(),
                ),
            )
            db.execute("DELETE FROM chunks WHERE article_id = ?", (article.id,))
            db.executemany(
                'INSERT INTO chunks (article_id, idx, start, "end") VALUES (?, ?, ?, ?)',
                [(c.article_id, c.index, c.start, c.end) for c in chunks],
            )
            db.execute(
                "INSERT INTO meta (key, value) VALUES ('revision', '1') ON CONFLICT(key)"
                " DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)"
            )

    def mark_indexed(self, article_ids: Iterable[str]) -> None:
        """Record that the index now holds the current version of these articles."""
        with self._transaction() as db:
            db.executemany(
                "UPDATE articles SET indexed_hash = content_hash WHERE id = ?",
                [(i,) for i in article_ids],
            )

    def mark_all_unindexed(self) -> None:
        """Mark every article pending (before a full rebuild of the index)."""
        with self._transaction() as db:
            db.execute("UPDATE articles SET indexed_hash = NULL")

    def set_meta(self, key: str, value: str) -> None:
        """Store a value in the meta table."""
        with self._transaction() as db:
            db.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?)"
                " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    # --- plumbing --------------------------------------------------------------------------

    def _one(self, sql: str, params: Sequence[Any]) -> tuple[Any, ...] | None:
        with self._lock:
            try:
                row: tuple[Any, ...] | None = self._db.execute(sql, params).fetchone()
            except sqlite3.Error as exc:
                raise StoreError(f"article store query failed: {exc}") from exc
        return row

    def _all(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            try:
                rows: list[tuple[Any, ...]] = self._db.execute(sql, params).fetchall()
            except sqlite3.Error as exc:
                raise StoreError(f"article store query failed: {exc}") from exc
        return rows

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db, self._lock)


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any error (including KeyboardInterrupt)."""

    def __init__(self, db: sqlite3.Connection, lock: threading.RLock) -> None:
        self._db = db
        self._lock = lock

    def __enter__(self) -> sqlite3.Connection:
        self._lock.acquire()
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            self._lock.release()
            raise StoreError(f"article store is unavailable: {exc}") from exc
        return self._db

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        try:
            if exc_type is None:
                self._db.execute("COMMIT")
            else:
                self._db.execute("ROLLBACK")
        except sqlite3.Error as error:
            raise StoreError(f"article store write failed: {error}") from error
        finally:
            self._lock.release()
        if isinstance(exc, sqlite3.Error):
            raise StoreError(f"article store write failed: {exc}") from exc


_ARTICLE_COLUMNS = (
    "id, url, title, source, published, authors, text, content_hash, fetched_at"
)


def _to_article(row: tuple[Any, ...]) -> Article:
    published = row[4]
    return Article(
        id=str(row[0]),
        url=str(row[1]),
        title=str(row[2]),
        source=str(row[3]),
        published=datetime.fromisoformat(str(published)) if published else None,
        authors=tuple(json.loads(str(row[5]))),
        text=str(row[6]),
        content_hash=str(row[7]),
        fetched_at=datetime.fromisoformat(str(row[8])),
    )
