"""Helpers shared by the benchmarks: data location, timing, memory."""

from __future__ import annotations

import json
import platform
import resource
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
NEWSDATA = REPO.parent / "shared" / "newsdata"
MODEL_CACHE = REPO / "bench" / ".cache" / "models"  # ONNX exports, shared by the benchmarks


def read_jsonl(path: Path, limit: int | None = None) -> list[dict[str, Any]]:
    """The first ``limit`` rows of a JSONL file."""
    rows = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                rows.append(json.loads(line))
            if limit is not None and len(rows) >= limit:
                break
    return rows


@contextmanager
def stopwatch() -> Iterator[Callable[[], float]]:
    """Yields a function returning the seconds elapsed (frozen when the block ends)."""
    start = time.perf_counter()
    end: list[float] = []
    yield lambda: (end[0] if end else time.perf_counter()) - start
    end.append(time.perf_counter())


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def machine() -> str:
    """One line about where the numbers came from."""
    import os

    return f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} cpu"


def warm_embedder(backend: str = "", batch_size: int = 64) -> Any:
    """The bundled model on ``backend`` (default: the settings' default), loaded and warm."""
    from retrieval.embeddings import BACKENDS, default_backend, load_embedder

    chosen = next((b for b in BACKENDS if b == backend), None)
    if chosen is None:
        if backend:
            raise ValueError(f"unknown embedding backend {backend!r}: one of {BACKENDS}")
        chosen = default_backend()
    model = load_embedder("", chosen, MODEL_CACHE, batch_size)
    model.warm_up()
    return model


def with_selection(answerer: Any, overrides: list[str]) -> Any:
    """``answerer`` quoting by ``Selection`` with ``FIELD=VALUE`` overrides (to try variants)."""
    from dataclasses import fields, replace

    from retrieval.answer.extractive import ExtractiveAnswerer, Selection

    if not overrides:
        return answerer
    if not isinstance(answerer, ExtractiveAnswerer):
        raise SystemExit("--set needs the extractive answerer")
    kinds = {f.name: f.type for f in fields(Selection)}
    changes: dict[str, Any] = {}
    for item in overrides:
        name, _, value = item.partition("=")
        if name not in kinds:
            raise SystemExit(f"--set {item}: Selection has no field {name!r}")
        kind = kinds[name]
        changes[name] = (value.lower() in ("1", "true", "yes") if kind in ("bool", bool)
                         else int(value) if kind in ("int", int) else float(value))
    answerer._selection = replace(answerer._selection, **changes)
    return answerer
