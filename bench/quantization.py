"""Quantized exports of the embedding model for CPUs without VNNI: quality, then speed vs torch.

    .venv/bin/python bench/quantization.py [--steps screen quality speed] [--candidates NAME ...]
        [--sample 1500] [--speed-chunks 96] [--reps 7] [--batch-size 64] [--no-float]

Every candidate starts from the same fused float export that ``retrieval/onnx_export.py`` makes
(ONNX Runtime's BERT fusions) and is quantized by one recipe of ``CANDIDATES``; the files are
kept under bench/.cache/quantization/ort<version>/ and reused. The MatMulNBits candidates need
the ``onnx-ir`` package, which the project does not install (they are skipped without it; to
run them: ``pip install --target /tmp/pylib onnx-ir`` and ``PYTHONPATH=/tmp/pylib``).

``screen``: mean, minimum and 1st-percentile cosine of each candidate's vectors to torch's on
``--sample`` chunks of articles taken in a fixed random order (no retrieval): cheap, to drop
the recipes that clearly lose.

``quality``: RealTime QA articles cleaned and chunked as the ingest does (``embedding_text``:
headline + chunk), the chunks of every eval question's gold article first, then other
articles' chunks up to ``--sample``. Each backend embeds the sample; per candidate: the cosines
as above, and dense-only retrieval over the sample for the 194 eval questions (each question
embedded by the same backend, news after the question's date out of bounds, as bench/eval.py
does): hit@5 and MRR of the gold article, the share of torch's top-5 articles the candidate
returns (top-5 agreement) and how often its first article is torch's. torch's vectors of a
sample are saved under the cache folder and reused.

``speed``: one fixed list of ``--speed-chunks`` chunks, embedded by torch and each candidate in
turn, ``--reps`` rounds (the order rotates each round); chunks/s per backend, and per round the
ratio to torch's time in that round (wall clock, and CPU seconds of this process, which other
processes on a busy machine disturb less), reported as medians. The load average is printed
with every round: on a shared machine only same-run ratios mean anything.

The CPU (model name, VNNI or not) is printed first: the speed of an int8 export depends on it,
so say which CPU a figure came from.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import NEWSDATA, machine, read_jsonl
from retrieval.embeddings import Embedder, OnnxEmbedder, TorchEmbedder, bundled_model_path

HERE = Path(__file__).resolve().parent
Recipe = Callable[[Path, Path], None]


def cpu() -> dict[str, Any]:
    """Model name and the flags that decide int8 speed, from /proc/cpuinfo."""
    text = Path("/proc/cpuinfo").read_text(errors="replace")
    name = next((line.split(":", 1)[1].strip() for line in text.splitlines()
                 if line.startswith("model name")), "unknown")
    flags = set(next((line.split(":", 1)[1].split() for line in text.splitlines()
                      if line.startswith("flags")), []))
    return {"model": name, "cpus": os.cpu_count(),
            "vnni": bool(flags & {"avx512_vnni", "avx_vnni"}),
            "avx2": "avx2" in flags, "avx512f": "avx512f" in flags}


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


# --- candidates -------------------------------------------------------------------------------

def _quiet() -> None:
    from retrieval.onnx_export import _QuantizerChatter

    logging.root.addFilter(_QuantizerChatter())
    logging.getLogger().setLevel(logging.ERROR)


def dynamic(**options: Any) -> Recipe:
    """ONNX Runtime's dynamic quantization (uint8 activations) with ``options``."""
    def make(source: Path, target: Path) -> None:
        from onnx import TensorProto
        from onnxruntime.quantization import QuantType, quantize_dynamic

        settings: dict[str, Any] = {"weight_type": QuantType.QInt8, "per_channel": True,
                                    "reduce_range": True}
        settings.update(options)
        if isinstance(settings["weight_type"], str):
            settings["weight_type"] = QuantType[settings["weight_type"]]
        if callable(settings.get("nodes_to_quantize")):
            settings["nodes_to_quantize"] = settings["nodes_to_quantize"](source)
        if callable(settings.get("nodes_to_exclude")):
            settings["nodes_to_exclude"] = settings["nodes_to_exclude"](source)
        quantize_dynamic(str(source), str(target),
                         extra_options={"DefaultTensorType": TensorProto.FLOAT}, **settings)
    return make


def nbits(bits: int, block_size: int, accuracy_level: int, *, then: Recipe | None = None,
          first: Recipe | None = None) -> Recipe:
    """Weight-only block quantization of the MatMuls (MatMulNBits); ``accuracy_level`` 4
    quantizes the activations to int8 and multiplies in int8, 0 dequantizes to float.
    ``first`` quantizes the (fused) Attention nodes beforehand, which MatMulNBits leaves alone."""
    def make(source: Path, target: Path) -> None:
        import onnx
        from onnxruntime.quantization.matmul_nbits_quantizer import MatMulNBitsQuantizer

        if first is not None:
            staged = target.with_suffix(".stage.onnx")
            first(source, staged)
            source = staged
        quantizer = MatMulNBitsQuantizer(onnx.load(str(source)), bits=bits,
                                         block_size=block_size, is_symmetric=True,
                                         accuracy_level=accuracy_level)
        quantizer.process()
        quantizer.model.save_model_to_file(str(target), use_external_data_format=False)
        if first is not None:
            source.unlink()
    return make


def static(per_channel: bool) -> Recipe:
    """Static QDQ quantization of the MatMuls, activation ranges calibrated (min-max) on 128
    real chunks of other articles than the samples' first ones (seed 7), batches of 16."""
    def make(source: Path, target: Path) -> None:
        from onnxruntime.quantization import (
            CalibrationDataReader,
            CalibrationMethod,
            QuantFormat,
            QuantType,
            quantize_static,
        )
        from tokenizers import Tokenizer

        texts = sorted(sample_chunks(400, seed=7, gold_first=False)[0][:128], key=len)
        tokenizer = Tokenizer.from_file(str(bundled_model_path() / "tokenizer.json"))
        tokenizer.enable_truncation(256)
        tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        feeds = []
        for begin in range(0, len(texts), 16):
            encodings = tokenizer.encode_batch(texts[begin:begin + 16])
            ids = np.array([e.ids for e in encodings], dtype=np.int64)
            feeds.append({"input_ids": ids, "token_type_ids": np.zeros_like(ids),
                          "attention_mask": np.array([e.attention_mask for e in encodings],
                                                     dtype=np.int64)})

        class Reader(CalibrationDataReader):  # type: ignore[misc]
            def __init__(self) -> None:
                self.left = iter(feeds)

            def get_next(self) -> dict[str, np.ndarray] | None:
                return next(self.left, None)

        quantize_static(str(source), str(target), Reader(), quant_format=QuantFormat.QDQ,
                        op_types_to_quantize=["MatMul"], per_channel=per_channel,
                        reduce_range=True, activation_type=QuantType.QUInt8,
                        weight_type=QuantType.QInt8, calibrate_method=CalibrationMethod.MinMax)
    return make


def _nodes(source: Path, keep: Callable[[Any], bool]) -> list[str]:
    import onnx

    return [n.name for n in onnx.load(str(source)).graph.node if keep(n)]


def ffn_out(source: Path) -> list[str]:
    """The FFN output projection (1536 -> 384) of every layer."""
    return _nodes(source, lambda n: n.op_type == "MatMul" and n.name.endswith(
        "/output/dense/MatMul") and "/attention/" not in n.name)


def ffn_in(source: Path) -> list[str]:
    """The FFN input projection (384 -> 1536) of every layer."""
    return _nodes(source, lambda n: n.op_type == "MatMul" and "/intermediate/" in n.name)


def ffn_only(source: Path) -> list[str]:
    """The two feed-forward MatMuls of every layer."""
    return _nodes(source, lambda n: n.op_type == "MatMul" and (
        "/intermediate/" in n.name or ("/output/dense" in n.name and "/attention/" not in n.name)))


def last_layer(source: Path) -> list[str]:
    """Every weight op of the last encoder layer (BERT-fused names: Attention_5, layer.5)."""
    return _nodes(source, lambda n: n.name == "Attention_5" or "/layer.5/" in n.name)


def last_layer_ffn_out(source: Path) -> list[str]:
    """The last layer's FFN output projection alone."""
    return _nodes(source, lambda n: n.name == "/model/encoder/layer.5/output/dense/MatMul")


CANDIDATES: dict[str, tuple[str, Recipe]] = {
    "s8-pc-rr": ("today's avx2 export: int8 weights per channel, 7-bit (reduce_range)",
                                dynamic()),
    "s8-pc-full": ("int8 weights per channel, full 8 bits (the VNNI export)",
                   dynamic(reduce_range=False)),
    "s8-pt-rr": ("int8 weights per tensor, 7-bit", dynamic(per_channel=False)),
    "u8-pc": ("uint8 weights per channel, full 8 bits (U8U8 kernel: no saturation)",
              dynamic(weight_type="QUInt8", reduce_range=False)),
    "u8-pt": ("uint8 weights per tensor, full 8 bits",
              dynamic(weight_type="QUInt8", per_channel=False, reduce_range=False)),
    "s8-pc-rr-matmul": ("7-bit per channel, MatMul only (fused attention QKV in float)",
                        dynamic(op_types_to_quantize=["MatMul"])),
    "s8-pc-rr-ffn": ("7-bit per channel, the FFN MatMuls only",
                     dynamic(nodes_to_quantize=ffn_only)),
    "s8-pc-rr-last-float": ("7-bit per channel, the last layer in float",
                            dynamic(nodes_to_exclude=last_layer)),
    "s8-pc-rr-emb": ("7-bit per channel, MatMul and Attention only: the embeddings in float",
                     dynamic(op_types_to_quantize=["MatMul", "Attention"])),
    "s8-pc-full-emb": ("8-bit per channel, MatMul and Attention only: the embeddings in float",
                       dynamic(reduce_range=False, op_types_to_quantize=["MatMul", "Attention"])),
    "s8-pc-rr-emb-ffnout": ("7-bit per channel, embeddings and FFN output projections in float",
                            dynamic(op_types_to_quantize=["MatMul", "Attention"],
                                    nodes_to_exclude=ffn_out)),
    "s8-pc-rr-emb-ffnin": ("7-bit per channel, embeddings and FFN input projections in float",
                           dynamic(op_types_to_quantize=["MatMul", "Attention"],
                                   nodes_to_exclude=ffn_in)),
    "u8-pt-matmul": ("uint8 weights per tensor, MatMul only (fused attention QKV in float)",
                     dynamic(weight_type="QUInt8", per_channel=False, reduce_range=False,
                             op_types_to_quantize=["MatMul"])),
    "u8-pt-last-float": ("uint8 weights per tensor, the last layer in float",
                         dynamic(weight_type="QUInt8", per_channel=False, reduce_range=False,
                                 nodes_to_exclude=last_layer)),
    "static-pc": ("static QDQ, MatMuls: 7-bit weights per channel, calibrated activations",
                  static(per_channel=True)),
    "static-pt": ("static QDQ, MatMuls: 7-bit weights per tensor, calibrated activations",
                  static(per_channel=False)),
    "nbits8-b32-int8": ("MatMulNBits 8-bit blocks of 32, int8 compute (QKV float)",
                        nbits(8, 32, 4)),
    "nbits8-b128-int8": ("MatMulNBits 8-bit blocks of 128, int8 compute (QKV float)",
                         nbits(8, 128, 4)),
    "nbits4-b32-int8": ("MatMulNBits 4-bit blocks of 32, int8 compute (QKV float)",
                        nbits(4, 32, 4)),
    "nbits8-b32-fp32": ("MatMulNBits 8-bit blocks of 32, float compute (weight-only)",
                        nbits(8, 32, 0)),
    "nbits8-b32-int8+u8-attn": ("MatMulNBits 8-bit for MatMuls + uint8 per-channel QAttention",
                                nbits(8, 32, 4, first=dynamic(
                                    weight_type="QUInt8", reduce_range=False,
                                    op_types_to_quantize=["Attention"]))),
}
FLOAT = "onnx float"


def fused_float(folder: Path) -> Path:
    """The export ``retrieval/onnx_export.py`` quantizes: float, BERT-fused."""
    from retrieval.onnx_export import _export_float, _fuse, model_layout

    target = folder / "fused.onnx"
    if not target.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        path = bundled_model_path()
        _export_float(path, folder / "float.onnx")
        produced = _fuse(folder / "float.onnx", model_layout(path), folder / "fused.tmp.onnx")
        produced.replace(target)
    return target


def candidate_file(folder: Path, name: str) -> Path:
    target = folder / f"{name}.onnx"
    if not target.is_file():
        _quiet()
        started = time.perf_counter()
        CANDIDATES[name][1](fused_float(folder), target.with_suffix(".tmp.onnx"))
        target.with_suffix(".tmp.onnx").replace(target)
        print(f"exported {name} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return target


def embedders(names: list[str], folder: Path, batch_size: int,
              with_float: bool = True) -> dict[str, Embedder]:
    path = bundled_model_path()
    models: dict[str, Embedder] = {"torch": TorchEmbedder(path, "torch", batch_size)}
    files = {FLOAT: fused_float(folder)} if with_float else {}
    for name in names:
        try:
            files[name] = candidate_file(folder, name)
        except ModuleNotFoundError as exc:  # MatMulNBitsQuantizer imports onnx_ir
            print(f"skipped {name}: {exc} (pip install onnx-ir)", file=sys.stderr)
    for name, file in files.items():
        models[name] = OnnxEmbedder(path, lambda f=file: f, name, batch_size)  # type: ignore[misc]
    for model in models.values():
        model.warm_up()
    return models


# --- the sample -------------------------------------------------------------------------------

def sample_chunks(size: int, seed: int = 0, gold_first: bool = True
                  ) -> tuple[list[str], list[str], list[datetime | None]]:
    """(texts as embedded, article URL, published) of chunks cleaned and cut as ingest does:
    every gold article of the eval questions first (unless not ``gold_first``), then other
    articles in a fixed random order."""
    from core.models import Article
    from ingest.chunking import Chunker
    from ingest.identity import canonical_url
    from ingest.pipeline import _cleaned
    from ingest.urls import outlet_host
    from retrieval.index import embedding_text

    gold = {canonical_url(u) for q in read_jsonl(NEWSDATA / "realtimeqa_eval.jsonl")
            for u in q["gold_urls"]}
    rows = read_jsonl(NEWSDATA / "realtimeqa_corpus.jsonl")
    random.Random(seed).shuffle(rows)
    if gold_first:
        rows.sort(key=lambda r: canonical_url(r["url"]) not in gold)  # stable: golds first
    else:
        gold = set()
    chunker = Chunker(1000, 120)  # bot/settings.py defaults
    texts: list[str] = []
    urls: list[str] = []
    dates: list[datetime | None] = []
    seen: set[str] = set()
    for row in rows:
        url = canonical_url(row["url"])
        if url in seen:
            continue
        seen.add(url)
        source = row.get("source") or outlet_host(url)  # as records.py does
        title, text = _cleaned(row.get("title") or "", row.get("text") or "", source)
        if not text:
            continue
        try:
            published = datetime.strptime(row.get("published") or "", "%Y/%m/%d").replace(
                tzinfo=UTC)
        except ValueError:
            published = None
        article = Article(url, url, title, "bench", published, (), text, "", datetime.now(UTC))
        for chunk in chunker.split(article):
            texts.append(embedding_text(chunk))
            urls.append(url)
            dates.append(published)
        if len(texts) >= size and url not in gold:
            break
    return texts, urls, dates


def dense_retrieval(questions: list[dict[str, Any]], question_vectors: np.ndarray,
                    vectors: np.ndarray, urls: list[str],
                    dates: list[datetime | None]) -> list[list[str]]:
    """Top 5 distinct articles per question by cosine, nothing published after its day."""
    scores = question_vectors @ vectors.T
    found = []
    for q, row in zip(questions, scores, strict=True):
        until = datetime.strptime(q["date"], "%Y/%m/%d").replace(tzinfo=UTC) + timedelta(days=1)
        top: list[str] = []
        for i in np.argsort(-row):
            published = dates[i]
            if (published is not None and published > until) or urls[i] in top:
                continue
            top.append(urls[i])
            if len(top) == 5:
                break
        found.append(top)
    return found


def quality(models: dict[str, Embedder], sample: int, retrieval: bool = True) -> dict[str, Any]:
    from ingest.identity import canonical_url

    texts, urls, dates = sample_chunks(sample, gold_first=retrieval)
    texts, urls, dates = (texts, urls, dates) if retrieval else (
        texts[:sample], urls[:sample], dates[:sample])
    questions = read_jsonl(NEWSDATA / "realtimeqa_eval.jsonl")
    asked = [q["question"] for q in questions]
    print(f"quality sample: {len(texts)} chunks of {len(set(urls))} articles, "
          f"{len(questions)} questions", file=sys.stderr)
    results: dict[str, Any] = {"chunks": len(texts), "articles": len(set(urls)), "backends": {}}
    reference: np.ndarray | None = None
    reference_top: list[list[str]] = []
    key = hashlib.sha256("\0".join(texts + asked).encode()).hexdigest()[:16]
    saved = HERE / ".cache" / "quantization" / f"torch-{key}.npz"
    for name, model in models.items():
        started = time.perf_counter()
        if name == "torch" and saved.is_file():  # the reference, embedded once per sample
            with np.load(saved) as arrays:
                vectors, asked_vectors = arrays["chunks"], arrays["questions"]
        else:
            vectors = model.encode(texts)
            asked_vectors = model.encode(asked)
            if name == "torch":
                np.savez(saved, chunks=vectors, questions=asked_vectors)
        seconds = time.perf_counter() - started
        top = dense_retrieval(questions, asked_vectors, vectors, urls, dates) \
            if retrieval else [[] for _ in questions]
        hit5 = mrr = 0.0
        for q, got in zip(questions, top, strict=True):
            gold = {canonical_url(u) for u in q["gold_urls"]}
            ranks = [i for i, url in enumerate(got, start=1) if url in gold]
            hit5 += bool(ranks)
            mrr += 1 / ranks[0] if ranks else 0.0
        entry: dict[str, Any] = {"encode_s": round(seconds, 1)}
        if retrieval:
            entry |= {"hit@5": round(hit5 / len(questions), 3),
                      "mrr": round(mrr / len(questions), 3)}
        if reference is None:
            reference, reference_top = vectors, top
        else:
            cosine = np.sum(reference * vectors, axis=1)
            entry |= {"cos_mean": round(float(cosine.mean()), 4),
                      "cos_min": round(float(cosine.min()), 4),
                      "cos_p1": round(float(np.percentile(cosine, 1)), 4)}
            if retrieval:
                pairs = list(zip(top, reference_top, strict=True))
                entry |= {"top5_agreement": round(float(np.mean(
                              [len(set(a) & set(b)) / 5 for a, b in pairs])), 3),
                          "top1_same": round(float(np.mean([a[:1] == b[:1] for a, b in pairs])),
                                             3)}
        results["backends"][name] = entry
        print(json.dumps({name: entry}), file=sys.stderr)
    return results


def speed(models: dict[str, Embedder], chunks: int, reps: int) -> dict[str, Any]:
    texts, _, _ = sample_chunks(chunks, seed=1)
    texts = texts[:chunks]
    names = list(models)
    rates: dict[str, list[float]] = {n: [] for n in names}
    ratios: dict[str, list[float]] = {n: [] for n in names}
    cpu_ratios: dict[str, list[float]] = {n: [] for n in names}
    for rep in range(reps):
        order = names[rep % len(names):] + names[:rep % len(names)]
        seconds: dict[str, float] = {}
        cpu_seconds: dict[str, float] = {}
        for name in order:
            time.sleep(0.5)  # torch's worker threads stop spinning before the next one runs
            started, cpu_started = time.perf_counter(), time.process_time()
            models[name].encode(texts)
            seconds[name] = time.perf_counter() - started
            cpu_seconds[name] = time.process_time() - cpu_started
        for name in names:
            rates[name].append(len(texts) / seconds[name])
            ratios[name].append(seconds["torch"] / seconds[name])
            cpu_ratios[name].append(cpu_seconds["torch"] / cpu_seconds[name])
        print(json.dumps({"round": rep, "load": load(),
                          **{n: round(len(texts) / s, 1) for n, s in seconds.items()}}),
              file=sys.stderr)
    return {"chunks": len(texts), "reps": reps, "backends": {
        n: {"chunks_per_s_median": round(statistics.median(rates[n]), 1),
            "vs_torch_median": round(statistics.median(ratios[n]), 2),
            "vs_torch_min_max": [round(min(ratios[n]), 2), round(max(ratios[n]), 2)],
            # CPU seconds of this process: less sensitive to other processes on a busy machine
            "cpu_vs_torch_median": round(statistics.median(cpu_ratios[n]), 2)}
        for n in names}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", nargs="+", choices=["screen", "quality", "speed"],
                        default=["quality", "speed"])
    parser.add_argument("--candidates", nargs="+", choices=list(CANDIDATES),
                        default=list(CANDIDATES), metavar="NAME",
                        help=f"from CANDIDATES: {', '.join(CANDIDATES)}")
    parser.add_argument("--sample", type=int, default=1500, help="chunks for screen and quality")
    parser.add_argument("--speed-chunks", type=int, default=96)
    parser.add_argument("--reps", type=int, default=7)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--no-float", action="store_true",
                        help="leave out the float ONNX export (it makes torch's vectors)")
    args = parser.parse_args()

    import onnxruntime

    names = args.candidates
    info = {"cpu": cpu(), "machine": machine(), "onnxruntime": onnxruntime.__version__,
            "load_before": load()}
    print(json.dumps(info), file=sys.stderr)
    folder = HERE / ".cache" / "quantization" / f"ort{onnxruntime.__version__}"
    models = embedders(names, folder, args.batch_size, with_float=not args.no_float)
    report: dict[str, Any] = {**info, "candidates": {n: CANDIDATES[n][0] for n in names}}
    if "screen" in args.steps:  # cosine to torch only, on --sample random chunks
        report["screen"] = quality(models, args.sample, retrieval=False)
    if "quality" in args.steps:
        report["quality"] = quality(models, args.sample)
    if "speed" in args.steps:
        report["speed"] = speed(models, args.speed_chunks, args.reps)
    report["load_after"] = load()
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
