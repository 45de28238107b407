"""Which addresses newsdesk may fetch from: no internal fetches (SSRF) unless allowed.

Every fetch (feeds, linked pages, pages by URL) goes through ``GuardedTransport``: only http
and https, and the host is resolved here and checked, then connected to by that very address
(the original name still goes in the Host header and TLS SNI), so a DNS answer cannot change
between the check and the connection. Redirects pass through the transport too, hop by hop.
Refused: loopback, private, link-local (cloud metadata at 169.254.169.254), unique-local IPv6,
unspecified, multicast and reserved addresses. NEWSDESK_ALLOW_PRIVATE_URLS=true lifts it.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

import httpcore
import httpx

from core.errors import FetchError
from ingest.deadline import DeadlineBackend, FetchDeadline
from ingest.urls import url_problem

Resolver = Callable[[str, int], list[str]]
AddressCheck = Callable[[str, int], bool]


def system_resolver(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def is_public(address: str, port: int) -> bool:
    """True for a globally routable unicast address (IPv4-mapped IPv6 judged as IPv4)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


class AddressPolicy:
    """Resolves hosts within a deadline and refuses the addresses that are not allowed."""

    def __init__(
        self, allow_private: bool = False, resolver: Resolver = system_resolver,
        allowed: AddressCheck = is_public, resolve_seconds: float = 10.0,
    ) -> None:
        self.allow_private = allow_private
        self._resolver = resolver
        self._allowed = allowed
        self._resolve_seconds = resolve_seconds
        self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="resolve")

    def address_for(self, url: httpx.URL, seconds: float | None = None) -> str:
        """The address to connect to for ``url``, resolved within ``seconds`` if given;
        FetchError when it may not be fetched."""
        if url.scheme not in ("http", "https"):
            raise FetchError(f"{url}: only http and https URLs are fetched")
        problem = url_problem(str(url))  # a redirect's target is checked like a feed's link
        if problem:
            raise FetchError(f"{url}: {problem}")
        host = url.host
        if self.allow_private:
            return host
        port = url.port or (443 if url.scheme == "https" else 80)
        try:
            ipaddress.ip_address(host)
            addresses = [host]
        except ValueError:
            addresses = self._resolve(str(url), host, port, seconds)
        refused = [a for a in addresses if not self._allowed(a, port)]
        if refused:
            raise FetchError(
                f"{url}: refused: {host} is a private or internal address ({refused[0]}); "
                "set NEWSDESK_ALLOW_PRIVATE_URLS=true to fetch from an intranet"
            )
        return addresses[0]

    def close(self) -> None:
        """Stop the resolver threads."""
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _resolve(self, url: str, host: str, port: int, seconds: float | None) -> list[str]:
        # getaddrinfo has no timeout of its own: it runs in a thread the fetch stops waiting for
        future = self._pool.submit(self._resolver, host, port)
        wait = self._resolve_seconds if seconds is None else min(seconds, self._resolve_seconds)
        try:
            addresses = future.result(timeout=wait)
        except FutureTimeout as exc:
            raise FetchError(f"{url}: name resolution timed out") from exc
        except (OSError, ValueError) as exc:  # UnicodeError: a label IDNA cannot encode
            raise FetchError(f"{url}: cannot resolve {host} ({exc})") from exc
        if not addresses:
            raise FetchError(f"{url}: cannot resolve {host}")
        return addresses


class GuardedTransport(httpx.HTTPTransport):
    """An httpx transport that connects only to addresses the policy allows, each request
    (resolution, connect, TLS, headers, body) within the thread's ``FetchDeadline``."""

    def __init__(self, policy: AddressPolicy, deadline: FetchDeadline | None = None) -> None:
        super().__init__()
        self._policy = policy
        self._deadline = deadline or FetchDeadline()
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(), network_backend=DeadlineBackend(self._deadline))

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Check (and pin) the address of every request, redirects included."""
        url = request.url
        left = self._deadline.left()
        if left is not None and left <= 0:
            raise FetchError(f"{url}: timed out (the fetch's deadline passed)")
        address = self._policy.address_for(url, left)
        if address != url.host:
            if url.scheme == "https":
                request.extensions = {**request.extensions, "sni_hostname": url.host}
            request.url = url.copy_with(host=address)  # Host header keeps the name
        return super().handle_request(request)
