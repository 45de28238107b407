"""Per-user rate limiting (token bucket), independent of the transport."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class RateLimiter:
    """Allows ``per_minute`` actions per key, in bursts of up to ``burst``."""

    def __init__(
        self, per_minute: int, burst: int | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._rate = per_minute / 60.0
        self._burst = float(burst or per_minute)
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._quiet_until: dict[str, float] = {}
        self._lock = threading.Lock()

    def try_acquire(self, key: str) -> float:
        """0.0 when allowed now, else the seconds to wait before the next one is."""
        with self._lock:
            now = self._clock()
            tokens, last = self._buckets.get(key, (self._burst, now))
            tokens = min(self._burst, tokens + (now - last) * self._rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (1.0 - tokens) / self._rate

    def notice_due(self, key: str, wait: float) -> bool:
        """True for the first refusal of a window: one notice, then silence until it ends."""
        with self._lock:
            now = self._clock()
            if now < self._quiet_until.get(key, float("-inf")):
                return False
            self._quiet_until[key] = now + wait
            return True
