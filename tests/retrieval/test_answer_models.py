from datetime import UTC, datetime

from core.models import ArticleRef
from retrieval.answer import Citation, in_reading_order


def test_a_citation_comes_back_whole_from_its_public_json() -> None:
    ref = ArticleRef("a1", "Lee heads to Nara", "Wire", "https://x.example/a",
                     datetime(2026, 1, 12, 9, tzinfo=UTC))
    undated = ArticleRef("b2", "Also", "Other", "", None)
    citation = Citation(2, ref, "The summit is\nscheduled.", 10, 36, (undated,))
    assert Citation.from_dict(citation.to_dict()) == citation
    assert citation.folded == "The summit is scheduled."


def test_citations_in_reading_order_number_another_storys_quote_last() -> None:
    def cited(n: int, article: str, other_story: bool = False) -> Citation:
        ref = ArticleRef(article, f"Story {article}", "Wire", "", None)
        return Citation(n, ref, f"Sentence of {article}.", 0, 15, other_story=other_story)

    # as "More" joins them: the shown quotes (another story's numbered 3), then the further ones
    joined = [cited(1, "a"), cited(2, "b"), cited(3, "c", other_story=True), cited(4, "d"),
              cited(1, "a")]
    ordered = in_reading_order(joined)
    assert [(c.ref.article_id, c.n, c.other_story) for c in ordered] == [
        ("a", 1, False), ("b", 2, False), ("d", 3, False), ("a", 1, False), ("c", 4, True)]
    assert in_reading_order(ordered) == ordered
    assert in_reading_order(joined[:2]) == tuple(joined[:2])  # nothing to move: unchanged
