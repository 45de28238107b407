"""Topic alerts: matching cost against the ingest that brought the articles, and fan-out pace.

    .venv/bin/python bench/alerts.py match  [--articles 1000] [--subscriptions 10000]
    .venv/bin/python bench/alerts.py fanout [--chats 3000] [--senders 1] [--paid-broadcast]

match: subscribes N chats to topics cut from real headlines (BBC News and RealTime QA titles not
among the ingested articles; one in ten with a quoted phrase, one in twenty with an exclusion),
ingests the first M RealTime QA articles (the baseline: that ingest's wall time, and the time
spent embedding inside it), then matches them against every subscription with the bot's own
AlertService, each first round in a fresh Container (a worker that just started): cold (the
subscriptions keep their topic's parse and vector, as /subscribe makes them), warm (the same
round again in that worker), and upgraded (the rows as a database made before subscriptions
kept their topics has them, so each distinct topic is parsed and embedded in the round).

fanout: one story matched by C subscribed chats, delivered by the bot's AlertDelivery through
PTB's AIORateLimiter to the local fake Bot API; reports messages/s as a fraction of Telegram's
30/s ceiling, and checks that every chat got exactly one alert and the outbox is empty. With
--paid-broadcast the alerts carry allow_paid_broadcast, which PTB's limiter lets through at up to
1,000/s instead of 30/s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import SecretStr

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from alerts.topics import parse_topic
from bench.common import NEWSDATA, machine, read_jsonl, stopwatch, warm_embedder
from bot.container import Container
from bot.settings import Settings
from core.errors import SubscriptionError
from core.terms import STOPWORDS
from ingest.pipeline import SourceSpec
from ingest.sample_articles import SAMPLES_DIR
from retrieval.embeddings import Embedder
from storage.alerts import AlertRepository
from storage.subscriptions import SubscriptionRepository

_WORD = re.compile(r"[A-Za-z][A-Za-z'-]+")


class Clock:
    """The alerts' now, fixed by the benchmark."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class TimedEmbedder(Embedder):
    """The real embedder, counting the seconds spent encoding."""

    def __init__(self, inner: Embedder) -> None:
        super().__init__(inner.model_path, inner.identity, inner.batch_size)
        self.inner = inner
        self.seconds = 0.0

    @property
    def dimension(self) -> int:
        return self.inner.dimension

    def _encode(self, texts: list[str]) -> np.ndarray:
        started = time.perf_counter()
        try:
            return self.inner.encode(texts)
        finally:
            self.seconds += time.perf_counter() - started


def headline_topics(count: int, skip_titles: set[str], seed: int = 7) -> list[str]:
    """Topics as people write them: two or three content words from a real headline."""
    titles = [t for t in _titles() if t not in skip_titles]
    rng = random.Random(seed)
    topics: list[str] = []
    while len(topics) < count:
        words = [w for w in _WORD.findall(rng.choice(titles)) if w.lower() not in STOPWORDS]
        if len(words) < 2:
            continue
        size = min(len(words), rng.choice((2, 2, 3)))
        start = rng.randrange(0, len(words) - size + 1)
        topic = " ".join(words[start:start + size])
        roll = rng.random()
        if roll < 0.1:
            topic = f'"{words[start]}" {" ".join(words[start + 1:start + size])}'.strip()
        elif roll < 0.15:
            topic += f" -{rng.choice(('sport', 'football', 'opinion', 'video'))}"
        try:
            parse_topic(topic)
        except SubscriptionError:  # e.g. words the parser reads as exclusions only
            continue
        topics.append(topic)
    return topics


def _titles() -> list[str]:
    titles = [row["title"] for row in read_jsonl(NEWSDATA / "realtimeqa_corpus.jsonl")
              if row.get("title")]
    for path in sorted((NEWSDATA / "bbc_fulltext").rglob("*.txt")):
        first = path.read_bytes().split(b"\n", 1)[0].decode("utf-8", "replace").strip()
        if first:
            titles.append(first)
    return titles


def bench_match(articles: int, subscriptions: int) -> dict[str, Any]:
    rows = read_jsonl(NEWSDATA / "realtimeqa_corpus.jsonl", articles)
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "articles.jsonl"
        corpus.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        clock = Clock(datetime.now(UTC) - timedelta(minutes=5))
        embedder = TimedEmbedder(warm_embedder())
        settings = Settings(data_dir=Path(tmp) / "data", alert_max_age_hours=24 * 365 * 50)
        container = Container(settings, embedder=embedder, clock=clock)
        repo = SubscriptionRepository(container.database)
        topics = headline_topics(subscriptions, {r.get("title") or "" for r in rows})
        with stopwatch() as subscribing:
            parsed = [parse_topic(topic) for topic in topics]
            kept = container.alerts.kept(parsed)  # what /subscribe keeps, one at a time
            for chat, (topic, keep) in enumerate(zip(parsed, kept, strict=True), 1):
                repo.add(chat, "private", None, topic.text, topic.key, now=clock(), limit=20,
                         kept=keep)
        embedder.seconds = 0.0
        with stopwatch() as ingesting:
            report = container.pipeline.run([SourceSpec(str(corpus))])
        embedding = embedder.seconds
        cursor = AlertRepository(container.database).cursor()
        container.close()

        def forget_round(worker: Container) -> None:
            with worker.database.write() as conn:
                conn.exec_driver_sql("DELETE FROM alert_outbox")
                conn.exec_driver_sql("DELETE FROM stories")
                conn.exec_driver_sql(
                    f"UPDATE meta SET value='{cursor}' WHERE key='alerts_revision'")

        clock.now = datetime.now(UTC)
        worker = Container(settings, embedder=embedder, clock=clock)
        with stopwatch() as cold:
            first = worker.alerts.match_new()
        forget_round(worker)
        with stopwatch() as warm:
            second = worker.alerts.match_new()
        forget_round(worker)
        with worker.database.write() as conn:  # the rows of a database made before 0017
            conn.exec_driver_sql("UPDATE subscriptions SET topic_parsed = NULL, "
                                 "topic_vector = NULL, topic_model = NULL")
        worker.close()
        worker = Container(settings, embedder=embedder, clock=clock)
        with stopwatch() as upgraded:
            third = worker.alerts.match_new()
        worker.close()
    return {
        "articles": report.added, "chunks": report.chunks_indexed,
        "subscriptions": subscriptions, "distinct_topics": len(set(topics)),
        "subscribe_s": round(subscribing(), 1),
        "ingest_s": round(ingesting(), 1), "embedding_s": round(embedding, 1),
        "match_cold_s": round(cold(), 2), "match_warm_s": round(warm(), 2),
        "match_upgraded_s": round(upgraded(), 2),
        "matches": first.matches, "alerts_queued": first.queued, "warm_matches": second.matches,
        "upgraded_matches": third.matches,
        "cold_vs_embedding": round(cold() / embedding, 3),
        "warm_vs_embedding": round(warm() / embedding, 3),
        "upgraded_vs_embedding": round(upgraded() / embedding, 3),
        "cold_vs_ingest": round(cold() / ingesting(), 3),
    }


async def bench_fanout(chats: int, senders: int, paid_broadcast: bool = False) -> dict[str, Any]:
    from bot.telegram.alerts import AlertDelivery
    from bot.telegram.app import build_application, retry_policy
    from tests.bot.test_alerts_service import NARA_DEAL
    from tests.support.fake_bot_api import FakeBotAPI

    api = FakeBotAPI().start()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp) / "data", telegram_token=SecretStr(api.token),
                            telegram_api_url=api.base_url, ingest_interval_minutes=0)
        container = Container(settings, embedder=warm_embedder())
        container.pipeline.run([SourceSpec(str(SAMPLES_DIR))])
        repo = SubscriptionRepository(container.database)
        now = datetime.now(UTC) - timedelta(minutes=1)
        for chat in range(1, chats + 1):
            repo.add(chat, "private", None, "Nara summit", "nara summit", now=now, limit=20)
        news = Path(tmp) / "news"
        news.mkdir()
        (news / "deal.md").write_text(
            f"---\ntitle: Lee and Takaichi agree to keep talking at Nara summit\n"
            f"source: Bench Wire\npublished: {datetime.now(UTC).isoformat()}\n"
            f"url: https://bench.example/deal\n---\n{NARA_DEAL}\n", encoding="utf-8")
        container.pipeline.run([SourceSpec(str(news))])
        queued = container.alerts.match_new().queued
        app = build_application(settings, container)
        delivery = AlertDelivery(container.alerts, container.ingest_runner, tick_seconds=3600,
                                 retry=retry_policy(settings), senders=senders,
                                 paid_broadcast=paid_broadcast)
        async with app:
            with stopwatch() as sending:
                sent = await delivery.deliver(app.bot)
        per_chat = Counter(p["chat_id"] for p in api.sent() if str(p["text"]).startswith("🔔"))
        left = container.alerts.queued()
        container.close()
    api.stop()
    rate = sent / sending()
    return {
        "chats": chats, "senders": senders, "paid_broadcast": paid_broadcast,
        "queued": queued, "sent": sent,
        "seconds": round(sending(), 1), "messages_per_s": round(rate, 2),
        "fraction_of_30": round(rate / 30, 3),
        "lost": chats - len(per_chat), "duplicated": sum(n - 1 for n in per_chat.values()),
        "left_in_outbox": left,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("part", choices=("match", "fanout"))
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--subscriptions", type=int, default=10_000)
    parser.add_argument("--chats", type=int, default=3000)
    parser.add_argument("--senders", type=int, default=1)
    parser.add_argument("--paid-broadcast", action="store_true",
                        help="send with allow_paid_broadcast (PTB's 1,000/s limiter)")
    args = parser.parse_args()
    if args.part == "match":
        result = bench_match(args.articles, args.subscriptions)
    else:
        result = asyncio.run(bench_fanout(args.chats, args.senders, args.paid_broadcast))
    print(json.dumps({"machine": machine(), **result}, indent=2))


if __name__ == "__main__":
    main()
