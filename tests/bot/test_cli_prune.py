"""`newsdesk prune` and the archive's age in `newsdesk stats`, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.container import Container
from bot.settings import Settings
from core.models import day_of
from ingest.pipeline import SourceSpec
from tests.bot.test_retention import stored_days_ago, write_news


@pytest.fixture
def archive(container: Container, settings: Settings, tmp_path: Path,
            monkeypatch: pytest.MonkeyPatch) -> Container:
    """Three articles, one of them stored 40 days ago; the CLI pointed at them."""
    write_news(tmp_path / "news")
    container.pipeline.run([SourceSpec(str(tmp_path / "news"))])
    stored_days_ago(container, "zanzibar", 40)
    monkeypatch.setenv("NEWSDESK_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("NEWSDESK_DATABASE_URL", settings.database_url)
    return container


def test_prune_dry_run_then_prune(archive: Container,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["prune"]) == 0  # NEWSDESK_RETENTION_DAYS=0, no --older-than
    assert capsys.readouterr().out.startswith("Retention is off (NEWSDESK_RETENTION_DAYS=0, "
                                              "no --older-than, no source with its own): "
                                              "nothing was pruned.")
    assert main(["prune", "--older-than", "3651"]) == 1
    assert "--older-than must be 0 to 3650 days" in capsys.readouterr().err

    cutoff = day_of(datetime.now(UTC) - timedelta(days=30))
    assert main(["prune", "--dry-run", "--older-than", "30"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("would remove 1 article (")
    assert lines[0].endswith(f"stored before {cutoff} (older than 30 days)")
    assert lines[1] == f"oldest kept: {day_of(datetime.now(UTC))}"
    assert archive.articles.count() == 3

    assert main(["stats"]) == 0
    assert (f"stored:    {day_of(datetime.now(UTC) - timedelta(days=40))} to "
            f"{day_of(datetime.now(UTC))}") in capsys.readouterr().out

    with pytest.MonkeyPatch.context() as env:
        env.setenv("NEWSDESK_RETENTION_DAYS", "30")
        assert main(["prune", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["articles"], report["held"], report["dry_run"]) == (1, 0, False)
    assert report["passages"] >= 1 and report["retention_days"] == 30
    assert archive.articles.count() == 2
    assert main(["stats", "--json"]) == 0
    stored = json.loads(capsys.readouterr().out)["stored"]
    assert stored["oldest"][:10] == stored["newest"][:10] == day_of(datetime.now(UTC))
    assert main(["prune", "--older-than", "30"]) == 0
    assert capsys.readouterr().out.startswith("removed 0 articles (0 passages) stored before")


def test_a_source_keeps_its_articles_for_its_own_time(
        container: Container, settings: Settings, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("NEWSDESK_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("NEWSDESK_DATABASE_URL", settings.database_url)
    write_news(tmp_path / "news")
    assert main(["sources", "add", str(tmp_path / "news"), "--name", "Briefs",
                 "--keep", "10"]) == 0
    assert main(["sources", "add", str(tmp_path), "--keep", "0"]) == 1
    assert "--keep 0: must be a whole number of days, 1 to 3650" in capsys.readouterr().err
    assert main(["ingest"]) == 0  # every active source: the articles are linked to Briefs
    stored_days_ago(container, "zanzibar", 12)
    assert main(["sources", "list"]) == 0
    assert "Briefs  [folder, every 60 min, kept 10 days]" in capsys.readouterr().out

    # NEWSDESK_RETENTION_DAYS=0: only the source's own retention lets an article go
    assert main(["prune", "--dry-run"]) == 0
    assert capsys.readouterr().out.startswith(
        "would remove 1 article (1 passage) past their own retention (1 source)")
    assert main(["sources", "keep", "Briefs", "default"]) == 0
    assert "kept as NEWSDESK_RETENTION_DAYS says" in capsys.readouterr().out
    assert main(["prune"]) == 0
    assert capsys.readouterr().out.startswith("Retention is off")
    assert main(["sources", "keep", "Briefs", "11"]) == 0
    assert main(["sources", "keep", "Briefs", "soon"]) == 1
    assert "DAYS must be a whole number of days or `default`" in capsys.readouterr().err
    assert main(["prune", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["articles"], report["sources_keeping"], report["cutoff"]) == (1, 1, None)
    assert container.articles.count() == 2
