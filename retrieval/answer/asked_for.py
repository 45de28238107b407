"""What a question asks for (a number, a date, a name) and whether a sentence holds one.

The sentence that answers "how many…", "when…" or "who…" is the one holding a number, a date
or a name the question does not already say; it should lead the answer.
"""

from __future__ import annotations

import re
from enum import Enum

from core.terms import fold


class Asked(Enum):
    """The kind of thing a question asks for."""

    NUMBER = "number"
    DATE = "date"
    NAME = "name"


_RULES: tuple[tuple[Asked, re.Pattern[str]], ...] = (
    (Asked.NUMBER, re.compile(
        r"^\W*how (many|much|old|long|far|big|large|tall|high|often|fast)\b"
        r"|\bwhat (percentage|percent|proportion|number|amount|share|age|price|sum|total)\b",
        re.IGNORECASE)),
    (Asked.DATE, re.compile(
        r"^\W*when\b|\b(what|which) (year|date|day|month|decade|time)\b", re.IGNORECASE)),
    (Asked.NAME, re.compile(r"^\W*(who|whom|whose|which|what|where)\b", re.IGNORECASE)),
)
_NUMBER = re.compile(
    r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"
    r"forty|fifty|hundred|thousand|million|billion|trillion|dozen|half|third|quarter)\b",
    re.IGNORECASE,
)
_DATE = re.compile(
    r"\b(1[89]\d\d|20\d\d)\b|\b(January|February|March|April|May|June|July|August|September|"
    r"October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\b\.?"
    r"|\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|yesterday|today|tonight|"
    r"tomorrow)\b",
)
# A capitalised word that does not open the sentence: names of people, places, things.
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][\w’'-]+")


def asked_for(question: str) -> Asked | None:
    """The kind of answer ``question`` wants, when its wording says so."""
    for kind, rule in _RULES:
        if rule.search(question):
            return kind
    return None


# What the other patterns also match but is no answer of that kind: a year is no count ("the
# 2020 teacher of the year" does not say how many were arrested), a weekday or month no name.
_NOT_A = {Asked.NUMBER: re.compile(r"(1[89]|20)\d\d"), Asked.NAME: _DATE}


def holds_answer(sentence: str, asked: Asked | None, question: str) -> bool:
    """True when ``sentence`` holds a thing of the kind asked for that the question lacks."""
    if asked is None:
        return False
    pattern = {Asked.NUMBER: _NUMBER, Asked.DATE: _DATE, Asked.NAME: _NAME}[asked]
    said = fold(question)
    read_to = 0
    for match in pattern.finditer(sentence):
        if match.start() < read_to:
            continue  # a digit of a number already read whole
        found = match.group(0)
        if asked is Asked.NUMBER and found.isdigit():
            found = _whole_number(sentence, match.start())
        read_to = match.start() + len(found)
        excluded = _NOT_A.get(asked)
        if excluded is not None and excluded.fullmatch(found):
            continue
        if asked is Asked.DATE and _PAST.search(sentence[:match.start()]) and _AHEAD.search(
                question):
            continue  # "when is the summit?" is not answered by "since he took office last June"
        if not re.search(rf"\b{re.escape(fold(found))}\b", said):
            return True
    return False


# A question about what is ahead, and a date the sentence puts in the past.
_AHEAD = re.compile(r"^\W*when (is|are|will|does|do)\b", re.IGNORECASE)
_PAST = re.compile(r"\b(last|since|earlier|ago)\s+(?:\w+\s+)?$", re.IGNORECASE)
_WHOLE_NUMBER = re.compile(r"\d[\d,.]*\d|\d")


def _whole_number(sentence: str, start: int) -> str:
    """The number that begins at ``start`` ("2020", "3,518", "4.5"), not its first digit."""
    match = _WHOLE_NUMBER.match(sentence, start)
    return match.group(0) if match else sentence[start]
