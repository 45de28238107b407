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


def test_a_new_index_gets_int8_and_records_it(settings: Settings) -> None:
    container = Container(settings)
    assert isinstance(container.embedder, OnnxEmbedder)
    assert container.embedder.identity == model_identity("", "onnx-int8")
    container.verify_embedding_model()
    assert container.meta.get(EMBEDDING_MODEL_KEY) == model_identity("", "onnx-int8")
    container.close()


def test_an_index_of_float_vectors_goes_on_with_float_onnx_until_int8_is_chosen(
    container: Container, settings: Settings
) -> None:
    container.pipeline.run([SourceSpec(str(SAMPLES_DIR))])
    # as an index built with the torch backend (an earlier release) records itself
    container.meta.set(EMBEDDING_MODEL_KEY, model_identity("", "torch"))
    upgraded = _reopen(settings)
    assert upgraded.embedder.identity == model_identity("", "onnx")
    upgraded.verify_embedding_model()  # no reindex forced by an upgrade
    upgraded.close()
    chosen = _reopen(settings, embedding_backend="onnx-int8")
    with pytest.raises(ConfigError, match="newsdesk reindex"):
        chosen.verify_embedding_model()
    chosen.close()
    torch = _reopen(settings, embedding_backend="torch")
    torch.verify_embedding_model()  # torch and float ONNX make the same vectors
    torch.close()


def test_an_empty_backend_setting_means_automatic() -> None:
    assert Settings(embedding_backend="").embedding_backend is None  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="onnx-int8"):
        Settings(embedding_backend="tensorflow")  # type: ignore[arg-type]
