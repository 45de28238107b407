"""Parsing publication dates into timezone-aware datetimes."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime

from dateutil import parser as dateutil_parser


def as_aware(value: datetime) -> datetime:
    """Return ``value`` with a timezone, assuming UTC when it has none."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def parse_published(value: object) -> datetime | None:
    """Best-effort parse of a date in any common news format; None when it cannot be read."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return as_aware(value)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, time.struct_time):
        return datetime(*value[:6], tzinfo=UTC)
    if isinstance(value, int | float):
        return datetime.fromtimestamp(float(value), tz=UTC)
    if not isinstance(value, str):
        return None
    text = value.strip()
    for attempt in (_iso, _rfc2822, _loose):
        parsed = attempt(text)
        if parsed is not None:
            return as_aware(parsed)
    return None


def _iso(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def _rfc2822(text: str) -> datetime | None:
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None


def _loose(text: str) -> datetime | None:
    try:
        return dateutil_parser.parse(text, fuzzy=False)  # type: ignore[no-any-return]
    except (ValueError, OverflowError, TypeError):
        return None
