"""Verbatim quotes, for answers and alerts alike: a span of a text, a sentence cut to length at
a word boundary, and the check that a quote still reads exactly as its text."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class QuoteLengths:
    """How long a quoted sentence may be, in characters."""

    min_chars: int  # shorter sentences are fragments, not quotes
    max_chars: int


# an answer's quote takes the following sentences too while it stays this short
ANSWER_QUOTES = QuoteLengths(min_chars=25, max_chars=480)
# an alert shows one or two sentences under the headline: a longer one is cut
ALERT_QUOTES = QuoteLengths(min_chars=25, max_chars=240)

_TRAILING = ",;:—–- "  # not left dangling at the end of a cut quote


@dataclass(frozen=True)
class Quote:
    """A verbatim span: ``snippet == text[start:end]`` of the text it was taken from."""

    snippet: str
    start: int
    end: int

    @classmethod
    def of(cls, text: str, start: int, end: int, offset: int = 0) -> Quote:
        """``text[start:end]``, its offsets counted from ``offset`` (where ``text`` begins)."""
        return cls(text[start:end], offset + start, offset + end)


def cut_sentence(text: str, start: int, end: int, lengths: QuoteLengths) -> Quote:
    """The sentence ``text[start:end]``, cut at a word boundary when longer than allowed."""
    if end - start > lengths.max_chars:
        cut = text.rfind(" ", start, start + lengths.max_chars)
        # a word boundary that would leave a stub is no place to cut: cut mid-word instead
        end = cut if cut > start + lengths.min_chars else start + lengths.max_chars
        while end > start and text[end - 1] in _TRAILING:
            end -= 1
    return Quote.of(text, start, end)


def reads_as(snippet: str, stored: str | None) -> bool:
    """``stored``, the text read back at a quote's offsets, is its non-empty ``snippet``."""
    return bool(snippet) and stored == snippet


def is_verbatim(quote: Quote, text: str) -> bool:
    """``quote`` is a non-empty span of ``text``, character for character."""
    return 0 <= quote.start <= quote.end <= len(text) and reads_as(
        quote.snippet, text[quote.start:quote.end])


_STRAIGHT_OPENING = re.compile(r'(?:^|(?<=[\s(\[—–-]))"')
_CURLY_AS_SINGLE = str.maketrans({"“": "‘", "”": "’"})


def nested(text: str) -> str:
    """``text`` as it reads inside double quotation marks: its own double marks become single,
    as a quotation inside a quotation is written ("“Tickets on sale,” she said." reads
    “‘Tickets on sale,’ she said.”, not with two marks side by side)."""
    if '"' in text:
        text = _STRAIGHT_OPENING.sub("‘", text).replace('"', "’")
    return text.translate(_CURLY_AS_SINGLE)
