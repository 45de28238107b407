"""Tokens and sentences: the lexical side of retrieval and of snippet extraction."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "also",
        "s",
        "t",
        "don",
        "new",
        "said",
        "says",
        "say",
        "according",
        "recently",
        "week",
        "latest",
        "news",
        "today",
        "last",
        "year",
        "years",
        "one",
        "two",
        "first",
        "many",
        "much",
        "may",
        "might",
        "must",
        "shall",
        "us",
        "ago",
        "yesterday",
        "tell",
    ]
)

# Numbers keep their separators ("3,518", "2.5") and are indexed with and without them.
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+(?:['’-][^\W\d_]+)*", re.UNICODE)


def fold(text: str) -> str:
    """Lowercase and strip accents, so "Zürich" matches "zurich"."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=50_000)
def _tokens(text: str) -> tuple[str, ...]:
    return tuple(_tokenize(text))


def tokenize(text: str) -> list[str]:
    """Content tokens for BM25 and overlap scoring: folded, stopwords out, light stemming."""
    return list(_tokens(text))


def _tokenize(text: str) -> list[str]:
    tokens: list[str] = []
    for raw in _TOKEN.findall(fold(text)):
        if raw[0].isdigit():
            tokens.append(raw)
            plain = raw.replace(",", "")
            if plain != raw:
                tokens.append(plain)
            continue
        for part in re.split(r"['’-]", raw):
            if len(part) > 1 and part not in STOPWORDS:
                tokens.append(stem(part))
    return tokens


def stem(word: str) -> str:
    """A deliberately light English stemmer: plural and common verb endings only."""
    for suffix, keep in (
        ("ies", "y"),
        ("sses", "ss"),
        ("ing", ""),
        ("ed", ""),
        ("es", ""),
        ("s", ""),
    ):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                return word
            return word[: len(word) - len(suffix)] + keep
    return word


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
_BOUNDARY = re.compile(r"[.!?]+[\"'”’)\]]*\s+|\n+")


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


def _trimmed(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        yield start, end
