"""Answers as plain text for the console: the quotes, then the numbered sources."""

from __future__ import annotations

from retrieval.answer import Answer


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
        lines += ["", "Sources:"]
        for numbers, c in answer.sources():
            markers = "".join(f"[{n}]" for n in numbers)
            lines.append(f"{markers} {c.ref.title} — {c.ref.source}, {c.ref.day}")
            if c.ref.url:
                lines.append(f"    {c.ref.url}")
            if c.also:
                lines.append("    also reported by: " + ", ".join(a.source for a in c.also))
    return "\n".join(lines)


def _folded(text: str) -> str:
    return " ".join(text.split())
