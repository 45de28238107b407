"""Parse RSS 0.9x/1.0/2.0, Atom (feedparser) and JSON Feed into one entry shape."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import feedparser

from core.errors import ExtractionError
from ingest.dates import read_date


@dataclass(frozen=True)
class FeedEntry:
    """One feed item, format-independent."""

    title: str
    link: str
    published: datetime | None
    authors: tuple[str, ...]
    content_html: str  # full text when the feed carries it (content:encoded, Atom content)
    summary_html: str
    date_warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class ParsedFeed:
    """A parsed feed: its title, entries, and what had to be recovered from."""

    title: str
    entries: list[FeedEntry]
    warnings: list[str]
    ttl_minutes: int | None = None  # RSS <ttl>: how long the publisher asks readers to wait


# A real feed lists tens of items; thousands mean a broken or hostile feed.
MAX_FEED_ITEMS = 500


def is_json_feed(data: bytes) -> bool:
    """True when the bytes look like a JSON Feed document."""
    head = data[:512].lstrip()
    return head.startswith(b"{") and b"jsonfeed.org" in data[:4096]


def parse_feed(data: bytes, origin: str) -> ParsedFeed:
    """Parse any supported feed format; raise ExtractionError when nothing is a feed."""
    if is_json_feed(data):
        return _parse_json_feed(data, origin)
    return _parse_xml_feed(data, origin)


def _parse_xml_feed(data: bytes, origin: str) -> ParsedFeed:
    parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=True)
    warnings: list[str] = []
    if parsed.bozo:
        reason = str(getattr(parsed, "bozo_exception", "") or "malformed").splitlines()[0]
        if not parsed.entries:
            kind = "not a feed" if not parsed.version else "malformed feed"
            raise ExtractionError(f"{origin}: {kind} ({reason[:160]})")
        warnings.append(
            f"{origin}: malformed feed ({reason[:160]}); recovered {len(parsed.entries)} items"
        )
    elif not parsed.version and not parsed.entries:
        raise ExtractionError(f"{origin}: not a feed (no RSS, Atom or JSON Feed found)")
    if len(parsed.entries) > MAX_FEED_ITEMS:
        warnings.append(f"{origin}: {len(parsed.entries)} items; only the first "
                        f"{MAX_FEED_ITEMS} were read")
    entries = [_xml_entry(entry) for entry in parsed.entries[:MAX_FEED_ITEMS]]
    return ParsedFeed(str(parsed.feed.get("title", "") or ""), entries, warnings,
                      _ttl_minutes(parsed.feed.get("ttl")))


def _ttl_minutes(value: object) -> int | None:
    """RSS <ttl> in minutes, when it is a sane number (at most a week)."""
    try:
        minutes = int(str(value).strip())
    except ValueError:
        return None
    return minutes if 0 < minutes <= 7 * 24 * 60 else None


def _xml_entry(entry: Any) -> FeedEntry:
    contents = entry.get("content") or []
    content_html = max((c.get("value", "") for c in contents), key=len, default="")
    authors = tuple(
        str(a.get("name", "")).strip() for a in entry.get("authors", []) if a.get("name")
    )
    link = str(entry.get("link", "") or "").strip()
    raw_date = entry.get("published") or entry.get("updated")
    # our reading of the text first: feedparser's struct turns "10000-01-01" into 2010-12-01
    published, date_warnings = read_date(
        raw_date, link or "item",
        parsed=entry.get("published_parsed") or entry.get("updated_parsed"))
    return FeedEntry(
        title=str(entry.get("title", "") or "").strip(),
        link=link,
        published=published,
        date_warnings=date_warnings,
        authors=authors or ((str(entry["author"]),) if entry.get("author") else ()),
        content_html=str(content_html or ""),
        summary_html=str(entry.get("summary", "") or ""),
    )


def _parse_json_feed(data: bytes, origin: str) -> ParsedFeed:
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise ExtractionError(f"{origin}: malformed JSON Feed ({exc})") from exc
    items = document.get("items") if isinstance(document, dict) else None
    if not isinstance(items, list):
        raise ExtractionError(f"{origin}: JSON Feed without an 'items' list")
    warnings = []
    if len(items) > MAX_FEED_ITEMS:
        warnings.append(f"{origin}: {len(items)} items; only the first {MAX_FEED_ITEMS} were read")
    entries = []
    for item in items[:MAX_FEED_ITEMS]:
        if not isinstance(item, dict):
            continue
        authors = item.get("authors") or ([item["author"]] if item.get("author") else [])
        link = str(item.get("url") or item.get("external_url") or "").strip()
        published, date_warnings = read_date(
            item.get("date_published") or item.get("date_modified"), link or origin)
        entries.append(
            FeedEntry(
                title=str(item.get("title") or "").strip(),
                link=link,
                published=published,
                date_warnings=date_warnings,
                authors=tuple(
                    str(a.get("name", "")).strip() for a in authors
                    if isinstance(a, dict) and a.get("name")
                ),
                content_html=str(item.get("content_html") or item.get("content_text") or ""),
                summary_html=str(item.get("summary") or ""),
            )
        )
    return ParsedFeed(str(document.get("title") or ""), entries, warnings)
