"""Parsing publication dates into timezone-aware datetimes."""

from __future__ import annotations

import re
import time
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime

from dateutil import parser as dateutil_parser


def as_aware(value: datetime) -> datetime:
    """Return ``value`` with a timezone, assuming UTC when it has none."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


# A publication date later than this after now is a mistake or a trick (a story pinned on top of
# "latest" forever): such dates are treated as unknown.
FUTURE_TOLERANCE = timedelta(days=1)


def parse_published(
    value: object, now: datetime | None = None, allow_future: bool = False
) -> datetime | None:
    """A date in any common news format; None when unreadable or (unless allowed) future."""
    try:
        parsed = _parse(value)
    except (ValueError, OverflowError, OSError, TypeError):
        return None  # 1e20 seconds, year 99999 and the like
    if parsed is None:
        return None
    if not allow_future and parsed > (now or datetime.now(UTC)) + FUTURE_TOLERANCE:
        return None
    return parsed


def read_date(
    value: object, where: str, shown: object = None
) -> tuple[datetime | None, tuple[str, ...]]:
    """The publication date, and a warning when one was given but is unreadable or future."""
    published = parse_published(value)
    if published is None and value not in (None, "") and not isinstance(value, bool):
        text = str(shown or value)[:40]
        return None, (f"{where}: publication date {text!r} is unreadable or in the future; "
                      "treated as unknown",)
    return published, ()


def _parse(value: object) -> datetime | None:
    if value is None or value == "" or isinstance(value, bool):
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
    if re.match(r"^\d{5,}-", text):
        return None  # a five-digit year: dateutil would read "10000-01-01" as 2010-11-01
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
