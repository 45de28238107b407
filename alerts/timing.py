"""When alerts may go out: a chat's time zone, quiet hours and daily digest time."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from core.errors import SubscriptionError
from core.models import ChatPrefs

_CLOCK = re.compile(r"^([01]?\d|2[0-3])[:.h]([0-5]\d)$")


def parse_clock(text: str) -> str:
    """"7:30" → "07:30"; SubscriptionError for anything that is not a time of day."""
    match = _CLOCK.match(text.strip())
    if match is None:
        raise SubscriptionError(f"“{text.strip()[:20]}” is not a time of day: write it as "
                                "HH:MM, e.g. 07:30 or 21:00.")
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def parse_quiet_hours(text: str) -> tuple[str, str]:
    """"22:00-07:00" → ("22:00", "07:00")."""
    parts = re.split(r"\s*[-–—]\s*|\s+to\s+|\s+", text.strip(), maxsplit=1)
    if len(parts) != 2:
        raise SubscriptionError("Write quiet hours as HH:MM-HH:MM, e.g. /quiet 22:00-07:00 "
                                "(or /quiet off).")
    start, end = parse_clock(parts[0]), parse_clock(parts[1])
    if start == end:
        raise SubscriptionError("Quiet hours must start and end at different times.")
    return start, end


def parse_timezone(text: str) -> str:
    """An IANA zone name as Python knows it ("europe/berlin" → "Europe/Berlin")."""
    wanted = text.strip()
    if wanted.upper() in ("UTC", "GMT", "Z"):
        return "UTC"
    if wanted and "/" in wanted and ".." not in wanted:
        try:
            ZoneInfo(wanted)
            return wanted
        except (ZoneInfoNotFoundError, ValueError):
            pass
        spelled = {name.lower(): name for name in available_timezones()}.get(wanted.lower())
        if spelled:
            return spelled
    raise SubscriptionError(f"“{wanted[:40]}” is not a time zone I know: use an IANA name "
                            "like Europe/Berlin, Asia/Tokyo or America/New_York.")


def local(prefs: ChatPrefs, now: datetime) -> datetime:
    """``now`` on the chat's wall clock."""
    return now.astimezone(ZoneInfo(prefs.timezone))


def _at(day: datetime, clock: str) -> datetime:
    hours, minutes = (int(p) for p in clock.split(":"))
    # a wall time that does not exist (a DST gap) moves forward by fold semantics of zoneinfo
    return day.replace(hour=hours, minute=minutes, second=0, microsecond=0)


def quiet_until(prefs: ChatPrefs, now: datetime) -> datetime | None:
    """When the chat's quiet hours end, if they are on now (None: alerts may go out)."""
    if not prefs.quiet_start or not prefs.quiet_end:
        return None
    here = local(prefs, now)
    start, end = time.fromisoformat(prefs.quiet_start), time.fromisoformat(prefs.quiet_end)
    clock = here.time()
    if start < end:
        quiet = start <= clock < end
        ends = _at(here, prefs.quiet_end)
    else:  # across midnight, e.g. 22:00-07:00
        quiet = clock >= start or clock < end
        ends = _at(here + timedelta(days=1) if clock >= start else here, prefs.quiet_end)
    return ends if quiet else None


def last_digest_time(prefs: ChatPrefs, now: datetime) -> datetime:
    """The most recent moment (≤ now) the chat's daily digest was due."""
    here = local(prefs, now)
    today = _at(here, prefs.digest_time)
    return today if today <= here else _at(here - timedelta(days=1), prefs.digest_time)


def next_digest_time(prefs: ChatPrefs, now: datetime) -> datetime:
    """The next moment (> now) the chat's daily digest is due."""
    here = local(prefs, now)
    today = _at(here, prefs.digest_time)
    return today if today > here else _at(here + timedelta(days=1), prefs.digest_time)


def digest_due(prefs: ChatPrefs, now: datetime, created: datetime) -> bool:
    """True when a digest time has passed since ``created`` (the chat's first queued item)
    and the chat's digest has not gone out since then."""
    due = last_digest_time(prefs, now)
    if due < created:
        return False
    return prefs.last_digest_at is None or prefs.last_digest_at < due
