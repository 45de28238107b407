"""Shared fixtures: a clean environment, one embedding model per session, temp containers."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.container import Container
from bot.settings import Settings
from retrieval.embeddings import Embedder, bundled_model_path

REPO = Path(__file__).resolve().parents[1]
NEWSDATA = REPO.parent / "shared" / "newsdata"
SEED = REPO.parent / "shared" / "seed"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No NEWSDESK_* variable or stray .env leaks into a test."""
    for key in list(os.environ):
        if key.startswith("NEWSDESK_"):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    """The real all-MiniLM-L6-v2, loaded once for the whole run."""
    model = Embedder(bundled_model_path(), batch_size=32)
    model.encode(["warm up"])
    return model


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings pointing at a fresh data dir."""
    return Settings(data_dir=tmp_path / "data", chunk_size=400, chunk_overlap=60)


@pytest.fixture
def container(settings: Settings, embedder: Embedder) -> Iterator[Container]:
    """A container over a fresh data dir, sharing the session's model."""
    built = Container(settings, embedder=embedder)
    yield built
    built.close()


@pytest.fixture
def newsdata() -> Path:
    """../shared/newsdata (CI has it beside the clone)."""
    if not NEWSDATA.is_dir():
        pytest.skip("../shared/newsdata is not beside this checkout")
    return NEWSDATA
