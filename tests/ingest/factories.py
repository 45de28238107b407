"""Builders for articles in tests."""

from datetime import UTC, datetime

from core.models import Article
from ingest.identity import article_id, content_hash


def make_article(text: str, title: str = "A headline", url: str = "https://t.example/a") -> Article:
    digest = content_hash(title, text)
    return Article(
        id=article_id(url, digest), url=url, title=title, source="Test Wire",
        published=datetime(2026, 1, 12, tzinfo=UTC), authors=("Ann",), text=text,
        content_hash=digest, fetched_at=datetime(2026, 1, 12, 1, tzinfo=UTC),
    )
