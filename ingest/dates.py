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


# The date sanity rule, the same for feeds, pages, records and files: a publication date is
# kept when it lies between EARLIEST and a day from now. Later is a mistake or a trick (a story
# pinned on top of "latest" forever); earlier is an unset value (.NET's 0001-01-01) or a
# misreading. A year of five digits is never reinterpreted: parsers read "10000-01-01" as
# 2010-12-01 (feedparser) or 2010-11-01 (dateutil) rather than refusing it.
FUTURE_TOLERANCE = timedelta(days=1)
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
_LONG_YEAR = re.compile(r"^\s*[+-]?\d{5,}[-/.]|[A-Za-z]\.?,?\s+\d{5,}(?!\d)")


def parse_published(
    value: object, now: datetime | None = None, allow_future: bool = False
) -> datetime | None:
    """A date in any common news format; None when unreadable, before 1900 or (unless
    allowed) more than a day ahead."""
    try:
        parsed = _parse(value)
    except (ValueError, OverflowError, OSError, TypeError):
        return None  # 1e20 seconds, year 99999 and the like
    if parsed is None or parsed < EARLIEST:
        return None
    if not allow_future and parsed > (now or datetime.now(UTC)) + FUTURE_TOLERANCE:
        return None
    return parsed


def read_date(
    value: object, where: str, parsed: object = None
) -> tuple[datetime | None, tuple[str, ...]]:
    """The publication date, and a warning when one was given but is unreadable or not sane.

    ``parsed`` is another parser's reading of the same text (feedparser's struct), used
    only when ours cannot read ``value`` and the text has no five-digit year.
    """
    published = parse_published(value)
    if published is None and parsed is not None and not _has_long_year(value):
        published = parse_published(parsed)
    given = value if value not in (None, "") else parsed
    if published is None and given not in (None, "") and not isinstance(given, bool):
        text = str(given)[:40]
        return None, (f"{where}: publication date {text!r} is unreadable, before 1900 or "
                      "in the future; treated as unknown",)
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
    if _has_long_year(text):
        return None
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


def _has_long_year(value: object) -> bool:
    return isinstance(value, str) and _LONG_YEAR.search(value) is not None
