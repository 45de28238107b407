"""Page furniture as it shows in a quoted sentence: what answers must never quote.

Shared by the furniture integration test and bench/furniture.py. Written independently of the
cleaner's rules (ingest/furniture_rules.py), as a reader would spot furniture in one sentence.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from retrieval.text import sentence_spans

FURNITURE_PATTERNS: dict[str, re.Pattern[str]] = {
    "click here": re.compile(r"\bclick here\b", re.IGNORECASE),
    "read more": re.compile(r"^(?:Read more|READ MORE)\b(?! (?:than|of|about the)\b)"),
    "gallery caption": re.compile(r"\bHide Caption \d+ of \d+|^Photos?: "),
    # a link to a gallery left at a caption's end: "… June 22. See photos from the quake"
    "editor's note": re.compile(r"^Editor['’]s [Nn]ote: "),
    # a newsletter's host waving hello: "👋 Hey! Jo here, and it's Tuesday."
    "newsletter greeting": re.compile(r"👋"),
    "gallery link": re.compile(r"\bSee photos (?:from|of)\b[^.!?]*$|\bThe week in \d+ photos$"
                               r"|\bIn photos: |^The best photos from "),
    "photo credit": re.compile(r"\w/(?:[^/]{1,40}/)*(?:Getty Images|Reuters|AFP|AP)\b"
                               r"|\(AP Photo/|\bvia Getty Images\b|\b[A-Z][\w'’-]+/CNN$"),
    "dateline": re.compile(r"^(?:[A-Z][\w.'’-]*,? ){0,4}(?:\((?:CNN|AP|Reuters)(?: \w+)?\)"
                           r"|(?:CNN|AP|Reuters)(?: Business)?(?: ?[—–]| -))"
                           r"|^[A-Z][A-Z.,' ]{2,40} [—–-]+ "),
    "teaser": re.compile(r"^► ?(?:More|MORE)\b|^(?:More|MORE|Related|RELATED) ?:"
                         r"|^[A-Z][A-Z &'’-]{2,}:\S|^Fact check:\S|^[A-Z][^?]{0,100}\?:[A-Z\"“]"
                         r"|^['‘\"“][^'’\"”]{1,60}(?:[’'][a-z][^'’\"”]{0,60})*['’\"”]:[A-Z]"),
    "credit": re.compile(r"^Contributing: |\bcontributed to this report\b"),
    "newsletter": re.compile(r"\bsign up\b.{0,80}\b(?:newsletter|here)\b|\bnewsletter\b.{0,80}"
                             r"\bsign up\b|\bdelivered (?:right )?to your inbox\b", re.IGNORECASE),
    "subscription": re.compile(r"\bbecome a (?:digital )?subscriber\b|^Subscribe to\b"
                               r"|\bsupport (?:\w+ )?(?:local )?journalism\b", re.IGNORECASE),
    # a newsletter or subscription pitch speaks to the reader: "…straight to your inbox",
    # "subscribe to our…", "Would you like to receive the … newsletter?"
    "newsletter pitch": re.compile(
        r"\b(?:in|to) your inbox\b|\b(?:subscribe to|follow|get) (?:our|my)\b[^.]{0,40}"
        r"\bnewsletter\b|\bnewsletter (?:provides you|subscription)\b|\bedition of [^.]{0,40}"
        r"\bnewsletter\b|: An? [\w ]{0,20}newsletter about\b|\b(?:receive|miss an update with) "
        r"[^.?]{0,40}\bnewsletter\b|\bsubscriber-only\b|\bnews roundup\b|\bdigital account\b"
        r"|\bsupporting our journalism\b|^For subscribers:|^Not a subscriber\?", re.IGNORECASE),
    "fact-check note": re.compile(r"\bfact[- ]check work is supported\b", re.IGNORECASE),
    # the page's own revision: "This story has been updated with…", "CORRECTION: …"
    "update note": re.compile(r"^\(?This (?:story|article) (?:has been|was) updated(?: with "
                              r"(?:additional|new) (?:reporting|details|information)\b|\.)"),
    "weather box": re.compile(r"\bneck of the woods\?|\bCheck your (?:local )?forecast here\b"),
    # a roundup's opening lines, spoken to the reader: "…let us introduce you to your new
    # favorite morning fix.", "Here's what you need to know to Get Up to Speed…"
    "roundup opener": re.compile(r"\blet us introduce you to your new\b"
                                 r"|^Here['’]s what (?:else )?you need to know to "
                                 r"Get Up to Speed\b"),
    "podcast pitch": re.compile(r"^Prefer to listen\?|\bCheck out the [^.]{0,30}podcast\b"),
    "video teaser": re.compile(r"\b(?:JUST WATCHED|MUST WATCH|Video Ad Feedback)\b"
                               r"|\b\d{1,2}:\d{2} - Source: [A-Z]"),
}
# furniture that is a whole line: a quote's "— Richard Bach" is no byline, and a listicle's
# "• Be polite: Sometimes, you won't have any leverage…" is a tip, not a data row
LINE_PATTERNS: dict[str, re.Pattern[str]] = {
    # a label glued to a related story: "It's a bear:We're in a bear market. Here is what…"
    "teaser line": re.compile(r"^[A-Z][^:.!?]{1,60}:[A-Z].*\bHere(?:'s| is| are)\b"),
    "list metadata": re.compile(r"^• ?[^:]{1,80}: (?:\S+ ){0,11}\S+$(?<![a-z]\.)"),
    "byline": re.compile(r"^By [A-Z]\w+ [A-Z]\w+$|^[–—-] ?[A-Z]\w+ [A-Z]\w+$"
                         r"|^(?:USA TODAY|Associated Press)$"),
}


def furniture_sentences(text: str) -> Iterable[tuple[str, str]]:
    """(pattern name, sentence or line) for each furniture pattern match in ``text``."""
    for line in text.split("\n"):
        for name, pattern in LINE_PATTERNS.items():
            if pattern.search(line.strip()):
                yield name, line.strip()
        for start, end in sentence_spans(line):
            sentence = line[start:end]
            for name, pattern in FURNITURE_PATTERNS.items():
                if pattern.search(sentence):
                    yield name, sentence


def count_furniture(texts: Iterable[str]) -> Counter[str]:
    """Furniture sentences in ``texts``, by pattern name."""
    return Counter(name for text in texts for name, _ in furniture_sentences(text))


def is_dateline_or_credit(title: str) -> bool:
    """True for a "headline" that is a dateline ("CNN —") or a credit ("By A. Writer")."""
    title = " ".join(title.split())
    return bool(FURNITURE_PATTERNS["dateline"].search(title)
                or LINE_PATTERNS["byline"].search(title)
                or FURNITURE_PATTERNS["credit"].search(title))
