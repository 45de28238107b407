from pathlib import Path

import pytest

from bot.settings import Settings
from ingest.errors import ConfigError

ENV_EXAMPLE = Path(__file__).resolve().parents[2] / ".env.example"


def test_environment_prefix_and_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSDESK_ADMIN_IDS", "12, 34")
    monkeypatch.setenv("NEWSDESK_DATA_DIR", "/tmp/nd")
    monkeypatch.setenv("NEWSDESK_SOURCES_FILE", "")
    settings = Settings()
    assert settings.admin_ids == [12, 34]
    assert settings.data_dir == Path("/tmp/nd")
    assert settings.sources_file is None
    assert settings.sqlite_path == Path("/tmp/nd/newsdesk.sqlite3")


def test_dotenv_file_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("NEWSDESK_LLM=fake:model\nNEWSDESK_CHUNK_SIZE=500\n")
    settings = Settings()
    assert settings.llm == "fake:model" and settings.chunk_size == 500


def test_database_url_must_be_sqlite() -> None:
    assert Settings(database_url="sqlite:////var/nd.db").sqlite_path == Path("/var/nd.db")
    with pytest.raises(ConfigError, match="sqlite"):
        _ = Settings(database_url="postgres://x").sqlite_path


def test_every_setting_is_documented_in_env_example() -> None:
    documented = {
        line.split("=", 1)[0].removeprefix("# ").strip()
        for line in ENV_EXAMPLE.read_text().splitlines()
        if "NEWSDESK_" in line and "=" in line
    }
    expected = {f"NEWSDESK_{name.upper()}" for name in Settings.model_fields}
    assert expected <= documented
