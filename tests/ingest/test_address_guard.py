"""No internal fetches: loopback, private, link-local and metadata addresses are refused."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from bot.container import Container
from bot.settings import Settings
from core.errors import FetchError
from ingest.address_guard import AddressPolicy, is_public
from ingest.fetch import HttpFetcher
from ingest.pipeline import SourceSpec
from retrieval.embeddings import Embedder
from tests.support.http_server import Canned, serve, serve_drip

MB = 1024 * 1024
SECRET = "internal-admin-password-7731"


@pytest.mark.parametrize("address", [
    "127.0.0.1", "10.1.2.3", "172.16.0.9", "192.168.1.1", "169.254.169.254", "0.0.0.0",
    "100.64.0.1", "::1", "fd00::1", "fe80::1", "::", "::ffff:127.0.0.1", "224.0.0.1",
])
def test_internal_addresses_are_not_public(address: str) -> None:
    assert not is_public(address, 80)


def test_public_addresses_are() -> None:
    assert is_public("93.184.216.34", 80) and is_public("2606:4700::1111", 443)


def test_a_teaser_linking_to_an_internal_page_never_stores_its_text(
    tmp_path: Path, embedder: Embedder
) -> None:
    routes = {"/secret": Canned(f"<html><body><article><h1>Admin</h1><p>{SECRET} "
                                f"{'and more internal text. ' * 20}</p></article></body></html>"
                                .encode())}
    with serve(routes) as base:
        feed = tmp_path / "teaser.rss"
        feed.write_text(
            "<?xml version='1.0'?><rss version='2.0'><channel><title>Wire</title><item>"
            f"<title>Harmless teaser</title><link>{base}/secret</link>"
            "<description>A short teaser about the town fair.</description></item>"
            "</channel></rss>"
        )
        container = Container(Settings(data_dir=tmp_path / "data"), embedder=embedder)
        report = container.pipeline.run([SourceSpec(str(feed))])
        stored = [a.text for a in container.articles.iter_articles()]
        container.close()
    assert any("private or internal address" in w for w in report.warnings)
    assert stored == ["A short teaser about the town fair."]  # the feed's own summary only
    assert not any(SECRET in text for text in stored)


def test_redirects_are_checked_hop_by_hop() -> None:
    with serve({"/secret": Canned(SECRET.encode())}) as internal:
        target = f"{internal}/secret"
        with serve({"/story": Canned(b"", status=302, location=target)}) as outside:
            outside_port = int(outside.rsplit(":", 1)[1])
            # the first server counts as public here; the hop it redirects to does not
            policy = AddressPolicy(allowed=lambda address, port: port == outside_port)
            fetcher = HttpFetcher(5, MB, policy=policy)
            with pytest.raises(FetchError, match="private or internal"):
                fetcher.fetch(f"{outside}/story")
            fetcher.close()


def test_names_are_checked_after_resolution_and_only_http_is_fetched() -> None:
    policy = AddressPolicy(resolver=lambda host, port: ["169.254.169.254"])
    fetcher = HttpFetcher(5, MB, policy=policy)
    with pytest.raises(FetchError, match=r"metadata\.example is a private or internal address"):
        fetcher.fetch("http://metadata.example/latest/meta-data/")
    for url in ("file:///etc/passwd", "ftp://files.example/x", "gopher://x.example/"):
        with pytest.raises(FetchError):
            fetcher.fetch(url)
    fetcher.close()


def test_allow_private_urls_lifts_the_guard() -> None:
    with serve({"/page": Canned(b"<html>intranet</html>")}) as base:
        assert HttpFetcher(5, MB, allow_private=True).fetch(f"{base}/page").content == (
            b"<html>intranet</html>")
        with pytest.raises(FetchError, match="private or internal"):
            HttpFetcher(5, MB).fetch(f"{base}/page")


def test_a_slow_drip_server_is_cut_off_at_the_total_deadline() -> None:
    with serve({"/drip": Canned(b"x" * 200, drip_seconds=0.2)}) as base:
        fetcher = HttpFetcher(1.0, MB, allow_private=True)
        started = time.monotonic()
        with pytest.raises(FetchError, match="timed out"):
            fetcher.fetch(f"{base}/drip")
        assert time.monotonic() - started < 3.0  # not 40 s of dripping
        fetcher.close()


def test_a_server_dripping_its_headers_is_cut_off_at_the_total_deadline() -> None:
    # one byte every 0.2 s: each read is quick, the status line and headers take over 15 s
    with serve({"/drip": Canned(b"x" * 20, header_drip_seconds=0.2)}) as base:
        fetcher = HttpFetcher(1.0, MB, allow_private=True)
        started = time.monotonic()
        with pytest.raises(FetchError, match="timed out"):
            fetcher.fetch(f"{base}/drip")
        assert time.monotonic() - started < 3.0
        fetcher.close()


def test_a_server_dripping_its_tls_handshake_is_cut_off_at_the_total_deadline() -> None:
    # the header of a 16 KB handshake record, then its body one byte at a time
    with serve_drip(b"\x16\x03\x03\x40\x00" + b"\x02" * 16384, 0.2) as port:
        fetcher = HttpFetcher(1.0, MB, allow_private=True)
        started = time.monotonic()
        with pytest.raises(FetchError, match="timed out"):
            fetcher.fetch(f"https://127.0.0.1:{port}/story")
        assert time.monotonic() - started < 3.0
        fetcher.close()
