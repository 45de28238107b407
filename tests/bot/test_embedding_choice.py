"""Which embedding backend a container runs, and the refusal to mix vectors of two kinds."""

from __future__ import annotations

import pytest

from bot.container import EMBEDDING_MODEL_KEY, Container
from bot.settings import Settings
from core.errors import ConfigError
from ingest.pipeline import SourceSpec
from ingest.sample_articles import SAMPLES_DIR
from retrieval.embeddings import OnnxEmbedder, default_backend, model_identity


def _reopen(settings: Settings, **changes: object) -> Container:
    return Container(settings.model_copy(update=changes))


def test_a_new_index_runs_the_default_backend_for_this_cpu_and_records_it(
    settings: Settings
) -> None:
    container = Container(settings)
    assert isinstance(container.embedder, OnnxEmbedder)
    assert container.embedder.identity == model_identity("", default_backend())
    container.verify_embedding_model()
    assert container.meta.get(EMBEDDING_MODEL_KEY) == model_identity("", default_backend())
    container.close()


def test_auto_reopens_an_index_with_the_backend_it_was_built_with(settings: Settings) -> None:
    container = Container(settings)
    for built_with in ("onnx-int8", "torch"):
        container.meta.set(EMBEDDING_MODEL_KEY, model_identity("", built_with))
        reopened = Container(settings)
        reopened.verify_embedding_model()  # no reindex asked for
        assert reopened.embedder.identity == model_identity("", built_with)
        reopened.close()
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
