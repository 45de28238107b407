"""Time zones, quiet hours and the digest time, on the chat's wall clock."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from alerts.timing import (
    digest_due,
    last_digest_time,
    parse_clock,
    parse_quiet_hours,
    parse_timezone,
    quiet_until,
)
from core.errors import SubscriptionError
from core.models import ChatPrefs

BERLIN = ChatPrefs(1, timezone="Europe/Berlin", quiet_start="22:00", quiet_end="07:00",
                   digest_time="08:30")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_times_and_zones_are_read_leniently_and_refused_clearly() -> None:
    assert parse_clock("7:30") == "07:30" and parse_clock("21.05") == "21:05"
    assert parse_quiet_hours("22:00-7:00") == ("22:00", "07:00")
    assert parse_quiet_hours("22:00 to 07:00") == ("22:00", "07:00")
    assert parse_timezone("europe/berlin") == "Europe/Berlin"
    assert parse_timezone("utc") == "UTC"
    for bad in ("25:00", "7", "noon"):
        with pytest.raises(SubscriptionError, match="not a time of day"):
            parse_clock(bad)
    for bad in ("Mars/Olympus", "Berlin", "../../etc/passwd", ""):
        with pytest.raises(SubscriptionError, match="not a time zone"):
            parse_timezone(bad)
    with pytest.raises(SubscriptionError, match="different"):
        parse_quiet_hours("07:00-07:00")


def test_quiet_hours_across_midnight_in_the_chats_zone() -> None:
    # 21:30 UTC in winter is 22:30 in Berlin: quiet until 07:00 Berlin = 06:00 UTC
    assert quiet_until(BERLIN, at("2026-01-12T21:30")) == at("2026-01-13T06:00")
    assert quiet_until(BERLIN, at("2026-01-13T05:59")) == at("2026-01-13T06:00")
    assert quiet_until(BERLIN, at("2026-01-13T06:00")) is None
    assert quiet_until(BERLIN, at("2026-01-12T12:00")) is None
    assert quiet_until(ChatPrefs(1), at("2026-01-12T23:00")) is None
    daytime = ChatPrefs(1, quiet_start="09:00", quiet_end="17:00")
    assert quiet_until(daytime, at("2026-01-12T10:00")) == at("2026-01-12T17:00")
    assert quiet_until(daytime, at("2026-01-12T18:00")) is None


def test_the_digest_is_due_once_per_day_at_the_local_time() -> None:
    assert last_digest_time(BERLIN, at("2026-01-12T07:29")) == at("2026-01-11T07:30")
    assert last_digest_time(BERLIN, at("2026-01-12T07:30")) == at("2026-01-12T07:30")
    queued = at("2026-01-12T01:00")
    assert not digest_due(BERLIN, at("2026-01-12T07:29"), queued)
    assert digest_due(BERLIN, at("2026-01-12T07:30"), queued)
    sent = ChatPrefs(1, timezone="Europe/Berlin", digest_time="08:30",
                     last_digest_at=at("2026-01-12T07:30"))
    assert not digest_due(sent, at("2026-01-12T12:00"), at("2026-01-12T09:00"))
    assert digest_due(sent, at("2026-01-13T07:31"), at("2026-01-12T09:00"))
