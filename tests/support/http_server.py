"""A real HTTP server on 127.0.0.1 serving canned responses, for fetch tests."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Canned:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200


@contextmanager
def serve(routes: dict[str, Canned]) -> Iterator[str]:
    """Serve ``routes`` (path → response) and yield the base URL; 404 for anything else."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            canned = routes.get(self.path.split("?", 1)[0])
            if canned is None:
                self.send_error(404)
                return
            self.send_response(canned.status)
            self.send_header("Content-Type", canned.content_type)
            self.send_header("Content-Length", str(len(canned.body)))
            self.end_headers()
            self.wfile.write(canned.body)

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
