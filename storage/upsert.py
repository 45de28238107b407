"""INSERT ... ON CONFLICT for whichever backend the connection speaks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection


def upsert(
    conn: Connection, table: sa.Table, values: Mapping[str, Any], keys: Sequence[str],
    update: Mapping[str, Any] | None = None,
) -> None:
    """Insert ``values``; on a conflict over ``keys`` set ``update`` (default: the new values).

    In ``update``, the string "excluded" stands for the newly proposed value of a column.
    """
    statement = _insert(conn)(table).values(dict(values))
    proposed = statement.excluded
    changes = {
        column: proposed[column] if value == "excluded" else value
        for column, value in (update or dict.fromkeys(values, "excluded")).items()
        if column not in keys
    }
    conn.execute(statement.on_conflict_do_update(index_elements=list(keys), set_=changes))


def insert_ignoring_conflicts(
    conn: Connection, table: sa.Table, values: Mapping[str, Any], keys: Sequence[str],
) -> int:
    """Insert ``values`` unless a row with the same ``keys`` exists; 1 if inserted, else 0."""
    statement = (_insert(conn)(table).values(dict(values))
                 .on_conflict_do_nothing(index_elements=list(keys))
                 .returning(table.c[keys[0]]))  # rowcount is not reliable for this on psycopg
    return len(conn.execute(statement).all())


def _insert(conn: Connection) -> Any:
    return postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
