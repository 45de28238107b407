"""Lexical search inside the database engine, over the terms stored with each chunk.

The engine never analyses text itself: it indexes ``chunks.terms`` (core.terms.tokenize of
headline and chunk, space-separated) term for term, so SQLite and PostgreSQL see the tokens
the in-memory index sees. Triggers on ``chunks`` keep the index in the transaction that
writes or removes the chunk, whoever writes it:

- the inverted index, which finds the chunks holding a term: on SQLite a contentless FTS5
  table ``chunk_search`` whose tokenizer splits on spaces only, with ``chunk_search_ids``
  giving each chunk a stable rowid (``chunks`` has none: VACUUM may renumber implicit rowids);
  on PostgreSQL ``chunks.search_vector``, a tsvector of the terms as they are (the ``simple``
  configuration's parser would make "3" and "518" of "3,518"), with a GIN index;
- BM25's collection statistics, so that no query counts: ``chunk_search_terms`` (how many
  chunks hold each term) and ``chunk_search_totals`` (chunks, and terms in all of them);
- the postings, impact first (migration 0021): ``chunk_search_postings`` holds one row per
  term of each chunk (the term's count in it, the chunk's length, and an integer ``impact``,
  BM25's term-frequency part with the length taken against a fixed ``REFERENCE_LENGTH``),
  keyed (term, impact, chunk), so that a term's best chunks are read off the key directly,
  however many chunks hold it. The chunk is a number of ``chunk_search_ids`` (on PostgreSQL
  too, from 0021). The impact only chooses which postings a query reads; scores are computed
  from the count and length with the collection's current mean length, so nothing is
  recomputed as that mean drifts.

Scoring is done by retrieval/engine_lexical.py. These objects are not in storage/schema.py
(SQLAlchemy cannot describe them): ``engine_side`` names them for schema comparisons.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from core.impact import IMPACT_B, IMPACT_K1, IMPACT_SCALE, REFERENCE_LENGTH
from core.models import chunk_id
from storage.database import Database, in_batches
from storage.meta import read_revision

TSVECTOR_MAX_LEXEME_BYTES = 2047  # PostgreSQL refuses a longer word: such terms are skipped
_PG_COUNTERS_LOCK = 7_346_020_123  # chunk writers take turns at the shared counters
_TERMS_A_STATEMENT = 250  # SQLite takes at most 500 SELECTs in a UNION


def _impact(tf: str, length: str) -> str:
    """The SQL of a posting's impact (the same text on both engines: deletes find the key)."""
    return (f"CAST(round({IMPACT_SCALE} * {IMPACT_K1 + 1} * {tf} / ({tf} + {IMPACT_K1}"
            f" * ({1 - IMPACT_B} + {IMPACT_B} * {length} / {REFERENCE_LENGTH}))) AS INTEGER)")


def _sqlite_length(terms: str) -> str:
    return (f"(CASE WHEN {terms} = '' THEN 0"
            f" ELSE length({terms}) - length(replace({terms}, ' ', '')) + 1 END)")


def _sqlite_json(terms: str) -> str:
    """The space-separated terms as a JSON array (for json_each)."""
    escaped = f"replace(replace({terms}, '\\', '\\\\'), '\"', '\\\"')"
    return f"'[\"' || replace({escaped}, ' ', '\",\"') || '\"]'"


def _sqlite_terms(terms: str) -> str:
    """The distinct terms of a chunk as rows."""
    return f"SELECT DISTINCT value AS term FROM json_each({_sqlite_json(terms)}) WHERE value <> ''"


def _sqlite_count(row: str, sign: str) -> str:
    return (
        f"INSERT INTO chunk_search_terms (term, chunks) SELECT term, {sign}1 FROM "
        f"({_sqlite_terms(f'{row}.terms')}) WHERE true ON CONFLICT (term) DO UPDATE SET"
        f" chunks = chunks {sign} 1; UPDATE chunk_search_totals SET chunks = chunks {sign} 1,"
        f" terms = terms {sign} {_sqlite_length(f'{row}.terms')};"
    )


_SQLITE_FORGET = (
    # a contentless table forgets a row only when told the terms it indexed
    "INSERT INTO chunk_search (chunk_search, rowid, terms) SELECT 'delete', rowid, old.terms"
    " FROM chunk_search_ids WHERE article_id = old.article_id AND idx = old.idx;"
    " DELETE FROM chunk_search_ids WHERE article_id = old.article_id AND idx = old.idx;"
)
_SQLITE_ADD = (
    "INSERT INTO chunk_search_ids (article_id, idx) VALUES (new.article_id, new.idx);"
    " INSERT INTO chunk_search (rowid, terms) VALUES (last_insert_rowid(), new.terms);"
)
_SQLITE_CREATE = [
    "CREATE TABLE chunk_search_ids (rowid INTEGER PRIMARY KEY, article_id TEXT NOT NULL,"
    " idx INTEGER NOT NULL, UNIQUE (article_id, idx))",
    # letters, marks, numbers, punctuation and symbols are token characters: a space (and
    # nothing else) separates stored terms, which are already folded
    "CREATE VIRTUAL TABLE chunk_search USING fts5(terms, content='', "
    "tokenize=\"unicode61 remove_diacritics 0 categories 'L* M* N* P* S* Co Cs'\")",
    "CREATE TABLE chunk_search_terms (term TEXT PRIMARY KEY, chunks INTEGER NOT NULL)",
    "CREATE TABLE chunk_search_totals (id INTEGER PRIMARY KEY CHECK (id = 1),"
    " chunks INTEGER NOT NULL, terms INTEGER NOT NULL)",
    f"CREATE TRIGGER chunk_search_insert AFTER INSERT ON chunks BEGIN {_SQLITE_ADD}"
    f" {_sqlite_count('new', '+')} END",
    f"CREATE TRIGGER chunk_search_delete AFTER DELETE ON chunks BEGIN {_SQLITE_FORGET}"
    f" {_sqlite_count('old', '-')} END",
    "CREATE TRIGGER chunk_search_update AFTER UPDATE OF terms, article_id, idx ON chunks BEGIN"
    f" {_SQLITE_FORGET} {_sqlite_count('old', '-')} {_SQLITE_ADD} {_sqlite_count('new', '+')} END",
]
_SQLITE_FILL = [
    "INSERT INTO chunk_search_ids (article_id, idx) SELECT article_id, idx FROM chunks"
    " ORDER BY article_id, idx",
    "INSERT INTO chunk_search (rowid, terms) SELECT i.rowid, c.terms FROM chunk_search_ids i"
    " JOIN chunks c ON c.article_id = i.article_id AND c.idx = i.idx",
    "INSERT INTO chunk_search_terms (term, chunks) SELECT term, count(*) FROM (SELECT DISTINCT"
    f" c.rowid, j.value AS term FROM chunks c, json_each({_sqlite_json('c.terms')}) j"
    " WHERE j.value <> '') GROUP BY term",
    "INSERT INTO chunk_search_totals (id, chunks, terms) SELECT 1, count(*),"
    f" coalesce(sum({_sqlite_length('terms')}), 0) FROM chunks",
]


def _sqlite_postings(row: str) -> str:
    """The postings of the chunk ``row`` (new or old): term, impact, chunk, tf, length."""
    length = _sqlite_length(f"{row}.terms")
    return (
        f"SELECT j.value AS term, {_impact('count(*)', length)} AS impact, i.rowid AS chunk,"
        f" count(*) AS tf, {length} AS length FROM chunk_search_ids i,"
        f" json_each({_sqlite_json(f'{row}.terms')}) j WHERE i.article_id = {row}.article_id"
        f" AND i.idx = {row}.idx AND j.value <> '' GROUP BY j.value"
    )


_SQLITE_POST = ("INSERT INTO chunk_search_postings (term, impact, chunk, tf, length) "
                f"{_sqlite_postings('new')};")
# Before _SQLITE_FORGET, while the chunk's number is still there. Three plain conditions,
# not a row value IN (SQLite would seek on the term alone and scan its postings): a chunk has
# one posting per term, so the product of the terms and impacts matches only its own keys.
_SQLITE_UNPOST = (
    "DELETE FROM chunk_search_postings WHERE chunk = (SELECT rowid FROM chunk_search_ids"
    " WHERE article_id = old.article_id AND idx = old.idx)"
    f" AND term IN (SELECT term FROM ({_sqlite_postings('old')}))"
    f" AND impact IN (SELECT impact FROM ({_sqlite_postings('old')}));"
)
_SQLITE_POSTINGS = [
    "CREATE TABLE chunk_search_postings (term TEXT NOT NULL, impact INTEGER NOT NULL,"
    " chunk INTEGER NOT NULL, tf INTEGER NOT NULL, length INTEGER NOT NULL,"
    " PRIMARY KEY (term, impact, chunk)) WITHOUT ROWID",
    "DROP TRIGGER chunk_search_insert", "DROP TRIGGER chunk_search_delete",
    "DROP TRIGGER chunk_search_update",
    f"CREATE TRIGGER chunk_search_insert AFTER INSERT ON chunks BEGIN {_SQLITE_ADD}"
    f" {_sqlite_count('new', '+')} {_SQLITE_POST} END",
    f"CREATE TRIGGER chunk_search_delete AFTER DELETE ON chunks BEGIN {_SQLITE_UNPOST}"
    f" {_SQLITE_FORGET} {_sqlite_count('old', '-')} END",
    "CREATE TRIGGER chunk_search_update AFTER UPDATE OF terms, article_id, idx ON chunks BEGIN"
    f" {_SQLITE_UNPOST} {_SQLITE_FORGET} {_sqlite_count('old', '-')} {_SQLITE_ADD}"
    f" {_sqlite_count('new', '+')} {_SQLITE_POST} END",
    # in key order: one pass along the table's B-tree, not a random insert per posting
    "INSERT INTO chunk_search_postings (term, impact, chunk, tf, length) SELECT term,"
    f" {_impact('tf', 'length')} AS impact, chunk, tf, length FROM (SELECT j.value AS term,"
    f" i.rowid AS chunk, count(*) AS tf, {_sqlite_length('c.terms')} AS length"
    " FROM chunk_search_ids i JOIN chunks c ON c.article_id = i.article_id AND c.idx = i.idx,"
    f" json_each({_sqlite_json('c.terms')}) j WHERE j.value <> '' GROUP BY i.rowid, j.value)"
    " ORDER BY term, impact, chunk",
]
_SQLITE_DROP = [
    "DROP TABLE IF EXISTS chunk_search_postings",
    "DROP TRIGGER IF EXISTS chunk_search_insert", "DROP TRIGGER IF EXISTS chunk_search_delete",
    "DROP TRIGGER IF EXISTS chunk_search_update", "DROP TABLE IF EXISTS chunk_search",
    "DROP TABLE IF EXISTS chunk_search_ids", "DROP TABLE IF EXISTS chunk_search_terms",
    "DROP TABLE IF EXISTS chunk_search_totals",
]

# Each stored term becomes one lexeme at its position (quoted: the tsvector syntax reads
# quotes, backslashes and colons otherwise); no parser, no dictionary.
_PG_TERMS = (
    "SELECT DISTINCT t FROM unnest(string_to_array({0}, ' ')) AS t WHERE t <> ''"
    f" AND octet_length(t) <= {TSVECTOR_MAX_LEXEME_BYTES} ORDER BY t"
)
_PG_LENGTH = "coalesce(array_length(array_remove(string_to_array({0}, ' '), ''), 1), 0)"
_POSTGRES_CREATE = [
    "CREATE FUNCTION newsdesk_search_vector(terms text) RETURNS tsvector LANGUAGE sql"
    " IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT coalesce(string_agg("
    "'''' || replace(replace(t, '\\', '\\\\'), '''', '''''') || ''':' || least(n, 16383),"
    " ' ')::tsvector, ''::tsvector) FROM unnest(string_to_array($1, ' ')) WITH ORDINALITY"
    f" AS u(t, n) WHERE t <> '' AND octet_length(t) <= {TSVECTOR_MAX_LEXEME_BYTES} $$",
    "ALTER TABLE chunks ADD COLUMN search_vector tsvector"
    " GENERATED ALWAYS AS (newsdesk_search_vector(terms)) STORED",
    "CREATE INDEX chunks_search_vector ON chunks USING gin (search_vector)",
    "CREATE TABLE chunk_search_terms (term text PRIMARY KEY, chunks integer NOT NULL)",
    "CREATE TABLE chunk_search_totals (id integer PRIMARY KEY CHECK (id = 1),"
    " chunks bigint NOT NULL, terms bigint NOT NULL)",
    # writers of chunks take turns (until they commit) so that two of them never lock the
    # same counters in opposite orders
    "CREATE FUNCTION newsdesk_count_chunk_terms() RETURNS trigger LANGUAGE plpgsql AS $$"
    f" BEGIN PERFORM pg_advisory_xact_lock({_PG_COUNTERS_LOCK});"
    " IF TG_OP IN ('DELETE', 'UPDATE') THEN"
    " UPDATE chunk_search_terms s SET chunks = s.chunks - 1 FROM ("
    + _PG_TERMS.format("OLD.terms") + ") d WHERE s.term = d.t;"
    " UPDATE chunk_search_totals SET chunks = chunks - 1, terms = terms - "
    + _PG_LENGTH.format("OLD.terms") + ";"
    " END IF; IF TG_OP IN ('INSERT', 'UPDATE') THEN"
    " INSERT INTO chunk_search_terms (term, chunks) SELECT t, 1 FROM ("
    + _PG_TERMS.format("NEW.terms") + ") d ON CONFLICT (term) DO UPDATE"
    " SET chunks = chunk_search_terms.chunks + 1;"
    " UPDATE chunk_search_totals SET chunks = chunks + 1, terms = terms + "
    + _PG_LENGTH.format("NEW.terms") + ";"
    " END IF; RETURN NULL; END $$",
    "CREATE TRIGGER chunk_search_count AFTER INSERT OR DELETE OR UPDATE OF terms ON chunks"
    " FOR EACH ROW EXECUTE FUNCTION newsdesk_count_chunk_terms()",
]
_PG_COUNT_ALL = [
    "INSERT INTO chunk_search_terms (term, chunks) SELECT d.t, count(*) FROM chunks c,"
    " LATERAL (" + _PG_TERMS.format("c.terms") + ") d GROUP BY d.t",
    "INSERT INTO chunk_search_totals (id, chunks, terms) SELECT 1, count(*),"
    " coalesce(sum(" + _PG_LENGTH.format("terms") + "), 0) FROM chunks",
]
_POSTGRES_CREATE += _PG_COUNT_ALL

def _pg_postings(row: str, chunk: str) -> str:
    """The postings of the chunk ``row`` numbered ``chunk``: term, impact, chunk, tf, length."""
    length = _PG_LENGTH.format(f"{row}.terms")
    return (
        f"SELECT t AS term, {_impact('count(*)', length)} AS impact, {chunk} AS chunk,"
        f" count(*) AS tf, {length} AS length FROM unnest(string_to_array({row}.terms, ' '))"
        f" AS t WHERE t <> '' AND octet_length(t) <= {TSVECTOR_MAX_LEXEME_BYTES} GROUP BY t"
    )


_POSTGRES_POSTINGS = [
    "CREATE TABLE chunk_search_ids (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
    " article_id text NOT NULL, idx integer NOT NULL, UNIQUE (article_id, idx))",
    # tf and length in the key's index: a term's best postings are read from the index alone
    "CREATE TABLE chunk_search_postings (term text NOT NULL, impact integer NOT NULL,"
    " chunk bigint NOT NULL, tf integer NOT NULL, length integer NOT NULL,"
    " CONSTRAINT chunk_search_postings_key PRIMARY KEY (term, impact, chunk) INCLUDE (tf, length))",
    "CREATE FUNCTION newsdesk_chunk_postings() RETURNS trigger LANGUAGE plpgsql AS $$"
    " DECLARE number bigint; BEGIN IF TG_OP IN ('DELETE', 'UPDATE') THEN"
    " DELETE FROM chunk_search_ids WHERE article_id = OLD.article_id AND idx = OLD.idx"
    " RETURNING id INTO number;"
    " DELETE FROM chunk_search_postings p USING (" + _pg_postings("OLD", "number") + ") d"
    " WHERE p.term = d.term AND p.impact = d.impact AND p.chunk = d.chunk;"
    " END IF; IF TG_OP IN ('INSERT', 'UPDATE') THEN"
    " INSERT INTO chunk_search_ids (article_id, idx) VALUES (NEW.article_id, NEW.idx)"
    " RETURNING id INTO number;"
    " INSERT INTO chunk_search_postings (term, impact, chunk, tf, length) "
    + _pg_postings("NEW", "number") + ";"
    " END IF; RETURN NULL; END $$",
    "CREATE TRIGGER chunk_search_postings AFTER INSERT OR DELETE OR UPDATE OF terms,"
    " article_id, idx ON chunks FOR EACH ROW EXECUTE FUNCTION newsdesk_chunk_postings()",
    "INSERT INTO chunk_search_ids (article_id, idx) SELECT article_id, idx FROM chunks"
    " ORDER BY article_id, idx",
    "INSERT INTO chunk_search_postings (term, impact, chunk, tf, length) SELECT d.* FROM"
    " chunk_search_ids i JOIN chunks c ON c.article_id = i.article_id AND c.idx = i.idx,"
    " LATERAL (" + _pg_postings("c", "i.id") + ") d",
    "ANALYZE chunk_search_postings",
]
_POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS chunk_search_postings ON chunks",
    "DROP FUNCTION IF EXISTS newsdesk_chunk_postings()",
    "DROP TABLE IF EXISTS chunk_search_postings", "DROP TABLE IF EXISTS chunk_search_ids",
    "DROP TRIGGER IF EXISTS chunk_search_count ON chunks",
    "DROP FUNCTION IF EXISTS newsdesk_count_chunk_terms()",
    "DROP TABLE IF EXISTS chunk_search_terms", "DROP TABLE IF EXISTS chunk_search_totals",
    "DROP INDEX IF EXISTS chunks_search_vector",
    "ALTER TABLE chunks DROP COLUMN IF EXISTS search_vector",
    "DROP FUNCTION IF EXISTS newsdesk_search_vector(text)",
]

_ENGINE_TABLES = ("chunk_search",)


def engine_side(name: str | None) -> bool:
    """True for the tables, shadow tables, columns and indexes this module keeps."""
    return bool(name) and (str(name).startswith(_ENGINE_TABLES) or name in (
        "search_vector", "chunks_search_vector"))


def create_engine_index(conn: Connection, postings: bool = True) -> None:
    """Build the engine's lexical index over every stored chunk, and keep it from now on
    (``postings=False``: as migration 0018 did, without the postings of 0021)."""
    postgres = conn.dialect.name == "postgresql"
    for statement in _POSTGRES_CREATE if postgres else [*_SQLITE_CREATE, *_SQLITE_FILL]:
        conn.exec_driver_sql(statement)
    if postings:
        create_postings(conn)


def create_postings(conn: Connection) -> None:
    """Add the impact-ordered postings to an index made without them, filled and kept."""
    postgres = conn.dialect.name == "postgresql"
    for statement in _POSTGRES_POSTINGS if postgres else _SQLITE_POSTINGS:
        conn.exec_driver_sql(statement)


@contextmanager
def counters_recounted_after(conn: Connection) -> Iterator[None]:
    """For a block that rewrites many chunks in one transaction: on PostgreSQL the counters'
    row trigger is off inside it and the counters are counted again from the chunks after it.

    Each chunk written updates the same counter rows (the totals, every common term), and
    PostgreSQL keeps a new version of a row per update: within one transaction each update
    walks the versions made so far, so the trigger's cost grows with the square of the chunks
    (8,000 rewritten at once: 287 s, 26 s without it). SQLite updates rows in place, so its
    triggers stay on. The postings and the tsvector follow their own triggers as before."""
    counted = conn.dialect.name == "postgresql" and bool(conn.execute(sa.text(
        "SELECT 1 FROM pg_trigger WHERE tgrelid = 'chunks'::regclass"
        " AND tgname = 'chunk_search_count'")).first())  # this schema's chunks, not another's
    if counted:
        conn.exec_driver_sql("ALTER TABLE chunks DISABLE TRIGGER chunk_search_count")
    yield
    if counted:
        conn.exec_driver_sql("DELETE FROM chunk_search_terms")
        conn.exec_driver_sql("DELETE FROM chunk_search_totals")
        for statement in _PG_COUNT_ALL:
            conn.exec_driver_sql(statement)
        conn.exec_driver_sql("ALTER TABLE chunks ENABLE TRIGGER chunk_search_count")


def drop_engine_index(conn: Connection) -> None:
    """Remove it (benchmarks rebuild it; newsdesk never needs to)."""
    for statement in _POSTGRES_DROP if conn.dialect.name == "postgresql" else _SQLITE_DROP:
        conn.exec_driver_sql(statement)


def fts5_query(terms: Iterable[str]) -> str:
    """An FTS5 query matching any of the terms (each one token: quoted)."""
    return " OR ".join('"' + term.replace('"', '""') + '"' for term in terms)


def tsquery(terms: Iterable[str]) -> str:
    """A tsquery text matching any of the terms, each taken as one lexeme."""
    return " | ".join("'" + t.replace("\\", "\\\\").replace("'", "''") + "'" for t in terms
                      if len(t.encode()) <= TSVECTOR_MAX_LEXEME_BYTES)


class LexicalSearchRepository:
    """What BM25 needs from the engine: chunks holding given terms, each term's best
    postings, and the statistics."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def revision(self) -> int:
        """The number of the newest article write."""
        with self._db.read() as conn:
            return read_revision(conn)

    def candidates(self, terms: Iterable[str], besides: Iterable[str] = ()
                   ) -> list[tuple[str, str]]:
        """(chunk id, stored terms) of every chunk holding any of ``terms`` and none of
        ``besides`` (those were fetched already)."""
        wanted = sorted(set(terms))
        if not wanted:
            return []
        seen = sorted(set(besides))
        with self._db.read() as conn:
            if self._db.dialect == "postgresql":
                text = f"({tsquery(wanted)})" + (f" & !({tsquery(seen)})" if seen else "")
                rows = conn.execute(sa.text(
                    "SELECT article_id, idx, terms FROM chunks"
                    " WHERE search_vector @@ CAST(:q AS tsquery)"), {"q": text}).all()
            else:
                text = f"({fts5_query(wanted)})" + (f" NOT ({fts5_query(seen)})" if seen else "")
                rows = conn.execute(sa.text(
                    "SELECT c.article_id, c.idx, c.terms FROM chunk_search s"
                    " JOIN chunk_search_ids i ON i.rowid = s.rowid JOIN chunks c"
                    " ON c.article_id = i.article_id AND c.idx = i.idx"
                    " WHERE chunk_search MATCH :q"), {"q": text}).all()
        return [(chunk_id(str(a), int(i)), str(t)) for a, i, t in rows]

    def best_sums(self, weights: Mapping[str, float], norm: tuple[float, float], limit: int,
                  top: int) -> list[tuple[int, float]]:
        """The ``top`` chunks (number, sum) by the sum over the query terms' ``limit``
        postings of highest impact of weight × tf / (tf + norm[0] + norm[1] × length)."""
        terms = sorted(weights)
        if not terms or top <= 0:
            return []
        real = "double precision" if self._db.dialect == "postgresql" else "REAL"
        parts = " UNION ALL ".join(
            f"SELECT chunk, CAST(:w{i} AS {real}) * tf / (tf + CAST(:a AS {real})"
            f" + CAST(:c AS {real}) * length) AS part FROM (SELECT chunk, tf, length"
            f" FROM chunk_search_postings WHERE term = :t{i} ORDER BY impact DESC, chunk DESC"
            " LIMIT :n) AS p" for i in range(len(terms)))
        values: dict[str, object] = {"a": norm[0], "c": norm[1], "n": limit, "top": top}
        for i, term in enumerate(terms):
            values |= {f"t{i}": term, f"w{i}": weights[term]}
        with self._db.read() as conn:
            rows = conn.execute(sa.text(
                f"SELECT chunk, sum(part) AS score FROM ({parts}) AS u GROUP BY chunk"
                " ORDER BY score DESC, chunk LIMIT :top"), values).all()
        return [(int(c), float(v)) for c, v in rows]

    def last_impacts(self, terms: Iterable[str], limit: int) -> dict[str, int]:
        """The impact of each term's ``limit``-th posting in ``best_sums``' order, for the terms
        that have that many: every posting of the term not read has at most this impact."""
        terms = sorted(set(terms))
        if not terms or limit <= 0:
            return {}
        found: dict[str, int] = {}
        with self._db.read() as conn:
            for start in range(0, len(terms), _TERMS_A_STATEMENT):
                part = terms[start:start + _TERMS_A_STATEMENT]
                parts = " UNION ALL ".join(
                    f"SELECT * FROM (SELECT term, impact FROM chunk_search_postings WHERE term ="
                    f" :t{i} ORDER BY impact DESC, chunk DESC LIMIT 1 OFFSET :skip) AS p{i}"
                    for i in range(len(part)))
                values: dict[str, object] = {"skip": limit - 1}
                values |= {f"t{i}": term for i, term in enumerate(part)}
                found.update((str(t), int(v)) for t, v in conn.execute(sa.text(parts), values))
        return found

    def stored_terms(self, chunks: Iterable[int]) -> dict[int, tuple[str, str]]:
        """Chunk number (as in the postings) -> (chunk id, stored terms)."""
        number = "i.id" if self._db.dialect == "postgresql" else "i.rowid"
        query = sa.text(
            f"SELECT {number}, c.article_id, c.idx, c.terms FROM chunk_search_ids i JOIN chunks c"
            f" ON c.article_id = i.article_id AND c.idx = i.idx WHERE {number} IN :n"
        ).bindparams(sa.bindparam("n", expanding=True))
        found: dict[int, tuple[str, str]] = {}
        with self._db.read() as conn:
            for part in in_batches(sorted(set(chunks))):
                found.update((int(n), (chunk_id(str(a), int(i)), str(t)))
                             for n, a, i, t in conn.execute(query, {"n": part}))
        return found

    def totals(self) -> tuple[int, int]:
        """How many chunks there are, and how many terms they hold together."""
        with self._db.read() as conn:
            row = conn.execute(sa.text(
                "SELECT chunks, terms FROM chunk_search_totals WHERE id = 1")).first()
        return (int(row[0]), int(row[1])) if row else (0, 0)

    def document_frequencies(self, terms: Iterable[str]) -> dict[str, int]:
        """How many chunks hold each term (terms in no chunk are left out)."""
        found: dict[str, int] = {}
        with self._db.read() as conn:
            for part in in_batches(sorted(set(terms))):
                query = sa.text("SELECT term, chunks FROM chunk_search_terms WHERE term IN :t"
                                ).bindparams(sa.bindparam("t", expanding=True))
                found.update((str(t), int(n)) for t, n in conn.execute(query, {"t": part}) if n)
        return found


def ranked_by_fts5(database: Database, counts: Mapping[str, int], k: int
                   ) -> list[tuple[str, float]]:
    """FTS5's own ``bm25()`` ranking (k1 1.2, idf clamped): measured, not used by search."""
    text = fts5_query(term for term, times in counts.items() for _ in range(times))
    with database.read() as conn:
        rows = conn.execute(sa.text(
            "SELECT i.article_id, i.idx, -m.rank FROM (SELECT rowid, rank FROM chunk_search"
            " WHERE chunk_search MATCH :q ORDER BY rank LIMIT :k) m"
            " JOIN chunk_search_ids i ON i.rowid = m.rowid ORDER BY m.rank, i.article_id, i.idx"
        ), {"q": text, "k": k}).all()
    return [(chunk_id(str(a), int(i)), float(s)) for a, i, s in rows]
