"""What loaders emit: articles, per-item failures and warnings."""

from __future__ import annotations

from dataclasses import dataclass

from ingest.models import RawArticle


@dataclass(frozen=True)
class ItemFailure:
    """One item (file, feed entry, page, row) that could not be loaded, and why."""

    origin: str
    reason: str


@dataclass(frozen=True)
class LoadWarning:
    """Something recovered from, worth telling the admin (malformed feed, odd encoding)."""

    origin: str
    message: str


LoadEvent = RawArticle | ItemFailure | LoadWarning
