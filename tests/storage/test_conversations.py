"""Recent turns per chat, on SQLite and PostgreSQL."""

from datetime import UTC, datetime, timedelta

from core.models import QuotedSpan, Turn
from storage.conversations import ConversationRepository
from storage.database import Database


def test_keeps_the_newest_turns_per_chat(database: Database) -> None:
    conversations = ConversationRepository(database, keep=3)
    for i in range(5):
        conversations.add("chat", Turn(f"q{i}", (f"a{i}",)))
    conversations.add("other", Turn("elsewhere"))
    assert [t.question for t in conversations.recent("chat")] == ["q2", "q3", "q4"]
    assert conversations.recent("chat")[-1].article_ids == ("a4",)
    conversations.clear("chat")
    assert conversations.recent("chat") == []
    assert [t.question for t in conversations.recent("other")] == ["elsewhere"]


def test_stale_turns_are_ignored(database: Database) -> None:
    now = [datetime(2026, 1, 12, 8, tzinfo=UTC)]
    conversations = ConversationRepository(database, max_age=timedelta(hours=6),
                                           clock=lambda: now[0])
    conversations.add("chat", Turn("old question"))
    now[0] += timedelta(hours=7)
    assert conversations.recent("chat") == []


def test_a_turn_keeps_the_spans_its_answer_quoted(database: Database) -> None:
    conversations = ConversationRepository(database)
    quoted = (QuotedSpan("a1", 0, 120), QuotedSpan("a2", 40, 95))
    conversations.add("chat", Turn("What is on the Nara agenda?", ("a1", "a2"), quoted))
    conversations.add("chat", Turn("and the seafood ban?"))
    first, second = conversations.recent("chat")
    assert first.quoted == quoted
    assert second.quoted == ()
