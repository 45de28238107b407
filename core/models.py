"""Value types stored in the database and shared by ingestion, retrieval and the bot."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, NamedTuple

# How the embedding model runs; see retrieval.embeddings.
EmbeddingBackend = Literal["torch", "onnx", "onnx-int8"]
# NEWSDESK_EMBEDDING_BACKEND: a backend, or "auto" (retrieval.embeddings.choose_backend).
EmbeddingChoice = Literal["auto", "torch", "onnx", "onnx-int8"]


@dataclass(frozen=True)
class Article:
    """A cleaned article with its stable identity, as stored."""

    id: str
    url: str
    title: str
    source: str
    published: datetime | None
    authors: tuple[str, ...]
    text: str
    content_hash: str
    fetched_at: datetime


@dataclass(frozen=True)
class Chunk:
    """A span of an article's text; ``text == article.text[start:end]``."""

    article_id: str
    index: int
    start: int
    end: int
    text: str
    metadata: dict[str, str | int | float] = field(default_factory=dict)

    @property
    def id(self) -> str:
        """Stable id of the chunk in the vector store."""
        return chunk_id(self.article_id, self.index)


def chunk_id(article_id: str, index: int) -> str:
    """The id of an article's ``index``-th chunk: "<article id>-<index>"."""
    return f"{article_id}-{index}"


def split_chunk_id(chunk_id: str) -> tuple[str, int]:
    """(article id, index) of a chunk id."""
    article_id, _, index = chunk_id.rpartition("-")
    return article_id, int(index)


def day_of(moment: datetime | None) -> str:
    """A date as users see it, "2026-01-12", or "undated": the one place dates are shown."""
    return moment.date().isoformat() if moment else "undated"


def minute_of(moment: datetime | None) -> str:
    """A moment of newsdesk's own work as admins see it, "2026-01-12 09:30 UTC", or "never"."""
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "never"


class QuotedSpan(NamedTuple):
    """Characters ``start:end`` of an article that an answer quoted."""

    article_id: str
    start: int
    end: int


@dataclass(frozen=True)
class Turn:
    """One question, the articles its answer cited and the spans it quoted, for follow-ups."""

    question: str
    article_ids: tuple[str, ...] = field(default=())
    quoted: tuple[QuotedSpan, ...] = field(default=())


@dataclass(frozen=True)
class ArticleRef:
    """Which article, and what a reader needs to find it: headline, outlet, link and date."""

    article_id: str
    title: str
    source: str
    url: str
    published: datetime | None

    @classmethod
    def of(cls, article: Article) -> ArticleRef:
        """The reference to a stored article."""
        return cls(article.id, article.title, article.source, article.url, article.published)

    @property
    def day(self) -> str:
        """The publication day, "2026-01-12", or "undated"."""
        return day_of(self.published)

    def to_dict(self) -> dict[str, str]:
        """The public JSON fields (``published`` in ISO 8601, "" when unknown)."""
        return {
            "article_id": self.article_id,
            "title": self.title,
            "source": self.source,
            "url": self.url,
            "published": self.published.isoformat() if self.published else "",
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ArticleRef:
        """The reference back from ``to_dict``'s fields."""
        published = data.get("published") or None
        return cls(str(data["article_id"]), str(data["title"]), str(data["source"]),
                   str(data["url"]), datetime.fromisoformat(published) if published else None)


@dataclass(frozen=True)
class ArticleTerms:
    """An article's chunks as lexical search indexes them, and the write that stored them.

    ``chunks`` holds (chunk index, space-separated terms); empty when the article has none.
    """

    article_id: str
    revision: int
    chunks: tuple[tuple[int, str], ...]


@dataclass(frozen=True)
class Passage:
    """A stored chunk as search shows it: its article and its span of the article's text."""

    chunk_id: str
    ref: ArticleRef
    start: int
    end: int
    text: str  # == article text[start:end]
    # the chunk's stored terms (core.terms.chunk_terms); "" when not read
    terms: str = field(default="", repr=False)


@dataclass(frozen=True)
class SourceHealth:
    """How a source has been doing: what the scheduler and the admins look at."""

    next_due_at: datetime | None = None  # None: due now
    last_attempt_at: datetime | None = None
    last_success_at: datetime | None = None
    last_error: str = ""
    failing_since: datetime | None = None
    consecutive_failures: int = 0
    items_seen: int = 0
    last_new_item_at: datetime | None = None


@dataclass(frozen=True)
class Validators:
    """What a feed was last time: HTTP validators for a conditional GET, and the body's hash."""

    etag: str = ""
    last_modified: str = ""
    body_hash: str = ""


@dataclass(frozen=True)
class Source:
    """A feed, page, folder or file that newsdesk ingests again and again."""

    id: int
    name: str
    location: str
    kind: str  # url (not fetched yet) | feed | page | folder | file
    outlet: str  # the outlet name its articles get; "": the feed's own title
    origin: str  # config: from the sources file | added: by an admin or the CLI
    interval_minutes: int | None  # None: the configured default
    ttl_minutes: int | None  # the feed's own <ttl>, a lower bound on the interval
    paused: bool
    paused_reason: str
    added_at: datetime
    health: SourceHealth = field(default_factory=SourceHealth)
    validators: Validators = field(default_factory=Validators)
    keep_days: int | None = None  # how long its articles are kept; None: NEWSDESK_RETENTION_DAYS

    @property
    def state(self) -> str:
        """paused | failing | ok | new (not ingested yet): the one classification of health."""
        if self.paused:
            return "paused"
        if self.health.consecutive_failures:
            return "failing"
        return "ok" if self.health.last_success_at else "new"

    @property
    def is_url(self) -> bool:
        """True for sources fetched over HTTP."""
        return self.location.startswith(("http://", "https://"))


@dataclass(frozen=True)
class DeclaredSource:
    """A source as the sources file declares it."""

    name: str
    location: str
    kind: str  # url | folder | file
    outlet: str = ""  # the name given in the file ("": the feed's own title)
    every_minutes: int | None = None
    keep_days: int | None = None


INSTANT = "instant"
DIGEST = "digest"


@dataclass(frozen=True)
class ChatPrefs:
    """Where and when a chat's alerts go: its time zone, digest time and quiet hours."""

    chat_id: int
    kind: str = "private"  # private | group | supergroup | channel
    timezone: str = "UTC"
    digest_time: str = "08:00"  # local HH:MM
    quiet_start: str | None = None  # local HH:MM
    quiet_end: str | None = None
    active: bool = True  # False: Telegram said the chat is gone
    inactive_reason: str = ""
    last_digest_at: datetime | None = None


@dataclass(frozen=True)
class Subscription:
    """One chat's topic, as the user wrote it (canonically spelled), and how it is delivered."""

    id: int
    chat_id: int
    thread_id: int | None
    topic: str
    mode: str  # INSTANT | DIGEST
    created_at: datetime
    last_alert_at: datetime | None = None
    threshold: float | None = None  # the bar its reader's taps set (None: the shipped one)
    taps: int = 0  # the 👍 / 👎 it learned from
