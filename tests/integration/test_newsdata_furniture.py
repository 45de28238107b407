"""Page furniture out of real news: RealTime QA and the saved pages, read from ../shared."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from ingest.clean import headline_for, normalise_text
from ingest.furniture import strip_furniture
from tests.integration.extraction import (
    PageScore,
    lost_with_furniture,
    score_readability_set,
    score_trafilatura_set,
)
from tests.support.furniture_patterns import count_furniture, is_dateline_or_credit

pytestmark = pytest.mark.newsdata


def test_realtimeqa_keeps_no_furniture_and_no_dateline_headline(newsdata: Path) -> None:
    rows = [json.loads(line) for line in
            (newsdata / "realtimeqa_corpus.jsonl").read_text().splitlines() if line.strip()]
    before = [normalise_text(row["text"]) for row in rows]
    after = [strip_furniture(text) for text in before]
    assert sum(count_furniture(before).values()) > 5_000  # the patterns do see furniture
    assert count_furniture(after) == {}
    assert [strip_furniture(text) for text in after] == after  # cleaning twice changes nothing
    titles = [headline_for(row.get("title") or "", text) for row, text in zip(
        rows, after, strict=True)]
    assert all(titles)
    # one real headline is flagged: "FCA US -- former Chrysler -- earns…" reads as a dateline
    assert [t for t in titles if is_dateline_or_credit(t) and " -- " not in t] == []
    assert 0.03 < 1 - sum(map(len, after)) / sum(map(len, before)) < 0.06


@pytest.mark.parametrize(
    ("folder", "scorer"),
    [("html_trafilatura", score_trafilatura_set), ("html_readability", score_readability_set)],
)
def test_saved_pages_lose_furniture_and_no_body_text(
        newsdata: Path, folder: str, scorer: Callable[..., list[PageScore]]) -> None:
    raw, clean = scorer(newsdata / folder), scorer(newsdata / folder, clean=True)
    for after, before in zip(clean, raw, strict=True):
        # a must-contain snippet goes only when it holds the furniture itself ("KOBE – A…")
        lost = [s for s in after.missing if s not in before.missing]
        assert lost == lost_with_furniture(after, before), after.name
        assert len(after.unwanted) <= len(before.unwanted), after.name
    furniture_before = count_furniture(normalise_text(s.text) for s in raw)
    furniture_after = count_furniture(normalise_text(s.text) for s in clean)
    assert sum(furniture_after.values()) < sum(furniture_before.values())
