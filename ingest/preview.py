"""A dry run of a URL source: what it is and its first headlines, without storing anything."""

from __future__ import annotations

from dataclasses import dataclass

from core.errors import ExtractionError
from ingest.decoding import check_size, decode_text, maybe_gunzip
from ingest.fetch import Fetcher
from ingest.loaders.dispatch import sniff_kind
from ingest.loaders.feed_parsing import parse_feed
from ingest.loaders.pages import extract_page


@dataclass(frozen=True)
class Preview:
    """What a URL holds: a feed's title, item count and first headlines, or a page's title."""

    url: str  # after redirects
    kind: str  # feed | page
    title: str
    items: int
    headlines: tuple[str, ...]
    warnings: tuple[str, ...] = ()


def preview_source(fetcher: Fetcher, max_bytes: int, url: str, headlines: int = 3) -> Preview:
    """Fetch ``url`` once and parse it; raise SourceError (a clear reason) when it is no news.

    Linked pages are not fetched: a dry run costs one request.
    """
    fetched = fetcher.fetch(url)
    data = maybe_gunzip(fetched.content, url, max_bytes)
    check_size(data, url, max_bytes)
    kind = sniff_kind(data, fetched.content_type.lower())
    if kind == "feed":
        feed = parse_feed(data, url)
        titles = tuple(e.title or e.link for e in feed.entries[:headlines])
        return Preview(fetched.url, "feed", feed.title, len(feed.entries), titles,
                       tuple(feed.warnings))
    if kind == "page":
        html, _ = decode_text(data, url)
        page = extract_page(html, url=fetched.url)
        return Preview(fetched.url, "page", page.title, 1, (page.title,))
    raise ExtractionError(f"{url}: neither a feed nor an article page ({kind})")
