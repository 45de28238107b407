"""Page failures round-trip on SQLite and PostgreSQL; the retry policy backs off, then stops."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from ingest.schedule import PAGE_MAX_FAILURES, page_retry_at
from storage.database import Database
from storage.page_failures import PageFailure, PageFailureRepository

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


def test_a_failure_is_saved_replaced_and_cleared(database: Database) -> None:
    pages = PageFailureRepository(database)
    assert pages.get("p1") is None
    first = PageFailure("p1", "https://example.org/a", 1, "HTTP 404" * 100, NOW,
                        NOW + timedelta(hours=1))
    pages.save(first)
    stored = pages.get("p1")
    assert stored is not None and len(stored.last_error) == 300
    assert stored.next_attempt_at == NOW + timedelta(hours=1) and stored.failures == 1
    pages.save(replace(first, failures=4, last_error="timed out", next_attempt_at=None))
    assert pages.get("p1") == replace(first, failures=4, last_error="timed out",
                                      next_attempt_at=None)
    pages.clear("p1")
    assert pages.get("p1") is None


def test_pages_are_retried_later_and_later_then_left() -> None:
    waits = [page_retry_at(n, NOW) for n in range(1, PAGE_MAX_FAILURES + 1)]
    assert waits[:3] == [NOW + timedelta(hours=h) for h in (1, 4, 16)]
    assert waits[3] is None
