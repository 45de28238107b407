"""HTTP fetching with a timeout, a size cap and clear errors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import httpx

from core.errors import FetchError

USER_AGENT = "newsdesk/0.1 (+https://github.com/newsdesk; news assistant)"


@dataclass(frozen=True)
class Fetched:
    """A fetched resource."""

    url: str  # after redirects
    content: bytes
    content_type: str


class Fetcher(Protocol):
    """Something that fetches a URL; the seam tests use to serve pages from loopback."""

    def fetch(self, url: str) -> Fetched:
        """Return the resource at ``url`` or raise FetchError."""
        ...


class HttpFetcher:
    """Fetcher over httpx with redirects, timeout and a maximum size."""

    def __init__(self, timeout: float, max_bytes: int) -> None:
        self._max_bytes = max_bytes
        self._client = httpx.Client(
            timeout=timeout, follow_redirects=True, headers={"User-Agent": USER_AGENT}
        )

    def fetch(self, url: str) -> Fetched:
        """Fetch ``url``; raise FetchError when unreachable, refused, or too large."""
        try:
            with self._client.stream("GET", url) as response:
                if response.status_code >= 400:
                    raise FetchError(f"{url}: HTTP {response.status_code}")
                declared = int(response.headers.get("content-length") or 0)
                if declared > self._max_bytes:
                    raise FetchError(f"{url}: too large ({declared} bytes)")
                body = bytearray()
                for part in response.iter_bytes():
                    body.extend(part)
                    if len(body) > self._max_bytes:
                        raise FetchError(f"{url}: too large (over {self._max_bytes} bytes)")
                return Fetched(
                    url=str(response.url),
                    content=bytes(body),
                    content_type=response.headers.get("content-type", ""),
                )
        except httpx.InvalidURL as exc:
            raise FetchError(f"{url}: invalid URL ({exc})") from exc
        except httpx.TimeoutException as exc:
            raise FetchError(f"{url}: timed out") from exc
        except httpx.HTTPError as exc:
            raise FetchError(f"{url}: unreachable ({type(exc).__name__}: {exc})") from exc

    def close(self) -> None:
        """Release connections."""
        self._client.close()
