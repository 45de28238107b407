"""The log shows newsdesk's own lines: chatty libraries stay at WARNING."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from bot.cli.main import configure_logging


@pytest.fixture
def restored_levels() -> Iterator[None]:
    names = ["", "apscheduler", "apscheduler.executors.default", "httpx"]
    levels = {name: logging.getLogger(name).level for name in names}
    yield
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


@pytest.mark.usefixtures("restored_levels")
def test_the_scheduler_does_not_log_every_job_run_at_info() -> None:
    logging.getLogger().setLevel(logging.INFO)  # as basicConfig leaves it outside pytest
    configure_logging("INFO")
    job_runs = logging.getLogger("apscheduler.executors.default")
    assert not job_runs.isEnabledFor(logging.INFO)  # "Running job …" every five seconds
    assert job_runs.isEnabledFor(logging.WARNING)  # a missed run still shows
    assert logging.getLogger("newsdesk.sources").isEnabledFor(logging.INFO)
