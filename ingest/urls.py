"""URLs from outside (feed items, records, redirects, admins, sources files), checked before use.

A URL is used only once it parses, is http or https, names a host that can be encoded for DNS
(each label 1–63 characters, at most 253 in all) and a port in range. Anything else is a reason,
never an exception out of name resolution: one publisher's malformed link must not end an ingest.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

import httpx
import idna

from core.errors import FetchError

MAX_URL_CHARS = 4096
_MAX_LABEL = 63
_MAX_HOST = 253


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be fetched or linked to; None when it can."""
    if len(url) > MAX_URL_CHARS:
        return f"URL too long ({len(url)} characters; limit {MAX_URL_CHARS})"
    if any(ord(ch) < 0x21 or ch == "\x7f" for ch in url):
        return "URL holds spaces or control characters"
    try:
        parts = urlsplit(url)
        port = parts.port  # raises for a port out of range or not a number
        host = parts.hostname or ""
    except ValueError as exc:
        return f"malformed URL ({exc})"
    if parts.scheme not in ("http", "https"):
        return "not an http or https URL"
    if port == 0:
        return "port 0 cannot be fetched"
    problem = _host_problem(host)
    if problem:
        return problem
    try:
        httpx.URL(url)
    except (httpx.InvalidURL, ValueError) as exc:
        return f"malformed URL ({exc})"
    return None


def checked_url(url: str) -> str:
    """``url`` without surrounding space, when usable; FetchError saying why not."""
    url = url.strip()
    problem = url_problem(url)
    if problem:
        raise FetchError(f"{shown(url)}: {problem}")
    return url


def looks_fetchable(location: str) -> bool:
    """True for a location meant as an http(s) URL, well-formed or not."""
    return location.strip().lower().startswith(("http://", "https://"))


def host_of(url: str) -> str:
    """The host of ``url`` in lower case, "" when it has none or does not parse."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


# a mailing list's link host names the outlet after its own labels: "e.newsletters.cnn.com"
_MAILING_LABELS = frozenset({"www", "e", "email", "mail", "newsletter", "newsletters", "click",
                             "link", "links"})


def outlet_host(url: str) -> str:
    """The outlet a URL names when nothing else does: its host without "www." ("cnn.com"), or
    a newsletter's link labels ("e.newsletters.cnn.com": "cnn.com")."""
    labels = host_of(url).split(".")
    while len(labels) > 2 and labels[0] in _MAILING_LABELS:
        labels = labels[1:]
    return ".".join(labels)


def _host_problem(host: str) -> str | None:
    if not host:
        return "URL has no host"
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
        return None
    except ValueError:
        pass
    try:
        ascii_host = host if host.isascii() else idna.encode(host, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError, ValueError) as exc:
        return f"host name cannot be encoded ({exc})"
    labels = ascii_host.removesuffix(".").split(".")
    if len(ascii_host) > _MAX_HOST:
        return f"host name too long ({len(ascii_host)} characters; limit {_MAX_HOST})"
    if any(not label for label in labels):
        return "host name has an empty label"
    longest = max(labels, key=len)
    if len(longest) > _MAX_LABEL:
        return f"host name label too long ({len(longest)} characters; limit {_MAX_LABEL})"
    return None


def shown(where: str, limit: int = 120) -> str:
    """A URL (or an item's origin) short enough to put in a message."""
    return where if len(where) <= limit else where[: limit - 1] + "…"
