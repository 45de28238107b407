"""When a source is next due, and what an attempt did to its health (pure policy, no I/O)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from core.models import Source, SourceHealth, Validators
from ingest.report import SourceResult

# Failing sources are retried later and later, but at least once a day.
MAX_BACKOFF = timedelta(hours=24)

# A source's interval: whole minutes, one minute to ten years. Longer means "never" by mistake
# and overflows date arithmetic (10^10 minutes is past year 9999).
MAX_INTERVAL_MINUTES = 10 * 365 * 24 * 60
INTERVAL_LIMITS = f"a whole number of minutes from 1 to {MAX_INTERVAL_MINUTES} (10 years)"


def interval_problem(value: object) -> str:
    """Why ``value`` is not an interval in minutes ("" when it is one)."""
    # bool is an int in Python: `every = true` must not mean one minute
    if isinstance(value, bool) or not isinstance(value, int) or \
            not 1 <= value <= MAX_INTERVAL_MINUTES:
        return f"must be {INTERVAL_LIMITS}"
    return ""


MAX_KEEP_DAYS = 3650  # as NEWSDESK_RETENTION_DAYS


def keep_problem(value: object) -> str:
    """Why ``value`` is not a source's retention in days ("" when it is one)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_KEEP_DAYS:
        return f"must be a whole number of days, 1 to {MAX_KEEP_DAYS}"
    return ""


@dataclass(frozen=True)
class Outcome:
    """What to store after an attempt: health, validators to keep, and a pause if due."""

    health: SourceHealth
    validators: Validators | None  # None: keep the stored ones
    kind: str | None
    ttl_minutes: int | None
    pause_reason: str  # non-empty: pause the source now (and tell the admins once)


def interval_of(source: Source, default_minutes: int) -> timedelta:
    """The source's own interval (or the default), never shorter than the feed's <ttl>;
    clamped to the limits, so a value stored before they were checked cannot overflow."""
    minutes = max(source.interval_minutes or default_minutes, source.ttl_minutes or 0)
    return timedelta(minutes=min(max(minutes, 1), MAX_INTERVAL_MINUTES))


def _backoff(interval: timedelta, failures: int) -> timedelta:
    """The interval doubled per failure after the first, up to a day (or the interval)."""
    ceiling = max(MAX_BACKOFF, interval)
    backoff = interval
    for _ in range(failures - 1):  # doubling step by step: 2 ** failures can overflow
        if backoff >= ceiling:
            break
        backoff *= 2
    return min(backoff, ceiling)


def outcome(
    source: Source, result: SourceResult, now: datetime, default_minutes: int,
    max_failures: int,
) -> Outcome:
    """The source's health after ``result``, with its next due time (backing off on failure)."""
    old = source.health
    ttl = result.state.ttl_minutes if result.state is not None else None
    interval = interval_of(replace(source, ttl_minutes=ttl or source.ttl_minutes),
                           default_minutes)
    if result.error:
        failures = old.consecutive_failures + 1
        backoff = _backoff(interval, failures)
        health = replace(
            old, last_attempt_at=now, last_error=result.error,
            failing_since=old.failing_since or now, consecutive_failures=failures,
            next_due_at=now + backoff,
        )
        pause = (f"paused after {failures} failures in a row; last: {result.error}"
                 if max_failures and failures >= max_failures else "")
        return Outcome(health, None, None, None, pause)
    items = result.added + result.updated + result.unchanged + result.duplicates
    health = replace(
        old, last_attempt_at=now, last_success_at=now, last_error="", failing_since=None,
        consecutive_failures=0, next_due_at=now + interval,
        items_seen=items if not result.not_modified else old.items_seen,
        last_new_item_at=now if result.added else old.last_new_item_at,
    )
    # Validators are kept only when every item made it: otherwise the next poll must read the
    # feed again to retry the items that failed.
    state = result.state
    validators = None if state is None else (Validators() if result.failed else state.validators)
    return Outcome(health, validators, (state.kind or None) if state else None, ttl, "")


# A feed item's linked page that could not be fetched is tried again after an hour, then 4 and
# 16 hours; after that the feed's own text stands for good.
PAGE_RETRY_WAITS = (timedelta(hours=1), timedelta(hours=4), timedelta(hours=16))
PAGE_MAX_FAILURES = len(PAGE_RETRY_WAITS) + 1


def page_retry_at(failures: int, now: datetime) -> datetime | None:
    """When a page that failed ``failures`` times in a row is tried again (None: never)."""
    if failures >= PAGE_MAX_FAILURES:
        return None
    return now + PAGE_RETRY_WAITS[max(failures, 1) - 1]
