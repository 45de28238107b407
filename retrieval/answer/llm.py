"""Optional prose answers from a LangChain chat model, held to the same citations.

The model sees only the numbered, verified passages of the extractive answer. Markers that point
at no passage are removed, sentences left without a valid marker are removed (a claim with no
source is not shown), and an empty result, an error or a timeout falls back to the quotes.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import replace
from datetime import datetime

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage

from retrieval.answer.extractive import ExtractiveAnswerer, quote_lines
from retrieval.answer.models import Answer, Citation, Turn
from retrieval.text import sentence_spans

log = logging.getLogger(__name__)

SYSTEM_PROMPT = (
    "You answer questions about the news using only the numbered passages given. Write two to "
    "four short sentences. End every sentence with the numbers of the passages that support it, "
    "like [1] or [2][3]. Do not use any knowledge beyond the passages. If the passages do not "
    "answer the question, reply with exactly NOT_FOUND."
)
_MARKER = re.compile(r"\[(\d+)\]")
_REPEATED_MARKER = re.compile(r"(\[\d+\])(?:\s*\1)+")


def cited_prose(reply: str, passages: int) -> tuple[str, list[int]]:
    """Keep only sentences citing real passages; return the text and passages in citation order."""
    kept: list[str] = []
    order: list[int] = []
    for start, end in sentence_spans(reply):
        sentence = reply[start:end]
        numbers = [int(n) for n in _MARKER.findall(sentence)]
        valid = [n for n in numbers if 1 <= n <= passages]
        if not valid:
            continue
        sentence = _MARKER.sub(lambda m: m.group(0) if 1 <= int(m.group(1)) <= passages else "",
                               sentence)
        kept.append(" ".join(sentence.split()))
        order += [n for n in valid if n not in order]
    return " ".join(kept), order


def by_article(
    text: str, order: Sequence[int], citations: Sequence[Citation]
) -> tuple[str, tuple[Citation, ...]]:
    """Markers and citations numbered per article: the first article cited is [1], and every
    passage of one article carries its number (passage ``i`` is ``citations[i - 1]``)."""
    numbers: dict[str, int] = {}
    for passage in order:
        numbers.setdefault(citations[passage - 1].ref.article_id, len(numbers) + 1)
    mapping = {p: numbers[citations[p - 1].ref.article_id] for p in order}
    text = _MARKER.sub(lambda m: f"[{mapping[int(m.group(1))]}]", text)
    text = _REPEATED_MARKER.sub(r"\1", text)  # "[1][1]" from two passages of one article
    return text, tuple(replace(citations[p - 1], n=mapping[p]) for p in order)


class LLMAnswerer:
    """Prose with checked citations over the extractive answer's passages."""

    def __init__(
        self, extractive: ExtractiveAnswerer, model: BaseChatModel, timeout_seconds: float = 30.0,
        passages: int = 8,
    ) -> None:
        self._extractive = extractive
        self._model = model
        self._timeout = timeout_seconds
        self._passages = passages
        self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="llm")

    def answer(
        self, question: str, k: int = 5, since: datetime | None = None,
        history: Sequence[Turn] = (), until: datetime | None = None,
    ) -> Answer:
        """Prose when the model gives a well-cited answer in time, else the quotes
        (``since``/``until``: as the extractive answer's)."""
        base = self._extractive.answer(question, k=max(k, self._passages), since=since,
                                       history=history, until=until)
        if not base.found:
            return base
        fallback = _first(base, k)
        try:
            reply = self._pool.submit(self._ask_model, question, base.citations).result(
                timeout=self._timeout
            )
        except FutureTimeout:
            log.warning("LLM timed out after %.0fs; answering with quotes", self._timeout)
            return fallback
        except Exception:
            log.warning("LLM failed; answering with quotes", exc_info=True)
            return fallback
        prose, order = cited_prose(reply, len(base.citations))
        if not prose or "NOT_FOUND" in reply:
            return fallback
        text, citations = by_article(prose, order, base.citations)
        return Answer(question=question, found=True, answer=text, citations=citations,
                      mode="llm")

    def close(self) -> None:
        """Stop the model's worker threads (a call still running is not waited for)."""
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._extractive.close()

    def _ask_model(self, question: str, citations: Sequence[Citation]) -> str:
        passages = "\n".join(  # numbered per passage here; per article once answered
            f"[{i}] ({c.ref.title} — {c.ref.source}, {c.ref.day}) {c.snippet}"
            for i, c in enumerate(citations, start=1)
        )
        reply = self._model.invoke([
            SystemMessage(SYSTEM_PROMPT),
            HumanMessage(f"Passages:\n{passages}\n\nQuestion: {question}"),
        ])
        content = reply.content
        return content if isinstance(content, str) else " ".join(
            part if isinstance(part, str) else str(part.get("text", "")) for part in content
        )


def _first(answer: Answer, k: int) -> Answer:
    citations = answer.citations[:k]
    return replace(answer, answer=quote_lines(citations), citations=citations)
