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


def holds_answer(sentence: str, asked: Asked | None, question: str) -> bool:
    """True when ``sentence`` holds a thing of the kind asked for that the question lacks."""
    if asked is None:
        return False
    pattern = {Asked.NUMBER: _NUMBER, Asked.DATE: _DATE, Asked.NAME: _NAME}[asked]
    said = fold(question)
    return any(not re.search(rf"\b{re.escape(fold(found.group(0)))}\b", said)
               for found in pattern.finditer(sentence))
