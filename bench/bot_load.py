"""The bot under load through the local fake Bot API: 50 users x 5 questions sent at once.

    .venv/bin/python bench/bot_load.py [--users 50] [--questions 5]

The real PTB Application built by bot.telegram.app polls the fake server (tests/support), which
holds all the updates from the start. Reports how many questions were answered (must equal the
number asked), p50/p95 time from the update being available to its reply arriving, and replies
per second, for each number of questions answered at once (NEWSDESK_ANSWER_WORKERS, updates
handled concurrently); then the same run with the bot's concurrency off (updates one at a time)
as the baseline. Uses the RealTime QA index from bench/eval.py when present, else the samples.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path

from pydantic import SecretStr

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import NEWSDATA, machine, read_jsonl, warm_embedder
from bot.container import Container
from bot.settings import Settings
from bot.telegram.app import build_application
from ingest.pipeline import SourceSpec
from ingest.sample_articles import SAMPLES_DIR
from retrieval.embeddings import default_backend
from tests.support.fake_bot_api import FakeBotAPI, private_message

CACHE = Path(__file__).resolve().parent / ".cache"
SAMPLE_QUESTIONS = [
    "What is on the Nara summit agenda?", "and the seafood ban?",
    "What did the central bank decide?", "Who won the winter marathon?",
    "How much did the flood barrier cost?", "Are hydrogen trains running on the Elsdale line?",
]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def run_load(settings: Settings, container: Container, *, concurrent: bool,
                   questions: list[str], users: int, per_user: int) -> dict[str, object]:
    api = FakeBotAPI(settings.telegram_token.get_secret_value()).start()
    settings = settings.model_copy(update={"telegram_api_url": api.base_url})
    app = build_application(settings, container, concurrent=concurrent)
    asked = users * per_user
    try:
        async with app:
            await app.start()
            started = time.time()
            for n in range(asked):
                user = 10_000 + n % users
                api.push(private_message(user, questions[n % len(questions)]))
            assert app.updater is not None  # built with a token: PTB made one
            await app.updater.start_polling(poll_interval=0.0, timeout=1)
            done = await asyncio.to_thread(api.wait_for, lambda a: len(a.sent()) >= asked, 600)
            await app.updater.stop()
            await app.stop()
    finally:
        api.stop()
    replies = [c for c in api.calls if c.method == "sendMessage" and c.params["_ok"]]
    latencies = [call.at - started for call in replies]
    last = max(latencies, default=0.0)
    return {
        "concurrent": concurrent,
        "answer_workers": settings.answer_workers if concurrent else 1,
        "asked": asked, "answered": len(replies),
        "typing_actions": len([c for c in api.calls if c.method == "sendChatAction"]),
        "all_answered": bool(done and len(replies) == asked),
        "p50_s": round(percentile(latencies, 0.5), 2),
        "p95_s": round(percentile(latencies, 0.95), 2),
        "replies_per_s": round(len(replies) / last, 2) if last else 0.0,
        "wall_s": round(last, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--questions", type=int, default=5)
    parser.add_argument("--answer-workers", type=int, nargs="+", default=[1, 2, 4, 64])
    args = parser.parse_args()
    embedder = warm_embedder()
    eval_data = CACHE / f"eval-data-{default_backend()}"
    with tempfile.TemporaryDirectory() as tmp:
        if (eval_data / "newsdesk.sqlite3").exists():
            data = eval_data
            questions = [q["question"] for q in read_jsonl(NEWSDATA / "realtimeqa_eval.jsonl")]
        else:
            data = Path(tmp) / "data"
            questions = SAMPLE_QUESTIONS
        settings = Settings(data_dir=data, telegram_token=SecretStr("123:LOAD"),
                            rate_limit_per_minute=10_000, model_cache_dir=CACHE / "models")
        container = Container(settings, embedder=embedder)
        if data != eval_data:
            container.pipeline.run([SourceSpec(str(SAMPLES_DIR))])
        container.answerer.answer("warm up")
        _ = container.questions  # open every store before timing
        modes = [(True, workers) for workers in args.answer_workers] + [(False, 1)]
        results = [
            asyncio.run(run_load(settings.model_copy(update={"answer_workers": workers}),
                                 container, concurrent=concurrent, questions=questions,
                                 users=args.users, per_user=args.questions))
            for concurrent, workers in modes
        ]
        container.close()
    baseline = results[-1]
    for result in results:
        result["replies_per_s_vs_one_at_a_time"] = ratio(result["replies_per_s"],
                                                         baseline["replies_per_s"])
        result["share_of_telegram_30_per_s"] = ratio(result["replies_per_s"], 30.0)
    print(json.dumps({
        "machine": machine(), "index": str(data.name), "users": args.users,
        "questions_per_user": args.questions, "results": results,
    }, indent=2))


def ratio(value: object, base: object) -> float | None:
    """value / base, rounded; None when there is no base."""
    assert isinstance(value, float) and isinstance(base, float)
    return round(value / base, 3) if base else None


if __name__ == "__main__":
    main()
