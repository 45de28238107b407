"""BM25 over chunk texts (bm25s), persisted beside Chroma and rebuilt from the article store."""

from __future__ import annotations

import json
import logging
import math
import shutil
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import bm25s
import numpy as np

from ingest.errors import IndexError_
from retrieval.text import tokenize

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LexicalHit:
    """A chunk id and its BM25 score."""

    chunk_id: str
    score: float


class LexicalIndex:
    """A BM25 index of chunks. ``revision`` says which store revision it was built from."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._lock = threading.Lock()
        self._retriever: bm25s.BM25 | None = None
        self._ids: list[str] = []
        self._df: dict[str, int] = {}
        self._loaded_revision: str | None = None
        self._seen_stamp: tuple[int, int] | None = None

    @property
    def revision(self) -> str | None:
        """The store revision the on-disk index reflects (None when there is none)."""
        try:
            return (self._folder / "REVISION").read_text(encoding="utf-8").strip() or None
        except OSError:
            return None

    def rebuild(self, chunks: Iterable[tuple[str, str]], revision: str) -> None:
        """Index ``(chunk_id, text)`` pairs and save, replacing the old index atomically."""
        ids: list[str] = []
        corpus: list[list[str]] = []
        df: Counter[str] = Counter()
        for chunk_id, text in chunks:
            ids.append(chunk_id)
            tokens = tokenize(text)
            df.update(set(tokens))
            corpus.append(tokens or [""])
        retriever = bm25s.BM25()
        if corpus:
            retriever.index(corpus, show_progress=False)
        staging = self._folder.with_name(self._folder.name + ".new")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        try:
            if corpus:
                retriever.save(str(staging))
            (staging / "manifest.json").write_text(
                json.dumps({"ids": ids, "df": df}), encoding="utf-8"
            )
            (staging / "REVISION").write_text(revision, encoding="utf-8")
            old = self._folder.with_name(self._folder.name + ".old")
            shutil.rmtree(old, ignore_errors=True)
            if self._folder.exists():
                self._folder.rename(old)
            staging.rename(self._folder)
            shutil.rmtree(old, ignore_errors=True)
        except OSError as exc:
            raise IndexError_(f"saving the lexical index failed: {exc}") from exc
        with self._lock:
            self._retriever = retriever if corpus else None
            self._ids = ids
            self._df = dict(df)
            self._loaded_revision = revision

    @property
    def size(self) -> int:
        """Number of indexed chunks."""
        self._current()
        return len(self._ids)

    def idf_weights(self, tokens: Iterable[str]) -> dict[str, float]:
        """Inverse document frequency of each token (high for rare names and numbers)."""
        self._current()
        size = len(self._ids)
        return {
            token: math.log(1 + (size - self._df.get(token, 0) + 0.5)
                            / (self._df.get(token, 0) + 0.5))
            for token in tokens
        }

    def search(self, query: str, k: int) -> list[LexicalHit]:
        """The ``k`` best chunks for ``query`` by BM25 (only those with a positive score)."""
        tokens = tokenize(query)
        retriever, ids = self._current()
        if retriever is None or not tokens:
            return []
        scores = retriever.get_scores(tokens)
        k = min(k, len(ids))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        return [LexicalHit(ids[i], float(scores[i])) for i in top if scores[i] > 0]

    def _current(self) -> tuple[bm25s.BM25 | None, list[str]]:
        """The loaded index, reloaded when another process rebuilt it on disk."""
        try:
            stat = (self._folder / "REVISION").stat()
            stamp: tuple[int, int] | None = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            stamp = None
        with self._lock:
            if stamp is not None and stamp != self._seen_stamp:
                self._seen_stamp = stamp
                on_disk = self.revision
                if on_disk is not None and on_disk != self._loaded_revision:
                    self._load(on_disk)
            return self._retriever, self._ids

    def _load(self, revision: str) -> None:
        try:
            manifest = json.loads((self._folder / "manifest.json").read_text())
            ids = list(manifest["ids"])
            df = {str(k): int(v) for k, v in manifest.get("df", {}).items()}
            retriever = bm25s.BM25.load(str(self._folder)) if ids else None
        except (OSError, ValueError, KeyError) as exc:
            log.warning("lexical index at %s unreadable (%s); lexical search off",
                        self._folder, exc)
            return
        self._retriever, self._ids, self._df, self._loaded_revision = retriever, ids, df, revision
