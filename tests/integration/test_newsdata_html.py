"""Page extraction on real saved news pages: at least 90% must come out right."""

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.integration.extraction import (
    PageScore,
    score_readability_set,
    score_trafilatura_set,
)

pytestmark = pytest.mark.newsdata


@pytest.mark.parametrize(
    ("folder", "scorer"),
    [("html_trafilatura", score_trafilatura_set), ("html_readability", score_readability_set)],
)
def test_extraction_finds_expected_text_and_titles(
    newsdata: Path, folder: str,
    scorer: Callable[[Path], list[PageScore]],
) -> None:
    scores = scorer(newsdata / folder)
    passed = sum(s.ok for s in scores)
    rate = passed / len(scores)
    print(f"\n{folder}: {passed}/{len(scores)} pages = {rate:.1%}")
    for score in scores:
        if not score.ok:
            print(f"  miss {score.name}: {score.missing[:2]}")
    assert len(scores) >= 30
    assert rate >= 0.90
