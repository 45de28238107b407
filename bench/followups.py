"""Follow-up questions: does the second turn of a conversation answer what was asked? (issue 20)

    .venv/bin/python bench/followups.py [--limit N] [--backend torch|onnx|onnx-int8] [--only ID]

Each line of bench/followups.jsonl is a two-turn conversation: ``first`` opens a story,
``second`` is typed the way people type a follow-up ("and the seafood ban?", "when does she
start?"), and ``answer`` is a short string that a correct quote must contain, verbatim from
``article_url``. A few seconds are ``standalone``: a question on a new subject, which must not be
pulled back to the first story.

``corpus`` says where the conversation happens: ``samples`` (the bundled sample articles,
ingested into a temporary data dir as `newsdesk ingest --samples` does) or ``realtimeqa`` (the
index of bench/eval.py, bench/.cache/eval-data-BACKEND, built once and shared; every answer is
given as of the conversation's ``date``, like bench/eval.py's questions). Both turns are asked
with k=5; the second with the first as history, the way bot/services/questions.py keeps a chat:
``Turn(first, article ids the first answer cited, the spans it quoted)``.

Reported, over all conversations and per kind (follow-up / standalone) and corpus:
- ``first_quote``: the answer string in the second answer's **first** quote (the goal: ≥ 0.85);
- ``anywhere``: the answer string anywhere in the second answer;
- ``found``: the second answer is not "not found";
- ``right_article_first``: the second answer's first quote is from ``article_url``;
- ``first_turn_on_story``: (follow-ups) the first answer's first quote is from ``article_url``,
  i.e. the conversation was on the story before the follow-up was asked.
Then every miss of ``first_quote``: the questions, the first quote of each answer, the expected
string. Answer strings are checked against the stored article before anything is asked.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import NEWSDATA, machine, read_jsonl, with_selection
from bench.eval import CACHE, as_of, norm
from bot.container import Container
from bot.settings import Settings
from core.models import EmbeddingBackend as Backend
from core.models import QuotedSpan, Turn
from ingest.identity import canonical_url
from ingest.pipeline import SourceSpec
from retrieval.answer.models import Answer
from retrieval.embeddings import BACKENDS, Embedder, default_backend

HERE = Path(__file__).resolve().parent
CONVERSATIONS = HERE / "followups.jsonl"
CORPORA = ("samples", "realtimeqa")
READY = 1000  # articles: the RealTime QA index is complete (bench/eval.py's rule)
POLL_SECONDS = 30  # between looks at an index another process is building
QUOTE_CHARS = 300  # of each quote shown in the list of misses


@dataclass(frozen=True)
class Conversation:
    id: str
    corpus: str
    first: str
    second: str
    answer: str
    article_url: str
    date: str = ""
    standalone: bool = False

    @classmethod
    def of(cls, row: dict[str, Any]) -> Conversation:
        missing = {"id", "corpus", "first", "second", "answer", "article_url"} - row.keys()
        if missing or row["corpus"] not in CORPORA or (row["corpus"] == "realtimeqa"
                                                       and not row.get("date")):
            raise ValueError(f"bad conversation {row.get('id')!r}: missing {sorted(missing)}, "
                             f"corpus {row.get('corpus')!r}, date {row.get('date')!r}")
        return cls(row["id"], row["corpus"], row["first"], row["second"], row["answer"],
                   row["article_url"], row.get("date", ""), bool(row.get("standalone")))

    @property
    def until(self) -> datetime | None:
        return as_of({"date": self.date}) if self.date else None


@dataclass(frozen=True)
class Outcome:
    conversation: Conversation
    first: Answer
    second: Answer

    def _has(self, text: str) -> bool:
        return norm(self.conversation.answer) in norm(text)

    @property
    def first_quote(self) -> bool:
        return bool(self.second.citations) and self._has(self.second.citations[0].snippet)

    @property
    def anywhere(self) -> bool:
        quotes = (c.snippet for c in self.second.citations)
        return self._has(" ".join([self.second.answer, *quotes]))

    @property
    def right_article_first(self) -> bool:
        return _from(self.second, self.conversation.article_url)

    @property
    def first_turn_on_story(self) -> bool:
        return _from(self.first, self.conversation.article_url)

    def miss(self) -> dict[str, Any]:
        c = self.conversation
        return {
            "id": c.id, "standalone": c.standalone, "first": c.first,
            "first_turn_quote": _lead(self.first), "first_turn_on_story": self.first_turn_on_story,
            "second": c.second, "second_quote": _lead(self.second),
            "second_quote_url": self.second.citations[0].ref.url if self.second.citations else "",
            "expected": c.answer, "article_url": c.article_url,
            "in_answer_elsewhere": self.anywhere, "found": self.second.found,
        }


def _from(answer: Answer, url: str) -> bool:
    return bool(answer.citations) and (canonical_url(answer.citations[0].ref.url)
                                       == canonical_url(url))


def _lead(answer: Answer) -> str:
    if not answer.found or not answer.citations:
        return "(not found)"
    snippet = " ".join(answer.citations[0].snippet.split())
    return snippet if len(snippet) <= QUOTE_CHARS else snippet[:QUOTE_CHARS] + "…"


def converse(container: Container, conversation: Conversation) -> Outcome:
    """Both turns, the second with the first as its history (as QuestionService.ask keeps it)."""
    answerer = container.answerer
    until = conversation.until
    first = answerer.answer(conversation.first, k=5, until=until)
    cited = tuple(dict.fromkeys(c.ref.article_id for c in first.citations))
    quoted = tuple(QuotedSpan(c.ref.article_id, c.start, c.end) for c in first.citations)
    second = answerer.answer(conversation.second, k=5, until=until,
                             history=[Turn(conversation.first, cited, quoted)])
    return Outcome(conversation, first, second)


def shares(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    n = len(outcomes)
    if not n:
        return {"conversations": 0}
    followups = [o for o in outcomes if not o.conversation.standalone]
    result: dict[str, Any] = {
        "conversations": n,
        "first_quote": round(sum(o.first_quote for o in outcomes) / n, 3),
        "anywhere": round(sum(o.anywhere for o in outcomes) / n, 3),
        "found": round(sum(o.second.found for o in outcomes) / n, 3),
        "right_article_first": round(sum(o.right_article_first for o in outcomes) / n, 3),
    }
    if followups:
        result["first_turn_on_story"] = round(
            sum(o.first_turn_on_story for o in followups) / len(followups), 3)
    return result


def check_answers(container: Container, conversations: Sequence[Conversation]) -> None:
    """Every answer string must be in its stored article, or the yardstick is wrong."""
    ids = {c.article_url: _article_id(c.article_url) for c in conversations}
    articles = container.articles.get_many(list(set(ids.values())))
    for c in conversations:
        article = articles.get(ids[c.article_url])
        if article is None:
            raise SystemExit(f"{c.id}: {c.article_url} is not in the {c.corpus} index")
        if norm(c.answer) not in norm(f"{article.title}\n{article.text}"):
            raise SystemExit(f"{c.id}: {c.answer!r} is not in the text of {c.article_url}")


def _article_id(url: str) -> str:
    from ingest.identity import article_id

    return article_id(url, "")


def realtimeqa_container(backend: Backend, needed: Sequence[str],
                         stall_minutes: float) -> Container:
    """bench/eval.py's index, once it holds READY articles and has indexed the ``needed`` ones
    (another process may be building it: wait). Built here only when it is short and has not
    grown for ``stall_minutes`` (two ingests at once would clash)."""
    settings = Settings(data_dir=CACHE / f"eval-data-{backend}", embedding_backend=backend,
                        model_cache_dir=CACHE / "models")
    container = Container(settings)
    ids = sorted({_article_id(url) for url in needed})
    last, grew = -1, time.monotonic()
    while ((count := container.articles.count()) < READY
           or len(container.articles.get_many(ids)) < len(ids)
           or set(ids) & set(container.articles.pending_ids())):  # stored, not yet indexed
        if count != last:
            last, grew = count, time.monotonic()
        elif time.monotonic() - grew > 60 * stall_minutes:
            print(f"ingesting the RealTime QA corpus ({count} articles so far; minutes)...",
                  file=sys.stderr)
            container.verify_embedding_model()
            report = container.pipeline.run(
                [SourceSpec(str(NEWSDATA / "realtimeqa_corpus.jsonl"))])
            print(f"ingested {report.added} articles", file=sys.stderr)
            break
        print(f"the index has {count} articles: waiting for it to be complete", file=sys.stderr)
        time.sleep(POLL_SECONDS)
    return container


@contextmanager
def samples_container(backend: Backend, embedder: Embedder | None) -> Iterator[Container]:
    """A fresh data dir holding the bundled sample articles (`newsdesk ingest --samples`)."""
    from ingest.sample_articles import SAMPLES_DIR, SAMPLES_NAME

    with tempfile.TemporaryDirectory(prefix="followups-") as data_dir:
        container = Container(Settings(data_dir=Path(data_dir), embedding_backend=backend,
                                       model_cache_dir=CACHE / "models"), embedder=embedder)
        container.verify_embedding_model()
        report = container.pipeline.run([SourceSpec(str(SAMPLES_DIR), SAMPLES_NAME)])
        if not report.ok or not container.articles.count():
            raise SystemExit("the sample articles could not be ingested")
        try:
            yield container
        finally:
            container.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=None, help="only the first N conversations")
    parser.add_argument("--only", action="append", default=[], metavar="ID",
                        help="only this conversation (repeatable)")
    parser.add_argument("--backend", choices=BACKENDS, default=default_backend())
    parser.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE",
                        help="quote with this Selection field changed (repeatable), to try it")
    parser.add_argument("--stall-minutes", type=float, default=5.0,
                        help="build the index here when another process building it has "
                        "added nothing for this long")
    args = parser.parse_args()

    conversations = [Conversation.of(row) for row in read_jsonl(CONVERSATIONS, args.limit)]
    if args.only:
        conversations = [c for c in conversations if c.id in set(args.only)]
    if len({c.id for c in conversations}) != len(conversations):
        raise SystemExit("conversation ids must be unique")

    outcomes: list[Outcome] = []
    started = time.perf_counter()
    realtime = [c for c in conversations if c.corpus == "realtimeqa"]
    on_samples = [c for c in conversations if c.corpus == "samples"]
    articles = 0
    embedder: Embedder | None = None
    if realtime:
        rtqa = realtimeqa_container(args.backend, [c.article_url for c in realtime],
                                    args.stall_minutes)
        try:
            articles = rtqa.articles.count()
            check_answers(rtqa, realtime)
            with_selection(rtqa.answerer, args.set)
            rtqa.answerer.answer("warm up")
            outcomes += [converse(rtqa, c) for c in realtime]
            embedder = rtqa.embedder  # loaded once, shared with the samples' container
        finally:
            rtqa.close()
    if on_samples:
        with samples_container(args.backend, embedder) as samples:
            check_answers(samples, on_samples)
            with_selection(samples.answerer, args.set)
            outcomes += [converse(samples, c) for c in on_samples]
    order = {c.id: i for i, c in enumerate(conversations)}
    outcomes.sort(key=lambda o: order[o.conversation.id])

    def subset(standalone: bool | None = None, corpus: str = "") -> dict[str, Any]:
        return shares([o for o in outcomes
                       if standalone in (None, o.conversation.standalone)
                       and corpus in ("", o.conversation.corpus)])

    print(json.dumps({
        "machine": machine(),
        "backend": args.backend,
        "realtimeqa_articles": articles,
        "seconds": round(time.perf_counter() - started, 1),
        "goal": "first_quote >= 0.85",
        "all": subset(),
        "followups": subset(standalone=False),
        "standalone": subset(standalone=True),
        "samples": subset(corpus="samples"),
        "realtimeqa": subset(corpus="realtimeqa"),
        "misses": [o.miss() for o in outcomes if not o.first_quote],
    }, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
