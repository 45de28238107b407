"""HTTP fetching with a timeout, a size cap and clear errors."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol

import httpx

from core.errors import FetchError
from core.models import Validators
from ingest.address_guard import AddressPolicy, GuardedTransport
from ingest.deadline import FetchDeadline
from ingest.urls import checked_url, host_of

USER_AGENT = "newsdesk/0.1 (+https://github.com/newsdesk; news assistant)"


@dataclass(frozen=True)
class Fetched:
    """A fetched resource."""

    url: str  # after redirects
    content: bytes
    content_type: str
    etag: str = ""
    last_modified: str = ""
    not_modified: bool = False  # answered 304 to a conditional GET: ``content`` is empty


class Fetcher(Protocol):
    """Something that fetches a URL; the seam tests use to serve pages from loopback."""

    def fetch(self, url: str, validators: Validators | None = None) -> Fetched:
        """Return the resource at ``url`` or raise FetchError.

        With ``validators``, a conditional GET: an unchanged resource comes back
        ``not_modified``.
        """
        ...


class HttpFetcher:
    """Fetcher over httpx: redirects, a total deadline, a maximum size, no internal fetches."""

    def __init__(
        self, timeout: float, max_bytes: int, allow_private: bool = False,
        policy: AddressPolicy | None = None, per_host: int = 4,
    ) -> None:
        self._per_host = per_host
        self._host_slots: dict[str, threading.BoundedSemaphore] = {}
        self._slots_lock = threading.Lock()
        self._max_bytes = max_bytes
        self._timeout = timeout
        self._policy = policy or AddressPolicy(allow_private, resolve_seconds=timeout)
        self._deadline = FetchDeadline()
        self._client = httpx.Client(
            timeout=timeout, follow_redirects=True, max_redirects=10,
            headers={"User-Agent": USER_AGENT},
            transport=GuardedTransport(self._policy, self._deadline),
        )

    def fetch(self, url: str, validators: Validators | None = None) -> Fetched:
        """Fetch ``url``; raise FetchError when unreachable, refused, too slow or too large.

        ``timeout`` bounds the whole fetch, not each read: resolution, connecting, TLS,
        headers, redirects and body all share it, so a server dripping one byte at a time
        cannot hold an ingest for longer. A malformed URL is a FetchError saying why.
        """
        url = checked_url(url)
        with self._slot(host_of(url)):
            return self._fetch(url, validators)

    @contextmanager
    def _slot(self, host: str) -> Iterator[None]:
        """At most ``per_host`` requests to one host at a time: a feed's page fetches (or
        several feeds of one site) never hammer a publisher."""
        with self._slots_lock:
            slots = self._host_slots.setdefault(host, threading.BoundedSemaphore(self._per_host))
        with slots:
            yield

    def _fetch(self, url: str, validators: Validators | None) -> Fetched:
        with self._deadline.running(self._timeout) as deadline:
            return self._fetch_by(url, validators, deadline)

    def _fetch_by(self, url: str, validators: Validators | None, deadline: float) -> Fetched:
        headers = {}
        if validators is not None and validators.etag:
            headers["If-None-Match"] = validators.etag
        if validators is not None and validators.last_modified:
            headers["If-Modified-Since"] = validators.last_modified
        try:
            with self._client.stream("GET", url, headers=headers) as response:
                if response.status_code == 304 and headers:
                    return Fetched(url=str(response.url), content=b"", content_type="",
                                   etag=validators.etag if validators else "",
                                   last_modified=validators.last_modified if validators else "",
                                   not_modified=True)
                if response.status_code >= 400:
                    raise FetchError(f"{url}: HTTP {response.status_code}")
                declared = _declared_length(response.headers.get("content-length"))
                if declared > self._max_bytes:
                    raise FetchError(f"{url}: too large ({declared} bytes)")
                body = bytearray()
                for part in response.iter_bytes():
                    body.extend(part)
                    if len(body) > self._max_bytes:
                        raise FetchError(f"{url}: too large (over {self._max_bytes} bytes)")
                    if time.monotonic() > deadline:
                        raise FetchError(f"{url}: timed out (over {self._timeout:.0f} s in all)")
                return Fetched(
                    url=str(response.url),
                    content=bytes(body),
                    content_type=response.headers.get("content-type", ""),
                    etag=response.headers.get("etag", ""),
                    last_modified=response.headers.get("last-modified", ""),
                )
        except httpx.InvalidURL as exc:
            raise FetchError(f"{url}: invalid URL ({exc})") from exc
        except httpx.TimeoutException as exc:
            raise FetchError(f"{url}: timed out (over {self._timeout:.0f} s in all)") from exc
        except httpx.HTTPError as exc:
            raise FetchError(f"{url}: unreachable ({type(exc).__name__}: {exc})") from exc
        except ValueError as exc:  # UnicodeError from IDNA among them, for a redirect's URL too
            raise FetchError(f"{url}: invalid URL ({exc})") from exc

    def close(self) -> None:
        """Release connections."""
        self._client.close()
        self._policy.close()


def _declared_length(header: str | None) -> int:
    """The Content-Length a server declared; 0 when absent or not a number."""
    try:
        return max(int(header or 0), 0)
    except ValueError:
        return 0
