"""A real HTTP server on 127.0.0.1 serving canned responses, for fetch tests."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import BufferedIOBase
from socketserver import BaseRequestHandler, ThreadingTCPServer


@dataclass
class Canned:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    location: str = ""  # a redirect's target
    drip_seconds: float = 0.0  # > 0: send the body one byte at a time, this far apart
    header_drip_seconds: float = 0.0  # > 0: the status line and headers too
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
            if canned.header_drip_seconds:
                head = (f"HTTP/1.1 {canned.status} OK\r\nContent-Type: {canned.content_type}\r\n"
                        f"Content-Length: {len(canned.body)}\r\n\r\n").encode()
                _drip(self.wfile, head + canned.body, canned.header_drip_seconds)
                self.close_connection = True
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
            _drip(self.wfile, canned.body, canned.drip_seconds)

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


@contextmanager
def serve_drip(data: bytes, seconds: float) -> Iterator[int]:
    """A raw TCP server on loopback that drips ``data`` to each connection; yields its port.

    It speaks no protocol: dripping the start of a TLS record holds a client in its handshake.
    """

    class Handler(BaseRequestHandler):
        def handle(self) -> None:
            _drip(self.request.makefile("wb"), data, seconds)

    server = ThreadingTCPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()


def _drip(out: BufferedIOBase, data: bytes, seconds: float) -> None:
    """Write ``data`` one byte at a time, ``seconds`` apart, until done or the peer leaves."""
    for byte in data:
        try:
            out.write(bytes([byte]))
            out.flush()
        except OSError:
            return
        time.sleep(seconds)
