"""Terms: how text becomes the words that lexical search counts.

Shared by storage (which keeps each chunk's terms for BM25) and retrieval (which scores
questions and sentences with them). Changing what ``tokenize`` returns changes what is stored:
ship it with a migration that rebuilds the ``chunk_terms`` table.
"""

from __future__ import annotations

import re
import unicodedata
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
