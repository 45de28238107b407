"""What a loader produces, before cleaning and identity."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class RawArticle:
    """An article as a loader found it, before cleaning and identity."""

    title: str
    text: str
    url: str = ""
    source: str = ""
    published: datetime | None = None
    authors: tuple[str, ...] = ()
    origin: str = ""  # where it came from (file path, feed URL), for error messages
    warnings: tuple[str, ...] = ()
