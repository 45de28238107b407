"""Article pages (HTML) to raw articles with trafilatura: title, author, date, main text."""

from __future__ import annotations

import trafilatura

from core.errors import ExtractionError
from ingest.dates import parse_published
from ingest.models import RawArticle
from ingest.urls import outlet_host, url_problem

MIN_ARTICLE_CHARS = 200


def extract_page(html: str, url: str = "", source: str = "", origin: str = "") -> RawArticle:
    """Extract the main article of an HTML page; raise ExtractionError when there is none."""
    origin = origin or url
    document = trafilatura.bare_extraction(
        html,
        url=url or None,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        deduplicate=False,
    )
    if not isinstance(document, trafilatura.settings.Document):
        raise ExtractionError(f"{origin}: no article text found on the page")
    text = (document.text or "").strip()
    if len(text) < MIN_ARTICLE_CHARS:
        raise ExtractionError(f"{origin}: no article text found on the page")
    page_url = url or _declared_url(document.url or "")
    authors = tuple(a.strip() for a in (document.author or "").split(";") if a.strip())
    return RawArticle(
        title=(document.title or "").strip(),
        text=text,
        url=page_url,
        source=source or (document.sitename or "").strip() or outlet_host(page_url),
        published=parse_published(document.date),
        authors=authors,
        origin=origin,
    )


def _declared_url(declared: str) -> str:
    """The page's own canonical URL, when it is one we could link to ("" otherwise)."""
    declared = declared.strip()
    return declared if declared and url_problem(declared) is None else ""
