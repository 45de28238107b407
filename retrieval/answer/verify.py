"""The check every citation passes before it reaches a user: the snippet is verbatim."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from retrieval.answer.models import Citation
from retrieval.ports import ArticleSource

log = logging.getLogger(__name__)


def is_verbatim(citation: Citation, article_text: str) -> bool:
    """True when the snippet is exactly the article's text between its offsets."""
    return bool(citation.snippet) and article_text[citation.start : citation.end] == (
        citation.snippet
    )


def verified(citations: Sequence[Citation], store: ArticleSource) -> list[Citation]:
    """The citations whose snippets are verbatim spans of their stored articles."""
    articles = store.get_many(sorted({c.ref.article_id for c in citations}))
    kept = []
    for citation in citations:
        article = articles.get(citation.ref.article_id)
        if article is not None and is_verbatim(citation, article.text):
            kept.append(citation)
        else:
            log.error("dropped a citation that is not verbatim: %s", citation)
    return kept
