"""Cited answers: verbatim snippets with numbered sources, optionally rewritten by an LLM."""

from retrieval.answer.models import Answer, Citation, Turn

__all__ = ["Answer", "Citation", "Turn"]
