import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from ingest.fetch import HttpFetcher
from ingest.loaders import ItemFailure, LoadWarning, SourceLoader
from ingest.loaders.base import LoadEvent, SourceState
from ingest.models import RawArticle
from tests.ingest import feeds_fixtures as fx
from tests.support.http_server import Canned, serve

MB = 1024 * 1024


def _events(tmp_path: Path, name: str, data: bytes, fetcher: HttpFetcher | None = None,
            ) -> list[LoadEvent]:
    path = tmp_path / name
    path.write_bytes(data)
    return list(SourceLoader(fetcher, 10 * MB).load(str(path)))


def test_rss_with_content_encoded_uses_the_full_text(tmp_path: Path) -> None:
    [article] = _events(tmp_path, "feed.xml", fx.RSS_FULL_TEXT)
    assert isinstance(article, RawArticle)
    assert article.title == "Night buses reach three more suburbs"
    assert article.source == "Valley Gazette"
    assert article.text.count("night bus network") == 2
    assert "Short teaser" not in article.text
    assert article.published is not None and article.published.year == 2026


def test_teaser_feed_fetches_linked_pages_and_reports_unreachable_ones(tmp_path: Path) -> None:
    routes = {"/library": Canned(fx.ARTICLE_PAGE.encode())}
    with serve(routes) as base:
        feed = fx.RSS_TEASER_TEMPLATE.format(base=base).encode()
        fetcher = HttpFetcher(timeout=5, max_bytes=MB, allow_private=True)
        events = _events(tmp_path, "teaser.rss", feed, fetcher)
    articles = [e for e in events if isinstance(e, RawArticle)]
    library = next(a for a in articles if a.title == "Library opens on Sundays")
    assert "more than four thousand replies" in library.text
    assert "Subscribe to our newsletter" not in library.text
    gone = next(a for a in articles if a.title == "Gone story")
    assert gone.text == "A story whose page has disappeared."
    assert any("HTTP 404" in w for w in gone.warnings)


def test_atom_and_json_feed(tmp_path: Path) -> None:
    [atom] = _events(tmp_path, "a.atom", fx.ATOM)
    assert isinstance(atom, RawArticle)
    assert atom.authors == ("Sam Reporter",) and "night bus" in atom.text
    [item] = _events(tmp_path, "feed.json", fx.JSON_FEED)
    assert isinstance(item, RawArticle)
    assert item.title == "Ferry timetable changes" and item.source == "JSON Daily"
    assert item.authors == ("Ana",)


def test_malformed_feed_recovers_items_with_a_warning(tmp_path: Path) -> None:
    events = _events(tmp_path, "broken.xml", fx.MALFORMED_RSS)
    assert [e.title for e in events if isinstance(e, RawArticle)] == ["First & only", "Second"]
    assert any(isinstance(e, LoadWarning) and "malformed" in e.message for e in events)


def test_html_page_under_a_feed_name_is_a_clear_error(tmp_path: Path) -> None:
    [failure] = _events(tmp_path, "page.xml", fx.NOT_A_FEED)
    assert isinstance(failure, ItemFailure)
    assert "not a feed" in failure.reason


def test_url_source_sniffs_feed_and_page(tmp_path: Path) -> None:
    routes = {
        "/rss": Canned(fx.RSS_FULL_TEXT, "application/rss+xml"),
        "/story": Canned(fx.ARTICLE_PAGE.encode()),
        "/empty": Canned(b"<html><body><nav>Home</nav></body></html>"),
    }
    loader_fetcher = HttpFetcher(timeout=5, max_bytes=MB, allow_private=True)
    loader = SourceLoader(loader_fetcher, MB)
    def load(url: str) -> list[object]:
        events = list(loader.load(url))
        states = [e for e in events if isinstance(e, SourceState)]
        assert len(states) <= 1 and all(s.validators.body_hash for s in states)
        return [e for e in events if not isinstance(e, SourceState)]

    with serve(routes) as base:
        [from_feed] = load(f"{base}/rss")
        [page] = load(f"{base}/story")
        [empty] = load(f"{base}/empty")
        [missing] = load(f"{base}/nope")
    [unreachable] = load("http://127.0.0.1:9/closed")
    assert isinstance(from_feed, RawArticle) and from_feed.source == "Valley Gazette"
    assert isinstance(page, RawArticle) and page.title == "Library opens on Sundays"
    assert page.authors == ("Jo Writer",) and page.published is not None
    assert isinstance(empty, ItemFailure) and "no article text" in empty.reason
    assert isinstance(missing, ItemFailure) and "HTTP 404" in missing.reason
    assert isinstance(unreachable, ItemFailure) and "unreachable" in unreachable.reason


def test_oversized_download_is_refused(tmp_path: Path) -> None:
    routes = {"/big": Canned(b"<html>" + b"x" * 5000 + b"</html>")}
    with serve(routes) as base:
        fetcher = HttpFetcher(5, 1000, allow_private=True)
        [failure] = list(SourceLoader(fetcher, 1000).load(f"{base}/big"))
    assert isinstance(failure, ItemFailure) and "too large" in failure.reason


def test_page_fetches_to_one_host_are_limited(tmp_path: Path) -> None:
    in_flight, most = [0], [0]
    lock = threading.Lock()

    class Slow(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            with lock:
                in_flight[0] += 1
                most[0] = max(most[0], in_flight[0])
            time.sleep(0.15)
            # counted out before the reply: once the client has it, its next request may
            # arrive before this thread runs again (3 "in flight" were seen so under load)
            with lock:
                in_flight[0] -= 1
            body = fx.ARTICLE_PAGE.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    items = "".join(f"<item><title>Story {i}</title><link>{base}/s{i}</link>"
                    f"<description>Teaser {i}.</description></item>" for i in range(8))
    feed = f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>{items}</channel>'
    feed += "</rss>"
    try:
        fetcher = HttpFetcher(timeout=10, max_bytes=MB, allow_private=True, per_host=2)
        events = _events(tmp_path, "many.rss", feed.encode(), fetcher)
    finally:
        server.shutdown()
        server.server_close()
    assert sum(isinstance(e, RawArticle) for e in events) == 8
    assert most[0] == 2  # the loader's 8 workers, two at a time on this host


def test_a_feed_of_thousands_of_items_is_cut_with_a_warning(tmp_path: Path) -> None:
    items = "".join(f"<item><title>Item {i}</title><description>Body of item {i}."
                    "</description></item>" for i in range(5000))
    feed = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Flood</title>{items}'
    events = _events(tmp_path, "flood.rss", (feed + "</channel></rss>").encode())
    assert sum(isinstance(e, RawArticle) for e in events) == 500
    assert any(isinstance(e, LoadWarning) and "5000 items; only the first 500" in e.message
               for e in events)
