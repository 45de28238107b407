from datetime import UTC, datetime

import pytest

from ingest.dates import parse_published, read_date
from ingest.loaders.feed_parsing import parse_feed


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2022/06/17", datetime(2022, 6, 17, tzinfo=UTC)),
        ("2026-01-12T09:00:00+09:00", datetime(2026, 1, 12, 0, 0, tzinfo=UTC)),
        ("Mon, 16 Feb 2026 14:00:36 GMT", datetime(2026, 2, 16, 14, 0, 36, tzinfo=UTC)),
        ("2025-05-12", datetime(2025, 5, 12, tzinfo=UTC)),
    ],
)
def test_parses_common_formats_to_aware_datetimes(raw: str, expected: datetime) -> None:
    parsed = parse_published(raw)
    assert parsed is not None and parsed.tzinfo is not None
    assert parsed == expected


@pytest.mark.parametrize("raw", ["", None, "not a date", "32/13/2020", object()])
def test_unreadable_dates_are_none(raw: object) -> None:
    assert parse_published(raw) is None


@pytest.mark.parametrize(
    "raw",
    [1e20, -1e20, "10000-01-01T00:00:00Z", "9999-12-31", "99999-01-01", float("nan"), True,
     "2999-01-01T00:00:00Z"],
)
def test_absurd_and_future_dates_are_unknown(raw: object) -> None:
    assert parse_published(raw) is None


def test_a_date_within_a_day_of_now_is_kept_and_future_ones_when_asked() -> None:
    now = datetime(2026, 1, 12, 12, tzinfo=UTC)
    assert parse_published("2026-01-13T06:00:00Z", now=now) is not None
    assert parse_published("2026-01-14T06:00:00Z", now=now) is None
    assert parse_published("2027-01-01", allow_future=True) == datetime(2027, 1, 1, tzinfo=UTC)


def _rss_dated(date: str) -> bytes:
    return ("<?xml version='1.0'?><rss version='2.0'><channel><title>Wire</title><item>"
            "<title>Dated</title><link>https://news.example/a</link>"
            f"<description>Text.</description><pubDate>{date}</pubDate></item></channel></rss>"
            ).encode()


@pytest.mark.parametrize("raw", [
    "10000-01-01T00:00:00Z",  # feedparser's struct says 2010-12-01
    "12000-05-05",  # and 2012-12-01
    "99999-12-31",  # and 9999-12-01
    "Mon, 01 Jan 10000 00:00:00 GMT",
    "0001-01-01T00:00:00Z",  # .NET's DateTime.MinValue: an unset date
    "Sat, 01 Jan 0100 00:00:00 GMT",
])
def test_a_feed_date_with_an_absurd_year_is_unknown_not_misread(raw: str) -> None:
    entry = parse_feed(_rss_dated(raw), "wire.rss").entries[0]
    assert entry.published is None
    assert entry.date_warnings and "treated as unknown" in entry.date_warnings[0]


@pytest.mark.parametrize(("raw", "expected"), [
    ("Mon, 16 Feb 2026 14:00:36 GMT", datetime(2026, 2, 16, 14, 0, 36, tzinfo=UTC)),
    ("2026-01-12T09:00:00.123456+09:00", datetime(2026, 1, 12, 0, 0, 0, 123456, tzinfo=UTC)),
    ("1969-07-20T20:17:00Z", datetime(1969, 7, 20, 20, 17, tzinfo=UTC)),
])
def test_a_feed_date_with_a_sane_year_is_kept(raw: str, expected: datetime) -> None:
    entry = parse_feed(_rss_dated(raw), "wire.rss").entries[0]
    assert entry.published == expected and not entry.date_warnings


@pytest.mark.parametrize("raw", ["0001-01-01", "1899-12-31", "01 Jan 10000", -2.5e9])
def test_one_rule_for_every_path_before_1900_or_a_five_digit_year(raw: object) -> None:
    assert parse_published(raw) is None
    assert read_date(raw, "record 1")[0] is None
