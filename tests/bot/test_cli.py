"""The `newsdesk` CLI, in-process and as a real subprocess."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

from bot.cli.main import main


@pytest.fixture
def data_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    data = tmp_path / "data"
    monkeypatch.setenv("NEWSDESK_DATA_DIR", str(data))
    return data


def test_ingest_samples_then_stats_and_search(
    data_env: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["ingest", "--samples", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["added"] == 6 and report["failed"] == []
    assert main(["ingest", "--samples"]) == 0
    assert "unchanged 6" in capsys.readouterr().out
    assert main(["stats", "--json", "--vectors"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["articles"] == 6 and stats["chunks"] == stats["indexed_chunks"] > 0
    assert stats["newest"]["published"].startswith("2026-01-12")
    assert main(["search", "CPTPP trade pact", "--json", "--k", "2"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert len(hits) == 2 and "Nara" in hits[0]["title"]
    assert {"url", "published", "start", "end", "source"} <= set(hits[0])
    assert main(["search", "CPTPP trade pact", "--k", "1"]) == 0
    assert "score" not in capsys.readouterr().out
    assert (stats["outlets"], stats["registered_sources"]) == (stats["sources"], 0)
    assert main(["stats"]) == 0
    assert "sources:   0 ingested on a schedule" in capsys.readouterr().out
    assert main(["latest", "--json", "--limit", "3"]) == 0
    newest = json.loads(capsys.readouterr().out)
    assert len(newest) == 3 and newest[0]["published"].startswith("2026-01-12")
    assert main(["latest", "Nara", "summit"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Latest on “Nara summit”:\n• Lee heads to Nara")


def test_exit_status_when_nothing_could_be_ingested(
    data_env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    (tmp_path / "empty.md").write_text("")
    assert main(["ingest", str(tmp_path / "empty.md"), str(tmp_path / "missing.txt")]) == 1
    out = capsys.readouterr().out
    assert "failed 2" in out and "empty file" in out and "no such file" in out


def test_partial_failure_still_exits_zero(
    data_env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    (tmp_path / "ok.txt").write_text("A fine headline\n\nA fine body of text.")
    assert main(["ingest", str(tmp_path / "ok.txt"), str(tmp_path / "missing.txt")]) == 0


def test_usage_errors_are_clear(data_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ingest"]) == 1
    assert "nothing to ingest" in capsys.readouterr().err
    assert main(["search", "x", "--since", "someday"]) == 1
    assert "cannot read the date" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["frobnicate"])


def test_alerts_preview_and_status(data_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ingest", "--samples"]) == 0
    capsys.readouterr()
    assert main(["alerts", "preview", "Nara", "summit"]) == 0
    out = capsys.readouterr().out
    assert "“Nara summit” would have alerted on:" in out
    assert "Lee heads to Nara for fifth summit" in out and "Newsdesk Sample Wire" in out
    assert main(["alerts", "preview", "--json", "--", '"Sanae Takaichi"', "-Nara"]) == 0
    assert json.loads(capsys.readouterr().out) == {"topic": '"Sanae Takaichi" -Nara',
                                                    "stories": [], "close_calls": []}
    assert main(["alerts", "preview", '"unclosed']) == 1
    assert "quote is not closed" in capsys.readouterr().err
    assert main(["alerts", "status", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"subscriptions": 0, "chats": 0, "queued": 0}


def test_sources_file(data_env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.txt").write_text("Council approves budget\n\nThe council approved the budget.")
    sources = tmp_path / "sources.toml"
    sources.write_text('[[folders]]\nname = "Council notes"\npath = "notes"\n')
    assert main(["ingest", "--sources", str(sources), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["added"] == 1
    sources.write_text("[[feeds]]\nname = 3\n")
    assert main(["ingest", "--sources", str(sources)]) == 1
    assert "needs a string 'url'" in capsys.readouterr().err
    sources.write_text('[[feeds]]\nurl = "http://[::1/feed"\n')
    assert main(["ingest", "--sources", str(sources)]) == 1
    assert "[[feeds]] #1: url 'http://[::1/feed': malformed URL" in capsys.readouterr().err


def test_sources_commands_and_ingest_of_every_source(
    data_env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.txt").write_text("Council approves budget\n\nThe council approved the budget.")
    assert main(["sources", "list"]) == 0
    assert "no sources yet" in capsys.readouterr().out
    assert main(["sources", "add", str(notes), "--name", "Council notes", "--every", "30"]) == 0
    assert "added Council notes" in capsys.readouterr().out
    assert main(["sources", "add", str(notes)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert main(["ingest", "--json"]) == 0  # no SOURCE: every active source
    report = json.loads(capsys.readouterr().out)
    assert report["added"] == 1 and report["sources"][0]["location"] == str(notes)
    assert main(["sources", "list", "--json"]) == 0
    [listed] = json.loads(capsys.readouterr().out)
    assert (listed["name"], listed["health"], listed["items"], listed["every_minutes"]) == (
        "Council notes", "ok", 1, 30)
    assert main(["sources", "pause", "council notes"]) == 0
    assert main(["sources", "list"]) == 0
    assert "paused (paused by an admin)" in capsys.readouterr().out
    assert main(["ingest"]) == 1
    assert "nothing to ingest" in capsys.readouterr().err
    assert main(["sources", "resume", "Council notes"]) == 0
    assert main(["sources", "remove", "Council notes"]) == 0
    assert main(["sources", "remove", "Council notes"]) == 1
    assert "No source named “Council notes”" in capsys.readouterr().err


def test_listing_sources_loads_no_model(data_env: Path) -> None:
    code = ("import sys; from bot.cli.main import main; main(['sources', 'list']); "
            "print(sorted(m for m in ('torch', 'sentence_transformers') "
            "if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, env={**os.environ})
    assert done.stdout.strip().endswith("[]")


ML_AND_VECTOR_LIBRARIES = ("torch", "sentence_transformers", "transformers", "onnxruntime",
                           "chromadb", "langchain_core", "langchain_text_splitters",
                           "trafilatura", "feedparser")


@pytest.mark.parametrize(("command", "also_absent"), [
    (["--help"], ("sqlalchemy", "alembic", "pydantic")),
    (["stats"], ()),
    (["sources", "list"], ()),
    (["alerts", "status"], ()),
])
def test_commands_that_do_not_search_import_no_heavy_library(
    data_env: Path, command: list[str], also_absent: tuple[str, ...]
) -> None:
    heavy = ML_AND_VECTOR_LIBRARIES + also_absent
    code = (f"import sys\nfrom bot.cli.main import main\ntry:\n    main({command!r})\n"
            "except SystemExit:\n    pass\n"
            f"print(sorted(m for m in {heavy!r} if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, env={**os.environ})
    assert done.stdout.strip().endswith("[]"), done.stdout[-300:]
    assert len(done.stdout.strip()) > 2  # the command printed something before the list


def test_one_shot_ask_runs_the_exported_model_without_torch(
    data_env: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["ingest", "--samples"]) == 0
    capsys.readouterr()
    code = ("import sys\nfrom bot.cli.main import main\n"
            "main(['ask', 'What is on the Nara summit agenda?', '--json'])\n"
            "print(sorted(m for m in ('torch', 'sentence_transformers', 'transformers', "
            "'langchain_core') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, env={**os.environ})
    answer_line, modules = done.stdout.strip().splitlines()
    assert json.loads(answer_line)["found"] is True
    assert modules == "[]"


def _jsonl(path: Path, count: int) -> None:
    with path.open("w") as out:
        for i in range(count):
            text = "\n\n".join(
                f"Item {i} paragraph {p}: the committee heard evidence about topic {i}. " * 4
                for p in range(12)
            )
            out.write(json.dumps({"url": f"https://kill.example/{i}", "title": f"Story {i}",
                                  "text": text, "published": "2026-01-10"}) + "\n")


# 12 chunks an article, so a batch (256 chunks) is 22 articles: 48 are two batches and a part,
# enough that the kill (in the first) leaves more than a batch for the next run.
ARTICLES = 48


@pytest.mark.slow
def test_killed_ingest_is_completed_by_the_next_run(tmp_path: Path) -> None:
    source = tmp_path / "many.jsonl"
    _jsonl(source, ARTICLES)
    env = {**os.environ, "NEWSDESK_DATA_DIR": str(tmp_path / "data"),
           "NEWSDESK_CHUNK_SIZE": "400"}
    command = [sys.executable, "-m", "bot.cli.main", "ingest", str(source), "--json"]
    process = subprocess.Popen(command, env=env, cwd=tmp_path, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    database = tmp_path / "data" / "newsdesk.sqlite3"
    deadline = time.monotonic() + 120
    stored = 0
    while time.monotonic() < deadline and process.poll() is None:
        if database.exists():
            with closing(sqlite3.connect(database)) as db:
                try:
                    stored = db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
                except sqlite3.OperationalError:
                    stored = 0
            if stored > 0:
                break
        time.sleep(0.05)
    assert process.poll() is None, "ingest finished before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait()
    finish = subprocess.run(command, env=env, cwd=tmp_path, capture_output=True, text=True,
                            timeout=600, check=False)
    assert finish.returncode == 0, finish.stderr
    report = json.loads(finish.stdout)
    assert report["added"] + report["unchanged"] == ARTICLES
    # a kill costs at most one batch of embedding (256 chunks, rounded up to whole articles)
    assert 0 < report["chunks_resumed"] <= 256 + 16
    stats = subprocess.run(
        [sys.executable, "-m", "bot.cli.main", "stats", "--json", "--vectors"], env=env,
        cwd=tmp_path, capture_output=True, text=True, check=True,
    )
    counts = json.loads(stats.stdout)
    assert counts["articles"] == ARTICLES and counts["pending"] == 0
    assert counts["chunks"] == counts["indexed_chunks"]


def test_ask_human_json_and_stdin(
    data_env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert main(["ingest", "--samples"]) == 0
    capsys.readouterr()
    assert main(["ask", "What is on the Nara summit agenda?"]) == 0
    human = capsys.readouterr().out
    assert "[1]" in human and "Sources:" in human and "Lee heads to Nara" in human
    assert main(["ask", "What did the central bank decide?", "--json", "--k", "2"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["found"] and 1 <= len(answer["citations"]) <= 2
    assert "3.25%" in " ".join(c["snippet"] for c in answer["citations"])
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO(
        "Who won the winter marathon?\n\nHow do I bake sourdough bread?\n"))
    assert main(["ask", "--json", "-"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    first, second = (json.loads(line) for line in lines)
    assert first["found"] and "Osei" in first["citations"][0]["snippet"]
    assert not second["found"] and second["citations"] == []


def test_questions_that_are_not_text(
    data_env: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path,
) -> None:
    assert main(["ingest", "--samples"]) == 0
    capsys.readouterr()
    assert main(["ask", "   "]) == 1
    assert "the question is empty" in capsys.readouterr().err
    assert main(["ask", "--json", '" OR 1=1 --']) == 0
    injected = json.loads(capsys.readouterr().out)
    assert not injected["found"] and injected["citations"] == []
    assert main(["ask", "--json", "Who won the winter marathon? \udcff\ud800"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["found"] and "\ufffd" in answer["question"]
    # stdin with an undecodable line: it is answered (as far as it reads), the rest too
    stdin = tmp_path / "questions.txt"
    stdin.write_bytes(b"What did the central bank decide?\n\xff\xfe bad bytes\n"
                      b"Who won the winter marathon?\n")
    env = {**os.environ, "NEWSDESK_DATA_DIR": str(data_env)}
    with stdin.open("rb") as handle:
        result = subprocess.run([sys.executable, "-m", "bot.cli.main", "ask", "--json", "-"],
                                stdin=handle, env=env, cwd=tmp_path, capture_output=True,
                                text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 3 and lines[0]["found"] and lines[2]["found"]
    assert "Traceback" not in result.stderr


def test_chat_keeps_the_story_for_follow_ups(
    data_env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    import io

    assert main(["ingest", "--samples"]) == 0
    capsys.readouterr()
    monkeypatch.setattr("sys.stdin", io.StringIO(
        "What is on the Nara summit agenda?\nand the seafood ban?\n/quit\nnever asked\n"))
    assert main(["chat"]) == 0
    out = capsys.readouterr().out
    assert "seafood imports from eight Japanese prefectures" in out
    assert out.count("Sources:") == 2  # two answers: nothing after /quit was asked
    assert "I found nothing" not in out


def test_chat_shows_more_of_the_last_answer_once(
    data_env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    import io

    from bot.render_text import NOTHING_MORE

    # the first sample question whose answer keeps further quotes (answers' tuning decides)
    questions = ["What is on the Nara summit agenda?", "Why does South Korea ban Japanese "
                 "seafood?", "How did the Port Halden flood barrier work?"]
    assert main(["ingest", "--samples"]) == 0
    capsys.readouterr()
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(questions) + "\n"))
    assert main(["ask", "--json", "-"]) == 0
    question, more = next((a["question"], a["more"]) for a in map(
        json.loads, capsys.readouterr().out.splitlines()) if a.get("more"))
    assert {"n", "article_id", "snippet", "start", "end"} <= set(more[0])
    monkeypatch.setattr("sys.stdin", io.StringIO(f"/more\n{question}\n/more\nmore\n"))
    assert main(["chat"]) == 0
    out = capsys.readouterr().out
    # nothing asked yet; then the answer; its further quotes; nothing more (shown already)
    assert out.startswith(NOTHING_MORE) and out.rstrip().endswith(NOTHING_MORE)
    quote = " ".join(more[0]["snippet"].split())
    answer, shown = out.split(f"\n    “{quote}” [{more[0]['n']}]", 1)
    assert quote not in answer and "Sources:" in answer
    assert f"\n\nSources:\n[{more[0]['n']}] {more[0]['title']}" in shown
    assert out.count(NOTHING_MORE) == 2


def test_run_exits_non_zero_on_a_missing_or_rejected_token(tmp_path: Path) -> None:
    from tests.support.fake_bot_api import FakeBotAPI

    api = FakeBotAPI().start()
    env = {**os.environ, "NEWSDESK_DATA_DIR": str(tmp_path / "data"),
           "NEWSDESK_TELEGRAM_API_URL": api.base_url}
    command = [sys.executable, "-m", "bot.cli.main", "run"]
    try:
        missing = subprocess.run(command, env=env, cwd=tmp_path, capture_output=True,
                                 text=True, timeout=120, check=False)
        rejected = subprocess.run(command, env={**env, "NEWSDESK_TELEGRAM_TOKEN": "999:WRONG"},
                                  cwd=tmp_path, capture_output=True, text=True, timeout=120,
                                  check=False)
    finally:
        api.stop()
    assert missing.returncode == 1 and "NEWSDESK_TELEGRAM_TOKEN is not set" in missing.stderr
    assert rejected.returncode == 1 and "rejected the bot token" in rejected.stderr


def test_two_concurrent_ingests_do_not_embed_twice(tmp_path: Path) -> None:
    source = tmp_path / "many.jsonl"
    _jsonl(source, 30)
    env = {**os.environ, "NEWSDESK_DATA_DIR": str(tmp_path / "data"),
           "NEWSDESK_CHUNK_SIZE": "400", "NEWSDESK_LOG_LEVEL": "WARNING"}
    command = [sys.executable, "-m", "bot.cli.main", "ingest", str(source), "--json"]
    # one ingest first: the database and the embedded Chroma folder exist before the race
    # (two processes creating one embedded Chroma at the same instant is Chroma's own race)
    assert subprocess.run([sys.executable, "-m", "bot.cli.main", "ingest", "--samples"],
                          env=env, cwd=tmp_path, capture_output=True, check=False).returncode == 0
    stats = [sys.executable, "-m", "bot.cli.main", "stats", "--json", "--vectors"]
    before = json.loads(subprocess.run(stats, env=env, cwd=tmp_path, capture_output=True,
                                       text=True, check=True).stdout)["chunks"]
    first, second = (subprocess.Popen(command, env=env, cwd=tmp_path, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True) for _ in range(2))
    outputs = [process.communicate(timeout=600) for process in (first, second)]
    assert [p.returncode for p in (first, second)] == [0, 0], outputs
    reports = [json.loads(out) for out, _ in outputs]
    assert sum(r["added"] for r in reports) == 30
    counts = json.loads(subprocess.run(stats, env=env, cwd=tmp_path, capture_output=True,
                                       text=True, check=True).stdout)
    # every chunk embedded exactly once between the two of them
    assert sum(r["chunks_indexed"] for r in reports) == counts["chunks"] - before
    assert counts["chunks"] == counts["indexed_chunks"]
    assert any("waiting for it" in err for _, err in outputs)


HOSTILE_FEED = """<?xml version="1.0"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>Harbour Post</title>
<item><title>Teaser one</title><link>http://{label}.example/story</link>
<description>A teaser.</description></item>
<item><title>Teaser two</title><link>http://[::1/story</link>
<description>Another teaser.</description></item>
<item><title>Ferry fares frozen for a year</title><link>https://harbour.example/fares</link>
<content:encoded><![CDATA[<p>{body}</p>]]></content:encoded></item>
</channel></rss>"""


def test_malformed_links_in_a_feed_cost_only_their_items(tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    body = "The harbour board froze ferry fares for a year on Tuesday, citing costs. " * 12
    (folder / "harbour.xml").write_text(HOSTILE_FEED.format(label="a" * 70, body=body))
    (folder / "notes.txt").write_text("Council approves budget\n\nThe council approved it.")
    env = {**os.environ, "NEWSDESK_DATA_DIR": str(tmp_path / "data")}
    newsdesk = [sys.executable, "-m", "bot.cli.main"]
    done = subprocess.run([*newsdesk, "ingest", str(folder), "--json"], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["added"] == 2
    reasons = sorted(f["reason"] for f in report["failed"])
    assert reasons == ["bad link: host name label too long (70 characters; limit 63)",
                       "bad link: malformed URL (Invalid IPv6 URL)"]
    refused = subprocess.run([*newsdesk, "sources", "add", "http://[::1/story"], env=env,
                             cwd=tmp_path, capture_output=True, text=True, timeout=60,
                             check=False)
    assert refused.returncode == 1
    assert refused.stderr.strip().splitlines() == [
        "newsdesk: http://[::1/story: malformed URL (Invalid IPv6 URL)"]
