"""Stable identity of articles: canonical URLs, ids and content hashes."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_TRACKING_PARAMS = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|mc_cid|mc_eid|ocid|cmpid|ito|smid|ref|ref_src|"
    r"rss|feed|at_medium|at_campaign|xtor|__twitter_impression)$",
    re.IGNORECASE,
)
_WS = re.compile(r"\s+")


def canonical_url(url: str) -> str:
    """Normalise a URL so the same article reached two ways maps to one string."""
    url = url.strip()
    if not url:
        return ""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url  # malformed: it stays itself (loaders refuse such links before this)
    if parts.scheme not in ("http", "https"):
        return url
    host = (parts.hostname or "").lower()
    if host.startswith("www."):
        host = host[4:]
    if port and port not in (80, 443):
        host = f"{host}:{port}"
    path = re.sub(r"/{2,}", "/", parts.path or "/")
    if len(path) > 1:
        path = path.rstrip("/")
    query = urlencode(
        sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
               if not _TRACKING_PARAMS.match(k))
    )
    # http and https of one page are the same article; the fragment never changes it.
    return urlunsplit(("https", host, path, query, ""))


def content_hash(title: str, text: str) -> str:
    """Hash of the normalised title and text: equal for the same story content."""
    normalised = _WS.sub(" ", f"{title}\n{text}").strip().lower()
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def article_id(url: str, text_hash: str) -> str:
    """Stable id: from the canonical URL when there is one, else from the content hash."""
    key = canonical_url(url) or f"hash:{text_hash}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:20]
