from datetime import UTC, datetime

import pytest

from ingest.dates import parse_published


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
