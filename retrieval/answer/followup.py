"""Follow-up questions: "and the seafood ban?" stays on the story the chat is about."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from core.models import QuotedSpan, Turn
from core.terms import tokenize

_FOLLOW_UP = re.compile(
    r"^\s*(and|but|also|so|then|what about|how about|what of|any more|more on)\b"
    r"|\b(it|its|they|them|their|he|him|his|she|her|this|that|these|those|there)\b",
    re.IGNORECASE,
)


# A question of its own ("What did the marathon winner do?"), not a fragment ("any damage?")
_WHOLE_QUESTION = re.compile(
    r"^\s*(what|who|whom|whose|when|where|which|why|how|did|does|do|is|are|was|were|has|have|"
    r"can|could|will|would|should)\b", re.IGNORECASE)


@dataclass(frozen=True)
class QueryContext:
    """What to search for, and which articles the conversation is about."""

    query: str
    prefer_articles: tuple[str, ...] = ()
    context_terms: frozenset[str] = frozenset()
    shown: tuple[QuotedSpan, ...] = ()  # what the previous answer quoted: a follow-up moves on
    # a whole question taken as a follow-up only for being short ("who won the marathon?"):
    # it stands alone after all when the conversation's story does not hold its words
    short_only: bool = False


def is_follow_up(question: str) -> bool:
    """True for questions that lean on the previous one (short, or with 'and', 'it', ...)."""
    return _leans_on_previous(question) or len(tokenize(question)) <= 2


def _leans_on_previous(question: str) -> bool:
    return bool(_FOLLOW_UP.search(question))


def query_context(question: str, history: Sequence[Turn]) -> QueryContext:
    """Fold the previous question into a follow-up's search; standalone questions stand alone."""
    if not history or not is_follow_up(question):
        return QueryContext(question)
    last = history[-1]
    extra = frozenset(tokenize(last.question)) - frozenset(tokenize(question))
    return QueryContext(f"{last.question} {question}", last.article_ids, extra, last.quoted,
                        short_only=not _leans_on_previous(question)
                        and bool(_WHOLE_QUESTION.match(question)))
