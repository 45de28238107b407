"""Vector store embedded and against a real `chroma run` server on 127.0.0.1."""

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot.container import Container
from bot.settings import Settings
from core.errors import ConfigError, SearchIndexError
from ingest.pipeline import SourceSpec
from ingest.sample_articles import SAMPLES_DIR
from retrieval.embeddings import Embedder
from retrieval.vector_store import connect_chroma


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[str]:
    """A real Chroma server (the `chroma` CLI installed with chromadb)."""
    exe = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    port = _free_port()
    process = subprocess.Popen(
        [exe, "run", "--path", str(tmp_path / "server-db"), "--host", "127.0.0.1",
         "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/api/v2/heartbeat", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            pytest.fail("chroma server did not start")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_ingest_and_search_through_a_chroma_server(
    chroma_server: str, tmp_path: Path, embedder: Embedder
) -> None:
    settings = Settings(data_dir=tmp_path / "data", chroma_url=chroma_server)
    container = Container(settings, embedder=embedder)
    report = container.pipeline.run([SourceSpec(str(SAMPLES_DIR))])
    assert report.added == 6
    assert not (tmp_path / "data" / "chroma").exists()  # vectors live on the server
    hits = container.searcher.search("seafood imports ban Japanese prefectures", k=3)
    assert "Nara" in hits[0].ref.title
    assert hits[0].text in container.articles.get(hits[0].ref.article_id).text  # type: ignore[union-attr]
    # a second client sees the same collection on the server
    other = Container(settings, embedder=embedder)
    assert other.vectors.count() == container.articles.chunk_count()
    container.close()
    other.close()


def test_embedded_search_filters_by_date(container: Container) -> None:
    container.pipeline.run([SourceSpec(str(SAMPLES_DIR))])
    from datetime import UTC, datetime

    hits = container.searcher.search("course record", k=6, since=datetime(2026, 1, 11, tzinfo=UTC))
    assert hits and all(h.ref.day >= "2026-01-11" for h in hits)
    assert "marathon" in hits[0].ref.title.lower()


def test_bad_chroma_urls_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="NEWSDESK_CHROMA_URL"):
        connect_chroma("localhost:8000", tmp_path)
    with pytest.raises(SearchIndexError, match="cannot reach the Chroma server"):
        connect_chroma(f"http://127.0.0.1:{_free_port()}", tmp_path)
