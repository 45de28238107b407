"""Small pieces of English that every front end writes the same way."""

from __future__ import annotations


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """``count`` with its noun in the right number: "1 source", "3 sources", "0 sources"."""
    return f"{count} {noun if count == 1 else plural or noun + 's'}"
