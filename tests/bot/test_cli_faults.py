"""Faults under the CLI, as a real subprocess: a corrupted vector store is one clear line."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

NEWSDESK = [sys.executable, "-m", "bot.cli.main"]


def _run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NEWSDESK_DATA_DIR": str(tmp_path / "data"), "HF_HUB_OFFLINE": "1"}
    return subprocess.run([*NEWSDESK, *args], env=env, cwd=tmp_path, capture_output=True,
                          text=True, timeout=300, check=False)


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory, model_cache: Path) -> Path:
    """A data dir after `newsdesk ingest --samples`, made once; tests damage copies of it."""
    root = tmp_path_factory.mktemp("ingested")
    # clean_environment is per test: this fixture sets the same environment by hand
    env = {key: value for key, value in os.environ.items() if not key.startswith("NEWSDESK_")}
    env.update(NEWSDESK_DATA_DIR=str(root / "data"), NEWSDESK_MODEL_CACHE_DIR=str(model_cache),
               HF_HUB_OFFLINE="1")
    done = subprocess.run([*NEWSDESK, "ingest", "--samples"], env=env, cwd=root,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    return root / "data"


@pytest.mark.parametrize("damage", ["garbage", "pages"])
def test_a_corrupted_chroma_folder_is_one_line_for_ask_and_stats(
    tmp_path: Path, ingested: Path, damage: str,
) -> None:
    shutil.copytree(ingested, tmp_path / "data")
    chroma = tmp_path / "data" / "chroma"
    store = chroma / "chroma.sqlite3"
    if damage == "garbage":
        store.write_bytes(b"\x8f not a database " * 4096)
    else:  # the SQLite header kept, every page after it overwritten
        size = store.stat().st_size
        with store.open("r+b") as file:
            file.seek(4096)
            file.write(b"\xa5" * (size - 4096))
    for command in (["ask", "trade pact"], ["stats", "--vectors"]):
        done = _run(tmp_path, *command)
        assert done.returncode == 1
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1, done.stderr
        assert lines[0].startswith(f"newsdesk: cannot open the vector store at {chroma}: ")
        assert lines[0].endswith("move that folder aside and run `newsdesk reindex` to "
                                 "rebuild it from the database")
    chroma.rename(tmp_path / "chroma.damaged")  # what the line says to do works
    assert _run(tmp_path, "reindex").returncode == 0
    answered = _run(tmp_path, "ask", "trade pact")
    assert answered.returncode == 0 and "Nara" in answered.stdout
