"""The check every citation passes before it reaches a user: the snippet is verbatim."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from retrieval.answer.models import Citation
from retrieval.ports import ArticleSource
from retrieval.quoting import reads_as

log = logging.getLogger(__name__)


def verified(citations: Sequence[Citation], store: ArticleSource) -> list[Citation]:
    """The citations whose snippets are verbatim spans of their stored articles.

    The spans are read back from the database itself, so what is shown is what is stored.
    """
    stored = store.span_texts([(c.ref.article_id, c.start, c.end) for c in citations])
    kept = []
    for citation, text in zip(citations, stored, strict=True):
        if reads_as(citation.snippet, text):
            kept.append(citation)
        else:
            log.error("dropped a citation that is not verbatim: %s", citation)
    return kept
