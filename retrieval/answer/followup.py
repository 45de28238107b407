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


@dataclass(frozen=True)
class QueryContext:
    """What to search for, and which articles the conversation is about."""

    query: str
    prefer_articles: tuple[str, ...] = ()
    context_terms: frozenset[str] = frozenset()
    shown: tuple[QuotedSpan, ...] = ()  # what the previous answer quoted: a follow-up moves on


def is_follow_up(question: str) -> bool:
    """True for questions that lean on the previous one (short, or with 'and', 'it', ...)."""
    return bool(_FOLLOW_UP.search(question)) or len(tokenize(question)) <= 2


def query_context(question: str, history: Sequence[Turn]) -> QueryContext:
    """Fold the previous question into a follow-up's search; standalone questions stand alone."""
    if not history or not is_follow_up(question):
        return QueryContext(question)
    last = history[-1]
    extra = frozenset(tokenize(last.question)) - frozenset(tokenize(question))
    return QueryContext(f"{last.question} {question}", last.article_ids, extra, last.quoted)
