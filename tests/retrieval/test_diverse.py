"""The search pool: the best passages, a few per article, one story told twice cited once."""

from datetime import UTC, datetime

import numpy as np

from core.models import ArticleRef, Passage
from retrieval.search import _Candidate, _diverse

DAY = datetime(2026, 1, 12, tzinfo=UTC)


def candidate(article: str, title: str, fused: float, vector: list[float] | None,
              chunk: int = 0) -> _Candidate:
    ref = ArticleRef(article, title, f"Outlet {article}", f"https://x.example/{article}", DAY)
    unit = None if vector is None else np.asarray(vector, dtype=np.float32) / np.linalg.norm(
        vector)
    return _Candidate(Passage(f"{article}-{chunk}", ref, 0, 10, "Some text."), fused, 0.5, unit)


def test_the_same_story_by_vector_or_by_headline_is_noted_once() -> None:
    lead = candidate("a", "Lee heads to Nara for a fifth summit", 0.9, [1, 0, 0])
    second = candidate("a", "Lee heads to Nara for a fifth summit", 0.85, [0.5, 0.5, 0], 1)
    third = candidate("a", "Lee heads to Nara for a fifth summit", 0.8, [0, 0, 1], 2)
    rewrite = candidate("b", "Lee heads to Nara for fifth summit", 0.7, [0, 1, 0])  # headline
    copy = candidate("c", "South Korea's leader travels to Japan", 0.6, [0.99, 0.05, 0])  # vector
    other = candidate("d", "Port Halden closes its flood barrier", 0.5, [0, 0.2, 1])
    chosen = _diverse([other, copy, rewrite, third, second, lead], k=5)
    assert [c.passage.chunk_id for c in chosen] == ["a-0", "a-1", "d-0"]  # two of a at most
    assert [r.article_id for r in lead.also] == ["b", "c"]


def test_a_passage_without_a_vector_is_compared_by_headline() -> None:
    lead = candidate("a", "Lee heads to Nara for a fifth summit", 0.9, None)
    rewrite = candidate("b", "Lee heads to Nara for fifth summit", 0.7, [0, 1, 0])
    near = candidate("c", "Another story entirely today", 0.6, [0, 1, 0])
    later = candidate("d", "Yet another story entirely", 0.5, [0, 0.999, 0.01])
    chosen = _diverse([later, near, rewrite, lead], k=5)
    assert [c.passage.chunk_id for c in chosen] == ["a-0", "c-0"]
    assert [r.article_id for r in lead.also] == ["b"] and [
        r.article_id for r in near.also] == ["d"]
