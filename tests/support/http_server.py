"""A real HTTP server on 127.0.0.1 serving canned responses, for fetch tests."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Canned:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    location: str = ""  # a redirect's target
    drip_seconds: float = 0.0  # > 0: send the body one byte at a time, this far apart
    etag: str = ""  # sent, and a matching If-None-Match is answered 304


@contextmanager
def serve(routes: dict[str, Canned], requests: list[str] | None = None) -> Iterator[str]:
    """Serve ``routes`` (path → response) and yield the base URL; 404 for anything else.

    ``requests`` collects the path of every request, "304 " before those answered 304.
    """

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            canned = routes.get(self.path.split("?", 1)[0])
            if canned is not None and canned.etag and \
                    self.headers.get("If-None-Match") == canned.etag:
                if requests is not None:
                    requests.append(f"304 {self.path}")
                self.send_response(304)
                self.send_header("ETag", canned.etag)
                self.end_headers()
                return
            if requests is not None:
                requests.append(self.path)
            if canned is None:
                self.send_error(404)
                return
            self.send_response(canned.status)
            if canned.etag:
                self.send_header("ETag", canned.etag)
            self.send_header("Content-Type", canned.content_type)
            self.send_header("Content-Length", str(len(canned.body)))
            if canned.location:
                self.send_header("Location", canned.location)
            self.end_headers()
            if not canned.drip_seconds:
                self.wfile.write(canned.body)
                return
            for byte in canned.body:  # a slow-drip server, bounded by its body's length
                try:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                except OSError:
                    return
                time.sleep(canned.drip_seconds)

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
