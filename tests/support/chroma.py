"""A real Chroma server (the `chroma` CLI installed with chromadb) on 127.0.0.1."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import httpx


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def chroma_server(folder: Path) -> Iterator[str]:
    """Start `chroma run` on a free port with its data in ``folder``; yield its URL."""
    with chroma_process(folder) as (url, _):
        yield url


@contextmanager
def chroma_process(folder: Path, *, log: IO[bytes] | None = None, start_seconds: float = 60,
                   stop_seconds: float = 20) -> Iterator[tuple[str, int]]:
    """`chroma run` on a free port with its data in ``folder``, its output to ``log`` (none:
    dropped), answering within ``start_seconds``: its URL and process id."""
    exe = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    port = free_port()
    output = log if log is not None else subprocess.DEVNULL
    process = subprocess.Popen(
        [exe, "run", "--path", str(folder), "--host", "127.0.0.1", "--port", str(port)],
        stdout=output, stderr=output,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + start_seconds
        while True:
            try:
                if httpx.get(f"{url}/api/v2/heartbeat", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                where = f": see {log.name}" if log is not None else ""
                raise RuntimeError(f"chroma server did not start{where}")
            time.sleep(0.2)
        yield url, process.pid
    finally:
        process.terminate()
        process.wait(timeout=stop_seconds)
