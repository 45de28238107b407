"""Export a sentence-transformers model to ONNX (float or int8) once, into a cache folder.

The bundled model folder is never written to: an export goes to a folder of its own, keyed by
the model's weights, the backend and the CPU's instruction set, under NEWSDESK_MODEL_CACHE_DIR.
Exporting imports torch once; every later load runs on onnxruntime alone.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import warnings
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.errors import ConfigError

if TYPE_CHECKING:
    from core.models import EmbeddingBackend as Backend

log = logging.getLogger(__name__)

MEAN_POOLING_MODULES = [
    "sentence_transformers.models.Transformer",
    "sentence_transformers.models.Pooling",
    "sentence_transformers.models.Normalize",
]
OPSET = 17


@dataclass(frozen=True)
class ModelLayout:
    """What the ONNX runner must reproduce of a sentence-transformers model."""

    max_seq_length: int
    model_type: str
    num_heads: int
    hidden_size: int


def _json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from exc
    return data if isinstance(data, dict) else {}


def model_layout(model_path: Path) -> ModelLayout:
    """The model's limits, refusing a model the ONNX runner would embed differently."""
    modules_file = model_path / "modules.json"
    modules = json.loads(modules_file.read_text()) if modules_file.is_file() else []
    pooling = _json(model_path / "1_Pooling" / "config.json") if modules else {}
    modes = {k for k, v in pooling.items() if k.startswith("pooling_mode_") and v is True}
    mean_pooled = ([m.get("type") for m in modules] == MEAN_POOLING_MODULES
                   and modes == {"pooling_mode_mean_tokens"})
    if not mean_pooled or not (model_path / "tokenizer.json").is_file():
        raise ConfigError(
            f"the ONNX backends run mean-pooled, normalised sentence-transformers models with a "
            f"tokenizer.json; {model_path} is not one: set NEWSDESK_EMBEDDING_BACKEND=torch"
        )
    config = _json(model_path / "config.json")
    limit = _json(model_path / "sentence_bert_config.json").get("max_seq_length")
    max_positions = int(config.get("max_position_embeddings", 512))
    return ModelLayout(
        max_seq_length=int(limit or max_positions),
        model_type=str(config.get("model_type", "")),
        num_heads=int(config.get("num_attention_heads", 0)),
        hidden_size=int(config.get("hidden_size", 0)),
    )


@cache  # the CPU's flags do not change while the process runs
def cpu_variant() -> str:
    """``vnni`` where the CPU has 8-bit dot products, else ``avx2`` (from /proc/cpuinfo)."""
    try:
        flags = Path("/proc/cpuinfo").read_text(errors="replace")
    except OSError:
        return "avx2"
    return "vnni" if ("avx512_vnni" in flags or "avx_vnni" in flags) else "avx2"


def _weights_key(model_path: Path) -> str:
    # Cheap to compute on every start: the folder, and each file's name, size and mtime.
    digest = hashlib.sha256(str(model_path.resolve()).encode())
    for file in sorted(model_path.glob("*")):
        if file.is_file():
            stat = file.stat()
            digest.update(f"{file.name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


def export_folder(model_path: Path, backend: Backend, cache_dir: Path) -> Path:
    """Where the export of this model for this backend lives."""
    import onnxruntime

    variant = cpu_variant() if backend == "onnx-int8" else "float"
    name = f"{model_path.name}-{_weights_key(model_path)}-{backend}-{variant}"
    return cache_dir / f"ort{onnxruntime.__version__}" / name


def exported_model(model_path: Path, backend: Backend, cache_dir: Path) -> Path:
    """The ONNX file for ``backend``, exported on first use (seconds, imports torch once)."""
    folder = export_folder(model_path, backend, cache_dir)
    target = folder / "model.onnx"
    if target.is_file():
        return target
    folder.mkdir(parents=True, exist_ok=True)
    log.info("exporting the embedding model to ONNX (%s) once, into %s", backend, folder)
    layout = model_layout(model_path)
    with tempfile.TemporaryDirectory(dir=folder) as work:
        float_file = Path(work) / "float.onnx"
        _export_float(model_path, float_file)
        fused = _fuse(float_file, layout, Path(work) / "fused.onnx")
        result = fused
        if backend == "onnx-int8":
            result = Path(work) / "int8.onnx"
            _quantize(fused, result, reduce_range=cpu_variant() != "vnni")
        # a second process exporting at the same time ends with the same file, never half a one
        os.replace(result, target)
    return target


def _export_float(model_path: Path, target: Path) -> None:
    from retrieval.embeddings import stay_offline

    stay_offline()
    import torch
    from transformers import AutoModel
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    model = AutoModel.from_pretrained(str(model_path), attn_implementation="eager").eval()

    class LastHiddenState(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                    token_type_ids: torch.Tensor) -> torch.Tensor:
            output = self.model(input_ids=input_ids, attention_mask=attention_mask,
                                token_type_ids=token_type_ids)
            hidden: torch.Tensor = output.last_hidden_state
            return hidden

    sample = torch.ones((2, 8), dtype=torch.long)
    names = ["input_ids", "attention_mask", "token_type_ids"]
    axes = {name: {0: "batch", 1: "tokens"} for name in [*names, "last_hidden_state"]}
    with torch.no_grad(), warnings.catch_warnings():
        # Both warnings are about values the trace keeps as constants: a padding length that
        # is always 0 here (the mask is as long as the input) and never-negative positions.
        warnings.filterwarnings("ignore", message="Converting a tensor to a Python boolean")
        warnings.filterwarnings("ignore", message="Exporting aten::index operator")
        torch.onnx.export(LastHiddenState(), (sample, sample, torch.zeros_like(sample)),
                          str(target), input_names=names, output_names=["last_hidden_state"],
                          dynamic_axes=axes, opset_version=OPSET, dynamo=False)


def _fuse(source: Path, layout: ModelLayout, target: Path) -> Path:
    """ONNX Runtime's fused attention, layer norm and GELU for BERT-like models."""
    if layout.model_type != "bert" or not layout.num_heads:
        return source
    from onnxruntime.transformers import optimizer

    # its modules log every fusion at INFO under their own names; a command shows none of it
    for name in list(logging.root.manager.loggerDict):
        if name.startswith(("onnx_model", "fusion_", "onnxruntime")):
            logging.getLogger(name).setLevel(logging.WARNING)
    model = optimizer.optimize_model(str(source), model_type="bert",
                                     num_heads=layout.num_heads, hidden_size=layout.hidden_size)
    model.save_model_to_file(str(target))
    return target


class _QuantizerChatter(logging.Filter):
    """ONNX Runtime's quantizer logs every tensor on the root logger: keep only its errors."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "onnxruntime" not in record.pathname or record.levelno >= logging.ERROR


def _quantize(source: Path, target: Path, *, reduce_range: bool) -> None:
    from onnx import TensorProto
    from onnxruntime.quantization import QuantType, quantize_dynamic

    chatter = _QuantizerChatter()
    logging.root.addFilter(chatter)
    try:
        # Without VNNI the 8-bit multiply-add saturates; 7-bit weights keep the vectors within
        # cosine 0.98 of torch (measured: full range drops to 0.90 on this kind of CPU).
        quantize_dynamic(str(source), str(target), weight_type=QuantType.QInt8,
                         per_channel=True, reduce_range=reduce_range,
                         extra_options={"DefaultTensorType": TensorProto.FLOAT})
    finally:
        logging.root.removeFilter(chatter)
