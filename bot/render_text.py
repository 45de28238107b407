"""Answers as plain text for the console: the quotes, then the numbered sources."""

from __future__ import annotations

from retrieval.answer import Answer

NOTHING_MORE = "(Nothing more on this story: ask another question.)"


def render_answer(answer: Answer) -> str:
    """Human-readable answer: the lead quote, further quotes indented, then the sources."""
    lines = [answer.answer]
    if not answer.found and not answer.related:
        lines.append("(`newsdesk latest` lists the newest headlines.)")
    if answer.mode == "extractive" and answer.citations:
        lead, *rest = answer.citations
        lines = [f"“{_folded(lead.snippet)}” [{lead.n}]"]
        if rest:
            lines += ["", *(f"    “{_folded(c.snippet)}” [{c.n}]" for c in rest)]
    if answer.citations:
        lines += ["", *_sources(answer)]
    return "\n".join(lines)


def render_more(answer: Answer) -> str:
    """The answer's further quotes (what /more shows): indented like the others, numbered in
    the same sequence, then the sources they quote."""
    if not answer.more:
        return NOTHING_MORE
    quotes = Answer(question=answer.question, found=True, answer="", citations=answer.more)
    lines = [f"    “{_folded(c.snippet)}” [{c.n}]" for c in answer.more]
    return "\n".join([*lines, "", *_sources(quotes)])


def _sources(answer: Answer) -> list[str]:
    lines = ["Sources:"]
    for numbers, c in answer.sources():
        markers = "".join(f"[{n}]" for n in numbers)
        lines.append(f"{markers} {c.ref.title} — {c.ref.source}, {c.ref.day}")
        if c.ref.url:
            lines.append(f"    {c.ref.url}")
        if c.also:
            lines.append("    also reported by: " + ", ".join(a.source for a in c.also))
    return lines


def _folded(text: str) -> str:
    return " ".join(text.split())
