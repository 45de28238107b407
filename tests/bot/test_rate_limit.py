"""Per-user token buckets, and one "please wait" per window."""

from bot.rate_limit import RateLimiter


def test_bucket_refills_and_one_notice_per_window() -> None:
    now = [0.0]
    limiter = RateLimiter(per_minute=2, clock=lambda: now[0])
    assert limiter.try_acquire("u") == 0 and limiter.try_acquire("u") == 0
    wait = limiter.try_acquire("u")
    assert 29 < wait <= 30
    assert limiter.notice_due("u", wait)
    for _ in range(50):  # the rest of the flood: refused quietly
        assert not limiter.notice_due("u", limiter.try_acquire("u"))
    assert limiter.notice_due("other", 5.0)  # users are independent
    now[0] += 31
    assert limiter.try_acquire("u") == 0  # a token is back
    now[0] += 0.1
    assert limiter.notice_due("u", limiter.try_acquire("u"))  # a new window, a new notice
