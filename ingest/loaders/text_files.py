"""Plain-text and Markdown articles: optional front matter, then headline and body."""

from __future__ import annotations

import re

from core.errors import ExtractionError
from ingest.clean import clean_body, split_headline
from ingest.dates import read_date
from ingest.models import RawArticle

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?P<head>.*?)\n---[ \t]*\n", re.DOTALL)


def parse_front_matter(text: str) -> tuple[dict[str, str], str]:
    """Split ``key: value`` front matter between --- lines from the rest of the text."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    fields: dict[str, str] = {}
    for line in match.group("head").splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip():
            fields[key.strip().lower()] = value.strip().strip("\"'")
    return fields, text[match.end() :]


def load_text_article(text: str, origin: str, source: str = "") -> RawArticle:
    """Build an article from text whose first line (after any front matter) is the headline."""
    fields, body_text = parse_front_matter(text)
    if fields.get("title"):
        title, body = fields["title"], clean_body(body_text)
    else:
        title, body = split_headline(body_text)
    if not body:
        raise ExtractionError(f"{origin}: no article text after the headline")
    authors = tuple(a.strip() for a in fields.get("authors", "").split(",") if a.strip())
    published, warnings = read_date(fields.get("published") or fields.get("date"), origin)
    return RawArticle(
        title=title,
        text=body,
        url=fields.get("url", ""),
        source=fields.get("source") or source,
        published=published,
        authors=authors,
        origin=origin,
        warnings=warnings,
    )
