"""with_retries: how a Bot API call that failed on the network or with a 5xx is retried."""

from __future__ import annotations

import logging

import pytest
from telegram.error import BadRequest, NetworkError

from bot.settings import Settings
from bot.telegram.app import retry_policy
from bot.telegram.delivery import RetryPolicy, with_retries


class Flaky:
    """A call that fails ``failures`` times with ``error``, then answers "sent"."""

    def __init__(self, failures: int, error: Exception) -> None:
        self.failures = failures
        self.error = error
        self.calls = 0

    async def __call__(self) -> str:
        self.calls += 1
        if self.calls <= self.failures:
            raise self.error
        return "sent"


def test_the_default_schedule_is_six_attempts_waiting_half_a_second_doubling() -> None:
    policy = retry_policy(Settings())
    assert policy == RetryPolicy()
    assert policy.attempts == 6
    assert policy.waits == (0.5, 1.0, 2.0, 4.0, 8.0)  # 15.5 s before a send is given up


def test_the_base_is_a_setting_and_no_wait_is_longer_than_ten_seconds() -> None:
    assert retry_policy(Settings(telegram_retry_base_seconds=0.01)).waits == (
        0.01, 0.02, 0.04, 0.08, 0.16)
    assert RetryPolicy(base_seconds=3).waits == (3.0, 6.0, 10.0, 10.0, 10.0)
    with pytest.raises(ValueError, match="not a retry policy"):
        RetryPolicy(base_seconds=0)


@pytest.mark.parametrize("base", [0, -1, 10.5])
def test_a_base_that_is_not_positive_or_over_ten_seconds_is_refused(base: float) -> None:
    with pytest.raises(ValueError, match="telegram_retry_base_seconds"):
        Settings(telegram_retry_base_seconds=base)


async def test_network_errors_are_retried_on_the_policy_schedule(
    caplog: pytest.LogCaptureFixture,
) -> None:
    policy = RetryPolicy(base_seconds=0.001)
    caplog.set_level(logging.WARNING, logger="bot.telegram.delivery")
    call = Flaky(policy.attempts - 1, NetworkError("Bad Gateway"))
    assert await with_retries(call, "sendMessage to 1", retry=policy) == "sent"
    assert call.calls == policy.attempts
    waited = tuple(r.args[-1] for r in caplog.records if isinstance(r.args, tuple))
    assert waited == policy.waits


async def test_the_last_network_error_is_raised_and_a_bad_request_is_not_retried() -> None:
    policy = RetryPolicy(base_seconds=0.001)
    failing = Flaky(policy.attempts, NetworkError("Bad Gateway"))
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await with_retries(failing, "sendMessage to 1", retry=policy)
    assert failing.calls == policy.attempts
    refused = Flaky(1, BadRequest("Can't parse entities"))
    with pytest.raises(BadRequest):
        await with_retries(refused, "sendMessage to 1", retry=policy)
    assert refused.calls == 1
