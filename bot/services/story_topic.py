"""The topic "Follow this story" subscribes to: the key names of a story's headline.

A capitalised headline word is a name unless capitalisation proves nothing there: at the start
of the headline, or in a headline that capitalises (almost) every word. Such a word is a name
only if the article itself writes it capitalised mid-sentence more often than in lower case
("Lee heads to Nara" is about Lee; "Cold weather fails" is not about Cold). Adjacent names form
one ("Port Halden"); nationality adjectives ("a Japanese leader") count only when nothing else
does. A headline without names falls back to its phrase the article repeats most ("the winter
marathon", "central bank"), else to its words the article repeats most.
"""

from __future__ import annotations

import re
from collections import Counter

from core.terms import STOPWORDS

MAX_NAMES = 3
MAX_WORDS = 4
FALLBACK_WORDS = 3
TITLE_CASE_SHARE = 0.8  # this share of a headline's words capitalised: title case, no evidence
_WORD = re.compile(r"\w(?:[\w'’.&-]*\w)?")
_POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)
_DEMONYM = re.compile(r"(?:ese|ian|ean|ish|ican)$")
_SENTENCE_END = ".!?:;\n"


def story_topic(title: str, text: str = "") -> str:
    """A few words naming the story (``"Lee and Nara"``); "" when the headline has no words."""
    words = _words(title)
    if not words:
        return ""
    capitalised = [w for w, _ in words if _capitalised(w)]
    title_case = len(words) >= 3 and len(capitalised) >= TITLE_CASE_SHARE * len(words)
    sentence_case = not title_case and not title.isupper()
    names: list[list[str]] = []
    previous_end = -1
    for index, (word, (start, end)) in enumerate(words):
        bare = _POSSESSIVE.sub("", word)
        trusted = index > 0 and sentence_case
        after = words[index + 1][0] if index + 1 < len(words) else ""
        followed = (bare == word and _proper(after)
                    and title[end:words[index + 1][1][0]].strip() == "")
        is_name = _proper(bare) and (
            trusted or _acronym(bare, title) or _named_in(bare, text)
            # "Port Halden closes…": a capitalised word before a name starts the name
            or (followed and ((index == 0 and sentence_case)
                              or _named_in(f"{bare} {after}", text))))
        joined = bool(names) and previous_end >= 0 and not title[previous_end:start].strip()
        if is_name and joined:
            names[-1].append(bare)
        elif is_name:
            names.append([bare])
        # a possessive or punctuation ends a name: "Lee's Nara trip" is two names
        previous_end = end if is_name and bare == word else -1
    chosen = _pick([" ".join(n) for n in names])
    if chosen:
        return _joined(chosen)
    return _repeated_phrase(words, title, text) or " ".join(_repeated_words(words, text))


def _words(title: str) -> list[tuple[str, tuple[int, int]]]:
    return [(m.group(), m.span()) for m in _WORD.finditer(title)]


def _capitalised(word: str) -> bool:
    return word[:1].isupper()


def _proper(word: str) -> bool:
    """Capitalised and not a function word ("The", "Why")."""
    return _capitalised(word) and word.lower() not in STOPWORDS


def _acronym(word: str, title: str) -> bool:
    """"EU", "NATO": all capitals in a headline that is not all capitals."""
    return len(word) >= 2 and word.isupper() and not title.isupper()


def _named_in(word: str, text: str) -> bool:
    """The article writes ``word`` capitalised mid-sentence more often than in lower case."""
    capitalised = lower = 0
    for match in re.finditer(rf"(?<![\w-]){re.escape(word)}(?![\w]|-\w)", text, re.IGNORECASE):
        if not _capitalised(match.group()):
            lower += 1
        elif not _starts_sentence(text, match.start()):
            capitalised += 1
    return capitalised > lower


def _starts_sentence(text: str, at: int) -> bool:
    before = text[:at].rstrip(" \t\"“‘'([")
    return not before or before[-1] in _SENTENCE_END


def _pick(names: list[str]) -> list[str]:
    """Up to MAX_NAMES distinct names, MAX_WORDS words in all, in headline order; nationality
    adjectives only when there is nothing else."""
    distinct = list(dict.fromkeys(names))
    proper = [n for n in distinct if " " in n or not _DEMONYM.search(n.lower())]
    chosen: list[str] = []
    for name in proper or distinct:
        if len(chosen) < MAX_NAMES and len(" ".join([*chosen, name]).split()) <= MAX_WORDS:
            chosen.append(name)
    return chosen


def _joined(names: list[str]) -> str:
    """"A", "A and B", "A, B and C": not one capitalised run, which would read as one name."""
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


def _repeated_phrase(words: list[tuple[str, tuple[int, int]]], title: str, text: str) -> str:
    """The headline's run of two or three content words the article writes together most often
    (at least once): a phrase reads as a topic, a bag of words does not."""
    runs: list[list[str]] = [[]]
    for index, (word, (start, _)) in enumerate(words):
        gap = title[words[index - 1][1][1]:start] if index else ""
        content = word.lower() not in STOPWORDS and any(c.isalpha() for c in word)
        if not content or gap.strip(" -"):
            runs.append([])
        if content:
            runs[-1].append(word.lower())
    best, best_key = "", (0, 3)  # written together at least once
    for run in runs:
        for size in (3, 2):
            for first in range(len(run) - size + 1):
                phrase = " ".join(run[first:first + size])
                count = len(re.findall(rf"(?<!\w){re.escape(phrase)}(?!\w)", text.lower()))
                if (count, size) > best_key:
                    best, best_key = phrase, (count, size)
    return best


def _repeated_words(words: list[tuple[str, tuple[int, int]]], text: str) -> list[str]:
    """The headline's content words the article repeats most, in headline order."""
    content = list(dict.fromkeys(w.lower() for w, _ in words
                                 if len(w) > 2 and w.lower() not in STOPWORDS
                                 and any(c.isalpha() for c in w)))
    if not content:
        return [w.lower() for w, _ in words[:MAX_WORDS]]
    counts = Counter(w.lower() for w in _WORD.findall(text))
    top = set(sorted(content, key=lambda w: -counts[w])[:FALLBACK_WORDS])  # ties: headline order
    return [w for w in content if w in top]
