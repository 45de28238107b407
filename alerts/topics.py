"""A topic as a user writes it: quoted phrases must appear, -words exclude, the rest is meaning.

``/subscribe "Lee Jae-myung" -football`` is the phrase "Lee Jae-myung", the exclusion
"football" and no meaning part; ``/subscribe Nara summit`` is all meaning.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from core.errors import SubscriptionError
from core.terms import fold, holds_phrase, tokenize
from ingest.clean import normalise_text

MAX_TOPIC_CHARS = 120
MAX_PHRASES = 5
MAX_EXCLUSIONS = 10
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"'})
_PART = re.compile(r'(-?)"([^"]*)"|(\S+)')
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Topic:
    """A parsed topic; ``text`` is its canonical spelling, shown to users and unique per chat."""

    text: str
    meaning: str  # the words matched by meaning ("" when the topic is only phrases)
    phrases: tuple[str, ...]
    excluded: tuple[str, ...]

    @property
    def key(self) -> str:
        """What makes two spellings the same topic ("Nara  Summit" = "nara summit")."""
        return fold(self.text)

    @property
    def query(self) -> str:
        """The text whose meaning is matched: the meaning words and the phrases."""
        return " ".join([*self.phrases, self.meaning]).strip()

    @property
    def quotable_name(self) -> str | None:
        """The topic when it is a name of two or more words matched by meaning alone
        ("Australian Open"): quoted, it would alert on every story that names it.

        Matching by meaning misses many reports that name an event only in passing (a match
        report leading with its players); quoting the name finds them, with more stories that
        merely mention it (docs/benchmarks.md)."""
        if self.phrases or self.excluded or len(self.meaning.split()) < 2:
            return None
        return self.meaning if looks_like_name(self.meaning) else None

    def names(self, text: str) -> bool:
        """``text`` names this topic's name (``quotable_name``) as whole words."""
        if self.quotable_name is None:
            return False
        return _contains_words(_SPACE.sub(" ", fold(text)), fold(self.quotable_name))

    def admits(self, text: str) -> bool:
        """Every phrase appears in ``text`` and no excluded word does (case and accents aside)."""
        if not self.phrases and not self.excluded:
            return True
        folded = _SPACE.sub(" ", fold(text))
        if not all(_contains_words(folded, fold(p)) for p in self.phrases):
            return False
        if not self.excluded:
            return True
        terms = set(tokenize(text))
        return not any(_excludes(word, folded, terms) for word in self.excluded)


def parse_topic(raw: str) -> Topic:
    """Parse what followed /subscribe; SubscriptionError says what is wrong with it."""
    # cleaned like headlines: a topic is echoed to the chat (a group's members too) and into
    # every alert, so bidi overrides, invisible characters and NULs go
    text = _SPACE.sub(" ", normalise_text(raw).translate(_QUOTES)).strip()
    if not text:
        raise SubscriptionError(
            'Tell me the topic, e.g. /subscribe Nara summit or /subscribe "Lee Jae-myung" '
            "-football")
    if len(text) > MAX_TOPIC_CHARS:
        raise SubscriptionError(
            f"That topic is {len(text)} characters long; keep it under {MAX_TOPIC_CHARS}: a "
            "few words or a quoted name work best.")
    if text.count('"') % 2:
        raise SubscriptionError('A quote is not closed: write phrases as "like this".')
    phrases: list[str] = []
    excluded: list[str] = []
    words: list[str] = []
    for match in _PART.finditer(text):
        minus, quoted, word = match.groups()
        if quoted is not None:
            quoted = quoted.strip()
            if quoted:
                (excluded if minus else phrases).append(quoted)
        elif word.startswith("-") and len(word) > 1:
            excluded.append(word[1:])
        elif word != "-":
            words.append(word)
    if len(phrases) > MAX_PHRASES or len(excluded) > MAX_EXCLUSIONS:
        raise SubscriptionError(
            f"Use at most {MAX_PHRASES} quoted phrases and {MAX_EXCLUSIONS} -exclusions.")
    meaning = " ".join(words)
    if not phrases and not tokenize(meaning):
        raise SubscriptionError(
            "That topic has nothing to look for: add a word or a quoted phrase besides the "
            "-exclusions.")
    canonical = " ".join([*(f'"{p}"' for p in phrases), *words,
                          *(f'-"{w}"' if " " in w else f"-{w}" for w in excluded)])
    return Topic(canonical, meaning, tuple(phrases), tuple(excluded))


def looks_like_name(text: str) -> bool:
    """Every word capitalised or a number: "Australian Open", "Band Aid 20", not "oil prices"."""
    words = text.split()
    return bool(words) and all(w[:1].isupper() or w[:1].isdigit() for w in words)


NAME_SHARE = 0.8  # of a phrase's occurrences written as a name, for it to be one
NAME_OCCURRENCES = 2  # fewer say nothing about how the news writes it


def archive_spelling(meaning: str, texts: Iterable[str]) -> str | None:
    """How the news writes a topic typed in lower case when it is a name: the capitalised
    spelling most of its occurrences in ``texts`` use ("thierry henry" → "Thierry Henry"),
    or None when it is not written as a name ("software patents")."""
    words = meaning.split()
    if len(words) < 2 or looks_like_name(meaning):
        return None
    pattern = re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, words)) + r"(?!\w)",
                         re.IGNORECASE)
    found = [" ".join(m.group().split()) for text in texts for m in pattern.finditer(text)]
    named = [f for f in found if looks_like_name(f)]
    if len(found) < NAME_OCCURRENCES or len(named) < NAME_SHARE * len(found):
        return None
    return Counter(named).most_common(1)[0][0]


def _contains_words(folded_text: str, folded_phrase: str) -> bool:
    """The phrase as whole words: "Nara" is not found in "Naraya"."""
    return holds_phrase(folded_text, _SPACE.sub(" ", folded_phrase).strip())


def _excludes(word: str, folded_text: str, terms: set[str]) -> bool:
    """An exclusion hits as a phrase, or as a word in any inflection ("-football"
    excludes "footballs" too)."""
    if " " in word:
        return _contains_words(folded_text, fold(word))
    stems = tokenize(word)
    if stems and all(s in terms for s in stems):
        return True
    return _contains_words(folded_text, fold(word))
