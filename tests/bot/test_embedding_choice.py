"""Which embedding backend a container runs, and the refusal to mix vectors of two kinds."""

from __future__ import annotations

import pytest

from bot.container import EMBEDDING_MODEL_KEY, Container
from bot.settings import Settings
from core.errors import ConfigError
from ingest.pipeline import SourceSpec
from ingest.sample_articles import SAMPLES_DIR
from retrieval.embeddings import OnnxEmbedder, model_identity


def _reopen(settings: Settings, **changes: object) -> Container:
    return Container(settings.model_copy(update=changes))


def test_a_new_index_runs_float_onnx_and_records_it(settings: Settings) -> None:
    container = Container(settings)
    assert isinstance(container.embedder, OnnxEmbedder)
    assert container.embedder.identity == model_identity("", "onnx")
    container.verify_embedding_model()
    assert container.meta.get(EMBEDDING_MODEL_KEY) == model_identity("", "onnx")
    container.close()


def test_float_vectors_are_one_kind_and_int8_another(
    container: Container, settings: Settings
) -> None:
    container.pipeline.run([SourceSpec(str(SAMPLES_DIR))])
    # as an index built with the torch backend (an earlier release) records itself
    container.meta.set(EMBEDDING_MODEL_KEY, model_identity("", "torch"))
    for backend in ("onnx", "torch"):  # no reindex: torch and float ONNX make the same vectors
        same = _reopen(settings, embedding_backend=backend)
        same.verify_embedding_model()
        same.close()
    int8 = _reopen(settings, embedding_backend="onnx-int8")
    with pytest.raises(ConfigError, match="newsdesk reindex"):
        int8.verify_embedding_model()
    int8.close()


def test_an_unknown_backend_is_refused_with_the_choices() -> None:
    with pytest.raises(ValueError, match="onnx-int8"):
        Settings(embedding_backend="tensorflow")  # type: ignore[arg-type]
