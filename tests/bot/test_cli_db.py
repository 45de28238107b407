"""`newsdesk db` and what any command says about a database it cannot use."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.cli.main import main
from storage import migrate
from tests.storage.test_migrate import _first_release_data_dir


def run_cli(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot.cli.main", *args],
                          env={**os.environ, **env}, cwd=cwd, capture_output=True, text=True,
                          timeout=120, check=False)


def test_db_current_and_upgrade(
    database_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NEWSDESK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("NEWSDESK_DATABASE_URL", database_url)
    head = migrate.head_revision()
    assert main(["db", "current"]) == 0
    assert capsys.readouterr().out.startswith("none: empty")
    assert main(["db", "upgrade"]) == 0
    assert f"upgraded from an empty database to {head}" in capsys.readouterr().out
    assert main(["db", "current"]) == 0
    assert capsys.readouterr().out.strip() == f"{head} (head)"
    assert main(["db", "upgrade"]) == 0
    assert "already at the newest schema" in capsys.readouterr().out


def test_first_release_data_dir_upgrades_through_the_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = tmp_path / "data"
    _first_release_data_dir(data)
    monkeypatch.setenv("NEWSDESK_DATA_DIR", str(data))
    assert main(["db", "upgrade"]) == 0
    out = capsys.readouterr().out
    assert "upgraded from 0001" in out and "imported 2 conversation turns" in out
    assert main(["stats", "--json"]) == 0
    assert '"articles": 2' in capsys.readouterr().out


def test_unreachable_database_is_one_clear_line(tmp_path: Path) -> None:
    url = "postgresql+psycopg://nobody:secret@127.0.0.1:1/newsdesk"
    result = run_cli("stats", env={"NEWSDESK_DATABASE_URL": url,
                                   "NEWSDESK_DATA_DIR": str(tmp_path / "data")}, cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("newsdesk: cannot reach the database at postgresql+psycopg://nobody:")
    assert "secret" not in line


def test_newer_schema_is_one_clear_line(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = {"NEWSDESK_DATA_DIR": str(data)}
    assert run_cli("db", "upgrade", env=env, cwd=tmp_path).returncode == 0
    engine = sa.create_engine(f"sqlite:///{data / 'newsdesk.sqlite3'}")
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = 'f00d'"))
    engine.dispose()
    result = run_cli("stats", env=env, cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    assert "schema revision f00d, newer than this newsdesk" in line


def test_unknown_database_kind_is_a_configuration_error(tmp_path: Path) -> None:
    result = run_cli("stats", env={"NEWSDESK_DATABASE_URL": "mysql://x@y/z",
                                   "NEWSDESK_DATA_DIR": str(tmp_path)}, cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "must name SQLite" in result.stderr
