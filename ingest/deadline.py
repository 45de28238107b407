"""One deadline for a whole fetch: connecting, TLS, headers and body all draw on it.

httpx's timeouts bound each socket operation, so a server sending one header byte every
second holds a request for as long as it likes. ``DeadlineBackend`` sits under httpcore and
gives every connect, TLS handshake, read and write only the time left before the deadline
the calling thread set with ``FetchDeadline.running``; at the deadline the next operation
times out (httpcore's own ``ReadTimeout`` and friends, which httpx maps to its timeouts).
"""

from __future__ import annotations

import ssl
import threading
import time
import typing
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import httpcore

SocketOption = (tuple[int, int, int] | tuple[int, int, bytes | bytearray]
                | tuple[int, int, None, int])


class FetchDeadline:
    """The deadline of the fetch running in the current thread, if any."""

    def __init__(self) -> None:
        self._local = threading.local()

    @contextmanager
    def running(self, seconds: float) -> Iterator[float]:
        """Set a deadline ``seconds`` from now for this thread's requests; yield it."""
        deadline = time.monotonic() + seconds
        self._local.deadline = deadline
        try:
            yield deadline
        finally:
            self._local.deadline = None

    def left(self) -> float | None:
        """Seconds left before this thread's deadline (at most 0); None without one."""
        deadline: float | None = getattr(self._local, "deadline", None)
        return None if deadline is None else max(deadline - time.monotonic(), 0.0)

    def clamp(self, timeout: float | None, error: type[Exception]) -> float | None:
        """``timeout`` shortened to the time left; ``error`` once none is left."""
        left = self.left()
        if left is None:
            return timeout
        if left <= 0:
            raise error("the fetch's deadline has passed")
        return left if timeout is None else min(timeout, left)


class DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's synchronous backend with every operation bounded by a ``FetchDeadline``."""

    def __init__(self, deadline: FetchDeadline) -> None:
        self._deadline = deadline
        self._backend = httpcore.SyncBackend()

    def connect_tcp(
        self, host: str, port: int, timeout: float | None = None,
        local_address: str | None = None, socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.NetworkStream:
        """Connect within the time left."""
        timeout = self._deadline.clamp(timeout, httpcore.ConnectTimeout)
        stream = self._backend.connect_tcp(host, port, timeout, local_address, socket_options)
        return _DeadlineStream(stream, self._deadline)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.NetworkStream:
        """Connect to a Unix socket within the time left."""
        timeout = self._deadline.clamp(timeout, httpcore.ConnectTimeout)
        stream = self._backend.connect_unix_socket(path, timeout, socket_options)
        return _DeadlineStream(stream, self._deadline)

    def sleep(self, seconds: float) -> None:
        """Sleep (httpcore's retries between connection attempts)."""
        self._backend.sleep(seconds)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, stream: httpcore.NetworkStream, deadline: FetchDeadline) -> None:
        self._stream = stream
        self._deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, self._deadline.clamp(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, self._deadline.clamp(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        timeout = self._deadline.clamp(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(
            self._stream.start_tls(ssl_context, server_hostname, timeout), self._deadline)

    def get_extra_info(self, info: str) -> typing.Any:
        return self._stream.get_extra_info(info)
