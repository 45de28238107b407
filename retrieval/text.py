"""Sentences: where quotes start and end; headlines: when two name one story (terms live in
core.terms)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "sen",
        "rep",
        "gov",
        "gen",
        "st",
        "jr",
        "sr",
        "inc",
        "corp",
        "ltd",
        "co",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "no",
        "vs",
        "etc",
        "u.s",
        "u.k",
        "e.g",
        "i.e",
        "a.m",
        "p.m",
    ]
)
# Latin-style stops need a space after them; CJK full stops and the danda need none. Two
# sentences a page glued together ("…led investigators to Crimo.Lake County Coroner…") part at
# the stop between a lower-case word and a capitalised one (not in "www.Example", "St.Louis")
_BOUNDARY = re.compile(r"[.!?؟]+[\"'”’)\]]*\s+|[。！？।]+[」』”’）)]*\s*|\n+"
                       r"|(?<=[a-z]{2}[.!?])(?<!www\.)(?=[A-Z][a-z])")


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int]]:
    """(start, end) offsets of the sentences of ``text[start:end]``, trimmed of whitespace."""
    end = len(text) if end is None else end
    cursor = start
    for match in _BOUNDARY.finditer(text, start, end):
        stop = match.end()
        word = text[cursor : match.start()].rsplit(None, 1)[-1:] or [""]
        last = word[0].lower().rstrip(".")
        following = text[stop : stop + 1]
        if "\n" not in match.group() and (
            last in _ABBREVIATIONS
            or (len(last) == 1 and last.isalpha())
            or (following and following.islower())
        ):
            continue
        yield from _trimmed(text, cursor, stop)
        cursor = stop
    yield from _trimmed(text, cursor, end)


@lru_cache(maxsize=64)
def spans_of(text: str) -> tuple[tuple[int, int], ...]:
    """``sentence_spans`` of a whole text, kept for the few texts an answer reads again and
    again (each passage is split to score it, to find its headings and to quote it)."""
    return tuple(sentence_spans(text))


def _trimmed(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        yield start, end


SAME_HEADLINE_OVERLAP = 0.8
_WORDS = re.compile(r"\w+")


def same_headline(a: str, b: str) -> bool:
    """Headline ``a`` (of four words or more) shares almost all its words with ``b``."""
    return same_headline_words(headline_words(a), headline_words(b))


def same_headline_words(words_a: frozenset[str], words_b: frozenset[str]) -> bool:
    """``same_headline`` of two headlines' ``headline_words``."""
    return len(words_a) >= 4 and len(words_a & words_b) / len(words_a | words_b) >= (
        SAME_HEADLINE_OVERLAP)


@lru_cache(maxsize=4096)
def headline_words(title: str) -> frozenset[str]:
    """The lower-cased words of a headline, as ``same_headline`` compares them."""
    # every pair of candidates compares them, and a headline recurs across pairs
    return frozenset(_WORDS.findall(title.lower()))
