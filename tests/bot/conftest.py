"""Fixtures shared by the bot's end-to-end tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.fake_bot_api import FakeBotAPI


@pytest.fixture
def api() -> Iterator[FakeBotAPI]:
    """A fake Bot API server on 127.0.0.1 for one test."""
    server = FakeBotAPI().start()
    yield server
    server.stop()
