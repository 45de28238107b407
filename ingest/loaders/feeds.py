"""Feed items to articles: full text from the feed when it has it, else the linked page."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

from core.errors import SourceError
from ingest.decoding import decode_text
from ingest.fetch import Fetcher
from ingest.html_text import html_to_text
from ingest.loaders.base import (
    ItemFailure,
    KnownItem,
    KnownPages,
    LoadEvent,
    LoadWarning,
    SourceState,
)
from ingest.loaders.feed_parsing import FeedEntry, parse_feed
from ingest.loaders.pages import extract_page
from ingest.models import RawArticle
from ingest.urls import looks_fetchable, shown, url_problem

# A feed's own content counts as the full article above this length; shorter is a teaser.
FULL_TEXT_CHARS = 600


class FeedLoader:
    """Loads feed documents; fetches linked pages (concurrently) for teaser-only items."""

    def __init__(self, fetcher: Fetcher | None, workers: int = 8) -> None:
        self._fetcher = fetcher
        self._workers = workers

    def load(
        self, data: bytes, origin: str, source: str = "", state: SourceState | None = None,
        known: KnownPages | None = None,
    ) -> Iterator[LoadEvent]:
        """Yield an article, failure or warning for each item of the feed in ``data``.

        A teaser item already stored with more than its teaser (``known.stored_length`` of its
        link) is a ``KnownItem``: its page is not fetched again; nor is a page that failed
        lately (``known.retry_due``), and one of those already stored is a ``KnownItem`` too.
        """
        parsed = parse_feed(data, origin)
        if state is not None:
            yield replace(state, kind="feed", ttl_minutes=parsed.ttl_minutes)
        for message in parsed.warnings:
            yield LoadWarning(origin, message)
        outlet = source or parsed.title
        if not parsed.entries:
            yield LoadWarning(origin, f"{origin}: feed has no items")
            return
        with ThreadPoolExecutor(max_workers=self._workers) as pool:
            yield from pool.map(lambda e: self._guarded_event(e, origin, outlet, known),
                                parsed.entries)

    def _guarded_event(
        self, entry: FeedEntry, origin: str, outlet: str,
        known: KnownPages | None,
    ) -> LoadEvent:
        """The item's event; what is wrong with its link is this item's failure alone."""
        where = entry.link or f"{origin} item {entry.title[:60]!r}"
        if looks_fetchable(entry.link):
            problem = url_problem(entry.link)
            if problem:
                return ItemFailure(shown(where, 160), f"bad link: {problem}")
        try:
            return self._entry_to_event(entry, origin, outlet, known)
        except (SourceError, ValueError) as exc:
            return ItemFailure(shown(where, 160), f"item could not be read ({exc})")

    def _entry_to_event(
        self, entry: FeedEntry, origin: str, outlet: str,
        known: KnownPages | None,
    ) -> LoadEvent:
        where = entry.link or f"{origin} item {entry.title[:60]!r}"
        feed_text = html_to_text(entry.content_html)
        summary = html_to_text(entry.summary_html)
        text, note = feed_text, ""
        if len(feed_text) < FULL_TEXT_CHARS:
            length = known.stored_length(entry.link) if entry.link and known else None
            if length is not None and length > len(max(feed_text, summary, key=len)):
                return KnownItem(where, entry.link)  # its page was read before
            if known and looks_fetchable(entry.link) and not known.retry_due(entry.link):
                if length is not None:
                    return KnownItem(where, entry.link)  # stored with the feed's text
                page_text, note = "", "full text unavailable (it failed lately; tried later)"
            else:
                page_text, note = self._linked_page_text(entry, known)
            text = page_text or max(feed_text, summary, key=len)
        if not text.strip():
            reason = note or "item has no text"
            return ItemFailure(where, reason)
        warnings: tuple[str, ...] = (
            (f"{where}: {note}; used the feed's own text",) if note else ()
        ) + entry.date_warnings
        return RawArticle(
            title=entry.title or text.split("\n", 1)[0][:120],
            text=text,
            url=entry.link,
            source=outlet,
            published=entry.published,
            authors=entry.authors,
            origin=where,
            warnings=warnings,
        )

    def _linked_page_text(self, entry: FeedEntry, known: KnownPages | None) -> tuple[str, str]:
        """Full text of the linked page, or ("", why not); ``known`` hears how fetching went."""
        if not looks_fetchable(entry.link):
            return "", "no link to fetch the full text from"
        if self._fetcher is None:
            return "", "page fetching is off"
        try:
            fetched = self._fetcher.fetch(entry.link)
        except SourceError as exc:
            if known:
                known.tried(entry.link, str(exc))
            return "", f"full text unavailable ({exc})"
        if known:
            known.tried(entry.link, "")
        try:
            html, _ = decode_text(fetched.content, entry.link)
            return extract_page(html, url=fetched.url).text, ""
        except SourceError as exc:
            return "", f"full text unavailable ({exc})"
