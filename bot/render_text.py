"""Answers as plain text for the console: the quotes, then the numbered sources."""

from __future__ import annotations

from collections.abc import Sequence

from retrieval.answer import OTHER_STORY, Answer, Citation

NOTHING_MORE = "(Nothing more on this story: ask another question.)"


def render_answer(answer: Answer) -> str:
    """Human-readable answer: the lead quote, further quotes indented, then the sources."""
    if answer.mode == "extractive" and answer.citations:
        lead, *rest = answer.citations
        lines = [f"“{lead.shown}” [{lead.n}]"]
        story = [c for c in rest if not c.other_story]
        if story:
            lines += ["", *_further(story)]
        # another story the judge could barely tell from the lead's, after the story
        lines += [line for c in rest if c.other_story
                  for line in ("", f"{OTHER_STORY} “{c.shown}” [{c.n}]")]
    else:
        lines = [answer.answer]
        if not answer.found and not answer.related:
            lines.append("(`newsdesk latest` lists the newest headlines.)")
    if answer.citations:
        lines += ["", *_sources(answer)]
    return "\n".join(lines)


def render_more(answer: Answer) -> str:
    """The answer's further quotes (what /more shows): indented like the others, numbered in
    the same sequence, then the sources they quote."""
    if not answer.more:
        return NOTHING_MORE
    quotes = Answer(question=answer.question, found=True, answer="", citations=answer.more)
    return "\n".join([*_further(answer.more), "", *_sources(quotes)])


def _further(citations: Sequence[Citation]) -> list[str]:
    """Quotes after the lead, indented under it."""
    return [f"    “{c.shown}” [{c.n}]" for c in citations]


def _sources(answer: Answer) -> list[str]:
    lines = ["Sources:"]
    for numbers, c in answer.sources():
        markers = "".join(f"[{n}]" for n in numbers)
        if answer.headline_quoted(c.ref):  # the quote reads it already
            lines.append(f"{markers} {c.ref.source}, {c.ref.day}")
        else:
            lines.append(f"{markers} {c.ref.title} — {c.ref.source}, {c.ref.day}")
        if c.ref.url:
            lines.append(f"    {c.ref.url}")
        if c.other_outlets:
            lines.append("    also reported by: " + ", ".join(c.other_outlets))
    return lines
