"""Cited answers: verbatim snippets with numbered sources, optionally rewritten by an LLM."""

from retrieval.answer.models import (
    CLOSEST,
    NOT_FOUND,
    OTHER_STORY,
    Answer,
    Citation,
    Turn,
    in_reading_order,
)

__all__ = ["CLOSEST", "NOT_FOUND", "OTHER_STORY", "Answer", "Citation", "Turn",
           "in_reading_order"]
