"""Page furniture out of article text: datelines, captions, credits, teasers, sign-up prompts.

A rule removes a whole line, cuts a dateline off the start of a paragraph, or drops a
call-to-action sentence ("Read more here.") from a line; nothing else is ever cut. The rules
are narrow on purpose: a false positive deletes news, a miss only leaves a line answers skip.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest import furniture_rules as rules


@dataclass(frozen=True)
class Cut:
    """What one rule removed from a text (for benchmarks and reviews)."""

    rule: str
    text: str


_EDGES = (("photo credit", rules.PHOTO_CREDIT_HEAD), ("dateline", rules.DATELINE),
          ("photo credit", rules.PHOTO_CREDIT_TAIL), ("gallery caption", rules.GALLERY_TAIL),
          ("credit", rules.CREDIT_TAIL))
# the tails are searched for from every space: only in lines that hold their cue
_TAIL_CUES = {rules.PHOTO_CREDIT_TAIL: ("/", "Getty", "Courtesy"),
              rules.GALLERY_TAIL: ("photos", "pictures", "images"),
              rules.CREDIT_TAIL: ("Contributing: ",)}
LEAD_IN_LINES = 20  # how far down a page's chrome can push the article's dateline line
_BLANK_RUNS = re.compile(r"\n{3,}")
# sentence ends inside one paragraph: enough to find call-to-action sentences
# a sentence ends before a capital, a quote or an emoji's box ("… won. 🌤 What's the weather…")
_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"'”’)])) "
                           r"(?=(?:[\"'“‘(►]|[\u2600-\u27bf\U0001f300-\U0001faff]\ufe0f? )?[A-Z])")


def strip_furniture(text: str) -> str:
    """``text`` (already normalised) without its page furniture."""
    return furniture_cuts(text)[0]


def furniture_cuts(text: str) -> tuple[str, list[Cut]]:
    """``text`` without its page furniture, and what was cut by which rule."""
    lines = text.split("\n")
    filled = [i for i, line in enumerate(lines) if line.strip()]
    cuts: list[Cut] = []
    start = _article_start(lines, filled)
    for i in filled[:start]:
        cuts.append(Cut("lead-in", lines[i].strip()))
    kept = [""] * start
    previous = ""  # the paragraph before, cleaned
    for position, i in enumerate(filled[start:], start=start):
        before = lines[filled[position - 1]].strip() if position else ""
        after = lines[filled[position + 1]].strip() if position + 1 < len(filled) else ""
        line = _clean_line(lines[i].strip(), before, after, cuts)
        if line and line == previous:
            # a gallery prints each caption twice in a row: the second copy says nothing new
            cuts.append(Cut("repeated paragraph", line))
            line = ""
        else:
            previous = line
        kept.append(line)
    # blank lines stay where they were, so paragraphs keep their breaks
    out = list(lines)
    for i, line in zip(filled, kept, strict=True):
        out[i] = line
    return _BLANK_RUNS.sub("\n\n", "\n".join(out)).strip(), cuts


def _article_start(lines: list[str], filled: list[int]) -> int:
    """Position among ``filled`` of a dateline line ("CNN —") heading the article, or 0.

    Above such a line a saved page has only its chrome: video links, captions, sign-up notes.
    """
    for position, i in enumerate(filled[:LEAD_IN_LINES]):
        match = rules.DATELINE.match(lines[i].strip())
        if match and match.end() == len(lines[i].strip()):
            return position
    return 0


def _clean_line(line: str, before: str, after: str, cuts: list[Cut]) -> str:
    for _ in range(2):  # before and after a dateline: "FILE - …" is a caption, not a dateline
        rule = rules.line_rule(line) or rules.context_rule(line, before, after)
        if rule:
            cuts.append(Cut(rule, line))
            return ""
        cut = _cut_dateline(line, cuts)
        if cut == line:
            break
        line = cut
    return _cut_sentences(line, cuts) if line else ""


def _cut_dateline(line: str, cuts: list[Cut]) -> str:
    """``line`` without the datelines and photo credits at its start and end."""
    for _ in range(3):  # "LONDON (Reuters) — CNN — ...", "(Photo by …) AFP via Getty Images"
        before = line
        for rule, pattern in _EDGES:
            if pattern not in _TAIL_CUES:
                match = pattern.match(line)
            else:  # a search from every space: only where such a tail can be
                match = pattern.search(line) if any(
                    cue in line for cue in _TAIL_CUES[pattern]) else None
            if match:
                cuts.append(Cut(rule, match.group().strip()))
                line = (line[:match.start()] + line[match.end():]).strip()
        if line == before:
            break
    return line


def _cut_sentences(line: str, cuts: list[Cut]) -> str:
    """``line`` without its call-to-action and credit sentences ("Read more here.")."""
    sentences = _SENTENCE_END.split(line)
    if not any(map(_removable, sentences)):
        return line
    if len(sentences) <= 3 and (_opens_with_pitch(sentences) or _pitch_to_reader(sentences)):
        # a short paragraph opened by a sign-up prompt is all pitch ("Explore the universe…"),
        # and so is one whose other sentences only talk to the reader
        cuts.append(Cut("call to action", line))
        return ""
    kept = []
    for sentence in sentences:
        rule = _removable(sentence)
        if rule:
            cuts.append(Cut(rule, sentence))
        else:
            kept.append(sentence)
    return " ".join(kept)


def _opens_with_pitch(sentences: list[str]) -> bool:
    """True when the first sentence is a promotion, or the first after questions that only
    lead up to it ("Enjoying the Tide? Sign up and…"): a question states no news."""
    for sentence in sentences:
        if rules.is_promotion(sentence):
            return True
        if not sentence.rstrip(" \"'”’)").endswith("?"):
            return False
    return False


def _pitch_to_reader(sentences: list[str]) -> bool:
    """True when a promotion is among ``sentences`` and the others address the reader."""
    promotions = [rules.is_promotion(s) for s in sentences]
    pairs = zip(sentences, promotions, strict=True)
    return any(promotions) and all(promoted or rules.speaks_to_reader(s) for s, promoted in pairs)


def _removable(sentence: str) -> str | None:
    if rules.is_call_to_action(sentence):
        return "call to action"
    if rules.is_update_note(sentence):
        return "update note"
    return rules.credit_rule(sentence)


def is_furniture_title(title: str) -> bool:
    """True for a "headline" that is a dateline, a byline or a credit, not a headline."""
    title = title.strip()
    match = rules.DATELINE.match(title)
    rest = title[match.end():].strip() if match else title
    return not rest or rules.credit_rule(rest) is not None
