"""JSON and JSONL article records: url, title, text, published, authors, source."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from ingest.clean import headline_for
from ingest.dates import read_date
from ingest.loaders.base import ItemFailure, LoadEvent
from ingest.models import RawArticle
from ingest.urls import looks_fetchable, outlet_host, url_problem


def record_to_article(row: Any, origin: str, default_source: str = "") -> RawArticle:
    """Turn one record into an article; raise ValueError naming what is missing."""
    if not isinstance(row, dict):
        raise ValueError("record is not a JSON object")
    text = row.get("text") or row.get("content") or row.get("content_text") or ""
    if not isinstance(text, str) or not text.strip():
        raise ValueError("record has no 'text'")
    title = row.get("title") or ""
    if not isinstance(title, str):
        title = str(title)
    title = headline_for(title, text)  # none, or "CNN —": the first real line or sentence
    authors = row.get("authors") or row.get("author") or ()
    if isinstance(authors, str):
        authors = [a.strip() for a in authors.split(",")]
    if not isinstance(authors, list | tuple) or not all(isinstance(a, str) for a in authors):
        raise ValueError("'authors' must be a name or a list of names")
    for field in ("url", "source"):
        if not isinstance(row.get(field) or "", str):
            raise ValueError(f"'{field}' must be text")
    url = str(row.get("url") or "").strip()
    problem = url_problem(url) if looks_fetchable(url) else None
    if problem:
        raise ValueError(f"bad 'url': {problem}")
    published, warnings = read_date(row.get("published") or row.get("date"), origin)
    return RawArticle(
        title=title.strip(),
        text=text,
        url=url,
        source=str(row.get("source") or default_source or outlet_host(url)),
        published=published,
        warnings=warnings,
        authors=tuple(str(a).strip() for a in authors if str(a).strip()),
        origin=origin,
    )


def load_jsonl(text: str, origin: str, source: str = "") -> Iterator[LoadEvent]:
    """One article per line; a bad line is a per-item failure, not the end of the file."""
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{origin}:{number}"
        try:
            yield record_to_article(json.loads(line), where, source)
        except RecursionError:
            yield ItemFailure(where, "bad record: JSON nested too deeply")
        except (ValueError, TypeError) as exc:  # JSONDecodeError is a ValueError
            yield ItemFailure(where, f"bad record: {exc}")


def load_json_records(data: Any, origin: str, source: str = "") -> Iterator[LoadEvent]:
    """A JSON list of records, or an object holding one under 'articles' or 'items'."""
    rows = data
    if isinstance(data, dict):
        rows = data.get("articles") or data.get("items") or [data]
    if not isinstance(rows, list):
        yield ItemFailure(origin, "JSON is neither a list of articles nor a JSON Feed")
        return
    for number, row in enumerate(rows, start=1):
        where = f"{origin}[{number}]"
        try:
            yield record_to_article(row, where, source)
        except (ValueError, TypeError) as exc:
            yield ItemFailure(where, f"bad record: {exc}")
