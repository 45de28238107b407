"""INSERT ... ON CONFLICT DO UPDATE for whichever backend the connection speaks."""

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
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    statement = insert(table).values(dict(values))
    proposed = statement.excluded
    changes = {
        column: proposed[column] if value == "excluded" else value
        for column, value in (update or dict.fromkeys(values, "excluded")).items()
        if column not in keys
    }
    conn.execute(statement.on_conflict_do_update(index_elements=list(keys), set_=changes))
