"""Migrations: a fresh database, a first-release data dir upgraded in place, a newer schema."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from core.errors import SchemaError
from core.models import Article, Turn
from ingest.chunking import Chunker
from storage import migrate
from storage.articles import ArticleRepository
from storage.chunk_terms import ChunkTermsRepository
from storage.conversations import ConversationRepository
from storage.database import Database
from storage.lexical_search import LexicalSearchRepository, engine_side
from storage.passages import PassageRepository
from storage.schema import metadata
from tests.ingest.factories import make_article
from tests.support.first_release_conversations import ConversationStore as FirstConversations
from tests.support.first_release_store import ArticleStore as FirstStore


def _schema_only(name: str | None, kind: str, _parents: object) -> bool:
    """The engine's lexical index (FTS5 tables, the tsvector column) is not in the schema."""
    return not engine_side(name)


def test_fresh_database_matches_the_schema(database: Database) -> None:
    assert migrate.current_revision(database) == migrate.head_revision()
    with database.read() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": False, "include_name": _schema_only})
        assert compare_metadata(context, metadata) == []


def _structural_differences(database: Database) -> list[object]:
    """Missing or extra tables, columns and indexes (SQLite's reflection of the first release's
    hand-written DDL differs in nullability of TEXT keys and FK options, which change nothing)."""
    with database.read() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": False, "include_name": _schema_only})
        diffs = compare_metadata(context, metadata)
    return [d for d in diffs if isinstance(d, tuple) and d[0].split("_")[0] in ("add", "remove")
            and d[0] != "add_fk" and d[0] != "remove_fk"]


def test_upgrade_is_idempotent(database: Database) -> None:
    result = migrate.upgrade(database)
    assert result.before == result.after == migrate.head_revision()


def _first_release_data_dir(data: Path) -> tuple[list[Article], dict[str, list[tuple[int, int]]]]:
    """A data dir exactly as the first release's code wrote it: two SQLite files."""
    seoul = timezone(timedelta(hours=9))
    articles = [
        make_article("Lee travels to Nara. " * 40, title="Nara summit", url="https://w.example/1"),
        make_article("The barrier closed. " * 30, title="Flood barrier", url="https://w.example/2"),
    ]
    articles[0] = Article(**{**articles[0].__dict__,
                             "published": datetime(2026, 1, 13, 9, 0, tzinfo=seoul)})
    articles[1] = Article(**{**articles[1].__dict__, "published": None})
    store = FirstStore(data / "newsdesk.sqlite3")
    spans = {}
    for article in articles:
        chunks = Chunker(300, 30).split(article)
        store.save(article, chunks)
        spans[article.id] = [(c.start, c.end) for c in chunks]
    store.mark_indexed([articles[0].id])  # the second one was left pending by a crash
    store.set_meta("embedding_model", "all-MiniLM-L6-v2@bundled")
    store.close()
    conversations = FirstConversations(data / "conversations.sqlite3")
    conversations.add("42", Turn("What is on the Nara agenda?", (articles[0].id,)))
    conversations.add("42", Turn("and the seafood ban?", (articles[0].id,)))
    conversations.close()
    (data / "bm25").mkdir()  # the first release's lexical index folder: derived data
    (data / "bm25" / "manifest.json").write_text("{}")
    return articles, spans


def test_first_release_data_dir_is_upgraded_with_nothing_lost(tmp_path: Path) -> None:
    data = tmp_path / "data"
    articles, spans = _first_release_data_dir(data)
    database = Database(f"sqlite:///{data / 'newsdesk.sqlite3'}")
    assert migrate.current_revision(database) is None
    result = migrate.upgrade(database, legacy_dir=data)
    assert (result.before, result.legacy_turns) == ("0001", 2)
    assert result.after == migrate.head_revision()
    store = ArticleRepository(database)
    for article in articles:
        assert store.get(article.id) == article
        assert [(c.start, c.end) for c in store.chunks_of(article.id)] == spans[article.id]
        chunk_ids = [f"{article.id}-{i}" for i in range(len(spans[article.id]))]
        passages = PassageRepository(database).passages(chunk_ids)  # texts filled in
        assert [passages[c].text for c in chunk_ids] == [article.text[s:e] for s, e in
                                                         spans[article.id]]
    assert store.pending_ids() == [articles[1].id]  # still pending: the next ingest finishes it
    assert ChunkTermsRepository(database).revision() == 2
    turns = ConversationRepository(database).recent("42")
    assert [t.question for t in turns] == ["What is on the Nara agenda?", "and the seafood ban?"]
    assert turns[0].article_ids == (articles[0].id,)
    assert not (data / "conversations.sqlite3").exists()
    assert (data / "conversations.sqlite3.imported").is_file()  # kept as a backup
    assert not (data / "bm25").exists()  # its terms are in the database now
    assert _structural_differences(database) == []
    again = migrate.upgrade(database, legacy_dir=data)
    assert again.legacy_turns == 0 and len(ConversationRepository(database).recent("42")) == 2
    database.dispose()


def test_conversations_are_not_imported_twice_after_a_crash(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _first_release_data_dir(data)
    database = Database(f"sqlite:///{data / 'newsdesk.sqlite3'}")
    migrate.upgrade(database, legacy_dir=data)
    # as if the process died between the commit and the rename
    (data / "conversations.sqlite3.imported").rename(data / "conversations.sqlite3")
    migrate.upgrade(database, legacy_dir=data)
    assert len(ConversationRepository(database).recent("42")) == 2
    database.dispose()


def test_a_newer_schema_is_refused_untouched(database: Database) -> None:
    with database.write() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(SchemaError, match="revision 9999, newer than this newsdesk"):
        migrate.upgrade(database)
    assert migrate.current_revision(database) == "9999"


def test_legacy_conversation_timestamps_become_aware(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _first_release_data_dir(data)
    database = Database(f"sqlite:///{data / 'newsdesk.sqlite3'}")
    migrate.upgrade(database, legacy_dir=data)
    with database.read() as conn:
        stamps = conn.execute(sa.text("SELECT at, article_ids FROM conversation_turns")).all()
    for at, ids in stamps:
        parsed = datetime.fromisoformat(at)
        assert parsed.tzinfo is not None and abs(datetime.now(UTC) - parsed) < timedelta(hours=1)
        assert isinstance(json.loads(ids), list)
    database.dispose()


def _stored_at(revision: str, database_url: str, tmp_path: Path,
               *stored: Article) -> Database:
    """A database migrated up to ``revision`` holding ``stored``, saved as that release did."""
    database = Database(database_url or f"sqlite:///{tmp_path / 'newsdesk.sqlite3'}")
    migrate.upgrade(database, to=revision)
    store = ArticleRepository(database)
    for article in stored:
        store.save(article, Chunker(300, 30).split(article))
    return database


def test_chunks_in_other_scripts_get_new_terms_and_a_new_revision(
    database_url: str, tmp_path: Path
) -> None:
    japanese = make_article("東京株式市場で日経平均株価が反発した。" * 5, title="東京市場",
                            url="https://w.example/ja")
    english = make_article("The flood barrier closed at noon. " * 5, url="https://w.example/en")
    database = _stored_at("0004", database_url, tmp_path, japanese, english)
    terms = ChunkTermsRepository(database)
    before = terms.revision()
    with database.write() as conn:  # as the first tokenizer left them
        conn.execute(sa.text("UPDATE chunks SET terms = 'stale'"))
    migrate.upgrade(database, to="0022")  # 0023 rewrites English terms too
    changed = {a.article_id: a for a in terms.changed_since(before)}
    assert set(changed) == {japanese.id}
    assert all("東京" in chunk_terms.split() for _, chunk_terms in changed[japanese.id].chunks)
    with database.read() as conn:
        english_terms = conn.execute(sa.text("SELECT terms FROM chunks WHERE article_id = :a"),
                                     {"a": english.id}).scalars().all()
    assert set(english_terms) == {"stale"}  # ASCII text tokenizes as before: left alone
    database.dispose()


def test_word_forms_clear_stored_story_terms_and_leave_chunk_terms(
    database_url: str, tmp_path: Path
) -> None:
    nara = make_article("South Korean President Lee met Japanese leaders. " * 5,
                        title="Lee heads to Nara for fifth summit with a Japanese leader",
                        url="https://w.example/nara")
    database = _stored_at("0015", database_url, tmp_path, nara)
    with database.write() as conn:  # a story matched before: its terms without the places
        conn.execute(sa.text("INSERT INTO stories (article_id, story_id, at, terms) "
                             "VALUES (:a, :a, :t, 'lee head nara japanese leader')"),
                     {"a": nara.id, "t": datetime(2026, 12, 6, tzinfo=UTC)})
    terms = ChunkTermsRepository(database)
    before = terms.revision()
    with database.read() as conn:
        chunk_terms = conn.execute(sa.text("SELECT terms FROM chunks")).scalars().all()
    migrate.upgrade(database)
    with database.read() as conn:
        assert conn.execute(sa.text("SELECT terms FROM stories")).scalar() is None
        assert conn.execute(sa.text("SELECT terms FROM chunks")).scalars().all() == chunk_terms
    assert terms.revision() == before  # search reads text as before: nothing to reload
    database.dispose()


def test_plurals_of_words_ending_in_e_get_new_terms_everywhere_search_reads_them(
    database_url: str, tmp_path: Path
) -> None:
    storm = make_article("Two hurricanes raised prices along the coast. " * 5,
                         title="Hurricanes and prices", url="https://w.example/storm")
    calm = make_article("The council met at noon. " * 5, title="Council meets",
                        url="https://w.example/calm")
    database = _stored_at("0022", database_url, tmp_path, storm, calm)
    with database.write() as conn:  # as the stemmer before 0023 wrote them
        conn.execute(sa.text("UPDATE chunks SET terms = replace(replace(terms, 'hurricane', "
                             "'hurrican'), 'price', 'pric') WHERE article_id = :a"),
                     {"a": storm.id})
        conn.execute(sa.text("INSERT INTO stories (article_id, story_id, at, terms) "
                             "VALUES (:a, :a, :t, 'hurrican pric')"),
                     {"a": storm.id, "t": datetime(2026, 12, 6, tzinfo=UTC)})
    search = LexicalSearchRepository(database)

    def found(term: str) -> tuple[bool, bool]:
        """Whether the engine's index and its postings hold ``term`` for the storm."""
        indexed = any(chunk.startswith(storm.id) for chunk, _ in search.candidates([term]))
        return indexed, bool(search.best_sums({term: 1.0}, (1.2, 0.0), 10, 10))

    assert found("hurricane") == (False, False)  # the stale terms are what the engine holds
    terms = ChunkTermsRepository(database)
    before = terms.revision()
    migrate.upgrade(database)
    assert {a.article_id for a in terms.changed_since(before)} == {storm.id}
    assert found("hurricane") == found("price") == (True, True)
    assert found("hurrican") == (False, False)
    with database.read() as conn:
        assert conn.execute(sa.text("SELECT terms FROM stories")).scalar() is None
        storm_terms = " ".join(conn.execute(sa.text(
            "SELECT terms FROM chunks WHERE article_id = :a"), {"a": storm.id}).scalars())
    assert "hurricane" in storm_terms.split() and "hurrican" not in storm_terms.split()
    assert _counters(database) == _counted(database)  # recounted after the rewrite
    more = make_article("Hurricanes again.", title="More storms", url="https://w.example/more")
    ArticleRepository(database).save(more, Chunker(300, 30).split(more))  # kept from then on
    assert _counters(database) == _counted(database)
    assert _counters(database)[0]["hurricane"] == 2
    database.dispose()


def _counters(database: Database) -> tuple[dict[str, int], tuple[int, int]]:
    """What the engine's lexical index counts: chunks per term, and chunks and terms."""
    with database.read() as conn:
        terms = {str(t): int(n) for t, n in conn.execute(sa.text(
            "SELECT term, chunks FROM chunk_search_terms WHERE chunks > 0"))}
        chunks, total = conn.execute(sa.text(
            "SELECT chunks, terms FROM chunk_search_totals")).one()
    return terms, (int(chunks), int(total))


def _counted(database: Database) -> tuple[dict[str, int], tuple[int, int]]:
    """The same counts made from the stored chunks."""
    with database.read() as conn:
        stored = [str(t).split() for t in conn.execute(sa.text("SELECT terms FROM chunks"))
                  .scalars()]
    return dict(Counter(t for words in stored for t in set(words))), (
        len(stored), sum(len(words) for words in stored))


def test_sent_alerts_learn_the_subscription_that_sent_them(
    database_url: str, tmp_path: Path
) -> None:
    database = Database(database_url or f"sqlite:///{tmp_path / 'newsdesk.sqlite3'}")
    migrate.upgrade(database, to="0012")
    now = datetime(2026, 12, 1, tzinfo=UTC)
    with database.write() as conn:  # an alert sent before 0013, and one whose topic is gone
        conn.execute(sa.text("INSERT INTO chats (chat_id) VALUES (5)"))
        conn.execute(sa.text("INSERT INTO subscriptions (id, chat_id, topic, topic_key, "
                             "created_at) VALUES (41, 5, 'Nara summit', 'nara summit', :t)"),
                     {"t": now})
        conn.execute(sa.text("INSERT INTO sent_alerts (chat_id, story_id, article_id, topic, "
                             "message_id, sent_at) VALUES (5, 's1', 'a1', 'Nara summit', 7, :t), "
                             "(5, 's2', 'a2', 'rail', 8, :t)"), {"t": now})
    migrate.upgrade(database)
    with database.read() as conn:
        found: dict[str, int | None] = dict(conn.execute(sa.text(
            "SELECT story_id, subscription_id FROM sent_alerts")).tuples().all())
        stopped = conn.execute(sa.text("SELECT stopped_at FROM subscriptions")).scalar()
    assert found == {"s1": 41, "s2": None} and stopped is None
    database.dispose()


def test_the_head_read_off_the_file_names_is_alembics_head() -> None:
    # upgrade() skips importing Alembic when the database is at this revision
    assert migrate.newest_file_revision() == migrate.head_revision()
