from datetime import UTC, datetime

import pytest

from retrieval.recency import time_intent

NOW = datetime(2026, 12, 6, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("question", "recent"),
    [
        ("What is the latest on the Nara summit?", True),
        ("Who is the new prime minister of the United Kingdom?", True),
        ("What does the new law change for renters?", True),
        ("What did the New York Times report about the summit?", False),
        ("When did Theresa May become prime minister?", False),
        ("Who won the final this week?", True),
        # the present progressive, and what remains, ask about now
        ("Which virus is spreading at unusually high levels?", True),
        ("Which product remains difficult to find in stores?", True),
        ("Who is Xi Jinping?", False),
        ("What is everything the summit agreed?", False),
    ],
)
def test_a_question_that_asks_for_the_latest(question: str, recent: bool) -> None:
    assert time_intent(question, NOW).prefer_recent is recent


def test_this_week_is_a_soft_window_and_since_a_hard_bound() -> None:
    week = time_intent("What happened this week?", NOW)
    assert week.window is not None and week.since is None
    since = time_intent("What has changed since March 3?", NOW)
    assert since.since == datetime(2026, 3, 3, tzinfo=UTC)


def test_latest_is_said_in_words_a_window_only_prefers_recent() -> None:
    assert time_intent("What is the latest on the war?", NOW).latest
    week = time_intent("Who won the final this week?", NOW)
    assert week.prefer_recent and not week.latest
