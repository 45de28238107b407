"""`newsdesk search`, `ask` and `chat`."""

from __future__ import annotations

import argparse
import io
import json
import sys
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from bot.render_text import NOTHING_MORE, render_answer, render_more
from core.errors import ConfigError
from ingest.dates import parse_published
from retrieval.answer import Answer

if TYPE_CHECKING:
    from bot.container import Container

CONSOLE_CHAT = "console"


def add_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the query-side subcommands."""
    search = commands.add_parser("search", help="top matching chunks with their metadata")
    search.add_argument("query", metavar="QUERY")
    _query_options(search, "how many chunks")
    search.set_defaults(handler=run_search)

    ask = commands.add_parser(
        "ask", help="answer a question with cited snippets",
        description="Answer with verbatim quotes from the ingested news, each numbered and "
        "linked to its source. With QUESTION '-' and --json, read one question per line from "
        "stdin and print one JSON answer per line.",
    )
    ask.add_argument("question", metavar="QUESTION")
    _query_options(ask, "at most this many citations")
    ask.set_defaults(handler=run_ask)

    chat = commands.add_parser(
        "chat", help="a console conversation (follow-up questions keep their context)"
    )
    chat.set_defaults(handler=run_chat)

    latest = commands.add_parser(
        "latest", help="the newest headlines, on a topic when one is given (as /latest)")
    latest.add_argument("topic", nargs="*", metavar="TOPIC", help="e.g. flood barrier")
    latest.add_argument("--limit", type=int, default=5, help="headlines to show (default 5)")
    latest.add_argument("--json", action="store_true", help="print as JSON")
    latest.set_defaults(handler=run_latest)


def _query_options(parser: argparse.ArgumentParser, k_help: str) -> None:
    parser.add_argument("--k", type=int, default=5, help=f"{k_help} (default 5)")
    parser.add_argument("--since", default="", help="only articles published on/after DATE")
    parser.add_argument("--json", action="store_true", help="print as JSON")


def _since(value: str) -> datetime | None:
    since = parse_published(value, allow_future=True) if value else None
    if value and since is None:
        raise ConfigError(f"--since: cannot read the date {value!r} (try 2026-01-12)")
    return since


def run_search(args: argparse.Namespace, container: Container) -> int:
    """Print the top chunks for a query."""
    since = _since(args.since)
    container.verify_embedding_model()
    hits = container.questions.passages(args.query, k=max(1, args.k), since=since)
    if args.json:
        print(json.dumps([h.to_dict() for h in hits], ensure_ascii=False))
        return 0
    if not hits:
        print("No matching articles. Ingest some news first: newsdesk ingest --samples")
        return 0
    for rank, hit in enumerate(hits, start=1):
        ref = hit.ref
        print(f"[{rank}] {ref.title} — {ref.source}, {ref.day}")
        if ref.url:
            print(f"    {ref.url}")
        print(f"    {' '.join(hit.text.split())[:300]}")
    return 0


def run_latest(args: argparse.Namespace, container: Container) -> int:
    """Print the newest headlines, on a topic when one is given."""
    topic = " ".join(args.topic).strip()
    if topic:
        container.verify_embedding_model()
    stories = container.browsing.latest(topic, limit=max(1, min(args.limit, 50)))
    if args.json:
        print(json.dumps([s.to_dict() for s in stories], ensure_ascii=False))
        return 0
    if not stories:
        print(f"Nothing on “{topic}” yet." if topic else
              "No news yet. Ingest some first: newsdesk ingest --samples")
        return 0
    print(f"Latest on “{topic}”:" if topic else "Latest headlines:")
    for story in stories:
        print(f"• {story.title} — {story.source}, {story.day}")
        if story.url:
            print(f"    {story.url}")
    return 0


def run_ask(args: argparse.Namespace, container: Container) -> int:
    """Answer one question, or one per stdin line with ``--json -``."""
    since = _since(args.since)
    if not args.question.strip():
        raise ConfigError("ask: the question is empty (try: newsdesk ask \"What is on the Nara "
                          "summit agenda?\")")
    container.verify_embedding_model()
    k = max(1, min(args.k, 10))
    if args.question == "-":
        if isinstance(sys.stdin, io.TextIOWrapper):
            sys.stdin.reconfigure(errors="replace")  # one undecodable line must not end the rest
        for line in sys.stdin:
            if line.strip():
                answer = container.questions.answer(line, k=k, since=since)
                print(json.dumps(answer.to_dict(), ensure_ascii=False), flush=True)
        return 0
    answer = container.questions.answer(args.question, k=k, since=since)
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False))
    else:
        print(render_answer(answer))
    return 0


def run_chat(args: argparse.Namespace, container: Container) -> int:
    """Read questions from the console until EOF or /quit; follow-ups keep their context."""
    container.verify_embedding_model()
    service = container.questions
    service.forget(CONSOLE_CHAT)
    interactive = sys.stdin.isatty()
    if interactive:
        print("Ask about the news (/more shows more of the last answer's story, /new starts "
              "over, /quit or Ctrl-D leaves).")
    last: Answer | None = None
    while True:
        try:
            question = input("you> " if interactive else "")
        except EOFError:
            break
        question = question.strip()
        if not question:
            continue
        if question in ("/quit", "/exit"):
            break
        if question == "/new":
            service.forget(CONSOLE_CHAT)
            last = None
            print("(new conversation)")
            continue
        if question.lower() in ("/more", "more"):  # the Telegram answer's More button
            print(render_more(last) if last else NOTHING_MORE, end="\n\n", flush=True)
            last = replace(last, more=()) if last else None
            continue
        last = service.ask(CONSOLE_CHAT, question)
        print(render_answer(last), end="\n\n", flush=True)
    return 0
