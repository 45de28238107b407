"""Polite polling and answering during an ingest, on the real feed snapshots in ../shared.

    .venv/bin/python bench/sources.py [--questions 30] [--ingest-articles 300]

The 36 real feeds of feeds_realworld_fastfeedparser are served from 127.0.0.1 (with an ETag
each), their item links rewritten to the same server, which answers every page with one of
the saved news pages of html_trafilatura (so many items share a page: stored once, fetched
each time). Measured, same run:

* the first ingest of every feed as sources (feeds, linked pages, embedding);
* re-ingest of the unchanged feeds as `newsdesk run` does it (conditional GET: 304s), and
  without validators (every feed read again; stored items' pages not fetched again), each as a
  fraction of the first ingest (goal <= 0.05), with the requests each one made;
* ask p95 while an ingest of RealTime QA articles runs in another thread, against ask p95
  idle, over the same questions.

    .venv/bin/python bench/sources.py --local-unreachable [--feeds 12] [--page-delay 0.3]

instead measures local feed files (the first ``--feeds`` snapshots, as a folder) whose linked
pages are all unreachable (each answers 503 after ``--page-delay`` seconds): the first ingest,
then a re-ingest of the unchanged files as a fraction of it (goal <= 0.1).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, cast

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import NEWSDATA, machine, read_jsonl, stopwatch, warm_embedder
from bot.container import Container
from bot.settings import Settings
from ingest.pipeline import SourceSpec

FEEDS = NEWSDATA / "feeds_realworld_fastfeedparser"
PAGES = NEWSDATA / "html_trafilatura"
_LINK = re.compile(rb"(<link>\s*|<link[^>]*href=\"|\"url\":\s*\")(https?://)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--questions", type=int, default=30)
    parser.add_argument("--ingest-articles", type=int, default=300)
    parser.add_argument("--local-unreachable", action="store_true")
    parser.add_argument("--feeds", type=int, default=12)
    parser.add_argument("--page-delay", type=float, default=0.3)
    args = parser.parse_args()
    embedder = warm_embedder()
    embedder.encode(["warm up the model"] * 8)
    if args.local_unreachable:
        print(json.dumps({"machine": machine(), **unreachable_figures(
            embedder, args.feeds, args.page_delay)}, indent=2))
        return
    requests: Counter[str] = Counter()
    with tempfile.TemporaryDirectory() as tmp, news_site(requests) as base:
        work = Path(tmp)
        container = Container(Settings(data_dir=work / "data", allow_private_urls=True,
                                       fetch_timeout_seconds=10), embedder=embedder)
        feeds = sorted(p for p in FEEDS.iterdir() if p.suffix in (".xml", ".json")
                       and p.name != "MANIFEST.json")
        for path in feeds:
            container.sources.add(f"{base}/feed/{path.name}", path.stem)
        polling = poll_figures(container, requests)
        answering = answer_figures(container, work, args.questions, args.ingest_articles)
        container.close()
    print(json.dumps({"machine": machine(), "feeds": len(feeds), **polling, **answering},
                     indent=2))


def poll_figures(container: Container, requests: Counter[str]) -> dict[str, object]:
    """First ingest, then the two kinds of re-ingest of the unchanged feeds."""
    with stopwatch() as first_time:
        first = container.sources.ingest()
    first_requests = dict(requests)
    requests.clear()
    with stopwatch() as conditional_time:
        conditional = container.sources.ingest()
    conditional_requests = dict(requests)
    requests.clear()
    specs = [SourceSpec(s.location, s.outlet) for s in container.sources.all()]
    with stopwatch() as plain_time:
        plain = container.pipeline.run(specs)
    plain_requests = dict(requests)
    return {
        "first_ingest": {"seconds": round(first_time(), 2), "added": first.report.added,
                         "failed": len(first.report.failed), "requests": first_requests},
        "reingest_conditional": {
            "seconds": round(conditional_time(), 3),
            "ratio_to_first": round(conditional_time() / first_time(), 4),
            "not_modified": sum(r.not_modified for r in conditional.report.sources),
            "added": conditional.report.added, "requests": conditional_requests},
        "reingest_without_validators": {
            "seconds": round(plain_time(), 3),
            "ratio_to_first": round(plain_time() / first_time(), 4),
            "added": plain.added, "unchanged": plain.unchanged, "requests": plain_requests},
    }


def unreachable_figures(embedder: Any, feeds: int, delay: float) -> dict[str, object]:
    """First ingest of local feed files whose pages all fail, then a re-ingest of them."""
    requests: Counter[str] = Counter()
    with tempfile.TemporaryDirectory() as tmp, failing_site(requests, delay) as base:
        work = Path(tmp)
        folder = work / "feeds"
        folder.mkdir()
        chosen = sorted(p for p in FEEDS.iterdir() if p.suffix in (".xml", ".json")
                        and p.name != "MANIFEST.json")[:feeds]
        page_base = f"{base}/page/".encode()
        for path in chosen:
            (folder / path.name).write_bytes(_LINK.sub(
                lambda m: m.group(1) + page_base + m.group(2)[:-3] + b"/", path.read_bytes()))
        container = Container(Settings(data_dir=work / "data", allow_private_urls=True,
                                       fetch_timeout_seconds=10),
                              embedder=embedder)
        runs = {}
        for run in ("first_ingest", "reingest_unchanged"):
            requests.clear()
            with stopwatch() as seconds:
                report = container.pipeline.run([SourceSpec(str(folder))])
            runs[run] = {"seconds": round(seconds(), 3), "added": report.added,
                         "unchanged": report.unchanged, "failed": len(report.failed),
                         "page_requests": requests["page"]}
        container.close()
    ratio = runs["reingest_unchanged"]["seconds"] / runs["first_ingest"]["seconds"]
    return {"feeds": len(chosen), "page_delay_s": delay, **runs, "ratio_to_first": round(ratio, 4)}


@contextmanager
def failing_site(requests: Counter[str], delay: float) -> Iterator[str]:
    """Every page answers 503 after ``delay`` seconds; yields the base URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests["page"] += 1
            time.sleep(delay)
            self.send_response(503)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def answer_figures(container: Container, work: Path, questions: int,
                   articles: int) -> dict[str, object]:
    """ask p95 idle, then while an ingest runs in another thread."""
    titles = [a.title for a in container.articles.iter_articles()][:questions]
    asks = [f"What happened: {title}?" for title in titles]
    container.answerer.answer(asks[0])  # load the lexical index
    idle = [timed_ask(container, q) for q in asks * 2]
    slice_path = work / "slice.jsonl"
    rows = read_jsonl(NEWSDATA / "realtimeqa_corpus.jsonl", articles)
    slice_path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    ingest = threading.Thread(target=container.pipeline.run,
                              args=([SourceSpec(str(slice_path))],))
    busy: list[float] = []
    ingest.start()
    while ingest.is_alive():
        busy += [timed_ask(container, q) for q in asks[:5]]
    ingest.join()
    return {"ask_p95_idle_ms": p95(idle), "ask_p95_during_ingest_ms": p95(busy),
            "asks_during_ingest": len(busy),
            "ratio_during_to_idle": round(p95(busy) / p95(idle), 2)}


def timed_ask(container: Container, question: str) -> float:
    with stopwatch() as elapsed:
        container.answerer.answer(question)
    return elapsed() * 1000


def p95(values: list[float]) -> float:
    return round(statistics.quantiles(values, n=20)[-1], 1)


@contextmanager
def news_site(requests: Counter[str]) -> Iterator[str]:
    """The feeds and pages on 127.0.0.1; yields the base URL."""
    pages = sorted(p for p in PAGES.iterdir() if p.suffix == ".html")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path.startswith("/feed/"):
                self._feed(self.path.removeprefix("/feed/"))
            elif self.path.startswith("/page/"):
                requests["page"] += 1
                digest = hashlib.sha1(self.path.encode()).digest()
                self._send(200, pages[digest[0] % len(pages)].read_bytes(), "text/html")
            else:
                self._send(404, b"", "text/plain")

        def _feed(self, name: str) -> None:
            data = (FEEDS / Path(name).name).read_bytes()
            etag = '"' + hashlib.sha1(data).hexdigest()[:16] + '"'
            if self.headers.get("If-None-Match") == etag:
                requests["feed 304"] += 1
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            requests["feed"] += 1
            port = cast(tuple[str, int], self.server.server_address)[1]
            base = f"http://127.0.0.1:{port}/page/".encode()
            self._send(200, _LINK.sub(lambda m: m.group(1) + base + m.group(2)[:-3] + b"/", data),
                       "application/xml", etag)

        def _send(self, status: int, body: bytes, kind: str, etag: str = "") -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            if etag:
                self.send_header("ETag", etag)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


if __name__ == "__main__":
    main()
