import json
import logging
import shutil
from pathlib import Path

import numpy as np
import pytest

from core.errors import ConfigError
from retrieval.embeddings import (
    Embedder,
    OnnxEmbedder,
    TorchEmbedder,
    bundled_model_path,
    choose_backend,
    default_backend,
    load_embedder,
    model_identity,
    resolve_model_path,
)
from retrieval.onnx_export import export_folder, exported_model, model_layout


def test_bundled_model_resolves_and_other_paths_must_exist(tmp_path: Path) -> None:
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
    langchain = embedder.as_langchain()
    assert len(langchain.embed_query("hello")) == 384
    assert np.allclose(langchain.embed_documents(["hello"])[0], embedder.encode(["hello"])[0])


def _chunks(newsdata: Path, count: int) -> list[str]:
    texts: list[str] = []
    with (newsdata / "realtimeqa_corpus.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            text = json.loads(line).get("text") or ""
            texts += [text[i:i + 1000] for i in range(0, min(len(text), 3000), 1000)]
            if len(texts) >= count:
                break
    texts[:3] = ["Nara.", "", "短い文。"]  # one-word, empty and CJK texts pad the batch
    return texts[:count]


@pytest.fixture(scope="module")
def real_chunks(newsdata: Path, torch_embedder: TorchEmbedder) -> tuple[list[str], np.ndarray]:
    """160 chunks of real news and their torch vectors: what both ONNX backends must match."""
    texts = _chunks(newsdata, 160)
    return texts, torch_embedder.encode(texts)


def test_onnx_float_is_the_torch_model_on_real_chunks(
    real_chunks: tuple[list[str], np.ndarray], model_cache: Path
) -> None:
    texts, reference = real_chunks
    onnx = load_embedder("", "onnx", model_cache, batch_size=32)
    assert isinstance(onnx, OnnxEmbedder)
    cosine = np.sum(onnx.encode(texts) * reference, axis=1)
    assert cosine.min() >= 0.9999


def test_onnx_int8_stays_close_to_torch_and_keeps_the_ranking(
    real_chunks: tuple[list[str], np.ndarray], model_cache: Path
) -> None:
    texts, reference = real_chunks
    int8 = load_embedder("", "onnx-int8", model_cache, batch_size=32)
    quantized = int8.encode(texts)
    cosine = np.sum(reference * quantized, axis=1)
    assert cosine.min() >= 0.97 and cosine.mean() >= 0.99
    # the nearest neighbour of each chunk among the others is mostly the same one
    same = np.argsort(-(reference @ reference.T), axis=1)[:, 1]
    near = np.argsort(-(quantized @ quantized.T), axis=1)[:, 1]
    assert np.mean(same == near) >= 0.9


def test_export_happens_once_outside_the_model_folder(model_cache: Path) -> None:
    bundled = bundled_model_path()
    before = {f.name: f.stat().st_mtime_ns for f in bundled.rglob("*") if f.is_file()}
    first = exported_model(bundled, "onnx-int8", model_cache)
    stamp = first.stat().st_mtime_ns
    assert exported_model(bundled, "onnx-int8", model_cache) == first
    assert first.stat().st_mtime_ns == stamp  # reused, not exported again
    assert first.parent == export_folder(bundled, "onnx-int8", model_cache)
    assert bundled not in first.parents
    assert {f.name: f.stat().st_mtime_ns for f in bundled.rglob("*") if f.is_file()} == before


def test_identity_separates_int8_vectors_and_their_cpu_variants() -> None:
    assert model_identity("", "torch") == model_identity("", "onnx")
    assert model_identity("", "onnx-int8") != model_identity("", "torch")
    assert model_identity("", "onnx-int8", "vnni") != model_identity("", "onnx-int8", "avx2")


def test_auto_picks_int8_only_where_the_cpu_keeps_its_quality() -> None:
    assert default_backend("vnni") == "onnx-int8"
    assert default_backend("avx2") == "onnx"
    for variant in ("vnni", "avx2"):
        assert choose_backend("auto", "", None, variant) == default_backend(variant)
        assert choose_backend("torch", "", None, variant) == "torch"


def test_auto_keeps_the_kind_an_existing_index_was_built_with() -> None:
    float_index = model_identity("", "torch")
    assert choose_backend("auto", "", float_index, "vnni") == "onnx"  # no reindex on upgrade
    int8_index = model_identity("", "onnx-int8", "vnni")
    assert choose_backend("auto", "", int8_index, "avx2") == "onnx"  # can't be reproduced here
    assert choose_backend("auto", "", int8_index, "vnni") == "onnx-int8"
    other_model = model_identity("/elsewhere/model", "torch")
    assert choose_backend("auto", "", other_model, "avx2") == "onnx"


def test_onnx_backend_refuses_a_model_it_would_embed_differently(tmp_path: Path) -> None:
    model = tmp_path / "cls-model"
    shutil.copytree(bundled_model_path(), model)
    pooling = model / "1_Pooling" / "config.json"
    config = json.loads(pooling.read_text())
    config.update(pooling_mode_mean_tokens=False, pooling_mode_cls_token=True)
    pooling.write_text(json.dumps(config))
    with pytest.raises(ConfigError, match="NEWSDESK_EMBEDDING_BACKEND=torch"):
        model_layout(model)
    assert isinstance(load_embedder(str(model), "torch", tmp_path), TorchEmbedder)


def test_quantizing_keeps_onnxruntime_chatter_out_of_the_log(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        exported_model(bundled_model_path(), "onnx-int8", tmp_path)
    chatter = [r for r in caplog.records if "onnxruntime" in r.pathname]
    assert chatter == [], chatter[:3]
