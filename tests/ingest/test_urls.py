"""Hostile URLs from feeds, records and pages are each one item's failure, never an ingest's end."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import FetchError
from ingest.address_guard import AddressPolicy
from ingest.fetch import HttpFetcher
from ingest.identity import canonical_url
from ingest.loaders import ItemFailure, LoadWarning, SourceLoader
from ingest.loaders.base import LoadEvent
from ingest.models import RawArticle
from ingest.urls import checked_url, outlet_host, url_problem
from tests.ingest import feeds_fixtures as fx
from tests.support.http_server import Canned, serve

MB = 1024 * 1024
LONG_LABEL = "a" * 70
HOSTILE = [
    f"http://{LONG_LABEL}.example/story",
    "http://[::1/story",
    "http://news.example:99999/story",
    "http://news.example:port/story",
    "http://news..example/story",
    "http:///story",
    "http://news.example/a story",
    "http://news\x00.example/story",
    "http://" + ".".join(["abcdefghij"] * 30) + "/story",
]


@pytest.mark.parametrize("url", HOSTILE)
def test_hostile_urls_have_a_reason(url: str) -> None:
    problem = url_problem(url)
    assert problem
    with pytest.raises(FetchError, match=r"^http.*: "):
        checked_url(url)


@pytest.mark.parametrize("url", [
    "https://news.example/story?id=1", "http://[::1]:8080/x", "http://127.0.0.1/x",
    "https://bücher.example/neu", "https://news.example./story", "HTTP://NEWS.EXAMPLE/",
])
def test_well_formed_urls_pass(url: str) -> None:
    assert url_problem(url) is None


def test_canonical_url_keeps_a_malformed_url_as_it_is() -> None:
    assert canonical_url("http://[::1/story") == "http://[::1/story"
    assert canonical_url("http://news.example:99999/x") == "http://news.example:99999/x"


def _feed(links: list[str]) -> bytes:
    items = "".join(
        f"<item><title>Item {i}</title><link>{_xml(link)}</link>"
        f"<description>Teaser {i}.</description></item>" for i, link in enumerate(links)
    )
    good = (f"<item><title>Night buses reach three more suburbs</title>"
            f"<link>https://gazette.example/night-buses</link>"
            f"<content:encoded><![CDATA[<p>{fx.LONG_PARAGRAPH}</p><p>{fx.LONG_PARAGRAPH}</p>]]>"
            f"</content:encoded></item>")
    return (f'<?xml version="1.0"?><rss version="2.0" '
            f'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Gazette</title>'
            f"{items}{good}</channel></rss>").encode()


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def refusing_resolver(host: str, port: int) -> list[str]:
    """What getaddrinfo does before the network (IDNA-encode the name), then "no such host"."""
    host.encode("idna")
    raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")


def _fetcher() -> HttpFetcher:
    return HttpFetcher(timeout=3, max_bytes=MB, policy=AddressPolicy(resolver=refusing_resolver))


def _load(tmp_path: Path, name: str, data: bytes, fetcher: HttpFetcher | None) -> list[LoadEvent]:
    (tmp_path / name).write_bytes(data)
    return list(SourceLoader(fetcher, 10 * MB).load(str(tmp_path / name)))


def test_a_feed_with_malformed_links_keeps_its_good_items(tmp_path: Path) -> None:
    fetcher = HttpFetcher(timeout=3, max_bytes=MB)  # the real resolver and address policy
    try:
        events = _load(tmp_path, "feed.xml", _feed(HOSTILE[:2]), fetcher)
    finally:
        fetcher.close()
    [good] = [e for e in events if isinstance(e, RawArticle)]
    assert good.title == "Night buses reach three more suburbs"
    failures = {f.origin: f.reason for f in events if isinstance(f, ItemFailure)}
    assert failures == {
        HOSTILE[0]: "bad link: host name label too long (70 characters; limit 63)",
        HOSTILE[1]: "bad link: malformed URL (Invalid IPv6 URL)",
    }


def test_a_redirect_to_a_malformed_url_fails_that_item_alone(tmp_path: Path) -> None:
    routes = {"/moved": Canned(b"", status=302, location=f"http://{LONG_LABEL}.example/x")}
    with serve(routes) as base:
        fetcher = HttpFetcher(timeout=3, max_bytes=MB, allow_private=True)
        try:
            events = _load(tmp_path, "feed.xml", _feed([f"{base}/moved"]), fetcher)
        finally:
            fetcher.close()
    articles = [e for e in events if isinstance(e, RawArticle)]
    assert len(articles) == 2  # the moved item keeps its feed text, with a warning
    moved = next(a for a in articles if a.title == "Item 0")
    assert any("label too long" in w for w in moved.warnings)


def test_records_and_pages_with_malformed_urls(tmp_path: Path) -> None:
    rows = [{"url": "http://[::1/story", "title": "Bad", "text": "A text. " * 40},
            {"url": "https://wire.example/ok", "title": "Good", "text": "A text. " * 40}]
    events = _load(tmp_path, "rows.jsonl", "\n".join(json.dumps(r) for r in rows).encode(), None)
    assert [e.title for e in events if isinstance(e, RawArticle)] == ["Good"]
    [failure] = [e for e in events if isinstance(e, ItemFailure)]
    assert failure.reason == "bad record: bad 'url': malformed URL (Invalid IPv6 URL)"
    page = fx.ARTICLE_PAGE.replace(
        "</head>", '<link rel="canonical" href="http://[::1/library"></head>')
    [article] = _load(tmp_path, "page.html", page.encode(), None)
    assert isinstance(article, RawArticle) and article.url == ""




def hostile_urls(excluded: tuple[str, ...]) -> st.SearchStrategy[str]:
    """http(s) URLs with hosts of any text or of label-like runs, odd ports and paths."""
    chars = st.characters(codec="utf-8", exclude_categories=excluded)  # type: ignore[arg-type]
    hosts = st.one_of(
        st.text(alphabet=chars, max_size=80),
        st.lists(st.text(alphabet="ab-_.[]:%0", max_size=70), max_size=6).map(".".join),
    )
    return st.builds(
        lambda scheme, host, port, path: f"{scheme}://{host}{port}/{path}",
        st.sampled_from(["http", "https", "HTTP"]), hosts,
        st.sampled_from(["", ":", ":0", ":80", ":99999", ":-1", ":8x"]),
        st.text(alphabet=chars, max_size=20),
    )


urls = hostile_urls(("Cs",))
xml_safe_urls = hostile_urls(("Cs", "Cc"))  # what a well-formed feed can carry at all


@pytest.fixture(scope="module")
def refusing_fetcher() -> Iterator[HttpFetcher]:
    """One fetcher for every generated URL: building a client (and its TLS context) per example
    cost most of the test's time."""
    fetcher = _fetcher()
    yield fetcher
    fetcher.close()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(url=urls)
def test_any_url_is_fetched_or_refused_with_a_reason(
    refusing_fetcher: HttpFetcher, url: str,
) -> None:
    with pytest.raises(FetchError):
        refusing_fetcher.fetch(url)  # nothing answers: every URL ends in a FetchError


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(xml_safe_urls, min_size=1, max_size=5))
def test_any_feed_links_leave_the_good_item_and_a_reason_for_each_other(
    tmp_path: Path, links: list[str],
) -> None:
    fetcher = _fetcher()
    try:
        events = _load(tmp_path, "feed.xml", _feed(links), fetcher)
    finally:
        fetcher.close()
    assert any(isinstance(e, RawArticle) and e.title.startswith("Night buses") for e in events)
    for event in events:
        assert isinstance(event, RawArticle | ItemFailure | LoadWarning)
        if isinstance(event, ItemFailure):
            assert event.reason


@pytest.mark.parametrize(("url", "outlet"), [
    ("https://www.harbourherald.example/news/1", "harbourherald.example"),
    ("https://e.newsletters.harbourherald.example/click?id=1", "harbourherald.example"),
    ("https://news.harbourherald.co.uk/a", "news.harbourherald.co.uk"),
    ("https://www.e.example/a", "e.example"),
])
def test_an_outlet_is_named_by_its_host_without_www_or_a_newsletter_s_link_labels(
        url: str, outlet: str) -> None:
    assert outlet_host(url) == outlet
