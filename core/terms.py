"""Terms: how text becomes the words that lexical search counts.

Shared by storage (which keeps each chunk's terms for BM25) and retrieval (which scores
questions and sentences with them). Changing what ``tokenize`` returns changes what is stored:
ship it with a migration that recomputes ``chunks.terms`` (as 0005 did).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache

from core.word_forms import PLACE_FORMS, PLACE_NAMES

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

# Han, kana and Hangul: text with no spaces between words (Korean puts particles on words).
# Runs of them are indexed as overlapping character pairs, as Lucene's CJK analyser does.
_CJK = (
    "\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u31f0-\u31ff\u3400-\u4dbf"
    "\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f"
)
# Latin, Greek, Hebrew and Arabic write accents and vowel points optionally: they are folded
# away. Elsewhere marks are parts of letters (Cyrillic й is not и, Indic vowel signs, kana
# voicing marks) and are kept.
_CJK_RUN = re.compile(f"[{_CJK}]+")
_CJK_FIRST = _CJK[0]  # below it no character is CJK: most tokens skip the pattern


@lru_cache(maxsize=1)
def _marks() -> str:
    """Every combining mark of the Basic Multilingual Plane, escaped for a character class."""
    return "".join(
        re.escape(chr(c)) for c in range(0x0300, 0x10000)
        if unicodedata.category(chr(c)).startswith("M")
    )


@lru_cache(maxsize=1)
def _foldable_marks() -> re.Pattern[str]:
    """Marks after a Latin, Greek, Hebrew or Arabic letter: the ones ``fold`` removes."""
    return re.compile(f"(?<=[\\x00-\\u03ff\\u0590-\\u08ff])[{_marks()}]+")


@lru_cache(maxsize=1)
def _token_pattern() -> re.Pattern[str]:
    """Numbers keep their separators ("3,518", "2.5"); words keep their marks and apostrophes."""
    letter = f"(?:[^\\W\\d_{_CJK}]|[{_marks()}])"
    return re.compile(
        f"[{_CJK}]+|\\d+(?:[.,]\\d+)*|{letter}+(?:['’-]{letter}+)*", re.UNICODE
    )


def fold(text: str) -> str:
    """Lowercase and strip accents ("Zürich" matches "zurich") without changing letters.

    Kana keep their voicing marks (が is not か), Hangul stays in syllables, Indic vowel signs
    stay: only the marks of scripts that write them optionally are removed.
    """
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text).lower()
    return unicodedata.normalize("NFC", _foldable_marks().sub("", decomposed))


def holds_word(text: str, word: str) -> bool:
    """``word`` in ``text`` between word boundaries, as re's ``\\bword\\b`` finds it."""
    if not word:
        return re.search(r"\b", text) is not None
    at = text.find(word)
    while at != -1:
        stop = at + len(word)
        if (_is_word_char(text, at - 1) != _is_word_char(text, at)
                and _is_word_char(text, stop - 1) != _is_word_char(text, stop)):
            return True
        at = text.find(word, at + 1)
    return False


def holds_phrase(text: str, phrase: str) -> bool:
    """``phrase`` in ``text`` as whole words, not inside a longer word ("Nara" is not in
    "Naraya"): re's ``(?<!\\w)phrase(?!\\w)``."""
    at = text.find(phrase)
    while at != -1:
        if not _is_word_char(text, at - 1) and not _is_word_char(text, at + len(phrase)):
            return True
        at = text.find(phrase, at + 1)
    return False


# Names, numbers and phrases are looked for in many texts, each a new string: a pattern
# compiled for each would overflow the re module's cache (512) and compile again every time,
# so the boundaries are read directly.
def _is_word_char(text: str, index: int) -> bool:
    return 0 <= index < len(text) and (text[index].isalnum() or text[index] == "_")


@lru_cache(maxsize=50_000)
def _tokens(text: str) -> tuple[str, ...]:
    return tuple(_tokenize(text))


def tokenize(text: str) -> list[str]:
    """Content tokens for BM25 and overlap scoring: folded, stopwords out, light stemming."""
    return list(_tokens(text))


def word_list_terms(words: Iterable[str]) -> Iterator[list[str]]:
    """``tokenize`` of each word of a long word list, without passing it through the caches
    that serve articles and questions (a list of 100,000 words would evict them all)."""
    plain_stem = stem.__wrapped__
    for word in words:
        if word.isascii() and word.isalpha():  # one token, folded by lowercasing alone
            lowered = word.lower()
            keep = len(lowered) > 1 and lowered not in STOPWORDS
            yield [plain_stem(lowered)] if keep else []
        else:
            yield _tokenize(word)


def chunk_terms(title: str, text: str) -> str:
    """What lexical search indexes for a chunk, stored with it: the terms of its headline, then
    those of its text (``text_terms`` reads the text's back), space-separated."""
    return " ".join(tokenize(f"{title}\n{text}"))


def text_terms(title: str, text: str, stored: str = "") -> Sequence[str]:
    """``tokenize(text)``, read off a chunk's ``stored`` terms (``chunk_terms``) where they can
    be, so a question tokenizes only its own words, not every passage it reads. Stored terms
    written under another headline, or none, fall back to tokenizing."""
    if stored:
        head = _tokens(title)
        words = stored.split()
        if tuple(words[: len(head)]) == head:
            return words[len(head):]
    return _tokens(text)


@lru_cache(maxsize=10_000)
def _place_tokens(text: str) -> tuple[str, ...]:
    return tuple(_tokenize(text, places=True))


def with_places(text: str) -> list[str]:
    """``tokenize``, and after each adjective, demonym or other name of a place the place
    itself (core.word_forms): "a Japanese leader" also holds "japan".

    One way only: a topic about Japan meets a headline saying "Japanese", but the topic
    "Japanese economy" does not take every story naming Japan for one about its economy. Only
    alert matching reads headlines and leads this way: in search, the places moved answers a
    little (docs/benchmarks.md, "Word forms")."""
    return list(_place_tokens(text))


def _tokenize(text: str, places: bool = False) -> list[str]:
    tokens: list[str] = []
    place_of = _places() if places else None
    for raw in _token_pattern().findall(fold(text)):
        first = raw[0]
        if first >= _CJK_FIRST and _CJK_RUN.fullmatch(raw):
            tokens.extend(_character_pairs(raw))
        elif first.isdigit():
            tokens.append(raw)
            plain = raw.replace(",", "")
            if plain != raw:
                tokens.append(plain)
        else:
            # most words have no apostrophe or hyphen: skip the split for them
            joined = "'" in raw or "’" in raw or "-" in raw
            for part in _JOINERS.split(raw) if joined else (raw,):
                if len(part) > 1 and part not in STOPWORDS:
                    term = stem(part)
                    tokens.append(term)
                    if place_of is not None:
                        place = place_of.get(part)
                        if place is not None and place != term:
                            tokens.append(place)
    return tokens


_JOINERS = re.compile(r"['’-]")


def _character_pairs(run: str) -> list[str]:
    """東京市場 → 東京, 京市, 市場; a lone character stands for itself."""
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


@lru_cache(maxsize=1)
def _places() -> dict[str, str]:
    """Each adjective, demonym and other name of a place (core.word_forms), and their plurals,
    to the place's own term (looked up before stemming)."""
    pairs = [(f, p) for p, forms in PLACE_FORMS.items() for f in forms]
    found: dict[str, str] = {}
    for form, place in [*pairs, *PLACE_NAMES.items()]:
        found[form] = stem(place)  # the place as ``tokenize`` writes it
        if not form.endswith(("s", "sh", "ch", "ese")):
            found[f"{form}s"] = stem(place)
    return found


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """A deliberately light English stemmer: plural and common verb endings only.

    Snowball (Porter2) was measured beside it and not taken: it conflates more ("nominated"
    with "nominations") and cost alert precision (docs/benchmarks.md, "Word forms")."""
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
            if suffix == "es" and not word.endswith(_SIBILANT_PLURALS):
                continue  # "prices", "hurricanes": the singular ends in e; only the s goes
            return word[: len(word) - len(suffix)] + keep
    return word


# Plurals that add "es" to a word ending in a hiss ("boxes", "churches", "wishes", "quizzes");
# any other "-es" is a word ending in e plus "s" ("prices", "hurricanes", "cases")
_SIBILANT_PLURALS = ("ches", "shes", "xes", "zzes")
