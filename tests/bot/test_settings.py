from pathlib import Path

import pytest
from pydantic import SecretStr

from alerts.matching import DEFAULT_THRESHOLD
from bot.settings import Settings
from core.errors import ConfigError
from storage.database import parse_database_url

ENV_EXAMPLE = Path(__file__).resolve().parents[2] / ".env.example"


def test_environment_prefix_and_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSDESK_ADMIN_IDS", "12, 34")
    monkeypatch.setenv("NEWSDESK_DATA_DIR", "/tmp/nd")
    monkeypatch.setenv("NEWSDESK_SOURCES_FILE", "")
    settings = Settings()
    assert settings.admin_ids == [12, 34]
    assert settings.data_dir == Path("/tmp/nd")
    assert settings.sources_file is None
    assert settings.database_address == "sqlite:////tmp/nd/newsdesk.sqlite3"


def test_dotenv_file_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("NEWSDESK_LLM=fake:model\nNEWSDESK_CHUNK_SIZE=500\n")
    settings = Settings()
    assert settings.llm == "fake:model" and settings.chunk_size == 500


def test_database_url_names_sqlite_or_postgresql() -> None:
    assert Settings(database_url="sqlite:////var/nd.db").database_address == "sqlite:////var/nd.db"
    assert parse_database_url("postgres://u@db/news").drivername == "postgresql+psycopg"
    assert parse_database_url("postgresql://u@db/news").drivername == "postgresql+psycopg"
    with pytest.raises(ConfigError, match=r"SQLite .* or PostgreSQL"):
        parse_database_url("mysql://u@db/news")
    with pytest.raises(ConfigError, match="not a database URL"):
        parse_database_url("no scheme here")


def test_secrets_never_print() -> None:
    settings = Settings(telegram_token=SecretStr("123:SECRET"), webhook_secret=SecretStr("hush"))
    assert "SECRET" not in repr(settings) and "hush" not in str(settings.model_dump())
    assert settings.telegram_token.get_secret_value() == "123:SECRET"


def test_every_setting_is_documented_in_env_example() -> None:
    documented = {
        line.split("=", 1)[0].removeprefix("# ").strip()
        for line in ENV_EXAMPLE.read_text().splitlines()
        if "NEWSDESK_" in line and "=" in line
    }
    expected = {f"NEWSDESK_{name.upper()}" for name in Settings.model_fields}
    assert expected <= documented


def test_the_alert_threshold_default_is_the_calibrated_one() -> None:
    assert Settings().alert_threshold == DEFAULT_THRESHOLD
