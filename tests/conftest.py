"""Shared fixtures: a clean environment, one embedding model per session, temp containers.

Fixtures that take ``database_url`` run every test twice: on SQLite and on PostgreSQL. The
PostgreSQL cases skip with a one-line reason when no server answers and
NEWSDESK_TEST_DATABASE_URL is unset (with it set, an unreachable server is a failure).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.container import Container
from bot.settings import Settings
from retrieval.embeddings import (
    Embedder,
    TorchEmbedder,
    bundled_model_path,
    default_backend,
    load_embedder,
)
from tests.support import databases
from tests.support.chroma import chroma_server as start_chroma_server

REPO = Path(__file__).resolve().parents[1]
NEWSDATA = REPO.parent / "shared" / "newsdata"
SEED = REPO.parent / "shared" / "seed"


@pytest.fixture(scope="session")
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder for the ONNX export, shared by every test and every process they start."""
    return tmp_path_factory.mktemp("model-cache")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, model_cache: Path) -> None:
    """No NEWSDESK_* variable or stray .env leaks into a test; the model export is shared."""
    for key in list(os.environ):
        if key.startswith("NEWSDESK_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("NEWSDESK_MODEL_CACHE_DIR", str(model_cache))
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="session")
def embedder(model_cache: Path) -> Embedder:
    """The real all-MiniLM-L6-v2 on the default backend, exported and loaded once per run."""
    model = load_embedder("", default_backend(), model_cache,
                          batch_size=32)
    model.warm_up()
    return model


@pytest.fixture(scope="session")
def torch_embedder() -> TorchEmbedder:
    """The reference: all-MiniLM-L6-v2 on sentence-transformers and torch."""
    model = TorchEmbedder(bundled_model_path(), batch_size=32)
    model.warm_up()
    return model


BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A PostgreSQL database created for this test session, or a skip."""
    server = databases.server_url()
    problem = databases.server_answers(server)
    if problem is not None:
        if databases.CONFIGURED_SERVER:
            pytest.fail(f"NEWSDESK_TEST_DATABASE_URL does not answer: {problem}")
        pytest.skip(f"no PostgreSQL server at 127.0.0.1:5432 ({problem})")
    with databases.session_database(server) as url:
        yield url


def backend_url(request: pytest.FixtureRequest, backend: str) -> Iterator[str]:
    """"" (SQLite in the data dir) or a fresh PostgreSQL schema's URL."""
    if backend == "sqlite":
        yield ""
        return
    with databases.fresh_schema(request.getfixturevalue("postgres_database")) as url:
        yield url


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """NEWSDESK_DATABASE_URL for a fresh database, once per backend."""
    yield from backend_url(request, request.param)


@pytest.fixture(scope="module", params=BACKENDS)
def module_database_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """Like database_url, shared by a module's tests (for fixtures that ingest once)."""
    yield from backend_url(request, request.param)


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    """Settings pointing at a fresh data dir and a fresh database."""
    return Settings(data_dir=tmp_path / "data", database_url=database_url, chunk_size=400,
                    chunk_overlap=60)


@pytest.fixture
def container(settings: Settings, embedder: Embedder) -> Iterator[Container]:
    """A container over a fresh data dir, sharing the session's model."""
    built = Container(settings, embedder=embedder)
    yield built
    built.close()


@pytest.fixture(scope="session")
def newsdata() -> Path:
    """../shared/newsdata (CI has it beside the clone)."""
    if not NEWSDATA.is_dir():
        pytest.skip("../shared/newsdata is not beside this checkout")
    return NEWSDATA


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[str]:
    """A real `chroma run` server on 127.0.0.1 for this test."""
    with start_chroma_server(tmp_path / "chroma-server") as url:
        yield url
