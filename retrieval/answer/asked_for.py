"""What a question asks for (a number, a date, a name) and whether a sentence holds one.

The sentence that answers "how many…", "when…" or "who…" is the one holding a number, a date
or a name the question does not already say; it should lead the answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import Enum
from functools import cache, lru_cache
from itertools import pairwise

from core.terms import STOPWORDS, fold, holds_phrase, holds_word, tokenize
from core.word_forms import PLACE_FORMS, PLACE_NAMES, US_STATES


class Asked(Enum):
    """The kind of thing a question asks for."""

    NUMBER = "number"
    DATE = "date"
    NAME = "name"


# The asking words may come after a clause ("Approximately how many…", "… met the first lady of
# which country?"): only "when", "who" and "what" must open the question, where elsewhere they
# are as often relative words ("the day when…") or part of a statement.
_RULES: tuple[tuple[Asked, re.Pattern[str]], ...] = (
    (Asked.NUMBER, re.compile(
        r"\bhow (many|much|old|long|far|big|large|tall|high|often|fast)\b"
        r"|\bwhat (percentage|percent|proportion|number|amount|share|age|price|sum|total)\b",
        re.IGNORECASE)),
    (Asked.DATE, re.compile(
        r"^\W*when\b|\bhow soon\b|\b(what|which) (year|date|day|month|decade|time)\b",
        re.IGNORECASE)),
    (Asked.NAME, re.compile(
        r"^\W*(who|whom|whose|which|what|where)\b|\b(which|whom|whose)\b"
        r"|\b(of|in|to|from|at|for|by|on|with|into) what\b", re.IGNORECASE)),
)
# Each month's names, the full one last: one list for every pattern and for reading a day.
_MONTH_NAMES = (
    ("Jan", "January"), ("Feb", "February"), ("Mar", "March"), ("Apr", "April"), ("May",),
    ("Jun", "June"), ("Jul", "July"), ("Aug", "August"), ("Sep", "Sept", "September"),
    ("Oct", "October"), ("Nov", "November"), ("Dec", "December"))
_MONTH_NUMBER = {name.lower(): n for n, names in enumerate(_MONTH_NAMES, start=1)
                 for name in names}
_MONTHS = "(?:" + "|".join(name for names in _MONTH_NAMES for name in names) + ")"
_FULL_MONTHS = "(?:" + "|".join(names[-1] for names in _MONTH_NAMES) + ")"
_YEAR = re.compile(r"\b(?:1[89]\d\d|20\d\d)\b")
_NUMBER = re.compile(
    r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"
    r"forty|fifty|hundred|thousand|million|billion|trillion|dozen|half|third|quarter)\b",
    re.IGNORECASE,
)
_DATE = re.compile(
    rf"{_YEAR.pattern}|\b{_MONTHS}\b\.?"
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
_NOT_A = {Asked.NUMBER: _YEAR, Asked.NAME: _DATE}


def holds_answer(sentence: str, asked: Asked | None, question: str) -> bool:
    """True when ``sentence`` holds a thing of the kind asked for that the question lacks."""
    if asked is None:
        return False
    pattern = {Asked.NUMBER: _NUMBER, Asked.DATE: _DATE, Asked.NAME: _NAME}[asked]
    said = _folded(question)
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
        if not holds_word(said, fold(found)):
            return True
    return False


@lru_cache(maxsize=64)
def _folded(question: str) -> str:
    """``fold(question)``, once per question: every sentence of an answer's pool asks for it."""
    return fold(question)


# A question about what is ahead, and a date the sentence puts in the past.
_AHEAD = re.compile(r"^\W*when (is|are|will|does|do)\b", re.IGNORECASE)
_PAST = re.compile(r"\b(last|since|earlier|ago)\s+(?:\w+\s+)?$", re.IGNORECASE)
_WHOLE_NUMBER = re.compile(r"\d[\d,.]*\d|\d")


def _whole_number(sentence: str, start: int) -> str:
    """The number that begins at ``start`` ("2020", "3,518", "4.5"), not its first digit."""
    match = _WHOLE_NUMBER.match(sentence, start)
    return match.group(0) if match else sentence[start]


# What the question asks for, precisely enough that a sentence holding it is very likely the
# answer: a count of the very things it counts, an amount, a share, an age, a month or year, a
# country or state, a person's full name. ``holds_answer`` is the loose kind (any number, any
# capitalised word); this one may weigh more.
_COUNTED = re.compile(
    r"\bhow many ((?:[\w’'-]+ ){0,3}?[\w’'-]+?)(?= (?:are|were|is|was|do|does|did|have|has|had|"
    r"will|would|could|can|should|might|may|in|of|to|at|on|for|since|from|per|this|that|"
    r"these|those|so|already|still)\b|\W*$|\?)", re.IGNORECASE)
# A count: whole numbers ("220,000", "six"), a decimal only before a multiplier ("2.5 million";
# "versions 1.0 through 4.0" count nothing)
_COUNT = re.compile(
    r"(?<![\w.,])(?:\d+(?:\.\d+)?(?=[ -](?:million|billion|thousand|hundred))"
    r"|\d{1,3}(?:,\d{3})+(?![.\d])|\d+(?![.,]?\d)|one|two|three|four|five|six|seven|eight|nine|"
    r"ten|eleven|twelve|twenty|thirty|forty|fifty)\b(?:[ -](?:million|billion|thousand|"
    r"hundred))?", re.IGNORECASE)
_AMOUNT = re.compile(
    r"[$€£¥]\s?\d[\d,.]*(?:\s?(?:million|billion|trillion|[mbk]n?)\b)?"
    r"|\b\d[\d,.]*\s?(?:%|percent\b|per cent\b|euros?\b|dollars?\b|pounds?\b|yen\b|yuan\b|"
    r"rupees?\b|(?:million|billion|trillion) (?:euros|dollars|pounds|yen|yuan)\b)", re.IGNORECASE)
_SHARE = re.compile(
    r"\b\d[\d,.]*\s?(?:%|percent\b|per cent\b)|\b(?:half|a third|two-thirds|a quarter|"
    r"three-quarters|one in \w+)\b", re.IGNORECASE)
_AGE = re.compile(
    r"\b\d{1,3}-year-old\b|\baged? \d{1,3}\b|\b\d{1,3} years old\b|\bage of \d{1,3}\b"
    r"|\b(?:was|is) \d{1,3}(?=[.,;]| when\b)"  # "She was 96."
    r"|\b[A-Z][\w’'-]+, \d{1,3},")  # "Inhofe, 87, said"
_MONTH = re.compile(rf"\b{_FULL_MONTHS}\b")
# "When…?" is answered by a date: "October 18", "Oct. 18", "next month" (not a weekday: "on
# Saturday" is as often last week's attempt as the next one)
_DAY = re.compile(
    rf"\b{_MONTHS}\.? \d{{1,2}}\b|\b{_MONTHS} (?:19|20)\d\d\b"
    r"|\b(?:next|this) (?:week|month|year)\b")
_FULL_NAME = re.compile(r"\b[A-Z][\w’'-]+(?: (?:[A-Z]\.|[A-Z][\w’'-]+))+")
# "Which holiday…?" is answered by a holiday's name: one of the calendar's ("Diwali"), a name
# ending in Day or Eve ("India's Independence Day"), "the Day of the Dead", or a name that
# "holiday" or "festival" follows ("the Día de los Muertos holiday")
_NAMED_WORDS = r"[A-Z][\w’'-]+(?: (?:[A-Z][\w’'-]+|de|del|la|las|los|of|the))*"
_HOLIDAY = re.compile(
    r"\b(?:Christmas|Easter|Halloween|Thanksgiving|Hanukkah|Diwali|Holi|Ramadan|Eid|Passover|"
    r"Juneteenth|Kwanzaa|Nowruz|Oktoberfest|Carnival|Mardi Gras)\b"
    rf"|\b{_NAMED_WORDS} (?:Day|Eve)\b|\b(?:Day|Feast|Festival) of (?:the )?[A-Z][\w’'-]+"
    rf"|\b{_NAMED_WORDS}(?= (?:holiday|festival|celebrations?)\b)")
_ASKS = (
    (re.compile(r"\bhow much\b", re.IGNORECASE), _AMOUNT),
    (re.compile(r"\bwhat (?:percentage|percent|proportion|share)\b", re.IGNORECASE), _SHARE),
    (re.compile(r"\bhow old\b|\bwhat age\b", re.IGNORECASE), _AGE),
    (re.compile(r"\b(?:what|which) month\b", re.IGNORECASE), _MONTH),
    (re.compile(r"\b(?:what|which) year\b|\bin what year\b", re.IGNORECASE), _YEAR),
    (re.compile(r"^\W*when\b|\bhow soon\b|\b(?:what|which) (?:date|day)\b", re.IGNORECASE),
     _DAY),
    (re.compile(r"^\W*who\b|\bwhat is (?:his|her|their) name\b", re.IGNORECASE), _FULL_NAME),
    (re.compile(r"\b(?:which|what) (?:\w+ )?(?:holiday|festival|feast)s?\b", re.IGNORECASE),
     _HOLIDAY),
)
_PLACE_ASKED = re.compile(r"\b(?:which|what) (?:(?:\w+ )?(country|nation|state)s?)\b",
                          re.IGNORECASE)
# "Where did the leak occur?", "In which city…?" is answered by a place named after "in" or
# "at": "the impact in China", "at Westminster Abbey in London" (not "Chinese citizens", nor
# "Britain honored the Queen" for where her funeral was held)
_WHERE_ASKED = re.compile(r"^\W*where\b|\bwhere (?:is|are|was|were|did|do|does|will|has|have|"
                          r"had|can|could)\b|\bin (?:which|what) (?:city|town|region|place)\b",
                          re.IGNORECASE)
# "Where did he say that?" asks where words were spoken: a place named after the saying
# ("…, said at the Shangri-La Dialogue"), not every place the sentence names ("in the region")
_SPEECH_ASKED = re.compile(r"\b(?:say|said|speak|spoke|tell|told|announce|announced)\b",
                           re.IGNORECASE)
_SPOKEN_AT = re.compile(
    r"\b(?:said|says|saying|told|telling|spoke|speaking|announced|announcing|addressed|"
    r"addressing)\b,?(?:\s+(?!that\b)[\w’'-]+,?){0,2}?\s+(?:at|in)\s+(?:the\s+)?"
    r"([A-Z][\w’'-]+(?: [A-Z][\w’'-]+)*)")
_LOCATED = re.compile(
    rf"\b(?:[Ii]n|[Aa]t|[Nn]ear|[Oo]utside)\s+(?:the\s+)?"
    rf"(?!(?:{_MONTHS}|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b)"
    r"([A-Z][\w’'-]+(?: [A-Z][\w’'-]+)*)")


@dataclass(frozen=True)
class PreciseAsk:
    """What a question asks for precisely, read once and checked against each sentence."""

    said: str  # the question, folded
    counted: frozenset[str] = frozenset()  # "how many baby swings": the things counted
    places: frozenset[str] = frozenset()  # "which country / state": the names that answer
    holds: re.Pattern[str] | None = None  # otherwise: the pattern of what answers
    ahead: bool = False  # "when will…": a day already past answers nothing
    located: bool = False  # "where…?": a place named after "in" or "at"
    spoken: bool = False  # "where did he say that?": … named after the saying

    @property
    def detail(self) -> bool:
        """Asks for a figure (a count, an amount, a share, an age): a detail that news gives
        below the headline's subject, where names, places and dates are what leads are built
        around."""
        return bool(self.counted) or self.holds in (_AMOUNT, _SHARE, _AGE)

    def answered_by(self, sentence: str, published: date | None = None) -> bool:
        """True when ``sentence`` holds what is asked and the question lacks it; a question
        about what is ahead is not answered by a date before ``published`` (the article's)."""
        if self.counted:
            for match in _COUNT.finditer(sentence):
                after = tokenize(sentence[match.end():match.end() + 60])[:4]
                if self.counted & {t.rstrip("s") for t in after} and self._new(
                        match.group(0)) and not _YEAR.fullmatch(match.group(0)):
                    return True
            return False
        if self.places:
            return any(t in self.places and self._new(t) for t in _place_terms(sentence))
        if self.spoken:
            return any(self._new(m.group(1)) for m in _SPOKEN_AT.finditer(sentence))
        if self.located:
            return any(self._new(m.group(1)) for m in _LOCATED.finditer(sentence))
        holds = self.holds
        return holds is not None and any(
            self._new(m.group(0)) for m in holds.finditer(sentence)
            if (holds is not _FULL_NAME or _is_new_name(m.group(0), self.said))
            and not (holds is _DAY and self.ahead and _before(m.group(0), published)))

    def _new(self, found: str) -> bool:
        return not _says(self.said, found)


def precise_ask(question: str, focus: str | None = None) -> PreciseAsk | None:
    """What ``question`` asks for precisely ("how many swings", "which country", "who"), or
    None. ``focus`` is its asking sentence, when context comes before it."""
    focus = focus or question
    said = fold(question)
    counted = _COUNTED.search(focus)
    if counted:
        return PreciseAsk(said, counted=frozenset(
            t.rstrip("s") for t in tokenize(counted.group(1))))
    place = _PLACE_ASKED.search(focus)
    if place:
        state = place.group(1).lower() == "state"
        return PreciseAsk(said, places=places() | (US_STATES if state else frozenset()))
    if _WHERE_ASKED.search(focus):
        return PreciseAsk(said, located=True, spoken=bool(_SPEECH_ASKED.search(focus)))
    for asks, holds in _ASKS:
        if asks.search(focus):
            return PreciseAsk(said, holds=holds, ahead=bool(_AHEAD.search(focus)))
    return None


def answers_precisely(sentence: str, question: str, focus: str | None = None,
                      published: date | None = None) -> bool:
    """True when ``sentence`` holds the very kind of thing asked for, and the question lacks it.

    "How many swings were recalled?" is answered by "2 million … swings", "Which country…?"
    by a country's name; a question that asks for none of these kinds is answered by nothing.
    """
    ask = precise_ask(question, focus)
    return ask is not None and ask.answered_by(sentence, published)


def _before(found: str, published: date | None) -> bool:
    """True when ``found`` ("September 3") is a day of ``published``'s year before it."""
    match = re.fullmatch(r"([A-Za-z]+)\.? (\d{1,2})", found)
    if published is None or match is None:
        return False
    month, day = _MONTH_NUMBER.get(match.group(1).lower()), int(match.group(2))
    try:
        return month is not None and date(published.year, month, day) < published
    except ValueError:
        return False  # "February 30": not a day


def _is_new_name(found: str, said: str) -> bool:
    """A full name with a word the question lacks: "Chancellor Rishi Sunak" is no answer to
    "Who became chancellor after Rishi Sunak resigned?"."""
    return _is_full_name(found) and any(
        not _says(said, word) for word in re.findall(r"[\w’'-]+", found)
        if fold(word) not in STOPWORDS)


def _says(said: str, found: str) -> bool:
    """True when the folded question ``said`` holds ``found`` as whole words."""
    return holds_phrase(said, fold(found.strip()))


def _is_full_name(found: str) -> bool:
    """Two capitalised words after any opening stop word ("The New York Yankees")."""
    words = found.split()
    while words and fold(words[0]) in STOPWORDS:
        words = words[1:]
    return len(words) >= 2 and not any(fold(w) in STOPWORDS for w in words)


def _place_terms(sentence: str) -> list[str]:
    """The sentence's words, and its two-word names ("United States"), folded."""
    words = [fold(w) for w in re.findall(r"\w+", sentence)]  # "Colombia’s": "colombia"
    pairs = [f"{a} {b}" for a, b in pairwise(words)]
    return words + pairs


# Countries word_forms leaves out of alert matching for their ordinary meanings ("polish",
# "Michael Jordan"): asked "which country?", a sentence naming them still answers.
_MORE_COUNTRIES = frozenset({
    "poland", "england", "jordan", "chad", "finland", "denmark", "guinea", "netherlands",
    "united states", "united kingdom", "north korea", "south korea", "south africa",
    "saudi arabia", "new zealand", "sri lanka",
})


# Continents, and "America", which is as often Latin or North America as the United States.
_NOT_COUNTRIES = frozenset({"africa", "african", "asia", "asian", "europe", "european",
                            "america", "american"})


@cache
def places() -> frozenset[str]:
    """Countries, regions and the words made from them, lowercased."""
    forms = {form for forms in PLACE_FORMS.values() for form in forms}
    named = frozenset(PLACE_FORMS) | forms | set(PLACE_NAMES) | set(PLACE_NAMES.values())
    return (named | _MORE_COUNTRIES) - _NOT_COUNTRIES
