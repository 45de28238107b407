"""Loaders turn a source (feed, page, file, folder, URL) into raw articles."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ingest.loaders.base import ItemFailure, LoadEvent, LoadWarning

if TYPE_CHECKING:
    from ingest.loaders.dispatch import SourceLoader

__all__ = ["ItemFailure", "LoadEvent", "LoadWarning", "SourceLoader"]


def __getattr__(name: str) -> Any:
    # The loaders import feedparser and trafilatura; commands that only read the database
    # (`newsdesk stats`, `sources list`) import this package's models without paying for them.
    if name == "SourceLoader":
        from ingest.loaders.dispatch import SourceLoader

        return SourceLoader
    raise AttributeError(name)
