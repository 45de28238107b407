"""Sources-file and `--every` limits, and two spellings of one location, as a real subprocess."""

import json
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

NEWSDESK = [sys.executable, "-m", "bot.cli.main"]
MUST = "must be a whole number of minutes from 1 to 5256000 (10 years)"
LIMITS = f"'every' {MUST}"


def _run(tmp_path: Path, *args: str, sources: Path | None = None,
         timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NEWSDESK_DATA_DIR": str(tmp_path / "data"), "HF_HUB_OFFLINE": "1"}
    env.pop("NEWSDESK_SOURCES_FILE", None)
    if sources is not None:
        env["NEWSDESK_SOURCES_FILE"] = str(sources)
    return subprocess.run([*NEWSDESK, *args], env=env, cwd=tmp_path, capture_output=True,
                          text=True, timeout=timeout, check=False)


def _notes(tmp_path: Path) -> Path:
    notes = tmp_path / "notes"
    notes.mkdir(exist_ok=True)
    (notes / "a.txt").write_text("Council approves budget\n\nThe council approved the budget.")
    return notes


@pytest.mark.parametrize("every", ["10000000000", "9223372036854775807", "true", "0", "1.5",
                                   "5256001", '"60"'])
def test_an_absurd_interval_in_the_sources_file_is_refused_naming_the_entry(
    tmp_path: Path, every: str,
) -> None:
    _notes(tmp_path)
    sources = tmp_path / "sources.toml"
    sources.write_text(f'[[folders]]\nname = "Notes"\npath = "notes"\nevery = {every}\n')
    for command in (["sources", "list"], ["ingest", "--sources", str(sources)]):
        done = _run(tmp_path, *command, sources=sources)
        assert done.returncode == 1, done.stdout
        assert done.stderr.strip().splitlines() == [
            f"newsdesk: sources file {sources} [[folders]] #1: {LIMITS}; got {every}"]


def test_the_longest_interval_is_taken(tmp_path: Path) -> None:
    _notes(tmp_path)
    sources = tmp_path / "sources.toml"
    sources.write_text('[[folders]]\nname = "Notes"\npath = "notes"\nevery = 5256000\n')
    done = _run(tmp_path, "sources", "list", "--json", sources=sources)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)[0]["every_minutes"] == 5256000


def test_every_on_the_command_line_is_checked_against_the_same_limits(tmp_path: Path) -> None:
    notes = _notes(tmp_path)
    for every in ("0", "5256001", "9223372036854775807"):
        done = _run(tmp_path, "sources", "add", str(notes), "--every", every)
        assert done.returncode == 1
        assert done.stderr.strip().splitlines() == [
            f"newsdesk: --every {every}: {MUST}"]
    assert _run(tmp_path, "sources", "add", str(notes), "--every", "5256000").returncode == 0


def test_an_absurd_interval_already_stored_is_clamped_when_read(tmp_path: Path) -> None:
    notes = _notes(tmp_path)
    assert _run(tmp_path, "sources", "add", str(notes), "--every", "30").returncode == 0
    with closing(sqlite3.connect(tmp_path / "data" / "newsdesk.sqlite3")) as db, db:
        db.execute("UPDATE sources SET interval_minutes = 9223372036854775807")
    listed = _run(tmp_path, "sources", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout)[0]["every_minutes"] == 5256000
    ingested = _run(tmp_path, "ingest", "--json", timeout=300)
    assert ingested.returncode == 0, ingested.stderr
    assert json.loads(ingested.stdout)["added"] == 1
    listed = _run(tmp_path, "sources", "list", "--json")
    assert json.loads(listed.stdout)[0]["health"] == "ok"  # its health was recorded


def test_two_spellings_of_one_folder_are_refused_naming_both(tmp_path: Path) -> None:
    _notes(tmp_path)
    sources = tmp_path / "sources.toml"
    sources.write_text('[[folders]]\npath = "notes/"\n\n[[folders]]\npath = "./notes"\n')
    for command in (["sources", "list"], ["ingest", "--sources", str(sources)]):
        done = _run(tmp_path, *command, sources=sources)
        assert done.returncode == 1
        assert done.stderr.strip().splitlines() == [
            f"newsdesk: sources file {sources} [[folders]] #2 ('./notes') is the same location "
            f"as [[folders]] #1 ('notes/'): {tmp_path / 'notes'}; keep one of them"]


def test_one_url_twice_is_refused_naming_both(tmp_path: Path) -> None:
    sources = tmp_path / "sources.toml"
    sources.write_text('[[feeds]]\nurl = "https://news.example/rss"\n\n'
                       '[[pages]]\nurl = " https://news.example/rss"\n')
    done = _run(tmp_path, "sources", "list", sources=sources)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"newsdesk: sources file {sources} [[pages]] #1 (' https://news.example/rss') is the "
        "same location as [[feeds]] #1 ('https://news.example/rss'): "
        "https://news.example/rss; keep one of them"]
