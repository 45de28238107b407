import numpy as np
import pytest

from core.errors import ConfigError
from retrieval.embeddings import Embedder, bundled_model_path, resolve_model_path


def test_bundled_model_resolves_and_other_paths_must_exist(tmp_path) -> None:
    assert resolve_model_path("") == bundled_model_path()
    with pytest.raises(ConfigError, match="embedding model not found"):
        resolve_model_path(str(tmp_path))


def test_embeddings_are_normalised_and_meaningful(embedder: Embedder) -> None:
    vectors = embedder.encode([
        "The summit in Nara will discuss trade and security.",
        "Leaders meet in Nara to talk about trade and North Korea.",
        "The marathon runner broke the course record.",
    ])
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.2
    assert embedder.encode([]).shape == (0, 384)
    assert len(embedder.embed_query("hello")) == 384
