"""The scheduling policy: intervals, the feed's <ttl>, backoff and pausing."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from core.models import Source, SourceHealth, Validators
from ingest.loaders.base import SourceState
from ingest.report import SourceResult
from ingest.schedule import (
    MAX_BACKOFF,
    MAX_INTERVAL_MINUTES,
    interval_of,
    interval_problem,
    outcome,
)

NOW = datetime(2026, 1, 12, 9, 0, tzinfo=UTC)


def source(**health: object) -> Source:
    return Source(id=1, name="Wire", location="https://wire.example/rss", kind="feed",
                  outlet="", origin="added", interval_minutes=None, ttl_minutes=None,
                  paused=False, paused_reason="", added_at=NOW,
                  health=SourceHealth(**health))  # type: ignore[arg-type]


def fetched(**counts: int) -> SourceResult:
    state = SourceState("https://wire.example/rss", "feed", Validators('"v1"', "", "h"), 120)
    return SourceResult("https://wire.example/rss", state=state, **counts)  # type: ignore[arg-type]


def test_the_feeds_ttl_is_a_lower_bound_on_the_interval() -> None:
    after = outcome(source(), fetched(added=2), NOW, default_minutes=30, max_failures=5)
    assert after.health.next_due_at == NOW + timedelta(minutes=120)
    assert after.ttl_minutes == 120 and after.validators == Validators('"v1"', "", "h")
    assert after.health.items_seen == 2 and after.health.last_new_item_at == NOW
    short = outcome(source(), fetched(), NOW, default_minutes=300, max_failures=5)
    assert short.health.next_due_at == NOW + timedelta(minutes=300)


def test_failures_back_off_up_to_a_day_then_pause() -> None:
    failing = SourceResult("https://wire.example/rss", error="HTTP 500")
    delays = []
    current = source()
    for _ in range(8):
        after = outcome(current, failing, NOW, default_minutes=60, max_failures=0)
        assert after.health.next_due_at is not None
        delays.append(after.health.next_due_at - NOW)
        current = Source(**{**current.__dict__, "health": after.health})
    assert delays[:3] == [timedelta(hours=1), timedelta(hours=2), timedelta(hours=4)]
    assert max(delays) == MAX_BACKOFF and after.pause_reason == ""  # 0: never paused
    paused = outcome(source(consecutive_failures=4, failing_since=NOW), failing, NOW, 60, 5)
    assert paused.pause_reason == "paused after 5 failures in a row; last: HTTP 500"
    assert paused.health.failing_since == NOW


def test_a_success_clears_failures_and_item_failures_drop_the_validators() -> None:
    recovered = outcome(source(consecutive_failures=3, failing_since=NOW, last_error="x"),
                        fetched(unchanged=3, failed=1), NOW, 60, 5)
    assert recovered.health.consecutive_failures == 0 and recovered.health.last_error == ""
    assert recovered.health.failing_since is None
    assert recovered.validators == Validators()  # read the whole feed again next time


def test_interval_of_prefers_the_sources_own_setting() -> None:
    own = Source(**{**source().__dict__, "interval_minutes": 15})
    assert interval_of(own, 60) == timedelta(minutes=15)


def test_an_interval_stored_beyond_the_limits_is_clamped_and_never_overflows() -> None:
    huge = replace(source(consecutive_failures=60), interval_minutes=9223372036854775807)
    assert interval_of(huge, 60) == timedelta(minutes=MAX_INTERVAL_MINUTES)
    assert interval_of(replace(source(), interval_minutes=-5), 60) == timedelta(minutes=1)
    failing = SourceResult("https://wire.example/rss", error="HTTP 500")
    after = outcome(huge, failing, NOW, default_minutes=60, max_failures=0)
    assert after.health.next_due_at == NOW + timedelta(minutes=MAX_INTERVAL_MINUTES)
    ten_years = replace(source(consecutive_failures=60), interval_minutes=MAX_INTERVAL_MINUTES)
    assert outcome(ten_years, failing, NOW, 60, 0).health.next_due_at == after.health.next_due_at


def test_interval_problem_spells_out_the_limits() -> None:
    assert interval_problem(1) == interval_problem(MAX_INTERVAL_MINUTES) == ""
    for bad in (0, MAX_INTERVAL_MINUTES + 1, True, 1.5, "60", None):
        assert interval_problem(bad) == (
            "must be a whole number of minutes from 1 to 5256000 (10 years)")
