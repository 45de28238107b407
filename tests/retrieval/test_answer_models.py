from datetime import UTC, datetime

from core.models import ArticleRef
from retrieval.answer import Citation


def test_a_citation_comes_back_whole_from_its_public_json() -> None:
    ref = ArticleRef("a1", "Lee heads to Nara", "Wire", "https://x.example/a",
                     datetime(2026, 1, 12, 9, tzinfo=UTC))
    undated = ArticleRef("b2", "Also", "Other", "", None)
    citation = Citation(2, ref, "The summit is\nscheduled.", 10, 36, (undated,))
    assert Citation.from_dict(citation.to_dict()) == citation
    assert citation.folded == "The summit is scheduled."
