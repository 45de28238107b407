"""Answers as Telegram HTML: every dynamic string escaped, split under 4096 characters."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.telegram.callbacks import FollowStory, ShowMore
from core.models import ArticleRef
from ingest.clean import unspoofed
from retrieval.answer import CLOSEST, NOT_FOUND, OTHER_STORY, Answer, Citation

TELEGRAM_LIMIT = 4096
SHOWN_TITLE_CHARS = 160  # a headline in a reply; stored ones are capped at 300 already
EXPANDABLE_CHARS = 400  # further quotes longer than this start folded (tap to expand)
_TAG = re.compile(r"(<[^>]+>)")


def _link(title: str, url: str) -> str:
    title = unspoofed(title).strip() or "(untitled)"
    if len(title) > SHOWN_TITLE_CHARS:
        title = title[: SHOWN_TITLE_CHARS - 1] + "…"
    if url.startswith(("http://", "https://")):
        return f'<a href="{escape(url, quote=True)}">{escape(title)}</a>'
    return escape(title)


def answer_html(answer: Answer) -> str:
    """The lead quote in bold, further quotes in a quote block, then one line per source."""
    if not answer.found:
        lines = [NOT_FOUND]
        if answer.related:
            lines += ["", f"<b>{CLOSEST}</b>"]
            lines += [f"• {ref_line(r)}" for r in answer.related]
        else:
            lines += ["", "Send /latest for the newest headlines."]
        return "\n".join(lines)
    sources = ["<b>Sources</b>"]
    for numbers, c in answer.sources():
        markers = "".join(f"[{n}]" for n in numbers)
        line = f"{markers} " + (  # a quote that reads the headline needs only the outlet
            f"{outlet_link(c.ref)}, {c.ref.day}" if answer.headline_quoted(c.ref)
            else ref_line(c.ref))
        if c.other_outlets:
            line += " (also: " + ", ".join(escape(outlet) for outlet in c.other_outlets) + ")"
        sources.append(line)
    for body in (_quotes_html(answer, quote_block=True), _quotes_html(answer, quote_block=False)):
        html = f"{body}\n\n" + "\n".join(sources)
        if visible_length(html) <= TELEGRAM_LIMIT:
            break
    return html  # over the limit only with a pathological answer: split_message copes


def fitted_answer_html(answer: Answer) -> str:
    """answer_html in one message: the last quotes are left out until it fits (the lead stays)."""
    html = answer_html(answer)
    while visible_length(html) > TELEGRAM_LIMIT and len(answer.citations) > 1:
        answer = replace(answer, citations=answer.citations[:-1])
        html = answer_html(answer)
    return html


def answer_buttons(answer: Answer, more_token: str | None) -> InlineKeyboardMarkup | None:
    """More (when its quotes are kept under ``more_token``) and Follow this story (under a found
    extractive answer: its lead article)."""
    row: list[InlineKeyboardButton] = []
    if more_token is not None:
        row.append(InlineKeyboardButton("More", callback_data=ShowMore(more_token).encode()))
    if answer.found and answer.mode == "extractive" and answer.citations:
        lead = answer.citations[0].ref.article_id
        row.append(InlineKeyboardButton("Follow this story",
                                        callback_data=FollowStory(lead).encode()))
    return InlineKeyboardMarkup([row]) if row else None


def _quotes_html(answer: Answer, quote_block: bool) -> str:
    """The answer's text: prose as it is; quotes with the lead first, set apart."""
    if answer.mode != "extractive" or not answer.citations:
        return escape(answer.answer)
    lead, *rest = answer.citations
    lines = [f"{_lead_html(lead)} [{lead.n}]"]
    more = [f"“{escape(c.shown)}” [{c.n}]" for c in rest if not c.other_story]
    if more and quote_block:
        tag = "blockquote expandable" if sum(map(len, more)) > EXPANDABLE_CHARS else "blockquote"
        lines += ["", f"<{tag}>" + "\n".join(more) + "</blockquote>"]
    elif more:
        lines += ["", *more]
    # another story the judge could barely tell from the lead's: set apart, after the story
    lines += [f"\n<i>{OTHER_STORY}</i> “{escape(c.shown)}” [{c.n}]"
              for c in rest if c.other_story]
    return "\n".join(lines)


def _lead_html(lead: Citation) -> str:
    """The lead quote with the sentence that answers in bold (all of it, when it is one)."""
    before, focus, after = lead.parts()
    if not before and not after:
        return f"<b>“{escape(focus)}”</b>"
    return "“" + " ".join(part for part in (
        escape(before), f"<b>{escape(focus)}</b>", escape(after)) if part) + "”"


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
    lines = _balanced_lines(block.split("\n"))
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


def _balanced_lines(lines: list[str]) -> list[str]:
    """Each line closing the tags open at its end and reopening those open at its start, so
    a quote block spanning lines can be split between any two of them."""
    out: list[str] = []
    stack: list[tuple[str, str]] = []
    for line in lines:
        opened = "".join(tag for _, tag in stack)
        for token in _TAG.findall(line):
            _track(stack, token)
        out.append(opened + line + "".join(f"</{name}>" for name, _ in reversed(stack)))
    return out


def _track(stack: list[tuple[str, str]], tag: str) -> None:
    """Push an opening ``tag`` onto ``stack`` of (name, tag); pop on its closing tag."""
    name = tag.strip("</>").split()[0].lower()
    if not tag.startswith("</"):
        stack.append((name, tag))
    elif stack and stack[-1][0] == name:
        stack.pop()


def _hard_split(line: str, limit: int) -> list[str]:
    """Split one over-long line between words, closing and reopening open tags."""
    out: list[str] = []
    current = ""
    stack: list[tuple[str, str]] = []  # (name, opening tag)
    for token in _TAG.split(line):
        if not token:
            continue
        if _TAG.fullmatch(token):
            _track(stack, token)
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
