"""Loaders turn a source (feed, page, file, folder, URL) into raw articles."""

from ingest.loaders.base import ItemFailure, LoadEvent, LoadWarning
from ingest.loaders.dispatch import SourceLoader

__all__ = ["ItemFailure", "LoadEvent", "LoadWarning", "SourceLoader"]
