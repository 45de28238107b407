"""What loaders emit: articles, per-item failures and warnings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from core.models import Validators
from ingest.models import RawArticle


@dataclass(frozen=True)
class ItemFailure:
    """One item (file, feed entry, page, row) that could not be loaded, and why."""

    origin: str
    reason: str


@dataclass(frozen=True)
class SourceFailure(ItemFailure):
    """The whole source failed: unreachable, refused, not a feed, no such file."""


@dataclass(frozen=True)
class KnownItem:
    """A feed item whose article is already stored: its page was not fetched again."""

    origin: str
    url: str


@dataclass(frozen=True)
class SourceState:
    """What fetching a URL source found: its kind, validators and the feed's own <ttl>."""

    origin: str
    kind: str  # feed | page | json | text
    validators: Validators
    ttl_minutes: int | None = None
    not_modified: bool = False  # a 304, or the same body as last time: nothing to read


@dataclass(frozen=True)
class LoadWarning:
    """Something recovered from, worth telling the admin (malformed feed, odd encoding)."""

    origin: str
    message: str


def _always_due(url: str) -> bool:
    return True


def _forget(url: str, error: str) -> None:
    return None


@dataclass(frozen=True)
class KnownPages:
    """What the store knows of feed items' linked pages, asked before fetching one."""

    stored_length: Callable[[str], int | None]  # of the article at a link (None: not stored)
    retry_due: Callable[[str], bool] = _always_due  # False: it failed lately, not tried yet
    tried: Callable[[str, str], None] = _forget  # (link, why it failed; "" when fetched)


LoadEvent = RawArticle | ItemFailure | LoadWarning | KnownItem | SourceState
