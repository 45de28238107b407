"""Counting the bot's requests so that optional ones ("typing…") give way to replies.

Telegram allows about 30 requests a second in all. Under a flood of questions, a chat action
for every waiting chat spends that budget on courtesy and slows the answers themselves
(bench/bot_load.py); so a chat action is sent only while the last second left room.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.ext import AIORateLimiter, BaseRateLimiter

# Of Telegram's ~30 requests a second, what replies may use before chat actions stop.
OPTIONAL_BELOW = 20
WINDOW_SECONDS = 1.0


class RequestMeter:
    """The requests made in the last second, and whether an optional one still fits."""

    def __init__(self, optional_below: int = OPTIONAL_BELOW,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._optional_below = optional_below
        self._clock = clock
        self._recent: deque[float] = deque()

    def record(self) -> None:
        """Count one request, now."""
        self._recent.append(self._clock())

    def has_room(self) -> bool:
        """True while fewer than ``optional_below`` requests went out in the last second."""
        horizon = self._clock() - WINDOW_SECONDS
        while self._recent and self._recent[0] <= horizon:
            self._recent.popleft()
        return len(self._recent) < self._optional_below


class MeteredRateLimiter(BaseRateLimiter[int]):
    """PTB's AIORateLimiter (flood control, 429 retries), counting every request it passes."""

    def __init__(self, inner: AIORateLimiter, meter: RequestMeter) -> None:
        self._inner = inner
        self.meter = meter

    async def initialize(self) -> None:
        """Start the inner limiter."""
        await self._inner.initialize()

    async def shutdown(self) -> None:
        """Stop the inner limiter."""
        await self._inner.shutdown()

    async def process_request(  # noqa: PLR0917  # PTB's signature
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        """Count the request, then let the inner limiter pace and send it."""
        self.meter.record()
        return await self._inner.process_request(callback, args, kwargs, endpoint, data,
                                                 rate_limit_args)
