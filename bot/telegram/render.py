"""Answers as Telegram HTML: every dynamic string escaped, split under 4096 characters."""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape

from core.models import ArticleRef
from ingest.clean import unspoofed
from retrieval.answer import Answer

TELEGRAM_LIMIT = 4096
SHOWN_TITLE_CHARS = 160  # a headline in a reply; stored ones are capped at 300 already
_TAG = re.compile(r"(<[^>]+>)")


def _link(title: str, url: str) -> str:
    title = unspoofed(title).strip() or "(untitled)"
    if len(title) > SHOWN_TITLE_CHARS:
        title = title[: SHOWN_TITLE_CHARS - 1] + "…"
    if url.startswith(("http://", "https://")):
        return f'<a href="{escape(url, quote=True)}">{escape(title)}</a>'
    return escape(title)


def answer_html(answer: Answer) -> str:
    """The answer, then the numbered sources as links with outlet and date."""
    if not answer.found:
        lines = ["I found nothing about that in the news I have."]
        if answer.related:
            lines += ["", "<b>The closest stories I have:</b>"]
            lines += [f"• {ref_line(r)}" for r in answer.related]
        return "\n".join(lines)
    body = escape(answer.answer)
    parts = [body, "", "<b>Sources</b>"]
    for numbers, c in answer.sources():
        markers = "".join(f"[{n}]" for n in numbers)
        line = f"{markers} {ref_line(c.ref)}"
        if c.also:
            line += " (also: " + ", ".join(escape(a.source) for a in c.also) + ")"
        parts.append(line)
    return "\n".join(parts)


def headlines_html(title: str, stories: Sequence[ArticleRef]) -> str:
    """A titled list of linked headlines."""
    lines = [f"<b>{escape(title)}</b>"]
    lines += [f"• {ref_line(s)}" for s in stories]
    return "\n".join(lines)


def ref_line(ref: ArticleRef) -> str:
    """Linked headline — outlet, day."""
    return f"{_link(ref.title, ref.url)} — {escape(unspoofed(ref.source))}, {ref.day}"


def outlet_link(ref: ArticleRef) -> str:
    """The outlet's name, linked to its report."""
    return _link(ref.source, ref.url)


def visible_length(text: str) -> int:
    """Length as Telegram counts it (UTF-16 units), conservatively on the HTML source."""
    return len(text.encode("utf-16-le")) // 2


def split_message(text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Split on paragraph boundaries (then lines, then words) with tags balanced in each part."""
    parts: list[str] = []
    current = ""
    for paragraph in text.split("\n\n"):
        for unit in _fit(paragraph, limit):
            candidate = f"{current}\n\n{unit}" if current else unit
            if visible_length(candidate) <= limit:
                current = candidate
            else:
                if current:
                    parts.append(current)
                current = unit
    if current:
        parts.append(current)
    return parts


def _fit(block: str, limit: int) -> list[str]:
    if visible_length(block) <= limit:
        return [block]
    lines = block.split("\n")
    if len(lines) > 1:
        packed: list[str] = []
        for line in lines:
            for unit in _fit(line, limit):
                if packed and visible_length(f"{packed[-1]}\n{unit}") <= limit:
                    packed[-1] = f"{packed[-1]}\n{unit}"
                else:
                    packed.append(unit)
        return packed
    return _hard_split(block, limit)


def _hard_split(line: str, limit: int) -> list[str]:
    """Split one over-long line between words, closing and reopening open tags."""
    out: list[str] = []
    current = ""
    stack: list[tuple[str, str]] = []  # (name, opening tag)
    for token in _TAG.split(line):
        if not token:
            continue
        if _TAG.fullmatch(token):
            name = token.strip("</>").split()[0].lower()
            if token.startswith("</"):
                if stack and stack[-1][0] == name:
                    stack.pop()
            else:
                stack.append((name, token))
            current += token
            continue
        for word in re.split(r"(?<= )", token):
            rest = word
            closers = "".join(f"</{name}>" for name, _ in reversed(stack))
            while rest and visible_length(current + rest + closers) > limit:
                if _TAG.sub("", current).strip():  # flush what holds text, then retry
                    out.append(current + closers)
                    current = "".join(tag for _, tag in stack)
                    continue
                # only tags so far: the word itself is too long, cut it (at least 1 char)
                cut = _safe_cut(rest, limit - visible_length(current + closers))
                out.append(current + rest[:cut] + closers)
                current, rest = "".join(tag for _, tag in stack), rest[cut:]
            current += rest
    if current:
        out.append(current)
    return out


def _safe_cut(word: str, room: int) -> int:
    """Characters of ``word`` that fit in ``room`` UTF-16 units, never splitting an entity."""
    used = cut = 0
    for index, char in enumerate(word):
        used += 2 if ord(char) > 0xFFFF else 1
        if used > room:
            break
        cut = index + 1
    amp = word.rfind("&", max(0, cut - 8), cut)
    if amp != -1 and ";" not in word[amp:cut]:
        cut = amp
    return max(cut, 1)
